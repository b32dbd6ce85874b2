"""Small keyword builders for web, auth and browser tests: jurisdictions, persons, officials."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.auth.service import create_official
from kezek.models.auth import Official
from kezek.models.registry import AddressRegistration, Family, FamilyMember, Jurisdiction, Person
from kezek.registry.iin import first_issuable

ALMATY = "750000000"
ALMALY = "751110000"  # a district of Almaty
AUEZOV = "751210000"  # another district of Almaty
PASSWORD = "correct horse battery"

_UNITS = {
    ALMATY: ("city_republican", None, "Алматы қаласы", "г. Алматы", "Almaty"),
    ALMALY: ("district", ALMATY, "Алмалы ауданы", "Алмалинский район", "Almaly District"),
    AUEZOV: ("district", ALMATY, "Әуезов ауданы", "Ауэзовский район", "Auezov District"),
}


def add_jurisdictions(session: Session) -> None:
    for kato, (level, parent, kk, ru, en) in _UNITS.items():
        if session.get(Jurisdiction, kato) is None:
            session.add(
                Jurisdiction(kato=kato, parent_kato=parent, level=level, name_kk=kk, name_ru=ru, name_en=en)
            )
    session.flush()


def add_person(
    session: Session,
    *,
    kato: str,
    surname: str,
    given_name: str,
    patronymic: str | None = None,
    born: date = date(1990, 1, 1),
    sex: str = "M",
    serial: int = 0,
    address: str | None = None,
) -> Person:
    iin = first_issuable(born, "M" if sex == "M" else "F", serial)
    while session.scalar(select(Person.id).where(Person.iin == iin)) is not None:
        serial = int(iin[7:11]) + 1
        iin = first_issuable(born, "M" if sex == "M" else "F", serial)
    person = Person(
        iin=iin,
        surname=surname,
        given_name=given_name,
        patronymic=patronymic,
        birth_date=born,
        sex=sex,
        citizenship="citizen",
        kato=kato,
        phone="+77010000000",
    )
    session.add(person)
    session.flush()
    if address:
        session.add(
            AddressRegistration(
                person_id=person.id, kato=kato, address=address, registered_from=date(2015, 3, 1)
            )
        )
        family = Family(head_person_id=person.id, kato=kato)
        session.add(family)
        session.flush()
        session.add(FamilyMember(family_id=family.id, person_id=person.id, relation="head"))
        session.flush()
    return person


def add_official(
    session: Session,
    *,
    username: str,
    roles: tuple[str, ...] = ("executor",),
    scopes: tuple[str, ...] = ("751110",),
    full_name: str = "Әлия Сәрсенбайқызы",
    password: str = PASSWORD,
) -> Official:
    return create_official(
        session, username=username, full_name=full_name, password=password, roles=roles, scopes=scopes
    )
