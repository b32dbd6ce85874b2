"""Run inputs without a database: lists of families, dwellings, a policy (for computation tests)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime

from kezek.allocation.inputs import (
    FLAG_HAS_CONSENT,
    FLAG_HAS_PHONE,
    DwellingRow,
    EntryColumns,
    Policy,
    RunInputs,
)
from kezek.models.queue import AKIMAT_LISTS
from kezek.rules.params import default_store

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
BASE_US = int((datetime(2015, 1, 1, tzinfo=UTC) - EPOCH).total_seconds()) * 1_000_000
TEXTS: dict[str, str] = {}


def params() -> dict[str, str]:
    if not TEXTS:
        from kezek.rules.params import _packaged_texts

        TEXTS.update(_packaged_texts())
    default_store()
    return TEXTS


def _us(day: date) -> int:
    return int((datetime(day.year, day.month, day.day, tzinfo=UTC) - EPOCH).total_seconds()) * 1_000_000


def inputs(
    *,
    list_sizes: Sequence[int],
    dwellings: Sequence[tuple[int, int]],  # (rooms, area dm²) rental dwellings
    family_sizes: Sequence[Sequence[int]] | None = None,
    flags: Sequence[Sequence[int]] | None = None,
    heads: Sequence[date | None] | None = None,
    method: str = "largest_remainder",
    counters: Sequence[int] | None = None,
    regime: str = "akimat",
    lists: Sequence[str] | None = None,
    priority_share_bp: int = 7_000,
    accessible: Sequence[bool] | None = None,
) -> RunInputs:
    codes = tuple(lists) if lists else AKIMAT_LISTS[: len(list_sizes)]
    ids, li, reg, rank, size, flag = [], [], [], [], [], []
    next_id = 1
    for i, n in enumerate(list_sizes):
        start = _us(heads[i]) if heads and heads[i] else BASE_US
        for k in range(n):
            ids.append(next_id)
            next_id += 1
            li.append(i)
            reg.append(start + k * 1_000_000)
            rank.append(k + 1)
            size.append(family_sizes[i][k] if family_sizes else 1)
            flag.append(flags[i][k] if flags else FLAG_HAS_CONSENT | FLAG_HAS_PHONE)
    entries = EntryColumns.build(
        entry_id=ids, list_index=li, registered_us=reg, rank=rank, family_size=size, flags=flag
    )
    rows = tuple(
        DwellingRow(
            id=j + 1,
            kind="rental",
            rooms=r,
            area_dm2=a,
            accessible=bool(accessible[j]) if accessible else False,
            floor=1,
            address=f"Street {j + 1:05d}",
        )
        for j, (r, a) in enumerate(dwellings)
    )
    return RunInputs(
        kato="351010000",
        regime=regime,
        as_of=date(2026, 3, 2),
        period="2026",
        lists=codes,
        policy=Policy(method, priority_share_bp, True, True, "default"),
        params=params(),
        counters_before=tuple(counters) if counters else (0,) * len(codes),
        dwellings=rows,
        entries=entries,
    )
