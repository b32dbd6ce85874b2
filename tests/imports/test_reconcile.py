"""Reconciliation after an import: the entries are checked in batch against the state data (the
sandbox over HTTP); each finding becomes an inventory proposal with its reason, nobody is removed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kezek.errors import NotFound
from kezek.imports.reconcile import akimat_report, reconcile_batch
from kezek.imports.runner import import_file
from kezek.imports.service import ImportOptions
from kezek.models.imports import ImportBatch, ImportRow
from kezek.models.queue import InventoryProposal, QueueEntry
from kezek.models.registry import AddressRegistration, Person
from kezek.models.statedata import PropertyRecord
from tests.imports.builders import (
    ACTOR,
    KATO,
    OTHER_KATO,
    RU_HEADER,
    citizens,
    jurisdiction,
    ru_rows,
    write_csv,
)

HEADER = [*RU_HEADER, "Состав семьи"]


def _file(tmp_path: Path) -> tuple[Path, list[str]]:
    people = citizens(7, seed=31)
    rows = [[*r, ""] for r in ru_rows(people)]
    rows[5][-1] = "4"  # the file says four; the civil registry knows the applicant alone
    rows[6][-1] = "1"  # agrees with the civil registry
    rows.append(["8", "8", "Беков Арман", "123", "01.01.1980", "01.01.2010", "Многодетные семьи", "", ""])
    return write_csv(tmp_path / "list.csv", HEADER, rows), [c.iin for c in people]


def test_findings_become_proposals_never_removals(s: Session, world: Engine, frozen, tmp_path: Path) -> None:
    jurisdiction(s)
    jurisdiction(s, OTHER_KATO)
    s.commit()
    path, iins = _file(tmp_path)
    outcome = import_file(world, actor=ACTOR, path=path, options=ImportOptions(kato=KATO))
    assert (outcome.landed, outcome.reported, outcome.rows_total) == (7, 1, 8)
    persons = {p.iin: p for p in s.scalars(select(Person).where(Person.iin.in_(iins)))}
    for person in persons.values():  # everyone lives where the list is kept ...
        s.add(
            AddressRegistration(
                person_id=person.id, kato=KATO, address="Караганда", registered_from=date(2000, 1, 1)
            )
        )
    clean, dead, owner, moved, foreign, family, _agrees = (persons[i] for i in iins)
    dead.death_date = date(2026, 9, 1)
    foreign.citizenship = "foreign"
    s.add(
        PropertyRecord(
            person_id=owner.id,
            kato=KATO,
            kind="flat",
            area_dm2=5000,
            acquired_on=date(2025, 6, 1),
            acquisition="purchase",
        )
    )
    s.flush()
    moved_registration = s.scalars(
        select(AddressRegistration).where(AddressRegistration.person_id == moved.id)
    ).one()
    moved_registration.registered_to = date(2026, 8, 31)
    s.add(
        AddressRegistration(
            person_id=moved.id, kato=OTHER_KATO, address="Алматы", registered_from=date(2026, 9, 1)
        )
    )
    s.commit()

    result = reconcile_batch(s, batch_id=outcome.batch_id, actor=ACTOR)
    s.commit()
    assert (result.checked, result.passed, result.proposed, result.unavailable) == (7, 2, 5, 0)
    assert result.findings == {
        "dead": 1,
        "owns_housing": 1,
        "registered_elsewhere": 1,
        "not_citizen": 1,
        "unknown": 0,
        "family_differs": 1,
    }
    entry_of = {
        r.iin: r.entry_id
        for r in s.scalars(
            select(ImportRow).where(ImportRow.batch_id == outcome.batch_id, ImportRow.entry_id.is_not(None))
        )
    }
    proposals = {p.entry_id: p for p in s.scalars(select(InventoryProposal))}
    assert set(proposals) == {entry_of[p.iin] for p in (dead, owner, moved, foreign, family)}
    assert proposals[entry_of[dead.iin]].reason_codes == ["death_no_successor"]
    assert proposals[entry_of[owner.iin]].reason_codes == ["acquired_housing"]
    assert proposals[entry_of[moved.iin]].reason_codes == ["moved_away"]
    assert proposals[entry_of[foreign.iin]].reason_codes == ["not_citizen"]
    assert proposals[entry_of[family.iin]].evidence["family_differs"] == [{"file": 4, "state_data": 1}]
    # Nobody is removed: every entry is still active, those with a finding skipped for offers.
    entries = {e.id: e for e in s.scalars(select(QueueEntry))}
    assert all(e.status == "active" for e in entries.values())
    assert entries[entry_of[owner.iin]].skipped_for_offers
    assert not entries[entry_of[clean.iin]].skipped_for_offers
    batch = s.get(ImportBatch, outcome.batch_id)
    assert batch is not None and batch.reconciliation and batch.reconciliation["proposed"] == 5

    summary = akimat_report(s, KATO)
    assert summary.rows == 8 and summary.landed == 7 and summary.rejected == 1
    assert summary.before == {} or sum(summary.before.values()) == 0
    assert sum(summary.after.values()) == 7
    assert summary.findings["dead"] == 1 and summary.proposals_open == 5


def test_a_dry_run_leaves_nothing_to_reconcile(s: Session, world: Engine, frozen, tmp_path: Path) -> None:
    jurisdiction(s)
    s.commit()
    path, _ = _file(tmp_path)
    outcome = import_file(world, actor=ACTOR, path=path, options=ImportOptions(kato=KATO, dry_run=True))
    assert outcome.dry_run and outcome.landed == 7
    assert s.scalar(select(ImportBatch.id)) is None  # the dry run left nothing
    with pytest.raises(NotFound):
        reconcile_batch(s, batch_id=outcome.batch_id, actor=ACTOR)
