"""Allocation bench: a national run over 1,000,000 queue entries and 50,000 dwellings.

Two figures, medians over repeats:

* computation: ``kezek.allocation.compute.compute`` on run inputs held in memory (the split between
  the lists, the ladder tiers, accessibility first, size matching, explanations), plus encoding the
  inputs and the result to their canonical bytes; target < 5 s;
* end to end from PostgreSQL: ``create_batch`` + ``create_run`` in one unit of work (snapshot of the
  queue, computation, storing inputs and result compressed with their SHA-256, every decision row)
  and the commit; then ``verify_run`` (decode the stored inputs, compute again, compare). Target
  < 30 s. The database (default ``kezek_bench_alloc`` on 127.0.0.1) is dropped and created again and
  filled with set-based SQL: one jurisdiction's national lists (30 % priority), families of 1 to 6
  (about 2.7 M persons), 2 % failed inventory, 3 % without consent or verified phone, 1 % needing a
  wheelchair-accessible dwelling, incomes spread over the ladder's tiers, and 50,000 dwellings
  (rental, 2 % and 5 % credit housing, 1 to 4 rooms).

    python -m bench allocation
    python -m bench allocation -- --entries 100000 --dwellings 5000 --repeats 3
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import date
from pathlib import Path

import numpy as np
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

KATO = "711210000"
AS_OF = date(2026, 3, 2)


def _load() -> str:
    try:
        return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "load average unknown"


def _median(label: str, times: list[float], target: float) -> None:
    med = statistics.median(times)
    print(
        f"  {label}: median {med:.2f} s over {len(times)} (min {min(times):.2f}, max {max(times):.2f}); "
        f"target {target:.0f} s, ratio {med / target:.2f}; {_load()}",
        flush=True,
    )


# -- computation in memory ------------------------------------------------------------------------
def synthetic_inputs(entries: int, dwellings: int, seed: int = 1):  # type: ignore[no-untyped-def]
    from kezek.allocation.inputs import (
        FLAG_HAS_CONSENT,
        FLAG_HAS_PHONE,
        FLAG_INVENTORY_FAILED,
        FLAG_NEEDS_ACCESS,
        DwellingRow,
        EntryColumns,
        Policy,
        RunInputs,
    )
    from kezek.allocation.service import _packaged_texts
    from kezek.rules.inputs import INCOME_SOURCES

    rng = np.random.default_rng(seed)
    flags = np.full(entries, FLAG_HAS_CONSENT | FLAG_HAS_PHONE, dtype=np.int64)
    flags[rng.random(entries) < 0.02] |= FLAG_INVENTORY_FAILED
    flags[rng.random(entries) < 0.03] &= ~FLAG_HAS_PHONE
    flags[rng.random(entries) < 0.01] |= FLAG_NEEDS_ACCESS
    list_index = (rng.random(entries) >= 0.3).astype(np.int64)  # 0 priority, 1 general
    size = rng.choice([1, 2, 3, 4, 5, 6], size=entries, p=[0.2, 0.25, 0.25, 0.15, 0.1, 0.05])
    income = np.zeros((entries, len(INCOME_SOURCES)), dtype=np.int64)
    # monthly per member up to ~4 PM (46,228 tenge = 4,622,800 tiyn), over the ladder's 6 months
    income[:, 0] = (rng.random(entries) * 4.2 * 4_622_800 * 6).astype(np.int64) * size
    registered = rng.integers(1_200_000_000, 1_780_000_000, entries) * 1_000_000
    cols = EntryColumns.build(
        entry_id=np.arange(1, entries + 1),
        list_index=list_index,
        registered_us=registered,
        rank=np.zeros(entries),
        family_size=size,
        flags=flags,
        income=income,
    )
    starts = np.searchsorted(cols.list_index, cols.list_index, side="left")
    rank = np.arange(entries, dtype=np.int64) - starts + 1
    cols = EntryColumns(**{**cols.__dict__, "rank": rank})
    kinds = rng.choice(["rental", "credit_2", "credit_5"], size=dwellings, p=[0.6, 0.3, 0.1])
    rooms = rng.choice([1, 2, 3, 4], size=dwellings, p=[0.3, 0.35, 0.25, 0.1])
    area = (rooms * 1_600 + 1_400 + rng.integers(0, 1_200, dwellings)).astype(np.int64)
    access = rng.random(dwellings) < 0.03
    rows = tuple(
        DwellingRow(i + 1, str(kinds[i]), int(rooms[i]), int(area[i]), bool(access[i]), 1, f"Street {i + 1}")
        for i in range(dwellings)
    )
    return RunInputs(
        KATO,
        "national",
        AS_OF,
        "2026",
        ("priority", "general"),
        Policy("webster", 7_000, True, True, "default"),
        _packaged_texts(),
        (0, 0),
        rows,
        cols,
    )


def bench_computation(entries: int, dwellings: int, repeats: int) -> None:
    from kezek.allocation.compute import compute
    from kezek.allocation.inputs import encode_inputs

    started = time.perf_counter()
    inputs = synthetic_inputs(entries, dwellings)
    print(f"  inputs built in {time.perf_counter() - started:.1f} s", flush=True)
    compute(inputs)  # warm: the parameter files are parsed once per process
    times, encodes = [], []
    digest = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = compute(inputs)
        t1 = time.perf_counter()
        data = result.encode()
        encode_inputs(inputs)
        encodes.append(time.perf_counter() - t1)
        times.append(t1 - t0)
        digest = digest or data
        assert data == digest, "the computation is not reproducible"
    print(
        f"  {len(result.assignments):,} of {dwellings:,} dwellings assigned; "
        f"{len(result.skip_columns['entry_id']):,} skips explained; identical bytes on every repeat",
        flush=True,
    )
    _median(f"computation, {entries:,} entries x {dwellings:,} dwellings", times, 5)
    _median("encoding inputs and result", encodes, 5)


# -- end to end from PostgreSQL -------------------------------------------------------------------
POPULATE_SQL = [
    "CREATE TEMP TABLE bench_fam AS SELECT g::bigint AS id, "
    "(ARRAY[1,1,1,1,2,2,2,2,2,3,3,3,3,3,4,4,4,5,5,6])[1 + (g * 7919) % 20] AS size "
    "FROM generate_series(1::bigint, :n) g",
    "CREATE TEMP TABLE bench_off AS SELECT id, size, "
    "sum(size) OVER (ORDER BY id) - size AS off FROM bench_fam",
    """
    INSERT INTO persons (id, iin, surname, given_name, birth_date, sex, citizenship, kato, created_at)
    SELECT g, lpad(g::text, 12, '0'), 'Бенч', 'Тест', DATE '1985-01-01', 'M', 'citizen', :kato, now()
    FROM generate_series(1, (SELECT sum(size) FROM bench_fam)) g
    """,
    "SELECT setval(pg_get_serial_sequence('persons', 'id'), (SELECT max(id) FROM persons))",
    """
    INSERT INTO families (id, head_person_id, kato, created_at)
    SELECT id, off + 1, :kato, now() FROM bench_off
    """,
    "SELECT setval(pg_get_serial_sequence('families', 'id'), (SELECT max(id) FROM families))",
    """
    INSERT INTO queue_lists (kato, regime, code, active_count, opened_on)
    VALUES (:kato, 'national', 'priority', 0, DATE '2025-05-24'),
           (:kato, 'national', 'general', 0, DATE '2025-05-24')
    """,
    """
    INSERT INTO queue_entries (id, list_id, kato, person_id, family_id, registered_at, category, categories,
                               priority, status, position, skipped_for_offers, inventory_status,
                               consent_ref, phone, phone_verified_at, created_at)
    SELECT o.id, l.id, :kato, o.off + 1, o.id,
           TIMESTAMPTZ '2008-01-01 03:00:00+00'
             + ((o.id * 2654435761) % (18 * 365 * 86400)) * INTERVAL '1 second',
           CASE WHEN (o.id * 104729) % 100 < 30 THEN 'large_family' ELSE 'general' END,
           '[]'::jsonb, (o.id * 104729) % 100 < 30, 'active', NULL, false,
           CASE WHEN (o.id * 15485863) % 100 < 2 THEN 'failed' ELSE 'passed' END,
           CASE WHEN (o.id * 32452843) % 100 < 2 THEN NULL ELSE 'consent' END,
           '+77010000000',
           CASE WHEN (o.id * 49979687) % 100 < 1 THEN NULL ELSE now() END,
           now()
    FROM bench_off o JOIN queue_lists l ON l.kato = :kato
         AND l.code = CASE WHEN (o.id * 104729) % 100 < 30 THEN 'priority' ELSE 'general' END
    """,
    "SELECT setval(pg_get_serial_sequence('queue_entries', 'id'), (SELECT max(id) FROM queue_entries))",
    """
    INSERT INTO queue_entry_members (entry_id, person_id, relation, active)
    SELECT o.id, o.off + k, CASE WHEN k = 1 THEN 'head' ELSE 'child' END, true
    FROM bench_off o CROSS JOIN LATERAL generate_series(1, o.size) k
    """,
    """
    INSERT INTO allocation_entry_facts (entry_id, needs_wheelchair, ladder_income, recorded_by, recorded_at)
    SELECT id, (id * 86028121) % 100 < 1,
           jsonb_build_object('salary', ((id * 2147483647) % 1000) * size * 4622800 * 6 * 42 / 10000),
           'system:bench', now()
    FROM bench_fam
    """,
    """
    INSERT INTO dwellings (kato, address, rooms, area_dm2, floor, floors_total, wheelchair_accessible, kind,
                           programme, status, holder, external_ref, created_at, updated_at)
    SELECT :kato, 'Bench street ' || g, r, r * 1600 + 1400 + (g * 7) % 1200, 1 + g % 9, 9, g % 33 = 0,
           (ARRAY['rental','rental','rental','rental','rental','rental','credit_2','credit_2','credit_2','credit_5'])
             [1 + (g * 31) % 10],
           'Bench', 'available', 'distributor', 'b' || g, now(), now()
    FROM generate_series(1::bigint, :d) g CROSS JOIN LATERAL
         (SELECT (ARRAY[1,1,1,2,2,2,2,3,3,4])[1 + (g * 13) % 10] AS r) rr
    """,
]


def _recreate(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def populate(url: str, entries: int, dwellings: int) -> None:
    from kezek.db import make_engine, migrate
    from kezek.registry.service import load_reference_kato

    started = time.perf_counter()
    migrate.upgrade(url)
    engine = make_engine(url)
    from kezek.db import unit_of_work

    with unit_of_work(engine) as session:
        load_reference_kato(session)
    with engine.begin() as conn:
        for statement in POPULATE_SQL:
            conn.execute(text(statement), {"n": entries, "d": dwellings, "kato": KATO})
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()
    print(f"  database filled in {time.perf_counter() - started:.1f} s; {_load()}", flush=True)


def _reset(url: str) -> None:
    """Undo a run (untimed): its rows, its batch, the dwellings back to available."""
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in ("allocation_decisions", "allocation_run_blobs"):
            conn.execute(text(f"DELETE FROM {table}"))
        conn.execute(text("DELETE FROM allocation_runs"))
        conn.execute(text("DELETE FROM allocation_batch_items"))
        conn.execute(text("DELETE FROM allocation_batches"))
        conn.execute(text("UPDATE dwellings SET status = 'available' WHERE status <> 'available'"))
    engine.dispose()


def bench_end_to_end(url: str, repeats: int) -> None:
    from sqlalchemy import select

    from kezek.allocation import service
    from kezek.audit.service import Actor
    from kezek.db import make_engine, unit_of_work
    from kezek.models.stock import Dwelling

    engine = make_engine(url)
    actor = Actor("system", "bench")
    runs, verifies = [], []
    for _ in range(repeats):
        _reset(url)
        stages: dict[str, float] = {}
        t0 = time.perf_counter()
        with unit_of_work(engine) as session:
            ids = list(session.scalars(select(Dwelling.id).where(Dwelling.kato == KATO)))
            batch = service.create_batch(
                session, actor=actor, kato=KATO, regime="national", title="bench", dwelling_ids=ids
            )
            stages["batch"] = time.perf_counter() - t0
            last = [time.perf_counter()]

            def progress(
                stage: str, count: int, stages: dict[str, float] = stages, last: list[float] = last
            ) -> None:
                now = time.perf_counter()
                stages[stage] = now - last[0]
                last[0] = now

            run = service.create_run(session, actor=actor, batch_id=batch.id, as_of=AS_OF, progress=progress)
            stages["store"] = time.perf_counter() - last[0]
            run_id, assigned, entries = run.id, run.assigned_count, run.entries_count
            last[0] = time.perf_counter()
        stages["commit"] = time.perf_counter() - last[0]
        runs.append(time.perf_counter() - t0)
        print(
            f"  run {run_id}: {entries:,} entries, {assigned:,} assigned; "
            + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()),
            flush=True,
        )
        t1 = time.perf_counter()
        with unit_of_work(engine) as session:
            check = service.verify_run(session, run_id)
        verifies.append(time.perf_counter() - t1)
        assert check.ok, "verification failed"
    engine.dispose()
    _median("end to end from PostgreSQL (batch, snapshot, compute, store, commit)", runs, 30)
    _median("verify RUN (decode stored inputs, compute again, compare)", verifies, 30)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench allocation",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--dwellings", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--admin-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--database", default="kezek_bench_alloc")
    parser.add_argument("--skip-database", action="store_true", help="only the computation in memory")
    parser.add_argument("--reuse", action="store_true", help="use the bench database as it is")
    parser.add_argument("--skip-computation", action="store_true", help="only the run from PostgreSQL")
    args = parser.parse_args(argv)
    if not args.skip_computation:
        print(f"computation in memory; {_load()} (2 shared cores: figures are noisy)", flush=True)
        bench_computation(args.entries, args.dwellings, args.repeats)
    if args.skip_database:
        return
    print("end to end from PostgreSQL", flush=True)
    if args.reuse:
        url = make_url(args.admin_url).set(database=args.database).render_as_string(hide_password=False)
    else:
        url = _recreate(args.admin_url, args.database)
        populate(url, args.entries, args.dwellings)
    bench_end_to_end(url, args.repeats)
