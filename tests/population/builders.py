"""Reading a generated population back for the tests (plain csv, no database)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from pathlib import Path

AS_OF = date(2026, 11, 1)


def rows(directory: Path, table: str) -> Iterator[dict[str, str]]:
    with (directory / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def age(birth: str, on: date = AS_OF) -> float:
    return (on - date.fromisoformat(birth)).days / 365.2425


def years_ago(day: str, on: date = AS_OF) -> float:
    return (on - date.fromisoformat(day)).days / 365.2425
