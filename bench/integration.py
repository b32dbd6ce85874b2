"""Re-verification throughput through the sandbox's batch endpoints, end to end.

    python -m bench.integration [--families 30000] [--database-url URL] [--repeats 5]

Populates the database with a deterministic synthetic population (temporary SQLite file by
default; an existing PostgreSQL database is topped up, never wiped), starts the sandbox in its own
process, and re-verifies every family: member lookup, batch calls to the five systems of the
quarterly re-check, parsing, storing the answers as received, one request-log line per person,
the facts per family, the commit. Prints the median of the repeats. Target: 5,000 families/s.
"""

from __future__ import annotations

import argparse
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
from kezek.integration.reverify import reverify_families
from kezek.models import Family
from kezek.sandbox.seed import seed_population
from kezek.sandbox.server import SandboxAdmin

TARGET_FAMILIES_PER_SECOND = 5_000


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


def run(database_url: str, families: int, repeats: int, batch_size: int, concurrency: int) -> float:
    upgrade(database_url)
    family_ids = _population(database_url, families)
    url, process = _start_sandbox(database_url)
    settings = IntegrationSettings(
        sandbox_url=url, batch_size=batch_size, batch_concurrency=concurrency, read_timeout=120.0, attempts=1
    )
    engine = make_engine(database_url)
    rates: list[float] = []
    try:
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
        f"target {TARGET_FAMILIES_PER_SECOND:,}: ratio {median / TARGET_FAMILIES_PER_SECOND:.2f}"
    )
    return median


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--families", type=int, default=30_000)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=5_000)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args(argv)
    if args.database_url:
        run(args.database_url, args.families, args.repeats, args.batch_size, args.concurrency)
        return
    with tempfile.TemporaryDirectory(prefix="kezek-bench-") as tmp:
        run(f"sqlite:///{tmp}/bench.db", args.families, args.repeats, args.batch_size, args.concurrency)


if __name__ == "__main__":
    main()
