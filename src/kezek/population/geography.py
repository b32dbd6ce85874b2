"""Where people live: the leaf jurisdictions of the KATO reference, weighted by rough population."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from kezek.registry import kato as kato_rules


@dataclass(frozen=True)
class Geography:
    codes: npt.NDArray[np.str_]  # leaf KATO codes (districts and cities)
    weights: npt.NDArray[np.float64]  # sampling weights, sum 1
    region: npt.NDArray[np.int64]  # index of each leaf's region in ``region_codes``
    region_codes: tuple[str, ...]  # AB of each region
    three_city: npt.NDArray[np.bool_]  # Astana, Almaty, Shymkent (3-year registration rule)
    russian_share: npt.NDArray[np.float64]  # per leaf
    salary_factor: npt.NDArray[np.float64]  # per leaf
    place: npt.NDArray[np.object_]  # address prefix in Russian ("г. Астана, район Есиль")
    all_codes: npt.NDArray[np.str_]  # every leaf of the reference (for moves to other regions)
    all_region: npt.NDArray[np.int64]
    all_place: npt.NDArray[np.object_]

    @property
    def size(self) -> int:
        return len(self.codes)


def _place(entry: kato_rules.KatoEntry, by_code: Mapping[str, kato_rules.KatoEntry]) -> str:
    parent = by_code.get(entry.parent or "")
    if entry.level == "city":
        return entry.name_ru
    if parent is not None and parent.level == "city_republican":
        return f"{parent.name_ru}, {entry.name_ru}"
    if parent is not None:
        return f"{parent.name_ru}, {entry.name_ru}"
    return entry.name_ru


def build(shares: Mapping[str, Any], only: Mapping[str, float] | None = None) -> Geography:
    """Leaves of the shipped KATO reference with weights from the shares' region populations.

    ``only`` restricts the population to the given leaf codes with the given relative weights
    (the demo dataset lives in a few jurisdictions only).
    """
    entries = kato_rules.reference()
    by_code = {e.code: e for e in entries}
    leaves = [e for e in entries if e.level in ("district", "city")]
    regions_cfg: Mapping[str, Mapping[str, float]] = shares["regions"]
    region_codes = tuple(sorted(regions_cfg))
    region_index = {ab: i for i, ab in enumerate(region_codes)}
    weight: dict[str, float] = {}
    for ab, cfg in regions_cfg.items():
        members = [e for e in leaves if e.code[:2] == ab]
        if not members:
            raise ValueError(f"region {ab} has no district or city in the KATO reference")
        centre = members[0] if members[0].level == "city" else None
        cities = [e for e in members[1:] if e.level == "city"] if centre else []
        districts = [e for e in members if e.level == "district"]
        total = float(cfg["population"])
        if ab in kato_rules.REPUBLICAN_CITIES or centre is None:
            for e in members:
                weight[e.code] = total / len(members)
            continue
        city_share = float(shares["centre"]) + 0.1 * len(cities)
        weight[centre.code] = total * float(shares["centre"])
        for e in cities:
            weight[e.code] = total * 0.1
        for e in districts:
            weight[e.code] = total * (1 - city_share) / max(1, len(districts))
    chosen = [e for e in leaves if (only is None or e.code in only)]
    if only is not None:
        unknown = sorted(set(only) - {e.code for e in chosen})
        if unknown:
            raise ValueError(f"not leaf jurisdictions of the KATO reference: {', '.join(unknown)}")
    raw = np.array([(only[e.code] if only is not None else weight[e.code]) for e in chosen], dtype=float)
    factor_cfg: Mapping[str, float] = shares["work"]["salary_factor"]
    default_russian = float(shares["russian_names_default"])
    return Geography(
        codes=np.array([e.code for e in chosen]),
        weights=raw / raw.sum(),
        region=np.array([region_index[e.code[:2]] for e in chosen], dtype=np.int64),
        region_codes=region_codes,
        three_city=np.array([e.code[:2] in kato_rules.REPUBLICAN_CITIES for e in chosen]),
        russian_share=np.array(
            [float(regions_cfg.get(e.code[:2], {}).get("russian_names", default_russian)) for e in chosen]
        ),
        salary_factor=np.array([float(factor_cfg.get(e.code[:2], 1.0)) for e in chosen]),
        place=np.array([_place(e, by_code) for e in chosen], dtype=object),
        all_codes=np.array([e.code for e in leaves]),
        all_region=np.array([region_index[e.code[:2]] for e in leaves], dtype=np.int64),
        all_place=np.array([_place(e, by_code) for e in leaves], dtype=object),
    )
