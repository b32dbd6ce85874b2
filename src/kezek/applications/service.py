"""Registration in the queue as a state service: submission, the receipt, state data, the rules,
an automatic decision or the officer's review, the head's signature, the result notice.

Regulation steps (Aktogay regulation 2013, items 13 and 19, Annex 3; domain §9.1):
intake (PSC operator, or the portal itself) → fetch (state information systems) → executor (checks,
drafts the notice or the motivated refusal) → head (signs). Each is a row in ``application_steps``
with its own clock; the case has the overall deadline of the regime in force on the day of receipt.
Services never commit: the request, job or command does.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.applications import deadlines, decisions, statedata
from kezek.applications.assess import assess
from kezek.applications.documents import check
from kezek.applications.statedata import StateDataUnavailable
from kezek.audit.service import Actor, record
from kezek.errors import Conflict, Forbidden, NotFound, ValidationFailed
from kezek.jobs import enqueue_after_commit
from kezek.models.applications import (
    CHANNELS,
    Application,
    ApplicationDocument,
    ApplicationPause,
    ApplicationStep,
)
from kezek.models.registry import Family, FamilyMember, Person
from kezek.notices import service as notices
from kezek.queue.service import active_entry_for_person, regime_on
from kezek.settings import LANGUAGES

OPEN_STATUSES = ("received", "fetching", "review", "awaiting_applicant", "signing")
PAUSE_REASONS = ("document_missing", "document_unreadable", "clarification")
# How long the applicant has to answer a request (IMPL; the case's clock stands still meanwhile).
ANSWER_WORKING_DAYS = 10


@dataclass(frozen=True)
class Submission:
    applicant_iin: str
    kato: str
    language: str
    channel: str = "portal"
    claimed_categories: Sequence[str] = ()
    emergency_dwelling: bool = False
    phone: str | None = None
    email: str | None = None
    representative_person_id: int | None = None
    power_of_attorney: str | None = None
    consent: bool = True


def _validate(session: Session, sub: Submission, actor: Actor) -> Person:
    if sub.language not in LANGUAGES:
        raise ValidationFailed("choose the language of correspondence: kk, ru or en", code="bad_language")
    if sub.channel not in CHANNELS:
        raise ValidationFailed(f"unknown channel {sub.channel!r}", code="bad_channel")
    if not (len(sub.kato) == 9 and sub.kato.isdigit()):
        raise ValidationFailed("choose the district or city (a 9-digit KATO code)", code="bad_kato")
    iin = sub.applicant_iin.strip()
    if not (len(iin) == 12 and iin.isdigit()):
        raise ValidationFailed("an IIN has 12 digits", code="bad_iin")
    if sub.phone and not (sub.phone.startswith("+7") and len(sub.phone) == 12 and sub.phone[1:].isdigit()):
        raise ValidationFailed("a phone number looks like +7XXXXXXXXXX", code="bad_phone")
    if sub.email and ("@" not in sub.email or len(sub.email) > 200):
        raise ValidationFailed("the e-mail address is not valid", code="bad_email")
    if sub.channel == "representative" and (
        sub.representative_person_id is None or not (sub.power_of_attorney or "").strip()
    ):
        raise ValidationFailed(
            "a representative must give the number and date of the power of attorney",
            code="power_required",
        )
    if sub.channel in ("psc", "akimat") and actor.kind != "official":
        raise Forbidden("only an official enters applications at a PSC or the akimat", code="official_only")
    if not sub.consent:
        raise ValidationFailed(
            "the application needs consent to obtain data from the state systems", code="consent_required"
        )
    person = session.scalar(select(Person).where(Person.iin == iin))
    if person is None:
        raise ValidationFailed(
            "no person with this IIN is known to the individuals register", code="unknown_iin"
        )
    if person.death_date is not None:
        raise ValidationFailed("the individuals register records this person as deceased", code="deceased")
    return person


def submit(session: Session, *, actor: Actor, submission: Submission) -> Application:
    """Accept an application and issue the receipt (number, date, documents, deadline)."""
    person = _validate(session, submission, actor)
    open_case = session.scalar(
        select(Application.number).where(
            Application.applicant_person_id == person.id, Application.status.in_(OPEN_STATUSES)
        )
    )
    if open_case is not None:
        raise Conflict(f"an application {open_case} is already being processed", code="application_open")
    if active_entry_for_person(session, person.id) is not None:
        raise Conflict(
            "this person already has an active registration in the queue", code="already_registered"
        )
    now = clock.now()
    received_day = deadlines.local_day(now)
    regime = regime_on(received_day)
    deadline = deadlines.service_deadline(
        session, received_at=now, regime_on=received_day, emergency=submission.emergency_dwelling
    )
    family_id = _family_of(session, person, submission.kato)
    app = Application(
        number=f"tmp-{uuid.uuid4().hex[:24]}",
        service="queue_registration",
        regime=regime,
        kato=submission.kato,
        applicant_person_id=person.id,
        family_id=family_id,
        channel=submission.channel,
        submitted_by_kind=actor.kind,
        submitted_by_id=actor.id,
        representative_person_id=submission.representative_person_id,
        power_of_attorney=(submission.power_of_attorney or "").strip() or None,
        language=submission.language,
        claimed_categories=[c for c in submission.claimed_categories if c],
        emergency_dwelling=submission.emergency_dwelling,
        phone=submission.phone,
        email=submission.email,
        consent_ref=f"application-consent:{now.isoformat()}" if submission.consent else None,
        received_at=now,
        counted_from=deadline.counted_from,
        complete_at=now,
        deadline_rule=deadline.rule,
        deadline_days=deadline.days,
        deadline_unit=deadline.unit,
        due_on=deadline.due_on,
        paused_days=0,
        status="received",
        step="intake",
        review_reasons=[],
        reason_codes=[],
    )
    session.add(app)
    session.flush()
    app.number = f"{clock.to_local(now):%Y%m%d}-{app.id:07d}"
    record(
        session,
        actor=actor,
        action="application.submit",
        object_type="application",
        object_id=app.id,
        kato=app.kato,
        after={"number": app.number, "channel": app.channel, "regime": regime, "due_on": app.due_on},
    )
    if submission.channel in ("psc",):
        _start_step(session, app, "intake", role="psc_operator")
    else:  # the portal (or the akimat's own officer) registers the application at once
        _start_step(session, app, "intake", role="system" if actor.kind == "citizen" else "executor")
        _finish_step(session, app, by=actor, result="registered")
        _enter_fetch(session, app, actor)
    notices.issue(
        session,
        actor=actor,
        kind="receipt",
        person_id=person.id,
        kato=app.kato,
        language=app.language,
        application_id=app.id,
        payload=decisions.receipt_payload(session, app, person, deadline.reference),
        phone=app.phone,
        email=app.email,
    )
    return app


def _family_of(session: Session, person: Person, kato: str) -> int:
    """The family the applicant heads (or belongs to); a one-person family is recorded if none is."""
    family_id = session.scalar(
        select(FamilyMember.family_id)
        .join(Family, Family.id == FamilyMember.family_id)
        .where(FamilyMember.person_id == person.id)
        .order_by(FamilyMember.relation != "head", FamilyMember.family_id.desc())
        .limit(1)
    )
    if family_id is not None:
        return int(family_id)
    family = Family(head_person_id=person.id, kato=kato)
    session.add(family)
    session.flush()
    session.add(FamilyMember(family_id=family.id, person_id=person.id, relation="head"))
    session.flush()
    record(
        session,
        actor=Actor.system("applications"),
        action="family.create",
        object_type="family",
        object_id=family.id,
        kato=kato,
        after={"head_person_id": person.id, "members": [person.id]},
        reason="one-person family recorded for an application",
    )
    return family.id


def get(session: Session, application_id: int) -> Application:
    app = session.get(Application, application_id)
    if app is None:
        raise NotFound("no such application")
    return app


def _start_step(session: Session, app: Application, step: str, *, role: str) -> ApplicationStep:
    now = clock.now()
    due, rule = deadlines.step_due(
        session,
        step=step,
        regime_on=deadlines.local_day(app.received_at),
        started_at=now,
        case_due=app.due_on,
    )
    row = ApplicationStep(application_id=app.id, step=step, role=role, started_at=now, due_on=due, rule=rule)
    session.add(row)
    app.step = step
    session.flush()
    return row


def current_step(session: Session, app: Application) -> ApplicationStep | None:
    return session.scalar(
        select(ApplicationStep)
        .where(ApplicationStep.application_id == app.id, ApplicationStep.finished_at.is_(None))
        .order_by(ApplicationStep.id.desc())
        .limit(1)
    )


def _finish_step(session: Session, app: Application, *, by: Actor, result: str) -> None:
    step = current_step(session, app)
    if step is not None:
        step.finished_at = clock.now()
        step.finished_by = f"{by.kind}:{by.id}"
        step.result = result
        session.flush()


def _enter_fetch(session: Session, app: Application, actor: Actor) -> None:
    """Ask the state systems for the family's data; the case advances when they have answered."""
    from kezek.applications.tasks import advance_application

    app.status = "fetching"
    _start_step(session, app, "fetch", role="system")
    assert app.family_id is not None
    app.fetch_ref = str(
        statedata.start(
            session,
            family_id=app.family_id,
            actor=actor,
            case_ref=app.number,
            as_of=deadlines.local_day(app.complete_at or app.received_at),
        )
    )
    enqueue_after_commit(session, advance_application, app.id)


def forward(session: Session, *, application_id: int, actor: Actor) -> Application:
    """The PSC operator has registered the application and forwards it to the authority."""
    app = get(session, application_id)
    if app.status != "received":
        raise Conflict("only a newly received application can be forwarded", code="bad_state")
    _finish_step(session, app, by=actor, result="forwarded")
    _enter_fetch(session, app, actor)
    record(
        session,
        actor=actor,
        action="application.forward",
        object_type="application",
        object_id=app.id,
        kato=app.kato,
    )
    return app


def process(session: Session, *, application_id: int) -> Application:
    """Fetch the family's state data and assess it; decide a clear case, route the rest to review.

    Idempotent: a case that is not waiting for its data is left as it is. If a state system is
    down, the case stays in ``fetching`` with the reason, and the job tries again later.
    """
    app = get(session, application_id)
    if app.status != "fetching":
        return app
    system = Actor.system("applications")
    as_of = deadlines.local_day(app.complete_at or app.received_at)
    assert app.family_id is not None and app.fetch_ref is not None
    try:
        data = statedata.collect(
            session,
            fetch_ref=app.fetch_ref,
            kato=app.kato,
            family_id=app.family_id,
            applicant_person_id=app.applicant_person_id,
        )
    except StateDataUnavailable as exc:
        waiting = f"{exc.reason}"[:200]
        if waiting != app.fetch_error:
            app.fetch_error = waiting
            record(
                session,
                actor=system,
                action="application.fetch_waiting",
                object_type="application",
                object_id=app.id,
                kato=app.kato,
                reason=waiting,
            )
        return app
    app.fetch_error = None
    app.state_data = {
        "snapshot": data.snapshot,
        "sources": data.sources,
        "phone": data.phone,
        "phone_verified": data.phone_verified,
    }
    result = assess(
        data,
        as_of=as_of,
        regime=app.regime,
        claimed_categories=list(app.claimed_categories),
        emergency=app.emergency_dwelling,
    )
    app.as_of = as_of
    app.rules_version = result.rules_version
    app.assessment = result.to_json()
    app.proposed_outcome = result.outcome
    app.review_reasons = [*result.review, *result.documents_needed]
    _finish_step(session, app, by=system, result="fetched")
    record(
        session,
        actor=system,
        action="application.assess",
        object_type="application",
        object_id=app.id,
        kato=app.kato,
        after={
            "outcome": result.outcome,
            "clear": result.clear,
            "reasons": [r.code for r in result.reasons],
            "rules_version": result.rules_version,
        },
    )
    if result.clear:
        decisions.finalise(
            session,
            app,
            outcome=result.outcome,
            reason_codes=[r.code for r in result.reasons],
            actor=system,
            note=None,
        )
    else:
        app.status = "review"
        _start_step(session, app, "executor", role="executor")
    return app


def request_document(
    session: Session,
    *,
    application_id: int,
    actor: Actor,
    reason_code: str,
    document_kind: str,
    text: str,
) -> ApplicationPause:
    """Ask the applicant for something the state data cannot show; the case's clock pauses."""
    app = get(session, application_id)
    if app.status != "review":
        raise Conflict("documents are requested while the case is under review", code="bad_state")
    if reason_code not in PAUSE_REASONS:
        raise ValidationFailed(
            f"unknown reason {reason_code!r}; known: {', '.join(PAUSE_REASONS)}", code="unknown_reason"
        )
    if not text.strip() or not document_kind.strip():
        raise ValidationFailed("say which document is needed and why", code="request_text_required")
    now = clock.now()
    pause = ApplicationPause(
        application_id=app.id,
        reason_code=reason_code,
        request_text=text.strip()[:2000],
        document_kind=document_kind.strip()[:48],
        requested_by=f"{actor.kind}:{actor.id}",
        started_at=now,
        answer_due_on=deadlines.add_working_days(session, deadlines.local_day(now), ANSWER_WORKING_DAYS),
    )
    session.add(pause)
    app.status = "awaiting_applicant"
    session.flush()
    record(
        session,
        actor=actor,
        action="application.pause",
        object_type="application",
        object_id=app.id,
        kato=app.kato,
        after={"reason": reason_code, "document_kind": pause.document_kind},
    )
    person = session.get(Person, app.applicant_person_id)
    assert person is not None
    notices.issue(
        session,
        actor=actor,
        kind="document_request",
        person_id=person.id,
        kato=app.kato,
        language=app.language,
        application_id=app.id,
        payload={
            "application_number": app.number,
            "document_kind": pause.document_kind,
            "request_text": pause.request_text,
            "answer_due_on": pause.answer_due_on.isoformat(),
            "reason_code": reason_code,
        },
        phone=app.phone,
        email=app.email,
    )
    return pause


def open_pause(session: Session, app: Application) -> ApplicationPause | None:
    return session.scalar(
        select(ApplicationPause).where(
            ApplicationPause.application_id == app.id, ApplicationPause.ended_at.is_(None)
        )
    )


def resume(session: Session, *, application_id: int, actor: Actor) -> Application:
    """End the pause: the deadline moves later by the days the case stood still."""
    app = get(session, application_id)
    pause = open_pause(session, app)
    if app.status != "awaiting_applicant" or pause is None:
        raise Conflict("the case is not waiting for the applicant", code="bad_state")
    now = clock.now()
    pause.ended_at = now
    session.flush()
    pauses = session.execute(
        select(ApplicationPause.started_at, ApplicationPause.ended_at).where(
            ApplicationPause.application_id == app.id
        )
    ).all()
    due, lost = deadlines.with_pauses(
        session,
        received_at=app.received_at,
        days=app.deadline_days,
        unit=app.deadline_unit,
        pauses=[(start, end) for start, end in pauses],
    )
    assert due is not None
    before = app.due_on
    days = lost - app.paused_days
    pause.paused_days = days
    app.paused_days = lost
    app.due_on = due
    # The application is complete only now (Law Art. 74 p.1: order by the complete application).
    app.complete_at = now
    app.status = "review"
    step = current_step(session, app)
    if step is not None and days:
        step.due_on = min(deadlines.add_working_days(session, step.due_on, days), app.due_on)
    session.flush()
    record(
        session,
        actor=actor,
        action="application.resume",
        object_type="application",
        object_id=app.id,
        kato=app.kato,
        before={"due_on": before},
        after={"due_on": app.due_on, "paused_days": days},
    )
    return app


def attach_document(
    session: Session, *, application_id: int, actor: Actor, kind: str, filename: str, content: bytes
) -> ApplicationDocument:
    """The applicant gives a document (checked by content, hashed); it answers an open request."""
    app = get(session, application_id)
    if app.status not in OPEN_STATUSES:
        raise Conflict("the case is closed; documents can no longer be added", code="case_closed")
    checked = check(filename, content)
    pause = open_pause(session, app)
    doc = ApplicationDocument(
        application_id=app.id,
        pause_id=pause.id if pause else None,
        kind=(kind or "other").strip()[:48] or "other",
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        content=checked.content,
        uploaded_at=clock.now(),
        uploaded_by=f"{actor.kind}:{actor.id}",
    )
    session.add(doc)
    session.flush()
    record(
        session,
        actor=actor,
        action="application.document",
        object_type="application",
        object_id=app.id,
        kato=app.kato,
        after={"document_id": doc.id, "sha256": doc.sha256, "kind": doc.kind},
    )
    if pause is not None:
        resume(session, application_id=app.id, actor=actor)
    return doc


def propose(
    session: Session,
    *,
    application_id: int,
    actor: Actor,
    outcome: str,
    reason_codes: Sequence[str] = (),
    note: str | None = None,
) -> Application:
    """The executor's draft: registration, or a refusal with its reason codes; it goes to the head."""
    app = get(session, application_id)
    if app.status != "review":
        raise Conflict("only a case under review can be proposed for signature", code="bad_state")
    if outcome not in ("registered", "refused"):
        raise ValidationFailed("the outcome is either registered or refused", code="bad_outcome")
    codes = [c for c in reason_codes if c]
    if outcome == "refused" and not codes:
        raise ValidationFailed("a refusal must give at least one reason", code="reason_required")
    if outcome == "registered" and codes:
        raise ValidationFailed("a registration carries no refusal reasons", code="bad_outcome")
    app.proposed_outcome = outcome
    app.reason_codes = codes
    app.decision_note = (note or "").strip()[:2000] or None
    _finish_step(session, app, by=actor, result=f"proposed_{outcome}")
    app.status = "signing"
    _start_step(session, app, "head", role="head")
    record(
        session,
        actor=actor,
        action="application.propose",
        object_type="application",
        object_id=app.id,
        kato=app.kato,
        after={"outcome": outcome, "reasons": codes},
    )
    return app


def sign(session: Session, *, application_id: int, actor: Actor) -> Application:
    """The head signs the drafted decision; the result notice is issued."""
    app = get(session, application_id)
    if app.status != "signing" or app.proposed_outcome is None:
        raise Conflict("there is no drafted decision to sign", code="bad_state")
    _finish_step(session, app, by=actor, result="signed")
    decisions.finalise(
        session,
        app,
        outcome=app.proposed_outcome,
        reason_codes=list(app.reason_codes),
        actor=actor,
        note=app.decision_note,
    )
    return app


def send_back(session: Session, *, application_id: int, actor: Actor, note: str) -> Application:
    """The head returns the draft to the executor."""
    app = get(session, application_id)
    if app.status != "signing":
        raise Conflict("there is no drafted decision to return", code="bad_state")
    if not note.strip():
        raise ValidationFailed("say why the draft goes back", code="note_required")
    _finish_step(session, app, by=actor, result="returned")
    app.status = "review"
    _start_step(session, app, "executor", role="executor")
    record(
        session,
        actor=actor,
        action="application.return",
        object_type="application",
        object_id=app.id,
        kato=app.kato,
        reason=note.strip()[:500],
    )
    return app


def withdraw(session: Session, *, application_id: int, actor: Actor) -> Application:
    app = get(session, application_id)
    if app.status not in OPEN_STATUSES:
        raise Conflict("the case is already closed", code="case_closed")
    _finish_step(session, app, by=actor, result="withdrawn")
    pause = open_pause(session, app)
    if pause is not None:
        pause.ended_at = clock.now()
        pause.paused_days = 0
    app.status = "withdrawn"
    app.step = "done"
    record(
        session,
        actor=actor,
        action="application.withdraw",
        object_type="application",
        object_id=app.id,
        kato=app.kato,
    )
    return app


def applications_of(session: Session, person_id: int) -> list[Application]:
    return list(
        session.scalars(
            select(Application)
            .where(Application.applicant_person_id == person_id)
            .order_by(Application.received_at.desc())
        )
    )


def today() -> date:
    return clock.today_local()


def received_local(app: Application) -> datetime:
    return clock.to_local(app.received_at)
