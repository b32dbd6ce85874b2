"""The synthetic population: deterministic for (persons, seed), generated chunk by chunk.

Each chunk of ``CHUNK_FAMILIES`` households draws from its own random stream
(``numpy.random.default_rng([seed, chunk])``), so memory stays constant and the result depends only
on the number of persons, the seed and the shares (``shares.yaml``). Ids are assigned here, in
order, so that the files' foreign keys line up without the database's help.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import yaml

from kezek.population import geography
from kezek.population.households import (
    CHILD,
    CITIZENSHIP_NAMES,
    DAY0,
    ELDER,
    GUARDIANSHIP,
    HEAD,
    NULL_DAY,
    SPOUSE,
    households,
    people,
)
from kezek.population.lives import lives
from kezek.population.names import name_bank
from kezek.population.places import places
from kezek.population.tables import TABLES
from kezek.registry import iin as iin_rules

SHARES_PATH = Path(__file__).with_name("shares.yaml")
CHUNK_FAMILIES = 16384
GENERATOR_VERSION = 1
# Serials 9000–9999 are never generated: hand-made demo people use them, so their IINs never clash.
RESERVED_SERIAL = 9000

Column = list[Any]
Table = dict[str, Column]

_PHONE_PREFIXES = np.array([700, 701, 702, 705, 707, 708, 747, 771, 775, 776, 777, 778], dtype=np.int64)
_PHONE_SPACE = len(_PHONE_PREFIXES) * 10_000_000
_PHONE_STEP = 7_777_777  # coprime with the space: person id -> phone number is one-to-one


@lru_cache(maxsize=1)
def load_shares() -> dict[str, Any]:
    with SHARES_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)  # type: ignore[no-any-return]


def _day(value: date) -> int:
    return int(np.datetime64(value.isoformat(), "D").astype(np.int64))


@lru_cache(maxsize=1)
def _date_strings() -> npt.NDArray[np.object_]:
    """ISO strings for every day from 1800 to 2100, and '' last (so NULL_DAY maps to an empty field)."""
    days = np.arange(DAY0, _day(date(2101, 1, 1)), dtype=np.int64).astype("datetime64[D]")
    return np.concatenate([days.astype(str).astype(object), np.array([""], dtype=object)])


def dates(days: npt.NDArray[np.int64]) -> Column:
    return _date_strings()[days - DAY0].tolist()  # type: ignore[no-any-return]


def phone_for(person_id: npt.NDArray[np.int64]) -> list[str]:
    number = (person_id * _PHONE_STEP + 1_234_567) % _PHONE_SPACE
    prefix = _PHONE_PREFIXES[number // 10_000_000]
    return [f"+7{a}{b:07d}" for a, b in zip(prefix.tolist(), (number % 10_000_000).tolist(), strict=True)]


@dataclass
class Chunk:
    index: int
    persons: int
    tables: dict[str, Table]


class IinAllocator:
    """Unique serials per (birth date, sex) across the whole population, skipping unissuable numbers."""

    def __init__(self, last_day: int) -> None:
        self.used = np.zeros((last_day - DAY0 + 1) * 2, dtype=np.int32)

    def allocate(self, birth: npt.NDArray[np.int64], male: npt.NDArray[np.bool_]) -> npt.NDArray[np.int64]:
        result = np.zeros(len(birth), dtype=np.int64)
        todo = np.arange(len(birth))
        while len(todo):
            keys = (birth[todo] - DAY0) * 2 + (~male[todo]).astype(np.int64)
            order = np.argsort(keys, kind="stable")
            sorted_keys = keys[order]
            first = np.r_[0, np.flatnonzero(np.diff(sorted_keys)) + 1]
            rank = np.arange(len(keys)) - np.repeat(first, np.diff(np.r_[first, len(keys)]))
            serial = np.empty(len(keys), dtype=np.int64)
            serial[order] = self.used[sorted_keys] + rank
            self.used += np.bincount(keys, minlength=len(self.used)).astype(np.int32)
            if serial.max(initial=0) >= RESERVED_SERIAL:
                raise OverflowError("more people share a birth date and sex than IIN serials allow")
            values, ok = iin_rules.generate_iins(birth[todo].astype("datetime64[D]"), male[todo], serial)
            result[todo[ok]] = values[ok]
            todo = todo[~ok]
        return result


class PopulationGenerator:
    def __init__(
        self,
        persons: int,
        seed: int,
        *,
        as_of: date | None = None,
        shares: Mapping[str, Any] | None = None,
        only: Mapping[str, float] | None = None,
        chunk_families: int = CHUNK_FAMILIES,
    ) -> None:
        if persons < 1:
            raise ValueError("a population has at least one person")
        self.persons = persons
        self.seed = seed
        self.shares = shares or load_shares()
        self.as_of_date: date = as_of or self.shares["as_of"]
        self.as_of = _day(self.as_of_date)
        self.only = only
        self.geo = geography.build(self.shares, only)
        self.bank = name_bank()
        self.chunk_families = chunk_families
        self.next_id = {t.name: 1 for t in TABLES}

    def chunks(self) -> Iterator[Chunk]:
        iins = IinAllocator(self.as_of)
        done, index = 0, 0
        while done < self.persons:
            rng = np.random.default_rng([self.seed, index])
            h = households(rng, self.chunk_families, self.shares, self.geo, self.persons - done)
            p = people(rng, h, self.shares, self.bank, self.as_of)
            pl = places(rng, h, p, self.geo, self.shares, self.bank, self.as_of)
            incomes, statuses = lives(rng, h, p, pl, self.geo, self.shares, self.as_of)
            tables = self._tables(h, p, pl, incomes, statuses, iins.allocate(p.birth, p.male))
            yield Chunk(index=index, persons=p.n, tables=tables)
            done += p.n
            index += 1

    def take_ids(self, table: str, n: int) -> npt.NDArray[np.int64]:
        start = self.next_id[table]
        self.next_id[table] = start + n
        return np.arange(start, start + n, dtype=np.int64)

    def _tables(
        self,
        h: Any,
        p: Any,
        pl: Any,
        incomes: Mapping[str, Any],
        statuses: Mapping[str, Any],
        iin_values: npt.NDArray[np.int64],
    ) -> dict[str, Table]:
        person_id = self.take_ids("persons", p.n)
        family_id = self.take_ids("families", h.n)
        alive_adult = (p.death == NULL_DAY) & (p.age >= 16)
        rng = np.random.default_rng([self.seed, 1_000_000 + int(person_id[0])])
        has_phone = alive_adult & (rng.random(p.n) < self.shares["phones"]["adults_with_phone"])
        phones: Column = [None] * p.n
        for i, number in zip(
            np.flatnonzero(has_phone).tolist(), phone_for(person_id[has_phone]), strict=True
        ):
            phones[i] = number
        relation = np.select(
            [
                p.role == HEAD,
                p.role == SPOUSE,
                (p.role == CHILD) & (h.kind[p.family] == GUARDIANSHIP),
                p.role == CHILD,
                p.role == ELDER,
            ],
            ["head", "spouse", "other", "child", "parent"],
            default="other",
        )
        base = int(person_id[0])

        def person_ids(local: npt.NDArray[np.int64]) -> Column:
            return (local + base).tolist()  # type: ignore[no-any-return]

        return {
            "persons": {
                "id": person_id.tolist(),
                "iin": iin_rules.format_iins(iin_values),
                "surname": p.surname.tolist(),
                "given_name": p.given.tolist(),
                "patronymic": p.patronymic.tolist(),
                "birth_date": dates(p.birth),
                "sex": np.where(p.male, "M", "F").tolist(),
                "citizenship": CITIZENSHIP_NAMES[p.citizenship].tolist(),
                "death_date": dates(p.death),
                "phone": phones,
                "kato": pl.person_kato.tolist(),
            },
            "families": {
                "id": family_id.tolist(),
                "head_person_id": person_ids(h.start),
                "kato": self.geo.codes[h.leaf].tolist(),
            },
            "family_members": {
                "id": self.take_ids("family_members", p.n).tolist(),
                "family_id": family_id[p.family].tolist(),
                "person_id": person_id.tolist(),
                "relation": relation.tolist(),
            },
            "address_registrations": {
                "id": self.take_ids("address_registrations", len(pl.registrations["person"])).tolist(),
                "person_id": person_ids(pl.registrations["person"]),
                "kato": pl.registrations["kato"].tolist(),
                "address": pl.registrations["address"].tolist(),
                "registered_from": dates(pl.registrations["registered_from"]),
                "registered_to": dates(pl.registrations["registered_to"]),
            },
            "income_spells": {
                "id": self.take_ids("income_spells", len(incomes["person"])).tolist(),
                "person_id": person_ids(incomes["person"]),
                "source": incomes["source"].tolist(),
                "monthly_tiyn": incomes["monthly_tiyn"].tolist(),
                "from_month": dates(incomes["from_month"]),
                "to_month": dates(incomes["to_month"]),
            },
            "property_records": {
                "id": self.take_ids("property_records", len(pl.properties["person"])).tolist(),
                "person_id": person_ids(pl.properties["person"]),
                "kato": pl.properties["kato"].tolist(),
                "kind": pl.properties["kind"].tolist(),
                "area_dm2": pl.properties["area_dm2"].tolist(),
                "acquired_on": dates(pl.properties["acquired_on"]),
                "acquisition": pl.properties["acquisition"].tolist(),
                "alienated_on": dates(pl.properties["alienated_on"]),
                "alienation": pl.properties["alienation"].tolist(),
                "emergency_since": dates(pl.properties["emergency_since"]),
            },
            "status_records": {
                "id": self.take_ids("status_records", len(statuses["person"])).tolist(),
                "person_id": person_ids(statuses["person"]),
                "kind": statuses["kind"].tolist(),
                "detail": statuses["detail"].tolist(),
                "since": dates(statuses["since"]),
                "until": dates(statuses["until"]),
            },
        }
