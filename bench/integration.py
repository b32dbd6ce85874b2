"""State data: one family's full profile at 50 ms per call, and re-verification throughput.

    python -m bench integration [-- --families 30000] [--database-url URL] [--repeats 5]
                                   [--latency-ms 50] [--profile-repeats 20]

(a) Profile: every system of the sandbox is given ``--latency-ms`` per call through its fault
controls, and one family's full profile (all members, every system, one call each, concurrently:
``kezek.integration.profile.fetch_profile``) is fetched ``--profile-repeats`` times over real HTTP.
Median and max; target (issue 4): under 300 ms at 50 ms per call. The faults are then cleared.

(b) Re-verification throughput through the sandbox's batch endpoints, end to end:

Populates the database with a deterministic synthetic population (temporary SQLite file by
default; an existing PostgreSQL database is topped up, never wiped), starts the sandbox in its own
process, and re-verifies every family: member lookup, batch calls to the five systems of the
quarterly re-check, parsing, storing the answers as received, one request-log line per person,
the facts per family, the commit. Prints the median of the repeats. Target: 5,000 families/s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from kezek.audit.service import Actor
from kezek.db import make_engine, unit_of_work
from kezek.db.migrate import upgrade
from kezek.integration.config import IntegrationSettings
from kezek.integration.http import StateDataClient
from kezek.integration.profile import fetch_profile
from kezek.integration.repository import families_members
from kezek.integration.reverify import reverify_families
from kezek.integration.systems import ALL_SYSTEMS
from kezek.models import Family
from kezek.sandbox.seed import seed_population
from kezek.sandbox.server import SandboxAdmin

TARGET_FAMILIES_PER_SECOND = 5_000
TARGET_PROFILE_MS = 300.0


def _uptime() -> str:
    try:
        return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "load average unknown"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start_sandbox(database_url: str) -> tuple[str, subprocess.Popen[bytes]]:
    port = _free_port()
    kezek = str(Path(sys.executable).with_name("kezek"))
    process = subprocess.Popen(
        [kezek, "sandbox", "serve", "--port", str(port), "--database-url", database_url,
         "--stop-with-parent", str(os.getpid()), "--lifetime", "3600"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with SandboxAdmin(url, timeout=1.0) as admin:
        deadline = time.monotonic() + 60
        while not admin.healthy():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise SystemExit("the sandbox did not start")
            time.sleep(0.1)
    return url, process


def _population(database_url: str, families: int) -> list[int]:
    engine = make_engine(database_url)
    with unit_of_work(engine) as session:
        have = session.scalar(select(func.count()).select_from(Family)) or 0
    if have < families:
        started = time.perf_counter()
        seeded = seed_population(engine, families=families - have, seed=2026 + have)
        print(f"populated {seeded.families:,} families / {seeded.persons:,} persons "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    with unit_of_work(engine) as session:
        ids = list(session.scalars(select(Family.id).order_by(Family.id).limit(families)))
    engine.dispose()
    return ids


def profile(url: str, engine: object, family_ids: list[int], latency_ms: int, repeats: int) -> float:
    """Median seconds for one family's full profile with every system at ``latency_ms`` per call."""
    with unit_of_work(engine) as session:  # type: ignore[arg-type]
        members = families_members(session, family_ids[:200])
    family_id, people = max(members.items(), key=lambda item: len(item[1]))
    iins = [iin for _, iin, _ in people]
    settings = IntegrationSettings(sandbox_url=url, attempts=1, read_timeout=5.0)
    with SandboxAdmin(url) as admin:
        for system in ALL_SYSTEMS:
            admin.set_fault(system, latency_ms=latency_ms)
        try:

            async def once() -> float:
                async with StateDataClient(settings) as client:
                    started = time.perf_counter()
                    result = await fetch_profile(client, iins, ALL_SYSTEMS)
                    elapsed = time.perf_counter() - started
                if not result.complete or len(result.received) != len(ALL_SYSTEMS):
                    raise SystemExit(f"profile incomplete: {sorted(s.value for s in result.failed)}")
                return elapsed

            asyncio.run(once())  # warm-up: the sandbox opens its connections
            runs = [asyncio.run(once()) for _ in range(repeats)]
        finally:
            admin.clear()
    median = statistics.median(runs)
    target = TARGET_PROFILE_MS / 1000
    sequential = latency_ms / 1000 * len(ALL_SYSTEMS)
    print(
        f"profile of family {family_id} ({len(iins)} members) from {len(ALL_SYSTEMS)} systems at "
        f"{latency_ms} ms per call: median {median * 1000:.0f} ms over {repeats} runs "
        f"(min {min(runs) * 1000:.0f}, max {max(runs) * 1000:.0f}; sequential sum of latencies "
        f"{sequential * 1000:.0f} ms); target {TARGET_PROFILE_MS:.0f} ms: ratio {median / target:.2f} "
        f"({'met' if median < target else 'MISSED'}); {_uptime()}"
    )
    return median


def run(
    database_url: str,
    families: int,
    repeats: int,
    batch_size: int,
    concurrency: int,
    latency_ms: int = 50,
    profile_repeats: int = 20,
) -> float:
    upgrade(database_url)
    family_ids = _population(database_url, families)
    url, process = _start_sandbox(database_url)
    settings = IntegrationSettings(
        sandbox_url=url, batch_size=batch_size, batch_concurrency=concurrency, read_timeout=120.0, attempts=1
    )
    engine = make_engine(database_url)
    rates: list[float] = []
    try:
        if profile_repeats:
            profile(url, engine, family_ids, latency_ms, profile_repeats)
        for repeat in range(repeats + 1):
            started = time.perf_counter()
            with unit_of_work(engine) as session:
                result = reverify_families(
                    session, family_ids=family_ids, actor=Actor.system("bench"), settings=settings
                )
            elapsed = time.perf_counter() - started
            incomplete = sum(1 for f in result.families if not f.complete)
            flagged = sum(1 for f in result.families if f.flagged)
            label = "warm-up" if repeat == 0 else f"run {repeat}"
            print(
                f"{label:8} {len(result.families):,} families, {result.persons:,} persons, "
                f"{result.answers_stored} batch answers, {result.log_lines:,} log lines: {elapsed:.2f} s "
                f"= {len(result.families) / elapsed:,.0f} families/s "
                f"(flagged {flagged:,}, incomplete {incomplete})"
            )
            if repeat:
                rates.append(len(result.families) / elapsed)
    finally:
        engine.dispose()
        process.terminate()
        process.wait(timeout=10)
    median = statistics.median(rates)
    print(
        f"median {median:,.0f} families/s over {repeats} runs "
        f"(min {min(rates):,.0f}, max {max(rates):,.0f}); "
        f"target {TARGET_FAMILIES_PER_SECOND:,}: ratio {median / TARGET_FAMILIES_PER_SECOND:.2f} "
        f"({'met' if median >= TARGET_FAMILIES_PER_SECOND else 'MISSED'}); {_uptime()}"
    )
    return median


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench integration",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--families", type=int, default=30_000)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=5_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--profile-repeats", type=int, default=20, help="0 skips the profile part")
    args = parser.parse_args(argv)
    print(_uptime())
    options = (args.repeats, args.batch_size, args.concurrency, args.latency_ms, args.profile_repeats)
    if args.database_url:
        run(args.database_url, args.families, *options)
        return
    with tempfile.TemporaryDirectory(prefix="kezek-bench-") as tmp:
        run(f"sqlite:///{tmp}/bench.db", args.families, *options)


if __name__ == "__main__":
    main()
