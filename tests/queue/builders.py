"""Small keyword builders for queue, application and notice tests (persons, families, jurisdictions)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import Actor
from kezek.models.queue import QueueEntry
from kezek.models.registry import AddressRegistration, Family, FamilyMember, Jurisdiction, Person
from kezek.queue import service
from kezek.queue.service import Member

OFFICER = Actor("official", "1")
SYSTEM = Actor.system("test")
KARAGANDA = "351010000"  # a city of regional significance (synthetic KATO for tests)
ALMATY = "751110000"

_serial = itertools.count(1)
_W1 = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
_W2 = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)


def make_iin(birth: date, male: bool, serial: int) -> str:
    """A valid IIN (domain §10.1) for a birth date, sex and serial; skips serials that give no digit."""
    century = {18: 1, 19: 3, 20: 5}[birth.year // 100] + (0 if male else 1)
    while True:
        body = f"{birth:%y%m%d}{century}{serial % 10000:04d}"
        digits = [int(c) for c in body]
        check = sum(d * w for d, w in zip(digits, _W1, strict=True)) % 11
        if check == 10:
            check = sum(d * w for d, w in zip(digits, _W2, strict=True)) % 11
        if check != 10:
            return body + str(check)
        serial += 1


def jurisdiction(db: Session, kato: str = KARAGANDA, name: str = "Karaganda") -> str:
    if db.get(Jurisdiction, kato) is None:
        db.add(
            Jurisdiction(
                kato=kato,
                parent_kato=kato[:2] + "0000000",
                level="city",
                name_kk=name,
                name_ru=name,
                name_en=name,
            )
        )
        db.flush()
    return kato


def person(
    db: Session,
    *,
    kato: str = KARAGANDA,
    birth: date = date(1990, 1, 1),
    male: bool = True,
    surname: str = "Ахметов",
    given: str = "Нұрлан",
    citizenship: str = "citizen",
    phone: str | None = "+77011234567",
) -> Person:
    jurisdiction(db, kato)
    n = next(_serial)
    iin = make_iin(birth, male, n)
    while db.scalar(select(Person.id).where(Person.iin == iin)) is not None:
        n = next(_serial)
        iin = make_iin(birth, male, n)
    p = Person(
        iin=iin,
        surname=surname,
        given_name=given,
        patronymic=None,
        birth_date=birth,
        sex="M" if male else "F",
        citizenship=citizenship,
        phone=phone,
        kato=kato,
    )
    db.add(p)
    db.flush()
    db.add(
        AddressRegistration(
            person_id=p.id, kato=kato, address="Test street 1", registered_from=date(2010, 1, 1)
        )
    )
    db.flush()
    return p


def family(
    db: Session, *, kato: str = KARAGANDA, size: int = 1, **kwargs: object
) -> tuple[Family, list[Person]]:
    head = person(db, kato=kato, **kwargs)  # type: ignore[arg-type]
    fam = Family(head_person_id=head.id, kato=kato)
    db.add(fam)
    db.flush()
    db.add(FamilyMember(family_id=fam.id, person_id=head.id, relation="head"))
    people = [head]
    for i in range(size - 1):
        child = person(db, kato=kato, birth=date(2015, 1, 1 + i), male=i % 2 == 0, given=f"Бала{i}")
        db.add(FamilyMember(family_id=fam.id, person_id=child.id, relation="child"))
        people.append(child)
    db.flush()
    return fam, people


T0 = datetime(2026, 1, 5, 4, 0, tzinfo=UTC)


def registered(
    db: Session,
    *,
    kato: str = KARAGANDA,
    regime: str = "national",
    list_code: str = "general",
    at: datetime | None = None,
    minutes: int = 0,
    size: int = 1,
    category: str = "general",
) -> QueueEntry:
    fam, people = family(db, kato=kato, size=size)
    return service.register(
        db,
        actor=SYSTEM,
        person_id=people[0].id,
        family_id=fam.id,
        members=[Member(p.id, "head" if i == 0 else "child") for i, p in enumerate(people)],
        kato=kato,
        regime=regime,
        list_code=list_code,
        category=category,
        registered_at=at or (T0 + timedelta(minutes=minutes)),
        decision_ref="test",
    )
