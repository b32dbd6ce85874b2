"""Consent records: fetching state data for housing assistance needs every adult member's consent.

MIC Order No. 117 of 08.12.2023 (rules of housing assistance): all adult family members consent to
the use of their data held in information systems (domain.md §7.4). Kezek records each consent
(who, for what, through which channel, with which evidence) and refuses a fetch without them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.service import Actor, record
from kezek.errors import NotFound, ValidationFailed
from kezek.integration import repository
from kezek.integration.errors import ConsentMissing
from kezek.integration.repository import Subject
from kezek.integration.systems import CONSENT_REQUIRED, Purpose
from kezek.models import Person
from kezek.models.integration import Consent

CHANNELS = ("egov", "psc", "portal", "paper")


def mask_iin(iin: str) -> str:
    """What an official's screen may show of an IIN in a message: the last four digits."""
    return "•" * 8 + iin[-4:]


def record_consent(
    session: Session,
    *,
    person_id: int,
    purpose: Purpose,
    channel: str,
    actor: Actor,
    evidence: str | None = None,
    family_id: int | None = None,
    case_ref: str | None = None,
    valid_until: datetime | None = None,
) -> Consent:
    if channel not in CHANNELS:
        raise ValidationFailed(f"unknown consent channel {channel!r}; known: {', '.join(CHANNELS)}")
    person = session.get(Person, person_id)
    if person is None:
        raise NotFound(f"no person with id {person_id}")
    now = clock.now()
    if valid_until is not None and valid_until <= now:
        raise ValidationFailed("a consent cannot expire before it is given")
    consent = Consent(
        person_id=person_id,
        purpose=Purpose(purpose).value,
        family_id=family_id,
        case_ref=case_ref,
        channel=channel,
        evidence=evidence,
        given_at=now,
        valid_until=valid_until,
        revoked_at=None,
        recorded_by=f"{actor.kind}:{actor.id}",
        kato=person.kato,
    )
    session.add(consent)
    session.flush()
    record(
        session,
        actor=actor,
        action="consent.record",
        object_type="consent",
        object_id=consent.id,
        kato=person.kato,
        after={"person_id": person_id, "purpose": consent.purpose, "channel": channel, "case_ref": case_ref},
    )
    return consent


def revoke_consent(session: Session, *, consent_id: int, actor: Actor) -> Consent:
    consent = session.get(Consent, consent_id)
    if consent is None:
        raise NotFound(f"no consent with id {consent_id}")
    if consent.revoked_at is None:
        consent.revoked_at = clock.now()
        record(
            session,
            actor=actor,
            action="consent.revoke",
            object_type="consent",
            object_id=consent.id,
            kato=consent.kato,
            before={"revoked_at": None},
            after={"revoked_at": consent.revoked_at},
        )
    return consent


@dataclass(frozen=True)
class ConsentCover:
    """Which consent covers each subject of a fetch (None: the purpose rests on the law, not consent)."""

    by_person: dict[int, int | None]


def require_consents(
    session: Session, *, subjects: list[Subject], purpose: Purpose, as_of: date
) -> ConsentCover:
    """Check consent for a fetch; raise ConsentMissing naming the adults who have not consented.

    Minors are covered by the consent of an adult member (the head's when the head has consented),
    as their legal representatives give it.
    """
    if purpose not in CONSENT_REQUIRED:
        return ConsentCover({s.person_id: None for s in subjects})
    adults = [s for s in subjects if s.is_adult(as_of) and s.is_alive(as_of)]
    if not adults:
        raise ConsentMissing("the family has no living adult member who could consent", missing_person_ids=[])
    consents = repository.valid_consents(session, [s.person_id for s in adults], purpose.value, clock.now())
    missing = [s for s in adults if s.person_id not in consents]
    if missing:
        names = ", ".join(f"person {s.person_id} (IIN {mask_iin(s.iin)})" for s in missing)
        raise ConsentMissing(
            f"{purpose.value}: consent is missing for {len(missing)} adult family member(s): {names}",
            missing_person_ids=[s.person_id for s in missing],
        )
    representative = consents[adults[0].person_id].id
    return ConsentCover(
        {
            s.person_id: consents[s.person_id].id if s.person_id in consents else representative
            for s in subjects
        }
    )
