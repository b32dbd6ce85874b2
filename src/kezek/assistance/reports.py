"""Reports for the social protection department: recipients, amounts and refusals by district and
month, and the budget used against the yearly allocation. Figures only (no personal data), always
restricted to the official's jurisdiction.

* recipients: families with an assigned month (``AssistanceMonth``) in the month;
* assigned: the amounts assigned for the month; paid: what the banks confirmed paid for it;
* refusals: decisions refusing a claim, by the month of the decision (Asia/Almaty).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.assistance.payments_files import tenge
from kezek.audit.service import Actor, record
from kezek.auth.scope import in_scope, scope_filter
from kezek.errors import OutOfScope, ValidationFailed
from kezek.models.assistance import AssistanceDecision, AssistanceMonth
from kezek.models.payments import AssistanceBudget, PaymentLine
from kezek.models.registry import Jurisdiction

ALMATY = ZoneInfo("Asia/Almaty")


@dataclass
class Cell:
    recipients: int = 0
    assigned_tiyn: int = 0
    paid_tiyn: int = 0
    refusals: int = 0


@dataclass
class Budget:
    kato: str
    allocation_tiyn: int
    assigned_tiyn: int
    paid_tiyn: int

    @property
    def used_percent(self) -> float:
        return 100.0 * self.paid_tiyn / self.allocation_tiyn if self.allocation_tiyn else 0.0


@dataclass
class Report:
    year: int
    months: list[date]
    districts: list[str]
    names: dict[str, dict[str, str]]  # kato -> language -> name
    cells: dict[tuple[str, date], Cell] = field(default_factory=dict)
    budgets: list[Budget] = field(default_factory=list)

    def cell(self, kato: str, month: date) -> Cell:
        return self.cells.get((kato, month), Cell())

    def month_total(self, month: date) -> Cell:
        t = Cell()
        for (_, m), c in self.cells.items():
            if m == month:
                t.recipients += c.recipients
                t.assigned_tiyn += c.assigned_tiyn
                t.paid_tiyn += c.paid_tiyn
                t.refusals += c.refusals
        return t

    def district_total(self, kato: str) -> Cell:
        t = Cell()
        for (k, _), c in self.cells.items():
            if k == kato:
                t.recipients += c.recipients
                t.assigned_tiyn += c.assigned_tiyn
                t.paid_tiyn += c.paid_tiyn
                t.refusals += c.refusals
        return t

    def name(self, kato: str, language: str) -> str:
        return self.names.get(kato, {}).get(language) or kato


def _month_of(ts: datetime) -> date:
    local = ts.astimezone(ALMATY)
    return date(local.year, local.month, 1)


def build_report(session: Session, *, year: int, scopes: Iterable[str]) -> Report:
    if not 2000 <= year <= 2100:
        raise ValidationFailed("year: between 2000 and 2100", code="year_invalid")
    scopes = list(scopes)
    first, last = date(year, 1, 1), date(year, 12, 1)
    cells: dict[tuple[str, date], Cell] = defaultdict(Cell)
    for kato, month, recipients, amount in session.execute(
        select(
            AssistanceMonth.kato,
            AssistanceMonth.month,
            func.count(func.distinct(AssistanceMonth.claim_id)),
            func.sum(AssistanceMonth.amount_tiyn),
        )
        .where(
            AssistanceMonth.month >= first,
            AssistanceMonth.month <= last,
            scope_filter(AssistanceMonth.kato, scopes),
        )
        .group_by(AssistanceMonth.kato, AssistanceMonth.month)
    ):
        c = cells[(kato, month)]
        c.recipients, c.assigned_tiyn = int(recipients), int(amount or 0)
    for kato, month, amount in session.execute(
        select(PaymentLine.kato, PaymentLine.for_month, func.sum(PaymentLine.amount_tiyn))
        .where(
            PaymentLine.status == "paid",
            PaymentLine.for_month >= first,
            PaymentLine.for_month <= last,
            scope_filter(PaymentLine.kato, scopes),
        )
        .group_by(PaymentLine.kato, PaymentLine.for_month)
    ):
        cells[(kato, month)].paid_tiyn = int(amount or 0)
    start = datetime(year - 1, 12, 31, 0, 0, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, 0, 0, tzinfo=UTC)
    for kato, decided_at in session.execute(
        select(AssistanceDecision.kato, AssistanceDecision.decided_at).where(
            AssistanceDecision.outcome == "refused",
            AssistanceDecision.decided_at >= start,
            AssistanceDecision.decided_at < end,
            scope_filter(AssistanceDecision.kato, scopes),
        )
    ):
        month = _month_of(decided_at)
        if month.year == year:
            cells[(kato, month)].refusals += 1
    districts = sorted({k for k, _ in cells})
    names = {
        j.kato: {"kk": j.name_kk, "ru": j.name_ru, "en": j.name_en}
        for j in session.scalars(select(Jurisdiction).where(Jurisdiction.kato.in_(districts)))
    }
    report = Report(year, [date(year, m, 1) for m in range(1, 13)], districts, names, dict(cells))
    for b in session.scalars(
        select(AssistanceBudget).where(AssistanceBudget.year == year).order_by(AssistanceBudget.kato)
    ):
        if not any(b.kato.startswith(s) for s in scopes):
            continue
        assigned = sum(c.assigned_tiyn for (k, _), c in cells.items() if k.startswith(b.kato))
        paid = sum(c.paid_tiyn for (k, _), c in cells.items() if k.startswith(b.kato))
        report.budgets.append(Budget(b.kato, b.amount_tiyn, assigned, paid))
    return report


def set_budget(
    session: Session, *, kato: str, year: int, amount_tiyn: int, actor: Actor, scopes: Iterable[str]
) -> AssistanceBudget:
    """The yearly allocation for a jurisdiction (a KATO prefix within the official's scope)."""
    kato = kato.strip()
    if not kato.isdigit() or len(kato) > 9:
        raise ValidationFailed("kato: up to 9 digits", code="kato_invalid")
    if not 2000 <= year <= 2100:
        raise ValidationFailed("year: between 2000 and 2100", code="year_invalid")
    if amount_tiyn < 0:
        raise ValidationFailed("amount: cannot be negative", code="amount_invalid")
    if not in_scope(kato, list(scopes)):
        raise OutOfScope("this jurisdiction is not yours")
    budget = session.scalar(
        select(AssistanceBudget).where(AssistanceBudget.kato == kato, AssistanceBudget.year == year)
    )
    before = {"amount_tiyn": budget.amount_tiyn} if budget else None
    if budget is None:
        budget = AssistanceBudget(kato=kato, year=year)
        session.add(budget)
    budget.amount_tiyn = amount_tiyn
    budget.set_at = clock.now().astimezone(UTC)
    budget.set_by = actor.id
    session.flush()
    record(
        session,
        actor=actor,
        action="assistance_budget.set",
        object_type="assistance_budget",
        object_id=budget.id,
        kato=kato,
        before=before,
        after={"year": year, "amount_tiyn": amount_tiyn},
    )
    return budget


def report_csv(report: Report, language: str = "ru") -> bytes:
    """One row per district and month with figures; a total row per month."""
    headers = {
        "en": (
            "District (KATO)",
            "District",
            "Month",
            "Recipients",
            "Assigned, KZT",
            "Paid, KZT",
            "Refusals",
        ),
        "ru": (
            "Район (КАТО)",
            "Район",
            "Месяц",
            "Получатели",
            "Назначено, тенге",
            "Выплачено, тенге",
            "Отказы",
        ),
        "kk": (
            "Аудан (ӘАОЖ)",
            "Аудан",
            "Ай",
            "Алушылар",
            "Тағайындалды, теңге",
            "Төленді, теңге",
            "Бас тартулар",
        ),
    }
    total = {"en": "Total", "ru": "Итого", "kk": "Барлығы"}
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(headers.get(language, headers["ru"]))
    for month in report.months:
        for kato in report.districts:
            c = report.cell(kato, month)
            if c == Cell():
                continue
            w.writerow(
                [
                    kato,
                    report.name(kato, language),
                    f"{month:%Y-%m}",
                    c.recipients,
                    tenge(c.assigned_tiyn),
                    tenge(c.paid_tiyn),
                    c.refusals,
                ]
            )
        t = report.month_total(month)
        if t != Cell():
            w.writerow(
                [
                    "",
                    total.get(language, "Итого"),
                    f"{month:%Y-%m}",
                    t.recipients,
                    tenge(t.assigned_tiyn),
                    tenge(t.paid_tiyn),
                    t.refusals,
                ]
            )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def record_report_read(session: Session, actor: Actor, year: int, scopes: Iterable[str]) -> None:
    """Reports hold no personal data; the export is still recorded (who took which figures)."""
    record(
        session,
        actor=actor,
        action="assistance_report.exported",
        object_type="assistance_report",
        object_id=str(year),
        after={"scopes": list(scopes)},
    )
