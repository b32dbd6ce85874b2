"""Jobs of the case: advance a case once its state data are in, and sweep cases still waiting.

Jobs take ids, re-read the case and return early when it has moved on, so running one twice is
harmless. A case whose data have not all arrived is tried again later (never decided on missing data).
"""

from __future__ import annotations

from huey.exceptions import RetryTask
from sqlalchemy import select

from kezek.jobs import crontab, job, job_unit_of_work, periodic_job
from kezek.logs import get_logger
from kezek.models.applications import Application

log = get_logger("kezek.applications")

RETRY_SECONDS = 15


@job()
def advance_application(application_id: int) -> str:
    from kezek.applications.service import process

    with job_unit_of_work() as session:
        status = process(session, application_id=application_id).status
    log.info("application.advanced", application_id=application_id, status=status)
    if status == "fetching":
        raise RetryTask(delay=RETRY_SECONDS)
    return status


@periodic_job(crontab(minute="*"))
def advance_waiting_applications() -> int:
    """Every minute: cases still waiting for state data (e.g. after an outage, or a lost job)."""
    from kezek.applications.service import process

    with job_unit_of_work() as session:
        ids = list(session.scalars(select(Application.id).where(Application.status == "fetching").limit(500)))
    moved = 0
    for application_id in ids:
        with job_unit_of_work() as session:
            moved += process(session, application_id=application_id).status != "fetching"
    return moved
