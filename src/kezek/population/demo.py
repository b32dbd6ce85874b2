"""The small deterministic demo dataset: a population in a few jurisdictions, named citizens whose
IINs the README can list, and one demo official for every role.

The demo passwords below are public on purpose: the dataset is for a local demonstration only
(``kezek demo load`` on an empty database) and is never loaded in production.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import Actor
from kezek.auth.service import create_official
from kezek.models import Official
from kezek.population import files, loader
from kezek.population.generator import RESERVED_SERIAL, PopulationGenerator
from kezek.registry import iin as iin_rules
from kezek.registry import repository
from kezek.registry.service import load_reference_kato

DEMO_PERSONS = 2000
DEMO_SEED = 2026
# Astana (Esil and Saryarka districts), Almaty (Almaly district), and two districts of Akmola
# Region: the city of Kokshetau and Burabay district (two district officials who must not see
# each other's people).
DEMO_JURISDICTIONS: dict[str, float] = {
    "711210000": 0.3,
    "711310000": 0.15,
    "751110000": 0.25,
    "111000000": 0.18,
    "113200000": 0.12,
}


@dataclass(frozen=True)
class DemoOfficial:
    username: str
    password: str
    full_name: str
    roles: tuple[str, ...]
    scopes: tuple[str, ...]
    note: str
    language: str = "ru"


OFFICIALS: tuple[DemoOfficial, ...] = (
    DemoOfficial(
        "operator.astana",
        "demo-operator",
        "Айгерім Сәрсенова",
        ("psc_operator",),
        ("71",),
        "PSC operator, Astana",
    ),
    DemoOfficial(
        "executor.astana", "demo-executor", "Нұрлан Әбенов", ("executor",), ("71",), "executor, Astana", "kk"
    ),
    DemoOfficial(
        "head.astana", "demo-head", "Марат Қасымов", ("head",), ("71",), "head of department, Astana"
    ),
    DemoOfficial(
        "commission.astana",
        "demo-commission",
        "Елена Ким",
        ("commission_member",),
        ("71",),
        "housing commission, Astana",
    ),
    DemoOfficial(
        "distribution.astana",
        "demo-distribution",
        "Бауыржан Оспанов",
        ("distribution_officer",),
        ("71",),
        "distribution officer, Astana",
    ),
    DemoOfficial(
        "executor.almaty", "demo-executor", "Сәуле Жақыпова", ("executor",), ("75",), "executor, Almaty"
    ),
    DemoOfficial(
        "executor.kokshetau",
        "demo-executor",
        "Ирина Павленко",
        ("executor",),
        ("1110",),
        "executor, Kokshetau city",
    ),
    DemoOfficial(
        "executor.burabay",
        "demo-executor",
        "Ерболат Сейітов",
        ("executor",),
        ("1132",),
        "executor, Burabay district",
        "kk",
    ),
    DemoOfficial(
        "auditor", "demo-auditor", "Динара Мұқанова", ("auditor",), ("",), "auditor, whole country", "en"
    ),
    DemoOfficial(
        "admin",
        "demo-admin",
        "Kezek Administrator",
        ("administrator",),
        ("",),
        "administrator, whole country",
        "en",
    ),
)


@dataclass(frozen=True)
class Member:
    given: str
    surname: str
    patronymic: str | None
    born: date
    sex: iin_rules.Sex
    relation: str


@dataclass(frozen=True)
class NamedCitizen:
    """A demo citizen who signs in by IIN; ``members[0]`` is the citizen, the rest the family."""

    note: str
    kato: str
    street: str
    registered_from: date
    members: tuple[Member, ...]
    incomes: tuple[tuple[int, str, int, date], ...] = ()  # (member, source, tenge a month, from month)
    properties: tuple[dict[str, Any], ...] = ()  # member index + PropertyRecord fields
    statuses: tuple[tuple[int, str, str | None, date], ...] = ()  # (member, kind, detail, since)
    previous: tuple[str, date] | None = None  # an earlier registration (kato, from)
    head: int = 0  # which member heads the family

    def iins(self, number: int) -> list[str]:
        return [
            iin_rules.first_issuable(m.born, m.sex, RESERVED_SERIAL + 50 * number + i)
            for i, m in enumerate(self.members)
        ]


NAMED: tuple[NamedCitizen, ...] = (
    NamedCitizen(
        note="large family (5 children), no housing, registered in Astana since 2016: priority category",
        kato="711210000",
        street="ул. Кенесары, д. 40, кв. 12",
        registered_from=date(2016, 8, 10),
        members=(
            Member("Әсел", "Жұмабаева", "Нұрланқызы", date(1988, 3, 15), "F", "spouse"),
            Member("Ерлан", "Жұмабаев", "Маратұлы", date(1985, 6, 12), "M", "head"),
            Member("Нұрсұлтан", "Жұмабаев", "Ерланұлы", date(2010, 9, 1), "M", "child"),
            Member("Айару", "Жұмабаева", "Ерланқызы", date(2012, 4, 18), "F", "child"),
            Member("Әлихан", "Жұмабаев", "Ерланұлы", date(2015, 1, 27), "M", "child"),
            Member("Томирис", "Жұмабаева", "Ерланқызы", date(2018, 7, 9), "F", "child"),
            Member("Ерасыл", "Жұмабаев", "Ерланұлы", date(2021, 5, 30), "M", "child"),
        ),
        head=1,
        incomes=((1, "salary", 280_000, date(2019, 3, 1)), (0, "social", 90_000, date(2021, 6, 1))),
        statuses=((0, "large_family", None, date(2018, 7, 9)),),
    ),
    NamedCitizen(
        note="disability group 2, renting in Almaty",
        kato="751110000",
        street="пр. Абая, д. 52, кв. 7",
        registered_from=date(2012, 2, 20),
        members=(Member("Ержан", "Сапаров", "Болатұлы", date(1979, 7, 2), "M", "head"),),
        incomes=((0, "social", 100_000, date(2015, 4, 1)),),
        statuses=((0, "disability", "2", date(2015, 4, 1)),),
    ),
    NamedCitizen(
        note="teacher registered in Astana for about 2 years (below the 3-year rule)",
        kato="711310000",
        street="ул. Сейфуллина, д. 9, кв. 31",
        registered_from=date(2024, 9, 2),
        previous=("111000000", date(2014, 6, 1)),
        members=(Member("Дана", "Ахметова", "Серікқызы", date(1996, 11, 20), "F", "head"),),
        incomes=((0, "salary", 240_000, date(2024, 9, 1)),),
        statuses=((0, "budget_worker", None, date(2024, 9, 2)),),
    ),
    NamedCitizen(
        note="civil servant who sold a flat in 2023 (owned housing within 5 years)",
        kato="711210000",
        street="ул. Достык, д. 5, кв. 88",
        registered_from=date(2010, 5, 1),
        members=(
            Member("Виктор", "Коваленко", "Андреевич", date(1983, 5, 5), "M", "head"),
            Member("Ольга", "Коваленко", "Сергеевна", date(1986, 10, 14), "F", "spouse"),
            Member("Мария", "Коваленко", "Викторовна", date(2014, 2, 3), "F", "child"),
        ),
        incomes=((0, "salary", 390_000, date(2011, 9, 1)), (1, "salary", 260_000, date(2016, 1, 1))),
        properties=(
            {
                "member": 0,
                "kato": "711210000",
                "kind": "flat",
                "area_dm2": 5430,
                "acquired_on": date(2012, 3, 1),
                "acquisition": "purchase",
                "alienated_on": date(2023, 6, 15),
                "alienation": "sale",
            },
        ),
        statuses=((0, "civil_servant", None, date(2011, 9, 1)),),
    ),
    NamedCitizen(
        note="orphan, 23 years old, Kokshetau",
        kato="111000000",
        street="ул. Абая, д. 101, кв. 4",
        registered_from=date(2021, 3, 1),
        members=(Member("Айбек", "Төлеуов", "Маратұлы", date(2003, 2, 10), "M", "head"),),
        incomes=((0, "salary", 180_000, date(2023, 7, 1)),),
        statuses=((0, "orphan", None, date(2012, 11, 5)),),
    ),
    NamedCitizen(
        note="widow whose only dwelling is recognised as emergency, Burabay district",
        kato="113200000",
        street="ул. Кенесары, д. 17",
        registered_from=date(1998, 5, 20),
        members=(Member("Гүлнар", "Иманова", "Омарқызы", date(1970, 8, 8), "F", "head"),),
        incomes=((0, "salary", 210_000, date(2005, 9, 1)),),
        properties=(
            {
                "member": 0,
                "kato": "113200000",
                "kind": "house",
                "area_dm2": 7250,
                "acquired_on": date(1998, 5, 12),
                "acquisition": "privatisation",
                "emergency_since": date(2020, 10, 1),
            },
        ),
        statuses=((0, "widow", None, date(2019, 1, 20)), (0, "budget_worker", None, date(2005, 9, 1))),
    ),
)


def named_iins() -> list[tuple[str, NamedCitizen]]:
    """The IIN each named citizen signs in with."""
    return [(citizen.iins(number)[0], citizen) for number, citizen in enumerate(NAMED)]


def demo_sign_ins() -> list[dict[str, str]]:
    """The demo's sign-ins for the home page and the README (kind, login, password, note)."""
    rows = [
        {"kind": "official", "login": o.username, "password": o.password, "note": o.note} for o in OFFICIALS
    ]
    rows += [
        {"kind": "citizen", "login": number, "password": "", "note": citizen.note}
        for number, citizen in named_iins()
    ]
    return rows


def _place(kato: str, generator: PopulationGenerator) -> str:
    codes = generator.geo.codes.tolist()
    return str(generator.geo.place[codes.index(kato)])


def _named_rows(writer: files.TableWriter, generator: PopulationGenerator) -> dict[str, Any]:
    """Append the named citizens and their families after the generated people."""
    for number, citizen in enumerate(NAMED):
        iins = citizen.iins(number)
        ids = generator.take_ids("persons", len(citizen.members)).tolist()
        family_id = int(generator.take_ids("families", 1)[0])
        address = f"{_place(citizen.kato, generator)}, {citizen.street}"
        for member, person_id, number_iin in zip(citizen.members, ids, iins, strict=True):
            writer.write_rows(
                "persons",
                [
                    {
                        "id": person_id,
                        "iin": number_iin,
                        "surname": member.surname,
                        "given_name": member.given,
                        "patronymic": member.patronymic,
                        "birth_date": member.born.isoformat(),
                        "sex": member.sex,
                        "citizenship": "citizen",
                        "kato": citizen.kato,
                        "phone": f"+7701{9000000 + 100 * number + len(member.given):07d}"
                        if member.born.year < 2008
                        else None,
                    }
                ],
            )
        writer.write_rows(
            "families", [{"id": family_id, "head_person_id": ids[citizen.head], "kato": citizen.kato}]
        )
        for member, person_id in zip(citizen.members, ids, strict=True):
            relation = "head" if person_id == ids[citizen.head] else member.relation
            (member_id,) = generator.take_ids("family_members", 1).tolist()
            writer.write_rows(
                "family_members",
                [{"id": member_id, "family_id": family_id, "person_id": person_id, "relation": relation}],
            )
            start = max(citizen.registered_from, member.born)
            rows: list[dict[str, Any]] = [
                {
                    "kato": citizen.kato,
                    "address": address,
                    "registered_from": start.isoformat(),
                    "registered_to": None,
                }
            ]
            if citizen.previous is not None and member.born < citizen.previous[1]:
                prev_kato, prev_from = citizen.previous
                rows.append(
                    {
                        "kato": prev_kato,
                        "address": f"{_place(prev_kato, generator)}, ул. Ауэзова, д. 3, кв. 15",
                        "registered_from": prev_from.isoformat(),
                        "registered_to": start.isoformat(),
                    }
                )
            for registration in rows:
                registration["id"] = int(generator.take_ids("address_registrations", 1)[0])
                registration["person_id"] = person_id
            writer.write_rows("address_registrations", rows)
        for member_no, source, tenge, since in citizen.incomes:
            writer.write_rows(
                "income_spells",
                [
                    {
                        "id": int(generator.take_ids("income_spells", 1)[0]),
                        "person_id": ids[member_no],
                        "source": source,
                        "monthly_tiyn": tenge * 100,
                        "from_month": since.replace(day=1).isoformat(),
                        "to_month": None,
                    }
                ],
            )
        for prop in citizen.properties:
            row: dict[str, Any] = {
                k: (v.isoformat() if isinstance(v, date) else v) for k, v in prop.items() if k != "member"
            }
            row.update(id=int(generator.take_ids("property_records", 1)[0]), person_id=ids[prop["member"]])
            writer.write_rows("property_records", [row])
        for member_no, kind, detail, since in citizen.statuses:
            writer.write_rows(
                "status_records",
                [
                    {
                        "id": int(generator.take_ids("status_records", 1)[0]),
                        "person_id": ids[member_no],
                        "kind": kind,
                        "detail": detail,
                        "since": since.isoformat(),
                        "until": None,
                    }
                ],
            )
    return {"named_citizens": [number for number, _ in named_iins()]}


@dataclass
class DemoResult:
    loaded: bool
    persons: int = 0
    officials: list[DemoOfficial] = field(default_factory=list)


def demo_generator() -> PopulationGenerator:
    return PopulationGenerator(DEMO_PERSONS, DEMO_SEED, only=DEMO_JURISDICTIONS)


def write_demo(directory: Path) -> files.Manifest:
    return files.generate(directory, demo_generator(), extra_rows=_named_rows)


def load_demo(session: Session, *, if_empty: bool = False, actor: Actor | None = None) -> DemoResult:
    """Load the KATO reference, the demo population and the demo officials in the caller's unit of
    work. With ``if_empty`` nothing happens when the registry already has people."""
    if if_empty and not repository.population_is_empty(session):
        return DemoResult(loaded=False)
    actor = actor or Actor.system("demo")
    load_reference_kato(session, actor=actor)
    with tempfile.TemporaryDirectory(prefix="kezek-demo-") as tmp:
        manifest = write_demo(Path(tmp))
        report = loader.load(session, Path(tmp), actor=actor)
    existing = set(session.scalars(select(Official.username)))
    for official in OFFICIALS:
        if official.username in existing:
            continue
        create_official(
            session,
            username=official.username,
            full_name=official.full_name,
            password=official.password,
            roles=official.roles,
            scopes=official.scopes,
            language=official.language,
            actor=actor,
        )
    assert report.counts["persons"] == manifest.persons
    return DemoResult(loaded=True, persons=report.counts["persons"], officials=list(OFFICIALS))
