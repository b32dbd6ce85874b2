"""Generate and load a synthetic population (persons, families, registrations, incomes, property,
statuses) into a fresh PostgreSQL database and a fresh SQLite file.

    python -m bench population [-- --persons 1000000 --engines postgresql,sqlite
                                   --pg-admin-url postgresql://postgres@127.0.0.1:5432/postgres
                                   --pg-database kezek_bench_pop --repeats 1]

The same steps as `kezek demo generate --persons N --seed S --out DIR` then `kezek demo load DIR`:
the generator streams CSV files to a temporary directory (timed once, shared by both engines), and
each engine gets a freshly created and migrated database (migration not timed) into which the
reference KATO jurisdictions and the files are loaded in one transaction (COPY on PostgreSQL,
executemany on SQLite), committed (timed). The PostgreSQL database is dropped and created again
before each repeat; the SQLite file lives in the temporary directory.

Targets (issue 2): generate + load 1,000,000 persons under 2 minutes into PostgreSQL and under
4 minutes into SQLite.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from kezek.db import make_engine, unit_of_work
from kezek.db.migrate import upgrade

TARGETS = {"postgresql": 120.0, "sqlite": 240.0}


def _uptime() -> str:
    try:
        return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "load average unknown"


def _recreate_pg(admin_url: str, name: str) -> str:
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _generate(persons: int, seed: int, out: Path) -> tuple[float, dict[str, int]]:
    from kezek.population import files
    from kezek.population.generator import PopulationGenerator

    started = time.perf_counter()
    manifest = files.generate(out, PopulationGenerator(persons, seed))
    return time.perf_counter() - started, manifest.counts


def _load(database_url: str, directory: Path) -> float:
    from kezek.population import loader
    from kezek.registry.service import load_reference_kato

    upgrade(database_url)
    engine = make_engine(database_url)
    try:
        started = time.perf_counter()
        with unit_of_work(engine) as session:
            load_reference_kato(session)
            loader.load(session, directory)
        return time.perf_counter() - started
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench population",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--engines", default="postgresql,sqlite")
    parser.add_argument(
        "--pg-admin-url",
        default=os.environ.get("KEZEK_BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        help="a connection allowed to CREATE/DROP DATABASE",
    )
    parser.add_argument("--pg-database", default="kezek_bench_pop", help="dropped and re-created each repeat")
    parser.add_argument("--repeats", type=int, default=1, help="loads per engine (the median is reported)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database afterwards")
    args = parser.parse_args(argv)
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]

    print(f"{args.persons:,} persons, seed {args.seed}; {_uptime()}")
    with tempfile.TemporaryDirectory(prefix="kezek-bench-pop-") as tmp:
        out = Path(tmp) / "population"
        generated, counts = _generate(args.persons, args.seed, out)
        rows = sum(counts.values())
        size = sum(f.stat().st_size for f in out.iterdir()) / 1e6
        print(f"generate: {generated:.1f} s for {rows:,} rows ({size:,.0f} MB of CSV): "
              + ", ".join(f"{k} {v:,}" for k, v in counts.items()))  # fmt: skip
        for engine in engines:
            loads: list[float] = []
            for repeat in range(args.repeats):
                if engine == "postgresql":
                    url = _recreate_pg(args.pg_admin_url, args.pg_database)
                else:
                    db = Path(tmp) / f"bench-{repeat}.db"
                    url = f"sqlite:///{db}"
                loaded = _load(url, out)
                loads.append(loaded)
                print(
                    f"{engine:10} load {repeat + 1}: {loaded:.1f} s ({rows / loaded:,.0f} rows/s); "
                    f"{_uptime()}"
                )
                if engine == "sqlite":
                    for suffix in ("", "-wal", "-shm"):
                        Path(f"{db}{suffix}").unlink(missing_ok=True)
            median = statistics.median(loads)
            total = generated + median
            target = TARGETS[engine] * args.persons / 1_000_000
            print(
                f"{engine:10} generate {generated:.1f} s + load (median of {len(loads)}) {median:.1f} s "
                f"= {total:.1f} s; target {target:.0f} s: ratio {total / target:.2f} "
                f"({'met' if total < target else 'MISSED'})"
            )
        if "postgresql" in engines and not args.keep:
            admin = create_engine(args.pg_admin_url, isolation_level="AUTOCOMMIT")
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{args.pg_database}" WITH (FORCE)'))
            admin.dispose()


if __name__ == "__main__":
    main()
