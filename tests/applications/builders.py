"""Builders for case tests: applicants with the state data the rules look at."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from kezek.applications import service
from kezek.applications.service import Submission
from kezek.audit.service import Actor
from kezek.models.registry import Person
from kezek.models.statedata import PropertyRecord, StatusRecord
from tests.queue.builders import KARAGANDA, family

EXECUTOR = Actor("official", "executor1")
HEAD = Actor("official", "head1")
PSC = Actor("official", "psc1")


def citizen(person: Person) -> Actor:
    return Actor("citizen", str(person.id))


def applicant(
    db: Session,
    *,
    kato: str = KARAGANDA,
    size: int = 1,
    owned_since: date | None = None,
    sold_on: date | None = None,
    emergency: bool = False,
    statuses: tuple[str, ...] = (),
    birth: date = date(1990, 1, 1),
    phone: str | None = "+77011234567",
) -> Person:
    _, people = family(db, kato=kato, size=size, birth=birth, phone=phone)
    head = people[0]
    if owned_since is not None:
        db.add(
            PropertyRecord(
                person_id=head.id,
                kato=kato,
                kind="flat",
                area_dm2=4500,
                acquired_on=owned_since,
                acquisition="purchase",
                alienated_on=sold_on,
                alienation="sale" if sold_on else None,
                emergency_since=date(2020, 1, 1) if emergency else None,
            )
        )
    for kind in statuses:
        db.add(StatusRecord(person_id=head.id, kind=kind, since=date(2015, 1, 1)))
    db.flush()
    return head


def submit(db: Session, person: Person, **kwargs: object) -> service.Application:  # type: ignore[name-defined]
    fields: dict = {"applicant_iin": person.iin, "kato": person.kato, "language": "ru"}
    fields.update(kwargs)
    actor = fields.pop("actor", citizen(person))
    return service.submit(db, actor=actor, submission=Submission(**fields))
