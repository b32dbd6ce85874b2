"""The data behind the wait-time estimates: each list's flow over the last years, read from the queue's
position ledger (``queue_events``), and the realised waits of the last year's housed families.

* housed — entries that left the list as housed (kind ``housed``): the dwellings given to the list;
* exits — every other departure (``delta = -1``: removed, moved to another list or jurisdiction);
* joined — arrivals (``delta = +1``: registered, restored, moved in);
* mean length — the list's length at the start and end of the year, rebuilt backwards from today's
  count of active entries with the ledger's deltas, averaged.

The model itself is pure (:mod:`kezek.rules.waiting`); this module only counts. Years are calendar
years (UTC boundaries); only complete years before ``as_of`` are used, at most ``years`` of them,
and none before the list opened. An estimate, never a promise: the pages say so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from statistics import median

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from kezek.auth.scope import scope_filter
from kezek.models.queue import QueueEntry, QueueEvent, QueueList
from kezek.rules.waiting import WaitEstimate, YearFlow, estimate

DEFAULT_YEARS = 3
DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class RealisedWaits:
    """How long the families housed from a list in the last 12 months had waited, in years."""

    count: int
    median_years: float | None
    min_years: float | None
    max_years: float | None


@dataclass(frozen=True)
class ListFlow:
    list_id: int
    kato: str
    code: str
    regime: str
    length: int  # active entries today
    flows: tuple[YearFlow, ...]
    realised: RealisedWaits


@dataclass(frozen=True)
class EntryEstimate:
    """What the citizen sees beside their place: the estimate and the data it rests on."""

    entry_id: int
    position: int
    flow: ListFlow
    estimate: WaitEstimate | None


def _start(year: int) -> datetime:
    return datetime(year, 1, 1, tzinfo=UTC)


def _length(session: Session, list_id: int) -> int:
    return int(
        session.scalar(
            select(func.count())
            .select_from(QueueEntry)
            .where(QueueEntry.list_id == list_id, QueueEntry.status == "active")
        )
        or 0
    )


def year_flows(
    session: Session, queue_list: QueueList, as_of: date, years: int = DEFAULT_YEARS
) -> tuple[YearFlow, ...]:
    """The complete calendar years before ``as_of`` (at most ``years``, none before the list opened)."""
    last = as_of.year - 1
    first = max(last - years + 1, queue_list.opened_on.year)
    if first > last:
        return ()
    length_now = _length(session, queue_list.id)
    start = _start(first)
    rows = session.execute(
        select(
            *[
                func.coalesce(
                    func.sum(
                        case(
                            (
                                (QueueEvent.occurred_at >= _start(y))
                                & (QueueEvent.occurred_at < _start(y + 1)),
                                QueueEvent.delta,
                            ),
                            else_=0,
                        )
                    ),
                    0,
                )
                for y in range(first, last + 1)
            ],
            func.coalesce(
                func.sum(case((QueueEvent.occurred_at >= _start(last + 1), QueueEvent.delta), else_=0)), 0
            ),
        ).where(QueueEvent.list_id == queue_list.id, QueueEvent.occurred_at >= start)
    ).one()
    nets = [int(v) for v in rows[:-1]]
    after_last = int(rows[-1])
    # Departures and arrivals per year, by kind of movement.
    year_expr = [
        ((QueueEvent.occurred_at >= _start(y)) & (QueueEvent.occurred_at < _start(y + 1)), y)
        for y in range(first, last + 1)
    ]
    counted = session.execute(
        select(
            case(*year_expr, else_=0).label("year"),
            func.sum(case(((QueueEvent.kind == "housed") & (QueueEvent.delta < 0), 1), else_=0)),
            func.sum(
                case(((QueueEvent.kind != "housed") & (QueueEvent.delta < 0), -QueueEvent.delta), else_=0)
            ),
            func.sum(case((QueueEvent.delta > 0, QueueEvent.delta), else_=0)),
        )
        .where(
            QueueEvent.list_id == queue_list.id,
            QueueEvent.occurred_at >= start,
            QueueEvent.occurred_at < _start(last + 1),
        )
        .group_by("year")
    ).all()
    by_year = {int(y): (int(h or 0), int(e or 0), int(j or 0)) for y, h, e, j in counted}
    flows = []
    end_length = length_now - after_last
    for index in range(last - first, -1, -1):
        year = first + index
        start_length = end_length - nets[index]
        housed, exits, joined = by_year.get(year, (0, 0, 0))
        flows.append(
            YearFlow(
                year=year,
                housed=housed,
                exits=exits,
                joined=joined,
                mean_length=max((start_length + end_length) / 2, 0.0),
            )
        )
        end_length = start_length
    return tuple(sorted(flows, key=lambda f: f.year))


def realised_waits(session: Session, list_id: int, as_of: date) -> RealisedWaits:
    """Waits (registration to housing) of the families housed from the list in the 12 months to ``as_of``."""
    until = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC) + timedelta(days=1)
    since = until - timedelta(days=366)
    rows = session.execute(
        select(QueueEvent.occurred_at, QueueEvent.entry_registered_at).where(
            QueueEvent.list_id == list_id,
            QueueEvent.kind == "housed",
            QueueEvent.occurred_at >= since,
            QueueEvent.occurred_at < until,
        )
    ).all()
    waits = sorted(
        max((done - registered).total_seconds(), 0) / 86400 / DAYS_PER_YEAR for done, registered in rows
    )
    if not waits:
        return RealisedWaits(0, None, None, None)
    return RealisedWaits(len(waits), median(waits), waits[0], waits[-1])


def list_flow(session: Session, queue_list: QueueList, as_of: date, years: int = DEFAULT_YEARS) -> ListFlow:
    return ListFlow(
        list_id=queue_list.id,
        kato=queue_list.kato,
        code=queue_list.code,
        regime=queue_list.regime,
        length=_length(session, queue_list.id),
        flows=year_flows(session, queue_list, as_of, years),
        realised=realised_waits(session, queue_list.id, as_of),
    )


def entry_estimate(session: Session, entry: QueueEntry, as_of: date) -> EntryEstimate | None:
    """The estimate for an active entry at its current position (``None`` for an entry not waiting)."""
    if entry.status != "active" or entry.position is None:
        return None
    queue_list = session.get(QueueList, entry.list_id)
    if queue_list is None:  # pragma: no cover - a foreign key
        return None
    flow = list_flow(session, queue_list, as_of)
    return EntryEstimate(
        entry_id=entry.id, position=entry.position, flow=flow, estimate=estimate(entry.position, flow.flows)
    )


@dataclass(frozen=True)
class ListSummary:
    """A list's public summary: its flow and the estimate for a place at a quarter, half and its end."""

    flow: ListFlow
    points: tuple[WaitEstimate, ...]


def list_summaries(session: Session, scopes: tuple[str, ...], as_of: date) -> list[ListSummary]:
    """Open lists within the scopes (KATO prefixes; ``("",)`` = the whole country), in KATO order."""
    lists = session.scalars(
        select(QueueList)
        .where(scope_filter(QueueList.kato, scopes), QueueList.closed_on.is_(None))
        .order_by(QueueList.kato, QueueList.code)
        .limit(200)
    ).all()
    out = []
    for queue_list in lists:
        flow = list_flow(session, queue_list, as_of)
        ranks = sorted(
            {r for r in (math.ceil(flow.length / 4), math.ceil(flow.length / 2), flow.length) if r > 0}
        )
        points = tuple(e for e in (estimate(r, flow.flows) for r in ranks) if e is not None)
        out.append(ListSummary(flow=flow, points=points))
    return out
