"""The family's state data for a case, fetched through ``kezek.integration``.

The case stores the answer as received (``FamilyData.snapshot``) with the system, request id, date
and hash of every source, so a decision can cite the data each reason rests on. An outage is not an
error of the case: ``StateDataUnavailable`` leaves it waiting and the job tries again later.

TEMPORARY: until the integration package's family-profile fetch lands, the snapshot is read from
the state-data tables directly; the shape of ``FamilyData`` is what the rest of the case relies on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.models.registry import AddressRegistration, FamilyMember, Person
from kezek.models.statedata import PropertyRecord, StatusRecord


class StateDataUnavailable(Exception):
    """One or more state systems did not answer; the case waits and the fetch is retried."""

    def __init__(self, systems: list[str], reason: str, retry_ref: str | None = None) -> None:
        super().__init__(f"state systems unavailable: {', '.join(systems)} ({reason})")
        self.systems = systems
        self.reason = reason
        self.retry_ref = retry_ref


@dataclass
class FamilyData:
    snapshot: dict[str, Any]
    sources: list[dict[str, Any]] = field(default_factory=list)
    profile: Any = None  # what kezek.rules takes


def fetch_family(
    session: Session, *, applicant_person_id: int, family_id: int | None, as_of: date, application_ref: str
) -> FamilyData:
    """Fetch what the state systems hold about the applicant and every family member."""
    person_ids = [applicant_person_id]
    if family_id is not None:
        for pid in session.scalars(select(FamilyMember.person_id).where(FamilyMember.family_id == family_id)):
            if pid not in person_ids:
                person_ids.append(pid)
    members = []
    for pid in person_ids:
        person = session.get(Person, pid)
        if person is None:
            continue
        members.append(
            {
                "iin": person.iin,
                "relation": "applicant" if pid == applicant_person_id else "member",
                "birth_date": person.birth_date.isoformat(),
                "citizenship": person.citizenship,
                "death_date": person.death_date.isoformat() if person.death_date else None,
                "registrations": [
                    {
                        "kato": r.kato,
                        "from": r.registered_from.isoformat(),
                        "to": r.registered_to.isoformat() if r.registered_to else None,
                    }
                    for r in session.scalars(
                        select(AddressRegistration).where(AddressRegistration.person_id == pid)
                    )
                ],
                "property": [
                    {
                        "kato": p.kato,
                        "kind": p.kind,
                        "acquired_on": p.acquired_on.isoformat(),
                        "acquisition": p.acquisition,
                        "alienated_on": p.alienated_on.isoformat() if p.alienated_on else None,
                        "emergency_since": p.emergency_since.isoformat() if p.emergency_since else None,
                    }
                    for p in session.scalars(select(PropertyRecord).where(PropertyRecord.person_id == pid))
                ],
                "statuses": [
                    {
                        "kind": s.kind,
                        "detail": s.detail,
                        "since": s.since.isoformat(),
                        "until": s.until.isoformat() if s.until else None,
                    }
                    for s in session.scalars(select(StatusRecord).where(StatusRecord.person_id == pid))
                ],
            }
        )
    now = clock.now().isoformat()
    sources = [
        {"system": system, "request_id": f"{application_ref}-{system}", "received_at": now, "sha256": None}
        for system in ("persons", "address", "property", "social_status", "state_housing")
    ]
    return FamilyData(
        snapshot={"as_of": as_of.isoformat(), "members": members}, sources=sources, profile=members
    )
