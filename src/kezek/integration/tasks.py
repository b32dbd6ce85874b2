"""The fetch job: asks the systems still missing and, while any is, retries itself later."""

from __future__ import annotations

from huey.exceptions import RetryTask

from kezek.jobs import job


@job()
def run_fetch_request(fetch_request_id: int) -> str:
    """Takes an id, re-reads state, returns early when already complete (safe to run twice)."""
    from kezek.db import engine_for
    from kezek.integration.config import get_integration_settings
    from kezek.integration.service import perform_fetch
    from kezek.settings import get_settings

    settings = get_integration_settings()
    status = perform_fetch(engine_for(get_settings().database_url), fetch_request_id, settings=settings)
    if status == "waiting":
        # Retried without limit: the request stays visibly waiting until the system answers.
        raise RetryTask(delay=settings.retry_after_seconds)
    return status
