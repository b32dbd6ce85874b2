"""Housing stock pages for officials: the dwellings of one's jurisdiction, entering a dwelling, and the
act by which an akimat hands dwellings over to the distributing body.

Everything goes through :mod:`kezek.stock.service` (validation, audit); these handlers only read the
form, check the jurisdiction and turn the service's errors into form errors naming the field. The
templates translate the field names and codes (domain code never returns visible text).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from kezek.auth.csrf import verify_csrf
from kezek.auth.deps import SessionDep, render, require_role
from kezek.auth.principal import Principal
from kezek.auth.scope import in_scope, require_in_scope, scope_filter
from kezek.errors import KezekError, NotFound, ValidationFailed
from kezek.models.registry import Jurisdiction
from kezek.models.stock import DWELLING_KINDS, DWELLING_STATUSES, Dwelling, DwellingHandover
from kezek.stock import service

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

STOCK_READERS = ("executor", "head", "distribution_officer", "commission_member", "auditor", "administrator")
STOCK_WRITERS = ("executor", "head", "distribution_officer", "administrator")
Reader = Annotated[Principal, Depends(require_role(*STOCK_READERS))]
Writer = Annotated[Principal, Depends(require_role(*STOCK_WRITERS))]

PAGE_SIZE = 100
FORM_FIELDS = (
    "kato",
    "address",
    "rooms",
    "area_m2",
    "floor",
    "floors_total",
    "kind",
    "programme",
    "holder",
    "external_ref",
)
HANDOVER_FIELDS = ("act_number", "act_date", "from_body", "to_body", "note")


def _localities(session: SessionDep, principal: Principal) -> list[Jurisdiction]:
    """The KATO units within the official's scope, for the form's choice of locality."""
    return list(
        session.scalars(
            select(Jurisdiction)
            .where(scope_filter(Jurisdiction.kato, principal.scopes))
            .order_by(Jurisdiction.kato)
            .limit(500)
        )
    )


@router.get("/official/stock")
def stock_list(
    request: Request,
    session: SessionDep,
    principal: Reader,
    status: str = "",
    kind: str = "",
    kato: str = "",
    page: int = 1,
) -> Response:
    """The dwellings of the official's jurisdiction, filtered by status, kind and locality."""
    errors: dict[str, str] = {}
    where = [scope_filter(Dwelling.kato, principal.scopes)]
    if status:
        if status in DWELLING_STATUSES:
            where.append(Dwelling.status == status)
        else:
            errors["status"] = "status"
    if kind:
        if kind in DWELLING_KINDS:
            where.append(Dwelling.kind == kind)
        else:
            errors["kind"] = "kind"
    kato = kato.strip()
    if kato:
        if kato.isdigit() and len(kato) <= 9:
            where.append(Dwelling.kato.startswith(kato, autoescape=True))
        else:
            errors["kato"] = "kato"
    page = max(page, 1)
    total = session.scalar(select(func.count()).select_from(Dwelling).where(*where)) or 0
    dwellings = list(
        session.scalars(
            select(Dwelling)
            .where(*where)
            .order_by(Dwelling.kato, Dwelling.id)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        )
    )
    counts = dict(
        session.execute(  # type: ignore[arg-type]
            select(Dwelling.status, func.count())
            .where(scope_filter(Dwelling.kato, principal.scopes))
            .group_by(Dwelling.status)
        ).all()
    )
    return render(
        request,
        "stock/list.html",
        {
            "dwellings": dwellings,
            "total": total,
            "page": page,
            "pages": max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
            "filters": {"status": status, "kind": kind, "kato": kato},
            "statuses": DWELLING_STATUSES,
            "kinds": DWELLING_KINDS,
            "counts": counts,
            "errors": errors,
            "can_write": principal.has_any_role(STOCK_WRITERS),
        },
        status_code=422 if errors else 200,
    )


def _form_context(session: SessionDep, principal: Principal, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "values": values,
        "kinds": DWELLING_KINDS,
        "localities": _localities(session, principal),
        "errors": {},
    }


@router.get("/official/stock/new")
def new_dwelling(request: Request, session: SessionDep, principal: Writer) -> Response:
    values = {name: "" for name in FORM_FIELDS} | {"holder": "distributor", "wheelchair_accessible": False}
    return render(request, "stock/form.html", _form_context(session, principal, values))


@router.post("/official/stock/new")
async def create_dwelling(request: Request, session: SessionDep, principal: Writer) -> Response:
    form = await request.form()
    values: dict[str, Any] = {name: str(form.get(name) or "").strip() for name in FORM_FIELDS}
    values["wheelchair_accessible"] = form.get("wheelchair_accessible") == "yes"
    context = _form_context(session, principal, values)
    errors: dict[str, str] = {}
    if values["kato"] and not in_scope(values["kato"], principal.scopes):
        errors["kato"] = "out_of_scope"
    else:
        try:
            service.check_dwelling(**values)
        except ValidationFailed as exc:
            errors = {field: field for field in exc.extra.get("errors", {})} or {"form": exc.code}
    if not errors:
        try:
            with session.begin_nested():
                dwelling = service.create_dwelling(session, actor=principal.actor, **values)
        except KezekError as exc:
            errors = {"external_ref": exc.code} if exc.code == "duplicate_dwelling" else {"form": exc.code}
    if errors:
        return render(request, "stock/form.html", {**context, "errors": errors}, status_code=422)
    return RedirectResponse(f"/official/stock/{dwelling.id}?created=1", status_code=303)


@router.get("/official/stock/handover")
def handover_form(request: Request, session: SessionDep, principal: Writer) -> Response:
    return render(request, "stock/handover.html", _handover_context(session, principal, {}, []))


def _handover_context(
    session: SessionDep, principal: Principal, values: dict[str, Any], chosen: list[int]
) -> dict[str, Any]:
    waiting = list(
        session.scalars(
            select(Dwelling)
            .where(scope_filter(Dwelling.kato, principal.scopes), Dwelling.status == "awaiting_handover")
            .order_by(Dwelling.kato, Dwelling.id)
            .limit(500)
        )
    )
    recent = list(
        session.scalars(
            select(DwellingHandover)
            .where(scope_filter(DwellingHandover.kato, principal.scopes))
            .order_by(DwellingHandover.recorded_at.desc(), DwellingHandover.id.desc())
            .limit(20)
        )
    )
    return {
        "waiting": waiting,
        "recent": recent,
        "values": {name: values.get(name, "") for name in HANDOVER_FIELDS},
        "chosen": chosen,
        "errors": {},
    }


@router.post("/official/stock/handover")
async def record_handover(request: Request, session: SessionDep, principal: Writer) -> Response:
    form = await request.form()
    values = {name: str(form.get(name) or "").strip() for name in HANDOVER_FIELDS}
    errors: dict[str, str] = {}
    chosen: list[int] = []
    for raw in form.getlist("dwelling"):
        try:
            chosen.append(int(str(raw)))
        except ValueError:
            errors["dwelling_ids"] = "dwelling_ids"
    context = _handover_context(session, principal, values, chosen)
    act_date: date | None = None
    try:
        act_date = date.fromisoformat(values["act_date"])
    except ValueError:
        errors["act_date"] = "act_date"
    dwellings = list(session.scalars(select(Dwelling).where(Dwelling.id.in_(chosen)))) if chosen else []
    katos = {d.kato for d in dwellings}
    if any(not in_scope(k, principal.scopes) for k in katos) or len(dwellings) != len(set(chosen)):
        errors["dwelling_ids"] = "dwelling_ids"
    elif len(katos) > 1:
        errors["dwelling_ids"] = "one_locality"
    if not chosen:
        errors["dwelling_ids"] = "dwelling_ids"
    for name in ("act_number", "from_body", "to_body"):
        if not values[name]:
            errors[name] = name
    if not errors and act_date is not None:
        try:
            with session.begin_nested():
                handover = service.hand_over(
                    session,
                    actor=principal.actor,
                    kato=katos.pop(),
                    dwelling_ids=chosen,
                    act_number=values["act_number"],
                    act_date=act_date,
                    from_body=values["from_body"],
                    to_body=values["to_body"],
                    note=values["note"] or None,
                )
        except ValidationFailed as exc:
            errors = {field: field for field in exc.extra.get("errors", {})} or {"form": exc.code}
        except KezekError as exc:
            errors = {"dwelling_ids": exc.code}
    if errors:
        return render(request, "stock/handover.html", {**context, "errors": errors}, status_code=422)
    return RedirectResponse(f"/official/stock/handovers/{handover.id}", status_code=303)


@router.get("/official/stock/handovers/{handover_id}")
def handover_page(request: Request, session: SessionDep, principal: Reader, handover_id: int) -> Response:
    handover = session.get(DwellingHandover, handover_id)
    if handover is None:
        raise NotFound(f"no hand-over act {handover_id}", code="no_such_handover")
    require_in_scope(handover.kato, principal.scopes, "act")
    dwellings = list(
        session.scalars(select(Dwelling).where(Dwelling.handover_id == handover.id).order_by(Dwelling.id))
    )
    return render(request, "stock/handover_record.html", {"handover": handover, "dwellings": dwellings})


@router.get("/official/stock/{dwelling_id}")
def dwelling_page(
    request: Request, session: SessionDep, principal: Reader, dwelling_id: int, created: int = 0
) -> Response:
    dwelling = service.get_dwelling(session, dwelling_id)
    require_in_scope(dwelling.kato, principal.scopes, "dwelling")
    handover = session.get(DwellingHandover, dwelling.handover_id) if dwelling.handover_id else None
    return render(
        request,
        "stock/dwelling.html",
        {"dwelling": dwelling, "handover": handover, "created": bool(created)},
    )
