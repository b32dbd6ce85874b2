"""Small keyword builders for state-data tests: persons, families and their records, via the models."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kezek.models import (
    AddressRegistration,
    Family,
    FamilyMember,
    IncomeSpell,
    Person,
    PropertyRecord,
    StatusRecord,
)
from kezek.sandbox.seed import IinMaker

KATO = "711110000"


class Population:
    """Builds people for one test; IINs are valid (check digit) and unique."""

    def __init__(self, session: Session, *, serial_start: int = 7000) -> None:
        self.session = session
        self.iins = IinMaker(start=serial_start)

    def person(
        self,
        *,
        born: date,
        sex: str = "M",
        citizenship: str = "citizen",
        died: date | None = None,
        phone: str | None = "+77010000000",
        kato: str = KATO,
        surname: str = "Testov",
    ) -> Person:
        person = Person(
            iin=self.iins.make(born, sex),
            surname=surname,
            given_name="Test",
            patronymic=None,
            birth_date=born,
            sex=sex,
            citizenship=citizenship,
            death_date=died,
            phone=phone,
            kato=kato,
        )
        self.session.add(person)
        self.session.flush()
        return person

    def family(self, head: Person, *members: tuple[Person, str], kato: str = KATO) -> Family:
        family = Family(head_person_id=head.id, kato=kato)
        self.session.add(family)
        self.session.flush()
        self.session.add(FamilyMember(family_id=family.id, person_id=head.id, relation="head"))
        for person, relation in members:
            self.session.add(FamilyMember(family_id=family.id, person_id=person.id, relation=relation))
        self.session.flush()
        return family

    def registration(
        self,
        person: Person,
        *,
        since: date,
        until: date | None = None,
        kato: str = KATO,
        address: str = "Test street 1, flat 1",
    ) -> AddressRegistration:
        row = AddressRegistration(
            person_id=person.id, kato=kato, address=address, registered_from=since, registered_to=until
        )
        self.session.add(row)
        self.session.flush()
        return row

    def income(
        self, person: Person, *, source: str, tenge: int, since: date, until: date | None = None
    ) -> IncomeSpell:
        row = IncomeSpell(
            person_id=person.id, source=source, monthly_tiyn=tenge * 100, from_month=since, to_month=until
        )
        self.session.add(row)
        self.session.flush()
        return row

    def dwelling(
        self,
        person: Person,
        *,
        acquired: date,
        acquisition: str = "purchase",
        alienated: date | None = None,
        alienation: str | None = None,
        emergency_since: date | None = None,
        area_dm2: int = 5400,
        kind: str = "flat",
        kato: str = KATO,
    ) -> PropertyRecord:
        row = PropertyRecord(
            person_id=person.id,
            kato=kato,
            kind=kind,
            area_dm2=area_dm2,
            acquired_on=acquired,
            acquisition=acquisition,
            alienated_on=alienated,
            alienation=alienation,
            emergency_since=emergency_since,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def status(
        self, person: Person, kind: str, *, since: date, detail: str | None = None, until: date | None = None
    ) -> StatusRecord:
        row = StatusRecord(person_id=person.id, kind=kind, detail=detail, since=since, until=until)
        self.session.add(row)
        self.session.flush()
        return row
