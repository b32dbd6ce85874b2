"""Legacy list import: N lines of an akimat's CSV into PostgreSQL and SQLite through the set-based path.

    python -m bench imports [-- --rows 1000000] [--database-url postgresql://...] [--sqlite]
                               [--chunk 5000] [--repeats 1]

A deterministic CSV (UTF-8 with BOM, semicolons, Russian headers, full name in one column, dates
with times, list names in words) is written with vectorised IINs; about 1 % of the lines are broken
(wrong check digit, impossible date, unknown list) and 0.5 % repeat an earlier line, so the checks
and the report do real work. The import is ``kezek.imports.bulk.BulkQueueImport`` through
``kezek.imports.runner.import_file`` (the same reading, validation, decisions and provenance as the
service path; committed per chunk), into a fresh database: a temporary SQLite file, and the
PostgreSQL database given with ``--database-url`` (create it first; it must be empty).

Prints per engine: seconds, lines per second, the ratio to the target (issue 8: 1,000,000 lines
under 60 s on PostgreSQL, under 120 s on SQLite, so 16,667 and 8,333 lines/s) and the peak
resident memory of the process (``ru_maxrss``; target under 1 GB). Asserts rows in = landed +
reported. The machine is shared and noisy: read the figures as orders of magnitude.
"""

from __future__ import annotations

import argparse
import csv
import resource
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np

from kezek.audit.service import Actor
from kezek.db import make_engine, unit_of_work
from kezek.db.migrate import upgrade
from kezek.imports.runner import import_file
from kezek.imports.service import ImportOptions
from kezek.models.registry import Jurisdiction
from kezek.registry.iin import format_iins, generate_iins

KATO = "351010000"
TARGET_SECONDS = {"postgresql": 60.0, "sqlite": 120.0}
HEADER = ["№ п/п", "№ очереди", "ФИО", "ИИН", "Дата рождения", "Дата постановки на учет", "Список", "Телефон"]
SURNAMES = ("Абенов", "Серікбаев", "Жақсылықов", "Иванов", "Нұрланов", "Омаров", "Қасымов", "Петров")
GIVEN = ("Ерлан", "Дәулет", "Арман", "Сергей", "Айгүл", "Дана", "Мадина", "Ольга")
PATRONYMICS = ("Серікұлы", "Маратович", "Асқарұлы", "Иванович", "")
LISTS = ("Социально уязвимые слои населения", "Многодетные семьи", "Дети-сироты", "Государственные служащие",
         "Аварийное жилье", "Участники ВОВ")  # fmt: skip


def write_file(path: Path, rows: int, seed: int = 8) -> dict[str, int]:
    """The CSV; returns how many lines were broken or repeated on purpose."""
    rng = np.random.default_rng(seed)
    birth = np.datetime64("1950-01-01") + rng.integers(0, 365 * 50, rows).astype("timedelta64[D]")
    male = rng.random(rows) < 0.5
    serials = np.arange(rows, dtype=np.int64) % 9000 + 100
    iins, ok = generate_iins(birth, male, serials)
    tries = 0
    while not ok.all() and tries < 20:  # another serial where the number cannot be issued
        serials = np.where(ok, serials, serials + 1)
        iins, ok = generate_iins(birth, male, serials)
        tries += 1
    # Unique IINs: the synthetic birth dates and serials may collide.
    _, first = np.unique(iins, return_index=True)
    unique = np.zeros(rows, dtype=bool)
    unique[first] = True
    texts = format_iins(iins)
    births = np.datetime_as_string(birth).tolist()
    minutes = np.sort(rng.integers(0, 60 * 24 * 365 * 15, rows))
    start = np.datetime64("2008-01-10T09:00")
    registered = np.datetime_as_string(start + minutes.astype("timedelta64[m]"), unit="m").tolist()
    broken = repeated = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fp:
        writer = csv.writer(fp, delimiter=";")
        writer.writerow(HEADER)
        previous: list[str] | None = None
        for i in range(rows):
            y, m, d = births[i].split("-")
            day, hm = registered[i].split("T")
            ry, rm, rd = day.split("-")
            iin = texts[i]
            if not ok[i] or not unique[i]:
                iin = iin[:11] + str((int(iin[11]) + 1) % 10)  # no longer valid: reported
                broken += 1
            line = [
                str(i + 1),
                str(i + 1),
                f"{SURNAMES[i % 8]} {GIVEN[(i // 8) % 8]} {PATRONYMICS[i % 5]}".strip(),
                iin,
                f"{d}.{m}.{y}",
                f"{rd}.{rm}.{ry} {hm}",
                LISTS[i % 6],
                f"8 701 {i % 1000:03d} {i % 100:02d} {(i * 7) % 100:02d}",
            ]
            if ok[i] and unique[i] and i % 100 == 37:
                line[5] = "31.02.2015"  # no such date
                broken += 1
            elif ok[i] and unique[i] and i % 100 == 71:
                line[6] = "Прочие"  # no such list
                broken += 1
            if previous is not None and i % 200 == 199:
                writer.writerow(previous)  # the same line again: merged
                repeated += 1
            writer.writerow(line)
            previous = line
    return {"broken": broken, "repeated": repeated, "lines": rows + repeated}


def fresh_database(url: str) -> None:
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(engine) as session:
        if session.get(Jurisdiction, KATO) is None:
            names = {"name_kk": "Қарағанды", "name_ru": "Караганда", "name_en": "Karaganda"}
            session.add(Jurisdiction(kato=KATO, parent_kato="350000000", level="city", **names))
    engine.dispose()


def run_once(url: str, path: Path, chunk: int, expected_lines: int) -> dict[str, float]:
    engine = make_engine(url)
    started = time.perf_counter()
    outcome = import_file(
        engine,
        actor=Actor("system", "bench-imports"),
        path=path,
        options=ImportOptions(kato=KATO, bulk=True, chunk_size=chunk, language="ru"),
        preview=0,
    )
    seconds = time.perf_counter() - started
    engine.dispose()
    assert outcome.rows_total == expected_lines, (outcome.rows_total, expected_lines)
    assert outcome.landed + outcome.reported == outcome.rows_total
    return {"seconds": seconds, "landed": outcome.landed, "reported": outcome.reported}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench imports")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="", help="an empty PostgreSQL database (migrated here)")
    parser.add_argument("--sqlite", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--chunk", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=1, help="each repeat needs a fresh database")
    args = parser.parse_args(argv or [])
    with tempfile.TemporaryDirectory(prefix="kezek-bench-imports-") as tmp:
        path = Path(tmp) / "list.csv"
        t0 = time.perf_counter()
        made = write_file(path, args.rows)
        size = path.stat().st_size / 1e6
        print(
            f"file: {made['lines']:,} lines ({made['broken']:,} broken, {made['repeated']:,} repeated), "
            f"{size:.0f} MB, written in {time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        targets: list[tuple[str, str]] = []
        if args.database_url:
            targets.append(("postgresql", args.database_url))
        if args.sqlite:
            targets.append(("sqlite", ""))
        for engine_name, url in targets:
            seconds: list[float] = []
            result: dict[str, float] = {}
            for repeat in range(args.repeats):
                target = url or f"sqlite:///{Path(tmp) / f'bench-{repeat}.db'}"
                if engine_name == "postgresql" and repeat > 0:
                    print("  (PostgreSQL: one repeat per fresh database; further repeats skipped)")
                    break
                fresh_database(target)
                result = run_once(target, path, args.chunk, made["lines"])
                seconds.append(result["seconds"])
                print(f"  {engine_name} run {repeat + 1}: {result['seconds']:.1f} s", flush=True)
            median = statistics.median(seconds)
            rate = made["lines"] / median
            scaled = TARGET_SECONDS[engine_name] * args.rows / 1_000_000
            print(
                f"{engine_name}: {made['lines']:,} lines in {median:.1f} s (median of {len(seconds)}), "
                f"{rate:,.0f} lines/s; landed {result['landed']:,.0f}, "
                f"reported {result['reported']:,.0f}; "
                f"target {scaled:.0f} s for this size -> ratio {median / scaled:.2f} (<1 meets it); "
                f"1,000,000 lines extrapolated: {1_000_000 / rate:.0f} s",
                flush=True,
            )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory (ru_maxrss): {peak_mb:.0f} MB (target < 1024 MB)")
    print(f"date: {date.today().isoformat()}; machine shared by several workers (2 cores): noisy figures")
