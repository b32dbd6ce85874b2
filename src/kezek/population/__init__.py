"""The synthetic population: a deterministic, realistic Kazakhstan population for tests, demos and
benchmarks (names, IINs, families, registrations, incomes, property, statuses), streamed to CSV files
and bulk-loaded into SQLite or PostgreSQL. Shares and their reasons: ``shares.yaml``.

``demo_sign_ins()`` lists the demo dataset's sign-ins (the home page shows them in development).
"""

from __future__ import annotations


def demo_sign_ins() -> list[dict[str, str]]:
    """Officials (username, password) and citizens (IIN) of the demo dataset, with a note each."""
    from kezek.population.demo import demo_sign_ins as _sign_ins

    return _sign_ins()


__all__ = ["demo_sign_ins"]
