"""From the family's state data to the normative calculation of a claim (kezek.rules.assistance).

The calculation is monthly: costs of one month (the last bill before the month of the claim, from
the utility-bills system, plus what documents show where the data cannot) against the share of one
month of the family's income of the previous quarter (Y / 3). The amount per month is then paid for
every month from the month of the claim to the end of the quarter (domain.md §7.2).

Every cost line keeps its actual amount, the most its norm allows, the amount within the norm, the
rule applied and the parameter (value, act, level of jurisdiction). A service whose norm is not in
force in the jurisdiction on the date of the claim is shown with the rule ``no_norm`` and counted
as nothing (IMPL: Kezek never invents a norm; the officer sees the gap in the trace).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from kezek.integration.service import FamilyProfile
from kezek.integration.systems import System
from kezek.rules import inputs as ri
from kezek.rules.decisions import Decision, assess_assistance
from kezek.rules.errors import MissingParameterError
from kezek.rules.params import default_store
from kezek.rules.render import render

P = "housing_assistance."
# service -> (how its norm works, the parameters it reads)
NORMS: dict[str, tuple[str, tuple[str, ...]]] = {
    "rent": ("as_billed", ()),
    "condominium": ("per_m2_of_norm_area", ("condominium_per_m2",)),
    "heat_area": ("tariff_x_norm_area", ()),
    "heat_metered": ("per_m2_of_norm_area", ("heat_gcal_per_m2",)),
    "gas": ("per_person", ("gas_per_person",)),
    "gas_heating": ("per_m2_of_norm_area", ("gas_heating_per_m2",)),
    "cold_water": ("per_person", ("cold_water_per_person",)),
    "hot_water": ("per_person", ("hot_water_per_person",)),
    "electricity": ("per_person_or_family", ("electricity_norm", "electricity_per_family")),
    "solid_fuel": ("per_m2_of_norm_area", ("solid_fuel_per_m2", "solid_fuel_season_cap")),
    "lift": ("per_dwelling", ("lift_per_dwelling",)),
    "phone": ("per_subscriber", ("phone_per_subscriber",)),
    "sewerage": ("as_billed", ()),
    "waste": ("as_billed", ()),
    "assessed": ("as_billed", ()),
}
AREA_PARAMS = ("area_per_person", "area_single", "share_of_income")
MILLI = 1000


def bill_service(service: str, unit: str) -> str | None:
    """The rules' service of a bill item (heat billed per m2 and metered heat are different norms)."""
    if service == "heat":
        return "heat_area" if unit == "m2" else "heat_metered"
    return service if service in ri.SERVICES else None


@dataclass
class Line:
    service: str
    actual_tiyn: int
    quantity_milli: int = 0
    tariff_tiyn: int = 0
    source: str = "utilities"


@dataclass
class Facts:
    """What the calculation rests on, extracted from the answers (stored on the claim as JSON)."""

    family: ri.Family
    dwelling: dict[str, Any] | None
    bill_month: str | None
    lines: list[Line]
    accounts: list[str]
    owned: int  # dwellings the family owns now (the register)
    problems: list[str] = field(default_factory=list)  # what the data cannot show

    def snapshot(self) -> dict[str, Any]:
        return {
            "dwelling": self.dwelling,
            "bill_month": self.bill_month,
            "lines": [vars(line) for line in self.lines],
            "accounts": self.accounts,
            "owned": self.owned,
            "problems": self.problems,
            "members": [
                {
                    "relation": p.relation,
                    "birth_date": p.birth_date.isoformat(),
                    "incomes": [
                        {
                            "source": i.source,
                            "monthly_tiyn": i.monthly_tiyn,
                            "month": i.from_month.isoformat(),
                        }
                        for i in p.incomes
                    ],
                }
                for p in self.family.members
            ],
        }


def facts_from(profile: FamilyProfile, family: ri.Family, applicant_iin: str, first_month: date) -> Facts:
    """The dwelling, the last bill before the month of the claim, the account, the ownership."""
    utilities = _data(profile, System.UTILITIES, applicant_iin)
    dwelling = None
    lines: list[Line] = []
    bill_month = None
    problems: list[str] = []
    if utilities is not None and utilities.dwelling is not None:
        d = utilities.dwelling
        dwelling = {"kato": d.kato, "address": d.address, "area_dm2": d.area_dm2, "residents": d.residents}
        bills = sorted((b for b in utilities.bills if b.month < first_month), key=lambda b: b.month)
        if bills:
            last = bills[-1]
            bill_month = last.month.isoformat()
            seen: dict[str, Line] = {}
            for item in last.items:
                service = bill_service(item.service, item.unit)
                if service is None:
                    continue
                quantity = int(item.quantity * MILLI)
                if service in seen:  # two items of one service: add them up
                    seen[service].actual_tiyn += item.amount_tiyn
                    seen[service].quantity_milli += quantity
                else:
                    seen[service] = Line(service, item.amount_tiyn, quantity, item.tiyn_per_unit)
            lines = list(seen.values())
        else:
            problems.append("no_bills_in_data")
    else:
        problems.append("dwelling_not_in_data")
    bank = _data(profile, System.BANK, applicant_iin)
    accounts = [a.iban for a in bank.accounts] if bank is not None else []
    if not accounts:
        problems.append("no_bank_account_in_data")
    on = profile.as_of
    owned = len(
        {
            (p.kato, p.area_dm2, p.acquired_on)
            for member in family.members
            for p in member.properties
            if p.owned_on(on)
        }
    )
    return Facts(family, dwelling, bill_month, lines, accounts, owned, problems)


def _data(profile: FamilyProfile, system: System, iin: str) -> Any:
    if system not in profile.answers:
        return None
    try:
        return profile.data(system, iin)
    except KeyError:
        return None


@dataclass
class LineResult:
    position: int
    service: str
    actual_tiyn: int
    allowed_tiyn: int
    within_tiyn: int
    quantity_milli: int
    tariff_tiyn: int
    rule: str
    norm: dict[str, Any]
    source: str


@dataclass
class Result:
    as_of: date
    kato: str
    rules_version: str
    family_size: int
    norm_area_dm2: int
    capped_area_dm2: int
    income_quarter_tiyn: int
    share_ppm: int
    income_share_tiyn: int
    costs_within_tiyn: int
    amount_month_tiyn: int
    refusal_reasons: list[str]
    lines: list[LineResult]
    trace: dict[str, Any]


def _norm(name: str, on: date, kato: str) -> dict[str, Any] | None:
    try:
        pv = default_store().get(P + name, on, kato, asked_by="assistance.calculation")
    except MissingParameterError:
        return None
    raw = pv.raw
    return {
        "parameter": P + name,
        "value": raw if isinstance(raw, int | float | bool | str) else str(raw),
        "unit": pv.unit,
        "reference": pv.reference,
        "kato": pv.kato,
        "since": pv.start.isoformat(),
    }


def rules_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"kezek-{version('kezek')}"
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "kezek-dev"


def calculate(family: ri.Family, *, tenure: str, area_dm2: int, lines: list[Line], as_of: date) -> Result:
    """The monthly calculation with the parameters of the jurisdiction as of the claim."""
    kato = family.kato
    usable: list[Line] = []
    skipped: list[tuple[Line, dict[str, Any]]] = []
    norms: dict[str, dict[str, Any]] = {}
    for line in lines:
        rule, params = NORMS[line.service]
        found = [_norm(p, as_of, kato) for p in params]
        if any(f is None for f in found):
            missing = [P + p for p, f in zip(params, found, strict=True) if f is None]
            skipped.append((line, {"missing": missing}))
            continue
        norms[line.service] = {"rule": rule, "parameters": [f for f in found if f is not None]}
        usable.append(line)
    claim = ri.AssistanceClaim(
        family=family,
        dwelling_area_dm2=area_dm2,
        tenure=tenure,
        period_months=1,
        lines=tuple(ri.CostLine(x.service, x.actual_tiyn, x.quantity_milli, x.tariff_tiyn) for x in usable),
    )
    decision = assess_assistance(claim, as_of)
    v = decision.values
    results: list[LineResult] = []
    position = 0
    for j, service in enumerate(ri.SERVICES):
        if not v["line_present"][j]:
            continue
        line = next(x for x in usable if x.service == service)
        position += 1
        results.append(
            LineResult(
                position,
                service,
                line.actual_tiyn,
                int(v["ha_line_allowed"][j]),
                int(v["ha_line_within"][j]),
                line.quantity_milli,
                line.tariff_tiyn,
                norms[service]["rule"],
                {"parameters": norms[service]["parameters"]},
                line.source,
            )
        )
    for line, why in skipped:
        position += 1
        results.append(
            LineResult(
                position,
                line.service,
                line.actual_tiyn,
                0,
                0,
                line.quantity_milli,
                line.tariff_tiyn,
                "no_norm",
                why,
                line.source,
            )
        )
    share = int(v["ha_share"])
    return Result(
        as_of=as_of,
        kato=kato,
        rules_version=rules_version(),
        family_size=int(_traced(decision, "family_size", len(family.members))),
        norm_area_dm2=int(v["ha_norm_area"]),
        capped_area_dm2=int(v["ha_capped_area"]),
        income_quarter_tiyn=int(_traced(decision, "income_assistance_counted", 0)),
        share_ppm=share * 100,
        income_share_tiyn=int(v["ha_income_share"]),
        costs_within_tiyn=int(v["ha_costs_within"]),
        amount_month_tiyn=int(v["ha_amount"]),
        refusal_reasons=list(decision.reasons),
        lines=results,
        trace={
            "decision": decision.to_dict(),
            "text": {lang: render(decision, lang) for lang in ("kk", "ru", "en")},
        },
    )


def _traced(decision: Decision, name: str, default: int) -> int:
    for step in decision.trace.steps:
        if step.kind == "variable" and step.name == name:
            return int(step.value)
    return default
