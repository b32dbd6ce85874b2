"""Social statuses and monthly incomes of a chunk of people (vectorised).

Income spells are constant monthly amounts in tiyn from ``from_month`` to ``to_month`` (both first
days of months, ``to_month`` inclusive; open-ended when empty). Status records run from ``since``
to ``until`` (open-ended when empty).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import numpy.typing as npt

from kezek.population.geography import Geography
from kezek.population.households import (
    CHILD,
    CITIZEN,
    GUARDIANSHIP,
    KANDAS,
    NULL_DAY,
    SINGLE,
    SINGLE_PARENT,
    YEAR,
    Households,
    People,
    banded,
    years_before,
)
from kezek.population.places import Places

Columns = dict[str, Any]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]


def day_of(iso: str) -> int:
    return int(np.datetime64(iso, "D").astype(np.int64))


def month_start(days: I64) -> I64:
    """First day of each day's month (NULL stays NULL)."""
    months = days.astype("datetime64[D]").astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    return np.where(days == NULL_DAY, NULL_DAY, months)


class _Rows:
    """Accumulates rows of one table as column arrays, then concatenates them once."""

    def __init__(self, columns: tuple[str, ...], start: str, end: str) -> None:
        self.columns = columns
        self.start, self.end = start, end
        self.parts: dict[str, list[Any]] = {c: [] for c in columns}

    def add(self, mask_or_idx: B | I64, **values: Any) -> None:
        idx = np.flatnonzero(mask_or_idx) if mask_or_idx.dtype == np.bool_ else mask_or_idx
        n = len(idx)
        for column in self.columns:
            value = values[column] if column != "person" else idx
            if isinstance(value, np.ndarray) and column != "person" and len(value) != n:
                value = value[idx]  # a per-person (or per-row-source) array: take the selected rows
            if not isinstance(value, np.ndarray):
                value = np.full(
                    n, value, dtype=object if value is None or isinstance(value, str) else np.int64
                )
            self.parts[column].append(value)

    def columns_out(self) -> Columns:
        """The rows, without the few whose end would precede their start (e.g. a benefit from the
        birth of a child after the recipient's recorded death): such records do not exist."""
        out = {c: np.concatenate(v) for c, v in self.parts.items()}
        keep = (out[self.end] == NULL_DAY) | (out[self.end] >= out[self.start])
        return {c: v[keep] for c, v in out.items()}


def _pick_labels(rng: np.random.Generator, dist: Mapping[str, float], n: int) -> npt.NDArray[np.object_]:
    labels = np.array(list(dist), dtype=object)
    weights = np.array(list(dist.values()), dtype=float)
    return labels[rng.choice(len(labels), n, p=weights / weights.sum())]


def _before(limit: I64, day: I64) -> I64:
    """``day`` moved back to the day before ``limit`` where it would fall on or after it."""
    return np.minimum(day, limit - 1)


def lives(
    rng: np.random.Generator,
    h: Households,
    p: People,
    pl: Places,
    geo: Geography,
    shares: Mapping[str, Any],
    as_of: int,
) -> tuple[Columns, Columns]:
    st, w, soc = shares["statuses"], shares["work"], shares["social"]
    n, fam = p.n, p.family
    adult = p.age >= 18
    alive = p.death == NULL_DAY
    last_day = np.where(alive, as_of, p.death)  # statuses and incomes start before this
    open_end = np.where(alive, NULL_DAY, p.death)
    adult_from = p.birth + int(18 * YEAR)
    statuses = _Rows(("person", "kind", "detail", "since", "until"), "since", "until")
    incomes = _Rows(("person", "source", "monthly_tiyn", "from_month", "to_month"), "from_month", "to_month")

    # Disability of adults (rising with age) and of children.
    group = _pick_labels(rng, st["disability_groups"], n)
    disabled = adult & (rng.random(n) < banded(p.age, st["disability_by_age"]))
    dis_since = _before(last_day, np.maximum(adult_from, years_before(as_of, rng.uniform(0, 15, n))))
    statuses.add(disabled, kind="disability", detail=group, since=dis_since, until=open_end)
    disabled_child = (p.age < 18) & (rng.random(n) < st["disabled_child"])
    child_since = _before(last_day, p.birth + (rng.random(n) * p.age * YEAR).astype(np.int64))
    statuses.add(disabled_child, kind="disabled_child", detail=group, since=child_since, until=open_end)

    # Mothers: large families (4+ minor children), Kumis alqa (6 children), Altyn alqa (7+).
    minor = (p.role == CHILD) & (p.age < 18)
    minors = np.bincount(fam, weights=minor, minlength=h.n).astype(np.int64)
    mother = np.where(~h.head_male, h.start, np.where(h.spouse, h.start + 1, h.start))
    mother_ok = ~p.male[mother] & (h.kind != GUARDIANSHIP)
    nth_birth = {}
    for rank in (3, 5, 6):
        births = np.full(h.n, NULL_DAY, dtype=np.int64)
        sel = (p.role == CHILD) & (p.kid_rank == rank)
        births[fam[sel]] = p.birth[sel]
        nth_birth[rank] = births
    large = mother_ok & (minors >= 4)
    statuses.add(mother[large], kind="large_family", detail=None, since=nth_birth[3][large], until=NULL_DAY)
    award = rng.random(h.n) < st["alqa_award_rate"]
    award_delay = (rng.uniform(0.5, 3, h.n) * YEAR).astype(np.int64)
    for kind, rank, families in (
        ("altyn_alqa", 6, mother_ok & award & (h.kids >= 7)),
        ("kumis_alqa", 5, mother_ok & award & (h.kids == 6)),
    ):
        since = _before(last_day[mother], nth_birth[rank] + award_delay)
        statuses.add(mother[families], kind=kind, detail=None, since=since[families], until=NULL_DAY)
    heroine = ~p.male & (p.age >= 65) & (rng.random(n) < st["mother_heroine_of_old_women"])
    statuses.add(heroine, kind="mother_heroine", detail=None, since=p.birth + int(40 * YEAR), until=NULL_DAY)

    # Orphans (lost their parents before 18), veterans, kandas, chronic disease.
    lost = p.birth + (rng.random(n) * np.minimum(p.age, 17.9) * YEAR).astype(np.int64)
    statuses.add(p.orphan, kind="orphan", detail=None, since=_before(last_day, lost), until=NULL_DAY)
    afghan = p.male & (p.birth >= day_of("1947-01-01")) & (p.birth <= day_of("1970-12-31"))
    combat = afghan & (rng.random(n) < st["combat_veteran_of_men_born_1947_1970"])
    served = np.maximum(day_of("1980-01-01") + rng.integers(0, 11 * 365, n), adult_from)
    statuses.add(combat, kind="combat_veteran", detail="afghanistan", since=served, until=NULL_DAY)
    wwii = p.male & alive & (p.age >= 98) & (rng.random(n) < st["wwii_veteran_of_very_old_men"])
    statuses.add(wwii, kind="wwii_veteran", detail=None, since=day_of("1945-05-09"), until=NULL_DAY)
    arrival = h.arrival[fam]
    kandas = (h.citizenship[fam] == KANDAS) & (p.birth < arrival)
    naturalised = _before(np.full(n, as_of), arrival + (rng.uniform(1, 4, n) * YEAR).astype(np.int64))
    kandas_until = np.where(p.citizenship == CITIZEN, naturalised, NULL_DAY)
    statuses.add(kandas, kind="kandas", detail=None, since=arrival, until=kandas_until)
    chronic = rng.random(n) < st["chronic_disease"]
    statuses.add(chronic, kind="chronic_disease", detail=None, since=child_since, until=open_end)

    # Widows and widowers: a surviving partner, and most elderly people living alone.
    head, spouse = h.start, h.start + 1
    head_dead = h.spouse & (p.death[head] != NULL_DAY) & (p.death[np.minimum(spouse, n - 1)] == NULL_DAY)
    spouse_dead = h.spouse & (p.death[np.minimum(spouse, n - 1)] != NULL_DAY) & (p.death[head] == NULL_DAY)
    statuses.add(spouse[head_dead], kind="widow", detail=None, since=p.death[head][head_dead], until=NULL_DAY)
    statuses.add(
        head[spouse_dead], kind="widow", detail=None, since=p.death[spouse[spouse_dead]], until=NULL_DAY
    )
    old_single = (h.kind[fam] == SINGLE) & (p.age >= 60) & alive
    widowed = old_single & (
        rng.random(n) < np.where(p.male, st["widow_of_old_single_men"], st["widow_of_old_single_women"])
    )
    widowed_since = np.maximum(years_before(as_of, rng.uniform(1, 25, n)), p.birth + int(20 * YEAR))
    statuses.add(widowed, kind="widow", detail=None, since=_before(last_day, widowed_since), until=NULL_DAY)

    # Single parents of minor children.
    youngest = np.full(h.n, NULL_DAY, dtype=np.int64)
    sel = (p.role == CHILD) & (p.kid_rank == h.kids[fam] - 1)
    youngest[fam[sel]] = p.birth[sel]
    lone = (h.kind == SINGLE_PARENT) & (minors > 0)
    lone_since = youngest + (rng.random(h.n) * (as_of - youngest)).astype(np.int64)
    statuses.add(head[lone], kind="single_parent", detail=None, since=lone_since[lone], until=NULL_DAY)

    # Housing history of the family held by the state: received state housing; preferential purchase.
    got_housing = rng.random(h.n) < shares["housing"]["state_housing_received"]
    got_since = np.maximum(years_before(as_of, rng.uniform(1, 25, h.n)), adult_from[head])
    statuses.add(
        head[got_housing],
        kind="state_housing_received",
        detail=None,
        since=got_since[got_housing],
        until=NULL_DAY,
    )
    prop = pl.properties
    candidates = (
        prop["_current"]
        & ~prop["_spouse_row"]
        & (prop["acquisition"] == "purchase")
        & (prop["acquired_on"] >= day_of("2010-01-01"))
    )
    owners = int(prop["_current"].sum())
    rate = min(1.0, shares["housing"]["preferential_purchase"] * owners / max(int(candidates.sum()), 1))
    preferential = candidates & (rng.random(len(candidates)) < rate)
    statuses.add(
        prop["person"][preferential],
        kind="preferential_purchase",
        detail=None,
        since=prop["acquired_on"][preferential],
        until=NULL_DAY,
    )
    saver = (p.age >= 20) & (p.age < 50) & (rng.random(n) < st["otbasy_deposit_of_adults"])
    saver_since = np.maximum(years_before(as_of, rng.uniform(0, 12, n)), adult_from)
    statuses.add(
        saver, kind="otbasy_deposit", detail=None, since=_before(last_day, saver_since), until=open_end
    )

    # Work, pensions and benefits.
    retire_age = np.where(p.male, w["retirement_age_male"], w["retirement_age_female"])
    pensioner = p.age >= retire_age
    employment = np.where(
        p.male, banded(p.age, w["employed"]["male"]), banded(p.age, w["employed"]["female"])
    )
    employed = (adult & ~pensioner & (rng.random(n) < employment)) | (
        pensioner & (p.age < 75) & (rng.random(n) < w["working_pensioners"])
    )
    employed &= ~(disabled & (group == "1"))
    entrepreneur = employed & (rng.random(n) < w["entrepreneur"])
    salaried = employed & ~entrepreneur
    job_start = _before(last_day, np.maximum(years_before(as_of, rng.exponential(5, n)), adult_from))
    factor = geo.salary_factor[h.leaf][fam]
    salary = np.exp(rng.normal(np.log(w["salary_median"] * factor), w["salary_sigma"]))
    business = np.exp(rng.normal(np.log(w["entrepreneur_median"] * factor), w["entrepreneur_sigma"]))
    tiyn = np.round(np.where(entrepreneur, business, salary)).astype(np.int64) * 100
    job_month = month_start(job_start)
    open_month = month_start(open_end)
    incomes.add(salaried, source="salary", monthly_tiyn=tiyn, from_month=job_month, to_month=open_month)
    incomes.add(
        entrepreneur, source="entrepreneur", monthly_tiyn=tiyn, from_month=job_month, to_month=open_month
    )
    earlier = salaried & (rng.random(n) < w["previous_job"]) & (job_start - adult_from > 2 * YEAR)
    earlier_from = month_start(np.maximum(years_before(job_start, rng.uniform(1, 8, n)), adult_from))
    earlier_to = month_start(job_month - 1)
    earlier &= earlier_to > earlier_from
    earlier_tiyn = (tiyn * rng.uniform(0.6, 0.95, n)).astype(np.int64) // 100 * 100
    incomes.add(
        earlier, source="salary", monthly_tiyn=earlier_tiyn, from_month=earlier_from, to_month=earlier_to
    )

    u = rng.random(n)
    cs, bw = w["civil_servant"], w["budget_worker"]
    for kind, mask in (
        ("civil_servant", salaried & (u < cs)),
        ("budget_worker", salaried & (u >= cs) & (u < cs + bw)),
        ("military", salaried & p.male & (u >= cs + bw) & (u < cs + bw + w["military_of_men"])),
    ):
        statuses.add(mask, kind=kind, detail=None, since=job_start, until=open_end)

    retired_on = _before(last_day, p.birth + (retire_age * YEAR).astype(np.int64))
    low, high = w["pension_range"]
    pension = (rng.uniform(low, high, n)).astype(np.int64) * 100
    incomes.add(
        pensioner,
        source="pension",
        monthly_tiyn=pension,
        from_month=month_start(retired_on),
        to_month=open_month,
    )
    statuses.add(pensioner, kind="pensioner", detail="age", since=retired_on, until=open_end)

    benefit = np.array([soc["disability_benefit"].get(g, 0) for g in ("1", "2", "3")], dtype=np.int64) * 100
    group_idx = np.array([int(g) - 1 for g in group.tolist()], dtype=np.int64)
    incomes.add(
        disabled,
        source="social",
        monthly_tiyn=benefit[group_idx],
        from_month=month_start(dis_since),
        to_month=open_month,
    )
    carer = mother[fam]  # the benefit for a disabled child is paid to the mother (or the head)
    incomes.add(
        carer[disabled_child],
        source="social",
        monthly_tiyn=np.full(int(disabled_child.sum()), soc["disabled_child_benefit"] * 100),
        from_month=month_start(child_since[disabled_child]),
        to_month=NULL_DAY,
    )
    allowance = minors * soc["large_family_benefit_per_child"] * 100
    incomes.add(
        mother[large],
        source="social",
        monthly_tiyn=allowance[large],
        from_month=month_start(nth_birth[3][large]),
        to_month=open_month[mother[large]],
    )
    return incomes.columns_out(), statuses.columns_out()
