"""Allocation runs on the database: batches of dwellings, the snapshot of the queue, reproducible runs,
verification, explanations and what-if comparisons.

Services never commit (the caller owns the transaction) and write an audit event for every change.
A run stores its inputs and its result as canonical bytes (``kezek.allocation.inputs``) with their
SHA-256; :func:`verify_run` decodes the stored inputs, computes again and compares byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from kezek import clock
from kezek.allocation import compute as computation
from kezek.allocation.inputs import (
    ENGINE_VERSION,
    FLAG_HAS_CONSENT,
    FLAG_HAS_PHONE,
    FLAG_INVENTORY_FAILED,
    FLAG_NEEDS_ACCESS,
    FLAG_PRIORITY,
    FLAG_SKIPPED_FOR_OFFERS,
    FLAG_SUSPENDED,
    DwellingRow,
    EntryColumns,
    Policy,
    RunInputs,
    compress,
    decode_inputs,
    decompress,
    encode_inputs,
    sha256,
)
from kezek.allocation.policy import check_policy, policy_for
from kezek.audit.service import Actor, record
from kezek.errors import Conflict, NotFound, ValidationFailed
from kezek.models.allocation import (
    AllocationBatch,
    AllocationBatchItem,
    AllocationDecision,
    AllocationEntryFacts,
    AllocationRun,
    AllocationRunBlob,
    OfferSuspension,
)
from kezek.models.queue import AKIMAT_LISTS, NATIONAL_LISTS, QueueEntry, QueueEntryMember, QueueList
from kezek.models.stock import Dwelling
from kezek.rules.inputs import INCOME_SOURCES
from kezek.rules.params import _packaged_texts

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
DECISION_CHUNK = 20_000


def actor_label(actor: Actor) -> str:
    return f"{actor.kind}:{actor.id}"


def lists_of(regime: str) -> tuple[str, ...]:
    if regime == "akimat":
        return AKIMAT_LISTS
    if regime == "national":
        return NATIONAL_LISTS
    raise ValidationFailed("regime is akimat or national", code="unknown_regime", field="regime")


def period_of(as_of: date) -> str:
    """The period over which Webster counters are carried: the calendar year."""
    return f"{as_of.year}"


# -- batches ----------------------------------------------------------------------------------------


def create_batch(
    session: Session,
    *,
    actor: Actor,
    kato: str,
    regime: str,
    title: str,
    dwelling_ids: Sequence[int],
) -> AllocationBatch:
    """Put available dwellings of the jurisdiction in a new batch (they become ``in_batch``)."""
    lists_of(regime)
    title = " ".join((title or "").split())
    if not title:
        raise ValidationFailed("a batch needs a title", code="invalid_batch", field="title")
    ids = sorted(set(int(i) for i in dwelling_ids))
    if not ids:
        raise ValidationFailed("a batch needs at least one dwelling", code="invalid_batch", field="dwellings")
    rows: list[Any] = []
    for start in range(0, len(ids), 10_000):
        rows += session.execute(
            select(Dwelling.id, Dwelling.kato, Dwelling.status, Dwelling.holder).where(
                Dwelling.id.in_(ids[start : start + 10_000])
            )
        ).all()
    found = {r[0] for r in rows}
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"no dwelling {missing[0]}", code="no_dwelling")
    for d_id, d_kato, status, holder in sorted(rows):
        if d_kato != kato:
            raise ValidationFailed(
                f"dwelling {d_id} is in {d_kato}, not in {kato}", code="invalid_batch", field="dwellings"
            )
        if status != "available" or holder != "distributor":
            raise Conflict(
                f"dwelling {d_id} is {status} (held by {holder}); only available dwellings held by "
                "the distributing body go in a batch",
                code="dwelling_not_available",
            )
    now = clock.now()
    batch = AllocationBatch(
        kato=kato, regime=regime, title=title, status="open", created_by=actor_label(actor), created_at=now
    )
    session.add(batch)
    session.flush()
    session.execute(insert(AllocationBatchItem), [{"batch_id": batch.id, "dwelling_id": i} for i in ids])
    for start in range(0, len(ids), 10_000):
        session.execute(
            update(Dwelling)
            .where(Dwelling.id.in_(ids[start : start + 10_000]))
            .values(status="in_batch", updated_at=now)
            .execution_options(synchronize_session=False)
        )
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Dwelling) and obj.id in found:
            session.expire(obj, ["status", "updated_at"])
    record(
        session,
        actor=actor,
        action="allocation.batch_created",
        object_type="allocation_batch",
        object_id=batch.id,
        kato=kato,
        after={"title": title, "regime": regime, "dwellings": ids},
    )
    return batch


def get_batch(session: Session, batch_id: int) -> AllocationBatch:
    batch = session.get(AllocationBatch, batch_id)
    if batch is None:
        raise NotFound("no such batch", code="no_batch")
    return batch


def batch_dwellings(session: Session, batch_id: int) -> list[Dwelling]:
    return list(
        session.scalars(
            select(Dwelling)
            .join(AllocationBatchItem, AllocationBatchItem.dwelling_id == Dwelling.id)
            .where(AllocationBatchItem.batch_id == batch_id)
            .order_by(Dwelling.id)
        )
    )


def list_batches(session: Session, kato: str | None = None) -> list[AllocationBatch]:
    q = select(AllocationBatch).order_by(AllocationBatch.id.desc())
    if kato:
        q = q.where(AllocationBatch.kato == kato)
    return list(session.scalars(q))


# -- entry facts ------------------------------------------------------------------------------------


def set_entry_facts(
    session: Session,
    *,
    actor: Actor,
    entry_id: int,
    needs_wheelchair: bool | None = None,
    ladder_income: dict[str, int] | None = None,
) -> AllocationEntryFacts:
    """Record that a family needs a wheelchair-accessible dwelling and/or its income over the ladder's
    months by source (tiyn, sources of kezek.rules.inputs.INCOME_SOURCES)."""
    if session.get(QueueEntry, entry_id) is None:
        raise NotFound("no such queue entry", code="no_entry")
    if ladder_income is not None:
        bad = sorted(k for k in ladder_income if k not in INCOME_SOURCES)
        if bad:
            raise ValidationFailed(f"unknown income source {bad[0]!r}", code="invalid_income", field="income")
        if any(int(v) < 0 for v in ladder_income.values()):
            raise ValidationFailed("income cannot be negative", code="invalid_income", field="income")
    row = session.scalar(select(AllocationEntryFacts).where(AllocationEntryFacts.entry_id == entry_id))
    before = None
    if row is None:
        row = AllocationEntryFacts(entry_id=entry_id, needs_wheelchair=False)
        session.add(row)
    else:
        before = {"needs_wheelchair": row.needs_wheelchair, "ladder_income": row.ladder_income}
    if needs_wheelchair is not None:
        row.needs_wheelchair = needs_wheelchair
    if ladder_income is not None:
        row.ladder_income = {k: int(v) for k, v in sorted(ladder_income.items())}
    row.recorded_by = actor_label(actor)
    row.recorded_at = clock.now()
    session.flush()
    record(
        session,
        actor=actor,
        action="allocation.entry_facts",
        object_type="queue_entry",
        object_id=entry_id,
        before=before,
        after={"needs_wheelchair": row.needs_wheelchair, "ladder_income": row.ladder_income},
    )
    return row


# -- snapshot ---------------------------------------------------------------------------------------


def _micros(moment: datetime) -> int:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def counters_before(session: Session, kato: str, regime: str, period: str) -> tuple[int, ...]:
    """Per list, the dwellings received in the period by the jurisdiction's approved runs (Webster)."""
    n = len(lists_of(regime))
    last = session.scalar(
        select(AllocationRun)
        .where(
            AllocationRun.kato == kato,
            AllocationRun.regime == regime,
            AllocationRun.period == period,
            AllocationRun.status == "approved",
        )
        .order_by(AllocationRun.id.desc())
        .limit(1)
    )
    if last is None:
        return (0,) * n
    carried = list(last.summary.get("counters_after") or [0] * n)
    return tuple(int(x) for x in carried[:n])


def snapshot(session: Session, *, kato: str, regime: str, as_of: date) -> EntryColumns:
    """The active entries of the jurisdiction's lists, as columns (the facts; the policy judges them)."""
    codes = lists_of(regime)
    lists = {
        row.id: codes.index(row.code)
        for row in session.scalars(
            select(QueueList).where(
                QueueList.kato == kato, QueueList.regime == regime, QueueList.code.in_(codes)
            )
        )
    }
    if not lists:
        return EntryColumns.build(
            entry_id=[], list_index=[], registered_us=[], rank=[], family_size=[], flags=[]
        )
    members = (
        select(QueueEntryMember.entry_id, func.count().label("n"))
        .where(QueueEntryMember.active)
        .group_by(QueueEntryMember.entry_id)
        .subquery()
    )
    rows = session.execute(
        select(
            QueueEntry.id,
            QueueEntry.list_id,
            QueueEntry.registered_at,
            QueueEntry.position,
            members.c.n,
            QueueEntry.priority,
            QueueEntry.inventory_status,
            QueueEntry.skipped_for_offers,
            QueueEntry.consent_ref,
            QueueEntry.phone_verified_at,
        )
        .outerjoin(members, members.c.entry_id == QueueEntry.id)
        .where(QueueEntry.list_id.in_(sorted(lists)), QueueEntry.status == "active")
    ).all()
    n = len(rows)
    entry_id = np.empty(n, dtype=np.int64)
    list_index = np.empty(n, dtype=np.int64)
    registered = np.empty(n, dtype=np.int64)
    rank = np.zeros(n, dtype=np.int64)
    size = np.empty(n, dtype=np.int64)
    flags = np.zeros(n, dtype=np.int64)
    for i, r in enumerate(rows):
        entry_id[i] = r[0]
        list_index[i] = lists[r[1]]
        registered[i] = _micros(r[2])
        rank[i] = r[3] or 0
        size[i] = r[4] or 1
        f = FLAG_PRIORITY if r[5] else 0
        if r[6] == "failed":
            f |= FLAG_INVENTORY_FAILED
        if r[7]:
            f |= FLAG_SKIPPED_FOR_OFFERS
        if r[8]:
            f |= FLAG_HAS_CONSENT
        if r[9] is not None:
            f |= FLAG_HAS_PHONE
        flags[i] = f
    index = {int(x): i for i, x in enumerate(entry_id)}
    suspended = session.scalars(
        select(OfferSuspension.entry_id).where(
            OfferSuspension.from_day <= as_of, OfferSuspension.until_day >= as_of
        )
    ).all()
    for eid in suspended:
        if eid in index:
            flags[index[eid]] |= FLAG_SUSPENDED
    income = np.zeros((n, len(INCOME_SOURCES)), dtype=np.int64)
    facts = AllocationEntryFacts
    # each income source as its own column, so no JSON document is parsed row by row here
    source_cols = [facts.ladder_income[source].as_string() for source in INCOME_SOURCES]
    fact_rows = session.execute(
        select(facts.entry_id, facts.needs_wheelchair, *source_cols)
        .join(QueueEntry, QueueEntry.id == facts.entry_id)
        .where(QueueEntry.list_id.in_(sorted(lists)), QueueEntry.status == "active")
    ).all()
    for row in fact_rows:
        at = index.get(row[0])
        if at is None:
            continue
        if row[1]:
            flags[at] |= FLAG_NEEDS_ACCESS
        for k, amount in enumerate(row[2:]):
            if amount is not None:
                income[at, k] = int(amount)
    # Queue numbers as of the snapshot: the rank in (registered_at, id) order inside each list, so the
    # run does not depend on a stored position that another movement might be changing.
    order = np.lexsort((entry_id, registered, list_index))
    sorted_lists = list_index[order]
    starts = np.searchsorted(sorted_lists, sorted_lists, side="left")
    rank[order] = np.arange(n, dtype=np.int64) - starts + 1
    return EntryColumns.build(
        entry_id=entry_id,
        list_index=list_index,
        registered_us=registered,
        rank=rank,
        family_size=size,
        flags=flags,
        income=income,
    )


def dwelling_rows(dwellings: Sequence[Dwelling]) -> tuple[DwellingRow, ...]:
    return tuple(
        DwellingRow(
            id=d.id,
            kind=d.kind,
            rooms=d.rooms,
            area_dm2=d.area_dm2,
            accessible=bool(d.wheelchair_accessible),
            floor=d.floor,
            address=d.address,
        )
        for d in sorted(dwellings, key=lambda d: d.id)
    )


def build_inputs(
    session: Session, batch: AllocationBatch, as_of: date, policy: Policy | None = None
) -> RunInputs:
    stored_policy, _, _ = policy_for(session, batch.kato, as_of)
    period = period_of(as_of)
    return RunInputs(
        kato=batch.kato,
        regime=batch.regime,
        as_of=as_of,
        period=period,
        lists=lists_of(batch.regime),
        policy=policy or stored_policy,
        params=_packaged_texts(),
        counters_before=counters_before(session, batch.kato, batch.regime, period),
        dwellings=dwelling_rows(batch_dwellings(session, batch.id)),
        entries=snapshot(session, kato=batch.kato, regime=batch.regime, as_of=as_of),
    )


# -- runs -------------------------------------------------------------------------------------------


def _store_blob(session: Session, run_id: int, kind: str, data: bytes) -> str:
    digest = sha256(data)
    session.add(
        AllocationRunBlob(
            run_id=run_id, kind=kind, encoding="zlib", raw_size=len(data), sha256=digest, data=compress(data)
        )
    )
    return digest


def _decision_rows(run_id: int, inputs: RunInputs, result: computation.RunResult) -> list[dict[str, Any]]:
    by_id = {d.id: d for d in inputs.dwellings}
    rows: list[dict[str, Any]] = []
    seq = 0
    for a in result.assignments:
        seq += 1
        d = by_id[a.dwelling_id]
        code = (
            "assigned_access" if a.stage == "access" else "assigned_returned" if a.round > 1 else "assigned"
        )
        rows.append(
            {
                "run_id": run_id,
                "seq": seq,
                "entry_id": a.entry_id,
                "list_code": inputs.lists[a.list_index],
                "rank": a.rank,
                "outcome": "assigned",
                "reason_code": code,
                "dwelling_id": a.dwelling_id,
                "pick": a.pick,
                "detail": {
                    "kind": a.kind,
                    "rooms": d.rooms,
                    "area_dm2": d.area_dm2,
                    "accessible": d.accessible,
                    "round": a.round,
                    "stage": a.stage,
                    "rule": a.rule,
                    "priority": a.priority,
                },
            }
        )
    c = result.skip_columns
    for eid, li, rank, reason, kind in zip(
        *(c[name].tolist() for name in computation.SKIP_COLUMNS), strict=True
    ):
        seq += 1
        kind_code = computation.SKIP_KINDS[kind]
        rows.append(
            {
                "run_id": run_id,
                "seq": seq,
                "entry_id": eid,
                "list_code": inputs.lists[li],
                "rank": rank,
                "outcome": "skipped",
                "reason_code": computation.SKIP_REASONS[reason],
                "dwelling_id": None,
                "pick": None,
                "detail": {"kind": kind_code} if kind_code else {},
            }
        )
    return rows


DECISION_COLUMNS = (
    "run_id",
    "seq",
    "entry_id",
    "list_code",
    "rank",
    "outcome",
    "reason_code",
    "dwelling_id",
    "pick",
    "detail",
)


def _store_decisions(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert the run's decisions: COPY on PostgreSQL (a national run has hundreds of thousands of
    them), batched inserts elsewhere."""
    if session.get_bind().dialect.name != "postgresql":
        for start in range(0, len(rows), DECISION_CHUNK):
            session.execute(insert(AllocationDecision), rows[start : start + DECISION_CHUNK])
        return
    session.flush()
    raw: Any = session.connection().connection.driver_connection
    with (
        raw.cursor() as cur,
        cur.copy(f"COPY allocation_decisions ({', '.join(DECISION_COLUMNS)}) FROM STDIN") as copy,
    ):
        details: dict[str, str] = {}
        for row in rows:
            detail = row["detail"]
            if len(detail) <= 1:  # the skips' {} or {"kind": ...}: a handful of distinct texts
                key = detail.get("kind", "")
                text = details.get(key)
                if text is None:
                    text = details[key] = json.dumps(detail, sort_keys=True)
            else:
                text = json.dumps(detail, sort_keys=True)
            copy.write_row(
                (
                    row["run_id"],
                    row["seq"],
                    row["entry_id"],
                    row["list_code"],
                    row["rank"],
                    row["outcome"],
                    row["reason_code"],
                    row["dwelling_id"],
                    row["pick"],
                    text,
                )
            )


def summary_of(result: computation.RunResult) -> dict[str, Any]:
    doc = result.to_doc()
    return {
        "lists": doc["lists"],
        "counters_after": doc["counters_after"],
        "groups": doc["groups"],
        "tiers": doc["tiers"],
        "unplaced": doc["unplaced"],
    }


def create_run(
    session: Session,
    *,
    actor: Actor,
    batch_id: int,
    as_of: date | None = None,
    progress: Any = None,
) -> AllocationRun:
    """Compute a draft run for an open batch and store it with its inputs, result and explanations."""
    batch = get_batch(session, batch_id)
    if batch.status != "open":
        raise Conflict(f"the batch is {batch.status}; only an open batch is run", code="batch_not_open")
    as_of = as_of or clock.today_local()
    inputs = build_inputs(session, batch, as_of)
    if not inputs.dwellings:
        raise Conflict("the batch has no dwellings", code="batch_empty")
    if progress:
        progress("snapshot", len(inputs.entries))
    result = computation.compute(inputs)
    if progress:
        progress("computed", len(result.assignments))
    return _save_run(session, actor=actor, batch=batch, inputs=inputs, result=result)


def _save_run(
    session: Session,
    *,
    actor: Actor,
    batch: AllocationBatch,
    inputs: RunInputs,
    result: computation.RunResult,
) -> AllocationRun:
    in_bytes = encode_inputs(inputs)
    out_bytes = result.encode()
    source = inputs.policy.source
    policy_kato, policy_version = None, 0
    if source.startswith("policy:"):
        _, policy_kato, version = source.split(":")
        policy_version = int(version.lstrip("v"))
    run = AllocationRun(
        batch_id=batch.id,
        kato=batch.kato,
        regime=batch.regime,
        period=inputs.period,
        as_of=inputs.as_of,
        status="draft",
        method=inputs.policy.method,
        policy_kato=policy_kato,
        policy_version=policy_version,
        engine_version=ENGINE_VERSION,
        inputs_hash=sha256(in_bytes),
        result_hash=sha256(out_bytes),
        entries_count=len(inputs.entries),
        dwellings_count=len(inputs.dwellings),
        assigned_count=len(result.assignments),
        summary=summary_of(result),
        created_by=actor_label(actor),
        created_at=clock.now(),
    )
    session.add(run)
    session.flush()
    _store_blob(session, run.id, "inputs", in_bytes)
    _store_blob(session, run.id, "result", out_bytes)
    _store_decisions(session, _decision_rows(run.id, inputs, result))
    batch.status = "run"
    session.flush()
    record(
        session,
        actor=actor,
        action="allocation.run_created",
        object_type="allocation_run",
        object_id=run.id,
        kato=batch.kato,
        after={
            "batch_id": batch.id,
            "inputs_hash": run.inputs_hash,
            "result_hash": run.result_hash,
            "assigned": run.assigned_count,
            "entries": run.entries_count,
        },
    )
    return run


def get_run(session: Session, run_id: int) -> AllocationRun:
    run = session.get(AllocationRun, run_id)
    if run is None:
        raise NotFound("no such allocation run", code="no_run")
    return run


def list_runs(session: Session, kato: str | None = None, status: str | None = None) -> list[AllocationRun]:
    q = select(AllocationRun).order_by(AllocationRun.id.desc())
    if kato:
        q = q.where(AllocationRun.kato == kato)
    if status:
        q = q.where(AllocationRun.status == status)
    return list(session.scalars(q))


def blob(session: Session, run_id: int, kind: str) -> bytes:
    row = session.scalar(
        select(AllocationRunBlob).where(AllocationRunBlob.run_id == run_id, AllocationRunBlob.kind == kind)
    )
    if row is None:
        raise NotFound(f"the run has no stored {kind}", code="no_blob")
    return decompress(row.data)


def load_inputs(session: Session, run_id: int) -> RunInputs:
    return decode_inputs(blob(session, run_id, "inputs"))


def load_result(session: Session, run_id: int) -> computation.RunResult:
    """The stored result of a run, computed again from its stored inputs (verify that they agree
    with :func:`verify_run`)."""
    return computation.compute(load_inputs(session, run_id))


@dataclass(frozen=True)
class Verification:
    run_id: int
    inputs_ok: bool  # the stored inputs still hash to the run's inputs_hash
    result_ok: bool  # computing again gives byte-identical result bytes
    stored_result_hash: str
    computed_result_hash: str
    engine_version: str

    @property
    def ok(self) -> bool:
        return self.inputs_ok and self.result_ok


def verify_run(session: Session, run_id: int) -> Verification:
    """Decode the stored inputs, compute again, and compare with the stored result byte for byte."""
    run = get_run(session, run_id)
    in_bytes = blob(session, run_id, "inputs")
    stored = blob(session, run_id, "result")
    inputs_ok = sha256(in_bytes) == run.inputs_hash
    again = computation.compute(decode_inputs(in_bytes)).encode()
    return Verification(
        run_id=run_id,
        inputs_ok=inputs_ok,
        result_ok=again == stored and sha256(again) == run.result_hash,
        stored_result_hash=run.result_hash,
        computed_result_hash=sha256(again),
        engine_version=run.engine_version,
    )


# -- explanations -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Explanation:
    """Why an entry got this dwelling or none. ``code`` is translated by the pages (kk/ru/en);
    ``params`` fill in the text."""

    entry_id: int
    code: str
    outcome: str  # assigned | skipped | not_reached | not_in_run
    list_code: str | None
    rank: int | None
    dwelling_id: int | None
    params: dict[str, Any] = field(default_factory=dict)


# Every explanation code, for the pages' translations.
EXPLANATION_CODES = (
    "assigned",  # this dwelling, in queue order by size
    "assigned_access",  # a wheelchair-accessible dwelling, first to families that need one
    "assigned_returned",  # a dwelling another list could not use, split again
    "inventory_failed",
    "skipped_for_offers",
    "suspended",
    "no_consent",
    "no_phone",
    "tier_not_served",
    "no_suitable_size",
    "quota_used_up",  # the list's share of the batch was given to families ahead
    "not_in_run",  # the entry was not in the run's snapshot
)


def _decision_explanation(run: AllocationRun, row: AllocationDecision) -> Explanation:
    params: dict[str, Any] = dict(row.detail or {})
    params.update({"list": row.list_code, "rank": row.rank, "run": run.id})
    if row.dwelling_id is not None:
        params["dwelling_id"] = row.dwelling_id
    return Explanation(
        entry_id=row.entry_id,
        code=row.reason_code,
        outcome=row.outcome,
        list_code=row.list_code,
        rank=row.rank,
        dwelling_id=row.dwelling_id,
        params=params,
    )


def explanations(
    session: Session, run_id: int, *, outcome: str | None = None, limit: int = 500, offset: int = 0
) -> list[Explanation]:
    """The run's recorded decisions (assigned first, then skips by list and rank)."""
    run = get_run(session, run_id)
    q = select(AllocationDecision).where(AllocationDecision.run_id == run_id)
    if outcome:
        q = q.where(AllocationDecision.outcome == outcome)
    rows = session.scalars(q.order_by(AllocationDecision.seq).offset(offset).limit(limit))
    return [_decision_explanation(run, r) for r in rows]


def explain_entry(session: Session, run_id: int, entry_id: int) -> Explanation:
    """The explanation for one entry: its recorded decision, or, for an entry the run did not reach,
    what bars it (inventory, consent, phone, suspension) or else that its list's share was used up
    by families ahead (with the list's figures)."""
    run = get_run(session, run_id)
    row = session.scalar(
        select(AllocationDecision)
        .where(AllocationDecision.run_id == run_id, AllocationDecision.entry_id == entry_id)
        .order_by(AllocationDecision.seq)
        .limit(1)
    )
    if row is not None:
        return _decision_explanation(run, row)
    inputs = load_inputs(session, run_id)
    hits = np.flatnonzero(inputs.entries.entry_id == entry_id)
    if not len(hits):
        return Explanation(entry_id, "not_in_run", "not_in_run", None, None, None, {"run": run.id})
    i = int(hits[0])
    li = int(inputs.entries.list_index[i])
    outcome = run.summary["lists"][li]
    bar = int(computation.eligibility(inputs)[i])
    return Explanation(
        entry_id=entry_id,
        # barred families say why even when the run did not reach them
        code=computation.ELIGIBILITY_REASONS[bar - 1] if bar else "quota_used_up",
        outcome="not_reached",
        list_code=inputs.lists[li],
        rank=int(inputs.entries.rank[i]),
        dwelling_id=None,
        params={
            "run": run.id,
            "list": inputs.lists[li],
            "rank": int(inputs.entries.rank[i]),
            "received": outcome["received"],
            "quota": outcome["quota"],
            "reach": outcome["reach"],
        },
    )


# -- what-if ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ListDifference:
    list_code: str
    quota_base: str
    quota_alt: str
    received_base: int
    received_alt: int


@dataclass(frozen=True)
class EntryDifference:
    entry_id: int
    list_code: str
    rank: int
    dwelling_base: int | None
    dwelling_alt: int | None


@dataclass(frozen=True)
class WhatIf:
    policy_base: Policy
    policy_alt: Policy
    base: computation.RunResult
    alt: computation.RunResult
    lists: list[ListDifference]
    entries: list[EntryDifference]  # families whose dwelling (or none) differs


def compare(inputs: RunInputs, alt_policy: Policy) -> WhatIf:
    """The same inputs under another policy: both results and what differs. Nothing is saved."""
    base = computation.compute(inputs)
    alt_inputs = RunInputs(**{**inputs.__dict__, "policy": alt_policy})
    alt = computation.compute(alt_inputs)
    lists = [
        ListDifference(
            code,
            computation.fraction_text(b.quota),
            computation.fraction_text(a.quota),
            b.received,
            a.received,
        )
        for code, b, a in zip(inputs.lists, base.lists, alt.lists, strict=True)
    ]
    got_base = {a.entry_id: a for a in base.assignments}
    got_alt = {a.entry_id: a for a in alt.assignments}
    diffs: list[EntryDifference] = []
    for eid in sorted(set(got_base) | set(got_alt)):
        b, a = got_base.get(eid), got_alt.get(eid)
        if b is not None and a is not None and b.dwelling_id == a.dwelling_id:
            continue
        ref = b or a
        assert ref is not None
        diffs.append(
            EntryDifference(
                eid,
                inputs.lists[ref.list_index],
                ref.rank,
                b.dwelling_id if b else None,
                a.dwelling_id if a else None,
            )
        )
    diffs.sort(key=lambda d: (d.list_code, d.rank, d.entry_id))
    return WhatIf(inputs.policy, alt_policy, base, alt, lists, diffs)


def what_if(
    session: Session,
    run_id: int,
    *,
    method: str | None = None,
    priority_share_bp: int | None = None,
    require_consent: bool | None = None,
    require_phone: bool | None = None,
) -> WhatIf:
    """A stored run's inputs under another policy (method, priority share, eligibility), unsaved."""
    inputs = load_inputs(session, run_id)
    changes: dict[str, Any] = {"source": "what-if"}
    if method is not None:
        changes["method"] = method
    if priority_share_bp is not None:
        changes["priority_share_bp"] = priority_share_bp
    if require_consent is not None:
        changes["require_consent"] = require_consent
    if require_phone is not None:
        changes["require_phone"] = require_phone
    alt = inputs.policy.with_changes(**changes)
    check_policy(alt.method, alt.priority_share_bp)
    return compare(inputs, alt)
