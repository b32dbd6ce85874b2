"""A run's inputs and result as values, and their canonical bytes.

Everything a run computes from is in :class:`RunInputs`: the jurisdiction, regime, as-of date and
period; the policy (method, shares, what eligibility requires); the text of every rules parameter
file (so a re-computation reads the very values the run read, whatever the files say today); the
period counters carried in; the dwellings; and the snapshot of queue entries as columns.

The canonical bytes are what is hashed and stored. They are a pure function of the values: JSON
with sorted keys and no spaces for the small parts, little-endian int64 columns for the entries,
which are sorted by (list, registration time, entry id) before encoding. Nothing depends on the
clock, on dictionary order or on the order rows came from the database.
"""

from __future__ import annotations

import hashlib
import json
import struct
import zlib
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from kezek.rules.inputs import INCOME_SOURCES

Int64Array = npt.NDArray[np.int64]

INPUTS_MAGIC = b"KEZEK-ALLOCATION-INPUTS/1\n"
RESULT_MAGIC = b"KEZEK-ALLOCATION-RESULT/2\n"
# Bumped whenever the computation would give a different result for the same inputs.
ENGINE_VERSION = "allocation-2"

# Facts about an entry, as bits of ``EntryColumns.flags``. The policy decides which of them bar an
# offer; the snapshot only records them.
FLAG_INVENTORY_FAILED = 1
FLAG_SKIPPED_FOR_OFFERS = 2
FLAG_HAS_CONSENT = 4
FLAG_HAS_PHONE = 8
FLAG_SUSPENDED = 16
FLAG_NEEDS_ACCESS = 32
FLAG_PRIORITY = 64

ENTRY_COLUMNS = ("entry_id", "list_index", "registered_us", "rank", "family_size", "flags")


def canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class DwellingRow:
    id: int
    kind: str
    rooms: int
    area_dm2: int
    accessible: bool
    floor: int | None
    address: str


@dataclass(frozen=True)
class Policy:
    """What a run needs of the jurisdiction's policy (see kezek.allocation.policy for where it comes from)."""

    method: str  # largest_remainder | webster
    priority_share_bp: int  # national regime: at least this share to the priority lists
    require_consent: bool
    require_phone: bool
    source: str  # "default" or "policy:<kato_prefix>:v<version>"
    # which ladder tiers each kind of dwelling serves (national regime; the akimat regime has no ladder)
    kind_tiers: dict[str, list[str]] = field(
        default_factory=lambda: {
            "rental": ["rental"],
            "rent_subsidy": ["rental"],
            "credit_2": ["loan_2_percent"],
            "credit_5": ["loan_5_percent"],
        }
    )

    def with_changes(self, **changes: Any) -> Policy:
        return Policy(**{**asdict(self), **changes})


@dataclass(frozen=True)
class EntryColumns:
    """The snapshot of queue entries, one row per entry, sorted by (list_index, registered_us, entry_id)."""

    entry_id: Int64Array
    list_index: Int64Array
    registered_us: Int64Array  # complete-application time, microseconds since 1970-01-01 UTC
    rank: Int64Array  # the queue number at the time of the snapshot
    family_size: Int64Array
    flags: Int64Array
    income: Int64Array  # (n, len(INCOME_SOURCES)) family income by source over the ladder's months

    def __len__(self) -> int:
        return len(self.entry_id)

    @classmethod
    def build(
        cls,
        *,
        entry_id: Any,
        list_index: Any,
        registered_us: Any,
        rank: Any,
        family_size: Any,
        flags: Any,
        income: Any | None = None,
    ) -> EntryColumns:
        """Columns from any sequences, converted to int64 and put in canonical order."""
        cols = {
            "entry_id": np.asarray(entry_id, dtype=np.int64),
            "list_index": np.asarray(list_index, dtype=np.int64),
            "registered_us": np.asarray(registered_us, dtype=np.int64),
            "rank": np.asarray(rank, dtype=np.int64),
            "family_size": np.asarray(family_size, dtype=np.int64),
            "flags": np.asarray(flags, dtype=np.int64),
        }
        n = len(cols["entry_id"])
        if any(len(v) != n for v in cols.values()):
            raise ValueError("every entry column needs one value per entry")
        inc = (
            np.zeros((n, len(INCOME_SOURCES)), dtype=np.int64)
            if income is None
            else np.asarray(income, dtype=np.int64).reshape(n, len(INCOME_SOURCES))
        )
        if len(np.unique(cols["entry_id"])) != n:
            raise ValueError("an entry appears twice in the snapshot")
        order = np.lexsort((cols["entry_id"], cols["registered_us"], cols["list_index"]))
        return cls(**{k: np.ascontiguousarray(v[order]) for k, v in cols.items()}, income=inc[order])


@dataclass(frozen=True)
class RunInputs:
    kato: str
    regime: str  # akimat | national
    as_of: date
    period: str
    lists: tuple[str, ...]  # list codes; EntryColumns.list_index points here
    policy: Policy
    params: dict[str, str]  # rules parameter file name -> its text
    counters_before: tuple[int, ...]  # per list, dwellings received earlier in the period
    dwellings: tuple[DwellingRow, ...]  # sorted by id
    entries: EntryColumns

    def header(self) -> dict[str, Any]:
        return {
            "engine": ENGINE_VERSION,
            "kato": self.kato,
            "regime": self.regime,
            "as_of": self.as_of.isoformat(),
            "period": self.period,
            "lists": list(self.lists),
            "policy": asdict(self.policy),
            "params": self.params,
            "counters_before": list(self.counters_before),
            "dwellings": [asdict(d) for d in sorted(self.dwellings, key=lambda d: d.id)],
            "entries": {"count": len(self.entries), "columns": [*ENTRY_COLUMNS, "income"]},
            "income_sources": list(INCOME_SOURCES),
        }

    def params_hash(self) -> str:
        return sha256(canonical_json(self.params))


def _frame(magic: bytes, header: bytes, *columns: npt.NDArray[Any]) -> bytes:
    parts = [magic, struct.pack("<Q", len(header)), header]
    for col in columns:
        parts.append(np.ascontiguousarray(col, dtype="<i8").tobytes())
    return b"".join(parts)


def encode_inputs(inputs: RunInputs) -> bytes:
    e = inputs.entries
    columns = [getattr(e, name) for name in ENTRY_COLUMNS]
    return _frame(INPUTS_MAGIC, canonical_json(inputs.header()), *columns, e.income)


def decode_inputs(data: bytes) -> RunInputs:
    if not data.startswith(INPUTS_MAGIC):
        raise ValueError("these are not the inputs of an allocation run")
    pos = len(INPUTS_MAGIC)
    (size,) = struct.unpack_from("<Q", data, pos)
    pos += 8
    header = json.loads(data[pos : pos + size].decode("utf-8"))
    pos += size
    n = int(header["entries"]["count"])
    if header["income_sources"] != list(INCOME_SOURCES):
        raise ValueError("the inputs were stored with other income sources than this version knows")
    cols: dict[str, Int64Array] = {}
    for name in ENTRY_COLUMNS:
        cols[name] = np.frombuffer(data, dtype="<i8", count=n, offset=pos).astype(np.int64)
        pos += 8 * n
    width = len(INCOME_SOURCES)
    income = np.frombuffer(data, dtype="<i8", count=n * width, offset=pos).astype(np.int64).reshape(n, width)
    pos += 8 * n * width
    if pos != len(data):
        raise ValueError("the inputs have trailing bytes")
    policy = Policy(**header["policy"])
    return RunInputs(
        kato=header["kato"],
        regime=header["regime"],
        as_of=date.fromisoformat(header["as_of"]),
        period=header["period"],
        lists=tuple(header["lists"]),
        policy=policy,
        params=dict(header["params"]),
        counters_before=tuple(int(x) for x in header["counters_before"]),
        dwellings=tuple(DwellingRow(**d) for d in header["dwellings"]),
        entries=EntryColumns(**cols, income=income),
    )


def compress(data: bytes) -> bytes:
    return zlib.compress(data, 1)  # speed over ratio: the hash is of the raw bytes


def decompress(data: bytes) -> bytes:
    return zlib.decompress(data)
