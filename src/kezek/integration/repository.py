"""Queries of the integration package. Services call these; nothing here commits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kezek.models import Family, FamilyMember, Person
from kezek.models.integration import Consent, FetchRequest, StateDataAnswer

ADULT_AGE = 18


@dataclass(frozen=True)
class Subject:
    """A family member whose data a fetch asks for."""

    person_id: int
    iin: str
    relation: str
    birth_date: date
    death_date: date | None
    kato: str

    def is_adult(self, on: date) -> bool:
        try:
            coming_of_age = self.birth_date.replace(year=self.birth_date.year + ADULT_AGE)
        except ValueError:  # born on 29 February
            coming_of_age = date(self.birth_date.year + ADULT_AGE, 3, 1)
        return coming_of_age <= on

    def is_alive(self, on: date) -> bool:
        return self.death_date is None or self.death_date > on


_RELATION_ORDER = {"head": 0, "spouse": 1, "parent": 2, "child": 3, "other": 4}


def family(session: Session, family_id: int) -> Family | None:
    return session.get(Family, family_id)


def family_subjects(session: Session, family_id: int) -> list[Subject]:
    rows = session.execute(
        select(
            Person.id, Person.iin, FamilyMember.relation, Person.birth_date, Person.death_date, Person.kato
        )
        .join(FamilyMember, FamilyMember.person_id == Person.id)
        .where(FamilyMember.family_id == family_id)
        .order_by(FamilyMember.id)
    ).all()
    subjects = [Subject(*row) for row in rows]
    return sorted(subjects, key=lambda s: _RELATION_ORDER.get(s.relation, 9))


def families_members(session: Session, family_ids: Sequence[int]) -> dict[int, list[tuple[int, str, str]]]:
    """family id -> [(person id, IIN, family KATO)] for many families at once."""
    out: dict[int, list[tuple[int, str, str]]] = {fid: [] for fid in family_ids}
    for start in range(0, len(family_ids), 5000):
        part = list(family_ids[start : start + 5000])
        rows = session.execute(
            select(FamilyMember.family_id, Person.id, Person.iin, Family.kato)
            .join(Person, Person.id == FamilyMember.person_id)
            .join(Family, Family.id == FamilyMember.family_id)
            .where(FamilyMember.family_id.in_(part))
            .order_by(FamilyMember.family_id, FamilyMember.id)
        )
        for family_id, person_id, iin, kato in rows:
            out[family_id].append((person_id, iin, kato))
    return out


def valid_consents(
    session: Session, person_ids: Iterable[int], purpose: str, at: datetime
) -> dict[int, Consent]:
    """The most recent consent in force for each person (not revoked, not expired)."""
    rows = session.scalars(
        select(Consent)
        .where(
            Consent.person_id.in_(list(person_ids)),
            Consent.purpose == purpose,
            Consent.given_at <= at,
            Consent.revoked_at.is_(None),
            or_(Consent.valid_until.is_(None), Consent.valid_until > at),
        )
        .order_by(Consent.given_at, Consent.id)
    )
    return {consent.person_id: consent for consent in rows}


def fetch_request(session: Session, fetch_request_id: int, *, lock: bool = False) -> FetchRequest | None:
    stmt = select(FetchRequest).where(FetchRequest.id == fetch_request_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def answers_of(session: Session, fetch_request_id: int) -> list[StateDataAnswer]:
    return list(
        session.scalars(
            select(StateDataAnswer)
            .where(StateDataAnswer.fetch_request_id == fetch_request_id)
            .order_by(StateDataAnswer.id)
        )
    )


def answered_systems(session: Session, fetch_request_id: int) -> set[str]:
    return set(
        session.scalars(
            select(StateDataAnswer.system).where(StateDataAnswer.fetch_request_id == fetch_request_id)
        )
    )


def waiting_requests(session: Session, limit: int = 1000) -> list[int]:
    return list(
        session.scalars(
            select(FetchRequest.id)
            .where(FetchRequest.status.in_(("pending", "waiting")))
            .order_by(FetchRequest.id)
            .limit(limit)
        )
    )
