"""Pension contributions and payments, tax income, social payments: monthly lines from IncomeSpell.

A spell is a constant monthly income from one source over a span of months; the systems answer
with one line per month of the requested period (domain.md §6: keep the raw monthly lines).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, or_, select

from kezek.models import IncomeSpell
from kezek.sandbox.answers.common import (
    PersonRow,
    Query,
    by_person,
    chunks,
    default_period,
    month_start,
    months,
)

# Compulsory pension contributions: 10 % of income (Social Code of the Republic of Kazakhstan).
PENSION_CONTRIBUTION_PERCENT = 10


def _lines(
    conn: Connection, people: dict[str, PersonRow], query: Query, sources: tuple[str, ...]
) -> dict[str, list[dict[str, Any]]]:
    start, end = default_period(query)
    owner = by_person(people)
    t = IncomeSpell.__table__.c
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for part in chunks(list(owner)):
        rows = conn.execute(
            select(t.person_id, t.source, t.monthly_tiyn, t.from_month, t.to_month)
            .where(
                t.person_id.in_(part),
                t.source.in_(sources),
                t.from_month <= end,
                or_(t.to_month.is_(None), t.to_month >= start),
            )
            .order_by(t.person_id, t.from_month, t.id)
        )
        for row in rows:
            first = max(month_start(row.from_month), start)
            last = min(month_start(row.to_month), end) if row.to_month else end
            for month in months(first, last):
                line: dict[str, Any] = {
                    "month": month.isoformat(),
                    "source": row.source,
                    "amount_tiyn": row.monthly_tiyn,
                }
                if sources == ("salary", "pension"):
                    share = row.monthly_tiyn * PENSION_CONTRIBUTION_PERCENT // 100
                    line["contribution_tiyn"] = share if row.source == "salary" else 0
                out[owner[row.person_id]].append(line)
    for lines in out.values():
        lines.sort(key=lambda line: (line["month"], line["source"]))
    return out


def pension(conn: Connection, people: dict[str, PersonRow], query: Query) -> dict[str, dict[str, Any]]:
    lines = _lines(conn, people, query, ("salary", "pension"))
    return {iin: {"lines": lines.get(iin, [])} for iin in people}


def tax(conn: Connection, people: dict[str, PersonRow], query: Query) -> dict[str, dict[str, Any]]:
    lines = _lines(conn, people, query, ("entrepreneur", "other"))
    return {iin: {"lines": lines.get(iin, [])} for iin in people}


def social_payments(
    conn: Connection, people: dict[str, PersonRow], query: Query
) -> dict[str, dict[str, Any]]:
    lines = _lines(conn, people, query, ("social",))
    return {iin: {"lines": lines.get(iin, [])} for iin in people}
