"""The calendar with the override table, on both engines: overrides win, edits are audited."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit import service as audit
from kezek.calendar import service, shipped
from kezek.calendar.core import Pause
from kezek.errors import NotFound, ValidationFailed
from kezek.models import AuditEvent
from kezek.models.calendar import CalendarOverride

ADMIN = audit.Actor("official", "1")
ALMATY = ZoneInfo("Asia/Almaty")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=ALMATY)


def test_the_package_alone_knows_2025s_decree_transfer(db: Session) -> None:
    assert not service.is_working_day(db, date(2025, 1, 3))  # Friday made a day off
    assert service.is_working_day(db, date(2025, 1, 5))  # Sunday worked in exchange
    assert service.explain(db, date(2025, 1, 5)).reason == "transfer_working_day"


def test_an_override_wins_over_the_package(db: Session) -> None:
    saturday = date(2026, 11, 28)
    kurban_ait = date(2026, 5, 27)
    assert not service.is_working_day(db, saturday)
    assert not service.is_working_day(db, kurban_ait)
    service.set_override(
        db,
        actor=ADMIN,
        day=saturday,
        kind="working_day",
        note="Saturday worked for Monday 30 November",
        reference="Government decree (test)",
    )
    service.set_override(
        db,
        actor=ADMIN,
        day=kurban_ait,
        kind="working_day",
        note="Kurban ait announced for another day",
        reference="Spiritual Administration of Muslims announcement (test)",
    )
    service.set_override(
        db,
        actor=ADMIN,
        day=date(2026, 11, 30),
        kind="day_off",
        note="Day off moved from Saturday 28 November",
        reference="Government decree (test)",
    )
    assert service.is_working_day(db, saturday)
    assert service.is_working_day(db, kurban_ait)
    assert not service.is_working_day(db, date(2026, 11, 30))
    # Friday 27 November + 1 working day: the worked Saturday.
    assert service.add_working_days(db, date(2026, 11, 27), 1) == saturday
    info = service.explain(db, saturday)
    assert (info.working, info.reason, info.reference) == (
        True,
        "override_working_day",
        "Government decree (test)",
    )

    service.remove_override(db, actor=ADMIN, day=saturday, reason="decree withdrawn")
    assert not service.is_working_day(db, saturday)
    actions = db.scalars(
        select(AuditEvent.action).where(AuditEvent.object_type == "calendar_day").order_by(AuditEvent.seq)
    ).all()
    assert actions == ["calendar.override_set"] * 3 + ["calendar.override_removed"]
    removed = db.scalars(select(AuditEvent).where(AuditEvent.action == "calendar.override_removed")).one()
    assert removed.before == {
        "kind": "working_day",
        "note": "Saturday worked for Monday 30 November",
        "reference": "Government decree (test)",
    }
    assert audit.verify(db).ok


def test_changing_an_override_is_audited_with_before_and_after(db: Session) -> None:
    day = date(2026, 8, 31)
    service.set_override(
        db, actor=ADMIN, day=day, kind="day_off", note="Constitution Day moved", reference="A"
    )
    service.set_override(
        db, actor=ADMIN, day=day, kind="working_day", note="not moved after all", reference="B"
    )
    last = db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert last.before == {"kind": "day_off", "note": "Constitution Day moved", "reference": "A"}
    assert last.after == {"kind": "working_day", "note": "not moved after all", "reference": "B"}
    assert [o.day for o in service.list_overrides(db, 2026)] == [day]


def test_bad_overrides_are_refused_with_the_reason(db: Session) -> None:
    with pytest.raises(ValidationFailed, match="kind must be one of"):
        service.set_override(db, actor=ADMIN, day=date(2026, 1, 5), kind="holiday", note="x", reference="y")
    with pytest.raises(ValidationFailed, match="legal act"):
        service.set_override(db, actor=ADMIN, day=date(2026, 1, 5), kind="day_off", note="x", reference=" ")
    with pytest.raises(ValidationFailed, match="calendar date"):
        service.set_override(
            db, actor=ADMIN, day=datetime(2026, 1, 5, tzinfo=ALMATY), kind="day_off", note="x", reference="y"
        )
    with pytest.raises(ValidationFailed, match="covers 1991"):
        service.set_override(db, actor=ADMIN, day=date(1980, 1, 5), kind="day_off", note="x", reference="y")
    with pytest.raises(NotFound):
        service.remove_override(db, actor=ADMIN, day=date(2026, 1, 5))


def test_receipt_after_hours_is_settable(db: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    evening = at(date(2026, 3, 2), 18)  # Monday 18:00
    assert service.receipt_day(db, evening) == date(2026, 3, 3)
    hours = service.working_hours()
    later = type(hours)(closes_at=time(19, 0), tz=hours.tz)
    assert service.receipt_day(db, evening, later) == date(2026, 3, 2)


def test_a_long_pause_runs_into_the_next_years(db: Session) -> None:
    received = at(date(2026, 12, 14))
    pause = Pause(at(date(2026, 12, 15), 12), at(date(2028, 2, 1), 12))
    result = service.deadline(db, received_at=received, days=6, pauses=[pause])
    assert result.due_on is not None and result.due_on.year == 2028
    assert result.due_on == service.add_working_days(db, date(2026, 12, 14), 6 + result.days_lost)


def test_calendar_day_deadline(db: Session) -> None:
    # 30 calendar days from Friday 20 March 2026 would end on Sunday 19 April: Monday 20 April.
    result = service.deadline(db, received_at=at(date(2026, 3, 20)), days=30, unit="calendar")
    assert result.due_on == date(2026, 4, 20)


def test_counting_helpers(db: Session) -> None:
    assert service.next_working_day(db, date(2026, 3, 20)) == date(2026, 3, 26)  # Nauryz
    assert service.count_working_days(db, date(2026, 3, 16), date(2026, 3, 27)) == 7
    assert service.count_working_days(db, date(2026, 3, 27), date(2026, 3, 16)) == 0


def test_explanations_in_three_languages(db: Session) -> None:
    nauryz = date(2026, 3, 23)
    assert service.explain(db, nauryz, "ru").name == "Наурыз мейрамы"
    assert service.explain(db, date(2026, 5, 9), "ru").name == "День Победы"
    assert service.explain(db, date(2026, 5, 9), "kk").name == "Жеңіс күні"
    moved = service.explain(db, date(2026, 5, 11), "en")
    assert (moved.reason, moved.name, moved.working) == ("moved_day_off", "Victory Day", False)
    assert service.explain(db, date(2026, 5, 12)).reason == "weekday"
    assert service.explain(db, date(2026, 5, 16)).reason == "weekend"


# --- the shipped transfers --------------------------------------------------------------------


def test_shipped_transfers_load_once_and_keep_an_administrators_edit(db: Session) -> None:
    first = shipped.load_shipped(db)
    specs = shipped.read_file()
    assert first.added == [spec.day for spec in specs] and not first.kept
    assert db.get(CalendarOverride, date(2025, 1, 5)).kind == "working_day"  # type: ignore[union-attr]
    service.set_override(
        db,
        actor=ADMIN,
        day=date(2025, 3, 10),
        kind="day_off",
        note="corrected note",
        reference="corrected act",
    )
    again = shipped.load_shipped(db)
    assert again.added == [] and again.kept == [date(2025, 3, 10)]
    assert len(again.unchanged) == len(specs) - 1
    assert db.get(CalendarOverride, date(2025, 3, 10)).note == "corrected note"  # type: ignore[union-attr]
    assert audit.verify(db).ok


def test_every_shipped_entry_agrees_with_the_holidays_package() -> None:
    """A typo in the file, or a package that changed its mind, shows up here."""
    for spec in shipped.read_file():
        package = holidays.country_holidays("KZ", years=spec.day.year)
        assert package.is_working_day(spec.day) == (spec.kind == "working_day"), spec
        assert spec.reference and spec.note


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("days: [{date: 2026-01-05, kind: off, note: n, reference: r}]", "entry 1: kind must be one of"),
        ("days: [{date: 2026-01-05, kind: day_off, note: n}]", "entry 1: the legal act"),
        ("days: [{date: 5 January, kind: day_off, note: n, reference: r}]", "entry 1: date must be"),
        (
            "days:\n- {date: 2026-01-05, kind: day_off, note: n, reference: r}\n"
            "- {date: 2026-01-05, kind: day_off, note: n, reference: r}",
            "entry 2: 2026-01-05 is listed twice",
        ),
        ("days: [{date: 2026-01-05, kind: day_off, note: n, reference: r, extra: 1}]", "unknown fields"),
        ("holidays: []", "expected a list under 'days:'"),
        ("days: [unclosed", "not valid YAML"),
    ],
)
def test_a_bad_transfers_file_names_the_entry(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "decree.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationFailed, match=message):
        shipped.read_file(path)
