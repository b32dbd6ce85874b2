"""A deterministic synthetic population for the sandbox to serve (demos and benchmarks).

The full population generator lives in `kezek.population`; this is the sandbox's own small one so
that `kezek sandbox serve` and the benchmark work on an empty database. Bulk inserts through
SQLAlchemy Core; the same seed always gives the same people. Names are synthetic placeholders.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Engine, insert, select

from kezek import clock
from kezek.models import (
    AddressRegistration,
    Family,
    FamilyMember,
    IncomeSpell,
    Person,
    PropertyRecord,
    StatusRecord,
)

# Synthetic settlement codes in the 9-digit KATO format (not a claim about real settlements).
SETTLEMENTS = ("711110000", "751110000", "791110000", "351610000", "551610000", "631010000")
SURNAMES = ("Abenov", "Bekova", "Dauletov", "Ermekova", "Zhakenov", "Kaliyeva", "Nurlanov", "Omarova")
GIVEN = {
    "M": ("Arman", "Bauyrzhan", "Daniyar", "Yerlan", "Nurlan"),
    "F": ("Aigerim", "Dana", "Gulnar", "Madina"),
}


def iin_check_digit(first11: str) -> int | None:
    """The twelfth IIN digit (domain.md §10.1), or None when the number cannot be issued."""
    digits = [int(c) for c in first11]
    check = sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11
    if check == 10:
        weights = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
        check = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
    return None if check == 10 else check


@dataclass
class IinMaker:
    """Valid, unique IINs: date of birth, century and sex, a serial number, the check digit."""

    serials: dict[tuple[date, str], int] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)
    start: int = 1000

    def make(self, birth: date, sex: str) -> str:
        century = {18: 1, 19: 3, 20: 5}[birth.year // 100] + (1 if sex == "F" else 0)
        serial = self.serials.get((birth, sex), self.start)
        while True:
            serial += 1
            first11 = f"{birth:%y%m%d}{century}{serial % 10000:04d}"
            check = iin_check_digit(first11)
            if check is not None and (iin := first11 + str(check)) not in self.taken:
                self.serials[(birth, sex)] = serial
                self.taken.add(iin)
                return iin


@dataclass(frozen=True)
class SeedResult:
    families: int
    persons: int
    family_ids: list[int]


def _birth(rng: random.Random, today: date, low: int, high: int) -> date:
    return today - timedelta(days=rng.randint(low * 365 + 1, high * 365 + 200))


def _months_ago(today: date, months: int) -> date:
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def _family_people(rng: random.Random, today: date) -> Iterator[tuple[str, str, date]]:
    """(relation, sex, birth date) of one family's members, head first."""
    head_sex = rng.choice("MF")
    head_birth = _birth(rng, today, 22, 70)
    yield "head", head_sex, head_birth
    if rng.random() < 0.7:
        yield "spouse", "F" if head_sex == "M" else "M", head_birth + timedelta(days=rng.randint(-1500, 1500))
    head_age = (today - head_birth).days // 365
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 4, 5))):
        yield "child", rng.choice("MF"), _birth(rng, today, 0, max(0, min(25, head_age - 20)))
    if rng.random() < 0.1 and head_age < 55:
        yield "parent", rng.choice("MF"), head_birth - timedelta(days=rng.randint(20 * 365, 35 * 365))
    if rng.random() < 0.03:
        yield "other", rng.choice("MF"), _birth(rng, today, 1, 16)


def seed_population(engine: Engine, *, families: int, seed: int = 1, batch: int = 2000) -> SeedResult:
    """Insert ``families`` families with their members and state records; returns the family ids."""
    rng = random.Random(seed)
    today = clock.today_local()
    maker = IinMaker()
    with engine.begin() as conn:
        maker.taken.update(conn.scalars(select(Person.iin)))
    family_ids: list[int] = []
    persons = 0
    for start in range(0, families, batch):
        count = min(batch, families - start)
        with engine.begin() as conn:
            plan = [(rng.choice(SETTLEMENTS), list(_family_people(rng, today))) for _ in range(count)]
            person_rows = []
            for kato, members in plan:
                for _relation, sex, birth in members:
                    dead = rng.random() < 0.015
                    person_rows.append(
                        {
                            "iin": maker.make(birth, sex),
                            "surname": rng.choice(SURNAMES),
                            "given_name": rng.choice(GIVEN[sex]),
                            "patronymic": None,
                            "birth_date": birth,
                            "sex": sex,
                            "citizenship": rng.choices(("citizen", "kandas", "foreign"), (97, 2, 1))[0],
                            "death_date": today - timedelta(days=rng.randint(1, 900)) if dead else None,
                            "phone": f"+7701{rng.randrange(10**7):07d}" if rng.random() < 0.85 else None,
                            "kato": kato,
                        }
                    )
            ids = list(
                conn.scalars(insert(Person).returning(Person.id, sort_by_parameter_order=True), person_rows)
            )
            persons += len(ids)
            heads = []
            cursor = 0
            for kato, members in plan:
                heads.append({"head_person_id": ids[cursor], "kato": kato})
                cursor += len(members)
            fids = list(
                conn.scalars(insert(Family).returning(Family.id, sort_by_parameter_order=True), heads)
            )
            family_ids.extend(fids)
            rows: dict[type[Any], list[dict[str, Any]]] = {
                FamilyMember: [],
                AddressRegistration: [],
                PropertyRecord: [],
                StatusRecord: [],
                IncomeSpell: [],
            }
            cursor = 0
            for fid, (kato, members) in zip(fids, plan, strict=True):
                _records(rng, today, fid, kato, members, ids[cursor : cursor + len(members)], rows)
                cursor += len(members)
            for model, values in rows.items():
                if values:
                    conn.execute(insert(model), values)
    return SeedResult(families=len(family_ids), persons=persons, family_ids=family_ids)


def _records(
    rng: random.Random,
    today: date,
    family_id: int,
    kato: str,
    members: list[tuple[str, str, date]],
    person_ids: list[int],
    rows: dict[type[Any], list[dict[str, Any]]],
) -> None:
    street = f"Synthetic street {rng.randint(1, 400)}, flat {rng.randint(1, 200)}"
    head_id = person_ids[0]
    for (relation, _sex, birth), pid in zip(members, person_ids, strict=True):
        rows[FamilyMember].append({"family_id": family_id, "person_id": pid, "relation": relation})
        moved_in = max(birth, today - timedelta(days=rng.randint(200, 6000)))
        if rng.random() < 0.1:
            previous = rng.choice(SETTLEMENTS)
            rows[AddressRegistration].append(
                {
                    "person_id": pid,
                    "kato": previous,
                    "address": "Earlier street 1",
                    "registered_from": birth,
                    "registered_to": moved_in - timedelta(days=1),
                }
            )
        rows[AddressRegistration].append(
            {
                "person_id": pid,
                "kato": kato,
                "address": street,
                "registered_from": moved_in,
                "registered_to": None,
            }
        )
        age = (today - birth).days // 365
        if age >= 63:
            rows[IncomeSpell].append(_spell(pid, "pension", rng.randint(80_000, 200_000), today, 60))
            rows[StatusRecord].append(
                _status(pid, "pensioner", None, today - timedelta(days=(age - 63) * 365))
            )
        elif age >= 20 and rng.random() < (0.75 if relation == "head" else 0.5):
            rows[IncomeSpell].append(_spell(pid, "salary", rng.randint(120_000, 700_000), today, 30))
            kind = rng.choices(("civil_servant", "budget_worker", "military", None), (8, 14, 2, 76))[0]
            if kind:
                rows[StatusRecord].append(
                    _status(pid, kind, None, today - timedelta(days=rng.randint(100, 4000)))
                )
        if age >= 20 and rng.random() < 0.05:
            rows[IncomeSpell].append(_spell(pid, "entrepreneur", rng.randint(50_000, 900_000), today, 24))
        if rng.random() < 0.04:
            kind = "disabled_child" if age < 18 else "disability"
            since = today - timedelta(days=rng.randint(100, 3000))
            rows[StatusRecord].append(_status(pid, kind, str(rng.randint(1, 3)), max(since, birth)))
            rows[IncomeSpell].append(_spell(pid, "social", rng.randint(40_000, 120_000), today, 36))
    children = sum(1 for relation, _, _ in members if relation == "child")
    if children >= 4:
        rows[StatusRecord].append(_status(head_id, "large_family", None, today - timedelta(days=900)))
    draw = rng.random()
    if draw < 0.15 or draw > 0.95:
        acquired = today - timedelta(days=rng.randint(400, 7000))
        sold = draw > 0.95 and rng.random() < 0.8
        rows[PropertyRecord].append(
            {
                "person_id": head_id,
                "kato": kato,
                "kind": rng.choice(("flat", "flat", "house")),
                "area_dm2": rng.randint(3000, 9000),
                "acquired_on": acquired,
                "acquisition": rng.choice(("purchase", "gift", "inheritance", "privatisation")),
                "alienated_on": acquired + timedelta(days=rng.randint(100, 300)) if sold else None,
                "alienation": rng.choice(("sale", "gift", "exchange", "division")) if sold else None,
                "emergency_since": today - timedelta(days=200) if draw < 0.02 else None,
            }
        )
    if rng.random() < 0.01:
        rows[StatusRecord].append(
            _status(head_id, "state_housing_received", None, today - timedelta(days=2000))
        )
    if rng.random() < 0.01:
        rows[StatusRecord].append(
            _status(head_id, "preferential_purchase", None, today - timedelta(days=1000))
        )
    if rng.random() < 0.2:
        rows[StatusRecord].append(_status(head_id, "otbasy_deposit", None, today - timedelta(days=700)))


def _spell(person_id: int, source: str, tenge: int, today: date, months_back: int) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "source": source,
        "monthly_tiyn": tenge * 100,
        "from_month": _months_ago(today, months_back),
        "to_month": None,
    }


def _status(person_id: int, kind: str, detail: str | None, since: date) -> dict[str, Any]:
    return {"person_id": person_id, "kind": kind, "detail": detail, "since": since, "until": None}
