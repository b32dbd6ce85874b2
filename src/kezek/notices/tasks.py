"""Background delivery of the outbox: after the commit that queued messages, and every 5 minutes."""

from __future__ import annotations

from kezek.jobs import crontab, job, job_unit_of_work, periodic_job
from kezek.notices.outbox import deliver_pending
from kezek.settings import get_settings


@job(retries=3, retry_delay=30)
def deliver_outbox() -> int:
    with job_unit_of_work() as session:
        return deliver_pending(session, outbox_dir=get_settings().outbox_dir)


@periodic_job(crontab(minute="*/5"))
def deliver_outbox_periodically() -> int:
    with job_unit_of_work() as session:
        return deliver_pending(session, outbox_dir=get_settings().outbox_dir)
