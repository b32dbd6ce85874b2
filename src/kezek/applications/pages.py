"""The citizen's pages of a case: apply, the receipt and the case, answering a request with a file.

A citizen sees only cases where they are the applicant or the representative; anything else is
"not found" (never a hint that the case exists).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from kezek.applications import service, views
from kezek.applications.documents import MAX_BYTES
from kezek.applications.service import Submission
from kezek.audit.service import Actor
from kezek.auth.csrf import verify_csrf
from kezek.auth.deps import CurrentCitizen, SessionDep, render
from kezek.errors import KezekError, NotFound, ValidationFailed
from kezek.models.applications import Application, ApplicationDocument, ApplicationPause, ApplicationStep
from kezek.models.registry import Jurisdiction, Person
from kezek.notices import service as notices
from kezek.queue import service as queue

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
    values = {
        "kato": person.kato,
        "language": request.scope.get("kezek_language") or "",
        "phone": person.phone or "",
        "consent": "yes",
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
def withdraw(application_id: int, person: CurrentCitizen, session: SessionDep) -> Response:
    app = own_case(session, person, application_id)
    service.withdraw(session, application_id=app.id, actor=citizen_actor(person))
    return RedirectResponse(f"/citizen/applications/{app.id}", status_code=303)
