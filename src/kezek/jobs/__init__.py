"""Background and scheduled jobs on huey.

Storage: a SQLite file beside the database on the embedded default (no extra server), the same
PostgreSQL database at scale (huey's SQL storage through peewee, in schema ``kezek_jobs``). Jobs
take ids, re-read state, are idempotent, and are enqueued only after the transaction that asked
for them commits. Why huey: docs/adr/0001-jobs-on-huey.md.

    @job(retries=3, retry_delay=60)
    def fetch_state_data(case_id: int) -> None:
        with job_unit_of_work() as session:
            ...  # re-read the case; return early if the data is already there

    @periodic_job(crontab(minute="0", hour="2", day="1", month="1,4,7,10"))
    def quarterly_reverification() -> None: ...

    enqueue_after_commit(session, fetch_state_data, case.id)
"""

from kezek.jobs.commit import enqueue_after_commit, pending_jobs
from kezek.jobs.declare import (
    Job,
    bind_declared,
    crontab,
    declared_jobs,
    discover,
    job,
    periodic_job,
    register_all,
)
from kezek.jobs.queue import KezekHuey, build_huey, get_huey, use_huey
from kezek.jobs.worker import InlineWorker, job_unit_of_work, run_worker

__all__ = [
    "InlineWorker",
    "Job",
    "KezekHuey",
    "bind_declared",
    "build_huey",
    "crontab",
    "declared_jobs",
    "discover",
    "enqueue_after_commit",
    "get_huey",
    "job",
    "job_unit_of_work",
    "pending_jobs",
    "periodic_job",
    "register_all",
    "run_worker",
    "use_huey",
]
