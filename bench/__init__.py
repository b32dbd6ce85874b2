"""Kezek's benchmarks: `python -m bench [NAME ...] [-- ARGS]` (or `make bench`).

Each module here has a `main(argv)` that prints its own figures (medians over repeats, and the
ratio to the target the issue sets). They are measurements, not tests: nothing here fails a build.
"""
