"""The shared apportionment cases (../shared/cases/apportionment.yaml) through the run computation,
and the small ones through the database service (batch → run) on both engines."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from sqlalchemy.orm import Session

from kezek.allocation import service
from kezek.allocation.compute import compute, fast_apportion
from kezek.allocation.policy import set_policy
from tests.allocation.builders import OFFICER, dwelling, eligible
from tests.allocation.synth import inputs
from tests.queue.builders import KARAGANDA
from tests.reference import case_file

CASES_FILE = case_file("apportionment.yaml")
if not CASES_FILE.exists():  # the repository's copy of the shared cases
    CASES_FILE = Path(__file__).parents[2] / "src/kezek/rules/scenarios/apportionment.yaml"
CASES = yaml.safe_load(CASES_FILE.read_text(encoding="utf-8"))
SINGLE = [c for c in CASES if "batches" not in c]
MULTI = [c for c in CASES if "batches" in c]
ONE_ROOM = (1, 3_000)  # 30 m², suits any family of one


def _heads(case: dict) -> list[date | None] | None:
    raw = case.get("head_registered")
    return [d if isinstance(d, date) else date.fromisoformat(str(d)) for d in raw] if raw else None


@pytest.mark.parametrize("case", SINGLE, ids=[f"{c['method']}-{i}" for i, c in enumerate(SINGLE)])
def test_case_through_the_computation(case: dict) -> None:
    run = inputs(
        list_sizes=case["list_sizes"],
        dwellings=[ONE_ROOM] * case["dwellings"],
        heads=_heads(case),
        method=case["method"],
    )
    result = compute(run)
    assert [o.received for o in result.lists] == case["expect"]
    assert [o.seats for o in result.lists] == case["expect"]


@pytest.mark.parametrize("case", MULTI, ids=[f"{c['method']}-batches" for c in MULTI])
def test_counters_carried_across_batches(case: dict) -> None:
    """Webster with the period's counters carried batch to batch (the computation's split, which the
    run applies to each batch; list sizes held constant as in the case)."""
    counters = [0] * len(case["list_sizes"])
    for _ in range(case["batches"]):
        picks = fast_apportion(
            case["method"], case["dwellings_per_batch"], case["list_sizes"], None, counters
        )
        counters = picks.counters
    assert counters == case["expect_total"]


SMALL = [c for c in SINGLE if sum(c["list_sizes"]) <= 12]


@pytest.mark.parametrize("case", SMALL, ids=[f"{c['method']}-{i}" for i, c in enumerate(SMALL)])
def test_small_case_through_the_database_service(db: Session, case: dict) -> None:
    set_policy(db, actor=OFFICER, kato_prefix=KARAGANDA, valid_from=date(2000, 1, 1), method=case["method"])
    heads = _heads(case)
    minute = 0
    for i, n in enumerate(case["list_sizes"]):
        for k in range(n):
            minute += 1
            offset = (heads[i] - date(2019, 1, 1)).days * 24 * 60 + k if heads else minute
            if not heads:
                offset = k  # equal heads in every list: ties go to list order
            eligible(
                db, regime="akimat", list_code=f"L{i + 1}", minutes=offset + 10_000 * (heads is not None)
            )
    ids = [dwelling(db, rooms=1, area_m2="30") for _ in range(case["dwellings"])]
    batch = service.create_batch(
        db, actor=OFFICER, kato=KARAGANDA, regime="akimat", title="case", dwelling_ids=ids
    )
    run = service.create_run(db, actor=OFFICER, batch_id=batch.id, as_of=date(2026, 3, 2))
    received = [o["received"] for o in run.summary["lists"]]
    expect = list(case["expect"]) + [0] * (6 - len(case["expect"]))
    assert received == expect
    assert service.verify_run(db, run.id).ok
