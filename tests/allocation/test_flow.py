"""The commission path on both engines: batch, run, explanations, verify, what-if, session, approval,
offers, accept, refuse (re-offer to the next of the same list), journal and its verification."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.allocation import commission, journal, offers, service
from kezek.allocation.commission import MemberSpec
from kezek.errors import Conflict, ValidationFailed
from kezek.models.allocation import AllocationRunBlob
from kezek.models.notices import OutboxMessage
from kezek.models.queue import QueueEntry
from kezek.models.stock import Dwelling
from tests.allocation.builders import OFFICER, dwelling, eligible
from tests.queue.builders import KARAGANDA

AS_OF = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def fixed_clock() -> object:
    from datetime import UTC, datetime

    clock.set_clock(lambda: datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
    yield None
    clock.reset_clock()


def _world(db: Session) -> tuple[list[QueueEntry], list[int]]:
    entries = [
        eligible(db, list_code="priority", minutes=1, size=2),
        eligible(db, list_code="general", minutes=2, size=1),
        eligible(db, list_code="priority", minutes=3, size=2, inventory="failed"),
        eligible(db, list_code="priority", minutes=4, size=2),
        eligible(db, list_code="priority", minutes=5, size=2, consent=False),
        eligible(db, list_code="priority", minutes=6, size=2),
        eligible(db, list_code="general", minutes=7, size=1),
    ]
    dwellings = [dwelling(db, rooms=2, area_m2="32") for _ in range(3)] + [
        dwelling(db, rooms=1, area_m2="25")
    ]
    return entries, dwellings


def _run(db: Session, dwellings: list[int]) -> int:
    batch = service.create_batch(
        db, actor=OFFICER, kato=KARAGANDA, regime="national", title="March batch", dwelling_ids=dwellings
    )
    return service.create_run(db, actor=OFFICER, batch_id=batch.id, as_of=AS_OF).id


def test_run_explains_every_entry_considered_and_verifies(db: Session) -> None:
    entries, dwellings = _world(db)
    run_id = _run(db, dwellings)
    run = service.get_run(db, run_id)
    assert run.dwellings_count == 4 and run.entries_count == 7
    by_entry = {x.entry_id: x for x in service.explanations(db, run_id)}
    e = entries
    assert by_entry[e[0].id].outcome == "assigned"
    assert by_entry[e[2].id].code == "inventory_failed"
    assert by_entry[e[4].id].code == "no_consent"
    assert by_entry[e[0].id].params["list"] == "priority"
    # the 70 % split: 3 of 4 to priority (ceil of 2.8), 1 to general
    received = {o["code"]: o["received"] for o in run.summary["lists"]}
    assert received == {"priority": 3, "general": 1}
    assert by_entry[e[1].id].dwelling_id is not None
    late = service.explain_entry(db, run_id, e[6].id)
    assert late.code == "quota_used_up" and late.params["received"] == 1
    check = service.verify_run(db, run_id)
    assert check.ok
    # tampering with the stored result is detected
    row = db.scalar(
        select(AllocationRunBlob).where(
            AllocationRunBlob.run_id == run_id, AllocationRunBlob.kind == "result"
        )
    )
    assert row is not None
    import zlib

    row.data = zlib.compress(zlib.decompress(row.data).replace(b"priority", b"prioritx", 1))
    db.flush()
    assert not service.verify_run(db, run_id).ok


def test_what_if_gives_both_results_without_saving(db: Session) -> None:
    entries, dwellings = _world(db)
    run_id = _run(db, dwellings)
    runs_before = len(service.list_runs(db))
    w = service.what_if(db, run_id, priority_share_bp=10_000)
    assert len(service.list_runs(db)) == runs_before
    base = {d.list_code: d.received_base for d in w.lists}
    alt = {d.list_code: d.received_alt for d in w.lists}
    assert base == {"priority": 3, "general": 1} and alt == base
    # all to priority: the general list's quota is 0, but only three priority families are eligible,
    # so the fourth dwelling still goes to the general queue; the same families get the same dwellings
    assert [d.quota_alt for d in w.lists] == ["4/1", "0/1"]
    assert w.entries == []
    # without the consent requirement the family without consent (ahead of entry 5) is served instead
    w2 = service.what_if(db, run_id, require_consent=False)
    changed = {d.entry_id: d for d in w2.entries}
    assert set(changed) == {entries[4].id, entries[5].id}
    assert changed[entries[4].id].dwelling_base is None and changed[entries[5].id].dwelling_alt is None
    with pytest.raises(ValidationFailed):
        service.what_if(db, run_id, priority_share_bp=5_000)


def test_commission_offers_accept_refuse_and_journal(db: Session) -> None:
    entries, dwellings = _world(db)
    run_id = _run(db, dwellings)
    with pytest.raises(ValidationFailed):
        commission.override(
            db, actor=OFFICER, run_id=run_id, dwelling_id=dwellings[0], to_entry_id=None, reason="no"
        )
    cs = commission.open_session(
        db,
        actor=OFFICER,
        run_id=run_id,
        number="P-2026-7",
        held_on=AS_OF,
        place="Akimat, room 3",
        agenda="Distribution of four rental flats",
        quorum=2,
        members=[
            MemberSpec("Серікова А.", "chair"),
            MemberSpec("Иванов П."),
            MemberSpec("Омаров Б.", present=False),
        ],
    )
    members = commission.members_of(db, cs.id)
    commission.cast_vote(db, actor=OFFICER, session_id=cs.id, member_id=members[0].id, vote="for")
    commission.cast_vote(
        db, actor=OFFICER, session_id=cs.id, member_id=members[1].id, vote="against", dissent="Мало квартир"
    )
    with pytest.raises(Conflict):
        commission.cast_vote(db, actor=OFFICER, session_id=cs.id, member_id=members[2].id, vote="for")
    # one for, one against: not approved
    decided = commission.decide(db, actor=OFFICER, session_id=cs.id)
    assert decided.decision == "rejected"
    assert service.get_run(db, run_id).status == "rejected"

    run2 = service.create_run(
        db, actor=OFFICER, batch_id=service.get_run(db, run_id).batch_id, as_of=AS_OF
    ).id
    result = commission.final_result(db, service.get_run(db, run2))
    moved = result[0]
    other = entries[5] if moved["entry_id"] != entries[5].id else entries[3]
    ov = commission.override(
        db,
        actor=OFFICER,
        run_id=run2,
        dwelling_id=int(str(moved["dwelling_id"])),
        to_entry_id=other.id if all(r["entry_id"] != other.id for r in result) else None,
        reason="Медицинское заключение о срочной необходимости",
    )
    cs2 = commission.open_session(
        db,
        actor=OFFICER,
        run_id=run2,
        number="P-2026-8",
        held_on=AS_OF,
        place="Akimat, room 3",
        agenda="Distribution of four rental flats (again)",
        quorum=2,
        members=[MemberSpec("Серікова А.", "chair"), MemberSpec("Иванов П.")],
    )
    for m in commission.members_of(db, cs2.id):
        commission.cast_vote(db, actor=OFFICER, session_id=cs2.id, member_id=m.id, vote="for")
    decided = commission.decide(db, actor=OFFICER, session_id=cs2.id)
    assert decided.decision == "approved" and decided.protocol_sha256_kk and decided.protocol_sha256_ru
    kk = commission.protocol_pdf(db, cs2.id, "kk")
    ru = commission.protocol_pdf(db, cs2.id, "ru")
    assert kk.startswith(b"%PDF") and ru.startswith(b"%PDF") and kk != ru
    assert commission.protocol_pdf(db, cs2.id, "ru") == ru
    report = {r.kato: r for r in commission.overrides_report(db)}
    assert (
        report[KARAGANDA].overrides == 1
        and ov.reason in commission.protocol_document(db, cs2.id, "ru").sections[-3].paragraphs[0]
    )

    made = [o for o in offers.offers_of_run(db, run2) if o.status == "pending"]
    assert made and all(o.deadline is not None and o.deadline > AS_OF for o in made)
    assert db.scalar(select(OutboxMessage).where(OutboxMessage.recipient == "+77011234567")) is not None
    first, second = made[0], made[1]
    offers.accept(db, actor=OFFICER, offer_id=first.id)
    assert db.get(QueueEntry, first.entry_id).status == "housed"  # type: ignore[union-attr]
    assert db.get(Dwelling, first.dwelling_id).status == "allocated"  # type: ignore[union-attr]
    answer = offers.refuse(db, actor=OFFICER, offer_id=second.id, reason="size_outside_norm")
    assert answer.offer.refusal_reasonable is True and answer.suspension is None
    if answer.next_offer is not None:
        assert answer.next_offer.list_code == second.list_code
        assert answer.next_offer.entry_id != second.entry_id
    else:
        assert db.get(Dwelling, second.dwelling_id).status == "available"  # type: ignore[union-attr]
    with pytest.raises(Conflict):
        offers.accept(db, actor=OFFICER, offer_id=second.id)

    check = journal.verify_stored(db)
    assert check.ok and check.records >= 4
    text = journal.export_json(db)
    assert journal.verify_text(text).ok
    assert journal.verify_text(journal.export_csv(db)).ok
    lines = text.splitlines()
    rec = json.loads(lines[0])
    body = json.loads(rec["body"])
    body["queue_number"] = 999
    rec["body"] = json.dumps(body, sort_keys=True, separators=(",", ":"))
    tampered = "\n".join([json.dumps(rec), *lines[1:]])
    bad = journal.verify_text(tampered)
    assert not bad.ok and bad.first_bad_seq == 1 and bad.problem == "bad_hash"
