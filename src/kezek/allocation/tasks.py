"""Daily offer upkeep: expire offers past their deadline (passing the dwelling on) and send reminders."""

from __future__ import annotations

from kezek.jobs import crontab, job_unit_of_work, periodic_job


@periodic_job(crontab(minute="15", hour="6"))
def offers_daily() -> int:
    from kezek.allocation import offers

    with job_unit_of_work() as session:
        expired = offers.expire_due(session)
        reminded = offers.send_reminders(session)
    return len(expired) + reminded
