"""The citizen's pages of a case: apply, the receipt and the case, answering a request with a file.

A citizen sees only cases where they are the applicant or the representative; anything else is
"not found" (never a hint that the case exists).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.applications import repository, service, views
from kezek.applications.documents import MAX_BYTES
from kezek.applications.service import PAUSE_REASONS, Submission
from kezek.audit.service import Actor, record_read
from kezek.auth.csrf import verify_csrf
from kezek.auth.deps import CurrentCitizen, SessionDep, person_by_iin, render, require_role
from kezek.auth.principal import Principal
from kezek.auth.scope import require_in_scope
from kezek.errors import KezekError, NotFound, ValidationFailed
from kezek.models.applications import Application, ApplicationDocument, ApplicationPause, ApplicationStep
from kezek.models.notices import Notice
from kezek.models.registry import Jurisdiction, Person
from kezek.notices import document as notice_document
from kezek.notices import pdf as notice_pdf
from kezek.notices import service as notices
from kezek.queue import service as queue
from kezek.rules.reasons import REASONS
from kezek.settings import LANGUAGES

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

QUEUE_LEVELS = ("district", "city", "city_republican")


def citizen_actor(person: Person) -> Actor:
    return Actor("citizen", str(person.id))


def jurisdictions(session: Session) -> list[Jurisdiction]:
    return list(
        session.scalars(
            select(Jurisdiction).where(Jurisdiction.level.in_(QUEUE_LEVELS)).order_by(Jurisdiction.kato)
        )
    )


def own_case(session: Session, person: Person, application_id: int) -> Application:
    app = session.scalar(
        select(Application).where(
            Application.id == application_id,
            or_(
                Application.applicant_person_id == person.id,
                Application.representative_person_id == person.id,
            ),
        )
    )
    if app is None:
        raise NotFound("no such application among yours")
    return app


@router.get("/citizen/housing")
def housing(request: Request, person: CurrentCitizen, session: SessionDep) -> Response:
    """The citizen's hub: their applications, their place in the queue, their notices."""
    cases = list(
        session.scalars(
            select(Application)
            .where(
                or_(
                    Application.applicant_person_id == person.id,
                    Application.representative_person_id == person.id,
                )
            )
            .order_by(Application.received_at.desc())
        )
    )
    entry = queue.active_entry_for_person(session, person.id)
    return render(
        request,
        "applications/housing.html",
        views.base_context(
            cases=cases, entry=entry, notices=notices.notices_of_person(session, person.id)[:20]
        ),
    )


def _apply_context(
    session: Session, person: Person, values: dict[str, object], errors: dict[str, str]
) -> dict[str, object]:
    return views.base_context(
        person=person,
        jurisdictions=jurisdictions(session),
        categories=views.CLAIMABLE,
        values=values,
        errors=errors,
    )


@router.get("/citizen/applications/new")
def apply_form(request: Request, person: CurrentCitizen, session: SessionDep) -> Response:
    values: dict[str, object] = {
        "kato": person.kato,
        "language": getattr(request.state, "lang", ""),
        "phone": person.phone or "",
        "consent": "",
        "claimed": [],
    }
    return render(request, "applications/apply.html", _apply_context(session, person, values, {}))


@router.post("/citizen/applications")
async def apply(request: Request, person: CurrentCitizen, session: SessionDep) -> Response:
    single, multi, _ = await views.form_data(request)
    on_behalf = single.get("on_behalf", "") == "yes"
    values: dict[str, object] = {**single, "claimed": multi.get("claimed", [])}
    submission = Submission(
        applicant_iin=single.get("applicant_iin", "") if on_behalf else person.iin,
        kato=single.get("kato", ""),
        language=single.get("language", ""),
        channel="representative" if on_behalf else "portal",
        claimed_categories=[c for c in multi.get("claimed", []) if c in views.CLAIMABLE],
        emergency_dwelling=single.get("emergency") == "yes",
        phone=single.get("phone", "").strip() or None,
        email=single.get("email", "").strip() or None,
        representative_person_id=person.id if on_behalf else None,
        power_of_attorney=single.get("power_of_attorney", "").strip() or None,
        consent=single.get("consent") == "yes",
    )
    try:
        with session.begin_nested():
            app = service.submit(session, actor=citizen_actor(person), submission=submission)
    except KezekError as exc:
        status = exc.status if 400 <= exc.status < 500 else 422
        return render(
            request,
            "applications/apply.html",
            _apply_context(session, person, values, views.form_errors(exc)),
            status_code=status,
        )
    return RedirectResponse(f"/citizen/applications/{app.id}", status_code=303)


def case_context(session: Session, app: Application) -> dict[str, object]:
    steps = session.scalars(
        select(ApplicationStep).where(ApplicationStep.application_id == app.id).order_by(ApplicationStep.id)
    ).all()
    pauses = session.scalars(
        select(ApplicationPause)
        .where(ApplicationPause.application_id == app.id)
        .order_by(ApplicationPause.id)
    ).all()
    documents = session.execute(
        select(
            ApplicationDocument.id,
            ApplicationDocument.kind,
            ApplicationDocument.filename,
            ApplicationDocument.size,
            ApplicationDocument.sha256,
            ApplicationDocument.uploaded_at,
        )
        .where(ApplicationDocument.application_id == app.id)
        .order_by(ApplicationDocument.id)
    ).all()
    return views.base_context(
        app=app,
        steps=steps,
        pauses=pauses,
        open_pause=next((p for p in pauses if p.ended_at is None), None),
        documents=documents,
        notices=notices.notices_of_application(session, app.id),
        max_mb=MAX_BYTES // 1024 // 1024,
    )


@router.get("/citizen/applications/{application_id}")
def case(request: Request, application_id: int, person: CurrentCitizen, session: SessionDep) -> Response:
    app = own_case(session, person, application_id)
    return render(request, "applications/case.html", {**case_context(session, app), "errors": {}})


@router.post("/citizen/applications/{application_id}/documents")
async def upload(
    request: Request, application_id: int, person: CurrentCitizen, session: SessionDep
) -> Response:
    app = own_case(session, person, application_id)
    single, _, files = await views.form_data(request)
    upload_file = files.get("file")
    try:
        if upload_file is None or not upload_file.filename:
            raise ValidationFailed("choose a file to send", code="file_empty")
        content = await views.read_upload(upload_file, MAX_BYTES)
        with session.begin_nested():
            service.attach_document(
                session,
                application_id=app.id,
                actor=citizen_actor(person),
                kind=single.get("kind", "other"),
                filename=upload_file.filename,
                content=content,
            )
    except KezekError as exc:
        status = exc.status if 400 <= exc.status < 500 else 422
        return render(
            request,
            "applications/case.html",
            {**case_context(session, app), "errors": views.form_errors(exc)},
            status_code=status,
        )
    return RedirectResponse(f"/citizen/applications/{app.id}", status_code=303)


@router.post("/citizen/applications/{application_id}/withdraw")
def withdraw(request: Request, application_id: int, person: CurrentCitizen, session: SessionDep) -> Response:
    app = own_case(session, person, application_id)
    try:
        with session.begin_nested():
            service.withdraw(session, application_id=app.id, actor=citizen_actor(person))
    except KezekError as exc:
        return render(
            request,
            "applications/case.html",
            {**case_context(session, app), "errors": views.form_errors(exc)},
            status_code=exc.status if 400 <= exc.status < 500 else 422,
        )
    return RedirectResponse(f"/citizen/applications/{app.id}", status_code=303)


# --- the citizen's notices ----------------------------------------------------------------------


def own_notice(session: Session, person: Person, notice_id: int) -> Notice:
    """A notice addressed to the person, or about a case they represent; otherwise "not found"."""
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise NotFound("no such notice among yours")
    if notice.person_id == person.id:
        return notice
    if notice.application_id is not None:
        own_case(session, person, notice.application_id)
        return notice
    raise NotFound("no such notice among yours")


def _notice_language(notice: Notice, lang: str) -> str:
    return lang if lang in LANGUAGES else notice.language


@router.get("/citizen/notices")
def notices_list(request: Request, person: CurrentCitizen, session: SessionDep) -> Response:
    return render(
        request,
        "applications/notices.html",
        views.base_context(notices=notices.notices_of_person(session, person.id)),
    )


@router.get("/citizen/notices/{notice_id}")
def notice_page(
    request: Request, notice_id: int, person: CurrentCitizen, session: SessionDep, doc_lang: str = ""
) -> Response:
    notice = own_notice(session, person, notice_id)
    language = _notice_language(notice, doc_lang)
    return render(
        request,
        "applications/notice.html",
        views.base_context(
            notice=notice,
            doc=notice_document.build(notice, language),
            doc_lang=language,
            languages=LANGUAGES,
        ),
    )


@router.get("/citizen/notices/{notice_id}/pdf")
def notice_pdf_download(
    notice_id: int, person: CurrentCitizen, session: SessionDep, doc_lang: str = ""
) -> Response:
    notice = own_notice(session, person, notice_id)
    language = _notice_language(notice, doc_lang)
    return Response(
        notice_pdf.render(notice, language),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{notice_pdf.filename(notice, language)}"',
            "Cache-Control": "no-store",
        },
    )


# --- officials: inbox, review, decision, signature, supervision, entering an application ---------

CASE_ROLES = ("psc_operator", "executor", "head", "administrator", "auditor")
SUPERVISORS = ("head", "administrator", "auditor")
ENTRY_ROLES = ("psc_operator", "executor")
REFUSAL_REASONS = tuple(
    code for code in REASONS if code not in ("private_rent", "more_than_one_dwelling", "nothing_due")
)

CaseOfficial = Annotated[Principal, Depends(require_role(*CASE_ROLES))]
Supervisor = Annotated[Principal, Depends(require_role(*SUPERVISORS))]
Executor = Annotated[Principal, Depends(require_role("executor"))]
Head = Annotated[Principal, Depends(require_role("head"))]
Intake = Annotated[Principal, Depends(require_role(*ENTRY_ROLES))]
PscOperator = Annotated[Principal, Depends(require_role("psc_operator"))]


def scoped_case(session: Session, principal: Principal, application_id: int) -> Application:
    app = session.get(Application, application_id)
    if app is None:
        raise NotFound("no such application")
    require_in_scope(app.kato, principal.scopes, "application")
    return app


@router.get("/official/applications")
def inbox(request: Request, principal: CaseOfficial, session: SessionDep) -> Response:
    """Open cases for the official's roles and jurisdiction, the earliest deadline first."""
    today = clock.today_local()
    rows = repository.inbox(session, roles=principal.roles, scopes=principal.scopes, today=today)
    return render(
        request,
        "applications/inbox.html",
        views.base_context(rows=rows, principal=principal, supervisor=principal.has_any_role(SUPERVISORS)),
    )


@router.get("/official/applications/overdue")
def overdue(request: Request, principal: Supervisor, session: SessionDep) -> Response:
    """Overdue cases across the supervisor's jurisdiction (every step, every role)."""
    rows = repository.overdue(session, scopes=principal.scopes, today=clock.today_local())
    return render(request, "applications/overdue.html", views.base_context(rows=rows))


def _review_context(
    session: Session,
    principal: Principal,
    app: Application,
    errors: dict[str, str],
    values: dict[str, object],
) -> dict[str, object]:
    applicant = session.get(Person, app.applicant_person_id)
    return {
        **case_context(session, app),
        "applicant": applicant,
        "principal": principal,
        "refusal_reasons": REFUSAL_REASONS,
        "pause_reasons": PAUSE_REASONS,
        "errors": errors,
        "values": values,
        "can_decide": app.status == "review" and principal.has_any_role(("executor",)),
        "can_sign": app.status == "signing" and principal.has_any_role(("head",)),
        "can_forward": app.status == "received" and principal.has_any_role(("psc_operator",)),
    }


@router.get("/official/applications/{application_id}")
def review(request: Request, application_id: int, principal: CaseOfficial, session: SessionDep) -> Response:
    """The case with the rules trace beside the state data; opening it is a recorded read."""
    app = scoped_case(session, principal, application_id)
    record_read(
        session,
        actor=principal.actor,
        object_type="application",
        object_id=app.id,
        kato=app.kato,
        purpose="application_review",
    )
    return render(request, "applications/review.html", _review_context(session, principal, app, {}, {}))


def _act(
    request: Request,
    session: Session,
    principal: Principal,
    app: Application,
    values: dict[str, object],
    action: object,
) -> Response:
    try:
        with session.begin_nested():
            action()  # type: ignore[operator]
    except KezekError as exc:
        return render(
            request,
            "applications/review.html",
            _review_context(session, principal, app, views.form_errors(exc), values),
            status_code=exc.status if 400 <= exc.status < 500 else 422,
        )
    return RedirectResponse(f"/official/applications/{app.id}", status_code=303)


@router.post("/official/applications/{application_id}/propose")
async def propose(
    request: Request, application_id: int, principal: Executor, session: SessionDep
) -> Response:
    """The executor's draft (registration, or a refusal with reasons) goes to the head for signature."""
    app = scoped_case(session, principal, application_id)
    single, multi, _ = await views.form_data(request)
    codes = [c for c in multi.get("reason_codes", []) if c in REFUSAL_REASONS]
    values: dict[str, object] = {**single, "reason_codes": codes}
    return _act(
        request,
        session,
        principal,
        app,
        values,
        lambda: service.propose(
            session,
            application_id=app.id,
            actor=principal.actor,
            outcome=single.get("outcome", ""),
            reason_codes=codes,
            note=single.get("note", ""),
        ),
    )


@router.post("/official/applications/{application_id}/request")
async def request_document(
    request: Request, application_id: int, principal: Executor, session: SessionDep
) -> Response:
    """Ask the applicant for a document the state data cannot show; the clock pauses."""
    app = scoped_case(session, principal, application_id)
    single, _, _ = await views.form_data(request)
    return _act(
        request,
        session,
        principal,
        app,
        dict(single),
        lambda: service.request_document(
            session,
            application_id=app.id,
            actor=principal.actor,
            reason_code=single.get("reason_code", ""),
            document_kind=single.get("document_kind", ""),
            text=single.get("text", ""),
        ),
    )


@router.post("/official/applications/{application_id}/sign")
def sign(request: Request, application_id: int, principal: Head, session: SessionDep) -> Response:
    app = scoped_case(session, principal, application_id)
    return _act(
        request,
        session,
        principal,
        app,
        {},
        lambda: service.sign(session, application_id=app.id, actor=principal.actor),
    )


@router.post("/official/applications/{application_id}/return")
async def send_back(request: Request, application_id: int, principal: Head, session: SessionDep) -> Response:
    app = scoped_case(session, principal, application_id)
    single, _, _ = await views.form_data(request)
    return _act(
        request,
        session,
        principal,
        app,
        dict(single),
        lambda: service.send_back(
            session, application_id=app.id, actor=principal.actor, note=single.get("note", "")
        ),
    )


@router.post("/official/applications/{application_id}/forward")
def forward(request: Request, application_id: int, principal: PscOperator, session: SessionDep) -> Response:
    app = scoped_case(session, principal, application_id)
    return _act(
        request,
        session,
        principal,
        app,
        {},
        lambda: service.forward(session, application_id=app.id, actor=principal.actor),
    )


def _entry_context(
    session: Session, principal: Principal, values: dict[str, object], errors: dict[str, str]
) -> dict[str, object]:
    return views.base_context(
        jurisdictions=[j for j in jurisdictions(session) if require_scope_ok(j.kato, principal)],
        categories=views.CLAIMABLE,
        values=values,
        errors=errors,
        channel="psc" if principal.has_any_role(("psc_operator",)) else "akimat",
    )


def require_scope_ok(kato: str, principal: Principal) -> bool:
    return any(kato.startswith(prefix) for prefix in principal.scopes)


@router.get("/official/applications/new/entry")
def entry_form(request: Request, principal: Intake, session: SessionDep) -> Response:
    values: dict[str, object] = {"language": "", "claimed": [], "consent": "", "kato": ""}
    return render(request, "applications/entry.html", _entry_context(session, principal, values, {}))


@router.post("/official/applications/new/entry")
async def enter(request: Request, principal: Intake, session: SessionDep) -> Response:
    """A PSC operator or the akimat's officer enters an application for a citizen at the desk."""
    single, multi, _ = await views.form_data(request)
    values: dict[str, object] = {**single, "claimed": multi.get("claimed", [])}
    channel = "psc" if principal.has_any_role(("psc_operator",)) else "akimat"
    kato = single.get("kato", "")
    try:
        if kato and not require_scope_ok(kato, principal):
            raise ValidationFailed("choose a district or city of your jurisdiction", code="bad_kato")
        iin = single.get("applicant_iin", "").strip()
        found = person_by_iin(session, iin) if len(iin) == 12 and iin.isdigit() else None
        if found is not None:
            record_read(
                session,
                actor=principal.actor,
                object_type="person",
                object_id=found.id,
                kato=found.kato,
                purpose="application_review",
            )
        with session.begin_nested():
            app = service.submit(
                session,
                actor=principal.actor,
                submission=Submission(
                    applicant_iin=iin,
                    kato=kato,
                    language=single.get("language", ""),
                    channel=channel,
                    claimed_categories=[c for c in multi.get("claimed", []) if c in views.CLAIMABLE],
                    emergency_dwelling=single.get("emergency") == "yes",
                    phone=single.get("phone", "").strip() or None,
                    email=single.get("email", "").strip() or None,
                    consent=single.get("consent") == "yes",
                ),
            )
    except KezekError as exc:
        return render(
            request,
            "applications/entry.html",
            _entry_context(session, principal, values, views.form_errors(exc)),
            status_code=exc.status if 400 <= exc.status < 500 else 422,
        )
    return RedirectResponse(f"/official/applications/{app.id}", status_code=303)
