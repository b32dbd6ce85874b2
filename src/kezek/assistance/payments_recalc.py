"""Quarterly recalculation of assistance claims from the data already fetched, in kezek.rules' batch mode.

Every decided claim keeps its current calculation (family size, counted income of the previous
quarter, the period, each cost line with quantity and tariff). Recalculation rebuilds the rules'
input columns straight from those rows (features.REGISTRATION_COLUMNS allows columns built
outside Python objects) and evaluates the assistance formulas for all claims at once, grouped by
the as-of date of the parameters. Nothing is changed on a claim: the result is a list of
differences; where more was paid than is now due an overpayment proposal goes to an official.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import Actor, record
from kezek.auth.scope import scope_filter
from kezek.models.assistance import (
    AssistanceCalculation,
    AssistanceClaim,
    AssistanceCostLine,
    AssistanceDecision,
)
from kezek.rules.decisions import ASSISTANCE_OUTPUTS, evaluate
from kezek.rules.features import REGISTRATION_COLUMNS
from kezek.rules.inputs import INCOME_SOURCES, SERVICES, TENURES

_SALARY = INCOME_SOURCES.index("salary")


@dataclass(frozen=True)
class StoredCalculation:
    """One claim's inputs as stored with its current calculation."""

    claim_id: int
    kato: str
    as_of: date
    family_size: int
    income_quarter_tiyn: int  # already counted (excluded sources dropped)
    dwelling_area_dm2: int
    tenure: str
    period_months: int
    more_than_one_dwelling: bool
    amount_period_tiyn: int  # what the stored calculation gave
    lines: tuple[tuple[str, int, int, int], ...]  # service, actual, quantity (milli), tariff


@dataclass
class Recalculated:
    claim_ids: np.ndarray
    before: np.ndarray  # amount for the period, as stored
    after: np.ndarray  # amount for the period, recalculated
    period_months: np.ndarray

    @property
    def changed(self) -> np.ndarray:
        return np.flatnonzero(self.before != self.after)


def columns(rows: Sequence[StoredCalculation]) -> dict[str, np.ndarray]:
    """The rules' input columns for the rows (registration columns the formulas do not read are zero)."""
    n, s = len(rows), len(SERVICES)
    cols: dict[str, np.ndarray] = {
        k: np.zeros(n, dtype=np.int64) for k in REGISTRATION_COLUMNS if not k.startswith("income_")
    }
    for k in REGISTRATION_COLUMNS:
        if k.startswith("income_"):
            cols[k] = np.zeros((n, len(INCOME_SOURCES)), dtype=np.int64)
    cols["family_size"] = np.fromiter((r.family_size for r in rows), dtype=np.int64, count=n)
    cols["income_assistance"][:, _SALARY] = np.fromiter(
        (r.income_quarter_tiyn for r in rows), dtype=np.int64, count=n
    )
    cols["owned_now"] = np.fromiter(
        (2 if r.more_than_one_dwelling else 1 for r in rows), dtype=np.int64, count=n
    )
    cols["dwelling_area"] = np.fromiter((r.dwelling_area_dm2 for r in rows), dtype=np.int64, count=n)
    cols["tenure"] = np.fromiter((TENURES.index(r.tenure) for r in rows), dtype=np.int64, count=n)
    cols["period_months"] = np.fromiter((r.period_months for r in rows), dtype=np.int64, count=n)
    cols["solid_fuel_season_used"] = np.zeros(n, dtype=np.int64)
    actual = np.zeros((n, s), dtype=np.int64)
    quantity = np.zeros((n, s), dtype=np.int64)
    tariff = np.zeros((n, s), dtype=np.int64)
    present = np.zeros((n, s), dtype=bool)
    index = {name: j for j, name in enumerate(SERVICES)}
    for i, r in enumerate(rows):
        for service, a, q, t in r.lines:
            j = index[service]
            actual[i, j] += a
            quantity[i, j] += q
            tariff[i, j] = t
            present[i, j] = True
    cols.update(line_actual=actual, line_quantity=quantity, line_tariff=tariff, line_present=present)
    return cols


def recalculate(
    rows: Sequence[StoredCalculation],
    *,
    as_of: date | None = None,
    progress: Callable[[int], object] | None = None,
) -> Recalculated:
    """Evaluate every row with the parameters as of its own date (or ``as_of`` for all)."""
    n = len(rows)
    after = np.zeros(n, dtype=np.int64)
    groups: dict[date, list[int]] = defaultdict(list)
    for i, r in enumerate(rows):
        groups[as_of or r.as_of].append(i)
    for on, idx in sorted(groups.items()):
        part = [rows[i] for i in idx]
        kato = np.fromiter((int(r.kato) for r in part), dtype=np.int64, count=len(part))
        out = evaluate(columns(part), as_of=on, kato=kato, outputs=ASSISTANCE_OUTPUTS)
        after[np.asarray(idx)] = out["ha_amount"]
        if progress:
            progress(len(idx))
    return Recalculated(
        claim_ids=np.fromiter((r.claim_id for r in rows), dtype=np.int64, count=n),
        before=np.fromiter((r.amount_period_tiyn for r in rows), dtype=np.int64, count=n),
        after=after,
        period_months=np.fromiter((r.period_months for r in rows), dtype=np.int64, count=n),
    )


# --- loading from the database ------------------------------------------------------------------


def load_stored(
    session: Session, *, quarter_start: date, scopes: Iterable[str], batch: int = 5000
) -> list[StoredCalculation]:
    """Current calculations of the quarter's decided (assigned) claims in the jurisdiction."""
    head = session.execute(
        select(
            AssistanceClaim.id,
            AssistanceCalculation.kato,
            AssistanceCalculation.as_of,
            AssistanceCalculation.family_size,
            AssistanceCalculation.income_quarter_tiyn,
            AssistanceClaim.dwelling_area_dm2,
            AssistanceClaim.tenure,
            AssistanceCalculation.period_months,
            AssistanceCalculation.refusal_reasons,
            AssistanceCalculation.amount_period_tiyn,
            AssistanceCalculation.id,
        )
        .join(AssistanceCalculation, AssistanceCalculation.claim_id == AssistanceClaim.id)
        .join(AssistanceDecision, AssistanceDecision.claim_id == AssistanceClaim.id)
        .where(
            AssistanceClaim.quarter_start == quarter_start,
            AssistanceCalculation.current.is_(True),
            AssistanceDecision.outcome == "assigned",
            scope_filter(AssistanceClaim.kato, list(scopes)),
        )
        .order_by(AssistanceClaim.id)
    ).all()
    calc_ids = [h[10] for h in head]
    lines: dict[int, list[tuple[str, int, int, int]]] = defaultdict(list)
    for start in range(0, len(calc_ids), batch):
        for cid, service, actual, qty, tariff in session.execute(
            select(
                AssistanceCostLine.calculation_id,
                AssistanceCostLine.service,
                AssistanceCostLine.actual_tiyn,
                AssistanceCostLine.quantity_milli,
                AssistanceCostLine.tariff_tiyn,
            )
            .where(AssistanceCostLine.calculation_id.in_(calc_ids[start : start + batch]))
            .order_by(AssistanceCostLine.calculation_id, AssistanceCostLine.position)
        ):
            lines[cid].append((service, actual, qty, tariff))
    return [
        StoredCalculation(
            claim_id=h[0],
            kato=h[1],
            as_of=h[2],
            family_size=h[3],
            income_quarter_tiyn=h[4],
            dwelling_area_dm2=h[5] or 1,
            tenure=h[6],
            period_months=h[7],
            more_than_one_dwelling="more_than_one_dwelling" in (h[8] or []),
            amount_period_tiyn=h[9],
            lines=tuple(lines.get(h[10], ())),
        )
        for h in head
    ]


@dataclass
class RecalcReport:
    claims: int
    changed: int
    higher: int
    lower: int
    proposals: list[int] = field(default_factory=list)


def recalculate_quarter(
    session: Session,
    *,
    quarter_start: date,
    scopes: Iterable[str],
    actor: Actor,
    as_of: date | None = None,
    progress: Callable[[int], object] | None = None,
    on_total: Callable[[int], object] | None = None,
) -> RecalcReport:
    """Recalculate the quarter's assigned claims; overpayment proposals where less is now due."""
    from kezek.assistance.payments import propose_overpayment

    scopes = list(scopes)
    rows = load_stored(session, quarter_start=quarter_start, scopes=scopes)
    if on_total:
        on_total(len(rows))
    result = recalculate(rows, as_of=as_of, progress=progress)
    changed = result.changed
    report = RecalcReport(
        claims=len(rows),
        changed=len(changed),
        higher=int((result.after[changed] > result.before[changed]).sum()),
        lower=int((result.after[changed] < result.before[changed]).sum()),
    )
    for i in changed:
        if result.after[i] >= result.before[i]:
            continue
        due_month = int(result.after[i]) // int(result.period_months[i])
        proposal = propose_overpayment(
            session,
            int(result.claim_ids[i]),
            due_month_tiyn=due_month,
            cause="recalculation",
            actor=actor,
            detail=f"recalculated amount for the period {int(result.after[i])} tiyn, "
            f"was {int(result.before[i])} tiyn",
        )
        if proposal is not None:
            report.proposals.append(proposal.id)
    record(
        session,
        actor=actor,
        action="assistance.recalculated",
        object_type="assistance_quarter",
        object_id=quarter_start.isoformat(),
        after={
            "claims": report.claims,
            "changed": report.changed,
            "higher": report.higher,
            "lower": report.lower,
            "proposals": len(report.proposals),
            "as_of": as_of.isoformat() if as_of else None,
        },
    )
    return report
