"""Officials' pages for paying housing assistance: registries per bank, bank responses, returned
payments, overpayment proposals; shadow-mode comparisons; reports with charts for the department.

Everything is restricted to the official's jurisdiction; opening a registry's lines (names, IINs,
accounts) is a recorded read.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.assistance import payments as pay
from kezek.assistance import reports as rep
from kezek.assistance import shadow as sh
from kezek.assistance.payments_files import (
    FileRejected,
    RegistryInvalid,
    parse_tenge,
    registry_csv,
    registry_pain001,
    registry_xlsx,
    tenge,
)
from kezek.assistance.reports_svg import Series, bar_chart
from kezek.audit.service import record_read
from kezek.auth.csrf import verify_csrf
from kezek.auth.deps import SessionDep, render, require_role
from kezek.auth.principal import Principal
from kezek.errors import Conflict, ValidationFailed
from kezek.models.payments import OverpaymentProposal, PaymentLine

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


def N_(message: str) -> str:
    """Marks an English message for the catalogs; the template translates it when it shows it."""
    return message


def _lang(request: Request) -> str:
    return getattr(request.state, "lang", "") or "ru"


PAY_ROLES = ("executor", "head")
DECIDE_ROLES = ("head",)
REPORT_ROLES = ("executor", "head", "auditor", "administrator")
MAX_UPLOAD = 20 * 1024 * 1024

Payments = Annotated[Principal, Depends(require_role(*PAY_ROLES))]
Decider = Annotated[Principal, Depends(require_role(*DECIDE_ROLES))]
Reader = Annotated[Principal, Depends(require_role(*REPORT_ROLES))]

BASE = "/official/assistance"


def _month_or_current(text: str | None) -> date:
    if text:
        try:
            return pay.parse_month(text)
        except ValidationFailed:
            pass
    today = clock.today_local()
    return date(today.year, today.month, 1)


def _jurisdiction(principal: Principal, kato: str | None) -> str:
    """The paying jurisdiction: one of the official's scopes (the first by default)."""
    if kato is not None and kato in principal.scopes:
        return kato
    return principal.scopes[0] if principal.scopes else "-"


def reason_label(code: str) -> str:
    return {
        "no_account": N_("No bank account in the case"),
        "iban_invalid": N_("The account is not a valid Kazakh IBAN"),
    }.get(code, code)


def row_error_label(code: str) -> str:
    return {
        "missing": N_("empty"),
        "missing_column": N_("the column is missing"),
        "duplicate": N_("given twice"),
        "unknown_status": N_("unknown status (paid or returned)"),
        "no_reason": N_("a returned payment needs a reason"),
        "bad_date": N_("not a date (YYYY-MM-DD)"),
        "bad_amount": N_("not an amount with at most two decimals"),
        "negative": N_("cannot be negative"),
        "unknown_reference": N_("no payment with this reference"),
        "out_of_scope": N_("belongs to another jurisdiction"),
        "registry_not_sent": N_("the registry was not sent yet"),
        "already_paid": N_("already recorded as paid"),
        "already_returned": N_("already recorded as returned"),
        "amount_differs": N_("the amount differs from the registry"),
        "empty": N_("the file has no rows"),
        "not_text": N_("the file is not a text (CSV) file"),
    }.get(code, code)


async def _read_upload(upload: UploadFile | None) -> tuple[bytes, str]:
    if upload is None or not upload.filename:
        return b"", ""
    data = await upload.read(MAX_UPLOAD + 1)
    return data, upload.filename


def _payments_context(session: Session, principal: Principal, month: date, kato: str) -> dict[str, object]:
    registries = [r for r in pay.registries_for(session, principal.scopes, month) if r.kato_prefix == kato]
    return {
        "month": month,
        "month_text": f"{month:%Y-%m}",
        "kato": kato,
        "scopes": principal.scopes,
        "registries": registries,
        "totals": pay.totals_by_bank_and_district(session, [r.id for r in registries]),
        "open_returns": len(pay.open_returns(session, principal.scopes)),
        "open_proposals": len(
            [
                p
                for p in session.scalars(
                    select(OverpaymentProposal).where(OverpaymentProposal.status == "proposed")
                )
                if any(p.kato.startswith(s) for s in principal.scopes)
            ]
        ),
        "tenge": tenge,
        "errors": {},
        "row_errors": [],
        "row_error_label": row_error_label,
        "reason_label": reason_label,
        "generation": None,
        "response": None,
    }


@router.get(f"{BASE}/payments")
def payments_page(
    request: Request, session: SessionDep, principal: Payments, month: str = "", kato: str | None = None
) -> Response:
    m = _month_or_current(month)
    return render(
        request,
        "assistance/payments_index.html",
        _payments_context(session, principal, m, _jurisdiction(principal, kato)),
    )


@router.post(f"{BASE}/payments/generate")
def generate(
    request: Request,
    session: SessionDep,
    principal: Payments,
    month: Annotated[str, Form()] = "",
    bank: Annotated[str, Form()] = "",
    kato: Annotated[str, Form()] = "",
) -> Response:
    errors: dict[str, str] = {}
    try:
        m = pay.parse_month(month)
    except ValidationFailed:
        errors["month"] = N_("Enter the month as YYYY-MM.")
        m = _month_or_current(None)
    bank = bank.strip()
    if bank and (len(bank) != 3 or not bank.isdigit()):
        errors["bank"] = N_("A bank code has 3 digits (positions 5 to 7 of the IBAN).")
    scope = _jurisdiction(principal, kato)
    if errors:
        ctx = _payments_context(session, principal, m, scope)
        ctx.update(errors=errors, month_text=month)
        return render(request, "assistance/payments_index.html", ctx, status_code=422)
    result = pay.generate_registries(
        session, month=m, kato_prefix=scope, actor=principal.actor, bank=bank or None
    )
    ctx = _payments_context(session, principal, m, scope)
    ctx.update(generation=result)
    return render(request, "assistance/payments_index.html", ctx)


@router.get(f"{BASE}/payments/registries/{{registry_id}}")
def registry_page(request: Request, session: SessionDep, principal: Payments, registry_id: int) -> Response:
    registry = pay.get_registry(session, registry_id, principal.scopes)
    lines = session.scalars(
        select(PaymentLine)
        .where(PaymentLine.registry_id == registry.id)
        .order_by(PaymentLine.kato, PaymentLine.name, PaymentLine.id)
    ).all()
    record_read(
        session,
        actor=principal.actor,
        object_type="payment_registry",
        object_id=registry.id,
        kato=registry.kato_prefix or None,
        purpose="payment_registry",
    )
    return render(
        request,
        "assistance/payments_registry.html",
        {
            "registry": registry,
            "lines": lines,
            "totals": pay.totals_by_bank_and_district(session, [registry.id]),
            "intact": pay.verify_registry(session, registry) if registry.sha256 else None,
            "tenge": tenge,
            "errors": {},
            "problems": [],
        },
    )


_FORMATS = {
    "csv": ("text/csv; charset=utf-8", registry_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", registry_xlsx),
    "xml": ("application/xml", None),
}


@router.get(f"{BASE}/payments/registries/{{registry_id}}/file.{{fmt}}")
def registry_download(
    request: Request, session: SessionDep, principal: Payments, registry_id: int, fmt: str
) -> Response:
    if fmt not in _FORMATS:
        raise ValidationFailed("format: csv, xlsx or xml", code="format_invalid")
    registry = pay.get_registry(session, registry_id, principal.scopes)
    content = pay.registry_file(session, registry)
    record_read(
        session,
        actor=principal.actor,
        object_type="payment_registry",
        object_id=registry.id,
        kato=registry.kato_prefix or None,
        purpose=f"payment_registry_{fmt}",
    )
    media, writer = _FORMATS[fmt]
    body = registry_pain001(content) if writer is None else writer(content, _lang(request))
    return Response(
        body,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{registry.number}.{fmt}"'},
    )


@router.post(f"{BASE}/payments/registries/{{registry_id}}/send")
def registry_send(request: Request, session: SessionDep, principal: Payments, registry_id: int) -> Response:
    try:
        pay.send_registry(session, registry_id, actor=principal.actor, scopes=principal.scopes)
    except RegistryInvalid as exc:
        registry = pay.get_registry(session, registry_id, principal.scopes)
        return render(
            request,
            "assistance/payments_registry.html",
            {
                "registry": registry,
                "lines": session.scalars(
                    select(PaymentLine).where(PaymentLine.registry_id == registry.id)
                ).all(),
                "totals": pay.totals_by_bank_and_district(session, [registry.id]),
                "intact": None,
                "tenge": tenge,
                "errors": {
                    "form": N_("The registry cannot be sent: some lines have an invalid account or amount.")
                },
                "problems": exc.problems,
            },
            status_code=422,
        )
    return RedirectResponse(f"{BASE}/payments/registries/{registry_id}", status_code=303)


@router.post(f"{BASE}/payments/responses")
async def bank_response(
    request: Request,
    session: SessionDep,
    principal: Payments,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    data, name = await _read_upload(file)
    m = _month_or_current(None)
    ctx = _payments_context(session, principal, m, _jurisdiction(principal, None))
    if not data:
        ctx.update(errors={"file": N_("Choose the bank's CSV file.")})
        return render(request, "assistance/payments_index.html", ctx, status_code=422)
    if len(data) > MAX_UPLOAD:
        ctx.update(errors={"file": N_("The file is larger than 20 MB.")})
        return render(request, "assistance/payments_index.html", ctx, status_code=422)
    try:
        result = pay.import_bank_response(
            session, data, file_name=name, actor=principal.actor, scopes=principal.scopes
        )
    except FileRejected as exc:
        ctx.update(
            errors={"file": N_("The file was refused; nothing was applied. Correct the rows below.")},
            row_errors=exc.errors[:200],
        )
        return render(request, "assistance/payments_index.html", ctx, status_code=422)
    ctx = _payments_context(session, principal, m, _jurisdiction(principal, None))
    ctx.update(response=result)
    return render(request, "assistance/payments_index.html", ctx)


@router.get(f"{BASE}/payments/returns")
def returns_page(request: Request, session: SessionDep, principal: Payments) -> Response:
    lines = pay.open_returns(session, principal.scopes)
    for line in lines:
        record_read(
            session,
            actor=principal.actor,
            object_type="assistance_claim",
            object_id=line.claim_id,
            kato=line.kato,
            purpose="payment_returned",
        )
    return render(
        request,
        "assistance/payments_returns.html",
        {"lines": lines, "tenge": tenge, "errors": {}, "values": {}},
    )


@router.post(f"{BASE}/payments/returns/{{line_id}}")
def correct_return(
    request: Request,
    session: SessionDep,
    principal: Payments,
    line_id: int,
    iban: Annotated[str, Form()] = "",
) -> Response:
    try:
        pay.correct_return(session, line_id, iban=iban, actor=principal.actor, scopes=principal.scopes)
    except ValidationFailed:
        return render(
            request,
            "assistance/payments_returns.html",
            {
                "lines": pay.open_returns(session, principal.scopes),
                "tenge": tenge,
                "errors": {f"iban-{line_id}": N_("Enter a valid Kazakh IBAN: KZ and 18 letters or digits.")},
                "values": {line_id: iban},
            },
            status_code=422,
        )
    return RedirectResponse(f"{BASE}/payments/returns", status_code=303)


@router.get(f"{BASE}/payments/overpayments")
def overpayments_page(request: Request, session: SessionDep, principal: Payments) -> Response:
    proposals = [
        p
        for p in session.scalars(
            select(OverpaymentProposal).order_by(OverpaymentProposal.id.desc()).limit(500)
        )
        if any(p.kato.startswith(s) for s in principal.scopes)
    ]
    return render(
        request,
        "assistance/payments_overpayments.html",
        {
            "proposals": proposals,
            "tenge": tenge,
            "errors": {},
            "can_decide": principal.has_any_role(DECIDE_ROLES),
        },
    )


@router.post(f"{BASE}/payments/overpayments/{{proposal_id}}")
def decide_overpayment(
    request: Request,
    session: SessionDep,
    principal: Decider,
    proposal_id: int,
    decision: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
) -> Response:
    errors: dict[str, str] = {}
    if decision not in ("confirmed", "dismissed"):
        errors[f"decision-{proposal_id}"] = N_("Choose: confirm or dismiss.")
    if not note.strip():
        errors[f"note-{proposal_id}"] = N_("Say why.")
    if not errors:
        try:
            pay.decide_overpayment(
                session,
                proposal_id,
                decision=decision,
                note=note,
                actor=principal.actor,
                scopes=principal.scopes,
            )
        except Conflict:
            errors["form"] = N_("This proposal was already decided.")
    if errors:
        proposals = [
            p
            for p in session.scalars(
                select(OverpaymentProposal).order_by(OverpaymentProposal.id.desc()).limit(500)
            )
            if any(p.kato.startswith(s) for s in principal.scopes)
        ]
        return render(
            request,
            "assistance/payments_overpayments.html",
            {"proposals": proposals, "tenge": tenge, "errors": errors, "can_decide": True},
            status_code=422,
        )
    return RedirectResponse(f"{BASE}/payments/overpayments", status_code=303)


# --- shadow mode ----------------------------------------------------------------------------------


@router.get(f"{BASE}/shadow")
def shadow_page(request: Request, session: SessionDep, principal: Payments) -> Response:
    return render(
        request,
        "assistance/shadow_index.html",
        {
            "runs": sh.runs_for(session, principal.scopes),
            "errors": {},
            "row_errors": [],
            "row_error_label": row_error_label,
        },
    )


@router.post(f"{BASE}/shadow")
async def shadow_upload(
    request: Request,
    session: SessionDep,
    principal: Payments,
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    data, name = await _read_upload(file)
    ctx: dict[str, object] = {
        "runs": sh.runs_for(session, principal.scopes),
        "errors": {},
        "row_errors": [],
        "row_error_label": row_error_label,
    }
    if not data or len(data) > MAX_UPLOAD:
        ctx["errors"] = {"file": N_("Choose a CSV file of at most 20 MB.")}
        return render(request, "assistance/shadow_index.html", ctx, status_code=422)
    try:
        run = sh.run_shadow(session, data, file_name=name, actor=principal.actor, scopes=principal.scopes)
    except FileRejected as exc:
        ctx.update(
            errors={"file": N_("The file was refused; nothing was compared. Correct the rows below.")},
            row_errors=exc.errors[:200],
        )
        return render(request, "assistance/shadow_index.html", ctx, status_code=422)
    return RedirectResponse(f"{BASE}/shadow/{run.id}", status_code=303)


@router.get(f"{BASE}/shadow/{{run_id}}")
def shadow_run(
    request: Request, session: SessionDep, principal: Payments, run_id: int, all: bool = False
) -> Response:
    run = sh.get_run(session, run_id, principal.scopes)
    return render(
        request,
        "assistance/shadow_run.html",
        {
            "run": run,
            "lines": sh.run_lines(session, run.id, only_differences=not all),
            "all": all,
            "tenge": tenge,
        },
    )


@router.get(f"{BASE}/shadow/{{run_id}}/differences.csv")
def shadow_csv(session: SessionDep, principal: Payments, run_id: int) -> Response:
    run = sh.get_run(session, run_id, principal.scopes)
    return Response(
        sh.run_csv(sh.run_lines(session, run.id, only_differences=True)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="shadow-{run.id}.csv"'},
    )


# --- reports --------------------------------------------------------------------------------------


def _year(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return clock.today_local().year


def _report_context(session: Session, principal: Principal, year: int, lang: str) -> dict[str, object]:
    report = rep.build_report(session, year=year, scopes=principal.scopes)
    months = tuple(f"{m:%m}" for m in report.months)
    totals = [report.month_total(m) for m in report.months]
    charts = {
        "months": months,
        "recipients": tuple(t.recipients for t in totals),
        "refusals": tuple(t.refusals for t in totals),
        "assigned": tuple(t.assigned_tiyn // 100 for t in totals),
        "paid": tuple(t.paid_tiyn // 100 for t in totals),
        "budget_names": tuple(report.name(b.kato, lang) for b in report.budgets),
        "allocation": tuple(b.allocation_tiyn // 100 for b in report.budgets),
        "budget_paid": tuple(b.paid_tiyn // 100 for b in report.budgets),
        "budget_assigned": tuple(b.assigned_tiyn // 100 for b in report.budgets),
    }
    return {
        "report": report,
        "year": year,
        "lang": lang,
        "charts": charts,
        "bar_chart": bar_chart,
        "Series": Series,
        "totals": list(zip(report.months, totals, strict=True)),
        "tenge": tenge,
        "errors": {},
        "values": {},
        "can_set_budget": principal.has_any_role(("head", "administrator")),
        "scopes": principal.scopes,
    }


@router.get(f"{BASE}/reports")
def reports_page(request: Request, session: SessionDep, principal: Reader, year: str = "") -> Response:
    return render(
        request,
        "assistance/reports_index.html",
        _report_context(session, principal, _year(year), _lang(request)),
    )


@router.get(f"{BASE}/reports/assistance-{{year}}.csv")
def reports_csv(request: Request, session: SessionDep, principal: Reader, year: int) -> Response:
    report = rep.build_report(session, year=year, scopes=principal.scopes)
    rep.record_report_read(session, principal.actor, year, principal.scopes)
    return Response(
        rep.report_csv(report, _lang(request)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="assistance-{year}.csv"'},
    )


@router.post(f"{BASE}/reports/budget")
def set_budget(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(require_role("head", "administrator"))],
    year: Annotated[str, Form()] = "",
    kato: Annotated[str, Form()] = "",
    amount: Annotated[str, Form()] = "",
) -> Response:
    errors: dict[str, str] = {}
    y = _year(year)
    try:
        amount_tiyn = parse_tenge(amount)
        if amount_tiyn < 0:
            raise ValueError
    except ValueError:
        errors["amount"] = N_("Enter the amount in tenge, at most two decimals.")
        amount_tiyn = 0
    if kato not in principal.scopes and not any(kato.startswith(s) for s in principal.scopes):
        errors["kato"] = N_("Choose a jurisdiction of yours.")
    if not errors:
        try:
            rep.set_budget(
                session,
                kato=kato,
                year=y,
                amount_tiyn=amount_tiyn,
                actor=principal.actor,
                scopes=principal.scopes,
            )
        except ValidationFailed:
            errors["kato"] = N_("Choose a jurisdiction of yours.")
    if errors:
        ctx = _report_context(session, principal, y, _lang(request))
        ctx.update(errors=errors, values={"amount": amount, "kato": kato})
        return render(request, "assistance/reports_index.html", ctx, status_code=422)
    return RedirectResponse(f"{BASE}/reports?year={y}", status_code=303)
