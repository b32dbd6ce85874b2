"""FastAPI app factory: pages, the JSON API, static files, sessions, languages and error rendering."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from kezek import __version__
from kezek.allocation import pages as allocation_pages
from kezek.applications import pages as application_pages
from kezek.assistance import pages as assistance_pages
from kezek.auth import pages as auth_pages
from kezek.auth.oidc import build_oauth
from kezek.auth.ratelimit import LoginLimiter, Rate
from kezek.db import engine_for
from kezek.imports import pages as import_pages
from kezek.queue import endpoints as queue_endpoints
from kezek.queue import pages as queue_pages
from kezek.registry import endpoints as registry_endpoints
from kezek.registry import pages as registry_pages
from kezek.settings import Settings, get_settings
from kezek.stock import pages as stock_pages
from kezek.web import pages
from kezek.web.errors import install_error_handlers
from kezek.web.middleware import LanguageMiddleware, SecurityHeadersMiddleware
from kezek.web.templating import build_templates

STATIC_DIR = Path(__file__).parent / "static"
SESSION_COOKIE = "kezek_session"
# A signed-in session lasts a working day; signing in again after that is the price of a lost laptop.
SESSION_MAX_AGE = 8 * 3600

API_DESCRIPTION = """JSON API v1 of Kezek for other state systems and banks.

Authenticate with `Authorization: Bearer <token>` (tokens are issued with `kezek users token`).
Errors are RFC 9457 problem details (`application/problem+json`) with a machine-readable `code`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = None
        if settings.worker_mode == "inline" and settings.environment != "test":
            from kezek.jobs import InlineWorker

            worker = InlineWorker()
            worker.start()
        yield
        if worker is not None:
            worker.stop()

    app = FastAPI(
        title="Kezek",
        version=__version__,
        description=API_DESCRIPTION,
        docs_url="/api/docs",
        openapi_url="/api/openapi.json",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine_for(settings.database_url)
    app.state.templates = build_templates(settings)
    app.state.login_limiter = LoginLimiter(Rate.parse(settings.login_rate_limit))
    app.state.oauth = build_oauth(settings)

    # Added innermost first: security headers wrap everything, then the language, then the session.
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(
        LanguageMiddleware, default=settings.default_language, secure_cookies=settings.secure_cookies
    )
    app.add_middleware(SecurityHeadersMiddleware)
    install_error_handlers(app)

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(pages.router)
    app.include_router(auth_pages.router)
    app.include_router(registry_pages.router)
    app.include_router(registry_endpoints.router)
    app.include_router(queue_endpoints.router)
    for area in (
        application_pages,
        queue_pages,
        stock_pages,
        allocation_pages,
        import_pages,
        assistance_pages,
    ):
        app.include_router(area.router)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        return JSONResponse({"status": "ok", "version": __version__})

    return app
