"""Jobs of a housing-assistance claim: advance it once its state data are in; end claims whose
consent window has passed. Jobs take ids and return early when the claim has moved on."""

from __future__ import annotations

from huey.exceptions import RetryTask
from sqlalchemy import select

from kezek.jobs import crontab, job, job_unit_of_work, periodic_job
from kezek.logs import get_logger
from kezek.models.assistance import AssistanceClaim

log = get_logger("kezek.assistance")

RETRY_SECONDS = 15


@job()
def advance_claim(claim_id: int) -> str:
    from kezek.assistance.service import process

    with job_unit_of_work() as session:
        status = process(session, claim_id=claim_id).status
    log.info("assistance.claim_advanced", claim_id=claim_id, status=status)
    if status == "fetching":
        raise RetryTask(delay=RETRY_SECONDS)
    return status


@periodic_job(crontab(minute="*"))
def advance_waiting_claims() -> int:
    """Every minute: claims still waiting for state data (after an outage, or a lost job)."""
    from kezek.assistance.service import process

    with job_unit_of_work() as session:
        ids = list(
            session.scalars(select(AssistanceClaim.id).where(AssistanceClaim.status == "fetching").limit(500))
        )
    moved = 0
    for claim_id in ids:
        with job_unit_of_work() as session:
            moved += process(session, claim_id=claim_id).status != "fetching"
    return moved


@periodic_job(crontab(minute="5", hour="*"))
def expire_consents() -> int:
    """Every hour: claims whose consent window has passed end with a clear reason."""
    from kezek.assistance.service import expire_consents as expire

    with job_unit_of_work() as session:
        return expire(session)
