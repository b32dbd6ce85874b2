"""The fairness report: quotas summed exactly over the decided runs of a period and jurisdiction,
accepted ranks, refusals by reason, families passed over for size, overrides; its pages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction
from itertools import count

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from kezek.allocation import fairness
from kezek.audit.service import Actor
from kezek.models.allocation import (
    AllocationBatch,
    AllocationDecision,
    AllocationOverride,
    AllocationRun,
    Offer,
)
from kezek.models.queue import QueueEntry
from kezek.stock import service as stock
from tests.allocation_pages.builders import add_entry, add_list, at
from tests.web.builders import ALMALY, AUEZOV, PASSWORD, add_jurisdictions, add_official
from tests.web.fixtures import sign_in_official

NOW = datetime(2026, 11, 1, tzinfo=UTC)
_seq = count(1)


def _run(
    db: Session,
    kato: str,
    lists: list[tuple[str, str, int]],
    *,
    status: str = "approved",
    period: str = "2026",
) -> AllocationRun:
    batch = AllocationBatch(
        kato=kato, regime="national", title="t", status="closed", created_by="t", created_at=NOW
    )
    db.add(batch)
    db.flush()
    run = AllocationRun(
        batch_id=batch.id,
        kato=kato,
        regime="national",
        period=period,
        as_of=date(int(period), 10, 1),
        status=status,
        method="webster",
        policy_version=0,
        engine_version="t",
        inputs_hash="0" * 64,
        result_hash="0" * 64,
        entries_count=0,
        dwellings_count=0,
        assigned_count=0,
        created_by="t",
        created_at=NOW,
        summary={"lists": [{"code": c, "quota": q, "received": r, "returned_in": 0} for c, q, r in lists]},
    )
    db.add(run)
    db.flush()
    return run


class World:
    def __init__(self, db: Session) -> None:
        add_jurisdictions(db)
        self.db = db
        self.dwelling = stock.create_dwelling(
            db,
            actor=Actor("official", "t"),
            kato=ALMALY,
            address="Абай 1",
            rooms=2,
            area_m2=50,
            kind="rental",
            programme="P",
        )
        self.queue_list = add_list(db, ALMALY, "priority")
        self.entries: list[QueueEntry] = []

    def entry(self) -> QueueEntry:
        e = add_entry(self.db, self.queue_list, registered=at(2020), serial=len(self.entries) * 3)
        self.entries.append(e)
        return e

    def offer(
        self,
        run: AllocationRun,
        code: str,
        rank: int,
        status: str,
        reason: str | None = None,
        reasonable: bool | None = None,
    ) -> None:
        e = self.entry()
        self.db.add(
            Offer(
                run_id=run.id,
                kato=run.kato,
                dwelling_id=self.dwelling.id,
                entry_id=e.id,
                person_id=e.person_id,
                list_code=code,
                rank=rank,
                round=1,
                origin="run",
                status=status,
                offered_at=NOW,
                refusal_reason=reason,
                refusal_reasonable=reasonable,
            )
        )
        self.db.flush()

    def decision(
        self, run: AllocationRun, code: str, reason: str, entry: QueueEntry | None = None
    ) -> QueueEntry:
        e = entry or self.entry()
        self.db.add(
            AllocationDecision(
                run_id=run.id,
                seq=next(_seq),
                entry_id=e.id,
                list_code=code,
                rank=7,
                outcome="skipped",
                reason_code=reason,
            )
        )
        self.db.flush()
        return e


def _world(db: Session) -> World:
    w = World(db)
    one = _run(db, ALMALY, [("priority", "7/2", 3), ("general", "3/2", 2)])
    two = _run(db, ALMALY, [("priority", "14/5", 3), ("general", "6/5", 1)])
    draft = _run(db, ALMALY, [("priority", "5/1", 5)], status="draft")
    other_place = _run(db, AUEZOV, [("priority", "9/1", 9)])
    last_year = _run(db, ALMALY, [("general", "4/1", 4)], period="2025")
    for rank in (1, 4, 9):
        w.offer(one if rank < 9 else two, "priority", rank, "accepted")
    w.offer(two, "general", 2, "accepted")
    w.offer(one, "priority", 3, "refused", "size_outside_norm", True)
    w.offer(one, "general", 5, "refused", "location", False)
    w.offer(two, "general", 6, "refused", "location", False)
    w.offer(one, "general", 8, "pending")
    for run in (draft, other_place, last_year):
        w.offer(run, "priority", 1, "accepted")
        w.decision(run, "priority", "no_suitable_size")
    w.decision(one, "general", "no_suitable_size")
    w.decision(one, "general", "no_suitable_size")
    w.decision(one, "general", "no_consent")
    target = w.decision(two, "general", "no_phone")
    db.add(
        AllocationOverride(
            run_id=two.id,
            kato=ALMALY,
            dwelling_id=w.dwelling.id,
            to_entry_id=target.id,
            reason="медициналық көрсеткіш",
            actor="t",
            created_at=NOW,
        )
    )
    db.add(
        AllocationOverride(
            run_id=last_year.id, kato=ALMALY, dwelling_id=w.dwelling.id, reason="x", actor="t", created_at=NOW
        )
    )
    db.flush()
    return w


def test_report_sums_the_decided_runs_of_the_period_and_place(db: Session):
    _world(db)
    rep = fairness.report(db, scopes=("751110",), period="2026")
    assert rep.runs == 2 and rep.overrides == 1
    rows = {r.code: r for r in rep.lists}
    assert list(rows) == ["general", "priority"]
    p, g = rows["priority"], rows["general"]
    assert p.quota == Fraction(63, 10) and g.quota == Fraction(27, 10)
    assert (p.assigned, g.assigned) == (6, 3)
    assert (p.received, g.received) == (3, 1)
    assert p.deviation == Fraction(-33, 10)
    assert sorted(p.ranks) == [1, 4, 9] and p.rank_median == 4 and (p.rank_min, p.rank_max) == (1, 9)
    assert p.refusals == {("size_outside_norm", True): 1} and p.unreasonable_refusals == 0
    assert g.refusals == {("location", False): 2} and g.unreasonable_refusals == 2
    assert (p.skipped_for_size, g.skipped_for_size) == (0, 2)
    assert (p.overrides, g.overrides) == (0, 1)
    assert rep.total_quota == 9 and rep.total_received == 4
    assert fairness.report(db, scopes=("7512",), period="2026").lists[0].received == 1
    assert fairness.report(db, scopes=("",), period="2026").runs == 3
    assert fairness.report(db, scopes=("751110",), period="2024").lists == []


def test_chart_geometry_is_on_one_scale(db: Session):
    _world(db)
    chart = fairness.chart(fairness.report(db, scopes=("751110",), period="2026"))
    assert chart.scale_max >= 7
    plot = chart.width - chart.label_width - 20
    general, priority = chart.bars
    assert priority.quota_width == float(plot * Fraction(63, 10) / chart.scale_max)
    assert priority.received_width == plot * 3 / chart.scale_max
    assert general.y < priority.y


def test_official_and_public_pages(db: Session, client: TestClient):
    _world(db)
    add_official(db, username="head", roles=("head",), scopes=("751110",))
    db.flush()
    public = client.get(f"/public/allocation/fairness?kato={ALMALY}&period=2026&lang=en")
    assert public.status_code == 200, public.text
    assert "Priority categories list" in public.text and "<svg" in public.text
    assert 'title="63/10">6.30<' in public.text
    assert client.get("/public/allocation/fairness?period=1999&lang=en").status_code == 422
    assert client.get("/official/allocation/fairness", follow_redirects=False).status_code in (303, 401)

    sign_in_official(client, "head", PASSWORD)
    page = client.get("/official/allocation/fairness?period=2026&lang=en")
    assert page.status_code == 200, page.text
    assert "Location: 2 (unreasonable)" in page.text and "Size outside the norm: 1" in page.text
    assert "4 (1–9)" in page.text and "2 decided runs in 2026." in page.text
    assert "<svg" in page.text and "<table" in page.text
    outside = client.get(f"/official/allocation/fairness?kato={AUEZOV}&lang=en")
    assert outside.status_code == 422 and "outside yours" in outside.text
    ru = client.get("/official/allocation/fairness?period=2026&lang=ru")
    assert "Отчёт о справедливости" in ru.text
