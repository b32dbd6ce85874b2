"""Real-estate rights, emergency dwellings, and the registers kept as dated statuses.

State housing fund, preferential programmes, disability, social statuses and employment all come
from StatusRecord; each system sees only its own kinds.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, select

from kezek.models import PropertyRecord, StatusRecord
from kezek.sandbox.answers.common import PersonRow, Query, by_person, chunks, dated, iso

STATE_HOUSING_KINDS = {"state_housing_received": "received", "state_housing_privatised": "privatised"}
PROGRAMME_KINDS = {"preferential_purchase": "preferential_purchase", "otbasy_deposit": "otbasy_deposit"}
DISABILITY_KINDS = {"disability": "disability", "disabled_child": "disabled_child"}
EMPLOYMENT_KINDS = {k: k for k in ("civil_servant", "budget_worker", "military")}
SOCIAL_KINDS = {
    k: k
    for k in (
        "large_family",
        "altyn_alqa",
        "kumis_alqa",
        "mother_heroine",
        "orphan",
        "wwii_veteran",
        "combat_veteran",
        "veteran_equated",
        "kandas",
        "single_parent",
        "widow",
        "pensioner",
        # Kept with the social statuses of the digital family map; the medical source is not modelled.
        "chronic_disease",
    )
}


def _property_rows(conn: Connection, people: dict[str, PersonRow], query: Query, emergency: bool) -> Any:
    owner = by_person(people)
    t = PropertyRecord.__table__.c
    for part in chunks(list(owner)):
        stmt = select(
            t.id,
            t.person_id,
            t.kato,
            t.kind,
            t.area_dm2,
            t.acquired_on,
            t.acquisition,
            t.alienated_on,
            t.alienation,
            t.emergency_since,
        ).where(t.person_id.in_(part), t.acquired_on <= query.as_of)
        if emergency:
            stmt = stmt.where(t.emergency_since.is_not(None), t.emergency_since <= query.as_of)
        yield from conn.execute(stmt.order_by(t.person_id, t.acquired_on, t.id))


def rights(conn: Connection, people: dict[str, PersonRow], query: Query) -> dict[str, dict[str, Any]]:
    owner = by_person(people)
    out: dict[str, dict[str, Any]] = {iin: {"rights": []} for iin in people}
    for row in _property_rows(conn, people, query, emergency=False):
        # A transfer after the as-of date has not happened yet in the register's view.
        alienated = row.alienated_on is not None and row.alienated_on <= query.as_of
        out[owner[row.person_id]]["rights"].append(
            {
                "record_id": row.id,
                "kato": row.kato,
                "kind": row.kind,
                "area_dm2": row.area_dm2,
                "acquired_on": row.acquired_on.isoformat(),
                "acquisition": row.acquisition,
                "alienated_on": iso(row.alienated_on) if alienated else None,
                "alienation": row.alienation if alienated else None,
            }
        )
    return out


def emergency(conn: Connection, people: dict[str, PersonRow], query: Query) -> dict[str, dict[str, Any]]:
    owner = by_person(people)
    out: dict[str, dict[str, Any]] = {iin: {"dwellings": []} for iin in people}
    for row in _property_rows(conn, people, query, emergency=True):
        if row.alienated_on is not None and row.alienated_on <= query.as_of:
            continue  # no longer the person's dwelling
        out[owner[row.person_id]]["dwellings"].append(
            {
                "record_id": row.id,
                "kato": row.kato,
                "kind": row.kind,
                "area_dm2": row.area_dm2,
                "emergency_since": row.emergency_since.isoformat(),
            }
        )
    return out


def _statuses(
    conn: Connection, people: dict[str, PersonRow], query: Query, kinds: dict[str, str]
) -> dict[str, list[Any]]:
    owner = by_person(people)
    t = StatusRecord.__table__.c
    found: dict[str, list[Any]] = defaultdict(list)
    for part in chunks(list(owner)):
        rows = conn.execute(
            select(t.person_id, t.kind, t.detail, t.since, t.until)
            .where(t.person_id.in_(part), t.kind.in_(list(kinds)), t.since <= query.as_of)
            .order_by(t.person_id, t.since, t.id)
        )
        for row in rows:
            found[owner[row.person_id]].append(row)
    return found


def _dated_answer(
    conn: Connection, people: dict[str, PersonRow], query: Query, kinds: dict[str, str], key: str
) -> dict[str, dict[str, Any]]:
    found = _statuses(conn, people, query, kinds)
    return {
        iin: {key: [dated(kinds[r.kind], r.detail, r.since, r.until) for r in found.get(iin, [])]}
        for iin in people
    }


def state_housing(conn: Connection, people: dict[str, PersonRow], query: Query) -> dict[str, dict[str, Any]]:
    return _dated_answer(conn, people, query, STATE_HOUSING_KINDS, "records")


def programmes(conn: Connection, people: dict[str, PersonRow], query: Query) -> dict[str, dict[str, Any]]:
    return _dated_answer(conn, people, query, PROGRAMME_KINDS, "records")


def social_status(conn: Connection, people: dict[str, PersonRow], query: Query) -> dict[str, dict[str, Any]]:
    return _dated_answer(conn, people, query, SOCIAL_KINDS, "statuses")


def employment(conn: Connection, people: dict[str, PersonRow], query: Query) -> dict[str, dict[str, Any]]:
    return _dated_answer(conn, people, query, EMPLOYMENT_KINDS, "records")


def disability(conn: Connection, people: dict[str, PersonRow], query: Query) -> dict[str, dict[str, Any]]:
    found = _statuses(conn, people, query, DISABILITY_KINDS)
    out: dict[str, dict[str, Any]] = {}
    for iin in people:
        records = []
        for r in found.get(iin, []):
            group = int(r.detail) if r.detail and r.detail.strip() in {"1", "2", "3"} else None
            records.append(
                {"kind": r.kind, "group": group, "since": r.since.isoformat(), "until": iso(r.until)}
            )
        out[iin] = {"records": records}
    return out
