"""`python -m kezek ...` is the same as the `kezek` command."""

from kezek.cli import main

main()
