"""Quarterly re-verification through the batch endpoints: proposals with reasons, officer decides,
entries not passing are skipped for offers, an outage concludes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kezek.errors import ValidationFailed
from kezek.models.queue import InventoryProposal, InventoryRun, QueueEntry, QueueEvent
from kezek.models.registry import AddressRegistration, Person
from kezek.models.statedata import PropertyRecord
from kezek.queue import inventory
from kezek.sandbox.server import SandboxAdmin
from tests.queue.builders import ALMATY, OFFICER, registered


def population(s: Session) -> dict[str, QueueEntry]:
    entries = {name: registered(s, minutes=i) for i, name in enumerate(("clean", "owner", "dead", "moved"))}
    owner = s.get(Person, entries["owner"].person_id)
    s.add(
        PropertyRecord(
            person_id=owner.id,
            kato=owner.kato,
            kind="flat",
            area_dm2=5000,
            acquired_on=date(2026, 6, 1),
            acquisition="purchase",
        )
    )
    s.get(Person, entries["dead"].person_id).death_date = date(2026, 9, 1)
    moved = s.scalar(
        select(AddressRegistration).where(AddressRegistration.person_id == entries["moved"].person_id)
    )
    moved.registered_to = date(2026, 8, 31)
    s.add(
        AddressRegistration(
            person_id=moved.person_id, kato=ALMATY, address="Almaty", registered_from=date(2026, 9, 1)
        )
    )
    s.commit()
    return entries


def test_inventory_proposes_removals_and_officer_decides(s: Session, world: Engine, frozen) -> None:
    entries = population(s)
    summary = inventory.run_inventory(world, actor=OFFICER, trigger="on_demand", chunk=2)
    assert (summary.checked, summary.passed, summary.proposed, summary.unavailable) == (4, 1, 3, 0)
    s.expire_all()
    by_entry = {p.entry_id: p for p in s.scalars(select(InventoryProposal))}
    assert by_entry[entries["owner"].id].reason_codes == ["acquired_housing"]
    assert by_entry[entries["dead"].id].reason_codes == ["death_no_successor"]
    assert by_entry[entries["moved"].id].reason_codes == ["moved_away"]
    assert by_entry[entries["owner"].id].evidence["property_within_look_back"]
    clean = s.get(QueueEntry, entries["clean"].id)
    owner = s.get(QueueEntry, entries["owner"].id)
    assert clean.inventory_status == "passed" and not clean.skipped_for_offers
    assert owner.inventory_status == "failed" and owner.skipped_for_offers and owner.status == "active"
    assert owner.position == 2  # keeps its place until an official decides
    run = s.get(InventoryRun, summary.run_id)
    assert run.status == "done" and run.proposed == 3

    inventory.approve(s, proposal_id=by_entry[entries["owner"].id].id, actor=OFFICER, scopes=[""])
    with pytest.raises(ValidationFailed):
        inventory.reject(
            s, proposal_id=by_entry[entries["moved"].id].id, actor=OFFICER, scopes=[""], note=" "
        )
    inventory.reject(
        s,
        proposal_id=by_entry[entries["moved"].id].id,
        actor=OFFICER,
        scopes=[""],
        note="registered back in the city, confirmed by the address bureau",
    )
    s.commit()
    s.expire_all()
    owner = s.get(QueueEntry, entries["owner"].id)
    assert owner.status == "removed" and owner.end_reason == "acquired_housing"
    moved = s.get(QueueEntry, entries["moved"].id)
    assert moved.status == "active" and not moved.skipped_for_offers
    kinds = s.scalars(
        select(QueueEvent.kind).where(QueueEvent.entry_id == moved.id).order_by(QueueEvent.id)
    ).all()
    assert kinds == ["registered", "inventory_failed", "inventory_passed"]
    assert s.get(QueueEntry, entries["dead"].id).position == 2  # moved up when the owner was removed


def test_inventory_during_an_outage_concludes_nothing(
    s: Session, world: Engine, sandbox: SandboxAdmin, frozen
) -> None:
    population(s)
    sandbox.set_fault("property", outage=True)
    summary = inventory.run_inventory(world, actor=OFFICER)
    assert (summary.checked, summary.passed, summary.proposed, summary.unavailable) == (4, 0, 0, 4)
    s.expire_all()
    assert all(e.inventory_status is None and not e.skipped_for_offers for e in s.scalars(select(QueueEntry)))
