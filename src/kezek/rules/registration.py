"""Registration in the queue: eligibility, priority category (national) and list (akimat regime).

Two regimes, one variable: ``refusals`` has a formula for the akimat regime (Law No. 94 Arts. 67-69
and the registration rules, until 23.05.2025) and one for the national regime kept by Otbasy bank
(from 24.05.2025). The as-of date picks the formula; each reason has its legal reference in
messages.yaml.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from kezek.rules.dates import NEVER, add_years, day_number
from kezek.rules.engine import Array, Calc, formula, input_variable
from kezek.rules.features import STATUS_BITS
from kezek.rules.reasons import flag

AKIMAT_SINCE = date(2012, 6, 26)  # Government Decree No. 856 of 26.06.2012
AKIMAT_UNTIL = date(2025, 5, 23)
NATIONAL_SINCE = date(2025, 5, 24)  # Law No. 94 as amended; MIC Order No. 130 of 17.04.2025

for _name, _kind in (
    ("applicant_age", "count"),
    ("applicant_citizenship", "code"),
    ("family_size", "count"),
    ("minors", "count"),
    ("last_owned_day", "date"),
    ("owned_now", "count"),
    ("sole_emergency", "bool"),
    ("sole_emergency_elsewhere", "bool"),
    ("registered_here", "bool"),
    ("registered_since_day", "date"),
    ("state_housing_received", "bool"),
    ("preferential_purchase", "bool"),
    ("statuses", "count"),
    ("worsening_last_day", "date"),
    ("inadequate_housing", "bool"),
    ("income_queue", "money_lines"),
    ("income_ladder", "money_lines"),
    ("income_assistance", "money_lines"),
):
    input_variable(
        _name, _kind, codes=("foreign", "citizen", "kandas") if _name == "applicant_citizenship" else ()
    )


def _has(c: Calc, *kinds: str) -> Array:
    mask = 0
    for k in kinds:
        mask |= STATUS_BITS[k]
    return (c.var("statuses") & mask) != 0


def _since_years(c: Calc, years: int) -> int:
    return day_number(add_years(c.as_of, -int(years)))


@formula(
    "regime",
    since=AKIMAT_SINCE,
    until=AKIMAT_UNTIL,
    kind="code",
    codes=("akimat", "national"),
    reference="ref.akimat.regime",
)
def regime_akimat(c: Calc) -> Array:
    return np.zeros(c.n, dtype=np.int64)


@formula(
    "regime", since=NATIONAL_SINCE, kind="code", codes=("akimat", "national"), reference="ref.national.regime"
)
def regime_national(c: Calc) -> Array:
    return np.ones(c.n, dtype=np.int64)


# -- national regime -----------------------------------------------------------------------------
@formula(
    "in_registration_city",
    since=NATIONAL_SINCE,
    kind="bool",
    reference="ref.national.registration_under_3_years",
)
def in_registration_city(c: Calc) -> Array:
    prefixes = np.array(
        [int(p) for p in c.param("queue_national.registration_city_prefixes")], dtype=np.int64
    )
    return np.isin(c.kato // 10_000_000, prefixes)


@formula("refusals", since=NATIONAL_SINCE, kind="reasons", reference="ref.national.registration")
def national_refusals(c: Calc) -> Array:
    r = flag("not_citizen_or_kandas", c.var("applicant_citizenship") == 0)
    r |= flag("age_under_18", c.var("applicant_age") < c.param("queue_national.min_age_years"))
    since = c.var("registered_since_day")
    enough = (since != NEVER) & (since <= _since_years(c, c.param("queue_national.registration_min_years")))
    r |= flag("registration_under_3_years", c.var("in_registration_city") & ~enough)
    lookback = _since_years(c, c.param("queue_national.ownership_lookback_years"))
    r |= flag("owned_housing_within_5_years", c.var("last_owned_day") >= lookback)
    r |= flag("emergency_dwelling_elsewhere", c.var("sole_emergency_elsewhere"))
    r |= flag("received_state_housing", c.var("state_housing_received"))
    r |= flag("preferential_purchase", c.var("preferential_purchase"))
    if c.param("queue_national.deliberate_worsening_is_ground"):
        r |= flag("deliberate_worsening", c.var("worsening_last_day") >= lookback)
    return r


PRIORITY_CATEGORIES = (
    "none",
    "veterans",
    "orphans",
    "large_families",
    "disabled_children",
    "disabled",
    "widows",
    "other_vulnerable",
)


def _large(c: Calc, min_children_param: str) -> Array:
    by_status = _has(c, "large_family", "altyn_alqa", "kumis_alqa", "mother_heroine", "ana_danky")
    return by_status | (c.var("minors") >= c.param(min_children_param))


@formula("large_family", since=AKIMAT_SINCE, until=AKIMAT_UNTIL, kind="bool", reference="ref.large_family")
def large_family_akimat(c: Calc) -> Array:
    return _large(c, "queue_akimat.large_family_min_children")


@formula("large_family", since=NATIONAL_SINCE, kind="bool", reference="ref.large_family")
def large_family_national(c: Calc) -> Array:
    return _large(c, "queue_national.large_family_min_children")


@formula(
    "priority_category",
    since=NATIONAL_SINCE,
    kind="code",
    codes=PRIORITY_CATEGORIES,
    reference="ref.national.priority",
)
def priority_category(c: Calc) -> Array:
    conditions = [
        _has(c, "wwii_veteran", "veteran_equated", "combat_veteran"),
        _has(c, "orphan"),
        c.var("large_family"),
        _has(c, "disabled_child"),
        _has(c, "disability_1_2"),
        _has(c, "widow"),
        _has(
            c,
            "chronic_disease",
            "pensioner",
            "kandas",
            "disaster_victim",
            "duty_death_family",
            "single_parent",
        ),
    ]
    return np.select(conditions, list(range(1, len(conditions) + 1)), default=0).astype(np.int64)


@formula("priority", since=NATIONAL_SINCE, kind="bool", reference="ref.national.priority")
def priority(c: Calc) -> Array:
    return c.var("priority_category") != 0


# -- akimat regime -------------------------------------------------------------------------------
AKIMAT_LISTS = ("none", "L1", "L2", "L3", "L4", "L5", "L6")


@formula(
    "akimat_lists_member", since=AKIMAT_SINCE, until=AKIMAT_UNTIL, kind="count", reference="ref.akimat.lists"
)
def akimat_lists_member(c: Calc) -> Array:
    """Bit i-1 set when the family belongs to list Li (Law No. 94 Art. 74 p.2)."""
    orphan = _has(c, "orphan") & (c.var("applicant_age") < c.param("queue_akimat.orphan_max_age"))
    members = [
        _has(c, "wwii_veteran"),
        orphan,
        c.var("large_family"),
        _has(
            c,
            "veteran_equated",
            "combat_veteran",
            "disability_1_2",
            "disabled_child",
            "chronic_disease",
            "pensioner",
            "kandas",
            "disaster_victim",
            "duty_death_family",
            "single_parent",
        ),
        _has(
            c,
            "civil_servant",
            "budget_worker",
            "military",
            "special_state_body",
            "cosmonaut",
            "elected_official",
        ),
        c.var("sole_emergency"),
    ]
    out = np.zeros(c.n, dtype=np.int64)
    for i, m in enumerate(members):
        out |= np.where(m, np.int64(1 << i), np.int64(0))
    return out


@formula(
    "akimat_income_exempt",
    since=AKIMAT_SINCE,
    until=AKIMAT_UNTIL,
    kind="bool",
    reference="ref.akimat.income_exempt",
)
def akimat_income_exempt(c: Calc) -> Array:
    """The 3.1 PM test does not apply to orphans, children without parental care and disabled
    children (Aktogay regulation 2013 item 6 sub-item 2)."""
    return _has(c, "orphan", "disabled_child")


@formula(
    "akimat_income_below_limit",
    since=AKIMAT_SINCE,
    until=AKIMAT_UNTIL,
    kind="bool",
    reference="ref.akimat.income_above_limit",
)
def akimat_income_below_limit(c: Calc) -> Array:
    """Average monthly income per member below 3.1 PM: income x 10,000 < limit(bp) x PM x members x months."""
    months = c.param("queue_akimat.income_months")
    pm = c.param("subsistence_minimum.pm")
    limit = c.param("queue_akimat.income_limit_pm")
    income = c.var("income_queue_counted")
    return income * 10_000 < limit * pm * c.var("family_size") * months


@formula(
    "akimat_list",
    since=AKIMAT_SINCE,
    until=AKIMAT_UNTIL,
    kind="code",
    codes=AKIMAT_LISTS,
    reference="ref.akimat.lists",
)
def akimat_list(c: Calc) -> Array:
    """The first list (L1..L6) whose conditions the family meets, income test included."""
    member = c.var("akimat_lists_member")
    tested = [False, False, True, True, bool(c.param("queue_akimat.income_test_for_state_employees")), False]
    passes = c.var("akimat_income_exempt") | c.var("akimat_income_below_limit")
    conditions = [((member >> i) & 1).astype(bool) & (passes if tested[i] else True) for i in range(6)]
    return np.select(conditions, [1, 2, 3, 4, 5, 6], default=0).astype(np.int64)


@formula(
    "refusals", since=AKIMAT_SINCE, until=AKIMAT_UNTIL, kind="reasons", reference="ref.akimat.registration"
)
def akimat_refusals(c: Calc) -> Array:
    r = flag("not_citizen_or_kandas", c.var("applicant_citizenship") == 0)
    r |= flag("age_under_18", c.var("applicant_age") < c.param("queue_akimat.min_age_years"))
    r |= flag("not_registered_in_settlement", ~c.var("registered_here"))
    owns = (c.var("owned_now") > 0) & ~c.var("sole_emergency") & ~c.var("inadequate_housing")
    r |= flag("owns_housing", owns)
    lookback = _since_years(c, c.param("queue_akimat.worsening_lookback_years"))
    r |= flag("deliberate_worsening", c.var("worsening_last_day") >= lookback)
    r |= flag("received_state_housing", c.var("state_housing_received"))
    member = c.var("akimat_lists_member")
    r |= flag("no_category", member == 0)
    r |= flag("income_above_limit", (member != 0) & (c.var("akimat_list") == 0))
    return r


@formula("registered", since=AKIMAT_SINCE, kind="bool", reference="ref.registered")
def registered(c: Calc) -> Array:
    return c.var("refusals") == 0
