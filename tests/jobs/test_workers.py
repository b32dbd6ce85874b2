"""The inline worker (threads of the web process) and the `kezek worker` command (its own process)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from huey import Huey

from kezek.db import migrate
from kezek.jobs import InlineWorker, build_huey, use_huey
from tests.jobs.sample_jobs import add, write_marker

ROOT = Path(__file__).resolve().parents[2]
KEZEK = Path(sys.executable).with_name("kezek")


def test_inline_worker_runs_a_queued_job_and_stops_cleanly(queue: Huey) -> None:
    # Periodic jobs off: other packages' schedules would run against the configured database.
    worker = InlineWorker(workers=1, huey=queue, max_delay=0.2, periodic=False)
    worker.start()
    try:
        assert worker.alive
        result = add.enqueue(20, 22)
        assert result.get(blocking=True, timeout=15) == 42
    finally:
        worker.stop(timeout=10)
    assert not worker.alive, "worker threads still running after stop()"
    worker.stop()  # stopping twice is harmless


def test_inline_worker_as_a_context_manager(queue: Huey) -> None:
    add.enqueue(1, 2)  # queued before the worker starts
    with InlineWorker(huey=queue, max_delay=0.2, periodic=False) as worker:
        deadline = time.monotonic() + 15
        while queue.pending_count() and time.monotonic() < deadline:
            time.sleep(0.05)
    assert queue.pending_count() == 0
    assert not worker.alive


def test_kezek_worker_command_runs_a_job(tmp_path: Path) -> None:
    database_url = f"sqlite:///{tmp_path / 'kezek.db'}"
    migrate.upgrade(database_url)  # the periodic jobs of other packages run at start and read it
    huey = build_huey(database_url)  # the file the worker will find beside its database
    marker = tmp_path / "marker.txt"
    with use_huey(huey):
        write_marker.enqueue(str(marker), "written by the worker")
    env = {
        **os.environ,
        "KEZEK_DATABASE_URL": database_url,
        "KEZEK_ENVIRONMENT": "development",
        "PYTHONPATH": os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), str(ROOT)])),
    }
    env.pop("KEZEK_JOBS_URL", None)
    process = subprocess.Popen(
        [str(KEZEK), "worker", "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.1)
        assert marker.exists(), "the worker did not run the job"
        assert marker.read_text(encoding="utf-8") == "written by the worker"
        assert process.poll() is None, "the worker exited on its own"
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            output, _ = process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            output, _ = process.communicate()
    assert process.returncode == 0, output
    assert "jobs.worker_started" in output
    assert "Traceback" not in output, output
    # The job ran once and left the queue; periodic jobs the worker's scheduler enqueued at a minute
    # boundary may still be waiting, which is not this test's business.
    assert [t for t in huey.pending() if "write_marker" in t.name] == []
    huey.storage.close()
