"""Re-verification ("inventory") of the queue: quarterly, and on demand (domain §3.3).

Every active entry's family is checked again through the batch endpoints of the state systems
(``kezek.integration.reverify``). A family with a finding gets a removal *proposal* with reason
codes and the facts it rests on; an official approves (the entry is removed by that decision) or
rejects it. Until then the entry keeps its place but is skipped when dwellings are offered. A family
whose data did not all arrive is neither passed nor failed: nothing is concluded from part of the data.

Runs in chunks, each in its own transaction, so a million entries never sit in one transaction and
a failure loses at most one chunk (the run can be started again; entries already checked in this
run are skipped).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.service import Actor, record
from kezek.auth.scope import scope_filter
from kezek.db import unit_of_work
from kezek.errors import Conflict, NotFound, ValidationFailed
from kezek.integration.reverify import FamilyFacts, reverify_families
from kezek.models.queue import InventoryProposal, InventoryRun, QueueEntry
from kezek.queue import service

CHUNK = 5000
SYSTEMS = ("persons", "address", "property", "state_housing", "programmes")

# A finding → the proposed removal reason (Law No. 94 Art. 73; domain §3.2) and what it means.
FINDINGS: dict[str, str] = {
    "deceased": "death_no_successor",  # the officer may instead pass the place on (Art. 73 p.2)
    "unknown": "untrue_information",
    "foreign": "not_citizen",
    "unregistered": "moved_away",
    "registered_elsewhere": "moved_away",
    "property_within_look_back": "acquired_housing",
    "state_housing": "grounds_ceased",
    "preferential_purchase": "acquired_housing",
}


@dataclass
class RunSummary:
    run_id: int
    checked: int
    passed: int
    proposed: int
    unavailable: int
    seconds: float


def _findings(facts: FamilyFacts) -> tuple[list[str], dict[str, Any]]:
    codes: list[str] = []
    evidence: dict[str, Any] = {}
    for finding, reason in FINDINGS.items():
        value = getattr(facts, finding)
        if value:
            evidence[finding] = [str(v) if not isinstance(v, int) else v for v in value]
            if reason not in codes:
                codes.append(reason)
    return codes, evidence


def start_run(
    session: Session,
    *,
    actor: Actor,
    kato_prefix: str = "",
    trigger: str = "on_demand",
    as_of: date | None = None,
) -> InventoryRun:
    if trigger not in ("scheduled", "on_demand"):
        raise ValidationFailed("an inventory is scheduled or on demand", code="bad_trigger")
    if kato_prefix and not kato_prefix.isdigit():
        raise ValidationFailed("a KATO prefix has digits only", code="bad_kato")
    running = session.scalar(
        select(InventoryRun.id).where(
            InventoryRun.status == "running", InventoryRun.kato_prefix == kato_prefix
        )
    )
    if running is not None:
        raise Conflict(
            f"inventory run {running} for this jurisdiction is still running", code="inventory_running"
        )
    run = InventoryRun(
        kato_prefix=kato_prefix,
        as_of=as_of or clock.today_local(),
        trigger=trigger,
        started_at=clock.now(),
        status="running",
    )
    session.add(run)
    session.flush()
    record(
        session,
        actor=actor,
        action="queue.inventory_start",
        object_type="inventory_run",
        object_id=run.id,
        kato=kato_prefix.ljust(9, "0") if kato_prefix else None,
        after={"trigger": trigger, "as_of": run.as_of},
    )
    return run


def run_inventory(
    engine: Engine,
    *,
    actor: Actor,
    kato_prefix: str = "",
    trigger: str = "on_demand",
    as_of: date | None = None,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
) -> RunSummary:
    """Check every active entry in scope; one transaction per chunk of entries."""
    started = clock.now()
    t0 = time.perf_counter()
    with unit_of_work(engine) as session:
        run = start_run(session, actor=actor, kato_prefix=kato_prefix, trigger=trigger, as_of=as_of)
        run_id, run_as_of = run.id, run.as_of
    last_id = 0
    totals = {"checked": 0, "passed": 0, "proposed": 0, "unavailable": 0}
    try:
        while True:
            with unit_of_work(engine) as session:
                entries = session.execute(
                    select(QueueEntry.id, QueueEntry.family_id, QueueEntry.kato)
                    .where(
                        QueueEntry.status == "active",
                        QueueEntry.id > last_id,
                        scope_filter(QueueEntry.kato, [kato_prefix]),
                    )
                    .order_by(QueueEntry.id)
                    .limit(chunk)
                ).all()
                if not entries:
                    break
                last_id = entries[-1][0]
                counts = _check_chunk(session, run_id=run_id, as_of=run_as_of, entries=entries, actor=actor)
            for key, value in counts.items():
                totals[key] += value
            if progress is not None:
                progress(len(entries))
    except Exception as exc:
        with unit_of_work(engine) as session:
            failed = session.get(InventoryRun, run_id)
            assert failed is not None
            failed.status = "failed"
            failed.error = str(exc)[:200]
            failed.finished_at = clock.now()
            for key, value in totals.items():
                setattr(failed, key, value)
        raise
    with unit_of_work(engine) as session:
        finished = session.get(InventoryRun, run_id)
        assert finished is not None
        finished.status = "done"
        finished.finished_at = clock.now()
        for key, value in totals.items():
            setattr(finished, key, value)
        record(
            session,
            actor=actor,
            action="queue.inventory_done",
            object_type="inventory_run",
            object_id=run_id,
            after={**totals, "started_at": started},
        )
    return RunSummary(run_id, seconds=time.perf_counter() - t0, **totals)


def _check_chunk(
    session: Session, *, run_id: int, as_of: date, entries: Sequence[Any], actor: Actor
) -> dict[str, int]:
    family_of = {entry_id: family_id for entry_id, family_id, _ in entries if family_id is not None}
    result = reverify_families(
        session,
        family_ids=list(dict.fromkeys(family_of.values())),
        actor=actor,
        as_of=as_of,
        case_ref=f"inventory-{run_id}",
    )
    facts = {f.family_id: f for f in result.families}
    now = clock.now()
    passed_ids: list[int] = []
    counts = {"checked": len(entries), "passed": 0, "proposed": 0, "unavailable": 0}
    for entry_id, family_id, kato in entries:
        found = facts.get(family_id) if family_id is not None else None
        if found is None or not found.complete:
            counts["unavailable"] += 1
            continue
        codes, evidence = _findings(found)
        if not codes:
            passed_ids.append(entry_id)
            continue
        session.add(
            InventoryProposal(
                run_id=run_id,
                entry_id=entry_id,
                kato=kato,
                reason_codes=codes,
                evidence={**evidence, "as_of": as_of.isoformat(), "systems": list(SYSTEMS)},
                status="proposed",
                created_at=now,
            )
        )
        counts["proposed"] += 1
    if passed_ids:
        session.execute(
            update(QueueEntry)
            .where(QueueEntry.id.in_(passed_ids))
            .values(inventory_status="passed", inventory_checked_at=now, skipped_for_offers=False)
            .execution_options(synchronize_session=False)
        )
        counts["passed"] = len(passed_ids)
    passed_set = set(passed_ids)
    failed_ids = [e[0] for e in entries if e[0] not in passed_set]
    proposed_ids = list(
        session.scalars(
            select(InventoryProposal.entry_id).where(
                InventoryProposal.run_id == run_id, InventoryProposal.entry_id.in_(failed_ids)
            )
        )
    )
    if proposed_ids:
        # Entries that did not pass stay in the queue, skipped for offers until an official decides.
        session.execute(
            update(QueueEntry)
            .where(QueueEntry.id.in_(proposed_ids))
            .values(inventory_status="failed", inventory_checked_at=now, skipped_for_offers=True)
            .execution_options(synchronize_session=False)
        )
        # one SELECT for the chunk, then the ledger events go out together at the flush (an entry
        # read one by one costs a round trip and a flush each: minutes over a national queue)
        loaded = session.scalars(select(QueueEntry).where(QueueEntry.id.in_(proposed_ids))).all()
        by_id = {entry.id: entry for entry in loaded}
        for entry_id in proposed_ids:
            service.mark_inventory(
                session, by_id[entry_id], passed=False, actor=actor, note=f"inventory-{run_id}"
            )
    session.flush()
    return counts


def proposals(
    session: Session, *, scopes: list[str], status: str = "proposed", limit: int = 200
) -> list[InventoryProposal]:
    return list(
        session.scalars(
            select(InventoryProposal)
            .where(InventoryProposal.status == status, scope_filter(InventoryProposal.kato, scopes))
            .order_by(InventoryProposal.created_at, InventoryProposal.id)
            .limit(limit)
        )
    )


def _proposal(session: Session, proposal_id: int, scopes: list[str]) -> InventoryProposal:
    from kezek.auth.scope import require_in_scope

    proposal = session.get(InventoryProposal, proposal_id)
    if proposal is None:
        raise NotFound("no such proposal")
    require_in_scope(proposal.kato, scopes, "proposal")
    if proposal.status != "proposed":
        raise Conflict(f"the proposal is already {proposal.status}", code="proposal_decided")
    return proposal


def approve(
    session: Session, *, proposal_id: int, actor: Actor, scopes: list[str], note: str = ""
) -> InventoryProposal:
    """The official agrees: the entry is removed by this decision, with the proposal's first reason."""
    proposal = _proposal(session, proposal_id, scopes)
    entry = service.get_entry(session, proposal.entry_id)
    proposal.status = "approved"
    proposal.decided_at = clock.now()
    proposal.decided_by = f"{actor.kind}:{actor.id}"
    proposal.decision_note = note.strip()[:2000] or None
    if entry.status == "active":
        service.remove(
            session,
            entry_id=entry.id,
            actor=actor,
            reason_code=proposal.reason_codes[0],
            decision_ref=f"inventory-{proposal.run_id}-{proposal.id}",
            note=proposal.decision_note,
        )
    record(
        session,
        actor=actor,
        action="queue.inventory_approve",
        object_type="inventory_proposal",
        object_id=proposal.id,
        kato=proposal.kato,
        after={"reasons": proposal.reason_codes},
    )
    return proposal


def reject(
    session: Session, *, proposal_id: int, actor: Actor, scopes: list[str], note: str
) -> InventoryProposal:
    """The official disagrees (e.g. the property was an emergency dwelling): the entry is offered again."""
    if not note.strip():
        raise ValidationFailed("say why the proposal is rejected", code="note_required")
    proposal = _proposal(session, proposal_id, scopes)
    proposal.status = "rejected"
    proposal.decided_at = clock.now()
    proposal.decided_by = f"{actor.kind}:{actor.id}"
    proposal.decision_note = note.strip()[:2000]
    entry = service.get_entry(session, proposal.entry_id)
    if entry.status == "active":
        entry.skipped_for_offers = False
        entry.inventory_status = "passed"
        service.mark_inventory(session, entry, passed=True, actor=actor, note=proposal.decision_note)
    record(
        session,
        actor=actor,
        action="queue.inventory_reject",
        object_type="inventory_proposal",
        object_id=proposal.id,
        kato=proposal.kato,
        reason=proposal.decision_note,
    )
    return proposal
