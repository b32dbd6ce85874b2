"""Periodic jobs: declared with a crontab read in Almaty time, registered when a worker starts."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from huey import Huey

from kezek.jobs import bind_declared, build_huey, crontab, declared_jobs, register_all
from tests.jobs import sample_jobs


def test_crontab_is_read_in_almaty_time() -> None:
    at_two = crontab(minute="0", hour="2")
    # Asia/Almaty is UTC+5: 02:00 there is 21:00 UTC the day before; huey hands naive UTC times.
    assert at_two(datetime(2026, 3, 31, 21, 0))
    assert not at_two(datetime(2026, 4, 1, 2, 0))


def test_quarterly_schedule_fires_once_a_quarter() -> None:
    quarterly = crontab(minute="0", hour="2", day="1", month="1,4,7,10")
    every_hour = (datetime(2026, 1, 1) + timedelta(hours=n) for n in range(-24, 24 * 366))
    local_starts = [moment for moment in every_hour if quarterly(moment)]
    assert [(m.month, m.day, m.hour) for m in local_starts] == [
        (12, 31, 21),
        (3, 31, 21),
        (6, 30, 21),
        (9, 30, 21),
        (12, 31, 21),
    ]


def test_a_bad_crontab_is_refused() -> None:
    with pytest.raises(ValueError):
        crontab(hour="25")


def test_periodic_jobs_are_registered_for_the_scheduler() -> None:
    huey: Huey = build_huey("sqlite://", "", immediate=True)
    register_all(huey)
    bind_declared(huey)  # binding again is harmless

    def due(moment: datetime) -> set[str]:
        return {
            type(task).__name__
            for task in huey.read_periodic(moment)
            if type(task).__module__ == sample_jobs.__name__
        }

    assert due(datetime(2026, 6, 30, 21, 0)) == {"quarterly_sample"}
    assert due(datetime(2026, 7, 1, 21, 0)) == set()
    assert sample_jobs.quarterly_sample in declared_jobs()
    assert sample_jobs.quarterly_sample.run() == "re-verified"


def test_a_worker_finds_a_job_it_has_not_seen_by_its_name() -> None:
    sender = build_huey("sqlite://", immediate=True)
    receiver = build_huey("sqlite://", immediate=True)
    message = sender.serialize_task(sample_jobs.add.bind(sender).s(2, 2))
    assert "tests.jobs.sample_jobs.add" not in receiver._registry._registry
    task = receiver.deserialize_task(message)
    assert receiver.execute(task) == 4


def test_unknown_job_names_are_reported() -> None:
    from huey.exceptions import HueyException

    receiver = build_huey("sqlite://", immediate=True)
    with pytest.raises(HueyException, match=r"kezek\.nowhere\.tasks\.ghost"):
        receiver._registry.string_to_task("kezek.nowhere.tasks.ghost")
