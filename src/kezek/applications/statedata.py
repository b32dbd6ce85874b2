"""The family's state data for a case, through ``kezek.integration``.

``start`` records a fetch request for the family (its job runs after the commit); ``collect`` hands
back the data once every system has answered, as the rules' typed inputs plus the sources to cite
(system, request id, time, hash). While a system is down the case waits: ``StateDataUnavailable``
names what it waits for, and the fetch job retries by itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.applications.profile import QUEUE_SYSTEMS, Member, phone_of, rules_family, sources
from kezek.audit.service import Actor
from kezek.integration import service as integration
from kezek.integration.errors import DataIncomplete
from kezek.integration.ports import Period
from kezek.integration.systems import Purpose
from kezek.models.registry import FamilyMember, Person
from kezek.rules.dates import add_months
from kezek.rules.inputs import Family


class StateDataUnavailable(Exception):
    """One or more state systems have not answered yet; the case waits and the fetch is retried."""

    def __init__(self, systems: list[str], reason: str, retry_ref: str | None = None) -> None:
        super().__init__(f"state systems unavailable: {', '.join(systems)} ({reason})")
        self.systems = systems
        self.reason = reason
        self.retry_ref = retry_ref


@dataclass
class FamilyData:
    family: Family
    sources: list[dict[str, Any]] = field(default_factory=list)
    phone: str | None = None
    phone_verified: bool = False

    @property
    def snapshot(self) -> dict[str, Any]:
        return {"members": [m.id for m in self.family.members], "kato": self.family.kato}


def start(session: Session, *, family_id: int, actor: Actor, case_ref: str, as_of: date) -> int:
    """Ask for the family's data (all systems registration needs); returns the fetch request id."""
    # Income over the 12 full months before the application (akimat regime 3.1 PM test; ladder).
    first = add_months(as_of, -12)
    period = Period(first, add_months(as_of, -1))
    fetch = integration.request_fetch(
        session,
        family_id=family_id,
        purpose=Purpose.QUEUE_REGISTRATION,
        actor=actor,
        case_ref=case_ref,
        systems=list(QUEUE_SYSTEMS),
        as_of=as_of,
        period=period,
    )
    return fetch.id


def members_of(session: Session, *, family_id: int, applicant_person_id: int) -> list[Member]:
    rows = session.execute(
        select(Person.id, Person.iin, FamilyMember.relation)
        .join(FamilyMember, FamilyMember.person_id == Person.id)
        .where(FamilyMember.family_id == family_id)
        .order_by(FamilyMember.id)
    ).all()
    members: list[Member] = []
    for person_id, iin, relation in rows:
        # the applicant is the family's "head" for the rules (the person whose age, citizenship
        # and registration are checked)
        if person_id == applicant_person_id:
            members.insert(0, Member(iin, "head"))
        else:
            members.append(Member(iin, "other" if relation == "head" else relation))
    return members


def collect(
    session: Session, *, fetch_ref: str, kato: str, family_id: int, applicant_person_id: int
) -> FamilyData:
    """The data as the rules take them, or ``StateDataUnavailable`` while a system is missing."""
    fetch_id = int(fetch_ref)
    try:
        profile = integration.family_profile(session, fetch_id)
    except DataIncomplete:
        status = integration.fetch_status(session, fetch_id)
        reason = ", ".join(f"{s}: {status.errors.get(s, 'pending')}" for s in status.waiting_for)
        raise StateDataUnavailable(status.waiting_for, reason or status.status, fetch_ref) from None
    members = members_of(session, family_id=family_id, applicant_person_id=applicant_person_id)
    family = rules_family(profile, members, kato)
    phone, verified = phone_of(profile, members[0].iin) if members else (None, False)
    return FamilyData(family=family, sources=sources(profile), phone=phone, phone_verified=verified)
