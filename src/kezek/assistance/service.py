"""Housing assistance as a state service: the quarterly claim, the consent of every adult member,
the state data, the normative calculation, the commission's decision and the notice.

Path of a claim (domain.md §7.4; Almaty regulation 2017 item 6; MIC Order No. 117):
  submit → awaiting_consent (the clock paused until every adult has consented; ends with
  consent_declined / consent_expired) → fetching (state data through kezek.integration) →
  [awaiting_documents: only for what the data cannot show] → review (the executor checks the
  calculation and proposes) → commission (a session decides; clear cases approved in bulk, each
  recorded individually) → assigned | refused, with the notice in the family's language.
Services never commit: the request, job or command does.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.applications.profile import Member, rules_family
from kezek.applications.statedata import members_of
from kezek.assistance import calculation, clocks, texts
from kezek.assistance import notices as assistance_notices
from kezek.audit.service import Actor, record
from kezek.calendar import service as calendar
from kezek.errors import Conflict, Forbidden, NotFound, ValidationFailed
from kezek.integration import service as integration
from kezek.integration.consent import record_consent
from kezek.integration.errors import DataIncomplete
from kezek.integration.iban import is_valid_kz_iban
from kezek.integration.ports import Period
from kezek.integration.systems import Purpose, System
from kezek.jobs import enqueue_after_commit
from kezek.models.assistance import (
    CLAIM_TENURES,
    REFUSAL_REASONS,
    TERMINAL_STATUSES,
    AssistanceCalculation,
    AssistanceClaim,
    AssistanceConsent,
    AssistanceCostLine,
    AssistanceDecision,
    AssistanceDocument,
    AssistanceMonth,
    AssistanceSession,
)
from kezek.models.notices import OutboxMessage
from kezek.models.registry import AddressRegistration, Family, FamilyMember, Person
from kezek.notices.tasks import deliver_outbox
from kezek.rules.dates import add_months, age_on, quarter_start
from kezek.rules.errors import CaseDataError, MissingParameterError
from kezek.settings import LANGUAGES

CHANNELS = ("portal", "psc")
OPEN_STATUSES = ("awaiting_consent", "fetching", "awaiting_documents", "review", "commission")
SYSTEMS: tuple[System, ...] = (
    System.PERSONS,
    System.CIVIL,
    System.ADDRESS,
    System.PROPERTY,
    System.STATE_HOUSING,
    System.PENSION,
    System.TAX,
    System.SOCIAL_PAYMENTS,
    System.BANK,
    System.MOBILE,
    System.UTILITIES,
)
DOCUMENT_KINDS = ("bill", "rent_invoice", "bank_account")
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


def local_day(moment: datetime) -> date:
    return clock.to_local(moment).date()


# -- the claim --------------------------------------------------------------------------------
@dataclass(frozen=True)
class ClaimRequest:
    applicant_iin: str
    tenure: str
    language: str
    channel: str = "portal"
    phone: str | None = None
    email: str | None = None
    consent: bool = True  # the applicant's own consent to the state-data checks


def get(session: Session, claim_id: int, *, lock: bool = False) -> AssistanceClaim:
    stmt = select(AssistanceClaim).where(AssistanceClaim.id == claim_id)
    if lock:
        stmt = stmt.with_for_update()
    claim = session.scalar(stmt)
    if claim is None:
        raise NotFound("no such housing assistance claim")
    return claim


def _person_by_iin(session: Session, iin: str) -> Person:
    iin = iin.strip()
    if not (len(iin) == 12 and iin.isdigit()):
        raise ValidationFailed("an IIN has 12 digits", code="bad_iin")
    person = session.scalar(select(Person).where(Person.iin == iin))
    if person is None:
        raise ValidationFailed(
            "no person with this IIN is known to the individuals register", code="unknown_iin"
        )
    if person.death_date is not None:
        raise ValidationFailed("the individuals register records this person as deceased", code="deceased")
    return person


def _validate(req: ClaimRequest, actor: Actor) -> None:
    if req.language not in LANGUAGES:
        raise ValidationFailed("choose the language of correspondence: kk, ru or en", code="bad_language")
    if req.channel not in CHANNELS:
        raise ValidationFailed(f"unknown channel {req.channel!r}", code="bad_channel")
    if req.channel == "psc" and actor.kind != "official":
        raise Forbidden("only a PSC operator enters claims at a PSC", code="official_only")
    if req.tenure not in CLAIM_TENURES:
        raise ValidationFailed("choose how the family holds the dwelling", code="bad_tenure")
    if req.phone and not (req.phone.startswith("+7") and len(req.phone) == 12 and req.phone[1:].isdigit()):
        raise ValidationFailed("a phone number looks like +7XXXXXXXXXX", code="bad_phone")
    if req.email and ("@" not in req.email or len(req.email) > 200):
        raise ValidationFailed("the e-mail address is not valid", code="bad_email")
    if not req.consent:
        raise ValidationFailed(
            "the claim needs your consent to obtain data from the state systems", code="consent_required"
        )


def family_of(session: Session, person: Person) -> int:
    """The family the applicant belongs to (heads first); a one-person family is recorded if none."""
    family_id = session.scalar(
        select(FamilyMember.family_id)
        .where(FamilyMember.person_id == person.id)
        .order_by(FamilyMember.relation != "head", FamilyMember.family_id.desc())
        .limit(1)
    )
    if family_id is not None:
        return int(family_id)
    family = Family(head_person_id=person.id, kato=person.kato)
    session.add(family)
    session.flush()
    session.add(FamilyMember(family_id=family.id, person_id=person.id, relation="head"))
    session.flush()
    return family.id


def adults_of(session: Session, family_id: int, on: date) -> list[tuple[Person, str]]:
    rows = session.execute(
        select(Person, FamilyMember.relation)
        .join(FamilyMember, FamilyMember.person_id == Person.id)
        .where(FamilyMember.family_id == family_id)
        .order_by(FamilyMember.id)
    ).all()
    return [
        (p, relation)
        for p, relation in rows
        if age_on(p.birth_date, on) >= 18 and (p.death_date is None or p.death_date > on)
    ]


def _address(session: Session, person: Person, on: date) -> str:
    reg = session.scalar(
        select(AddressRegistration)
        .where(
            AddressRegistration.person_id == person.id,
            AddressRegistration.registered_from <= on,
            (AddressRegistration.registered_to.is_(None)) | (AddressRegistration.registered_to >= on),
        )
        .order_by(AddressRegistration.registered_from.desc())
        .limit(1)
    )
    return reg.address if reg is not None else ""


def submit(
    session: Session, *, actor: Actor, request: ClaimRequest, previous: AssistanceClaim | None = None
) -> AssistanceClaim:
    """Accept a claim for the current quarter and ask every other adult member for consent."""
    _validate(request, actor)
    person = _person_by_iin(session, request.applicant_iin)
    now = clock.now()
    today = local_day(now)
    quarter = quarter_start(today)
    family_id = family_of(session, person)
    member_ids = select(FamilyMember.person_id).where(FamilyMember.family_id == family_id)
    existing = session.scalar(
        select(AssistanceClaim).where(
            AssistanceClaim.applicant_person_id.in_(member_ids) | (AssistanceClaim.family_id == family_id),
            AssistanceClaim.quarter_start == quarter,
            AssistanceClaim.status.in_((*OPEN_STATUSES, "assigned")),
        )
    )
    if existing is not None:
        raise Conflict(
            f"the family already has claim {existing.number} for this quarter", code="claim_exists"
        )
    first_month = date(today.year, today.month, 1)
    months = (quarter.month + 2) - today.month + 1
    consent = clocks.consent_rule(today)
    claim = AssistanceClaim(
        number=f"tmp-{uuid.uuid4().hex[:24]}",
        kato=person.kato,
        applicant_person_id=person.id,
        family_id=family_id,
        previous_claim_id=previous.id if previous else None,
        channel=request.channel,
        submitted_by_kind=actor.kind,
        submitted_by_id=actor.id,
        language=request.language,
        phone=request.phone or person.phone,
        email=request.email,
        quarter_start=quarter,
        first_month=first_month,
        period_months=months,
        tenure=request.tenure,
        dwelling_address=_address(session, person, today),
        received_at=now,
        consent_until=clocks.due(session, start=now, rule=consent),
        paused_days=0,
        status="awaiting_consent",
        step="registration",
    )
    session.add(claim)
    session.flush()
    claim.number = f"HA-{clock.to_local(now):%Y%m%d}-{claim.id:07d}"
    record(
        session,
        actor=actor,
        action="assistance.claim_submit",
        object_type="assistance_claim",
        object_id=claim.id,
        kato=claim.kato,
        after={
            "number": claim.number,
            "channel": claim.channel,
            "quarter": quarter,
            "first_month": first_month,
            "tenure": claim.tenure,
            "previous": previous.number if previous else None,
        },
    )
    for adult, relation in adults_of(session, family_id, today):
        row = AssistanceConsent(
            claim_id=claim.id, person_id=adult.id, relation=relation, requested_at=now, answer="pending"
        )
        session.add(row)
        session.flush()
        if adult.id == person.id:
            _give(session, claim, row, actor=actor, via="psc" if request.channel == "psc" else "applicant")
        else:
            _ask_consent(session, claim, adult)
    _after_consent(session, claim, actor)
    return claim


def _ask_consent(session: Session, claim: AssistanceClaim, adult: Person) -> None:
    """The request appears in the member's cabinet; an SMS goes to the verified phone."""
    until = claim.consent_until.strftime("%d.%m.%Y")
    body = texts.short("consent_request", claim.language, number=claim.number, until=until)
    if adult.phone:
        session.add(
            OutboxMessage(
                notice_id=None,
                channel="sms",
                recipient=adult.phone,
                subject=claim.number,
                body=body,
                status="pending",
                created_at=clock.now(),
            )
        )
        session.flush()
        enqueue_after_commit(session, deliver_outbox)


def _give(
    session: Session, claim: AssistanceClaim, row: AssistanceConsent, *, actor: Actor, via: str
) -> None:
    consent = record_consent(
        session,
        person_id=row.person_id,
        purpose=Purpose.HOUSING_ASSISTANCE,
        channel="psc" if via == "psc" else "portal",
        actor=actor,
        evidence=f"assistance claim {claim.number}",
        family_id=claim.family_id,
        case_ref=claim.number,
    )
    row.answer = "given"
    row.answered_at = clock.now()
    row.answered_via = via
    row.consent_ref = str(consent.id)


def consents_of(session: Session, claim_id: int) -> list[AssistanceConsent]:
    return list(
        session.scalars(
            select(AssistanceConsent)
            .where(AssistanceConsent.claim_id == claim_id)
            .order_by(AssistanceConsent.id)
        )
    )


def pending_consents_of(session: Session, person_id: int) -> list[tuple[AssistanceConsent, AssistanceClaim]]:
    rows = session.execute(
        select(AssistanceConsent, AssistanceClaim)
        .join(AssistanceClaim, AssistanceClaim.id == AssistanceConsent.claim_id)
        .where(
            AssistanceConsent.person_id == person_id,
            AssistanceConsent.answer == "pending",
            AssistanceClaim.status == "awaiting_consent",
        )
        .order_by(AssistanceConsent.id)
    ).all()
    return [(c, a) for c, a in rows]


def answer_consent(
    session: Session, *, claim_id: int, person_id: int, agree: bool, actor: Actor, via: str = "cabinet"
) -> AssistanceClaim:
    """An adult member consents (or declines) in their cabinet or at a PSC."""
    claim = get(session, claim_id, lock=True)
    row = session.scalar(
        select(AssistanceConsent).where(
            AssistanceConsent.claim_id == claim_id, AssistanceConsent.person_id == person_id
        )
    )
    if row is None:
        raise NotFound("no consent is asked of you for this claim")
    if claim.status != "awaiting_consent" or row.answer != "pending":
        raise Conflict("this consent has already been answered or the claim has moved on", code="answered")
    if local_day(clock.now()) > claim.consent_until:
        expire_consents(session, today=local_day(clock.now()))
        raise Conflict("the time to consent has passed", code="consent_expired")
    if agree:
        _give(session, claim, row, actor=actor, via=via)
        record(
            session,
            actor=actor,
            action="assistance.consent_given",
            object_type="assistance_claim",
            object_id=claim.id,
            kato=claim.kato,
            after={"person_id": person_id},
        )
        _after_consent(session, claim, actor)
    else:
        row.answer = "declined"
        row.answered_at = clock.now()
        row.answered_via = via
        record(
            session,
            actor=actor,
            action="assistance.consent_declined",
            object_type="assistance_claim",
            object_id=claim.id,
            kato=claim.kato,
            after={"person_id": person_id},
        )
        _end(session, claim, "consent_declined", actor)
    return claim


def _end(session: Session, claim: AssistanceClaim, reason: str, actor: Actor) -> None:
    before = claim.status
    claim.status = reason
    claim.end_reason = reason
    for row in consents_of(session, claim.id):
        if row.answer == "pending":
            row.answer = "expired" if reason == "consent_expired" else row.answer
    record(
        session,
        actor=actor,
        action="assistance.claim_ended",
        object_type="assistance_claim",
        object_id=claim.id,
        kato=claim.kato,
        before={"status": before},
        after={"status": claim.status, "reason": reason},
    )
    if claim.phone:
        body = texts.short(
            "claim_ended",
            claim.language,
            number=claim.number,
            reason=texts.pick(texts.END_REASONS, reason, claim.language),
        )
        session.add(
            OutboxMessage(
                notice_id=None,
                channel="sms",
                recipient=claim.phone,
                subject=claim.number,
                body=body,
                status="pending",
                created_at=clock.now(),
            )
        )
        session.flush()
        enqueue_after_commit(session, deliver_outbox)


def expire_consents(session: Session, *, today: date | None = None) -> int:
    """Claims whose consent window has passed end with ``consent_expired``."""
    today = today or clock.today_local()
    claims = list(
        session.scalars(
            select(AssistanceClaim).where(
                AssistanceClaim.status == "awaiting_consent", AssistanceClaim.consent_until < today
            )
        )
    )
    for claim in claims:
        _end(session, claim, "consent_expired", Actor.system("assistance"))
    return len(claims)


def _after_consent(session: Session, claim: AssistanceClaim, actor: Actor) -> None:
    """Once every adult has consented: the set is complete, the clock starts, the data are fetched."""
    if claim.status != "awaiting_consent":
        return
    if any(row.answer != "given" for row in consents_of(session, claim.id)):
        return
    now = clock.now()
    claim.complete_at = now
    day = local_day(now)
    rule = clocks.decision_rule(day, claim.kato)
    claim.counted_from = calendar.receipt_day(session, now)
    claim.deadline_rule = rule.name
    claim.deadline_days = rule.days
    claim.due_on = clocks.due(session, start=now, rule=rule)
    claim.paused_days = max(0, (day - local_day(claim.received_at)).days)
    claim.step = "head"
    _fetch(session, claim, actor)


def _fetch(session: Session, claim: AssistanceClaim, actor: Actor) -> None:
    from kezek.assistance.tasks import advance_claim

    claim.status = "fetching"
    assert claim.family_id is not None
    as_of = local_day(claim.complete_at or claim.received_at)
    # Income of the quarter before the quarter of the claim, and the bills up to the month before it.
    period = Period(add_months(claim.quarter_start, -3), add_months(claim.first_month, -1))
    fetch = integration.request_fetch(
        session,
        family_id=claim.family_id,
        purpose=Purpose.HOUSING_ASSISTANCE,
        actor=actor,
        case_ref=claim.number,
        systems=list(SYSTEMS),
        as_of=as_of,
        period=period,
    )
    claim.fetch_ref = str(fetch.id)
    record(
        session,
        actor=actor,
        action="assistance.claim_complete",
        object_type="assistance_claim",
        object_id=claim.id,
        kato=claim.kato,
        after={"due_on": claim.due_on, "rule": claim.deadline_rule, "fetch": fetch.id},
    )
    enqueue_after_commit(session, advance_claim, claim.id)


# -- state data and the calculation ------------------------------------------------------------
def _members(session: Session, claim: AssistanceClaim) -> list[Member]:
    assert claim.family_id is not None
    return members_of(session, family_id=claim.family_id, applicant_person_id=claim.applicant_person_id)


def process(session: Session, *, claim_id: int) -> AssistanceClaim:
    """Read the fetched data, ask for documents only where the data are silent, then calculate.
    Idempotent: a claim not waiting for its data is left as it is."""
    claim = get(session, claim_id, lock=True)
    if claim.status != "fetching" or claim.fetch_ref is None:
        return claim
    try:
        profile = integration.family_profile(session, int(claim.fetch_ref))
    except DataIncomplete as exc:
        claim.fetch_error = str(exc)[:200]
        return claim
    claim.fetch_error = None
    members = _members(session, claim)
    family = rules_family(profile, members, claim.kato)
    applicant = members[0].iin
    facts = calculation.facts_from(profile, family, applicant, claim.first_month)
    from kezek.applications.profile import sources

    claim.state_data = {"sources": sources(profile), "facts": facts.snapshot()}
    if facts.dwelling is not None:
        claim.dwelling_area_dm2 = int(facts.dwelling["area_dm2"])
        claim.dwelling_address = str(facts.dwelling["address"]) or claim.dwelling_address
    if facts.accounts:
        claim.iban = facts.accounts[0]
        claim.bank_bic = claim.iban[4:7]
    system = Actor.system("assistance")
    asked = False
    if "no_bills_in_data" in facts.problems or "dwelling_not_in_data" in facts.problems:
        asked |= _ask_document(session, claim, "bill", "utilities", "bills_not_in_data")
    if claim.tenure in ("state_rent", "akimat_leased"):
        asked |= _ask_document(session, claim, "rent_invoice", "rent", "rent_not_in_data")
    if not facts.accounts:
        asked |= _ask_document(session, claim, "bank_account", None, "account_not_in_data")
    record(
        session,
        actor=system,
        action="assistance.data_received",
        object_type="assistance_claim",
        object_id=claim.id,
        kato=claim.kato,
        after={"problems": facts.problems, "fetch": claim.fetch_ref},
    )
    if _open_documents(session, claim.id):
        claim.status = "awaiting_documents"
        _pause_start(claim)
        return claim
    _review(session, claim, system)
    return claim


def _pause_start(claim: AssistanceClaim) -> None:
    data = dict(claim.state_data or {})
    data["paused_at"] = clock.now().isoformat()
    claim.state_data = data


def _ask_document(
    session: Session, claim: AssistanceClaim, kind: str, service: str | None, reason: str
) -> bool:
    exists = session.scalar(
        select(AssistanceDocument.id).where(
            AssistanceDocument.claim_id == claim.id, AssistanceDocument.kind == kind
        )
    )
    if exists is not None:
        return False
    session.add(
        AssistanceDocument(
            claim_id=claim.id, kind=kind, service=service, reason=reason, requested_at=clock.now()
        )
    )
    session.flush()
    return True


def documents_of(session: Session, claim_id: int) -> list[AssistanceDocument]:
    return list(
        session.scalars(
            select(AssistanceDocument)
            .where(AssistanceDocument.claim_id == claim_id)
            .order_by(AssistanceDocument.id)
        )
    )


def _open_documents(session: Session, claim_id: int) -> list[AssistanceDocument]:
    return [d for d in documents_of(session, claim_id) if d.provided_at is None]


def _sniff(content: bytes) -> str:
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    raise ValidationFailed("send a PDF, PNG or JPEG file", code="file_type")


def provide_document(
    session: Session,
    *,
    claim_id: int,
    document_id: int,
    actor: Actor,
    filename: str,
    content: bytes,
    amount_tiyn: int | None = None,
    iban: str | None = None,
) -> AssistanceDocument:
    """The family gives the document asked for (a bill of a provider outside the data, the rent
    invoice, the account); when the last one arrives the clock runs again and the claim is calculated."""
    claim = get(session, claim_id, lock=True)
    if claim.status != "awaiting_documents":
        raise Conflict("no document is awaited for this claim", code="bad_state")
    doc = session.get(AssistanceDocument, document_id)
    if doc is None or doc.claim_id != claim.id:
        raise NotFound("no such document request")
    if doc.provided_at is not None:
        raise Conflict("this document has already been given", code="already_given")
    if not content:
        raise ValidationFailed("choose a file to send", code="file_empty")
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValidationFailed("the file is larger than 5 MB", code="file_too_large")
    kind = _sniff(content)
    if doc.kind == "bank_account":
        if not iban:
            raise ValidationFailed("give the IBAN of the account", code="iban_required")
        doc_iban = iban.replace(" ", "").upper()
        if not is_valid_kz_iban(doc_iban):
            raise ValidationFailed("the IBAN is not a valid Kazakh IBAN (KZ, 20 characters)", code="bad_iban")
        claim.iban = doc_iban
        claim.bank_bic = doc_iban[4:7]
    else:
        if amount_tiyn is None or amount_tiyn <= 0:
            raise ValidationFailed("give the monthly amount of the bill", code="amount_required")
        doc.amount_tiyn = amount_tiyn
    doc.filename = filename[:200]
    doc.content_type = kind
    doc.size = len(content)
    doc.sha256 = hashlib.sha256(content).hexdigest()
    doc.content = content
    doc.provided_at = clock.now()
    record(
        session,
        actor=actor,
        action="assistance.document_given",
        object_type="assistance_claim",
        object_id=claim.id,
        kato=claim.kato,
        after={"document": doc.id, "kind": doc.kind, "sha256": doc.sha256},
    )
    if not _open_documents(session, claim.id):
        paused = (claim.state_data or {}).get("paused_at")
        if paused and claim.complete_at is not None and claim.deadline_days is not None:
            start = datetime.fromisoformat(paused)
            rule = clocks.Rule(claim.deadline_rule or "", claim.deadline_days, "working", "")
            claim.due_on = clocks.due(
                session, start=claim.complete_at, rule=rule, pauses=[(start, clock.now())]
            )
        _review(session, claim, actor)
    return doc


def _lines(session: Session, claim: AssistanceClaim) -> list[calculation.Line]:
    facts = (claim.state_data or {}).get("facts") or {}
    lines = [calculation.Line(**x) for x in facts.get("lines", [])]
    for doc in documents_of(session, claim.id):
        if doc.provided_at is None or doc.amount_tiyn is None:
            continue
        if doc.kind == "rent_invoice":
            lines = [x for x in lines if x.service != "rent"]
            lines.append(calculation.Line("rent", doc.amount_tiyn, source=f"document:{doc.id}"))
        elif doc.kind == "bill" and doc.service and doc.service != "utilities":
            lines = [x for x in lines if x.service != doc.service]
            lines.append(
                calculation.Line(
                    doc.service,
                    doc.amount_tiyn,
                    doc.quantity_milli or 0,
                    doc.tariff_tiyn or 0,
                    f"document:{doc.id}",
                )
            )
        elif doc.kind == "bill" and not lines:
            lines.append(calculation.Line("assessed", doc.amount_tiyn, source=f"document:{doc.id}"))
    return lines


def recalculate(session: Session, claim: AssistanceClaim) -> AssistanceCalculation:
    """Calculate (again) from the stored data: the jurisdiction's parameters as of the claim."""
    if claim.fetch_ref is None:
        raise Conflict("the state data have not been received yet", code="no_data")
    profile = integration.family_profile(session, int(claim.fetch_ref))
    family = rules_family(profile, _members(session, claim), claim.kato)
    as_of = local_day(claim.received_at)
    area = claim.dwelling_area_dm2 or 0
    if area <= 0:
        raise Conflict("the area of the dwelling is not known", code="no_area")
    result = calculation.calculate(
        family, tenure=claim.tenure, area_dm2=area, lines=_lines(session, claim), as_of=as_of
    )
    for old in session.scalars(
        select(AssistanceCalculation).where(
            AssistanceCalculation.claim_id == claim.id, AssistanceCalculation.current.is_(True)
        )
    ):
        old.current = False
    facts = (claim.state_data or {}).get("facts") or {}
    calc = AssistanceCalculation(
        claim_id=claim.id,
        current=True,
        computed_at=clock.now(),
        as_of=as_of,
        kato=result.kato,
        rules_version=result.rules_version,
        family_size=result.family_size,
        period_months=1,
        norm_area_dm2=result.norm_area_dm2,
        capped_area_dm2=result.capped_area_dm2,
        income_quarter_tiyn=result.income_quarter_tiyn,
        share_ppm=result.share_ppm,
        income_share_tiyn=result.income_share_tiyn,
        costs_within_tiyn=result.costs_within_tiyn,
        amount_period_tiyn=result.amount_month_tiyn,
        amount_month_tiyn=result.amount_month_tiyn,
        refusal_reasons=result.refusal_reasons,
        incomes=[
            {"relation": m.get("relation"), **inc}
            for m in facts.get("members", [])
            for inc in m.get("incomes", [])
        ],
        trace=result.trace,
    )
    session.add(calc)
    session.flush()
    for line in result.lines:
        session.add(
            AssistanceCostLine(
                calculation_id=calc.id,
                position=line.position,
                service=line.service,
                actual_tiyn=line.actual_tiyn,
                allowed_tiyn=line.allowed_tiyn,
                within_tiyn=line.within_tiyn,
                quantity_milli=line.quantity_milli,
                tariff_tiyn=line.tariff_tiyn,
                rule=line.rule,
                norm=line.norm,
                source=line.source,
            )
        )
    session.flush()
    return calc


def _review(session: Session, claim: AssistanceClaim, actor: Actor) -> None:
    """The calculation is ready: the executor reviews it; the proposal comes from the rules."""
    claim.status = "review"
    claim.step = "prepare"
    try:
        calc = recalculate(session, claim)
    except (MissingParameterError, CaseDataError, Conflict) as exc:
        # Nothing is decided on a gap: the executor sees why the calculation could not run.
        claim.proposed_outcome, claim.proposed_reason = None, None
        claim.review_note = f"calculation_failed: {exc}"[:500]
        record(
            session,
            actor=actor,
            action="assistance.calculation_failed",
            object_type="assistance_claim",
            object_id=claim.id,
            kato=claim.kato,
            after={"error": str(exc)[:200]},
        )
        return
    facts = (claim.state_data or {}).get("facts") or {}
    reasons = list(calc.refusal_reasons)
    if (
        claim.tenure == "owned"
        and int(facts.get("owned", 0)) == 0
        and "more_than_one_dwelling" not in reasons
    ):
        reasons.append("ownership_not_in_register")
    if "private_rent" in reasons:
        claim.proposed_outcome, claim.proposed_reason = "refused", "private_rent"
    elif "more_than_one_dwelling" in reasons:
        claim.proposed_outcome, claim.proposed_reason = "refused", "more_than_one_dwelling"
    elif "ownership_not_in_register" in reasons or not claim.iban:
        claim.proposed_outcome, claim.proposed_reason = "refused", "false_data"
    elif "nothing_due" in reasons or calc.amount_month_tiyn <= 0:
        claim.proposed_outcome, claim.proposed_reason = "refused", "nothing_due"
    else:
        claim.proposed_outcome, claim.proposed_reason = "assigned", None
    claim.review_note = ", ".join(r for r in reasons if r not in REFUSAL_REASONS) or None
    record(
        session,
        actor=actor,
        action="assistance.calculated",
        object_type="assistance_claim",
        object_id=claim.id,
        kato=claim.kato,
        after={
            "calculation": calc.id,
            "amount_month_tiyn": calc.amount_month_tiyn,
            "proposed": claim.proposed_outcome,
            "reason": claim.proposed_reason,
        },
    )


def current_calculation(session: Session, claim_id: int) -> AssistanceCalculation | None:
    return session.scalar(
        select(AssistanceCalculation)
        .where(AssistanceCalculation.claim_id == claim_id, AssistanceCalculation.current.is_(True))
        .order_by(AssistanceCalculation.id.desc())
        .limit(1)
    )


def cost_lines(session: Session, calculation_id: int) -> list[AssistanceCostLine]:
    return list(
        session.scalars(
            select(AssistanceCostLine)
            .where(AssistanceCostLine.calculation_id == calculation_id)
            .order_by(AssistanceCostLine.position)
        )
    )


def propose(
    session: Session, *, claim_id: int, actor: Actor, outcome: str, reason: str | None, note: str | None
) -> AssistanceClaim:
    """The executor's proposal to the commission (may differ from the rules' proposal, with a note)."""
    claim = get(session, claim_id, lock=True)
    if claim.status != "review":
        raise Conflict("only a claim under review can be proposed", code="bad_state")
    outcome, reason = _check_outcome(outcome, reason)
    if outcome != claim.proposed_outcome and not (note or "").strip():
        raise ValidationFailed("explain why the proposal differs from the calculation", code="note_required")
    before = {"outcome": claim.proposed_outcome, "reason": claim.proposed_reason}
    claim.proposed_outcome, claim.proposed_reason = outcome, reason
    claim.review_note = (note or "").strip() or claim.review_note
    record(
        session,
        actor=actor,
        action="assistance.proposed",
        object_type="assistance_claim",
        object_id=claim.id,
        kato=claim.kato,
        before=before,
        after={"outcome": outcome, "reason": reason},
    )
    return claim


def _check_outcome(outcome: str, reason: str | None) -> tuple[str, str | None]:
    if outcome not in ("assigned", "refused"):
        raise ValidationFailed("choose assigned or refused", code="bad_outcome")
    if outcome == "refused" and reason not in REFUSAL_REASONS:
        raise ValidationFailed("a refusal needs its reason", code="reason_required")
    return outcome, (reason if outcome == "refused" else None)


def false_data_due(session: Session, claim: AssistanceClaim) -> date:
    """The last day for a motivated refusal on false data (working days of the claim)."""
    rule = clocks.false_data_rule(local_day(claim.received_at), claim.kato)
    return clocks.due(session, start=claim.received_at, rule=rule)


# -- the commission ----------------------------------------------------------------------------
def open_session(
    session: Session, *, actor: Actor, kato: str, held_on: date, chair: str, members: Sequence[str]
) -> AssistanceSession:
    if not chair.strip():
        raise ValidationFailed("name the chair of the commission", code="chair_required")
    row = AssistanceSession(
        number=f"tmp-{uuid.uuid4().hex[:24]}",
        kato=kato,
        held_on=held_on,
        chair=chair.strip(),
        members=[m.strip() for m in members if m.strip()],
        status="open",
        opened_by=actor.id,
        opened_at=clock.now(),
    )
    session.add(row)
    session.flush()
    row.number = f"HAC-{held_on:%Y%m%d}-{row.id:05d}"
    record(
        session,
        actor=actor,
        action="assistance.session_open",
        object_type="assistance_session",
        object_id=row.id,
        kato=kato,
        after={"number": row.number, "held_on": held_on},
    )
    return row


def get_session(session: Session, session_id: int) -> AssistanceSession:
    row = session.get(AssistanceSession, session_id)
    if row is None:
        raise NotFound("no such commission session")
    return row


def put_on_agenda(session: Session, *, session_id: int, claim_ids: Sequence[int], actor: Actor) -> int:
    sitting = get_session(session, session_id)
    if sitting.status != "open":
        raise Conflict("the session is closed", code="session_closed")
    moved = 0
    for claim_id in claim_ids:
        claim = get(session, claim_id, lock=True)
        if claim.kato != sitting.kato:
            raise Forbidden("the claim belongs to another district", code="other_district")
        if claim.status != "review":
            continue
        claim.status = "commission"
        claim.step = "commission"
        claim.session_id = sitting.id
        moved += 1
        record(
            session,
            actor=actor,
            action="assistance.on_agenda",
            object_type="assistance_claim",
            object_id=claim.id,
            kato=claim.kato,
            after={"session": sitting.number},
        )
    return moved


def agenda(session: Session, session_id: int) -> list[AssistanceClaim]:
    return list(
        session.scalars(
            select(AssistanceClaim)
            .where(AssistanceClaim.session_id == session_id)
            .order_by(AssistanceClaim.id)
        )
    )


def clear_cases(session: Session, session_id: int) -> list[AssistanceClaim]:
    """Claims on the agenda the commission may approve in bulk: the rules and the executor agree,
    nothing is flagged, no document came from outside the data."""
    out = []
    for claim in agenda(session, session_id):
        if claim.status != "commission" or claim.review_note:
            continue
        calc = current_calculation(session, claim.id)
        if calc is None:
            continue
        clear_assignment = (
            claim.proposed_outcome == "assigned" and calc.amount_month_tiyn > 0 and not calc.refusal_reasons
        )
        clear_refusal = claim.proposed_outcome == "refused" and claim.proposed_reason in calc.refusal_reasons
        if clear_assignment or clear_refusal:
            out.append(claim)
    return out


def decide(
    session: Session,
    *,
    claim_id: int,
    actor: Actor,
    outcome: str,
    reason: str | None = None,
    note: str | None = None,
    session_id: int | None = None,
    bulk: bool = False,
) -> AssistanceDecision:
    """Record the decision on one claim: the months covered and their amount, or the refusal with
    its legal reference; then the notice in the family's language."""
    claim = get(session, claim_id, lock=True)
    outcome, reason = _check_outcome(outcome, reason)
    if session_id is None:
        # Outside a session only the motivated refusal on false data (its own shorter clock).
        if not (outcome == "refused" and reason == "false_data" and claim.status in ("review", "commission")):
            raise Conflict("the commission decides in a session", code="session_required")
    else:
        sitting = get_session(session, session_id)
        if sitting.status != "open":
            raise Conflict("the session is closed", code="session_closed")
        if claim.session_id != sitting.id or claim.status != "commission":
            raise Conflict("the claim is not on this session's agenda", code="not_on_agenda")
    calc = current_calculation(session, claim.id)
    if outcome == "assigned" and (calc is None or calc.amount_month_tiyn <= 0):
        raise Conflict("nothing can be assigned: the calculated amount is zero", code="amount_zero")
    now = clock.now()
    months = claim.period_months if outcome == "assigned" else 0
    amount = calc.amount_month_tiyn if (outcome == "assigned" and calc is not None) else 0
    last = add_months(claim.first_month, months - 1) if months else None
    decision = AssistanceDecision(
        claim_id=claim.id,
        session_id=session_id,
        calculation_id=calc.id if calc is not None else None,
        kato=claim.kato,
        outcome=outcome,
        reason_code=reason,
        legal_reference=texts.LEGAL[reason or "assigned"],
        amount_month_tiyn=amount,
        first_month=claim.first_month if months else None,
        last_month=last,
        months=months,
        total_tiyn=amount * months,
        bulk=bulk,
        decided_at=now,
        decided_by=actor.id,
        note=(note or "").strip() or None,
    )
    session.add(decision)
    session.flush()
    for i in range(months):
        session.add(
            AssistanceMonth(
                decision_id=decision.id,
                claim_id=claim.id,
                person_id=claim.applicant_person_id,
                kato=claim.kato,
                month=add_months(claim.first_month, i),
                amount_tiyn=amount,
                iban=claim.iban,
                bank_bic=claim.bank_bic,
            )
        )
    before = claim.status
    claim.status = outcome
    claim.step = "notice"
    session.flush()
    record(
        session,
        actor=actor,
        action=f"assistance.{outcome}",
        object_type="assistance_claim",
        object_id=claim.id,
        kato=claim.kato,
        before={"status": before},
        after={
            "decision": decision.id,
            "amount_month_tiyn": amount,
            "months": months,
            "reason": reason,
            "bulk": bulk,
            "session": session_id,
        },
    )
    notice = assistance_notices.issue_decision(
        session, claim=claim, decision=decision, calc=calc, actor=actor
    )
    decision.notice_id = notice.id
    claim.step = "delivery"
    return decision


def approve_bulk(
    session: Session, *, session_id: int, claim_ids: Sequence[int], actor: Actor
) -> list[AssistanceDecision]:
    """The commission approves the proposals of the clear cases at once; each decision is its own row."""
    clear = {c.id: c for c in clear_cases(session, session_id)}
    wrong = [i for i in claim_ids if i not in clear]
    if wrong:
        raise ValidationFailed(
            "only clear cases can be approved in bulk; decide the others one by one", code="not_clear"
        )
    out = []
    for claim_id in claim_ids:
        claim = clear[claim_id]
        assert claim.proposed_outcome is not None
        out.append(
            decide(
                session,
                claim_id=claim_id,
                actor=actor,
                outcome=claim.proposed_outcome,
                reason=claim.proposed_reason,
                session_id=session_id,
                bulk=True,
            )
        )
    return out


def close_session(session: Session, *, session_id: int, actor: Actor) -> AssistanceSession:
    """Close the session and fix its protocol (a payload rendered to PDF, hashed)."""
    sitting = get_session(session, session_id)
    if sitting.status != "open":
        raise Conflict("the session is already closed", code="session_closed")
    undecided = [c.number for c in agenda(session, session_id) if c.status == "commission"]
    if undecided:
        raise Conflict(f"decide every claim on the agenda first: {', '.join(undecided)}", code="undecided")
    sitting.status = "closed"
    sitting.closed_at = clock.now()
    sitting.protocol = assistance_notices.protocol_payload(session, sitting)
    sitting.protocol_sha256 = hashlib.sha256(assistance_notices.protocol_pdf(sitting, "ru")).hexdigest()
    record(
        session,
        actor=actor,
        action="assistance.session_closed",
        object_type="assistance_session",
        object_id=sitting.id,
        kato=sitting.kato,
        after={"number": sitting.number, "sha256": sitting.protocol_sha256},
    )
    return sitting


def decision_of(session: Session, claim_id: int) -> AssistanceDecision | None:
    return session.scalar(select(AssistanceDecision).where(AssistanceDecision.claim_id == claim_id))


# -- next quarter --------------------------------------------------------------------------------
def reapply(session: Session, *, previous_claim_id: int, actor: Actor) -> AssistanceClaim:
    """One action: a new claim for the current quarter with the same dwelling and contacts; fresh
    data are fetched (after the consents, as for any claim)."""
    previous = get(session, previous_claim_id)
    if quarter_start(clock.today_local()) <= previous.quarter_start:
        raise Conflict("the next quarter has not started yet", code="same_quarter")
    person = session.get(Person, previous.applicant_person_id)
    assert person is not None
    return submit(
        session,
        actor=actor,
        request=ClaimRequest(
            applicant_iin=person.iin,
            tenure=previous.tenure,
            language=previous.language,
            channel="portal" if actor.kind == "citizen" else "psc",
            phone=previous.phone,
            email=previous.email,
        ),
        previous=previous,
    )


@dataclass(frozen=True)
class LineDiff:
    service: str
    before_actual: int | None
    after_actual: int | None
    before_within: int | None
    after_within: int | None

    @property
    def change(self) -> int:
        return (self.after_within or 0) - (self.before_within or 0)


@dataclass(frozen=True)
class Difference:
    previous_number: str
    lines: list[LineDiff]
    totals: dict[str, tuple[int, int]]  # name -> (before, after)


def difference(session: Session, claim: AssistanceClaim) -> Difference | None:
    """Line by line, the calculation of this quarter against the last quarter's."""
    if claim.previous_claim_id is None:
        return None
    previous = get(session, claim.previous_claim_id)
    before = current_calculation(session, previous.id)
    after = current_calculation(session, claim.id)
    if before is None or after is None:
        return None
    old = {x.service: x for x in cost_lines(session, before.id)}
    new = {x.service: x for x in cost_lines(session, after.id)}
    services = [s for s in calculation.ri.SERVICES if s in old or s in new]
    lines = [
        LineDiff(
            s,
            old[s].actual_tiyn if s in old else None,
            new[s].actual_tiyn if s in new else None,
            old[s].within_tiyn if s in old else None,
            new[s].within_tiyn if s in new else None,
        )
        for s in services
    ]
    totals = {
        "family_size": (before.family_size, after.family_size),
        "income_quarter_tiyn": (before.income_quarter_tiyn, after.income_quarter_tiyn),
        "income_share_tiyn": (before.income_share_tiyn, after.income_share_tiyn),
        "costs_within_tiyn": (before.costs_within_tiyn, after.costs_within_tiyn),
        "amount_month_tiyn": (before.amount_month_tiyn, after.amount_month_tiyn),
    }
    return Difference(previous.number, lines, totals)


# -- lists -------------------------------------------------------------------------------------
def claims_of_person(session: Session, person_id: int) -> list[AssistanceClaim]:
    member_of = select(FamilyMember.family_id).where(FamilyMember.person_id == person_id)
    return list(
        session.scalars(
            select(AssistanceClaim)
            .where(
                (AssistanceClaim.applicant_person_id == person_id) | AssistanceClaim.family_id.in_(member_of)
            )
            .order_by(AssistanceClaim.received_at.desc())
        )
    )


def inbox(
    session: Session, *, kato_scope: Sequence[str] | None, statuses: Sequence[str] = OPEN_STATUSES
) -> list[AssistanceClaim]:
    stmt = select(AssistanceClaim).where(AssistanceClaim.status.in_(statuses))
    if kato_scope is not None:
        stmt = stmt.where(AssistanceClaim.kato.in_(list(kato_scope)))
    return list(
        session.scalars(
            stmt.order_by(AssistanceClaim.due_on.is_(None), AssistanceClaim.due_on, AssistanceClaim.id)
        )
    )


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(
        select(AssistanceClaim.status, func.count()).group_by(AssistanceClaim.status)
    ).all()
    return {status: int(n) for status, n in rows}


def is_open(claim: AssistanceClaim) -> bool:
    return claim.status not in TERMINAL_STATUSES


def payload_money(tiyn: int) -> dict[str, Any]:
    return {"tiyn": tiyn, "text": texts.money(tiyn)}
