"""The application the queue bench serves: Kezek's own ``create_app``, plus the queue's JSON API
router (``kezek.queue.endpoints``) when the application does not wire it yet."""

from __future__ import annotations

from fastapi import FastAPI

from kezek.queue import endpoints
from kezek.web.app import create_app as kezek_app


def create_app() -> FastAPI:
    app = kezek_app()
    if not any(getattr(route, "path", "") == "/api/v1/queue/position" for route in app.routes):
        app.include_router(endpoints.router)
    return app
