"""Persons register, civil registry, address register, mobile-citizens base, bank accounts.

The civil registry has no table of its own: marriages, births, deaths and guardianship are derived
from the families (head, spouse, child, parent, other) and the persons' dates, so a death in the
civil registry is exactly the death in the persons register (both are Person.death_date).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import pairwise
from typing import Any

from sqlalchemy import Connection, select

from kezek.integration.iban import make_kz_iban
from kezek.models import AddressRegistration, FamilyMember, Person
from kezek.sandbox.answers.common import PersonRow, Query, add_years, by_person, chunks, iso

# A parent is at least this much older than the child (else the child is a ward, not a child).
MIN_PARENT_AGE_YEARS = 14
ADULT_AGE = 18
# Synthetic bank codes (3 digits): the emulator does not claim to reproduce any real bank's codes.
BANK_CODES = ("901", "902", "903", "904", "905")


def persons(conn: Connection, people: dict[str, PersonRow], query: Query) -> dict[str, dict[str, Any]]:
    return {
        iin: {
            "iin": iin,
            "surname": p.surname,
            "given_name": p.given_name,
            "patronymic": p.patronymic,
            "birth_date": p.birth_date.isoformat(),
            "sex": p.sex,
            "citizenship": p.citizenship,
            "death_date": iso(p.death_date),
            "alive": p.death_date is None or p.death_date > query.as_of,
        }
        for iin, p in people.items()
    }


def address(conn: Connection, people: dict[str, PersonRow], query: Query) -> dict[str, dict[str, Any]]:
    owner = by_person(people)
    out: dict[str, dict[str, Any]] = {iin: {"registrations": []} for iin in people}
    t = AddressRegistration.__table__.c
    for part in chunks(list(owner)):
        rows = conn.execute(
            select(t.person_id, t.kato, t.address, t.registered_from, t.registered_to)
            .where(t.person_id.in_(part), t.registered_from <= query.as_of)
            .order_by(t.person_id, t.registered_from, t.id)
        )
        for row in rows:
            out[owner[row.person_id]]["registrations"].append(
                {
                    "kato": row.kato,
                    "address": row.address,
                    "registered_from": row.registered_from.isoformat(),
                    "registered_to": iso(row.registered_to),
                }
            )
    return out


def mobile(conn: Connection, people: dict[str, PersonRow], query: Query) -> dict[str, dict[str, Any]]:
    return {iin: {"phone": p.phone, "verified": p.phone is not None} for iin, p in people.items()}


def account_number(person_id: int) -> tuple[str, str]:
    """A deterministic bank code and 13-digit account per person (a bijection on person ids)."""
    # 7,919 is coprime with 10**13, so distinct ids give distinct account numbers.
    number = (person_id * 7919 + 1_000_003) % 10**13
    return BANK_CODES[person_id % len(BANK_CODES)], f"{number:013d}"


def bank(conn: Connection, people: dict[str, PersonRow], query: Query) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for iin, p in people.items():
        opened = add_years(p.birth_date, ADULT_AGE)
        if opened > query.as_of or (p.death_date is not None and p.death_date <= opened):
            out[iin] = {"accounts": []}
            continue
        code, number = account_number(p.id)
        out[iin] = {
            "accounts": [
                {"iban": make_kz_iban(code, number), "currency": "KZT", "opened_on": opened.isoformat()}
            ]
        }
    return out


# ---- civil registry ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Member:
    family_id: int
    person_id: int
    relation: str
    iin: str
    sex: str
    birth_date: date
    death_date: date | None


def _family_ids(conn: Connection, person_ids: list[int]) -> set[int]:
    fm = FamilyMember.__table__.c
    found: set[int] = set()
    for part in chunks(sorted(person_ids)):
        found.update(conn.scalars(select(fm.family_id).where(fm.person_id.in_(part))))
    return found


def _families_of(conn: Connection, person_ids: list[int]) -> dict[int, list[Member]]:
    """Every family of the persons and of their relatives, with all members.

    One step further than the persons' own families, so that a child who also belongs to another
    family gets the same parents whichever of them is asked about.
    """
    fm = FamilyMember.__table__.c
    p = Person.__table__.c
    family_ids = _family_ids(conn, person_ids)
    relatives: set[int] = set()
    for part in chunks(sorted(family_ids)):
        relatives.update(conn.scalars(select(fm.person_id).where(fm.family_id.in_(part))))
    family_ids |= _family_ids(conn, sorted(relatives - set(person_ids)))
    families: dict[int, list[Member]] = defaultdict(list)
    for part in chunks(sorted(family_ids)):
        rows = conn.execute(
            select(fm.family_id, fm.person_id, fm.relation, p.iin, p.sex, p.birth_date, p.death_date)
            .join(Person.__table__, p.id == fm.person_id)
            .where(fm.family_id.in_(part))
            .order_by(fm.family_id, fm.id)
        )
        for row in rows:
            families[row.family_id].append(Member(*row))
    return families


def _old_enough(parent: Member, child: Member) -> bool:
    return add_years(parent.birth_date, MIN_PARENT_AGE_YEARS) <= child.birth_date


def _marriage_date(family_id: int, a: Member, b: Member, children: list[Member], as_of: date) -> date:
    """Synthetic: a few years after the younger spouse came of age, not after the first child."""
    of_age = add_years(max(a.birth_date, b.birth_date), ADULT_AGE)
    day = add_years(of_age, 2 + family_id % 6)
    if children:
        first_child = min(c.birth_date for c in children)
        day = min(day, max(of_age, first_child - timedelta(days=365)))
    return min(day, as_of)


@dataclass
class _Civil:
    parents: dict[int, tuple[str | None, str | None]]  # person id -> (mother iin, father iin)
    marriages: dict[int, list[dict[str, Any]]]
    children: dict[int, list[int]]  # parent person id -> child person ids
    guardianships: dict[int, list[dict[str, Any]]]
    births: dict[int, date]
    iins: dict[int, str]


def _derive(families: dict[int, list[Member]], as_of: date) -> _Civil:
    civil = _Civil({}, defaultdict(list), defaultdict(list), defaultdict(list), {}, {})
    couples: list[tuple[int, Member, Member, date]] = []
    for family_id, members in sorted(families.items()):
        for m in members:
            civil.births[m.person_id] = m.birth_date
            civil.iins[m.person_id] = m.iin
        head = next((m for m in members if m.relation == "head"), None)
        spouse = next((m for m in members if m.relation == "spouse"), None)
        couple = [m for m in (head, spouse) if m is not None]
        kids = [m for m in members if m.relation == "child"]
        for kid in kids:
            mother = next((c.iin for c in couple if c.sex == "F" and _old_enough(c, kid)), None)
            father = next((c.iin for c in couple if c.sex == "M" and _old_enough(c, kid)), None)
            if mother or father:
                civil.parents.setdefault(kid.person_id, (mother, father))
            elif head is not None and kid.birth_date > as_of - timedelta(days=365 * ADULT_AGE):
                _guardianship(civil, kid, head)
        for m in members:
            if m.relation == "other" and head is not None and add_years(m.birth_date, ADULT_AGE) > as_of:
                _guardianship(civil, m, head)
        if head is not None:
            elders = [m for m in members if m.relation == "parent" and _old_enough(m, head)]
            mother = next((m.iin for m in elders if m.sex == "F"), None)
            father = next((m.iin for m in elders if m.sex == "M"), None)
            if mother or father:
                civil.parents.setdefault(head.person_id, (mother, father))
        if head is not None and spouse is not None:
            couples.append((family_id, head, spouse, _marriage_date(family_id, head, spouse, kids, as_of)))
    # Children follow from the birth records, so a parent's list and a child's record always agree.
    person_of = {iin: person_id for person_id, iin in civil.iins.items()}
    for child_id, pair in civil.parents.items():
        for parent_iin in pair:
            if parent_iin is not None:
                civil.children[person_of[parent_iin]].append(child_id)
    _marriages(civil, couples)
    return civil


def _guardianship(civil: _Civil, ward: Member, guardian: Member) -> None:
    since = max(ward.birth_date, add_years(guardian.birth_date, ADULT_AGE))
    record = {
        "ward_iin": ward.iin,
        "guardian_iin": guardian.iin,
        "since": since.isoformat(),
        "until": add_years(ward.birth_date, ADULT_AGE).isoformat(),
    }
    if record not in civil.guardianships[ward.person_id]:
        civil.guardianships[ward.person_id].append(record)
        civil.guardianships[guardian.person_id].append(record)


def _marriages(civil: _Civil, couples: list[tuple[int, Member, Member, date]]) -> None:
    """A person married in two families divorced from the first before the second (by family id)."""
    by_person: dict[int, list[tuple[int, Member, Member, date]]] = defaultdict(list)
    for couple in sorted(couples, key=lambda c: c[0]):
        by_person[couple[1].person_id].append(couple)
        by_person[couple[2].person_id].append(couple)
    ended: dict[int, tuple[date, str]] = {}
    for marriages in by_person.values():
        for earlier, later in pairwise(marriages):
            divorced = max(earlier[3] + timedelta(days=1), later[3] - timedelta(days=1))
            ended[earlier[0]] = min(ended.get(earlier[0], (divorced, "divorce")), (divorced, "divorce"))
    for family_id, a, b, registered in couples:
        end: tuple[date, str] | None = ended.get(family_id)
        deaths = [d for d in (a.death_date, b.death_date) if d is not None]
        if deaths and (end is None or min(deaths) < end[0]):
            end = (min(deaths), "death")
        for me, other in ((a, b), (b, a)):
            civil.marriages[me.person_id].append(
                {
                    "spouse_iin": other.iin,
                    "registered_on": registered.isoformat(),
                    "ended_on": end[0].isoformat() if end else None,
                    "end_reason": end[1] if end else None,
                }
            )


def _birth(civil: _Civil, person_id: int) -> dict[str, Any]:
    mother, father = civil.parents.get(person_id, (None, None))
    return {
        "child_iin": civil.iins[person_id],
        "birth_date": civil.births[person_id].isoformat(),
        "mother_iin": mother,
        "father_iin": father,
    }


def civil(conn: Connection, people: dict[str, PersonRow], query: Query) -> dict[str, dict[str, Any]]:
    families = _families_of(conn, [p.id for p in people.values()])
    derived = _derive(families, query.as_of)
    out: dict[str, dict[str, Any]] = {}
    for iin, p in people.items():
        derived.iins.setdefault(p.id, iin)
        derived.births.setdefault(p.id, p.birth_date)
        out[iin] = {
            "birth": _birth(derived, p.id),
            "death_date": iso(p.death_date),
            "marriages": derived.marriages.get(p.id, []),
            "children": [_birth(derived, c) for c in sorted(set(derived.children.get(p.id, [])))],
            "guardianships": derived.guardianships.get(p.id, []),
        }
    return out
