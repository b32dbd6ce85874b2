"""Shared pieces of the emulated systems: the query, person lookup by IIN, months, hashing."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Connection, select

from kezek.models import Person

T = TypeVar("T")

# Bound parameters per statement: well under SQLite's 32,766 and PostgreSQL's 65,535.
CHUNK = 2000


@dataclass(frozen=True)
class Query:
    as_of: date
    period_from: date | None = None
    period_to: date | None = None


@dataclass(frozen=True)
class PersonRow:
    id: int
    iin: str
    surname: str
    given_name: str
    patronymic: str | None
    birth_date: date
    sex: str
    citizenship: str
    death_date: date | None
    phone: str | None
    kato: str


def chunks(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def lookup_people(conn: Connection, iins: Iterable[str]) -> dict[str, PersonRow]:
    """The persons register is the key for every system: IIN -> person, for the IINs that exist."""
    wanted = sorted(set(iins))
    found: dict[str, PersonRow] = {}
    cols = Person.__table__.c
    for part in chunks(wanted):
        rows = conn.execute(
            select(
                cols.id,
                cols.iin,
                cols.surname,
                cols.given_name,
                cols.patronymic,
                cols.birth_date,
                cols.sex,
                cols.citizenship,
                cols.death_date,
                cols.phone,
                cols.kato,
            ).where(cols.iin.in_(part))
        )
        for row in rows:
            found[row.iin] = PersonRow(*row)
    return found


def by_person(people: dict[str, PersonRow]) -> dict[int, str]:
    return {p.id: iin for iin, p in people.items()}


def iso(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def month_start(day: date) -> date:
    return day.replace(day=1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def months(start: date, end: date) -> Iterator[date]:
    current = month_start(start)
    last = month_start(end)
    while current <= last:
        yield current
        current = add_months(current, 1)


def default_period(query: Query) -> tuple[date, date]:
    """The twelve months before the month of ``as_of`` (domain.md §6: the 12 months before applying)."""
    if query.period_from and query.period_to:
        return month_start(query.period_from), month_start(query.period_to)
    end = add_months(month_start(query.as_of), -1)
    return add_months(end, -11), end


def unit(*parts: Any) -> float:
    """A deterministic number in [0, 1) from the parts (Python's hash() is salted per process)."""
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def dated(kind: str, detail: str | None, since: date, until: date | None) -> dict[str, Any]:
    return {"kind": kind, "detail": detail, "since": since.isoformat(), "until": iso(until)}
