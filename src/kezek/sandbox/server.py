"""Running the sandbox in its own process (``kezek sandbox serve``) and talking to a running one."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from typing import Any

import httpx

from kezek.integration.systems import System
from kezek.sandbox.faults import FaultSpec


def serve(
    *,
    host: str,
    port: int,
    database_url: str | None,
    faults: dict[System, FaultSpec],
    log_level: str = "warning",
    stop_with_parent: int | None = None,
    lifetime_seconds: float | None = None,
) -> None:
    """Serve until interrupted, or until the given parent process ends, or the lifetime runs out.

    The last two keep a sandbox started by tests or scripts from outliving them.
    """
    import uvicorn

    from kezek.sandbox.app import create_sandbox_app

    app = create_sandbox_app(database_url, faults=faults)
    # No access log: request paths carry IINs, and personal data never goes into logs.
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        timeout_graceful_shutdown=2,
        timeout_keep_alive=30,
    )
    server = uvicorn.Server(config)
    if stop_with_parent or lifetime_seconds:
        threading.Thread(
            target=_watch,
            args=(server, stop_with_parent, lifetime_seconds),
            daemon=True,
            name="sandbox-watch",
        ).start()
    server.run()


def _watch(server: Any, parent: int | None, lifetime: float | None) -> None:
    deadline = time.monotonic() + lifetime if lifetime else None
    while not server.should_exit:
        if deadline is not None and time.monotonic() >= deadline:
            break
        if parent is not None and not _alive(parent):
            break
        time.sleep(0.5)
    server.should_exit = True


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class SandboxAdmin:
    """The admin endpoints of a running sandbox (the CLI's `kezek sandbox fault` and the tests)."""

    def __init__(self, base_url: str, timeout: float = 5.0) -> None:
        self.base_url = base_url.rstrip("/")
        self._client = httpx.Client(base_url=self.base_url, timeout=timeout)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> SandboxAdmin:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _ok(self, response: httpx.Response) -> Any:
        if response.status_code >= 400:
            raise RuntimeError(f"sandbox answered {response.status_code}: {response.text[:300]}")
        return response.json()

    def healthy(self) -> bool:
        try:
            return self._client.get("/healthz").status_code == 200
        except httpx.TransportError:
            return False

    def faults(self) -> dict[str, Any]:
        result: dict[str, Any] = self._ok(self._client.get("/admin/faults"))
        return result

    def set_fault(self, system: System | str, **fields: Any) -> dict[str, Any]:
        spec = FaultSpec.model_validate(fields)
        result: dict[str, Any] = self._ok(
            self._client.put(f"/admin/faults/{System(system).value}", json=spec.model_dump(mode="json"))
        )
        return result

    def clear(self, system: System | str | None = None) -> None:
        path = f"/admin/faults/{System(system).value}" if system else "/admin/faults"
        self._ok(self._client.delete(path))


class SandboxProcess:
    """A sandbox started as a child process (`kezek serve` on the embedded default, `kezek demo load`).

    It stops with its parent, so a demo never leaves an orphan server behind.
    """

    def __init__(self, process: subprocess.Popen[bytes] | None, url: str) -> None:
        self.process = process
        self.url = url

    @classmethod
    def start(
        cls, *, database_url: str, host: str = "127.0.0.1", port: int, wait_seconds: float = 30.0
    ) -> SandboxProcess:
        """Start one on ``host:port``, or reuse one that already answers there."""
        url = f"http://{host}:{port}"
        with SandboxAdmin(url, timeout=1.0) as admin:
            if admin.healthy():
                return cls(None, url)
            args = [sys.executable, "-m", "kezek", "sandbox", "serve", "--host", host, "--port", str(port)]
            args += ["--database-url", database_url, "--stop-with-parent", str(os.getpid())]
            process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
            deadline = time.monotonic() + wait_seconds
            while not admin.healthy():
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    err = process.stderr.read().decode(errors="replace")[-1500:] if process.stderr else ""
                    raise RuntimeError(f"the state-data sandbox did not start on {url}: {err}")
                time.sleep(0.1)
        return cls(process, url)

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)

    def __enter__(self) -> SandboxProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
