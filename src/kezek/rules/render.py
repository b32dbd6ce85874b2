"""Rendering a decision and its trace in Kazakh, Russian or English (plain text).

The same structure serves the motivated decision shown to the citizen, the officer's case view and
`kezek rules explain`: outcome, each reason with its legal reference, then the calculation (every
variable with the rule in force and its reference, every parameter with its act and the level of
jurisdiction that set it), then the case data the values rest on.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from kezek.rules.catalog import has, text
from kezek.rules.dates import NEVER, from_day_number
from kezek.rules.decisions import Decision
from kezek.rules.engine import VARIABLES, Step
from kezek.rules.inputs import INCOME_SOURCES, SERVICES
from kezek.rules.money import MILLI, format_tiyn
from kezek.rules.reasons import decode


def _ref_key(decision: Decision, code: str) -> str:
    if decision.kind == "assistance":
        return f"ref.assistance.{code}"
    regime = "national" if decision.values.get("regime", 1) == 1 else "akimat"
    return f"ref.{regime}.{code}"


def _fmt_date(v: Any, lang: str) -> str:
    if v is None or v == "":
        return "—"
    if isinstance(v, date):
        return v.isoformat()
    return str(v)


def format_value(step: Step, lang: str) -> str:
    v = step.value
    kind = step.var_kind
    name = step.name
    var = VARIABLES.get(name)
    if kind == "money":
        return format_tiyn(int(v), lang)
    if kind == "bool":
        return text("ui.yes" if v else "ui.no", lang)
    if kind == "date":
        return text("ui.never", lang) if int(v) == NEVER else from_day_number(int(v)).isoformat()
    if kind == "code" and var is not None and var.codes:
        code = var.codes[int(v)]
        key = f"code.{name}.{code}"
        return text(key, lang) if has(key) else code
    if kind == "reasons":
        codes = decode(int(v))
        return ", ".join(codes) if codes else "—"
    if kind == "ratio":
        return f"{int(v) / 100:g} %"
    if kind == "area":
        return f"{int(v) / 100:g} m²"
    if kind == "quantity":
        return f"{int(v) / MILLI:g}"
    if kind == "money_lines" and isinstance(v, list):
        labels = SERVICES if len(v) == len(SERVICES) else INCOME_SOURCES
        prefix = "service." if labels is SERVICES else ""
        parts = []
        for label, amount in zip(labels, v, strict=False):
            if amount:
                shown = text(prefix + label, lang) if prefix else label
                if name in {"line_present"}:
                    parts.append(shown)
                elif name == "line_quantity":
                    parts.append(f"{shown} {int(amount) / MILLI:g}")
                else:
                    parts.append(f"{shown} {format_tiyn(int(amount), lang)}")
        return "; ".join(parts) if parts else "—"
    return str(v)


def _span(start: date, end: date | None, lang: str) -> str:
    """'from 2025-05-24 until 2025-12-01'; Kazakh puts the postpositions after the dates."""
    if lang == "kk":
        out = f"{start.isoformat()} {text('ui.from', lang)}"
        return out + (f", {end.isoformat()} {text('ui.until', lang)}" if end else "")
    out = f"{text('ui.from', lang)} {start.isoformat()}"
    return out + (f" {text('ui.until', lang)} {end.isoformat()}" if end else "")


def _param_line(step: Step, lang: str) -> str:
    pv = step.param
    assert pv is not None
    raw = pv.raw
    shown = ", ".join(map(str, raw)) if isinstance(raw, list) else str(raw)
    if pv.unit == "tenge":
        shown = format_tiyn(int(pv.value), lang)
    elif pv.unit == "ratio":
        shown = f"{int(pv.value) / 100:g} %"
    elif pv.unit == "m2":
        shown = f"{int(pv.value) / 100:g} m²"
    if pv.unit == "ratio" and pv.name.endswith("_pm"):
        shown = f"{raw} PM"
    level = text("ui.jurisdiction_value", lang, kato=pv.kato) if pv.kato else text("ui.national", lang)
    span = _span(pv.start, pv.end, lang)
    return f"{pv.name} = {shown} [{span}; {level}; {pv.reference}]"


def render(decision: Decision, lang: str = "kk") -> str:
    lines: list[str] = []
    head = (
        text(f"outcome.{decision.outcome}", lang) if has(f"outcome.{decision.outcome}") else decision.outcome
    )
    if decision.kind == "ladder":
        head = f"{text('var.ladder_tier', lang)}: {text(f'code.ladder_tier.{decision.outcome}', lang)}"
    lines.append(f"{text('ui.decision', lang)}: {head}")
    lines.append(
        f"{text('ui.as_of', lang)}: {decision.as_of.isoformat()}; "
        f"{text('ui.jurisdiction', lang)}: {decision.kato}"
    )
    if decision.kind == "assistance":
        lines.append(f"{text('var.ha_amount', lang)}: {format_tiyn(int(decision.values['ha_amount']), lang)}")
    if decision.reasons:
        lines.append(f"{text('ui.reasons', lang)}:")
        for code in decision.reasons:
            lines.append(f"  • {text(f'reason.{code}', lang)} [{code}]")
            lines.append(f"    {text('ui.reference', lang)}: {text(_ref_key(decision, code), lang)}")
    if decision.kind == "assistance":
        lines.append(f"{text('ui.lines', lang)}:")
        allowed = decision.values["ha_line_allowed"]
        within = decision.values["ha_line_within"]
        for j, service in enumerate(SERVICES):
            if decision.values["line_present"][j]:
                lines.append(
                    "  • "
                    + text(
                        "ui.line",
                        lang,
                        service=text(f"service.{service}", lang),
                        actual=format_tiyn(decision.values["line_actual"][j], lang),
                        allowed=format_tiyn(int(allowed[j]), lang),
                        within=format_tiyn(int(within[j]), lang),
                    )
                    + f" ({text('ui.rule', lang)}: {service})"
                )
    lines.append(f"{text('ui.calculation', lang)}:")
    for step in decision.trace.steps:
        pad = "  " * (step.depth + 1)
        if step.kind == "variable":
            label = text(f"var.{step.name}", lang) if has(f"var.{step.name}") else step.name
            line = f"{pad}{label} = {format_value(step, lang)}"
            if step.formula_since is not None:
                span = _span(step.formula_since, step.formula_until, lang)
                ref = text(step.reference, lang) if has(step.reference) else step.reference
                line += f"  ({text('ui.formula_in_force', lang)} {span}; {ref})"
            lines.append(line)
        elif step.kind == "parameter":
            lines.append(f"{pad}· {_param_line(step, lang)}")
    if decision.evidence:
        lines.append(f"{text('ui.case_data', lang)}:")
        for key, detail in decision.evidence:
            shown = {k: _show_detail(k, v, lang) for k, v in detail.items()}
            lines.append(f"  - {text(key, lang, **shown)}")
    return "\n".join(lines)


def _show_detail(key: str, v: Any, lang: str) -> str:
    if isinstance(v, bool):
        return text("ui.yes" if v else "ui.no", lang)
    if key == "monthly":
        return format_tiyn(int(v), lang)
    if key == "citizenship":
        return text(f"code.applicant_citizenship.{v}", lang)
    return _fmt_date(v, lang)
