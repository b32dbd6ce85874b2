"""Households and the people in them, for one chunk, as numpy arrays (no Python loop per person).

Dates are integer days since 1970-01-01 (numpy's datetime64[D] epoch); ``NULL_DAY`` marks a missing
date. Ages are float years at the snapshot date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kezek.population.geography import Geography
from kezek.population.names import NameBank

YEAR = 365.2425
DAY0 = int(np.datetime64("1800-01-01", "D").astype(np.int64))
NULL_DAY = DAY0 - 1

SINGLE, COUPLE, COUPLE_CHILDREN, SINGLE_PARENT, MULTIGENERATIONAL, GUARDIANSHIP = range(6)
TYPE_NAMES = ("single", "couple", "couple_children", "single_parent", "multigenerational", "guardianship")
HEAD, SPOUSE, CHILD, ELDER = range(4)
CITIZEN, KANDAS, FOREIGN = range(3)
CITIZENSHIP_NAMES = np.array(["citizen", "kandas", "foreign"], dtype=object)

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
B = npt.NDArray[np.bool_]


def pick(rng: np.random.Generator, dist: Mapping[Any, float], n: int) -> I64:
    """``n`` draws from a {integer value: weight} distribution."""
    values = np.array([int(k) for k in dist], dtype=np.int64)
    weights = np.array(list(dist.values()), dtype=float)
    return values[rng.choice(len(values), n, p=weights / weights.sum())]


def banded(age: F64, bands: Mapping[Any, float]) -> F64:
    """The probability of the highest age band at or below each age (0 below the first band)."""
    edges = np.array(sorted(float(k) for k in bands))
    probs = np.array([float(bands[k]) for k in sorted(bands, key=float)])
    idx = np.searchsorted(edges, age, side="right") - 1
    return np.where(idx >= 0, probs[np.maximum(idx, 0)], 0.0)


def years_before(day: I64 | int, years: F64 | float) -> I64:
    return np.asarray(day - np.round(np.asarray(years) * YEAR), dtype=np.int64)


@dataclass
class Households:
    n: int
    kind: I64
    kids: I64
    spouse: B
    elders: I64
    size: I64
    start: I64  # index of each family's head among the chunk's people
    leaf: I64  # index into Geography.codes
    russian: B
    citizenship: I64
    arrival: I64  # kandas arrival day (NULL_DAY otherwise)
    head_male: B
    ru_patronymic: B


@dataclass
class People:
    n: int
    family: I64
    role: I64
    kid_rank: I64  # 0 = the oldest child; -1 for others
    male: B
    age: F64
    birth: I64
    given: npt.NDArray[np.object_]
    given_male_idx: I64  # index of the given name among male names (fathers' names)
    surname: npt.NDArray[np.object_]
    patronymic: npt.NDArray[np.object_]
    citizenship: I64
    death: I64
    orphan: B


def households(
    rng: np.random.Generator, n: int, shares: Mapping[str, Any], geo: Geography, remaining: int
) -> Households:
    """``n`` households, trimmed so that together they hold at most ``remaining`` people."""
    hh = shares["households"]
    types = hh["types"]
    kind = rng.choice(len(TYPE_NAMES), n, p=np.array([types[t] for t in TYPE_NAMES]) / sum(types.values()))
    kids = np.zeros(n, dtype=np.int64)
    with_kids = np.isin(kind, (COUPLE_CHILDREN, SINGLE_PARENT, MULTIGENERATIONAL))
    kids[with_kids] = pick(rng, hh["children"], int(with_kids.sum()))
    guard = kind == GUARDIANSHIP
    kids[guard] = pick(rng, hh["guardianship_children"], int(guard.sum()))
    spouse = np.isin(kind, (COUPLE, COUPLE_CHILDREN, MULTIGENERATIONAL))
    elders = np.where(kind == MULTIGENERATIONAL, pick(rng, hh["multigenerational_elders"], n), 0)
    size = 1 + spouse.astype(np.int64) + kids + elders
    # The last chunk stops at exactly the requested number of people: the family that crosses the
    # line keeps its head and as many of the others as fit.
    ends = np.cumsum(size)
    if ends[-1] > remaining:
        last = int(np.searchsorted(ends, remaining, side="left"))
        room = remaining - (int(ends[last - 1]) if last > 0 else 0) - 1
        spouse[last] = spouse[last] and room > 0
        room -= int(spouse[last])
        kids[last] = min(int(kids[last]), room)
        elders[last] = min(int(elders[last]), room - int(kids[last]))
        n = last + 1
        kind, kids, spouse, elders = kind[:n], kids[:n], spouse[:n], elders[:n]
        if kids[-1] == 0 and kind[-1] in (COUPLE_CHILDREN, SINGLE_PARENT, GUARDIANSHIP):
            kind[-1] = COUPLE if spouse[-1] else SINGLE
        size = 1 + spouse.astype(np.int64) + kids + elders
    leaf = rng.choice(geo.size, n, p=geo.weights)
    russian = rng.random(n) < geo.russian_share[leaf]
    cit_cfg = shares["citizenship"]
    u = rng.random(n)
    citizenship = np.where(
        ~russian & (u < cit_cfg["kandas_families_of_kazakh"]),
        KANDAS,
        np.where(rng.random(n) < cit_cfg["foreign_families"], FOREIGN, CITIZEN),
    ).astype(np.int64)
    head_male = np.select(
        [
            np.isin(kind, (COUPLE, COUPLE_CHILDREN, MULTIGENERATIONAL)),
            kind == SINGLE_PARENT,
            kind == GUARDIANSHIP,
        ],
        [
            rng.random(n) < hh["couple_head_male"],
            rng.random(n) >= hh["single_parent_female"],
            rng.random(n) < 0.15,
        ],
        default=rng.random(n) < 0.45,
    )
    ru_patronymic = russian | (rng.random(n) < shares["kazakh_patronymic_russian_form"])
    return Households(
        n=n,
        kind=kind,
        kids=kids,
        spouse=spouse,
        elders=elders,
        size=size,
        start=np.cumsum(size) - size,
        leaf=leaf,
        russian=russian,
        citizenship=citizenship,
        arrival=np.full(n, NULL_DAY, dtype=np.int64),
        head_male=head_male,
        ru_patronymic=ru_patronymic,
    )


def _spread_clip(values: F64, lo: float | None, hi: float | None, spread: float = 1.0) -> F64:
    """Clip ages into [lo, hi], spreading the clipped ones over ``spread`` years inside the bound
    instead of piling them on one birth date (a million people would exhaust the IIN serials of
    that day). Deterministic: the spread comes from the row index, not from the random stream."""
    values = np.asarray(values, dtype=np.float64)
    jitter = (np.arange(len(values)) * 0.6180339887498949 + 0.5) % 1.0 * spread
    if lo is not None:
        values = np.where(values < lo, lo + jitter, values)
    if hi is not None:
        values = np.where(values > hi, hi - jitter, values)
    return values


def _head_ages(rng: np.random.Generator, h: Households) -> tuple[F64, F64]:
    """Ages of the head and of the spouse (when there is one)."""
    n = h.n
    r = rng.random(n)
    single_age = np.where(
        r < 0.4,
        rng.uniform(18, 35, n),
        np.where(r < 0.55, rng.uniform(35, 60, n), _spread_clip(60 + rng.exponential(8, n), None, 104, 4)),
    )
    couple_age = np.where(rng.random(n) < 0.4, rng.uniform(20, 35, n), rng.uniform(50, 88, n))
    head = np.select(
        [h.kind == SINGLE, h.kind == COUPLE, h.kind == MULTIGENERATIONAL, h.kind == GUARDIANSHIP],
        [single_age, couple_age, rng.uniform(24, 50, n), rng.uniform(40, 72, n)],
        default=rng.uniform(21, 56, n),
    )
    gap = rng.normal(2.5, 3.0, n)
    spouse = _spread_clip(np.where(h.head_male, head - gap, head + gap), 18, 100)
    # A mother of n children is old enough to have had them (first at 19+, about 1.5 years apart).
    mother = np.where(h.head_male & h.spouse, spouse, head)
    needed = np.where(h.kids > 0, 20 + (h.kids - 1) * 1.5 + rng.uniform(0, 6, n), 0)
    shift = np.where((h.kind != GUARDIANSHIP) & (mother < needed), needed - mother, 0)
    return _spread_clip(head + shift, None, 100, 3), _spread_clip(spouse + shift, None, 100, 3)


def people(
    rng: np.random.Generator,
    h: Households,
    shares: Mapping[str, Any],
    bank: NameBank,
    as_of: int,
) -> People:
    head_age, spouse_age = _head_ages(rng, h)
    n_people = int(h.size.sum())
    fam = np.repeat(np.arange(h.n), h.size)
    pos = np.arange(n_people) - h.start[fam]
    has_spouse = h.spouse[fam].astype(np.int64)
    after_adults = pos - 1 - has_spouse
    role = np.select(
        [pos == 0, (has_spouse == 1) & (pos == 1), after_adults < h.kids[fam]],
        [HEAD, SPOUSE, CHILD],
        default=ELDER,
    )
    kid_rank = np.where(role == CHILD, after_adults, -1)
    elder_rank = np.where(role == ELDER, after_adults - h.kids[fam], -1)

    # Sex: spouses are of the other sex; with two elders the first is the father.
    male = np.select(
        [role == HEAD, role == SPOUSE, role == CHILD, (role == ELDER) & (h.elders[fam] == 2)],
        [h.head_male[fam], ~h.head_male[fam], rng.random(n_people) < 0.512, elder_rank == 0],
        default=rng.random(n_people) < 0.25,
    )

    # Children's ages: the oldest was born when the mother was 19.5–29 (adult children over ~25–30
    # have mostly left home), the others about ``spacing`` years apart; a guardian's wards are minors.
    mother = np.where(h.head_male & h.spouse, spouse_age, np.where(h.head_male, head_age - 2.5, head_age))
    oldest = np.clip(mother - rng.uniform(19.5, 29, h.n), 0.05, 25 + rng.uniform(0, 5, h.n))
    oldest = np.where(h.kind == GUARDIANSHIP, rng.uniform(3, 17.5, h.n), oldest)
    spacing = rng.uniform(1.3, 3.6, h.n)
    spacing = np.where(h.kids > 1, np.minimum(spacing, oldest / np.maximum(h.kids - 1, 1)), spacing)
    elder_age = _spread_clip(head_age + rng.uniform(22, 34, h.n), None, 101, 5)
    kid_age = oldest[fam] - kid_rank * spacing[fam] + rng.uniform(-0.2, 0.2, n_people)
    age = np.select(
        [role == HEAD, role == SPOUSE, role == CHILD, elder_rank == 0],
        [head_age[fam], spouse_age[fam], _spread_clip(kid_age, 0.02, None, 0.9), elder_age[fam]],
        default=_spread_clip(elder_age[fam] + rng.uniform(-4, 4, n_people), None, 101, 5),
    )
    birth = years_before(as_of, age)

    # Names: one surname stem per family (the wife keeps her own sometimes; a guardian's wards keep
    # their parents'), children carry the father's name in their patronymic.
    russian = h.russian[fam]
    given_m = bank.pick(rng, russian, "male")
    given_f = bank.pick(rng, russian, "female")
    given = np.where(male, bank.male[given_m], bank.female[given_f])
    stem = bank.pick(rng, h.russian, "surname")[fam]
    own_stem = (role == SPOUSE) & (rng.random(n_people) >= shares["households"]["wife_takes_husband_surname"])
    own_stem |= (h.kind[fam] == GUARDIANSHIP) & (role == CHILD)
    stem = np.where(own_stem, bank.pick(rng, russian, "surname"), stem)
    surname = np.where(male, bank.surname_male[stem], bank.surname_female[stem])

    father = bank.pick(rng, russian, "male")  # a father not in the data
    head_idx, spouse_idx = h.start, h.start + 1
    household_father = np.where(
        h.head_male,
        given_m[head_idx],
        np.where(h.spouse & ~h.head_male, given_m[np.minimum(spouse_idx, n_people - 1)], -1),
    )
    kid_father = household_father[fam]
    father = np.where((role == CHILD) & (h.kind[fam] != GUARDIANSHIP) & (kid_father >= 0), kid_father, father)
    first_elder = h.start + 1 + h.spouse.astype(np.int64) + h.kids
    elder_is_father = (h.elders > 0) & male[np.minimum(first_elder, n_people - 1)]
    head_father = np.where(elder_is_father, given_m[np.minimum(first_elder, n_people - 1)], -1)
    father = np.where((role == HEAD) & (head_father[fam] >= 0), head_father[fam], father)
    female_col = (~male).astype(np.int64)
    patronymic = np.where(
        h.ru_patronymic[fam],
        bank.patronymic_ru_form[father, female_col],
        bank.patronymic_kk_form[father, female_col],
    )
    no_patronymic = (h.citizenship[fam] == FOREIGN) & (
        rng.random(n_people) < 0.5
    )  # many foreigners have none
    patronymic = patronymic.astype(object)
    patronymic[no_patronymic] = None

    # Kandas families arrived within 12 years; children born here and everyone after 4 years are citizens.
    cit_cfg = shares["citizenship"]
    kandas = h.citizenship == KANDAS
    h.arrival[kandas] = years_before(as_of, rng.uniform(0.2, 12, int(kandas.sum())))
    arrival = h.arrival[fam]
    citizenship = h.citizenship[fam].copy()
    naturalised = (citizenship == KANDAS) & (
        (birth > arrival) | (arrival < years_before(as_of, cit_cfg["kandas_years_to_citizenship"]))
    )
    citizenship[naturalised] = CITIZEN

    # Deaths in the last years, by age; the records stay (as the queue audit found).
    deaths = shares["deaths"]
    dead = (role != CHILD) & (rng.random(n_people) < banded(age, deaths["by_age"]))
    death_day = years_before(as_of, rng.uniform(0.05, deaths["years_back"], n_people))
    death_day = np.maximum(death_day, birth + int(18 * YEAR))
    death = np.where(dead & (death_day < as_of), death_day, NULL_DAY)

    young_single = (h.kind[fam] == SINGLE) & (age >= 18) & (age < 29)
    orphan = ((h.kind[fam] == GUARDIANSHIP) & (role == CHILD)) | (
        young_single & (rng.random(n_people) < shares["statuses"]["orphan_of_young_singles"])
    )
    return People(
        n=n_people,
        family=fam,
        role=role,
        kid_rank=kid_rank,
        male=male,
        age=age,
        birth=birth,
        given=given,
        given_male_idx=given_m,
        surname=surname,
        patronymic=patronymic,
        citizenship=citizenship,
        death=death,
        orphan=orphan,
    )
