"""The entry points: assess one case with its trace, or many in batch, with the same formulas.

Single case: the case data becomes one row of base columns (features.py), the formulas run over
arrays of length one with the trace on, and the result carries the trace, the evidence and the
reason codes. Batch: the same extraction over many families (or columns built by the caller) and the
same formulas without a trace. ``tests/rules`` proves on a large random population that both agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import numpy as np

# importing the formula modules registers them
from kezek.rules import assistance as _assistance  # noqa: F401
from kezek.rules import deadlines as _deadlines  # noqa: F401
from kezek.rules import income as _income  # noqa: F401
from kezek.rules import ladder as _ladder  # noqa: F401
from kezek.rules import registration as _registration  # noqa: F401
from kezek.rules.dates import check_kato
from kezek.rules.engine import VARIABLES, Array, Calc, Trace
from kezek.rules.errors import CaseDataError
from kezek.rules.features import Evidence, assistance_columns, registration_columns
from kezek.rules.inputs import AssistanceClaim, Family
from kezek.rules.params import ParameterStore, default_store
from kezek.rules.reasons import decode
from kezek.rules.registration import NATIONAL_SINCE

REGISTRATION_OUTPUTS_NATIONAL = (
    "refusals",
    "registered",
    "regime",
    "priority",
    "priority_category",
    "ladder_tier",
    "decision_days",
    "decision_days_unit",
)
REGISTRATION_OUTPUTS_AKIMAT = (
    "refusals",
    "registered",
    "regime",
    "akimat_list",
    "decision_days",
    "decision_days_unit",
)
LADDER_OUTPUTS = ("ladder_tier", "ladder_income_per_member")
ASSISTANCE_OUTPUTS = (
    "ha_refusals",
    "ha_amount",
    "ha_costs_within",
    "ha_income_share",
    "ha_share",
    "ha_norm_area",
    "ha_capped_area",
    "ha_line_allowed",
    "ha_line_within",
)


@dataclass
class Decision:
    """One assessed case: outcome, reasons, outputs (Python values), trace and evidence."""

    kind: str  # registration | ladder | assistance
    as_of: date
    kato: str
    outcome: str
    reasons: list[str]
    values: dict[str, Any]
    trace: Trace
    evidence: Evidence = field(default_factory=list)

    def code(self, variable: str) -> str:
        """The code of a code-valued output (e.g. 'loan_2_percent' for ladder_tier)."""
        return VARIABLES[variable].codes[int(self.values[variable])]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable record to store beside the decision (reproducibility)."""

        def plain(v: Any) -> Any:
            if isinstance(v, date):
                return v.isoformat()
            if isinstance(v, list):
                return [plain(x) for x in v]
            if isinstance(v, dict):
                return {k: plain(x) for k, x in v.items()}
            return v

        return {
            "kind": self.kind,
            "as_of": self.as_of.isoformat(),
            "kato": self.kato,
            "outcome": self.outcome,
            "reasons": list(self.reasons),
            "values": plain(self.values),
            "trace": [
                {
                    "kind": s.kind,
                    "name": s.name,
                    "value": plain(s.value),
                    "depth": s.depth,
                    "since": s.formula_since.isoformat() if s.formula_since else None,
                    "until": s.formula_until.isoformat() if s.formula_until else None,
                    "reference": s.param.reference if s.param else s.reference,
                    "kato": s.param.kato if s.param else None,
                }
                for s in self.trace.steps
            ],
            "evidence": [[k, plain(d)] for k, d in self.evidence],
        }


def evaluate(
    columns: Mapping[str, Array],
    *,
    as_of: date,
    kato: Array | str,
    outputs: Sequence[str],
    params: ParameterStore | None = None,
) -> dict[str, Array]:
    """Batch mode: compute `outputs` for every row of `columns` (no trace)."""
    calc = Calc(columns, as_of=as_of, kato=kato, params=params)
    return {name: calc.var(name) for name in outputs}


def _single(
    columns: Mapping[str, Array], as_of: date, kato: str, outputs: Sequence[str], params: ParameterStore
) -> tuple[dict[str, Any], Trace]:
    calc = Calc(columns, as_of=as_of, kato=kato, params=params, trace=True)
    values = {name: calc.output(name) for name in outputs}
    assert calc.trace is not None
    return values, calc.trace


def registration_outputs(as_of: date) -> tuple[str, ...]:
    return REGISTRATION_OUTPUTS_NATIONAL if as_of >= NATIONAL_SINCE else REGISTRATION_OUTPUTS_AKIMAT


def assess_registration(family: Family, as_of: date, *, params: ParameterStore | None = None) -> Decision:
    """Registration in the queue of the regime in force on `as_of`, with its trace."""
    store = params or default_store()
    _check_kato(family.kato)
    evidence: Evidence = []
    cols = registration_columns([family], as_of, store, evidence)
    values, trace = _single(cols, as_of, family.kato, registration_outputs(as_of), store)
    reasons = decode(values["refusals"])
    return Decision(
        "registration",
        as_of,
        family.kato,
        "refused" if reasons else "registered",
        reasons,
        values,
        trace,
        evidence,
    )


def assess_registration_batch(
    families: Sequence[Family],
    as_of: date,
    *,
    params: ParameterStore | None = None,
    outputs: Sequence[str] | None = None,
) -> dict[str, Array]:
    store = params or default_store()
    for f in families:
        _check_kato(f.kato)
    cols = registration_columns(families, as_of, store)
    kato = np.array([int(f.kato) for f in families], dtype=np.int64)
    return evaluate(
        cols, as_of=as_of, kato=kato, outputs=outputs or registration_outputs(as_of), params=store
    )


def assess_ladder(family: Family, as_of: date, *, params: ParameterStore | None = None) -> Decision:
    store = params or default_store()
    _check_kato(family.kato)
    evidence: Evidence = []
    cols = registration_columns([family], as_of, store, evidence)
    values, trace = _single(cols, as_of, family.kato, LADDER_OUTPUTS, store)
    tier = VARIABLES["ladder_tier"].codes[int(values["ladder_tier"])]
    return Decision("ladder", as_of, family.kato, tier, [], values, trace, evidence)


def _assistance_cols(
    claims: Sequence[AssistanceClaim], as_of: date, store: ParameterStore, evidence: Evidence | None
) -> dict[str, Array]:
    cols = registration_columns([c.family for c in claims], as_of, store, evidence)
    cols.update(assistance_columns(claims))
    return cols


def assess_assistance(
    claim: AssistanceClaim, as_of: date, *, params: ParameterStore | None = None
) -> Decision:
    """Housing assistance for the claim's period, with every cost line explained."""
    store = params or default_store()
    _check_kato(claim.family.kato)
    evidence: Evidence = []
    cols = _assistance_cols([claim], as_of, store, evidence)
    values, trace = _single(cols, as_of, claim.family.kato, ASSISTANCE_OUTPUTS, store)
    values["line_actual"] = [int(x) for x in cols["line_actual"][0]]
    values["line_present"] = [bool(x) for x in cols["line_present"][0]]
    reasons = decode(values["ha_refusals"])
    outcome = "assigned" if not reasons else "not_assigned"
    return Decision("assistance", as_of, claim.family.kato, outcome, reasons, values, trace, evidence)


def assess_assistance_batch(
    claims: Sequence[AssistanceClaim], as_of: date, *, params: ParameterStore | None = None
) -> dict[str, Array]:
    store = params or default_store()
    cols = _assistance_cols(claims, as_of, store, None)
    kato = np.array([int(c.family.kato) for c in claims], dtype=np.int64)
    return evaluate(cols, as_of=as_of, kato=kato, outputs=ASSISTANCE_OUTPUTS, params=store)


def _check_kato(kato: str) -> None:
    try:
        check_kato(kato)
    except ValueError as exc:
        raise CaseDataError("kato", str(exc)) from exc
