"""Wait-time estimates and the fairness report: how long they take.

* the pure fluid model, vectorised over 1,000,000 places, against the scalar function;
* a list's yearly flows and realised waits from a ledger of ``--events`` movements;
* the fairness report over ``--runs`` approved runs with ``--offers`` offers and as many decisions.

    python -m bench wait_estimates
    python -m bench wait_estimates -- --events 300000 --database-url postgresql://.../kezek_bench

Without ``--database-url`` a fresh SQLite file in a temporary directory is used (migrated). The
PostgreSQL database given is emptied first. Figures are medians over ``--repeats`` runs.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import insert, text
from sqlalchemy.orm import Session

from kezek.allocation import estimates, fairness
from kezek.db import make_engine, migrate
from kezek.models import Base
from kezek.models.allocation import AllocationBatch, AllocationDecision, AllocationRun, Offer
from kezek.models.queue import QueueEntry, QueueEvent, QueueList
from kezek.models.registry import Person
from kezek.models.stock import Dwelling
from kezek.rules.waiting import wait_years, wait_years_array

AS_OF = date(2026, 6, 1)
NOW = datetime(2026, 6, 1, tzinfo=UTC)


def median_seconds(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def pure(repeats: int) -> None:
    ranks = np.arange(1, 1_000_001, dtype=np.float64)
    vector = median_seconds(lambda: wait_years_array(ranks, 1200.0, 0.06), repeats)
    sample = 100_000
    scalar = median_seconds(lambda: [wait_years(r, 1200.0, 0.06) for r in range(1, sample + 1)], repeats)
    print(f"fluid model, vectorised, 1,000,000 places: {vector * 1000:.1f} ms")
    print(
        f"fluid model, scalar, {sample:,} places: {scalar * 1000:.1f} ms "
        f"({scalar / sample * 1e9:.0f} ns each)"
    )


def seed(session: Session, events: int, runs: int, offers: int) -> QueueList:
    person = Person(
        iin="900101300001", surname="Bench", given_name="Bench", birth_date=date(1990, 1, 1),
        sex="M", citizenship="citizen", kato="751110000",
    )  # fmt: skip
    session.add(person)
    queue_list = QueueList(kato="751110000", regime="national", code="general", active_count=1,
                           opened_on=date(2015, 1, 1))  # fmt: skip
    session.add(queue_list)
    session.flush()
    entry = QueueEntry(list_id=queue_list.id, kato="751110000", person_id=person.id,
                       registered_at=datetime(2018, 1, 1, tzinfo=UTC), category="general", categories=[],
                       status="active", position=1)  # fmt: skip
    session.add(entry)
    dwelling = Dwelling(kato="751110000", address="Bench 1", rooms=2, area_dm2=5000, kind="rental",
                        programme="bench", status="allocated", holder="distributor", created_at=NOW,
                        updated_at=NOW, wheelchair_accessible=False)  # fmt: skip
    session.add(dwelling)
    session.flush()
    rng = np.random.default_rng(7)
    start = datetime(2022, 1, 1, tzinfo=UTC)
    span = (NOW - start).total_seconds()
    offsets = np.sort(rng.random(events) * span)
    kinds = rng.choice(["registered", "housed", "removed"], size=events, p=[0.5, 0.3, 0.2])
    rows = []
    for offset, kind in zip(offsets, kinds, strict=True):
        at = start + timedelta(seconds=float(offset))
        rows.append(
            {
                "entry_id": entry.id, "list_id": queue_list.id, "kind": str(kind), "occurred_at": at,
                "entry_registered_at": at - timedelta(days=int(rng.integers(365, 3650))),
                "delta": 1 if kind == "registered" else -1, "actor": "bench",
            }
        )  # fmt: skip
    for i in range(0, len(rows), 20_000):
        session.execute(insert(QueueEvent), rows[i : i + 20_000])
    run_ids = []
    for r in range(runs):
        batch = AllocationBatch(kato="751110000", regime="national", title=f"b{r}", status="closed",
                                created_by="bench", created_at=NOW)  # fmt: skip
        session.add(batch)
        session.flush()
        run = AllocationRun(
            batch_id=batch.id, kato="751110000", regime="national", period="2026", as_of=AS_OF,
            status="approved", method="webster", policy_version=0, engine_version="bench",
            inputs_hash="0" * 64, result_hash="0" * 64, entries_count=0, dwellings_count=0,
            assigned_count=0, created_by="bench", created_at=NOW,
            summary={"lists": [{"code": "priority", "quota": "7/2", "received": 3, "returned_in": 0},
                               {"code": "general", "quota": "3/2", "received": 2, "returned_in": 0}]},
        )  # fmt: skip
        session.add(run)
        session.flush()
        run_ids.append(run.id)
    per_run = max(offers // max(runs, 1), 1)
    offer_rows, decision_rows = [], []
    for n in range(offers):
        run_id = run_ids[n // per_run % len(run_ids)]
        status = "accepted" if n % 3 else "refused"
        offer_rows.append(
            {"run_id": run_id, "kato": "751110000", "dwelling_id": dwelling.id, "entry_id": entry.id,
             "person_id": person.id, "list_code": "priority" if n % 2 else "general", "rank": n % 5000 + 1,
             "round": 1, "origin": "run", "status": status, "offered_at": NOW,
             "refusal_reason": None if status == "accepted" else "location",
             "refusal_reasonable": None if status == "accepted" else False}
        )  # fmt: skip
        decision_rows.append(
            {"run_id": run_id, "seq": n, "entry_id": entry.id, "list_code": "general", "rank": n + 1,
             "outcome": "skipped", "reason_code": "no_suitable_size" if n % 4 == 0 else "no_consent"}
        )  # fmt: skip
    for i in range(0, offers, 20_000):
        session.execute(insert(Offer), offer_rows[i : i + 20_000])
        session.execute(insert(AllocationDecision), decision_rows[i : i + 20_000])
    session.commit()
    return queue_list


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench wait_estimates")
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--offers", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)
    pure(args.repeats)
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        if args.database_url:
            engine = make_engine(url)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            engine.dispose()
        migrate.upgrade(url)
        engine = make_engine(url)
        try:
            with Session(engine) as session:
                started = time.perf_counter()
                queue_list = seed(session, args.events, args.runs, args.offers)
                print(f"seeded {args.events:,} ledger events, {args.runs} runs, {args.offers:,} offers "
                      f"on {engine.dialect.name} in {time.perf_counter() - started:.1f} s")  # fmt: skip
                flows = median_seconds(lambda: estimates.year_flows(session, queue_list, AS_OF), args.repeats)
                waits = median_seconds(
                    lambda: estimates.realised_waits(session, queue_list.id, AS_OF), args.repeats
                )
                report = median_seconds(
                    lambda: fairness.report(session, scopes=("751110",), period="2026"), args.repeats
                )
                print(f"yearly flows of a list ({args.events:,} events): {flows * 1000:.1f} ms")
                print(f"realised waits of the last 12 months: {waits * 1000:.1f} ms")
                print(f"fairness report ({args.runs} runs, {args.offers:,} offers): {report * 1000:.1f} ms")
        finally:
            with engine.begin() as conn:
                for table in reversed(Base.metadata.sorted_tables):
                    conn.execute(table.delete())
            engine.dispose()
