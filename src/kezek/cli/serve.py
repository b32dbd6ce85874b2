"""`kezek serve` and `kezek worker`."""

from __future__ import annotations

import typer

from kezek.settings import get_settings


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: str = typer.Option(None, help="Interface to listen on (default from settings: 127.0.0.1)"),
        port: int = typer.Option(None, help="Port (default from settings: 8000)"),
        reload: bool = typer.Option(False, help="Reload on code changes (development)"),
        sandbox: bool = typer.Option(
            None,
            "--sandbox/--no-sandbox",
            help="Also start the state-data sandbox beside the app (default: yes in development, "
            "when KEZEK_STATE_SANDBOX_URL is not set)",
        ),
    ) -> None:
        """Serve the web application (and, on the embedded default, the worker in-process and the
        state-data sandbox as a child process)."""
        import os

        import uvicorn

        from kezek.integration.config import SANDBOX_DEFAULT_PORT
        from kezek.sandbox.server import SandboxProcess

        settings = get_settings()
        if sandbox is None:
            sandbox = settings.environment == "development" and not os.environ.get("KEZEK_STATE_SANDBOX_URL")
        child = (
            SandboxProcess.start(database_url=settings.database_url, port=SANDBOX_DEFAULT_PORT)
            if sandbox
            else None
        )
        if child is not None:
            typer.echo(f"state-data sandbox answering at {child.url} (kezek sandbox fault --help)")
        try:
            uvicorn.run(
                "kezek.web.app:create_app",
                factory=True,
                host=host or settings.host,
                port=port or settings.port,
                reload=reload,
            )
        finally:
            if child is not None:
                child.stop()

    @app.command()
    def worker(workers: int = typer.Option(2, help="Worker threads")) -> None:
        """Run queued and scheduled jobs (run beside `kezek serve` with KEZEK_WORKER_MODE=external)."""
        from kezek.jobs import run_worker

        run_worker(workers)
