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
    ) -> None:
        """Serve the web application (and, on the embedded default, the worker in-process)."""
        import uvicorn

        settings = get_settings()
        uvicorn.run(
            "kezek.web.app:create_app",
            factory=True,
            host=host or settings.host,
            port=port or settings.port,
            reload=reload,
        )

    @app.command()
    def worker(workers: int = typer.Option(2, help="Worker threads")) -> None:
        """Run queued and scheduled jobs (run beside `kezek serve` with KEZEK_WORKER_MODE=external)."""
        from kezek.jobs import run_worker

        run_worker(workers)
