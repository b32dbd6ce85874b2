"""Address registrations and property ownership of a chunk of households (vectorised)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kezek.population.geography import Geography
from kezek.population.households import (
    KANDAS,
    NULL_DAY,
    YEAR,
    Households,
    People,
    years_before,
)
from kezek.population.names import NameBank

Columns = dict[str, Any]
I64 = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Places:
    registrations: Columns
    properties: Columns
    person_kato: npt.NDArray[np.str_]
    move_in: I64  # per family: day of the current registration


def _addresses(
    rng: np.random.Generator,
    place: npt.NDArray[np.object_],
    bank: NameBank,
    flat_share: npt.NDArray[np.float64],
) -> list[str]:
    n = len(place)
    street = bank.streets[rng.integers(0, len(bank.streets), n)]
    house = rng.integers(1, 180, n)
    flat = np.where(rng.random(n) < flat_share, rng.integers(1, 320, n), 0)
    return [
        f"{pl}, ул. {st}, д. {hs}, кв. {fl}" if fl else f"{pl}, ул. {st}, д. {hs}"
        for pl, st, hs, fl in zip(place.tolist(), street.tolist(), house.tolist(), flat.tolist(), strict=True)
    ]


def _other_leaf(
    rng: np.random.Generator, geo: Geography, region: I64, same_region: npt.NDArray[np.bool_]
) -> I64:
    """A leaf of ``geo.all_codes``: in the given region where ``same_region``, else in another one."""
    regions = len(geo.region_codes)
    starts = np.searchsorted(geo.all_region, np.arange(regions))
    counts = np.bincount(geo.all_region, minlength=regions)
    target = np.where(same_region, region, (region + rng.integers(1, regions, len(region))) % regions)
    return starts[target] + (rng.random(len(region)) * counts[target]).astype(np.int64)


def places(
    rng: np.random.Generator,
    h: Households,
    p: People,
    geo: Geography,
    shares: Mapping[str, Any],
    bank: NameBank,
    as_of: int,
) -> Places:
    reg = shares["registration"]
    fam = p.family
    three = geo.three_city[h.leaf]
    flat_share = np.where(
        three, shares["housing"]["flat_in_three_cities"], shares["housing"]["flat_elsewhere"]
    )
    home = _addresses(rng, geo.place[h.leaf], bank, flat_share)
    home_kato = geo.codes[h.leaf]

    # When the family moved in: recently (around the 3-year threshold in the three cities) or long ago.
    recent = rng.random(h.n) < np.where(three, reg["recent_move_three_cities"], reg["recent_move_elsewhere"])
    head_birth = p.birth[h.start]
    recent_day = years_before(as_of, rng.uniform(0.05, reg["recent_years"], h.n))
    long_day = np.maximum(
        years_before(as_of, rng.uniform(reg["recent_years"], 35, h.n)), head_birth + int(18 * YEAR)
    )
    move_in = np.minimum(np.where(recent, recent_day, long_day), as_of - 30)
    kandas = h.citizenship == KANDAS
    move_in = np.where(kandas, np.maximum(move_in, h.arrival), move_in)

    adult = p.age >= 18
    alive = p.death == NULL_DAY
    other = adult & (rng.random(p.n) < reg["other_region_adults"])
    unregistered = adult & alive & ~other & (rng.random(p.n) < reg["unregistered_adults"])
    start = np.maximum(move_in[fam], p.birth)
    other_start = np.maximum(years_before(as_of, rng.uniform(0.3, 10, p.n)), p.birth + int(16 * YEAR))
    start = np.where(other, other_start, start)
    other_leaf = _other_leaf(rng, geo, geo.region[h.leaf][fam], np.zeros(p.n, dtype=bool))
    kato = np.where(other, geo.all_codes[other_leaf], home_kato[fam])
    address = np.array(home, dtype=object)[fam]
    if other.any():
        address[other] = _addresses(
            rng, geo.all_place[other_leaf[other]], bank, np.full(int(other.sum()), 0.6)
        )
    end = np.full(p.n, NULL_DAY, dtype=np.int64)
    deregistered = years_before(as_of, rng.uniform(0.08, 3, p.n))
    end = np.where(unregistered, np.maximum(deregistered, start + 30), end)
    start = np.where(~alive, np.minimum(start, p.death - 1), start)
    end = np.where(~alive, p.death, end)

    # The previous registration of families that moved (not of kandas: they lived abroad).
    prev_family = ~kandas & (rng.random(h.n) < reg["previous_registration"])
    same = rng.random(h.n) < reg["previous_same_region"]
    prev_leaf = _other_leaf(rng, geo, geo.region[h.leaf], same)
    prev_from_family = years_before(move_in, rng.uniform(2, 15, h.n))
    prev_from_person = np.maximum(prev_from_family[fam], p.birth)
    has_prev = prev_family[fam] & ~other & (start > p.birth + 30) & (prev_from_person < start)
    prev_idx = np.flatnonzero(has_prev)
    prev_addr = _addresses(rng, geo.all_place[prev_leaf], bank, np.full(h.n, 0.6))
    prev_from = prev_from_person[prev_idx]

    registrations: Columns = {
        "person": np.concatenate([np.arange(p.n), prev_idx]),
        "kato": np.concatenate([kato, geo.all_codes[prev_leaf][fam[prev_idx]]]),
        "address": np.concatenate([address, np.array(prev_addr, dtype=object)[fam[prev_idx]]]),
        "registered_from": np.concatenate([start, prev_from]),
        "registered_to": np.concatenate([end, start[prev_idx]]),
    }
    properties = _properties(rng, h, p, geo, shares, as_of, head_birth)
    return Places(registrations=registrations, properties=properties, person_kato=kato, move_in=move_in)


def _properties(
    rng: np.random.Generator,
    h: Households,
    p: People,
    geo: Geography,
    shares: Mapping[str, Any],
    as_of: int,
    head_birth: I64,
) -> Columns:
    hs = shares["housing"]
    n = h.n
    head_age = p.age[h.start]
    own_p = np.where(head_age < 30, 0.3, np.where(head_age >= 60, 0.82, hs["own_current"]))
    u = rng.random(n)
    own = u < own_p
    sold_recent = ~own & (u < own_p + hs["sold_within_5_years"])
    sold_long = ~own & ~sold_recent & (u < own_p + hs["sold_within_5_years"] + hs["sold_long_ago"])
    adult_from = head_birth + int(18 * YEAR)

    three = geo.three_city[h.leaf]
    flat_p = np.where(three, hs["flat_in_three_cities"], hs["flat_elsewhere"])
    k = rng.random(n)
    kind = np.where(k < hs["dormitory_room"], "dormitory_room", np.where(k < flat_p, "flat", "house"))
    area = np.select(
        [kind == "flat", kind == "house"],
        [np.clip(rng.normal(58, 18, n), 22, 160), np.clip(rng.normal(95, 35, n), 35, 300)],
        default=rng.uniform(12, 24, n),
    )
    acq_names = np.array(list(hs["acquisition"]), dtype=object)
    acq_p = np.array(list(hs["acquisition"].values()), dtype=float)
    acquisition = acq_names[rng.choice(len(acq_names), n, p=acq_p / acq_p.sum())]
    acquired = adult_from + (rng.random(n) * np.maximum(as_of - 60 - adult_from, 1)).astype(np.int64)
    # State housing was privatised in 1992–2005, by people who were adults then.
    priv_day = int(np.datetime64("1992-01-01", "D").astype(np.int64)) + rng.integers(0, 14 * 365, n)
    privatised = (acquisition == "privatisation") & (priv_day > adult_from)
    acquisition = np.where((acquisition == "privatisation") & ~privatised, "purchase", acquisition)
    acquired = np.where(privatised, priv_day, acquired)
    emergency = own & (rng.random(n) < hs["emergency_of_owned"])
    emergency_since = np.where(
        emergency, np.maximum(acquired + 30, years_before(as_of, rng.uniform(0.1, 15, n))), NULL_DAY
    )
    emergency_since = np.where(emergency_since >= as_of, as_of - 1, emergency_since)

    al_names = np.array(list(hs["alienation"]), dtype=object)
    al_p = np.array(list(hs["alienation"].values()), dtype=float)
    alienation = al_names[rng.choice(len(al_names), n, p=al_p / al_p.sum())]
    sold_on = np.where(
        sold_recent,
        years_before(as_of, rng.uniform(0.05, 5, n)),
        years_before(as_of, rng.uniform(5.05, 20, n)),
    )
    sold_acquired = years_before(sold_on, rng.uniform(1, 15, n))
    sold_ok = (sold_recent | sold_long) & (sold_acquired > adult_from)
    # Owners who sold or exchanged an earlier dwelling when they got the current one.
    earlier = own & (rng.random(n) < hs["previous_before_current"])
    earlier_sold = acquired - rng.integers(0, 180, n)
    earlier_acquired = years_before(earlier_sold, rng.uniform(2, 15, n))
    earlier_ok = earlier & (earlier_acquired > adult_from)

    same_leaf = rng.random(n) < 0.7
    moved_leaf = geo.all_codes[_other_leaf(rng, geo, geo.region[h.leaf], np.ones(n, dtype=bool))]
    former_kato = np.where(same_leaf, geo.codes[h.leaf], moved_leaf)

    f_own = np.flatnonzero(own)
    f_sold = np.flatnonzero(sold_ok)
    f_earlier = np.flatnonzero(earlier_ok)
    spouse_owner = own & h.spouse & (rng.random(n) < hs["spouse_co_owner"])
    f_spouse = np.flatnonzero(spouse_owner)
    families = np.concatenate([f_own, f_spouse, f_sold, f_earlier])
    owner = np.concatenate([h.start[f_own], h.start[f_spouse] + 1, h.start[f_sold], h.start[f_earlier]])
    current = np.concatenate([f_own, f_spouse])
    former = np.concatenate([f_sold, f_earlier])
    nulls = np.full(len(former), NULL_DAY, dtype=np.int64)
    earlier_area = np.clip(rng.normal(50, 15, n), 18, 140)[f_earlier]
    earlier_acq = np.where(rng.random(len(f_earlier)) < 0.8, "purchase", "privatisation")
    earlier_alien = np.where(rng.random(len(f_earlier)) < 0.7, "sale", "exchange")
    return {
        "person": owner,
        "kato": np.concatenate([geo.codes[h.leaf][current], former_kato[former]]),
        "kind": np.concatenate([kind[current], kind[f_sold], np.full(len(f_earlier), "flat")]),
        "area_dm2": np.round(np.concatenate([area[current], area[f_sold], earlier_area]) * 100).astype(
            np.int64
        ),
        "acquired_on": np.concatenate(
            [acquired[current], sold_acquired[f_sold], earlier_acquired[f_earlier]]
        ),
        "acquisition": np.concatenate([acquisition[current], acquisition[f_sold], earlier_acq]).astype(
            object
        ),
        "alienated_on": np.concatenate(
            [np.full(len(current), NULL_DAY), sold_on[f_sold], earlier_sold[f_earlier]]
        ),
        "alienation": np.concatenate(
            [np.full(len(current), None, dtype=object), alienation[f_sold], earlier_alien.astype(object)]
        ),
        "emergency_since": np.concatenate([emergency_since[current], nulls]),
        # Kept for the status records (not a column): the family of each row and whether it is current.
        "_family": families,
        "_current": np.concatenate([np.ones(len(current), bool), np.zeros(len(former), bool)]),
        "_spouse_row": np.concatenate(
            [np.zeros(len(f_own), bool), np.ones(len(f_spouse), bool), np.zeros(len(former), bool)]
        ),
    }
