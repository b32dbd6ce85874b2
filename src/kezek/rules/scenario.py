"""Scenario tests a lawyer can read: YAML files of cases (inputs, date, jurisdiction, expected
outputs) run by `kezek rules test [PATH]` and by pytest.

A file has a ``kind`` (registration, ladder, assistance, income, apportionment, national_split,
matching, deadline, removal, parameter), optional ``defaults`` merged into every case, and ``cases``.
Amounts are in tenge, areas in m². A case passes when every expected key matches exactly.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kezek.rules import casefile as cf
from kezek.rules.apportionment import apportion, national_split
from kezek.rules.deadlines import HolidaysCalendar, add_calendar_days, add_working_days
from kezek.rules.decisions import assess_assistance, assess_ladder, assess_registration
from kezek.rules.engine import VARIABLES
from kezek.rules.errors import RulesError
from kezek.rules.features import registration_columns
from kezek.rules.inputs import SERVICES, AssistanceClaim, CostLine, Family, IncomeSpell, Person
from kezek.rules.matching import Candidate, Dwelling, SizeNorms, allocate
from kezek.rules.params import default_store
from kezek.rules.removal import RemovalFacts, assess_removal


@dataclass(frozen=True)
class Outcome:
    file: str
    name: str
    ok: bool
    detail: str = ""


class Mismatch(Exception):
    pass


def _eq(label: str, expected: Any, actual: Any, problems: list[str]) -> None:
    if expected != actual:
        problems.append(f"{label}: expected {expected!r}, got {actual!r}")


def _code(variable: str, value: Any) -> str:
    return VARIABLES[variable].codes[int(value)]


def _simple_family(size: int, income_month_tiyn: int, kato: str, on: date) -> Family:
    """A family of `size` adults with the whole income earned by the head, constant for years."""
    start = date(on.year - 3, 1, 1)
    head = Person(
        "head", date(1985, 1, 1), "head", incomes=(IncomeSpell("salary", income_month_tiyn, start),)
    )
    others = tuple(Person(f"m{i}", date(1990, 1, 1), "spouse" if i == 1 else "other") for i in range(1, size))
    return Family((head, *others), kato)


# -- kinds ---------------------------------------------------------------------------------------
def run_registration(case: dict[str, Any]) -> list[str]:
    on = cf.as_date(case["date"], "date")
    fam = cf.family(case["family"], cf.kato_code(case["kato"], "kato"))
    d = assess_registration(fam, on)
    exp = case["expect"]
    problems: list[str] = []
    if "outcome" in exp:
        _eq("outcome", exp["outcome"], d.outcome, problems)
    if "reason" in exp:
        _eq("reasons", [exp["reason"]], d.reasons, problems)
    if "reasons" in exp:
        _eq("reasons", list(exp["reasons"]), d.reasons, problems)
    if "priority" in exp:
        _eq("priority", exp["priority"], bool(d.values["priority"]), problems)
    if "priority_category" in exp:
        _eq("priority_category", exp["priority_category"], d.code("priority_category"), problems)
    if "list" in exp:
        _eq("list", exp["list"], d.code("akimat_list"), problems)
    if "ladder" in exp:
        _eq("ladder", exp["ladder"], d.code("ladder_tier"), problems)
    if "regime" in exp:
        _eq("regime", exp["regime"], d.code("regime"), problems)
    if "decision_days" in exp:
        _eq("decision_days", exp["decision_days"], d.values["decision_days"], problems)
    if "decision_days_unit" in exp:
        _eq("decision_days_unit", exp["decision_days_unit"], d.code("decision_days_unit"), problems)
    return problems


def run_ladder(case: dict[str, Any]) -> list[str]:
    on = cf.as_date(case["date"], "date")
    kato = cf.kato_code(case.get("kato", "351010000"), "kato")
    if "family" in case:
        fam = cf.family(case["family"], kato)
    else:
        fam = _simple_family(
            int(case["family_size"]), cf.tiyn(case["family_income_month"], "family_income_month"), kato, on
        )
    d = assess_ladder(fam, on)
    exp = case["expect"]
    problems: list[str] = []
    _eq("tier", exp if isinstance(exp, str) else exp["tier"], d.outcome, problems)
    if isinstance(exp, dict) and "income_per_member_month" in exp:
        _eq(
            "income_per_member_month",
            cf.tiyn(exp["income_per_member_month"], "expect"),
            d.values["ladder_income_per_member"],
            problems,
        )
    return problems


def _assistance_claim(case: dict[str, Any], on: date, kato: str) -> AssistanceClaim:
    if "claim" in case:
        return cf.claim(case["claim"], kato)
    period = case.get("period", "month")
    months = 3 if period == "quarter" else 1
    size = int(case["family_size"])
    if "family_income_previous_quarter" in case:
        quarter = cf.tiyn(case["family_income_previous_quarter"], "family_income_previous_quarter")
    else:
        quarter = 3 * cf.tiyn(case["family_income_month"], "family_income_month")
    # the previous quarter's income as three monthly lines (the first month carries any remainder)
    from kezek.rules.dates import add_months, previous_quarter

    first, _ = previous_quarter(on)
    base, extra = divmod(quarter, 3)
    spells = tuple(
        IncomeSpell("salary", base + (extra if i == 0 else 0), add_months(first, i), add_months(first, i))
        for i in range(3)
    )
    head = Person("head", date(1960, 1, 1), "head", incomes=spells)
    fam = Family((head, *(Person(f"m{i}", date(1990, 1, 1), "other") for i in range(1, size))), kato)
    lines: list[CostLine] = []
    area = cf.dm2(case.get("dwelling_area_m2", 18 * size), "dwelling_area_m2")
    if "costs_within_norms_quarter" in case or "costs_within_norms_month" in case:
        key = (
            "costs_within_norms_quarter"
            if "costs_within_norms_quarter" in case
            else "costs_within_norms_month"
        )
        lines.append(CostLine("assessed", cf.tiyn(case[key], key)))
    if "heat_tariff_per_m2_month" in case:
        tariff = cf.tiyn(case["heat_tariff_per_m2_month"], "heat_tariff_per_m2_month")
        lines.append(CostLine("heat_area", tariff * area * months // 100, area * 10, tariff))
    if "other_costs_within_norms_month" in case:
        lines.append(
            CostLine(
                "assessed", cf.tiyn(case["other_costs_within_norms_month"], "other_costs_within_norms_month")
            )
        )
    return AssistanceClaim(fam, area, "owned", months, tuple(lines))


def run_assistance(case: dict[str, Any]) -> list[str]:
    on = cf.as_date(case["date"], "date")
    kato = cf.kato_code(case["kato"], "kato")
    c = _assistance_claim(case, on, kato)
    d = assess_assistance(c, on)
    problems: list[str] = []
    if "share_of_income" in case:  # the case states the share; it must be the one in force there
        from kezek.rules.money import ratio_to_bp

        _eq(
            "share_of_income (parameter in force)",
            ratio_to_bp(case["share_of_income"]),
            d.values["ha_share"],
            problems,
        )
    exp = case["expect"]
    money = {
        "assistance_quarter": "ha_amount",
        "assistance_month": "ha_amount",
        "assistance": "ha_amount",
        "costs_within_norms_month": "ha_costs_within",
        "costs_within_norms": "ha_costs_within",
        "income_share": "ha_income_share",
    }
    for key, var in money.items():
        if key in exp:
            _eq(key, cf.tiyn(exp[key], key), d.values[var], problems)
    if "heat_area_m2" in exp:
        _eq("heat_area_m2", cf.dm2(exp["heat_area_m2"], "heat_area_m2"), d.values["ha_capped_area"], problems)
    if "heat_cost_month" in exp:
        _eq(
            "heat_cost_month",
            cf.tiyn(exp["heat_cost_month"], "heat_cost_month"),
            d.values["ha_line_within"][SERVICES.index("heat_area")],
            problems,
        )
    for service, amount in (exp.get("lines_within") or {}).items():
        _eq(
            f"within[{service}]",
            cf.tiyn(amount, service),
            d.values["ha_line_within"][SERVICES.index(service)],
            problems,
        )
    if "outcome" in exp:
        _eq("outcome", exp["outcome"], d.outcome, problems)
    if "reasons" in exp:
        _eq("reasons", list(exp["reasons"]), d.reasons, problems)
    return problems


def run_income(case: dict[str, Any]) -> list[str]:
    on = cf.as_date(case["date"], "date")
    fam = cf.family(case["family"], cf.kato_code(case["kato"], "kato"))
    cols = registration_columns([fam], on, default_store())
    from kezek.rules.decisions import evaluate

    names = ("income_queue_counted", "income_ladder_counted", "income_assistance_counted")
    wanted = [n for n in names if n.replace("_counted", "") in case["expect"]]
    out = evaluate(cols, as_of=on, kato=fam.kato, outputs=wanted)
    problems: list[str] = []
    for n in wanted:
        key = n.replace("_counted", "")
        _eq(key, cf.tiyn(case["expect"][key], key), int(out[n][0]), problems)
    return problems


def _heads(case: dict[str, Any]) -> list[date | None] | None:
    raw = case.get("head_registered")
    return None if raw is None else [cf.opt_date(h, "head_registered") for h in raw]


def run_apportionment(case: dict[str, Any]) -> list[str]:
    method = case["method"]
    sizes = [int(n) for n in case["list_sizes"]]
    problems: list[str] = []
    if "batches" in case:
        counters = case.get("counters")
        totals = [0] * len(sizes)
        per_batch = int(case["dwellings_per_batch"])
        for _ in range(int(case["batches"])):
            a = apportion(method, per_batch, sizes, _heads(case), counters)
            counters = list(a.counters)
            totals = [t + s for t, s in zip(totals, a.seats, strict=True)]
        _eq("totals", list(case["expect_total"]), totals, problems)
        return problems
    a = apportion(method, int(case["dwellings"]), sizes, _heads(case), case.get("counters"))
    _eq("seats", list(case["expect"]), list(a.seats), problems)
    if "expect_unallocated" in case:
        _eq("unallocated", case["expect_unallocated"], a.unallocated, problems)
    if "expect_first_picks" in case:
        _eq(
            "first picks",
            list(case["expect_first_picks"]),
            [p.list_index for p in a.picks[: len(case["expect_first_picks"])]],
            problems,
        )
    return problems


def run_national_split(case: dict[str, Any]) -> list[str]:
    s = national_split(
        int(case["dwellings"]),
        [int(n) for n in case["priority_sizes"]],
        int(case["general_size"]),
        method=case.get("method", "webster"),
        heads=_heads(case),
    )
    exp = case["expect"]
    problems: list[str] = []
    _eq("priority_total", exp["priority_total"], s.priority_total, problems)
    _eq("general", exp["general"], s.general, problems)
    if "seats" in exp:
        _eq("seats", list(exp["seats"]), list(s.priority.seats), problems)
    if "unallocated" in exp:
        _eq("unallocated", exp["unallocated"], s.unallocated, problems)
    return problems


def run_matching(case: dict[str, Any]) -> list[str]:
    on = cf.as_date(case.get("date", "2026-06-01"), "date")
    norms = SizeNorms.on(on)
    dwellings = [
        Dwelling(str(d["id"]), cf.dm2(d["area"], "area"), int(d["rooms"])) for d in case["dwellings"]
    ]
    lists = [
        [
            Candidate(
                str(e["id"]),
                int(e["size"]),
                datetime.fromisoformat(str(e["complete_at"])),
                int(e.get("no", 0)),
            )
            for e in entries
        ]
        for entries in case["lists"]
    ]
    r = allocate(dwellings, lists, [int(p) for p in case["picks"]], norms)
    exp = case["expect"]
    problems: list[str] = []
    _eq(
        "assignments",
        {str(k): str(v) for k, v in (exp.get("assignments") or {}).items()},
        {a.candidate_id: a.dwelling_id for a in r.assignments},
        problems,
    )
    _eq(
        "skips",
        {str(k): str(v) for k, v in (exp.get("skips") or {}).items()},
        {s.candidate_id: s.reason for s in r.skips},
        problems,
    )
    if "unfilled_picks" in exp:
        _eq("unfilled_picks", list(exp["unfilled_picks"]), list(r.unfilled_picks), problems)
    return problems


def run_deadline(case: dict[str, Any]) -> list[str]:
    received = cf.as_date(case["received"], "received")
    problems: list[str] = []
    if "working_days" in case:
        cal = HolidaysCalendar(
            extra_days_off=[cf.as_date(x, "extra_days_off") for x in case.get("extra_days_off", [])],
            working_days=[cf.as_date(x, "working_saturdays") for x in case.get("working_saturdays", [])],
        )
        got = add_working_days(received, int(case["working_days"]), cal)
    else:
        got = add_calendar_days(received, int(case["calendar_days"]))
    _eq("deadline", cf.as_date(case["expect"], "expect"), got, problems)
    return problems


def run_removal(case: dict[str, Any]) -> list[str]:
    on = cf.as_date(case["date"], "date")
    fam = cf.family(case["family"], cf.kato_code(case.get("kato", "351010000"), "kato"))
    f = case.get("facts", {})
    dates = {
        k: cf.opt_date(f.get(k), k)
        for k in (
            "registrant_died_on",
            "registrant_moved_on",
            "family_moved_on",
            "employment_ended_on",
            "housing_acquired_on",
            "house_built_on_plot_on",
            "housed_on",
        )
    }
    facts = RemovalFacts(
        employer_queue=bool(f.get("employer_queue", False)),
        false_information=bool(f.get("false_information", False)),
        unlawful_registration=bool(f.get("unlawful_registration", False)),
        eligibility_reasons=tuple(f.get("eligibility_reasons", ())),
        **dates,  # type: ignore[arg-type]
    )
    r = assess_removal(fam, facts, on)
    exp = case["expect"]
    problems: list[str] = []
    _eq("grounds", list(exp.get("grounds", [])), list(r.grounds), problems)
    if "successor" in exp:
        _eq("successor", exp["successor"], r.successor_id, problems)
    if "keeps_place" in exp:
        _eq("keeps_place", exp["keeps_place"], r.keeps_place, problems)
    return problems


def run_parameter(case: dict[str, Any]) -> list[str]:
    on = cf.as_date(case["date"], "date")
    kato = case.get("kato")
    problems: list[str] = []
    pv = default_store().get(case["parameter"], on, None if kato is None else str(kato), asked_by="scenario")
    _eq("value", case["expect"], pv.raw, problems)
    if "expect_from" in case:
        _eq("from", case["expect_from"], pv.kato or "national", problems)
    return problems


RUNNERS: dict[str, Callable[[dict[str, Any]], list[str]]] = {
    "registration": run_registration,
    "ladder": run_ladder,
    "assistance": run_assistance,
    "income": run_income,
    "apportionment": run_apportionment,
    "national_split": run_national_split,
    "matching": run_matching,
    "deadline": run_deadline,
    "removal": run_removal,
    "parameter": run_parameter,
}


def load(path: Path | str, text: str | None = None) -> tuple[str, list[dict[str, Any]]]:
    doc = yaml.safe_load(text if text is not None else Path(path).read_text(encoding="utf-8"))
    if not isinstance(doc, dict) or doc.get("kind") not in RUNNERS or not isinstance(doc.get("cases"), list):
        raise RulesError(
            f"{path}: a scenario file needs 'kind' (one of {sorted(RUNNERS)}) and a list of 'cases'"
        )
    defaults = doc.get("defaults") or {}
    cases = [{**defaults, **c} for c in doc["cases"]]
    return str(doc["kind"]), cases


def case_name(case: dict[str, Any], index: int) -> str:
    return str(case.get("name") or case.get("note") or f"case {index + 1}")


def run_case(kind: str, case: dict[str, Any]) -> list[str]:
    """Problems found running one case (empty: it passes). A case may expect an error by its code
    (``expect_error: missing_parameter``) and words its message must contain."""
    expected_error = case.get("expect_error")
    try:
        problems = RUNNERS[kind](case)
    except RulesError as exc:
        if expected_error == exc.code:
            missing = [str(w) for w in case.get("expect_message_contains", []) if str(w) not in str(exc)]
            return [f"message {str(exc)!r} does not name {w!r}" for w in missing]
        return [f"{type(exc).__name__}: {exc}"]
    except (KeyError, ValueError, TypeError) as exc:
        return [f"{type(exc).__name__}: {exc}"]
    if expected_error:
        problems.append(f"expected the error {expected_error!r}, but the case ran")
    return problems


def run_file(path: Path | str, text: str | None = None) -> list[Outcome]:
    kind, cases = load(path, text)
    out = []
    for i, case in enumerate(cases):
        problems = run_case(kind, case)
        out.append(Outcome(str(path), case_name(case, i), not problems, "; ".join(problems)))
    return out


def packaged_files() -> list[tuple[str, str]]:
    """(name, text) of Kezek's own scenario files."""
    folder = resources.files("kezek.rules") / "scenarios"
    return sorted(
        (f.name, f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".yaml")
    )


def run_paths(paths: Iterable[Path]) -> list[Outcome]:
    out: list[Outcome] = []
    for p in paths:
        files = sorted(p.rglob("*.yaml")) if p.is_dir() else [p]
        for f in files:
            out.extend(run_file(f))
    return out


def run_packaged() -> list[Outcome]:
    out: list[Outcome] = []
    for name, text in packaged_files():
        out.extend(run_file(name, text))
    return out
