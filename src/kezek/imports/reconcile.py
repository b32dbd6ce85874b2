"""Reconciliation of an imported list against the state data, and the per-akimat report.

After a queue import, every entry the batch landed (or found unchanged) is checked in batch through
the state systems' batch endpoints — the same calls, storage of answers and access log as the
quarterly inventory (``kezek.integration.reverify``) — plus the civil registry for the family's
composition. A finding never removes anyone: it becomes an inventory *proposal* with its reason
codes and evidence (``kezek.queue.inventory``), which an officer approves or rejects. Entries whose
data did not all arrive are left as they are ("unavailable"): nothing is concluded from part of it.

Findings by kind (``FINDING_KINDS``): dead, owns housing (now or within the look-back, or state
housing / a preferential purchase), registered in another region (or nowhere), not a citizen, not
in the individuals database, family composition differs from the file.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.service import Actor, record
from kezek.errors import NotFound, ValidationFailed
from kezek.integration.config import IntegrationSettings, get_integration_settings
from kezek.integration.requestlog import Access, log_accesses
from kezek.integration.reverify import FamilyFacts, _facts, _fetch_batches
from kezek.integration.runner import run_sync
from kezek.integration.schemas import CivilData
from kezek.integration.service import store_answer
from kezek.integration.systems import REVERIFICATION_SYSTEMS, Purpose, System
from kezek.models.imports import LANDED_OUTCOMES, ImportBatch, ImportRow
from kezek.models.queue import InventoryProposal, InventoryRun, QueueEntry
from kezek.models.registry import Person
from kezek.queue import inventory
from kezek.queue import service as queue_service

FINDING_KINDS = ("dead", "owns_housing", "registered_elsewhere", "not_citizen", "unknown", "family_differs")
# A kind of finding -> the removal reason the proposal carries (an officer decides).
REASON_OF_KIND = {
    "dead": "death_no_successor",
    "owns_housing": "acquired_housing",
    "registered_elsewhere": "moved_away",
    "not_citizen": "not_citizen",
    "unknown": "untrue_information",
    "family_differs": "untrue_information",
}
ADULT_YEARS = 18
CHUNK = 2000


@dataclass
class Reconciliation:
    run_id: int
    checked: int
    passed: int
    proposed: int
    unavailable: int
    findings: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "checked": self.checked,
            "passed": self.passed,
            "proposed": self.proposed,
            "unavailable": self.unavailable,
            "findings": dict(self.findings),
        }


def kinds_of(facts: FamilyFacts) -> dict[str, list[Any]]:
    """The facts of one entry grouped by the kinds the reconciliation report counts."""
    kinds: dict[str, list[Any]] = {}
    if facts.deceased:
        kinds["dead"] = list(facts.deceased)
    owned = [*facts.property_within_look_back, *facts.state_housing, *facts.preferential_purchase]
    if owned:
        kinds["owns_housing"] = [str(x) for x in owned]
    if facts.registered_elsewhere or facts.unregistered:
        kinds["registered_elsewhere"] = [*facts.registered_elsewhere, *facts.unregistered]
    if facts.foreign:
        kinds["not_citizen"] = list(facts.foreign)
    if facts.unknown:
        kinds["unknown"] = list(facts.unknown)
    return kinds


def family_size_from_civil(data: CivilData, as_of: date) -> int:
    """The applicant, a spouse in a marriage not ended, and the children under 18 on ``as_of``."""
    spouse = any(m.ended_on is None or m.ended_on > as_of for m in data.marriages)
    cutoff = date(as_of.year - ADULT_YEARS, as_of.month, min(as_of.day, 28))
    minors = {c.child_iin for c in data.children if c.birth_date > cutoff}
    return 1 + int(spouse) + len(minors)


def _entries(session: Session, batch: ImportBatch) -> list[tuple[int, int, str, str, int | None]]:
    """(entry id, person id, IIN, KATO, family size from the file) of the batch's active entries."""
    rows = session.execute(
        select(ImportRow.entry_id, Person.id, Person.iin, QueueEntry.kato, ImportRow.values)
        .join(QueueEntry, QueueEntry.id == ImportRow.entry_id)
        .join(Person, Person.id == QueueEntry.person_id)
        .where(
            ImportRow.batch_id == batch.id,
            ImportRow.outcome.in_(LANDED_OUTCOMES),
            QueueEntry.status == "active",
        )
        .order_by(ImportRow.entry_id)
    ).all()
    seen: dict[int, tuple[int, int, str, str, int | None]] = {}
    for entry_id, person_id, iin, kato, values in rows:
        size = (values or {}).get("family_size")
        seen.setdefault(entry_id, (entry_id, person_id, iin, kato, size if isinstance(size, int) else None))
    return list(seen.values())


def reconcile_batch(
    session: Session,
    *,
    batch_id: int,
    actor: Actor,
    as_of: date | None = None,
    settings: IntegrationSettings | None = None,
    chunk: int = CHUNK,
) -> Reconciliation:
    """Check the batch's entries against the state data; findings become inventory proposals."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound(f"no import batch {batch_id}", code="no_such_batch")
    if batch.kind != "queue" or batch.dry_run or batch.status != "done":
        raise ValidationFailed(
            "only a finished queue import (not a dry run) can be reconciled", code="not_reconcilable"
        )
    settings = settings or get_integration_settings()
    as_of = as_of or clock.today_local()
    run = inventory.start_run(session, actor=actor, kato_prefix=batch.kato, trigger="on_demand", as_of=as_of)
    entries = _entries(session, batch)
    totals = Counter[str]()
    findings = Counter[str]()
    for start in range(0, len(entries), chunk):
        part = entries[start : start + chunk]
        counts, kinds = _check(
            session, run=run, batch=batch, part=part, actor=actor, as_of=as_of, settings=settings
        )
        totals.update(counts)
        findings.update(kinds)
    run.status = "done"
    run.finished_at = clock.now()
    for key in ("checked", "passed", "proposed", "unavailable"):
        setattr(run, key, totals[key])
    result = Reconciliation(
        run_id=run.id,
        checked=totals["checked"],
        passed=totals["passed"],
        proposed=totals["proposed"],
        unavailable=totals["unavailable"],
        findings={k: findings[k] for k in FINDING_KINDS},
    )
    batch.reconciliation = result.as_dict()
    record(
        session,
        actor=actor,
        action="import.queue.reconcile",
        object_type="import_batch",
        object_id=batch.id,
        kato=batch.kato,
        after=result.as_dict(),
    )
    session.flush()
    return result


def _check(
    session: Session,
    *,
    run: InventoryRun,
    batch: ImportBatch,
    part: Sequence[tuple[int, int, str, str, int | None]],
    actor: Actor,
    as_of: date,
    settings: IntegrationSettings,
) -> tuple[Counter[str], Counter[str]]:
    systems: list[System] = list(REVERIFICATION_SYSTEMS)
    if any(size is not None for *_, size in part):
        systems.append(System.CIVIL)
    iins = list(dict.fromkeys(iin for _, _, iin, _, _ in part))
    received, failed, codes = run_sync(_fetch_batches(iins, systems, as_of, settings))
    stored = [store_answer(session, r, fetch_request_id=None) for r in received]
    session.flush()
    data: dict[System, dict[str, Any]] = {s: {} for s in systems}
    outcome: dict[str, dict[str, dict[str, Any]]] = {iin: {} for iin in iins}
    for r, row in zip(received, stored, strict=True):
        for answer in r.answer.results:
            data[r.system][answer.iin] = answer
            outcome[answer.iin][r.system.value] = {
                "outcome": "ok" if answer.found else "not_found",
                "answer_id": row.id,
            }
    for system, missed in failed.items():
        for iin in missed:
            outcome[iin][system.value] = {"outcome": codes[system], "answer_id": None}
    log_accesses(
        session,
        actor=actor,
        purpose=Purpose.REVERIFICATION,
        case_ref=f"import-{batch.id}",
        systems=[s.value for s in systems],
        accesses=[Access(iin, pid, kato, None, outcome[iin]) for _, pid, iin, kato, _ in part],
    )
    counts = Counter[str]()
    kinds_found = Counter[str]()
    now = clock.now()
    passed: list[int] = []
    proposed: list[int] = []
    for entry_id, person_id, iin, kato, size in part:
        counts["checked"] += 1
        facts = _facts(entry_id, [(person_id, iin, kato)], data, failed, as_of)
        civil_missing = size is not None and iin in failed.get(System.CIVIL, set())
        if not facts.complete or civil_missing:
            counts["unavailable"] += 1
            continue
        kinds = kinds_of(facts)
        civil = data.get(System.CIVIL, {}).get(iin)
        if size is not None and civil is not None and civil.found:
            known = family_size_from_civil(civil.data, as_of)
            if known != size:
                kinds["family_differs"] = [{"file": size, "state_data": known}]
        if not kinds:
            passed.append(entry_id)
            continue
        reasons = list(dict.fromkeys(REASON_OF_KIND[k] for k in FINDING_KINDS if k in kinds))
        session.add(
            InventoryProposal(
                run_id=run.id,
                entry_id=entry_id,
                kato=kato,
                reason_codes=reasons,
                evidence={
                    **kinds,
                    "kinds": [k for k in FINDING_KINDS if k in kinds],
                    "as_of": as_of.isoformat(),
                    "import_batch": batch.id,
                    "systems": [s.value for s in systems],
                },
                status="proposed",
                created_at=now,
            )
        )
        proposed.append(entry_id)
        counts["proposed"] += 1
        kinds_found.update(kinds.keys())
    if passed:
        session.execute(
            update(QueueEntry)
            .where(QueueEntry.id.in_(passed))
            .values(inventory_status="passed", inventory_checked_at=now, skipped_for_offers=False)
            .execution_options(synchronize_session=False)
        )
        counts["passed"] = len(passed)
    if proposed:
        # The entry keeps its place; it is skipped for offers until an officer decides.
        session.execute(
            update(QueueEntry)
            .where(QueueEntry.id.in_(proposed))
            .values(inventory_status="failed", inventory_checked_at=now, skipped_for_offers=True)
            .execution_options(synchronize_session=False)
        )
        session.flush()
        for entry_id in proposed:
            entry = session.get(QueueEntry, entry_id)
            assert entry is not None
            session.refresh(entry)
            queue_service.mark_inventory(session, entry, passed=False, actor=actor, note=f"import-{batch.id}")
    session.flush()
    return counts, kinds_found


# --- The reconciliation report of an akimat -------------------------------------------------------


@dataclass
class AkimatReport:
    kato: str
    batches: int
    rows: int
    landed: int
    rejected: int
    flagged: int
    merged: int  # duplicates merged (in the file) or found already in the queue
    before: dict[str, int]  # list code -> active entries before the first import
    after: dict[str, int]  # list code -> active entries now
    findings: dict[str, int]
    proposals_open: int

    def lists(self) -> list[str]:
        return sorted(set(self.before) | set(self.after))


def akimat_report(session: Session, kato: str, batch_ids: Sequence[int] | None = None) -> AkimatReport:
    """Counts per list before the first import and now; rows by outcome; findings by kind."""
    from kezek.imports.service import list_counts

    query = select(ImportBatch).where(
        ImportBatch.kato == kato,
        ImportBatch.kind == "queue",
        ImportBatch.dry_run.is_(False),
        ImportBatch.status == "done",
    )
    if batch_ids:
        query = query.where(ImportBatch.id.in_(list(batch_ids)))
    batches = list(session.scalars(query.order_by(ImportBatch.id)))
    findings = Counter[str]()
    for b in batches:
        for kind, n in ((b.reconciliation or {}).get("findings") or {}).items():
            findings[kind] += int(n)
    first = batches[0].counts_before if batches else None
    open_proposals = session.scalar(
        select(func.count(InventoryProposal.id)).where(
            InventoryProposal.kato == kato, InventoryProposal.status == "proposed"
        )
    )
    return AkimatReport(
        kato=kato,
        batches=len(batches),
        rows=sum(b.rows_total for b in batches),
        landed=sum(b.landed + b.updated + b.unchanged for b in batches),
        rejected=sum(b.rejected for b in batches),
        flagged=sum(b.flagged for b in batches),
        merged=sum(b.merged + b.duplicate for b in batches),
        before=dict(first or {}),
        after=list_counts(session, kato),
        findings={k: findings[k] for k in FINDING_KINDS},
        proposals_open=int(open_proposals or 0),
    )
