"""Fetch requests: a family's state data, fetched after commit by a job that retries until complete.

``request_fetch`` checks consent, records the request ("pending") and schedules the job after the
caller's commit. The job (`kezek.integration.tasks`) asks every system still missing, stores each
answer as received, writes the request log, and leaves the request "waiting for the property
register" when a system fails; the job then retries later. ``family_profile`` refuses to hand out
data until every system has answered: nothing is decided on missing data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.service import Actor, record
from kezek.db import unit_of_work
from kezek.errors import NotFound, ValidationFailed
from kezek.integration import repository
from kezek.integration.config import IntegrationSettings, get_integration_settings
from kezek.integration.consent import require_consents
from kezek.integration.http import StateDataClient
from kezek.integration.labels import LANGUAGES, fetch_status_text
from kezek.integration.ports import Period, Received
from kezek.integration.profile import ProfileFetch, fetch_profile
from kezek.integration.requestlog import Access, log_accesses
from kezek.integration.runner import run_sync
from kezek.integration.schemas import Answer, answer_adapter
from kezek.integration.systems import ALL_SYSTEMS, Purpose, System
from kezek.jobs import enqueue_after_commit
from kezek.logs import get_logger
from kezek.models.integration import FetchRequest, StateDataAnswer

log = get_logger("kezek.integration")


def request_fetch(
    session: Session,
    *,
    family_id: int,
    purpose: Purpose,
    actor: Actor,
    case_ref: str | None = None,
    systems: list[System] | None = None,
    as_of: date | None = None,
    period: Period | None = None,
) -> FetchRequest:
    """Record a fetch of the family's data and schedule it after commit. Refuses without consent."""
    purpose = Purpose(purpose)
    family = repository.family(session, family_id)
    if family is None:
        raise NotFound(f"no family with id {family_id}")
    subjects = repository.family_subjects(session, family_id)
    if not subjects:
        raise ValidationFailed(f"family {family_id} has no members to ask about")
    as_of = as_of or clock.today_local()
    cover = require_consents(session, subjects=subjects, purpose=purpose, as_of=as_of)
    wanted = [s.value for s in (systems or ALL_SYSTEMS)]
    now = clock.now()
    fetch = FetchRequest(
        family_id=family_id,
        purpose=purpose.value,
        case_ref=case_ref,
        kato=family.kato,
        requested_by_kind=actor.kind,
        requested_by_id=actor.id,
        subjects=[
            {
                "person_id": s.person_id,
                "iin": s.iin,
                "kato": s.kato,
                "consent_id": cover.by_person[s.person_id],
            }
            for s in subjects
        ],
        systems=wanted,
        as_of=as_of,
        period_from=period.start if period else None,
        period_to=period.end if period else None,
        status="pending",
        waiting_for=wanted,
        errors={},
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
        completed_at=None,
    )
    session.add(fetch)
    session.flush()
    record(
        session,
        actor=actor,
        action="state_data.fetch_requested",
        object_type="fetch_request",
        object_id=fetch.id,
        kato=family.kato,
        after={"family_id": family_id, "purpose": purpose.value, "case_ref": case_ref, "systems": wanted},
    )
    from kezek.integration.tasks import run_fetch_request

    enqueue_after_commit(session, run_fetch_request, fetch.id)
    return fetch


@dataclass(frozen=True)
class _Plan:
    fetch_id: int
    iins: list[str]
    missing: list[System]
    as_of: date
    period: Period | None


def perform_fetch(
    engine: Engine, fetch_request_id: int, *, settings: IntegrationSettings | None = None
) -> str:
    """One attempt of a fetch request (the job's body). Returns the status it leaves.

    Three short steps so no transaction stays open while systems are asked: read what is missing,
    ask (concurrently, outside any transaction), write what arrived.
    """
    settings = settings or get_integration_settings()
    with unit_of_work(engine) as session:
        fetch = repository.fetch_request(session, fetch_request_id)
        if fetch is None:
            return "gone"
        if fetch.status in ("complete", "cancelled"):
            return fetch.status
        answered = repository.answered_systems(session, fetch.id)
        period = Period(fetch.period_from, fetch.period_to) if fetch.period_from and fetch.period_to else None
        plan = _Plan(
            fetch.id,
            [s["iin"] for s in fetch.subjects],
            [System(s) for s in fetch.systems if s not in answered],
            fetch.as_of,
            period,
        )
    result = run_sync(_ask(plan, settings)) if plan.missing else ProfileFetch()
    with unit_of_work(engine) as session:
        fetch = repository.fetch_request(session, fetch_request_id, lock=True)
        if fetch is None:
            return "gone"
        if fetch.status in ("complete", "cancelled"):
            return fetch.status
        return _apply(session, fetch, result, settings)


async def _ask(plan: _Plan, settings: IntegrationSettings) -> ProfileFetch:
    async with StateDataClient(settings) as client:
        return await fetch_profile(client, plan.iins, plan.missing, as_of=plan.as_of, period=plan.period)


def store_answer(
    session: Session, received: Received[Any], *, fetch_request_id: int | None
) -> StateDataAnswer:
    answer = received.answer
    row = StateDataAnswer(
        fetch_request_id=fetch_request_id,
        system=received.system.value,
        request_id=received.request_id,
        answer_id=answer.answer_id,
        received_at=received.received_at,
        as_of=answer.as_of,
        period_from=answer.period_from,
        period_to=answer.period_to,
        iin_count=len(answer.results),
        body=received.body,
        body_sha256=received.body_sha256,
        duration_ms=received.duration_ms,
    )
    session.add(row)
    return row


def _apply(session: Session, fetch: FetchRequest, result: ProfileFetch, settings: IntegrationSettings) -> str:
    answered = repository.answered_systems(session, fetch.id)
    stored: dict[System, StateDataAnswer] = {}
    for system, received in result.received.items():
        if system.value not in answered:  # another attempt may have stored it meanwhile
            stored[system] = store_answer(session, received, fetch_request_id=fetch.id)
    session.flush()
    asked = [s.value for s in System if s in result.received or s in result.failed]
    accesses = []
    for subject in fetch.subjects:
        outcomes: dict[str, dict[str, Any]] = {}
        for system, received in result.received.items():
            found = received.by_iin()[subject["iin"]].found
            row = stored.get(system)
            outcomes[system.value] = {
                "outcome": "ok" if found else "not_found",
                "answer_id": row.id if row else None,
            }
        for system, error in result.failed.items():
            outcomes[system.value] = {"outcome": error.code, "answer_id": None}
        accesses.append(
            Access(
                subject["iin"],
                subject["person_id"],
                subject.get("kato") or fetch.kato,
                subject["consent_id"],
                outcomes,
            )
        )
    if asked:
        log_accesses(
            session,
            actor=Actor(fetch.requested_by_kind, fetch.requested_by_id),
            purpose=Purpose(fetch.purpose),
            case_ref=fetch.case_ref,
            systems=asked,
            accesses=accesses,
            fetch_request_id=fetch.id,
        )
    answered |= {s.value for s in stored}
    missing = [s for s in fetch.systems if s not in answered]
    now = clock.now()
    before = fetch.status
    fetch.attempts += 1
    fetch.updated_at = now
    fetch.waiting_for = missing
    fetch.errors = {s.value: e.code for s, e in result.failed.items()}
    if missing:
        fetch.status = "waiting"
        fetch.next_attempt_at = now + timedelta(seconds=settings.retry_after_seconds)
    else:
        fetch.status = "complete"
        fetch.completed_at = now
        fetch.next_attempt_at = None
    if fetch.status != before:
        record(
            session,
            actor=Actor.system("state-data"),
            action=f"state_data.fetch_{fetch.status}",
            object_type="fetch_request",
            object_id=fetch.id,
            kato=fetch.kato,
            before={"status": before},
            after={"status": fetch.status, "waiting_for": missing, "errors": fetch.errors},
        )
    log.info(
        "state_data.fetch_attempt",
        fetch_request_id=fetch.id,
        status=fetch.status,
        waiting_for=missing,
        attempt=fetch.attempts,
        duration_ms=result.duration_ms,
    )
    return fetch.status


@dataclass(frozen=True)
class FetchStatus:
    id: int
    status: str  # pending | waiting | complete | cancelled
    waiting_for: list[str]
    errors: dict[str, str]
    attempts: int
    next_attempt_at: datetime | None
    completed_at: datetime | None
    text: dict[str, str]  # the status in kk, ru, en ("Waiting for the property register")


def fetch_status(session: Session, fetch_request_id: int) -> FetchStatus:
    fetch = repository.fetch_request(session, fetch_request_id)
    if fetch is None:
        raise NotFound(f"no fetch request with id {fetch_request_id}")
    return FetchStatus(
        id=fetch.id,
        status=fetch.status,
        waiting_for=list(fetch.waiting_for),
        errors=dict(fetch.errors),
        attempts=fetch.attempts,
        next_attempt_at=fetch.next_attempt_at,
        completed_at=fetch.completed_at,
        text={lang: fetch_status_text(fetch.status, list(fetch.waiting_for), lang) for lang in LANGUAGES},
    )


@dataclass(frozen=True)
class CitedAnswer:
    """An answer with what a decision cites: its row id, request id, time and body hash."""

    answer_row_id: int
    system: System
    request_id: str
    received_at: datetime
    body_sha256: str
    answer: Answer[Any]


@dataclass(frozen=True)
class FamilyProfile:
    fetch_request_id: int
    family_id: int | None
    as_of: date
    iins: list[str]
    answers: dict[System, CitedAnswer]

    def data(self, system: System, iin: str) -> Any:
        """The system's data about one IIN (None when the system has no record of the person)."""
        for result in self.answers[system].answer.results:
            if result.iin == iin:
                return result.data
        raise KeyError(f"{iin} was not part of this fetch")


def family_profile(session: Session, fetch_request_id: int) -> FamilyProfile:
    """The family's data from every system, parsed from the stored answers. Only when complete."""
    from kezek.integration.errors import DataIncomplete

    fetch = repository.fetch_request(session, fetch_request_id)
    if fetch is None:
        raise NotFound(f"no fetch request with id {fetch_request_id}")
    if fetch.status != "complete":
        raise DataIncomplete(
            f"fetch request {fetch.id} is {fetch.status}; still waiting for: {', '.join(fetch.waiting_for)}",
            waiting_for=list(fetch.waiting_for),
        )
    answers: dict[System, CitedAnswer] = {}
    for row in repository.answers_of(session, fetch.id):
        system = System(row.system)
        answers[system] = CitedAnswer(
            answer_row_id=row.id,
            system=system,
            request_id=row.request_id,
            received_at=row.received_at,
            body_sha256=row.body_sha256,
            answer=answer_adapter(system).validate_json(row.body),
        )
    return FamilyProfile(
        fetch_request_id=fetch.id,
        family_id=fetch.family_id,
        as_of=fetch.as_of,
        iins=[s["iin"] for s in fetch.subjects],
        answers=answers,
    )


def resume_waiting(session: Session) -> int:
    """Schedule every unfinished fetch request again (e.g. after the job queue was lost)."""
    from kezek.integration.tasks import run_fetch_request

    ids = repository.waiting_requests(session)
    for fetch_request_id in ids:
        enqueue_after_commit(session, run_fetch_request, fetch_request_id)
    return len(ids)
