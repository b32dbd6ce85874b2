"""The demo's past distribution: dwellings of an Astana district handed to the national queue, a run,
the commission session that approved it, the offers (two accepted, one refused for a reasonable
reason and passed to the next family of the same list) and the public journal of it all.

Called by the demo story (kezek.showcase.chapters) as ``load_past_distribution(session)``; every
step goes through the services, so the audit trail and the journal verify.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.allocation import commission, offers, service
from kezek.allocation.commission import MemberSpec
from kezek.allocation.policy import set_policy
from kezek.audit.service import Actor
from kezek.models.queue import QueueEntry, QueueList
from kezek.stock import service as stock

DEMO_KATO = "711210000"
# (rooms, area m², wheelchair accessible)
DEMO_FLATS = (
    (1, "34.5", False),
    (1, "36.2", True),
    (2, "48.0", False),
    (2, "52.4", False),
    (3, "63.0", False),
    (3, "68.8", False),
)


@dataclass(frozen=True)
class PastDistribution:
    run_id: int | None
    session_id: int | None
    offers: int
    accepted: int
    journal_records: int


def load_past_distribution(
    session: Session, *, kato: str = DEMO_KATO, actor: Actor | None = None, held_on: date | None = None
) -> PastDistribution:
    """Leave an approved distribution with offers and journal records in the jurisdiction ``kato``
    (it must have active national-queue entries). Does nothing if the jurisdiction already has a run."""
    actor = actor or Actor.system("demo")
    if service.list_runs(session, kato=kato):
        return PastDistribution(None, None, 0, 0, 0)
    active = session.scalar(
        select(func.count())
        .select_from(QueueEntry)
        .join(QueueList, QueueList.id == QueueEntry.list_id)
        .where(QueueList.kato == kato, QueueList.regime == "national", QueueEntry.status == "active")
    )
    if not active:
        return PastDistribution(None, None, 0, 0, 0)
    today = clock.today_local()
    held_on = held_on or today - timedelta(days=7)
    # The demo's entries came through the migration without recorded consents or verified phones;
    # the district's policy (a versioned, audited record) does not require them for this demo.
    set_policy(
        session,
        actor=actor,
        kato_prefix=kato,
        valid_from=date(2025, 5, 24),
        method="webster",
        priority_share_bp=7_000,
        require_consent=False,
        require_phone=False,
        max_unreasonable_refusals=2,
        suspension_months=6,
        note="demo district policy",
    )
    ids = []
    for n, (rooms, area, accessible) in enumerate(DEMO_FLATS, start=1):
        d = stock.create_dwelling(
            session,
            actor=actor,
            kato=kato,
            address=f"Астана, Сарайшық к-сі, 12, {n * 7}-пәтер",
            rooms=rooms,
            area_m2=area,
            kind="rental",
            programme="Нұрлы жер",
            floor=n + 1,
            floors_total=9,
            wheelchair_accessible=accessible,
            holder="distributor",
            external_ref=f"demo-{n}",
        )
        ids.append(d.id)
    batch = service.create_batch(
        session, actor=actor, kato=kato, regime="national", title="Сарайшық 12 — 6 пәтер", dwelling_ids=ids
    )
    run = service.create_run(session, actor=actor, batch_id=batch.id, as_of=held_on - timedelta(days=2))
    cs = commission.open_session(
        session,
        actor=actor,
        run_id=run.id,
        number=f"ЖК-{held_on:%Y}-{run.id:03d}",
        held_on=held_on,
        place="Астана, Есіл ауданының әкімдігі, 3-зал",
        agenda="Сарайшық к-сі, 12 үйдегі 6 жалдамалы пәтерді бөлу",
        quorum=3,
        members=[
            MemberSpec("Елена Ким", "chair"),
            MemberSpec("Бауыржан Оспанов", "secretary"),
            MemberSpec("Марат Қасымов", "member"),
            MemberSpec("Айгүл Серікова", "member", present=False),
        ],
    )
    for m in commission.members_of(session, cs.id):
        if m.present:
            commission.cast_vote(session, actor=actor, session_id=cs.id, member_id=m.id, vote="for")
    commission.decide(session, actor=actor, session_id=cs.id)
    pending = [o for o in offers.offers_of_run(session, run.id) if o.status == "pending"]
    accepted = 0
    for o in pending[:2]:
        offers.accept(session, actor=actor, offer_id=o.id)
        accepted += 1
    if len(pending) > 2:
        offers.refuse(
            session,
            actor=actor,
            offer_id=pending[2].id,
            reason="health",
            note="the family needs a ground-floor flat",
        )
    from kezek.allocation import journal

    return PastDistribution(
        run.id,
        cs.id,
        len(offers.offers_of_run(session, run.id)),
        accepted,
        len(journal.records(session, run_id=run.id)),
    )
