"""Offers after approval: checks at offer time are skips (the family keeps its place), deadlines and
reminders in working days, expiry passes the dwelling on, repeated unreasonable refusals suspend."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.allocation import commission, offers, service
from kezek.allocation.commission import MemberSpec
from kezek.allocation.policy import set_policy
from kezek.calendar import service as calendar
from kezek.models.allocation import Offer, OfferSuspension
from kezek.models.notices import OutboxMessage
from kezek.models.queue import QueueEntry
from kezek.models.stock import Dwelling
from tests.allocation.builders import OFFICER, dwelling, eligible
from tests.queue.builders import KARAGANDA

DAY = date(2026, 3, 2)


@pytest.fixture(autouse=True)
def fixed_clock() -> Iterator[None]:
    clock.set_clock(lambda: datetime(2026, 3, 2, 6, 0, tzinfo=UTC))
    yield None
    clock.reset_clock()


def _approve(db: Session, dwellings: list[int], number: str) -> int:
    batch = service.create_batch(
        db, actor=OFFICER, kato=KARAGANDA, regime="akimat", title=number, dwelling_ids=dwellings
    )
    run = service.create_run(db, actor=OFFICER, batch_id=batch.id, as_of=DAY)
    return _decide(db, run.id, number)


def _decide(db: Session, run_id: int, number: str) -> int:
    cs = commission.open_session(
        db,
        actor=OFFICER,
        run_id=run_id,
        number=number,
        held_on=DAY,
        place="Akimat",
        agenda="Distribution",
        quorum=1,
        members=[MemberSpec("Серікова А.", "chair")],
    )
    m = commission.members_of(db, cs.id)[0]
    commission.cast_vote(db, actor=OFFICER, session_id=cs.id, member_id=m.id, vote="for")
    commission.decide(db, actor=OFFICER, session_id=cs.id)
    return run_id


def test_failed_check_at_offer_time_is_a_skip_and_the_next_family_gets_the_offer(db: Session) -> None:
    first = eligible(db, regime="akimat", list_code="L1", minutes=1)
    second = eligible(db, regime="akimat", list_code="L1", minutes=2)
    batch = service.create_batch(
        db,
        actor=OFFICER,
        kato=KARAGANDA,
        regime="akimat",
        title="one flat",
        dwelling_ids=[dwelling(db, rooms=1, area_m2="30")],
    )
    run = service.create_run(db, actor=OFFICER, batch_id=batch.id, as_of=DAY)
    first.consent_ref = None  # consent withdrawn between the run and the approval
    db.flush()
    _decide(db, run.id, "P-1")
    rows = offers.offers_of_run(db, run.id)
    assert [(o.entry_id, o.status, o.skip_reason) for o in rows] == [
        (first.id, "skipped", "no_consent"),
        (second.id, "pending", None),
    ]
    assert db.get(QueueEntry, first.id).status == "active"  # type: ignore[union-attr]
    assert rows[1].deadline == calendar.add_working_days(db, DAY, 10)


def test_reminder_expiry_and_suspension_after_two_unreasonable_refusals(db: Session) -> None:
    set_policy(
        db,
        actor=OFFICER,
        kato_prefix=KARAGANDA,
        valid_from=date(2020, 1, 1),
        method="webster",
        max_unreasonable_refusals=2,
        suspension_months=6,
        response_working_days=5,
        reminder_working_days=2,
    )
    a = eligible(db, regime="akimat", list_code="L1", minutes=1)
    b = eligible(db, regime="akimat", list_code="L1", minutes=2)
    c = eligible(db, regime="akimat", list_code="L1", minutes=3)
    run1 = _approve(db, [dwelling(db, rooms=1, area_m2="30")], "P-2")
    offer = offers.offers_of_run(db, run1)[0]
    assert offer.entry_id == a.id and offer.status == "pending"
    # reminders: none far from the deadline, one within the policy's two working days
    assert offers.send_reminders(db, today=DAY) == 0
    before = db.scalar(select(func.count()).select_from(OutboxMessage))
    assert offers.send_reminders(db, today=offer.deadline - timedelta(days=1)) == 1  # type: ignore[operator]
    assert db.scalar(select(func.count()).select_from(OutboxMessage)) == before + 1
    assert offers.send_reminders(db, today=offer.deadline) == 0  # once  # type: ignore[arg-type]
    # first unreasonable refusal: no penalty yet, the flat goes to the next of the same list
    answer = offers.refuse(db, actor=OFFICER, offer_id=offer.id, reason="location")
    assert answer.offer.refusal_reasonable is False and answer.suspension is None
    assert answer.next_offer is not None and answer.next_offer.entry_id == b.id
    # b lets the deadline pass: expired (counts as an unreasonable refusal), the flat goes on to c
    expired = offers.expire_due(db, today=answer.next_offer.deadline + timedelta(days=1))  # type: ignore[operator]
    assert [x.offer.id for x in expired] == [answer.next_offer.id]
    assert expired[0].offer.status == "expired" and expired[0].next_offer is not None
    assert expired[0].next_offer.entry_id == c.id
    # a second batch: a refuses unreasonably again → suspended for six months
    run2 = _approve(db, [dwelling(db, rooms=1, area_m2="31")], "P-3")
    again = next(o for o in offers.offers_of_run(db, run2) if o.status == "pending")
    assert again.entry_id == a.id
    answer2 = offers.refuse(db, actor=OFFICER, offer_id=again.id, reason="floor")
    assert answer2.suspension is not None and answer2.suspension.until_day == date(2026, 9, 2)
    assert (
        db.scalar(select(func.count()).select_from(OfferSuspension).where(OfferSuspension.entry_id == a.id))
        == 1
    )
    # a reasonable refusal (health) by b carries no penalty
    nxt = answer2.next_offer
    assert nxt is not None and nxt.entry_id == b.id
    health = offers.refuse(db, actor=OFFICER, offer_id=nxt.id, reason="health")
    assert health.offer.refusal_reasonable is True and health.suspension is None
    # c is answering the first run's offer: skipped with that reason; nobody else: back to the pool
    assert health.next_offer is None
    skipped = db.scalars(select(Offer).where(Offer.entry_id == c.id, Offer.status == "skipped")).all()
    assert [o.skip_reason for o in skipped] == ["offer_pending"]
    assert db.get(Dwelling, nxt.dwelling_id).status == "available"  # type: ignore[union-attr]
    # the suspended family is skipped with its reason in the next run's snapshot
    run3_batch = service.create_batch(
        db,
        actor=OFFICER,
        kato=KARAGANDA,
        regime="akimat",
        title="P-4",
        dwelling_ids=[dwelling(db, rooms=1, area_m2="32")],
    )
    run3 = service.create_run(db, actor=OFFICER, batch_id=run3_batch.id, as_of=DAY)
    assert service.explain_entry(db, run3.id, a.id).code == "suspended"
    assert db.scalar(select(func.count()).select_from(Offer).where(Offer.status == "refused")) == 3
