"""Housing assistance: the quarterly recalculation of 100,000 claims and a 100,000-line payment registry.

    python -m bench assistance [-- --claims 100000 --lines 100000 --repeats 3 --db]

Recalculation: ``--claims`` stored calculations (the data already fetched: family size, counted
income of the previous quarter, dwelling area, tenure, period, three to six cost lines with
quantities and tariffs, across eight jurisdictions and the as-of dates of a quarter) are turned into
the rules' columns and evaluated in kezek.rules' batch mode (``payments_recalc.recalculate``: the
same code `kezek assistance recalculate` runs after loading the rows). Timed: columns + evaluation
+ comparison with the stored amounts. Target: under 10 s.

Registry: ``--lines`` payable months across five banks and twelve districts; timed per bank-split
registry set: the checks (every IBAN mod-97 and in its bank), the digest, the CSV, the XLSX and
the pain.001 XML for every bank. Target: under 10 s for all of it.

With ``--db``: a migrated SQLite database is filled with ``--lines`` assigned months (persons,
claims, decisions) and ``generate_registries`` (the query, grouping by bank and the bulk insert of
the lines, with audit events) is timed once, then the files of the generated registries.

Medians over ``--repeats``. The machine is shared and noisy: read figures as upper bounds.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from kezek.assistance.payments_files import (
    Payer,
    RegistryFile,
    RegistryLine,
    bank_code,
    check_registry,
    digest,
    registry_csv,
    registry_pain001,
    registry_xlsx,
)
from kezek.assistance.payments_recalc import StoredCalculation, recalculate
from kezek.integration.iban import make_kz_iban

TARGET_S = 10.0
KATOS = (
    "710000000",
    "750000000",
    "116600000",
    "552100000",
    "351600000",
    "111000000",
    "113200000",
    "711110000",
)
BANKS = ("601", "722", "856", "965", "998")
QUARTER = date(2026, 1, 1)


def _median(fn: Callable[[], object], repeats: int) -> tuple[float, float, object]:
    """Median wall time, median CPU time of this process (less sensitive to a loaded machine), result."""
    times, cpu, result = [], [], None
    for _ in range(repeats):
        t, c = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return statistics.median(times), statistics.median(cpu), result


def stored_rows(n: int, seed: int = 7) -> list[StoredCalculation]:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        size = rng.choice((1, 1, 2, 3, 3, 4, 5, 6))
        months = rng.choice((1, 2, 3, 3, 3))
        area = rng.randint(2_500, 12_000)
        tariff_water = rng.randint(15_000, 35_000)
        lines = [
            ("heat_area", area * 250 * months // 100, area * 10, 250),
            ("cold_water", 4 * size * tariff_water * months, 4_000 * size * months, tariff_water),
            ("condominium", area * 60 * months // 100 + rng.randint(0, 50_000), 0, 0),
            ("waste", rng.randint(50_000, 150_000) * months, 0, 0),
        ]
        if rng.random() < 0.5:
            lines.append(("gas", 15 * size * 5_000 * months, 15_000 * size * months, 5_000))
        if rng.random() < 0.3:
            lines.append(("rent", rng.randint(500_000, 3_000_000) * months, 0, 0))
        rows.append(
            StoredCalculation(
                claim_id=i + 1,
                kato=KATOS[i % len(KATOS)],
                as_of=QUARTER + timedelta(days=rng.randint(0, 80)),
                family_size=size,
                income_quarter_tiyn=rng.randint(0, 90_000_000),
                dwelling_area_dm2=area,
                tenure=rng.choice(("owned", "owned", "owned", "state_rent", "akimat_leased")),
                period_months=months,
                more_than_one_dwelling=rng.random() < 0.01,
                amount_period_tiyn=rng.randint(0, 3_000_000),
                lines=tuple(lines),
            )
        )
    return rows


def registry_lines(n: int, seed: int = 11) -> dict[str, list[RegistryLine]]:
    rng = random.Random(seed)
    by_bank: dict[str, list[RegistryLine]] = defaultdict(list)
    for i in range(n):
        iban = make_kz_iban(BANKS[i % len(BANKS)], f"{rng.randrange(10**12):013d}")
        by_bank[bank_code(iban)].append(
            RegistryLine(
                reference=f"HA{i + 1:012d}A01",
                claim=f"HA-2026-{i + 1:07d}",
                for_month=QUARTER,
                kato=f"7111{i % 12:02d}000",
                iin=f"{800101000000 + i:012d}",
                name=f"Сәрсенова Айгерім Қасымқызы {i}",
                iban=iban,
                amount_tiyn=rng.randint(100_000, 3_000_000),
            )
        )
    return by_bank


PAYER = Payer(
    "Department of employment and social programmes", "123456789012", make_kz_iban("070", "0000000000001")
)


def build_files(by_bank: dict[str, list[RegistryLine]], xlsx: bool = False) -> dict[str, float]:
    spent: dict[str, float] = defaultdict(float)
    for code, lines in sorted(by_bank.items()):
        reg = RegistryFile(
            number=f"HA202601-71-{code}-1",
            month=QUARTER,
            bank_code=code,
            payer=PAYER,
            created_at=datetime(2026, 1, 5, 4, 0, tzinfo=UTC),
            execution_date=date(2026, 1, 10),
            lines=tuple(lines),
        )
        for name, fn in (
            ("check", check_registry),
            ("digest", digest),
            ("csv", registry_csv),
            ("pain001", registry_pain001),
            *([("xlsx", registry_xlsx)] if xlsx else []),
        ):
            t = time.perf_counter()
            fn(reg)  # type: ignore[operator]
            spent[name] += time.perf_counter() - t
    return dict(spent)


def bench_db(lines: int) -> None:
    from sqlalchemy import insert
    from sqlalchemy.orm import Session

    from kezek.assistance.payments import generate_registries, registry_file
    from kezek.audit.service import Actor
    from kezek.db import make_engine, migrate
    from kezek.models.assistance import AssistanceClaim, AssistanceDecision, AssistanceMonth
    from kezek.models.payments import PaymentRegistry
    from kezek.models.registry import Person

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        migrate.upgrade(url)
        engine = make_engine(url)
        rng = random.Random(3)
        now = datetime(2026, 1, 12, 6, 0, tzinfo=UTC)
        t = time.perf_counter()
        with Session(engine) as s:
            ids = range(1, lines + 1)
            s.execute(
                insert(Person),
                [
                    dict(
                        id=i,
                        iin=f"{800101000000 + i:012d}",
                        surname="Сәрсенова",
                        given_name="Айгерім",
                        birth_date=date(1980, 1, 1),
                        sex="F",
                        citizenship="citizen",
                        kato=f"7111{i % 12:02d}000",
                    )
                    for i in ids
                ],
            )
            s.execute(
                insert(AssistanceClaim),
                [
                    dict(
                        id=i,
                        number=f"HA-{i:07d}",
                        kato=f"7111{i % 12:02d}000",
                        applicant_person_id=i,
                        channel="portal",
                        submitted_by_kind="citizen",
                        submitted_by_id=str(i),
                        language="kk",
                        quarter_start=QUARTER,
                        first_month=QUARTER,
                        period_months=3,
                        tenure="owned",
                        dwelling_address="-",
                        received_at=now,
                        consent_until=QUARTER,
                        status="assigned",
                        step="delivery",
                        paused_days=0,
                    )
                    for i in ids
                ],
            )
            s.execute(
                insert(AssistanceDecision),
                [
                    dict(
                        id=i,
                        claim_id=i,
                        kato=f"7111{i % 12:02d}000",
                        outcome="assigned",
                        legal_reference="-",
                        amount_month_tiyn=1_000_000,
                        months=1,
                        total_tiyn=1_000_000,
                        bulk=True,
                        decided_at=now,
                        decided_by="bench",
                    )
                    for i in ids
                ],
            )
            s.execute(
                insert(AssistanceMonth),
                [
                    dict(
                        decision_id=i,
                        claim_id=i,
                        person_id=i,
                        kato=f"7111{i % 12:02d}000",
                        month=QUARTER,
                        amount_tiyn=rng.randint(100_000, 3_000_000),
                        iban=make_kz_iban(BANKS[i % len(BANKS)], f"{i:013d}"),
                    )
                    for i in ids
                ],
            )
            s.commit()
        print(f"  db setup ({lines:,} assigned months on SQLite): {time.perf_counter() - t:.1f} s")
        with Session(engine) as s:
            t = time.perf_counter()
            result = generate_registries(s, month=QUARTER, kato_prefix="71", actor=Actor("system", "bench"))
            s.commit()
            gen_s = time.perf_counter() - t
            t = time.perf_counter()
            for g in result.registries:
                r = s.get(PaymentRegistry, g.registry_id)
                assert r is not None
                content = registry_file(s, r)
                registry_csv(content)
                registry_pain001(content)
            files_s = time.perf_counter() - t
        n = sum(g.lines for g in result.registries)
        print(
            f"  generate_registries: {n:,} lines in {len(result.registries)} registries: {gen_s:.2f} s; "
            f"read back + CSV + pain.001: {files_s:.2f} s; total {gen_s + files_s:.2f} s "
            f"({(gen_s + files_s) / TARGET_S:.2f} of the {TARGET_S:.0f} s target)"
        )
        engine.dispose()


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(prog="python -m bench assistance")
    ap.add_argument("--claims", type=int, default=100_000)
    ap.add_argument("--lines", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--db", action="store_true", help="also time generate_registries on a SQLite database")
    ap.add_argument("--xlsx", action="store_true", help="also time the XLSX files for people once")
    args = ap.parse_args(argv)

    rows = stored_rows(args.claims)
    median, cpu, result = _median(lambda: recalculate(rows), args.repeats)
    changed = len(result.changed)  # type: ignore[attr-defined]
    groups = len({r.as_of for r in rows})
    print(
        f"recalculation: {args.claims:,} claims ({groups} as-of dates, batch mode): median {median:.2f} s "
        f"over {args.repeats} ({median / TARGET_S:.2f} of the {TARGET_S:.0f} s target; CPU {cpu:.2f} s); "
        f"{changed:,} amounts differ from the (random) stored ones"
    )

    by_bank = registry_lines(args.lines)
    total, cpu, parts = _median(lambda: build_files(by_bank), args.repeats)
    shown = ", ".join(f"{k} {v:.2f} s" for k, v in parts.items())  # type: ignore[attr-defined]
    print(
        f"registry: {args.lines:,} lines in {len(by_bank)} bank registries: median {total:.2f} s over "
        f"{args.repeats} ({total / TARGET_S:.2f} of the {TARGET_S:.0f} s target; CPU {cpu:.2f} s): {shown}"
    )
    if args.xlsx:
        t = time.perf_counter()
        build_files(by_bank, xlsx=True)
        print(f"  XLSX for people, all banks, once (with the rest): {time.perf_counter() - t:.2f} s")
    if args.db:
        bench_db(args.lines)
