"""From typed case data to the base columns the formulas read (one row per family).

Both modes use this one function: the single case extracts one row (and keeps the evidence, the
records each value rests on, for its trace); the batch extracts many rows, or the caller builds the
same columns directly (for example in SQL, see :data:`REGISTRATION_COLUMNS`). Only periods are read
from the parameters here (how many months of income); every rule about the values lives in the
formulas.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import numpy as np

from kezek.rules.dates import (
    NEVER,
    age_on,
    day_number,
    kato_prefix,
    kato_within,
    month_count_overlap,
    months_before,
    previous_quarter,
)
from kezek.rules.errors import CaseDataError, MissingParameterError
from kezek.rules.inputs import (
    ALIENATIONS,
    CITIZENSHIPS,
    EVENT_KINDS,
    INCOME_SOURCES,
    NEED_GROUNDS,
    PROPERTY_KINDS,
    RELATIONS,
    SERVICES,
    STATUS_KINDS,
    TENURES,
    WORSENING_ALIENATIONS,
    AssistanceClaim,
    Family,
    Person,
)
from kezek.rules.params import ParameterStore

# status bits: the applicant's own statuses and those of any member of the family
STATUS_BITS: dict[str, int] = {
    kind: 1 << i
    for i, kind in enumerate(
        (
            "wwii_veteran",
            "veteran_equated",
            "combat_veteran",
            "orphan",
            "large_family",
            "altyn_alqa",
            "kumis_alqa",
            "mother_heroine",
            "ana_danky",
            "disability_1_2",
            "disabled_child",
            "chronic_disease",
            "pensioner",
            "kandas",
            "disaster_victim",
            "duty_death_family",
            "single_parent",
            "widow",
            "civil_servant",
            "budget_worker",
            "military",
            "special_state_body",
            "cosmonaut",
            "elected_official",
        )
    )
}
# statuses that belong to the applicant personally; the rest count for whoever in the family holds them
PERSONAL_STATUSES = frozenset(
    {
        "wwii_veteran",
        "veteran_equated",
        "combat_veteran",
        "orphan",
        "disability_1_2",
        "pensioner",
        "kandas",
        "widow",
        "civil_servant",
        "budget_worker",
        "military",
        "special_state_body",
        "cosmonaut",
        "elected_official",
    }
)

# statuses that count once they happened, whether or not they are still "held"
_EVER_STATUSES = frozenset({"state_housing_received", "state_housing_privatised", "preferential_purchase"})

REGISTRATION_COLUMNS = {
    "applicant_age": "completed years of the applicant on the as-of date",
    "applicant_citizenship": "0 foreign, 1 citizen, 2 kandas",
    "family_size": "members alive on the as-of date",
    "minors": "members under 18 on the as-of date",
    "last_owned_day": "last day any member owned a dwelling other than a sole emergency one (day number)",
    "owned_now": "dwellings owned by members on the as-of date",
    "sole_emergency": "the family's only dwelling is recognised as emergency",
    "sole_emergency_elsewhere": "... and it lies outside the jurisdiction of the application",
    "registered_here": "the applicant is registered in the jurisdiction of the application",
    "registered_since_day": "start of the applicant's unbroken registration in the region (day number)",
    "state_housing_received": "a member received (or privatised) state housing",
    "preferential_purchase": "a member bought housing through a preferential state programme",
    "statuses": "bitmask of STATUS_BITS",
    "worsening_last_day": "last day of an act of deliberate worsening (day number)",
    "inadequate_housing": "another ground of need (substandard, shared rooms, disease)",
    "income_queue": "income by source, the months before the application (akimat income test)",
    "income_ladder": "income by source, the months before the as-of date (affordability ladder)",
    "income_assistance": "income by source, the quarter before the quarter of the claim",
}

Evidence = list[tuple[str, dict[str, Any]]]


def _check_family(f: Family, i: int) -> None:
    where = f"families[{i}]"
    if not f.members:
        raise CaseDataError(f"{where}.members", "a family needs at least one member")
    for j, p in enumerate(f.members):
        w = f"{where}.members[{j}]"
        if p.citizenship not in CITIZENSHIPS:
            raise CaseDataError(f"{w}.citizenship", f"{p.citizenship!r} is not one of {CITIZENSHIPS}")
        if p.relation not in RELATIONS:
            raise CaseDataError(f"{w}.relation", f"{p.relation!r} is not one of {RELATIONS}")
        for s in p.statuses:
            if s.kind not in STATUS_KINDS:
                raise CaseDataError(f"{w}.statuses", f"unknown status kind {s.kind!r}")
        for pr in p.properties:
            if pr.kind not in PROPERTY_KINDS:
                raise CaseDataError(f"{w}.properties", f"unknown dwelling kind {pr.kind!r}")
            if pr.alienation is not None and pr.alienation not in ALIENATIONS:
                raise CaseDataError(f"{w}.properties", f"unknown alienation {pr.alienation!r}")
            if pr.alienated_on is not None and pr.alienated_on < pr.acquired_on:
                raise CaseDataError(f"{w}.properties", "alienated before it was acquired")
        for inc in p.incomes:
            if inc.source not in INCOME_SOURCES:
                raise CaseDataError(f"{w}.incomes", f"unknown income source {inc.source!r}")
            if inc.monthly_tiyn < 0:
                raise CaseDataError(f"{w}.incomes", "a monthly income cannot be negative")
    for e in f.events:
        if e.kind not in EVENT_KINDS:
            raise CaseDataError(f"{where}.events", f"unknown event {e.kind!r}")
    for g in f.need_grounds:
        if g not in NEED_GROUNDS:
            raise CaseDataError(f"{where}.need_grounds", f"unknown ground of need {g!r}")


def _status_bits(p: Person, on: date, applicant: bool) -> int:
    bits = 0
    for s in p.statuses:
        if not s.held_on(on):
            continue
        kind = s.kind
        if kind == "disability":
            if s.detail not in {"1", "2"}:
                continue
            kind = "disability_1_2"
        bit = STATUS_BITS.get(kind)
        if bit is None:
            continue
        if kind in PERSONAL_STATUSES and not applicant:
            continue
        bits |= bit
    if applicant and p.citizenship == "kandas":
        bits |= STATUS_BITS["kandas"]
    return bits


def _registered_since(p: Person, on: date, region: str) -> int:
    """Start of the unbroken chain of registrations in `region` that is active on `on`."""
    regs = sorted(
        (r for r in p.registrations if kato_within(r.kato, region)), key=lambda r: r.registered_from
    )
    current = [r for r in regs if r.active_on(on)]
    if not current:
        return NEVER
    start = min(r.registered_from for r in current)
    changed = True
    while changed:  # walk back over registrations that end the day before (or overlap) the start
        changed = False
        for r in regs:
            ends = r.registered_to
            if r.registered_from < start and ends is not None and day_number(ends) >= day_number(start) - 1:
                start = r.registered_from
                changed = True
    return day_number(start)


def _income_window(store: ParameterStore, name: str, on: date, kato: str) -> tuple[date, date] | None:
    try:
        months = int(store.get(name, on, kato, asked_by="family income").value)
    except MissingParameterError:
        return None  # not in force on this date; a formula that needs it will fail loudly
    return months_before(on, months)


def _income_row(members: Sequence[Person], window: tuple[date, date] | None, out: np.ndarray) -> None:
    if window is None:
        return
    start, end = window
    for p in members:
        for inc in p.incomes:
            months = month_count_overlap(start, end, inc.from_month, inc.to_month)
            if months:
                out[INCOME_SOURCES.index(inc.source)] += months * inc.monthly_tiyn


def registration_columns(
    families: Sequence[Family],
    as_of: date,
    store: ParameterStore,
    evidence: Evidence | None = None,
) -> dict[str, np.ndarray]:
    """Base columns for `families` on `as_of`; `evidence` (single case) collects the records used."""
    n = len(families)
    ints = {k: np.zeros(n, dtype=np.int64) for k in REGISTRATION_COLUMNS if not k.startswith("income_")}
    incomes = {
        k: np.zeros((n, len(INCOME_SOURCES)), dtype=np.int64)
        for k in REGISTRATION_COLUMNS
        if k.startswith("income_")
    }
    for i, fam in enumerate(families):
        _check_family(fam, i)
        kato = fam.kato
        members = [p for p in fam.members if p.alive_on(as_of)]
        head = fam.applicant
        ints["applicant_age"][i] = age_on(head.birth_date, as_of)
        ints["applicant_citizenship"][i] = CITIZENSHIPS.index(head.citizenship)
        ints["family_size"][i] = len(members)
        ints["minors"][i] = sum(1 for p in members if age_on(p.birth_date, as_of) < 18)
        if evidence is not None:
            evidence.append(
                ("ev.applicant", {"age": int(ints["applicant_age"][i]), "citizenship": head.citizenship})
            )
            evidence.append(("ev.family", {"size": len(members), "minors": int(ints["minors"][i])}))

        owned_now = [(p, pr) for p in members for pr in p.properties if pr.owned_on(as_of)]
        ints["owned_now"][i] = len(owned_now)
        sole = None
        if len(owned_now) == 1:
            pr = owned_now[0][1]
            if pr.emergency_since is not None and pr.emergency_since <= as_of:
                sole = pr
        ints["sole_emergency"][i] = sole is not None
        ints["sole_emergency_elsewhere"][i] = sole is not None and not kato_within(sole.kato, kato)
        last = NEVER
        worsening = NEVER
        for p in members:
            for pr in p.properties:
                if pr.acquired_on > as_of:
                    continue
                if evidence is not None:
                    evidence.append(
                        (
                            "ev.property",
                            {
                                "relation": p.relation,
                                "kind": pr.kind,
                                "kato": pr.kato,
                                "acquired": pr.acquired_on,
                                "alienated": pr.alienated_on
                                if pr.alienated_on and pr.alienated_on <= as_of
                                else None,
                                "alienation": pr.alienation or "",
                                "emergency": pr.emergency_since is not None and pr.emergency_since <= as_of,
                            },
                        )
                    )
                if pr is sole:
                    continue
                owned_until = as_of if pr.owned_on(as_of) else pr.alienated_on
                assert owned_until is not None
                # the last day of ownership is the day before the alienation
                last_day = day_number(owned_until) - (0 if pr.owned_on(as_of) else 1)
                last = max(last, last_day)
                if (
                    pr.alienated_on is not None
                    and pr.alienated_on <= as_of
                    and pr.alienation in WORSENING_ALIENATIONS
                    and not (pr.emergency_since is not None and pr.emergency_since <= pr.alienated_on)
                ):
                    worsening = max(worsening, day_number(pr.alienated_on))
        for e in fam.events:
            if e.on <= as_of:
                worsening = max(worsening, day_number(e.on))
                if evidence is not None:
                    evidence.append(("ev.event", {"kind": e.kind, "on": e.on}))
        ints["last_owned_day"][i] = last
        ints["worsening_last_day"][i] = worsening
        ints["inadequate_housing"][i] = bool(fam.need_grounds)
        if evidence is not None and fam.need_grounds:
            evidence.append(("ev.need", {"grounds": ", ".join(sorted(fam.need_grounds))}))

        ints["registered_here"][i] = any(
            r.active_on(as_of) and kato_within(r.kato, kato) for r in head.registrations
        )
        ints["registered_since_day"][i] = _registered_since(head, as_of, kato_prefix(kato)[:2].ljust(9, "0"))
        if evidence is not None:
            for r in head.registrations:
                if r.registered_from <= as_of:
                    evidence.append(
                        (
                            "ev.registration",
                            {"kato": r.kato, "since": r.registered_from, "to": r.registered_to},
                        )
                    )

        bits = 0
        received = purchase = False
        for p in members:
            bits |= _status_bits(p, as_of, p is head)
            for s in p.statuses:
                if s.since > as_of:
                    continue
                if s.kind in _EVER_STATUSES - {"preferential_purchase"}:
                    received = True
                if s.kind == "preferential_purchase":
                    purchase = True
                if evidence is not None and (s.held_on(as_of) or s.kind in _EVER_STATUSES):
                    evidence.append(
                        (
                            "ev.status",
                            {
                                "relation": p.relation,
                                "kind": s.kind,
                                "detail": s.detail or "",
                                "since": s.since,
                            },
                        )
                    )
        ints["statuses"][i] = bits
        ints["state_housing_received"][i] = received
        ints["preferential_purchase"][i] = purchase

        _income_row(
            members,
            _income_window(store, "queue_akimat.income_months", as_of, kato),
            incomes["income_queue"][i],
        )
        _income_row(
            members, _income_window(store, "ladder.income_months", as_of, kato), incomes["income_ladder"][i]
        )
        _income_row(members, previous_quarter(as_of), incomes["income_assistance"][i])
        if evidence is not None:
            for p in members:
                for inc in p.incomes:
                    evidence.append(
                        (
                            "ev.income",
                            {
                                "relation": p.relation,
                                "source": inc.source,
                                "monthly": inc.monthly_tiyn,
                                "from": inc.from_month,
                                "to": inc.to_month,
                            },
                        )
                    )
    out: dict[str, np.ndarray] = {}
    for k, v in ints.items():
        out[k] = (
            v.astype(bool)
            if k
            in {
                "sole_emergency",
                "sole_emergency_elsewhere",
                "registered_here",
                "state_housing_received",
                "preferential_purchase",
                "inadequate_housing",
            }
            else v
        )
    out.update(incomes)
    return out


def assistance_columns(claims: Sequence[AssistanceClaim]) -> dict[str, np.ndarray]:
    """Columns of the claims themselves (the family's columns come from registration_columns)."""
    n = len(claims)
    s = len(SERVICES)
    out = {
        "dwelling_area": np.zeros(n, dtype=np.int64),
        "tenure": np.zeros(n, dtype=np.int64),
        "period_months": np.zeros(n, dtype=np.int64),
        "line_actual": np.zeros((n, s), dtype=np.int64),
        "line_quantity": np.zeros((n, s), dtype=np.int64),
        "line_tariff": np.zeros((n, s), dtype=np.int64),
        "line_present": np.zeros((n, s), dtype=bool),
        "solid_fuel_season_used": np.zeros(n, dtype=np.int64),
    }
    for i, c in enumerate(claims):
        if c.tenure not in TENURES:
            raise CaseDataError(f"claims[{i}].tenure", f"{c.tenure!r} is not one of {TENURES}")
        if c.period_months not in (1, 2, 3):
            raise CaseDataError(f"claims[{i}].period_months", "must be 1, 2 or 3 (months of one quarter)")
        if c.dwelling_area_dm2 <= 0:
            raise CaseDataError(f"claims[{i}].dwelling_area", "must be positive")
        out["dwelling_area"][i] = c.dwelling_area_dm2
        out["tenure"][i] = TENURES.index(c.tenure)
        out["period_months"][i] = c.period_months
        out["solid_fuel_season_used"][i] = c.solid_fuel_season_used_milli
        for line in c.lines:
            if line.service not in SERVICES:
                raise CaseDataError(f"claims[{i}].lines", f"unknown service {line.service!r}")
            if line.actual_tiyn < 0 or line.quantity_milli < 0 or line.tariff_tiyn < 0:
                raise CaseDataError(f"claims[{i}].lines.{line.service}", "amounts cannot be negative")
            j = SERVICES.index(line.service)
            if out["line_present"][i, j]:
                raise CaseDataError(f"claims[{i}].lines.{line.service}", "given twice")
            out["line_present"][i, j] = True
            out["line_actual"][i, j] = line.actual_tiyn
            out["line_quantity"][i, j] = line.quantity_milli
            out["line_tariff"][i, j] = line.tariff_tiyn
    return out
