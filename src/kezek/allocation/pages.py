"""Allocation pages: the fairness report (officials' table and chart, a public summary) and the
wait-time estimates of each list (public); batches, runs, commission sessions and offers are added
on top of the allocation services as they land.

Domain code returns numbers and codes; the templates translate them (kk/ru/en).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.allocation import estimates, fairness
from kezek.auth.csrf import verify_csrf
from kezek.auth.deps import SessionDep, render, require_role
from kezek.auth.principal import Principal
from kezek.auth.scope import in_scope, kato_prefix
from kezek.models.registry import Jurisdiction

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
        },
        status_code=422 if errors else 200,
    )
