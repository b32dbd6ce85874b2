"""Who read my data: the per-person page and the read log export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit import repository, service
from kezek.errors import ValidationFailed
from tests.audit.builders import write_events

ALMATY_OFFICIAL = service.Actor("official", "5")
ASTANA_OFFICIAL = service.Actor("official", "9")


@pytest.fixture
def frozen_clock() -> Iterator[None]:
    moments = iter(datetime(2026, 3, 2, 4, 0, tzinfo=UTC) + timedelta(minutes=n) for n in range(10_000))
    clock.set_clock(lambda: next(moments))
    yield
    clock.reset_clock()


def _read(db: Session, actor: service.Actor, person: int, kato: str, purpose: str) -> int:
    event = service.record_read(
        db, actor=actor, object_type="person", object_id=person, kato=kato, purpose=purpose
    )
    return event.seq


def test_who_read_my_data_pages_newest_first(db: Session, frozen_clock: None) -> None:
    write_events(db, 2)  # other events are not reads
    mine = [_read(db, ALMATY_OFFICIAL, 42, "751000000", f"case {n}") for n in range(7)]
    _read(db, ASTANA_OFFICIAL, 43, "711000000", "someone else's case")

    first = repository.reads_of(db, object_id=42, limit=3)
    assert [e.seq for e in first.entries] == mine[::-1][:3]
    assert first.entries[0].purpose == "case 6" and first.entries[0].actor_id == "5"
    second = repository.reads_of(db, object_id=42, limit=3, before=first.next_before)
    third = repository.reads_of(db, object_id=42, limit=3, before=second.next_before)
    seen = [e.seq for page in (first, second, third) for e in page.entries]
    assert seen == mine[::-1]
    assert third.next_before is None

    # A new read while someone is paging does not shift the pages already handed out.
    _read(db, ALMATY_OFFICIAL, 42, "751000000", "late")
    again = repository.reads_of(db, object_id=42, limit=3, before=first.next_before)
    assert again == second


def test_page_size_is_checked(db: Session) -> None:
    with pytest.raises(ValidationFailed, match="limit"):
        repository.reads_of(db, object_id=1, limit=0)


def test_read_log_export_by_scope_and_window(db: Session, frozen_clock: None) -> None:
    _read(db, ALMATY_OFFICIAL, 1, "751010000", "=HYPERLINK(1)")
    _read(db, ASTANA_OFFICIAL, 2, "711000000", "inventory")
    write_events(db, 1)
    _read(db, ALMATY_OFFICIAL, 3, "751000000", "appeal")
    out = io.StringIO()
    count = repository.export_reads(db, out, scopes=["75"])
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == len(rows) == 2
    assert [r["object_id"] for r in rows] == ["1", "3"]
    assert rows[0]["purpose"] == "'=HYPERLINK(1)"  # a spreadsheet will not run it
    assert rows[0]["occurred_at_utc"].startswith("2026-03-02T04:00:00")

    window = io.StringIO()
    since = datetime(2026, 3, 2, 4, 1, tzinfo=UTC)
    assert repository.export_reads(db, window, since=since) == 2
    with pytest.raises(ValidationFailed, match="timezone"):
        repository.export_reads(db, io.StringIO(), since=datetime(2026, 3, 2))


def test_an_official_without_scopes_exports_nothing(db: Session) -> None:
    _read(db, ALMATY_OFFICIAL, 1, "751010000", "case")
    assert repository.export_reads(db, io.StringIO(), scopes=[]) == 0
