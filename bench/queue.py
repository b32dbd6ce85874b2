"""The queue on PostgreSQL at national scale: a citizen's position under load, and the quarterly
re-verification (inventory) of every active entry against the state-data sandbox.

    python -m bench queue [-- --entries 1000000 --clients 50 --requests 20000 --seconds 120
                              --think-ms 1000 --pg-database kezek_bench_queue --reuse]

Setup (not timed against a target; each step's time is printed): a fresh PostgreSQL database
(dropped and created, then migrated), a synthetic population large enough for ``--entries``
families (``kezek demo generate`` + the COPY loader), and one active national-regime entry per
family in the "priority" (about 30 %) or "general" list of the family's jurisdiction, with its
members, its "registered" ledger event, and positions by date and time of registration. To give
"why my number changed" something to explain, 0.2 % of the entries were removed during the last
20 days (their own "removed" events; those behind them moved up). Set-based SQL, as a bulk import
of legacy lists would do. ``--reuse`` keeps a database prepared by an earlier run.

(1) Position lookup: ``kezek serve``'s application (uvicorn, ``--workers``) on a free loopback port;
a SEPARATE process (``bench/_queue_load.py``, httpx async) runs ``--clients`` concurrent citizens,
each with their own signed session cookie (made with the server's secret key exactly as the
sign-in does), with an exponential think time of mean ``--think-ms`` between requests, until
``--requests`` or ``--seconds``, against ``/api/v1/queue/position`` (the JSON position lookup:
list, number, date, category) and then ``/citizen/queue`` (the page, which also explains the
changes of the last month). Each answer is checked to carry the citizen's number. p50/p95/p99 of
the answered requests. Target (issue 5): p95 under 50 ms with 50 concurrent clients.

(2) Inventory: the sandbox (``kezek sandbox serve``, own process) over the same population, and
``kezek.queue.inventory.run_inventory`` over every active entry (chunks of 5,000 entries: batch
calls to the five systems, answers stored, request log, proposals, one transaction per chunk).
Target: under 10 minutes for 1,000,000 entries.
"""

from __future__ import annotations

import argparse
import base64
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from itsdangerous import TimestampSigner
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from kezek.audit.service import Actor
from kezek.db import make_engine, unit_of_work
from kezek.db.migrate import upgrade

TARGET_P95_MS = 50.0
TARGET_INVENTORY_S = 600.0
PERSONS_PER_FAMILY = 3.55  # a little above the generator's mean, so that enough families exist
SECRET = "bench-queue-secret-0123456789abcdef-not-for-production"  # noqa: S105 (a bench server only)


def _uptime() -> str:
    try:
        return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "load average unknown"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _step(label: str, started: float) -> None:
    print(f"  {label}: {time.perf_counter() - started:.1f} s; {_uptime()}", flush=True)


# -- setup ---------------------------------------------------------------------------------------
def _recreate(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return _url(admin_url, name)


def _url(admin_url: str, name: str) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _populate(url: str, entries: int, seed: int) -> None:
    from kezek.population import files, loader
    from kezek.population.generator import PopulationGenerator
    from kezek.registry.service import load_reference_kato

    persons = math.ceil(entries * PERSONS_PER_FAMILY)
    with tempfile.TemporaryDirectory(prefix="kezek-bench-queue-") as tmp:
        started = time.perf_counter()
        manifest = files.generate(Path(tmp), PopulationGenerator(persons, seed))
        _step(f"generated {persons:,} persons, {manifest.counts['families']:,} families", started)
        if manifest.counts["families"] < entries:
            raise SystemExit(f"only {manifest.counts['families']:,} families for {entries:,} entries")
        started = time.perf_counter()
        engine = make_engine(url)
        with unit_of_work(engine) as session:
            load_reference_kato(session)
            loader.load(session, Path(tmp))
        engine.dispose()
        _step(f"loaded {sum(manifest.counts.values()):,} rows", started)


QUEUE_SQL = [
    # one national list per jurisdiction and code
    """
    INSERT INTO queue_lists (kato, regime, code, active_count, opened_on)
    SELECT DISTINCT f.kato, 'national', c.code, 0, DATE '2025-05-24'
    FROM families f CROSS JOIN (VALUES ('priority'), ('general')) AS c(code)
    WHERE f.id <= :n
    """,
    # one entry per family (id = family id), registered at a deterministic moment of 2008-2026,
    # positions by (registered_at, id) within the list
    """
    INSERT INTO queue_entries (id, list_id, kato, person_id, family_id, registered_at, category, categories,
                               priority, status, position, skipped_for_offers, created_at)
    SELECT e.id, l.id, e.kato, e.head, e.id, e.registered_at, e.category, jsonb_build_array(e.category),
           e.priority, 'active',
           row_number() OVER (PARTITION BY l.id ORDER BY e.registered_at, e.id), false, now()
    FROM (
        SELECT f.id, f.kato, f.head_person_id AS head,
               TIMESTAMPTZ '2008-01-01 03:00:00+00'
                 + ((f.id * 2654435761) % (18 * 365 * 86400)) * INTERVAL '1 second' AS registered_at,
               (f.id * 7919) % 100 < 30 AS priority,
               CASE WHEN (f.id * 7919) % 100 >= 30 THEN 'general'
                    WHEN (f.id * 7919) % 100 < 12 THEN 'large_family'
                    WHEN (f.id * 7919) % 100 < 20 THEN 'disability'
                    WHEN (f.id * 7919) % 100 < 25 THEN 'orphan'
                    ELSE 'single_parent' END AS category
        FROM families f WHERE f.id <= :n
    ) AS e
    JOIN queue_lists l ON l.kato = e.kato AND l.regime = 'national'
         AND l.code = CASE WHEN e.priority THEN 'priority' ELSE 'general' END
    """,
    "SELECT setval(pg_get_serial_sequence('queue_entries', 'id'), (SELECT max(id) FROM queue_entries))",
    """
    INSERT INTO queue_entry_members (entry_id, person_id, relation, active)
    SELECT e.id, m.person_id, m.relation, true
    FROM queue_entries e JOIN family_members m ON m.family_id = e.family_id
    """,
    """
    INSERT INTO queue_events (entry_id, list_id, kind, occurred_at, entry_registered_at, delta,
                              position_after, actor)
    SELECT id, list_id, 'registered', registered_at, registered_at, 1, position, 'system:bench'
    FROM queue_entries
    """,
    # 0.2 % removed during the last 20 days; position_before counts the earlier removals ahead
    """
    CREATE TEMP TABLE bench_removed ON COMMIT DROP AS
    SELECT id, list_id, registered_at, position,
           now() - ((id * 40503) % (20 * 86400)) * INTERVAL '1 second' AS at
    FROM queue_entries WHERE (id * 104729) % 1000 < 2
    """,
    """
    INSERT INTO queue_events (entry_id, list_id, kind, occurred_at, entry_registered_at, delta,
                              position_before, reason_code, actor)
    SELECT r.id, r.list_id, 'removed', r.at, r.registered_at, -1,
           r.position - (SELECT count(*) FROM bench_removed o
                         WHERE o.list_id = r.list_id AND o.at < r.at AND o.position < r.position),
           'own_request', 'system:bench'
    FROM bench_removed r
    """,
    """
    UPDATE queue_entries q
    SET status = 'removed', position = NULL, ended_at = r.at, end_reason = 'own_request'
    FROM bench_removed r WHERE q.id = r.id
    """,
    """
    UPDATE queue_entry_members m SET active = false FROM bench_removed r WHERE m.entry_id = r.id
    """,
    """
    UPDATE queue_entries q SET position = p.rn FROM (
        SELECT id, row_number() OVER (PARTITION BY list_id ORDER BY registered_at, id) AS rn
        FROM queue_entries WHERE status = 'active') AS p
    WHERE q.id = p.id AND q.position IS DISTINCT FROM p.rn
    """,
    """
    UPDATE queue_lists l SET active_count = c.n FROM (
        SELECT list_id, count(*) AS n FROM queue_entries WHERE status = 'active' GROUP BY list_id) AS c
    WHERE l.id = c.list_id
    """,
]


def _queue(url: str, entries: int) -> None:
    engine = make_engine(url)
    started = time.perf_counter()
    with engine.begin() as conn:
        for statement in QUEUE_SQL:
            conn.execute(text(statement), {"n": entries})
    _step("queue lists, entries, members, ledger events, removals, positions (set-based SQL)", started)
    started = time.perf_counter()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    _step("vacuum analyze", started)
    engine.dispose()


def _summary(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        row = conn.execute(
            text(
                "SELECT (SELECT count(*) FROM queue_entries WHERE status = 'active'),"
                " (SELECT count(*) FROM queue_lists), (SELECT max(active_count) FROM queue_lists),"
                " (SELECT count(*) FROM queue_events), (SELECT count(*) FROM persons)"
            )
        ).one()
    return dict(zip(("active", "lists", "largest_list", "events", "persons"), map(int, row), strict=True))


# -- (1) position lookup -------------------------------------------------------------------------
def _cookie(person_id: int) -> str:
    # what Starlette's SessionMiddleware writes after `sign_in_citizen` (kezek.auth.deps)
    payload = base64.b64encode(json.dumps({"citizen_person_id": person_id}).encode())
    return "kezek_session=" + TimestampSigner(SECRET).sign(payload).decode()


def _citizens(engine: Engine, count: int, seed: int) -> list[tuple[str, int]]:
    with engine.connect() as conn:
        top = int(conn.scalar(text("SELECT max(id) FROM queue_entry_members")) or 0)
        rng = np.random.default_rng(seed)
        ids = sorted({int(i) for i in rng.integers(1, top + 1, size=count * 2)})
        rows = conn.execute(
            text(
                "SELECT m.person_id, e.position FROM queue_entry_members m"
                " JOIN queue_entries e ON e.id = m.entry_id"
                " WHERE m.id = ANY(:ids) AND m.active AND e.status = 'active'"
            ),
            {"ids": ids},
        ).all()
    return [(_cookie(int(pid)), int(pos)) for pid, pos in rows[:count]]


def _serve(url: str, workers: int) -> tuple[str, subprocess.Popen[bytes]]:
    port = _free_port()
    env = {
        **os.environ,
        "KEZEK_DATABASE_URL": url,
        "KEZEK_SECRET_KEY": SECRET,
        "KEZEK_ENVIRONMENT": "development",
        "KEZEK_WORKER_MODE": "off",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "kezek.web.app:create_app", "--host", "127.0.0.1",
         "--port", str(port), "--workers", str(workers), "--no-access-log", "--log-level", "warning"],
        env=env,
        cwd=Path(__file__).resolve().parent.parent,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 240  # two workers import the whole app; the machine is shared
    while True:
        try:
            if httpx.get(f"{base}/healthz", timeout=1.0).status_code == 200:
                return base, process
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise SystemExit("the application did not start")
        time.sleep(0.2)


PATHS = {"api": "/api/v1/queue/position", "page": "/citizen/queue"}


def lookups(url: str, args: argparse.Namespace) -> float:
    engine = make_engine(url)
    citizens = _citizens(engine, args.citizens, args.seed)
    engine.dispose()
    base, server = _serve(url, args.workers)
    first = 0.0
    try:
        for kind in args.paths.split(","):
            p95 = _lookups(base, PATHS[kind], citizens, args)
            first = first or p95
    finally:
        server.terminate()
        server.wait(timeout=20)
    return first


def _lookups(base: str, path: str, citizens: list[tuple[str, int]], args: argparse.Namespace) -> float:
    job = {
        "base_url": base,
        "path": path,
        "cookies": citizens,
        "clients": args.clients,
        "requests": args.requests,
        "seconds": args.seconds,
        "think_ms": args.think_ms,
        "seed": args.seed,
    }
    warm = {**job, "requests": min(500, args.requests), "seconds": 30}
    results = []
    for label, spec in (("warm-up", warm), ("measured", job)):
        done = subprocess.run(
            [sys.executable, "-m", "bench._queue_load"],
            input=json.dumps(spec).encode(),
            capture_output=True,
            check=True,
            timeout=float(spec["seconds"]) + 120,
            cwd=Path(__file__).resolve().parent.parent,
        )
        results.append((label, json.loads(done.stdout)))
    p95 = 0.0
    for label, result in results:
        ms = result["latencies_ms"]
        if not ms:
            print(f"{label}: no answered requests; errors {result['errors']}")
            continue
        p50, p95, p99 = (float(np.percentile(ms, q)) for q in (50, 95, 99))
        rate = len(ms) / result["wall_s"]
        print(
            f"{path} {label:8} {len(ms):,} lookups by {args.clients} concurrent clients "
            f"({len(citizens):,} citizens, "
            f"think time mean {args.think_ms} ms) in {result['wall_s']:.1f} s = {rate:,.0f}/s; "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, max {max(ms):.0f} ms; "
            f"errors {result['errors'] or 'none'}"
        )
    print(
        f"{path}: position lookup p95 {p95:.1f} ms; target {TARGET_P95_MS:.0f} ms: "
        f"ratio {p95 / TARGET_P95_MS:.2f} "
        f"({'met' if p95 < TARGET_P95_MS else 'MISSED'}); {_uptime()}"
    )
    return p95


# -- (2) inventory -------------------------------------------------------------------------------
def _sandbox(url: str) -> tuple[str, subprocess.Popen[bytes]]:
    from kezek.sandbox.server import SandboxAdmin

    port = _free_port()
    kezek = str(Path(sys.executable).with_name("kezek"))
    process = subprocess.Popen(
        [kezek, "sandbox", "serve", "--port", str(port), "--database-url", url,
         "--stop-with-parent", str(os.getpid()), "--lifetime", "7200"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    with SandboxAdmin(base, timeout=1.0) as admin:
        deadline = time.monotonic() + 60
        while not admin.healthy():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise SystemExit("the sandbox did not start")
            time.sleep(0.1)
    return base, process


def inventory(url: str, args: argparse.Namespace) -> float:
    base, sandbox = _sandbox(url)
    os.environ["KEZEK_STATE_SANDBOX_URL"] = base
    os.environ["KEZEK_STATE_READ_TIMEOUT"] = "120"
    os.environ["KEZEK_STATE_ATTEMPTS"] = "1"
    from kezek.integration.config import get_integration_settings
    from kezek.queue.inventory import run_inventory

    get_integration_settings.cache_clear()
    engine = make_engine(url)
    done = [0]
    last = [time.perf_counter()]

    def progress(n: int) -> None:
        done[0] += n
        if time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            print(f"  … {done[0]:,} entries checked; {_uptime()}", flush=True)

    try:
        summary = run_inventory(
            engine,
            actor=Actor.system("bench"),
            kato_prefix=args.inventory_kato,
            trigger="on_demand",
            chunk=args.chunk,
            progress=progress,
        )
    finally:
        engine.dispose()
        sandbox.terminate()
        sandbox.wait(timeout=20)
        get_integration_settings.cache_clear()
    target = TARGET_INVENTORY_S * summary.checked / 1_000_000
    scope = f" (jurisdictions {args.inventory_kato}*)" if args.inventory_kato else ""
    rate = summary.checked / summary.seconds
    if args.inventory_kato:
        print(f"  at this rate 1,000,000 entries would take {1_000_000 / rate:,.0f} s (extrapolated)")
    print(
        f"inventory{scope} of {summary.checked:,} active entries: {summary.seconds:.1f} s "
        f"= {summary.checked / summary.seconds:,.0f} entries/s (passed {summary.passed:,}, proposed "
        f"{summary.proposed:,}, unavailable {summary.unavailable:,}); target {target:.0f} s: ratio "
        f"{summary.seconds / target:.2f} ({'met' if summary.seconds < target else 'MISSED'}); {_uptime()}"
    )
    return summary.seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench queue",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--citizens", type=int, default=5000, help="distinct citizens the clients sign in as")
    parser.add_argument("--requests", type=int, default=20_000, help="at most this many lookups")
    parser.add_argument("--seconds", type=float, default=120, help="at most this long")
    parser.add_argument("--think-ms", type=float, default=1000, help="mean pause of a client between lookups")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--paths", default="api,page", help="what to ask: api (JSON lookup), page, or both")
    parser.add_argument("--chunk", type=int, default=5000, help="inventory entries per transaction")
    parser.add_argument(
        "--inventory-kato", default="", help="re-verify one jurisdiction (KATO prefix) only, to bound the run"
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("KEZEK_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--pg-database", default="kezek_bench_queue")
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    parser.add_argument("--skip", choices=("lookups", "inventory"), action="append", default=[])
    args = parser.parse_args(argv)

    print(f"{args.entries:,} entries; {_uptime()}", flush=True)
    if args.reuse:
        url = _url(args.pg_admin_url, args.pg_database)
    else:
        started = time.perf_counter()
        url = _recreate(args.pg_admin_url, args.pg_database)
        upgrade(url)
        _step("fresh database, migrated", started)
        _populate(url, args.entries, args.seed)
        _queue(url, args.entries)
    engine = make_engine(url)
    summary: dict[str, Any] = _summary(engine)
    engine.dispose()
    print(
        f"database: {summary['active']:,} active entries in {summary['lists']:,} lists (largest "
        f"{summary['largest_list']:,}), {summary['events']:,} ledger events, {summary['persons']:,} persons",
        flush=True,
    )
    if "lookups" not in args.skip:
        lookups(url, args)
    if "inventory" not in args.skip:
        inventory(url, args)


if __name__ == "__main__":
    main()
