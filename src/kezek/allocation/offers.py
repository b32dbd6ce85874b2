"""Offers of dwellings to families after a run is approved; answers, deadlines, reminders, re-offers.

* An offer is created for each dwelling of the approved result (overrides applied). Checks at offer
  time (entry still active, inventory not failed, consent and verified phone where the policy asks,
  not suspended) that fail make a ``skipped`` offer with the reason: not a refusal, the family
  keeps its place; the dwelling goes to the next suitable entry of the same list.
* The family answers within ``response_working_days`` working days (kezek.calendar); a reminder goes
  ``reminder_working_days`` before the deadline (the periodic job in ``kezek.allocation.tasks``).
* Accept: the dwelling is allocated, the entry leaves the queue as housed (kezek.queue.service.house,
  which writes the ledger event), a journal record is appended.
* Refuse or expire: the refusal is recorded as reasonable (size outside the norm, health,
  accessibility: no penalty) or not; after ``max_unreasonable_refusals`` unreasonable ones the entry
  is suspended from offers for ``suspension_months``. The dwelling goes to the next suitable entry
  of the same list (in queue order, size by the norms, ladder tier served), and back to the pool
  (``available``) only when the list has none.
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.allocation import journal
from kezek.allocation.compute import ladder_tiers
from kezek.allocation.inputs import RunInputs
from kezek.allocation.policy import OfferRules, policy_for
from kezek.allocation.service import actor_label, load_inputs
from kezek.audit.service import Actor, record
from kezek.calendar import service as calendar
from kezek.errors import Conflict, NotFound, ValidationFailed
from kezek.jobs import enqueue_after_commit
from kezek.models.allocation import (
    AllocationDecision,
    AllocationRun,
    CommissionSession,
    Offer,
    OfferSuspension,
)
from kezek.models.applications import Application
from kezek.models.notices import OutboxMessage
from kezek.models.queue import QueueEntry
from kezek.models.stock import Dwelling
from kezek.notices.tasks import deliver_outbox
from kezek.queue import service as queue_service
from kezek.rules.ladder import TIERS
from kezek.rules.matching import Dwelling as RulesDwelling
from kezek.rules.matching import SizeNorms
from kezek.rules.params import ParameterStore

# Refusal reasons; the first three carry no penalty (domain §4.2, issue 6).
REASONABLE_REFUSALS = ("size_outside_norm", "health", "accessibility")
REFUSAL_REASONS = (*REASONABLE_REFUSALS, "location", "floor", "condition", "personal", "other")
# Why an offer could not be made to a family at offer time (a skip, not a refusal).
OFFER_SKIP_REASONS = (
    "not_active",
    "inventory_failed",
    "skipped_for_offers",
    "no_consent",
    "no_phone",
    "suspended",
    "offer_pending",  # the family is answering another offer
)

MESSAGES = {
    "offer": {
        "kk": "Kezek: сізге тұрғын үй ұсынылды ({address}). {deadline} дейін жеке кабинетте жауап беріңіз.",
        "ru": "Kezek: вам предложено жильё ({address}). Ответьте в личном кабинете до {deadline}.",
        "en": "Kezek: a dwelling is offered to you ({address}). Answer in your cabinet by {deadline}.",
    },
    "reminder": {
        "kk": "Kezek: тұрғын үй ұсынысына жауап беру мерзімі {deadline} аяқталады.",
        "ru": "Kezek: срок ответа на предложение жилья истекает {deadline}.",
        "en": "Kezek: the time to answer the dwelling offer ends on {deadline}.",
    },
}
SUBJECTS = {"kk": "Тұрғын үй ұсынысы", "ru": "Предложение жилья", "en": "Dwelling offer"}


def _contact(session: Session, entry: QueueEntry) -> tuple[str, str | None]:
    """The family's language of correspondence and e-mail (from its application, when there is one)."""
    if entry.application_id is not None:
        row = session.execute(
            select(Application.language, Application.email).where(Application.id == entry.application_id)
        ).first()
        if row is not None:
            lang = row[0] if row[0] in ("kk", "ru", "en") else "kk"
            return str(lang), row[1]
    return "kk", None


def _notify(session: Session, offer: Offer, entry: QueueEntry, dwelling: Dwelling, kind: str) -> None:
    """SMS to the verified phone and e-mail when known, through the notices outbox (the offer itself
    is in the citizen's cabinet)."""
    lang, email = _contact(session, entry)
    deadline = offer.deadline.strftime("%d.%m.%Y") if offer.deadline else ""
    body = MESSAGES[kind][lang].format(address=dwelling.address, deadline=deadline)
    queued = False
    for channel, recipient in (("sms", entry.phone), ("email", email)):
        if not recipient:
            continue
        session.add(
            OutboxMessage(
                notice_id=None,
                channel=channel,
                recipient=recipient,
                subject=SUBJECTS[lang],
                body=body,
                status="pending",
                created_at=clock.now(),
            )
        )
        queued = True
    if queued:
        session.flush()
        enqueue_after_commit(session, deliver_outbox)


def check_at_offer_time(session: Session, entry: QueueEntry, run: AllocationRun, today: date) -> str | None:
    """The reason an offer cannot be made to this entry now, or None."""
    policy, _, _ = policy_for(session, run.kato, today)
    if entry.status != "active":
        return "not_active"
    if entry.inventory_status == "failed":
        return "inventory_failed"
    if entry.skipped_for_offers:
        return "skipped_for_offers"
    if policy.require_consent and not entry.consent_ref:
        return "no_consent"
    if policy.require_phone and entry.phone_verified_at is None:
        return "no_phone"
    suspended = session.scalar(
        select(func.count())
        .select_from(OfferSuspension)
        .where(
            OfferSuspension.entry_id == entry.id,
            OfferSuspension.from_day <= today,
            OfferSuspension.until_day >= today,
        )
    )
    if suspended:
        return "suspended"
    pending = session.scalar(
        select(func.count()).select_from(Offer).where(Offer.entry_id == entry.id, Offer.status == "pending")
    )
    if pending:
        return "offer_pending"
    return None


def _protocol_number(session: Session, run_id: int) -> str | None:
    return session.scalar(select(CommissionSession.number).where(CommissionSession.run_id == run_id))


class _Candidates:
    """The run's snapshot seen from one dwelling: entries of a list that could take it, in queue order."""

    def __init__(self, inputs: RunInputs) -> None:
        self.inputs = inputs
        self.store = ParameterStore.from_texts(inputs.params)
        self.norms = SizeNorms.on(inputs.as_of, inputs.kato, self.store)
        self.tiers = ladder_tiers(inputs, self.store) if inputs.regime == "national" else None

    def ordered(self, list_code: str, dwelling: Dwelling) -> list[tuple[int, int]]:
        """(entry id, rank) of the list's entries whose family size the dwelling suits and whose
        ladder tier its kind serves, in queue order."""
        e = self.inputs.entries
        li = self.inputs.lists.index(list_code)
        rows = np.flatnonzero(e.list_index == li)
        if self.tiers is not None:
            served = [
                TIERS.index(t) for t in self.inputs.policy.kind_tiers.get(dwelling.kind, []) if t in TIERS
            ]
            rows = rows[np.isin(self.tiers[rows], served)]
        probe = RulesDwelling(str(dwelling.id), dwelling.area_dm2, dwelling.rooms)
        fits = {s: self.norms.suits(probe, s) for s in {max(int(x), 1) for x in e.family_size[rows]}}
        rows = rows[np.array([fits[max(int(x), 1)] for x in e.family_size[rows]], dtype=bool)]
        rows = rows[np.lexsort((e.entry_id[rows], e.rank[rows]))]
        return [(int(e.entry_id[i]), int(e.rank[i])) for i in rows]


@dataclass
class OfferContext:
    run: AllocationRun
    rules: OfferRules
    today: date
    actor: Actor
    candidates: _Candidates | None = None

    def pool(self, session: Session) -> _Candidates:
        if self.candidates is None:
            self.candidates = _Candidates(load_inputs(session, self.run.id))
        return self.candidates


def _context(session: Session, run: AllocationRun, actor: Actor) -> OfferContext:
    today = clock.today_local()
    _, rules, _ = policy_for(session, run.kato, today)
    return OfferContext(run, rules, today, actor)


def _taken_in_run(session: Session, run_id: int) -> set[int]:
    """Entries that already have an offer of this run (any status) or are in its result."""
    offered = set(session.scalars(select(Offer.entry_id).where(Offer.run_id == run_id)))
    assigned = set(
        session.scalars(
            select(AllocationDecision.entry_id).where(
                AllocationDecision.run_id == run_id, AllocationDecision.outcome == "assigned"
            )
        )
    )
    return offered | assigned


def _make_offer(
    session: Session,
    ctx: OfferContext,
    dwelling: Dwelling,
    entry: QueueEntry,
    *,
    list_code: str,
    rank: int,
    round_no: int,
    origin: str,
) -> Offer:
    """An offer to this entry, or a skipped one (with its reason) when a check fails now."""
    reason = check_at_offer_time(session, entry, ctx.run, ctx.today)
    offer = Offer(
        run_id=ctx.run.id,
        kato=ctx.run.kato,
        dwelling_id=dwelling.id,
        entry_id=entry.id,
        person_id=entry.person_id,
        list_code=list_code,
        rank=rank,
        round=round_no,
        origin=origin,
        status="skipped" if reason else "pending",
        skip_reason=reason,
        offered_at=clock.now(),
        deadline=None
        if reason
        else calendar.add_working_days(session, ctx.today, ctx.rules.response_working_days),
    )
    session.add(offer)
    session.flush()
    record(
        session,
        actor=ctx.actor,
        action="allocation.offer_skipped" if reason else "allocation.offer_made",
        object_type="allocation_offer",
        object_id=offer.id,
        kato=ctx.run.kato,
        after={"dwelling_id": dwelling.id, "entry_id": entry.id, "round": round_no, "skip_reason": reason},
    )
    if not reason:
        dwelling.status = "offered"
        dwelling.updated_at = clock.now()
        _notify(session, offer, entry, dwelling, "offer")
    return offer


def _offer_down_the_list(
    session: Session,
    ctx: OfferContext,
    dwelling: Dwelling,
    list_code: str,
    round_no: int,
    first: tuple[QueueEntry, int, str] | None = None,
) -> Offer | None:
    """Offer the dwelling to `first` (if given), else to the next suitable entry of the list; entries
    that fail the checks now are skipped with their reason. None: the list has no one left, and the
    dwelling goes back to the pool."""
    if first is not None:
        entry, rank, origin = first
        offer = _make_offer(
            session, ctx, dwelling, entry, list_code=list_code, rank=rank, round_no=round_no, origin=origin
        )
        if offer.status == "pending":
            return offer
        round_no += 1
    taken = _taken_in_run(session, ctx.run.id)
    for entry_id, rank in ctx.pool(session).ordered(list_code, dwelling):
        if entry_id in taken:
            continue
        candidate = session.get(QueueEntry, entry_id)
        if candidate is None:
            continue
        offer = _make_offer(
            session,
            ctx,
            dwelling,
            candidate,
            list_code=list_code,
            rank=rank,
            round_no=round_no,
            origin="reoffer",
        )
        if offer.status == "pending":
            journal.append(
                session,
                kind="reoffered",
                kato=ctx.run.kato,
                run_id=ctx.run.id,
                body={"dwelling": dwelling.id, "list": list_code, "queue_number": rank, "round": round_no},
            )
            return offer
        round_no += 1
    dwelling.status = "available"
    dwelling.updated_at = clock.now()
    journal.append(
        session,
        kind="returned",
        kato=ctx.run.kato,
        run_id=ctx.run.id,
        body={"dwelling": dwelling.id, "list": list_code, "reason": "list_exhausted"},
    )
    return None


def make_offers(
    session: Session, *, actor: Actor, run: AllocationRun, final: list[dict[str, object]]
) -> list[Offer]:
    """Offers for an approved run's final result (``final``: dicts with dwelling_id, entry_id,
    list_code, rank, origin), in result order."""
    ctx = _context(session, run, actor)
    made: list[Offer] = []
    for item in final:
        dwelling = session.get(Dwelling, item["dwelling_id"])
        entry = session.get(QueueEntry, item["entry_id"])
        assert dwelling is not None and entry is not None
        offer = _offer_down_the_list(
            session,
            ctx,
            dwelling,
            str(item["list_code"]),
            1,
            first=(entry, int(str(item["rank"])), str(item["origin"])),
        )
        if offer is not None:
            made.append(offer)
    return made


def get_offer(session: Session, offer_id: int) -> Offer:
    offer = session.get(Offer, offer_id)
    if offer is None:
        raise NotFound("no such offer", code="no_offer")
    return offer


def offers_of_run(session: Session, run_id: int) -> list[Offer]:
    return list(session.scalars(select(Offer).where(Offer.run_id == run_id).order_by(Offer.id)))


def offers_of_person(session: Session, person_id: int) -> list[Offer]:
    return list(
        session.scalars(select(Offer).where(Offer.person_id == person_id).order_by(Offer.offered_at.desc()))
    )


def _pending(session: Session, offer_id: int) -> Offer:
    offer = get_offer(session, offer_id)
    if offer.status != "pending":
        raise Conflict(
            f"the offer is {offer.status}; only a pending offer can be answered", code="offer_closed"
        )
    return offer


def accept(session: Session, *, actor: Actor, offer_id: int) -> Offer:
    """The family accepts: the dwelling is allocated and the entry leaves the queue as housed."""
    offer = _pending(session, offer_id)
    run = session.get(AllocationRun, offer.run_id)
    assert run is not None
    dwelling = session.get(Dwelling, offer.dwelling_id)
    assert dwelling is not None
    now = clock.now()
    offer.status = "accepted"
    offer.answered_at = now
    offer.answered_by = actor_label(actor)
    dwelling.status = "allocated"
    dwelling.updated_at = now
    protocol = _protocol_number(session, run.id)
    queue_service.house(
        session,
        entry_id=offer.entry_id,
        actor=actor,
        decision_ref=protocol or f"run-{run.id}",
        note=f"dwelling {dwelling.id}",
    )
    session.flush()
    record(
        session,
        actor=actor,
        action="allocation.offer_accepted",
        object_type="allocation_offer",
        object_id=offer.id,
        kato=offer.kato,
        after={"dwelling_id": dwelling.id, "entry_id": offer.entry_id},
    )
    journal.append(
        session,
        kind="accepted",
        kato=offer.kato,
        run_id=run.id,
        body={
            "dwelling": dwelling.id,
            "list": offer.list_code,
            "queue_number": offer.rank,
            "protocol": protocol,
            "round": offer.round,
        },
    )
    return offer


def _unreasonable_count(session: Session, entry_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(Offer)
            .where(Offer.entry_id == entry_id, Offer.refusal_reasonable.is_(False))
        )
        or 0
    )


def _add_months(day: date, months: int) -> date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))


def _penalise(session: Session, ctx: OfferContext, offer: Offer) -> OfferSuspension | None:
    limit = ctx.rules.max_unreasonable_refusals
    if limit is None or ctx.rules.suspension_months <= 0:
        return None
    if _unreasonable_count(session, offer.entry_id) < limit:
        return None
    suspension = OfferSuspension(
        entry_id=offer.entry_id,
        from_day=ctx.today,
        until_day=_add_months(ctx.today, ctx.rules.suspension_months),
        reason_code="repeated_unreasonable_refusals",
        offer_id=offer.id,
        created_by=actor_label(ctx.actor),
        created_at=clock.now(),
    )
    session.add(suspension)
    session.flush()
    record(
        session,
        actor=ctx.actor,
        action="allocation.suspended",
        object_type="queue_entry",
        object_id=offer.entry_id,
        kato=offer.kato,
        after={"until": suspension.until_day.isoformat(), "offer_id": offer.id},
    )
    return suspension


@dataclass(frozen=True)
class Answer:
    offer: Offer
    next_offer: Offer | None  # the dwelling's offer to the next entry of the list (None: back to the pool)
    suspension: OfferSuspension | None


def _close_and_pass_on(
    session: Session,
    ctx: OfferContext,
    offer: Offer,
    *,
    status: str,
    reason: str,
    note: str | None,
    reasonable: bool | None = None,
) -> Answer:
    now = clock.now()
    offer.status = status
    offer.answered_at = now
    offer.answered_by = actor_label(ctx.actor)
    offer.refusal_reason = reason
    offer.refusal_reasonable = reason in REASONABLE_REFUSALS if reasonable is None else reasonable
    offer.refusal_note = note
    session.flush()
    record(
        session,
        actor=ctx.actor,
        action=f"allocation.offer_{status}",
        object_type="allocation_offer",
        object_id=offer.id,
        kato=offer.kato,
        after={"reason": reason, "reasonable": offer.refusal_reasonable},
    )
    suspension = None if offer.refusal_reasonable else _penalise(session, ctx, offer)
    dwelling = session.get(Dwelling, offer.dwelling_id)
    assert dwelling is not None
    nxt = _offer_down_the_list(session, ctx, dwelling, offer.list_code, offer.round + 1)
    return Answer(offer, nxt, suspension)


def refuse(session: Session, *, actor: Actor, offer_id: int, reason: str, note: str | None = None) -> Answer:
    """The family refuses, with a reason (reasonable ones carry no penalty)."""
    if reason not in REFUSAL_REASONS:
        raise ValidationFailed(
            f"reason must be one of: {', '.join(REFUSAL_REASONS)}", code="invalid_refusal", field="reason"
        )
    offer = _pending(session, offer_id)
    run = session.get(AllocationRun, offer.run_id)
    assert run is not None
    return _close_and_pass_on(
        session, _context(session, run, actor), offer, status="refused", reason=reason, note=note
    )


def expire_due(session: Session, *, today: date | None = None, actor: Actor | None = None) -> list[Answer]:
    """Pending offers whose deadline has passed: expired (an unreasonable refusal when the policy says
    so), and the dwelling passed on."""
    today = today or clock.today_local()
    actor = actor or Actor.system("allocation")
    due = session.scalars(
        select(Offer).where(Offer.status == "pending", Offer.deadline < today).order_by(Offer.id)
    ).all()
    out = []
    for offer in due:
        run = session.get(AllocationRun, offer.run_id)
        assert run is not None
        ctx = _context(session, run, actor)
        ctx.today = today
        answer = _close_and_pass_on(
            session,
            ctx,
            offer,
            status="expired",
            reason="no_answer",
            note=None,
            reasonable=not ctx.rules.expiry_counts_as_refusal,
        )
        out.append(answer)
    return out


def send_reminders(session: Session, *, today: date | None = None) -> int:
    """A reminder for each pending offer whose deadline is within the policy's reminder days."""
    today = today or clock.today_local()
    sent = 0
    rows = session.scalars(
        select(Offer).where(Offer.status == "pending", Offer.reminded_at.is_(None)).order_by(Offer.id)
    ).all()
    for offer in rows:
        if offer.deadline is None:
            continue
        _, rules, _ = policy_for(session, offer.kato, today)
        if calendar.count_working_days(session, today, offer.deadline) > rules.reminder_working_days:
            continue
        entry = session.get(QueueEntry, offer.entry_id)
        dwelling = session.get(Dwelling, offer.dwelling_id)
        assert entry is not None and dwelling is not None
        _notify(session, offer, entry, dwelling, "reminder")
        offer.reminded_at = clock.now()
        sent += 1
    session.flush()
    return sent
