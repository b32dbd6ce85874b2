"""Housing assistance pages: the citizen's claim, consent, status with the calculation and the
notice; the officer's inbox and review with the same trace; the commission's sessions.

A citizen sees only claims of their own family (as applicant or as an adult asked to consent);
anything else is "not found". Officials see claims of their jurisdiction; opening one is a
recorded read.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.applications import views
from kezek.assistance import clocks, service
from kezek.assistance import notices as assistance_notices
from kezek.assistance import texts as assistance_texts
from kezek.audit.service import Actor, record_read
from kezek.auth.csrf import verify_csrf
from kezek.auth.deps import CurrentCitizen, SessionDep, render, require_role
from kezek.auth.principal import Principal
from kezek.auth.scope import require_in_scope
from kezek.errors import KezekError, NotFound, ValidationFailed
from kezek.models.assistance import (
    CLAIM_TENURES,
    REFUSAL_REASONS,
    AssistanceClaim,
    AssistanceConsent,
    AssistanceSession,
)
from kezek.models.notices import Notice
from kezek.models.registry import FamilyMember, Person
from kezek.rules.catalog import has as rules_has
from kezek.rules.catalog import text as rules_text
from kezek.settings import LANGUAGES

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

CLAIM_ROLES = ("psc_operator", "executor", "head", "commission_member", "administrator", "auditor")
COMMISSION_ROLES = ("head", "commission_member", "administrator")
ClaimOfficial = Annotated[Principal, Depends(require_role(*CLAIM_ROLES))]
Executor = Annotated[Principal, Depends(require_role("executor", "head"))]
Commission = Annotated[Principal, Depends(require_role(*COMMISSION_ROLES))]
CITIZEN_TENURES = tuple(t for t in CLAIM_TENURES)
FIELD_OF_CODE = {
    "bad_language": "language",
    "bad_tenure": "tenure",
    "bad_phone": "phone",
    "bad_email": "email",
    "consent_required": "consent",
    "file_empty": "file",
    "file_type": "file",
    "file_too_large": "file",
    "amount_required": "amount",
    "iban_required": "iban",
    "bad_iban": "iban",
    "note_required": "note",
    "reason_required": "reason",
    "bad_outcome": "outcome",
    "chair_required": "chair",
    "bad_date": "held_on",
    "unknown_applicant": "applicant_iin",
    "bad_iin": "applicant_iin",
    "unknown_iin": "applicant_iin",
    "unknown_member": "member_iin",
    "unknown_claim": "claim_number",
}


def citizen_actor(person: Person) -> Actor:
    return Actor("citizen", str(person.id))


def form_errors(exc: KezekError) -> dict[str, str]:
    return {FIELD_OF_CODE.get(exc.code, "form"): exc.code}


def service_name(code: str, lang: str) -> str:
    return assistance_texts.pick(assistance_texts.SERVICES, code, lang)


def money(tiyn: int | None) -> str:
    return assistance_texts.money(int(tiyn or 0))


def rules_reference(code: str, lang: str) -> str:
    key = f"ref.assistance.{code}"
    return rules_text(key, lang) if rules_has(key) else ""


def context(**values: Any) -> dict[str, Any]:
    return views.base_context(
        service_name=service_name,
        money=money,
        refusal_reasons=REFUSAL_REASONS,
        tenures=CITIZEN_TENURES,
        legal=assistance_texts.LEGAL,
        **values,
    )


def _family_ids(session: Session, person: Person) -> list[int]:
    return list(session.scalars(select(FamilyMember.family_id).where(FamilyMember.person_id == person.id)))


def own_claim(session: Session, person: Person, claim_id: int) -> AssistanceClaim:
    claim = session.get(AssistanceClaim, claim_id)
    if claim is None:
        raise NotFound("no such claim among yours")
    if claim.applicant_person_id == person.id or claim.family_id in _family_ids(session, person):
        return claim
    raise NotFound("no such claim among yours")


def claim_context(session: Session, claim: AssistanceClaim) -> dict[str, Any]:
    """What the citizen and the officer both see: status, clocks, consents, documents, calculation."""
    calc = service.current_calculation(session, claim.id)
    consents = session.execute(
        select(AssistanceConsent, Person)
        .join(Person, Person.id == AssistanceConsent.person_id)
        .where(AssistanceConsent.claim_id == claim.id)
        .order_by(AssistanceConsent.id)
    ).all()
    decision = service.decision_of(session, claim.id)
    notice = session.get(Notice, decision.notice_id) if decision and decision.notice_id else None
    steps: list[clocks.StepClock] = []
    if claim.complete_at is not None and claim.due_on is not None:
        try:
            steps = clocks.step_plan(
                session,
                start=claim.complete_at,
                on=service.local_day(claim.complete_at),
                kato=claim.kato,
                case_due=claim.due_on,
            )
        except clocks.MissingClock:
            steps = []
    return {
        "claim": claim,
        "calc": calc,
        "lines": service.cost_lines(session, calc.id) if calc else [],
        "consents": [(c, initials(p)) for c, p in consents],
        "documents": service.documents_of(session, claim.id),
        "decision": decision,
        "notice": notice,
        "steps": steps,
        "difference": service.difference(session, claim),
        "false_data_due": service.false_data_due(session, claim),
    }


def initials(person: Person) -> str:
    return f"{person.surname} {person.given_name[:1]}."


# --- the citizen ---------------------------------------------------------------------------------
@router.get("/citizen/assistance")
def hub(request: Request, person: CurrentCitizen, session: SessionDep) -> Response:
    claims = service.claims_of_person(session, person.id)
    today = clock.today_local()
    current_quarter = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    last = next((c for c in claims if c.applicant_person_id == person.id), None)
    can_reapply = last is not None and last.status == "assigned" and last.quarter_start < current_quarter
    return render(
        request,
        "assistance/hub.html",
        context(
            claims=claims,
            pending=service.pending_consents_of(session, person.id),
            last=last,
            can_reapply=can_reapply,
            has_current=any(c.quarter_start == current_quarter and service.is_open(c) for c in claims)
            or any(c.quarter_start == current_quarter and c.status == "assigned" for c in claims),
        ),
    )


def _new_context(person: Person, values: dict[str, Any], errors: dict[str, str]) -> dict[str, Any]:
    return context(person=person, values=values, errors=errors)


@router.get("/citizen/assistance/new")
def claim_form(request: Request, person: CurrentCitizen) -> Response:
    values = {
        "tenure": "owned",
        "language": getattr(request.state, "lang", ""),
        "phone": person.phone or "",
        "email": "",
        "consent": "",
    }
    return render(request, "assistance/new.html", _new_context(person, values, {}))


@router.post("/citizen/assistance")
async def claim_submit(request: Request, person: CurrentCitizen, session: SessionDep) -> Response:
    single, _, _ = await views.form_data(request)
    req = service.ClaimRequest(
        applicant_iin=person.iin,
        tenure=single.get("tenure", ""),
        language=single.get("language", ""),
        phone=single.get("phone", "").strip() or None,
        email=single.get("email", "").strip() or None,
        consent=single.get("consent") == "yes",
    )
    try:
        with session.begin_nested():
            claim = service.submit(session, actor=citizen_actor(person), request=req)
    except KezekError as exc:
        return render(
            request,
            "assistance/new.html",
            _new_context(person, single, form_errors(exc)),
            status_code=exc.status if 400 <= exc.status < 500 else 422,
        )
    return RedirectResponse(f"/citizen/assistance/{claim.id}", status_code=303)


def _citizen_claim(
    request: Request,
    session: Session,
    person: Person,
    claim: AssistanceClaim,
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    mine = session.scalar(
        select(AssistanceConsent).where(
            AssistanceConsent.claim_id == claim.id, AssistanceConsent.person_id == person.id
        )
    )
    return render(
        request,
        "assistance/claim.html",
        context(
            **claim_context(session, claim),
            my_consent=mine,
            is_applicant=claim.applicant_person_id == person.id,
            errors=errors,
            max_mb=service.MAX_DOCUMENT_BYTES // 1024 // 1024,
        ),
        status_code=status,
    )


@router.get("/citizen/assistance/{claim_id}")
def claim_page(request: Request, claim_id: int, person: CurrentCitizen, session: SessionDep) -> Response:
    claim = own_claim(session, person, claim_id)
    return _citizen_claim(request, session, person, claim, {})


@router.post("/citizen/assistance/{claim_id}/consent")
async def consent(request: Request, claim_id: int, person: CurrentCitizen, session: SessionDep) -> Response:
    claim = own_claim(session, person, claim_id)
    single, _, _ = await views.form_data(request)
    try:
        with session.begin_nested():
            service.answer_consent(
                session,
                claim_id=claim.id,
                person_id=person.id,
                agree=single.get("answer") == "agree",
                actor=citizen_actor(person),
            )
    except KezekError as exc:
        return _citizen_claim(request, session, person, claim, form_errors(exc), exc.status)
    return RedirectResponse(f"/citizen/assistance/{claim.id}", status_code=303)


@router.post("/citizen/assistance/{claim_id}/documents/{document_id}")
async def document(
    request: Request, claim_id: int, document_id: int, person: CurrentCitizen, session: SessionDep
) -> Response:
    claim = own_claim(session, person, claim_id)
    single, _, files = await views.form_data(request)
    upload = files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ValidationFailed("choose a file to send", code="file_empty")
        content = await views.read_upload(upload, service.MAX_DOCUMENT_BYTES)
        amount = _tenge_to_tiyn(single.get("amount", ""))
        with session.begin_nested():
            service.provide_document(
                session,
                claim_id=claim.id,
                document_id=document_id,
                actor=citizen_actor(person),
                filename=upload.filename,
                content=content,
                amount_tiyn=amount,
                iban=single.get("iban", "").strip() or None,
            )
    except KezekError as exc:
        return _citizen_claim(request, session, person, claim, form_errors(exc), exc.status)
    return RedirectResponse(f"/citizen/assistance/{claim.id}", status_code=303)


def _tenge_to_tiyn(raw: str) -> int | None:
    from decimal import Decimal, InvalidOperation

    raw = raw.replace("\u00a0", "").replace(" ", "").replace(",", ".").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationFailed("write the amount in tenge, e.g. 12500.50", code="amount_required") from None
    if value <= 0 or value != value.quantize(Decimal("0.01")):
        raise ValidationFailed("write the amount in tenge, e.g. 12500.50", code="amount_required")
    return int(value * 100)


@router.post("/citizen/assistance/{claim_id}/reapply")
def reapply(request: Request, claim_id: int, person: CurrentCitizen, session: SessionDep) -> Response:
    claim = own_claim(session, person, claim_id)
    try:
        with session.begin_nested():
            new = service.reapply(session, previous_claim_id=claim.id, actor=citizen_actor(person))
    except KezekError as exc:
        return _citizen_claim(request, session, person, claim, form_errors(exc), exc.status)
    return RedirectResponse(f"/citizen/assistance/{new.id}", status_code=303)


def _pdf(content: bytes, filename: str) -> Response:
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )


@router.get("/citizen/assistance/{claim_id}/notice.pdf")
def citizen_notice(
    claim_id: int, person: CurrentCitizen, session: SessionDep, doc_lang: str = ""
) -> Response:
    claim = own_claim(session, person, claim_id)
    notice = _claim_notice(session, claim)
    language = doc_lang if doc_lang in LANGUAGES else notice.language
    return _pdf(
        assistance_notices.notice_pdf(notice, language), f"kezek-{notice.kind}-{notice.number}-{language}.pdf"
    )


def _claim_notice(session: Session, claim: AssistanceClaim) -> Notice:
    decision = service.decision_of(session, claim.id)
    notice = session.get(Notice, decision.notice_id) if decision and decision.notice_id else None
    if notice is None:
        raise NotFound("no notice for this claim yet")
    return notice


# --- officials: inbox and review -----------------------------------------------------------------
def scoped_claim(session: Session, principal: Principal, claim_id: int) -> AssistanceClaim:
    claim = session.get(AssistanceClaim, claim_id)
    if claim is None:
        raise NotFound("no such claim")
    require_in_scope(claim.kato, principal.scopes, "claim")
    return claim


def _scope_filter(principal: Principal) -> list[str] | None:
    return None if "" in principal.scopes else list(principal.scopes)


@router.get("/official/assistance/claims")
def inbox(request: Request, principal: ClaimOfficial, session: SessionDep, status: str = "") -> Response:
    statuses = [status] if status else list(service.OPEN_STATUSES)
    claims = [
        c for c in service.inbox(session, kato_scope=None, statuses=statuses) if _in_scope(c.kato, principal)
    ]
    return render(
        request,
        "assistance/inbox.html",
        context(claims=claims, status=status, statuses=service.OPEN_STATUSES, principal=principal),
    )


def _in_scope(kato: str, principal: Principal) -> bool:
    from kezek.auth.scope import in_scope

    return in_scope(kato, principal.scopes)


def _review(
    request: Request,
    session: Session,
    principal: Principal,
    claim: AssistanceClaim,
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    applicant = session.get(Person, claim.applicant_person_id)
    return render(
        request,
        "assistance/review.html",
        context(
            **claim_context(session, claim),
            applicant=applicant,
            principal=principal,
            errors=errors,
            can_propose=claim.status == "review" and principal.has_any_role(("executor", "head")),
        ),
        status_code=status,
    )


@router.get("/official/assistance/claims/{claim_id}")
def review(request: Request, claim_id: int, principal: ClaimOfficial, session: SessionDep) -> Response:
    claim = scoped_claim(session, principal, claim_id)
    record_read(
        session,
        actor=principal.actor,
        object_type="assistance_claim",
        object_id=claim.id,
        kato=claim.kato,
        purpose="assistance_review",
    )
    return _review(request, session, principal, claim, {})


@router.post("/official/assistance/claims/{claim_id}/propose")
async def propose(request: Request, claim_id: int, principal: Executor, session: SessionDep) -> Response:
    claim = scoped_claim(session, principal, claim_id)
    single, _, _ = await views.form_data(request)
    try:
        with session.begin_nested():
            service.propose(
                session,
                claim_id=claim.id,
                actor=principal.actor,
                outcome=single.get("outcome", ""),
                reason=single.get("reason") or None,
                note=single.get("note", ""),
            )
    except KezekError as exc:
        return _review(request, session, principal, claim, form_errors(exc), exc.status)
    return RedirectResponse(f"/official/assistance/claims/{claim.id}", status_code=303)


@router.post("/official/assistance/claims/{claim_id}/refuse-false-data")
async def refuse_false_data(
    request: Request, claim_id: int, principal: Executor, session: SessionDep
) -> Response:
    claim = scoped_claim(session, principal, claim_id)
    single, _, _ = await views.form_data(request)
    try:
        if not single.get("note", "").strip():
            raise ValidationFailed("say which data are false", code="note_required")
        with session.begin_nested():
            service.decide(
                session,
                claim_id=claim.id,
                actor=principal.actor,
                outcome="refused",
                reason="false_data",
                note=single.get("note", ""),
            )
    except KezekError as exc:
        return _review(request, session, principal, claim, form_errors(exc), exc.status)
    return RedirectResponse(f"/official/assistance/claims/{claim.id}", status_code=303)


@router.get("/official/assistance/claims/{claim_id}/notice.pdf")
def official_notice(
    claim_id: int, principal: ClaimOfficial, session: SessionDep, doc_lang: str = ""
) -> Response:
    claim = scoped_claim(session, principal, claim_id)
    notice = _claim_notice(session, claim)
    language = doc_lang if doc_lang in LANGUAGES else notice.language
    return _pdf(
        assistance_notices.notice_pdf(notice, language), f"kezek-{notice.kind}-{notice.number}-{language}.pdf"
    )


# --- the PSC operator: a claim entered for a citizen, a member's consent given at the PSC ---------
PscOperator = Annotated[Principal, Depends(require_role("psc_operator"))]


def _psc_page(
    request: Request, values: dict[str, Any], errors: dict[str, str], status: int = 200
) -> Response:
    return render(request, "assistance/psc.html", context(values=values, errors=errors), status_code=status)


@router.get("/official/assistance/psc")
def psc(request: Request, principal: PscOperator) -> Response:
    return _psc_page(request, {"tenure": "owned", "language": ""}, {})


def _person_in_scope(session: Session, principal: Principal, iin: str, field: str) -> Person:
    person = session.scalar(select(Person).where(Person.iin == iin.strip()))
    if person is None:
        raise ValidationFailed("no person with this IIN is known", code=f"unknown_{field}")
    require_in_scope(person.kato, principal.scopes, "person")
    return person


@router.post("/official/assistance/psc/claims")
async def psc_claim(request: Request, principal: PscOperator, session: SessionDep) -> Response:
    single, _, _ = await views.form_data(request)
    try:
        person = _person_in_scope(session, principal, single.get("applicant_iin", ""), "applicant")
        with session.begin_nested():
            claim = service.submit(
                session,
                actor=principal.actor,
                request=service.ClaimRequest(
                    applicant_iin=person.iin,
                    tenure=single.get("tenure", ""),
                    language=single.get("language", ""),
                    channel="psc",
                    phone=single.get("phone", "").strip() or None,
                    consent=single.get("consent") == "yes",
                ),
            )
    except KezekError as exc:
        return _psc_page(request, single, form_errors(exc), exc.status if 400 <= exc.status < 500 else 422)
    return RedirectResponse(f"/official/assistance/claims/{claim.id}", status_code=303)


@router.post("/official/assistance/psc/consents")
async def psc_consent(request: Request, principal: PscOperator, session: SessionDep) -> Response:
    single, _, _ = await views.form_data(request)
    try:
        claim = session.scalar(
            select(AssistanceClaim).where(AssistanceClaim.number == single.get("claim_number", "").strip())
        )
        if claim is None:
            raise ValidationFailed("no claim with this number", code="unknown_claim")
        require_in_scope(claim.kato, principal.scopes, "claim")
        member = _person_in_scope(session, principal, single.get("member_iin", ""), "member")
        with session.begin_nested():
            service.answer_consent(
                session,
                claim_id=claim.id,
                person_id=member.id,
                agree=single.get("answer") == "agree",
                actor=principal.actor,
                via="psc",
            )
    except KezekError as exc:
        return _psc_page(request, single, form_errors(exc), exc.status if 400 <= exc.status < 500 else 422)
    return RedirectResponse(f"/official/assistance/claims/{claim.id}", status_code=303)


# --- the commission ------------------------------------------------------------------------------
def scoped_session(session: Session, principal: Principal, session_id: int) -> AssistanceSession:
    sitting = session.get(AssistanceSession, session_id)
    if sitting is None:
        raise NotFound("no such session")
    require_in_scope(sitting.kato, principal.scopes, "session")
    return sitting


def _sessions_page(
    request: Request,
    session: Session,
    principal: Principal,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    sittings = [
        x
        for x in session.scalars(
            select(AssistanceSession).order_by(AssistanceSession.held_on.desc(), AssistanceSession.id.desc())
        )
        if _in_scope(x.kato, principal)
    ]
    katos = sorted(
        {
            c.kato
            for c in service.inbox(session, kato_scope=None, statuses=["review"])
            if _in_scope(c.kato, principal)
        }
    )
    return render(
        request,
        "assistance/sessions.html",
        context(sittings=sittings, katos=katos, values=values, errors=errors, principal=principal),
        status_code=status,
    )


@router.get("/official/assistance/sessions")
def sessions(request: Request, principal: Commission, session: SessionDep) -> Response:
    values = {
        "held_on": clock.today_local().isoformat(),
        "chair": principal.full_name,
        "members": "",
        "kato": "",
    }
    return _sessions_page(request, session, principal, values, {})


@router.post("/official/assistance/sessions")
async def open_session(request: Request, principal: Commission, session: SessionDep) -> Response:
    single, _, _ = await views.form_data(request)
    try:
        try:
            held_on = date.fromisoformat(single.get("held_on", ""))
        except ValueError:
            raise ValidationFailed("give the date of the session", code="bad_date") from None
        kato = single.get("kato", "")
        if not (len(kato) == 9 and kato.isdigit()):
            raise ValidationFailed("choose the district", code="bad_kato")
        require_in_scope(kato, principal.scopes, "session")
        with session.begin_nested():
            sitting = service.open_session(
                session,
                actor=principal.actor,
                kato=kato,
                held_on=held_on,
                chair=single.get("chair", ""),
                members=single.get("members", "").split(","),
            )
    except KezekError as exc:
        return _sessions_page(request, session, principal, single, form_errors(exc), exc.status)
    return RedirectResponse(f"/official/assistance/sessions/{sitting.id}", status_code=303)


def _session_page(
    request: Request,
    session: Session,
    principal: Principal,
    sitting: AssistanceSession,
    errors: dict[str, str],
    status: int = 200,
) -> Response:
    agenda = service.agenda(session, sitting.id)
    rows = []
    for claim in agenda:
        calc = service.current_calculation(session, claim.id)
        decision = service.decision_of(session, claim.id)
        rows.append((claim, calc, decision))
    waiting = [c for c in service.inbox(session, kato_scope=[sitting.kato], statuses=["review"])]
    return render(
        request,
        "assistance/session.html",
        context(
            sitting=sitting,
            rows=rows,
            waiting=waiting,
            clear={c.id for c in service.clear_cases(session, sitting.id)},
            errors=errors,
            principal=principal,
        ),
        status_code=status,
    )


@router.get("/official/assistance/sessions/{session_id}")
def session_page(request: Request, session_id: int, principal: Commission, session: SessionDep) -> Response:
    sitting = scoped_session(session, principal, session_id)
    return _session_page(request, session, principal, sitting, {})


async def _session_action(
    request: Request, session: Session, principal: Principal, sitting: AssistanceSession, action: Any
) -> Response:
    try:
        with session.begin_nested():
            action()
    except KezekError as exc:
        return _session_page(request, session, principal, sitting, form_errors(exc), exc.status)
    return RedirectResponse(f"/official/assistance/sessions/{sitting.id}", status_code=303)


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isdigit()]


@router.post("/official/assistance/sessions/{session_id}/agenda")
async def agenda(request: Request, session_id: int, principal: Commission, session: SessionDep) -> Response:
    sitting = scoped_session(session, principal, session_id)
    _, multi, _ = await views.form_data(request)
    ids = _ids(multi.get("claim", []))
    return await _session_action(
        request,
        session,
        principal,
        sitting,
        lambda: service.put_on_agenda(session, session_id=sitting.id, claim_ids=ids, actor=principal.actor),
    )


@router.post("/official/assistance/sessions/{session_id}/bulk")
async def bulk(request: Request, session_id: int, principal: Commission, session: SessionDep) -> Response:
    sitting = scoped_session(session, principal, session_id)
    _, multi, _ = await views.form_data(request)
    ids = _ids(multi.get("claim", []))
    return await _session_action(
        request,
        session,
        principal,
        sitting,
        lambda: service.approve_bulk(session, session_id=sitting.id, claim_ids=ids, actor=principal.actor),
    )


@router.post("/official/assistance/sessions/{session_id}/claims/{claim_id}/decide")
async def decide(
    request: Request, session_id: int, claim_id: int, principal: Commission, session: SessionDep
) -> Response:
    sitting = scoped_session(session, principal, session_id)
    single, _, _ = await views.form_data(request)
    return await _session_action(
        request,
        session,
        principal,
        sitting,
        lambda: service.decide(
            session,
            claim_id=claim_id,
            actor=principal.actor,
            outcome=single.get("outcome", ""),
            reason=single.get("reason") or None,
            note=single.get("note", ""),
            session_id=sitting.id,
        ),
    )


@router.post("/official/assistance/sessions/{session_id}/close")
async def close(request: Request, session_id: int, principal: Commission, session: SessionDep) -> Response:
    sitting = scoped_session(session, principal, session_id)
    return await _session_action(
        request,
        session,
        principal,
        sitting,
        lambda: service.close_session(session, session_id=sitting.id, actor=principal.actor),
    )


@router.get("/official/assistance/sessions/{session_id}/protocol.pdf")
def protocol(
    request: Request, session_id: int, principal: Commission, session: SessionDep, doc_lang: str = ""
) -> Response:
    sitting = scoped_session(session, principal, session_id)
    if sitting.protocol is None:
        raise NotFound("the protocol is ready once the session is closed")
    language = doc_lang if doc_lang in LANGUAGES else getattr(request.state, "lang", "ru")
    return _pdf(
        assistance_notices.protocol_pdf(sitting, language), f"kezek-protocol-{sitting.number}-{language}.pdf"
    )


# Payments, shadow mode and reports (their own module; included here so the app needs no change).
from kezek.assistance.pages_payments import router as payments_router  # noqa: E402

router.include_router(payments_router)
