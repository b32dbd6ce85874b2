"""Allocation pages: the fairness report (officials' table and chart, a public summary) and the
wait-time estimates of each list (public); batches, runs, commission sessions and offers are added
on top of the allocation services as they land.

Domain code returns numbers and codes; the templates translate them (kk/ru/en).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.allocation import commission, estimates, fairness, journal, offers, service
from kezek.audit.service import Actor
from kezek.auth.csrf import verify_csrf
from kezek.auth.deps import CurrentCitizen, SessionDep, render, require_role
from kezek.auth.principal import Principal
from kezek.auth.scope import in_scope, kato_prefix, require_in_scope, scope_filter
from kezek.errors import KezekError, NotFound
from kezek.models.allocation import (
    METHODS,
    AllocationBatch,
    AllocationDecision,
    AllocationRun,
    CommissionSession,
    JournalRecord,
    Offer,
)
from kezek.models.queue import REGIMES, QueueEntry
from kezek.models.registry import Jurisdiction, Person
from kezek.models.stock import Dwelling
from kezek.queue.service import regime_on

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

REPORT_READERS = ("head", "distribution_officer", "commission_member", "auditor", "administrator", "executor")
ReportReader = Annotated[Principal, Depends(require_role(*REPORT_READERS))]

PUBLIC_LEVELS = ("region", "city_republican", "district", "city_regional")


def _period(raw: str, today: date) -> tuple[str, str | None]:
    """The period asked for (a calendar year), or this year; with an error code when it is not one."""
    raw = raw.strip()
    if not raw:
        return str(today.year), None
    if raw.isdigit() and len(raw) == 4 and 2000 <= int(raw) <= today.year:
        return raw, None
    return str(today.year), "period"


def _kato(raw: str) -> tuple[str, str | None]:
    raw = raw.strip()
    if not raw:
        return "", None
    if raw.isdigit() and len(raw) <= 9:
        return raw, None
    return "", "kato"


def _jurisdictions(session: Session) -> list[Jurisdiction]:
    return list(
        session.scalars(
            select(Jurisdiction)
            .where(Jurisdiction.level.in_(PUBLIC_LEVELS))
            .order_by(Jurisdiction.kato)
            .limit(400)
        )
    )


def _prefix(kato: str) -> str:
    """A KATO code as a prefix (trailing zero groups dropped): 751110000 → 751110."""
    return kato_prefix(kato) if len(kato) == 9 else kato


@router.get("/official/allocation/fairness")
def official_fairness(
    request: Request, session: SessionDep, principal: ReportReader, kato: str = "", period: str = ""
) -> Response:
    """The fairness report of the official's jurisdiction (or a part of it) for one year."""
    today = clock.today_local()
    errors: dict[str, str] = {}
    year, problem = _period(period, today)
    if problem:
        errors["period"] = problem
    code, problem = _kato(kato)
    if problem:
        errors["kato"] = problem
    scopes: tuple[str, ...] = principal.scopes
    if code:
        prefix = _prefix(code)
        if in_scope(prefix, principal.scopes):
            scopes = (prefix,)
        else:
            errors["kato"] = "out_of_scope"
    rep = fairness.report(session, scopes=scopes, period=year)
    return render(
        request,
        "allocation/fairness.html",
        {
            "report": rep,
            "chart": fairness.chart(rep),
            "filters": {"kato": kato.strip(), "period": year},
            "errors": errors,
            "years": list(range(today.year, today.year - 6, -1)),
        },
        status_code=422 if errors else 200,
    )


@router.get("/public/allocation/fairness")
def public_fairness(request: Request, session: SessionDep, kato: str = "", period: str = "") -> Response:
    """Anyone: what each list of a jurisdiction received against its proportional quota."""
    today = clock.today_local()
    errors: dict[str, str] = {}
    year, problem = _period(period, today)
    if problem:
        errors["period"] = problem
    code, problem = _kato(kato)
    if problem:
        errors["kato"] = problem
    rep = fairness.report(session, scopes=(_prefix(code),) if code else ("",), period=year)
    return render(
        request,
        "allocation/public_fairness.html",
        {
            "report": rep,
            "chart": fairness.chart(rep),
            "filters": {"kato": code, "period": year},
            "errors": errors,
            "jurisdictions": _jurisdictions(session),
            "years": list(range(today.year, today.year - 6, -1)),
        },
        status_code=422 if errors else 200,
    )


@router.get("/public/allocation/waits")
def public_waits(request: Request, session: SessionDep, kato: str = "") -> Response:
    """Anyone: each open list of a jurisdiction with its flow and wait estimates (never promises)."""
    errors: dict[str, str] = {}
    code, problem = _kato(kato)
    if problem:
        errors["kato"] = problem
    summaries: list[Any] = []
    if code:
        summaries = estimates.list_summaries(session, (_prefix(code),), clock.today_local())
    return render(
        request,
        "allocation/public_waits.html",
        {
            "summaries": summaries,
            "filters": {"kato": code},
            "errors": errors,
            "jurisdictions": _jurisdictions(session),
            "whole_country": False,
        },
        status_code=422 if errors else 200,
    )


# -- batches and runs (officials) ------------------------------------------------------------------

OFFICERS = ("distribution_officer", "head", "executor", "administrator")
COMMISSION = ("commission_member", "head", "distribution_officer", "administrator")
READERS = (*OFFICERS, "commission_member", "auditor")
Officer = Annotated[Principal, Depends(require_role(*OFFICERS))]
CommissionRole = Annotated[Principal, Depends(require_role(*COMMISSION))]
Reader = Annotated[Principal, Depends(require_role(*READERS))]

EXPLANATIONS_PAGE = 200
MEMBER_ROWS = 7


def _codes(exc: KezekError, default_field: str = "form") -> dict[str, str]:
    """A service error as form errors: {field: code} (the templates translate field.code)."""
    errors = exc.extra.get("errors")
    if isinstance(errors, dict) and errors:
        return {str(field): str(field) for field in errors}
    field = exc.extra.get("field")
    return {str(field) if field else default_field: exc.code}


def _run_in_scope(session: Session, principal: Principal, run_id: int) -> AllocationRun:
    run = service.get_run(session, run_id)
    require_in_scope(run.kato, principal.scopes, "run")
    return run


@router.get("/official/allocation")
def allocation_home(request: Request, session: SessionDep, principal: Reader) -> Response:
    batches = list(
        session.scalars(
            select(AllocationBatch)
            .where(scope_filter(AllocationBatch.kato, principal.scopes))
            .order_by(AllocationBatch.id.desc())
            .limit(50)
        )
    )
    runs = list(
        session.scalars(
            select(AllocationRun)
            .where(scope_filter(AllocationRun.kato, principal.scopes))
            .order_by(AllocationRun.id.desc())
            .limit(50)
        )
    )
    return render(
        request,
        "allocation/home.html",
        {"batches": batches, "runs": runs, "can_run": principal.has_any_role(OFFICERS)},
    )


def _batch_form(
    session: Session, principal: Principal, values: dict[str, Any], chosen: list[int], errors: dict[str, str]
) -> dict[str, Any]:
    available = list(
        session.scalars(
            select(Dwelling)
            .where(
                scope_filter(Dwelling.kato, principal.scopes),
                Dwelling.status == "available",
                Dwelling.holder == "distributor",
            )
            .order_by(Dwelling.kato, Dwelling.id)
            .limit(1000)
        )
    )
    return {"available": available, "values": values, "chosen": chosen, "errors": errors, "regimes": REGIMES}


@router.get("/official/allocation/batches/new")
def new_batch(request: Request, session: SessionDep, principal: Officer) -> Response:
    values = {"title": "", "regime": regime_on(clock.today_local())}
    return render(request, "allocation/batch_new.html", _batch_form(session, principal, values, [], {}))


@router.post("/official/allocation/batches/new")
async def create_batch(request: Request, session: SessionDep, principal: Officer) -> Response:
    form = await request.form()
    values = {"title": str(form.get("title") or "").strip(), "regime": str(form.get("regime") or "")}
    errors: dict[str, str] = {}
    chosen: list[int] = []
    for raw in form.getlist("dwelling"):
        if str(raw).isdigit():
            chosen.append(int(str(raw)))
    dwellings = list(session.scalars(select(Dwelling).where(Dwelling.id.in_(chosen)))) if chosen else []
    katos = {d.kato for d in dwellings}
    if (
        not chosen
        or len(dwellings) != len(set(chosen))
        or not all(in_scope(k, principal.scopes) for k in katos)
    ):
        errors["dwellings"] = "dwellings"
    elif len(katos) > 1:
        errors["dwellings"] = "one_locality"
    if not values["title"]:
        errors["title"] = "title"
    if values["regime"] not in REGIMES:
        errors["regime"] = "regime"
    if not errors:
        try:
            with session.begin_nested():
                batch = service.create_batch(
                    session,
                    actor=principal.actor,
                    kato=katos.pop(),
                    regime=values["regime"],
                    title=values["title"],
                    dwelling_ids=chosen,
                )
        except KezekError as exc:
            errors = _codes(exc, "dwellings")
    if errors:
        return render(
            request,
            "allocation/batch_new.html",
            _batch_form(session, principal, values, chosen, errors),
            status_code=422,
        )
    return RedirectResponse(f"/official/allocation/batches/{batch.id}", status_code=303)


@router.get("/official/allocation/batches/{batch_id}")
def batch_page(request: Request, session: SessionDep, principal: Reader, batch_id: int) -> Response:
    batch = service.get_batch(session, batch_id)
    require_in_scope(batch.kato, principal.scopes, "batch")
    runs = list(
        session.scalars(
            select(AllocationRun).where(AllocationRun.batch_id == batch.id).order_by(AllocationRun.id)
        )
    )
    return render(
        request,
        "allocation/batch.html",
        {
            "batch": batch,
            "dwellings": service.batch_dwellings(session, batch.id),
            "runs": runs,
            "can_run": principal.has_any_role(OFFICERS) and batch.status == "open",
            "errors": {},
        },
    )


@router.post("/official/allocation/batches/{batch_id}/run")
def start_run(request: Request, session: SessionDep, principal: Officer, batch_id: int) -> Response:
    batch = service.get_batch(session, batch_id)
    require_in_scope(batch.kato, principal.scopes, "batch")
    try:
        with session.begin_nested():
            run = service.create_run(session, actor=principal.actor, batch_id=batch.id)
    except KezekError as exc:
        return render(
            request,
            "allocation/batch.html",
            {
                "batch": batch,
                "dwellings": service.batch_dwellings(session, batch.id),
                "runs": [],
                "can_run": batch.status == "open",
                "errors": {"form": exc.code},
            },
            status_code=exc.status if 400 <= exc.status < 500 else 409,
        )
    return RedirectResponse(f"/official/allocation/runs/{run.id}", status_code=303)


def _run_context(session: Session, principal: Principal, run: AllocationRun) -> dict[str, Any]:
    cs = commission.session_of_run(session, run.id)
    dwellings = {d.id: d for d in service.batch_dwellings(session, run.batch_id)}
    return {
        "run": run,
        "batch": session.get(AllocationBatch, run.batch_id),
        "lists": run.summary.get("lists") or [],
        "unplaced": run.summary.get("unplaced") or [],
        "dwellings": dwellings,
        "cs": cs,
        "members": commission.members_of(session, cs.id) if cs else [],
        "votes": {v.member_id: v for v in commission.votes_of(session, cs.id)} if cs else {},
        "tally": commission.tally(session, cs.id) if cs else None,
        "overrides": commission.overrides_of(session, run.id),
        "can_commission": principal.has_any_role(COMMISSION),
        "member_rows": MEMBER_ROWS,
        "member_values": [
            {"name": "", "role": "chair" if i == 0 else "secretary" if i == 1 else "member", "present": True}
            for i in range(MEMBER_ROWS)
        ],
        "member_roles": ("chair", "secretary", "member"),
        "session_values": {
            "number": "",
            "held_on": clock.today_local().isoformat(),
            "place": "",
            "agenda": "",
            "quorum": "",
        },
        "errors": {},
    }


@router.get("/official/allocation/runs/{run_id}")
def run_page(
    request: Request, session: SessionDep, principal: Reader, run_id: int, outcome: str = "", page: int = 1
) -> Response:
    """A run: the split between lists, every entry's explanation, the commission session."""
    run = _run_in_scope(session, principal, run_id)
    outcome = outcome if outcome in ("assigned", "skipped") else ""
    page = max(page, 1)
    rows = service.explanations(
        session,
        run.id,
        outcome=outcome or None,
        limit=EXPLANATIONS_PAGE + 1,
        offset=(page - 1) * EXPLANATIONS_PAGE,
    )
    context = _run_context(session, principal, run)
    context.update(
        explanations=rows[:EXPLANATIONS_PAGE],
        more=len(rows) > EXPLANATIONS_PAGE,
        page=page,
        outcome=outcome,
    )
    return render(request, "allocation/run.html", context)


@router.get("/official/allocation/runs/{run_id}/verify")
def verify_page(request: Request, session: SessionDep, principal: Reader, run_id: int) -> Response:
    """Compute the run again from its stored inputs and compare the bytes (as `kezek allocation verify`)."""
    run = _run_in_scope(session, principal, run_id)
    return render(
        request, "allocation/verify.html", {"run": run, "check": service.verify_run(session, run.id)}
    )


@router.get("/official/allocation/runs/{run_id}/what-if")
def what_if_page(
    request: Request,
    session: SessionDep,
    principal: Reader,
    run_id: int,
    method: str = "",
    priority_share: str = "",
) -> Response:
    """The same run under another method or priority share, side by side; nothing is saved."""
    run = _run_in_scope(session, principal, run_id)
    errors: dict[str, str] = {}
    result = None
    share_bp: int | None = None
    if priority_share.strip():
        try:
            share_bp = round(float(priority_share.replace(",", ".")) * 100)
        except ValueError:
            errors["priority_share"] = "priority_share"
    if method and method not in METHODS:
        errors["method"] = "method"
    if (method or share_bp is not None) and not errors:
        try:
            result = service.what_if(session, run.id, method=method or None, priority_share_bp=share_bp)
        except KezekError as exc:
            errors = _codes(exc, "priority_share")
            if "priority_share_bp" in errors:
                errors = {"priority_share": "priority_share"}
    return render(
        request,
        "allocation/what_if.html",
        {
            "run": run,
            "result": result,
            "methods": METHODS,
            "values": {"method": method, "priority_share": priority_share},
            "errors": errors,
        },
        status_code=422 if errors else 200,
    )


# -- the commission ---------------------------------------------------------------------------------


@router.post("/official/allocation/runs/{run_id}/session")
async def open_session(
    request: Request, session: SessionDep, principal: CommissionRole, run_id: int
) -> Response:
    run = _run_in_scope(session, principal, run_id)
    form = await request.form()
    values = {k: str(form.get(k) or "").strip() for k in ("number", "held_on", "place", "agenda", "quorum")}
    errors: dict[str, str] = {}
    members = []
    rows = []
    for i in range(MEMBER_ROWS):
        name = " ".join(str(form.get(f"member_{i}_name") or "").split())
        role = str(form.get(f"member_{i}_role") or "member")
        present = form.get(f"member_{i}_present") == "yes"
        rows.append({"name": name, "role": role, "present": present})
        if name:
            members.append(commission.MemberSpec(full_name=name, role=role, present=present))
    try:
        held_on = date.fromisoformat(values["held_on"])
    except ValueError:
        errors["held_on"] = "held_on"
    quorum = int(values["quorum"]) if values["quorum"].isdigit() else 0
    if not errors:
        try:
            with session.begin_nested():
                commission.open_session(
                    session,
                    actor=principal.actor,
                    run_id=run.id,
                    number=values["number"],
                    held_on=held_on,
                    place=values["place"],
                    agenda=values["agenda"],
                    quorum=quorum,
                    members=members,
                )
        except KezekError as exc:
            errors = _codes(exc)
    if errors:
        context = _run_context(session, principal, run)
        context.update(
            explanations=[],
            more=False,
            page=1,
            outcome="",
            errors=errors,
            session_values=values,
            member_values=rows,
        )
        return render(request, "allocation/run.html", context, status_code=422)
    return RedirectResponse(f"/official/allocation/runs/{run.id}#commission", status_code=303)


@router.post("/official/allocation/runs/{run_id}/overrides")
async def add_override(
    request: Request, session: SessionDep, principal: CommissionRole, run_id: int
) -> Response:
    """A manual change to the automatic result with its written reason (shown in protocol and journal)."""
    run = _run_in_scope(session, principal, run_id)
    form = await request.form()
    dwelling_raw = str(form.get("override_dwelling") or "")
    entry_raw = str(form.get("override_entry") or "").strip()
    errors: dict[str, str] = {}
    if not dwelling_raw.isdigit():
        errors["override_dwelling"] = "override_dwelling"
    if entry_raw and not entry_raw.isdigit():
        errors["override_entry"] = "override_entry"
    if not errors:
        try:
            with session.begin_nested():
                commission.override(
                    session,
                    actor=principal.actor,
                    run_id=run.id,
                    dwelling_id=int(dwelling_raw),
                    to_entry_id=int(entry_raw) if entry_raw else None,
                    reason=str(form.get("override_reason") or ""),
                )
        except KezekError as exc:
            field = {"reason": "override_reason", "dwelling": "override_dwelling", "entry": "override_entry"}
            errors = {field.get(k, k): v for k, v in _codes(exc).items()}
    if errors:
        context = _run_context(session, principal, run)
        context.update(explanations=[], more=False, page=1, outcome="", errors=errors)
        return render(request, "allocation/run.html", context, status_code=422)
    return RedirectResponse(f"/official/allocation/runs/{run.id}#overrides", status_code=303)


def _session_in_scope(session: Session, principal: Principal, session_id: int) -> CommissionSession:
    cs = commission.get_session(session, session_id)
    require_in_scope(cs.kato, principal.scopes, "session")
    return cs


def _session_error(
    request: Request, session: Session, principal: Principal, cs: CommissionSession, exc: KezekError
) -> Response:
    run = service.get_run(session, cs.run_id)
    context = _run_context(session, principal, run)
    context.update(explanations=[], more=False, page=1, outcome="", errors=_codes(exc))
    return render(
        request, "allocation/run.html", context, status_code=exc.status if exc.status < 500 else 409
    )


@router.post("/official/allocation/sessions/{session_id}/votes")
async def cast_vote(
    request: Request, session: SessionDep, principal: CommissionRole, session_id: int
) -> Response:
    cs = _session_in_scope(session, principal, session_id)
    form = await request.form()
    member = str(form.get("member_id") or "")
    try:
        with session.begin_nested():
            commission.cast_vote(
                session,
                actor=principal.actor,
                session_id=cs.id,
                member_id=int(member) if member.isdigit() else 0,
                vote=str(form.get("vote") or ""),
                dissent=str(form.get("dissent") or "").strip() or None,
            )
    except KezekError as exc:
        return _session_error(request, session, principal, cs, exc)
    return RedirectResponse(f"/official/allocation/runs/{cs.run_id}#commission", status_code=303)


@router.post("/official/allocation/sessions/{session_id}/decide")
def decide(request: Request, session: SessionDep, principal: CommissionRole, session_id: int) -> Response:
    cs = _session_in_scope(session, principal, session_id)
    try:
        with session.begin_nested():
            commission.decide(session, actor=principal.actor, session_id=cs.id)
    except KezekError as exc:
        return _session_error(request, session, principal, cs, exc)
    return RedirectResponse(f"/official/allocation/runs/{cs.run_id}#commission", status_code=303)


@router.get("/official/allocation/sessions/{session_id}/protocol-{lang}.pdf")
def protocol(
    request: Request, session: SessionDep, principal: Reader, session_id: int, lang: str
) -> Response:
    cs = _session_in_scope(session, principal, session_id)
    if lang not in ("kk", "ru"):
        raise NotFound("the protocol is written in Kazakh and Russian", code="no_such_protocol")
    pdf = commission.protocol_pdf(session, cs.id, lang)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="protocol-{cs.number}-{lang}.pdf"'},
    )


@router.get("/official/allocation/runs/{run_id}/offers")
def run_offers(request: Request, session: SessionDep, principal: Reader, run_id: int) -> Response:
    run = _run_in_scope(session, principal, run_id)
    rows = offers.offers_of_run(session, run.id)
    dwellings = {
        d.id: d
        for d in session.scalars(select(Dwelling).where(Dwelling.id.in_({o.dwelling_id for o in rows})))
    }
    return render(request, "allocation/offers.html", {"run": run, "offers": rows, "dwellings": dwellings})


# -- the citizen's offers ---------------------------------------------------------------------------


def _citizen_actor(person: Person) -> Actor:
    return Actor("citizen", str(person.id))


def _last_explanation(session: Session, entry: QueueEntry) -> service.Explanation | None:
    """Why the entry got a dwelling or none in the latest approved run that considered it."""
    run_id = session.scalar(
        select(AllocationDecision.run_id)
        .join(AllocationRun, AllocationRun.id == AllocationDecision.run_id)
        .where(AllocationDecision.entry_id == entry.id, AllocationRun.status == "approved")
        .order_by(AllocationRun.id.desc())
        .limit(1)
    )
    return service.explain_entry(session, run_id, entry.id) if run_id is not None else None


def _citizen_offers(
    session: Session, person: Person, errors: dict[str, str], focus: int | None
) -> dict[str, Any]:
    entry = session.scalar(
        select(QueueEntry).where(QueueEntry.person_id == person.id, QueueEntry.status == "active").limit(1)
    )
    rows = offers.offers_of_person(session, person.id)
    dwellings = {
        d.id: d
        for d in session.scalars(select(Dwelling).where(Dwelling.id.in_({o.dwelling_id for o in rows})))
    }
    return {
        "offers": [o for o in rows if o.status != "skipped"],
        "dwellings": dwellings,
        "reasons": offers.REFUSAL_REASONS,
        "reasonable": offers.REASONABLE_REFUSALS,
        "errors": errors,
        "focus": focus,
        "wait_estimate": estimates.entry_estimate(session, entry, clock.today_local()) if entry else None,
        "last_explanation": _last_explanation(session, entry) if entry else None,
    }


@router.get("/citizen/offers")
def citizen_offers(request: Request, session: SessionDep, person: CurrentCitizen) -> Response:
    return render(request, "allocation/citizen_offers.html", _citizen_offers(session, person, {}, None))


def _own_offer(session: Session, person: Person, offer_id: int) -> Offer:
    offer = offers.get_offer(session, offer_id)
    if offer.person_id != person.id:
        raise NotFound(f"no offer {offer_id}", code="no_such_offer")
    return offer


@router.post("/citizen/offers/{offer_id}/accept")
def citizen_accept(request: Request, session: SessionDep, person: CurrentCitizen, offer_id: int) -> Response:
    offer = _own_offer(session, person, offer_id)
    try:
        with session.begin_nested():
            offers.accept(session, actor=_citizen_actor(person), offer_id=offer.id)
    except KezekError as exc:
        context = _citizen_offers(session, person, {"form": exc.code}, offer.id)
        return render(request, "allocation/citizen_offers.html", context, status_code=409)
    return RedirectResponse("/citizen/offers?answered=accepted", status_code=303)


@router.post("/citizen/offers/{offer_id}/refuse")
async def citizen_refuse(
    request: Request, session: SessionDep, person: CurrentCitizen, offer_id: int
) -> Response:
    offer = _own_offer(session, person, offer_id)
    form = await request.form()
    reason = str(form.get("reason") or "")
    note = " ".join(str(form.get("note") or "").split())[:1000] or None
    errors: dict[str, str] = {}
    if reason not in offers.REFUSAL_REASONS:
        errors["reason"] = "reason"
    if not errors:
        try:
            with session.begin_nested():
                offers.refuse(
                    session, actor=_citizen_actor(person), offer_id=offer.id, reason=reason, note=note
                )
        except KezekError as exc:
            errors = {"form": exc.code}
    if errors:
        context = _citizen_offers(session, person, errors, offer.id)
        return render(request, "allocation/citizen_offers.html", context, status_code=422)
    return RedirectResponse("/citizen/offers?answered=refused", status_code=303)


# -- the public journal -----------------------------------------------------------------------------

JOURNAL_PAGE = 500


@router.get("/public/allocation/journal")
def public_journal(request: Request, session: SessionDep, kato: str = "") -> Response:
    """Anyone, without signing in: every dwelling distributed, hash-chained, with the chain's check."""
    code, problem = _kato(kato)
    where = []
    if code:
        where.append(JournalRecord.kato.startswith(_prefix(code), autoescape=True))
    total = session.scalar(select(func.count()).select_from(JournalRecord).where(*where)) or 0
    latest = session.scalars(
        select(JournalRecord).where(*where).order_by(JournalRecord.seq.desc()).limit(JOURNAL_PAGE)
    ).all()
    check = journal.verify_stored(session)
    return render(
        request,
        "allocation/journal.html",
        {
            "records": [journal.public_view(r) for r in reversed(latest)],
            "total": total,
            "check": check,
            "filters": {"kato": code},
            "errors": {"kato": problem} if problem else {},
            "jurisdictions": _jurisdictions(session),
        },
        status_code=422 if problem else 200,
    )


@router.get("/public/allocation/journal.csv")
def journal_csv(session: SessionDep) -> Response:
    return Response(
        journal.export_csv(session).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="kezek-allocation-journal.csv"'},
    )


@router.get("/public/allocation/journal.jsonl")
def journal_json(session: SessionDep) -> Response:
    return Response(
        journal.export_json(session).encode("utf-8"),
        media_type="application/jsonl; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="kezek-allocation-journal.jsonl"'},
    )
