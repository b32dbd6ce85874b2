"""The sandbox application: 16 system routers, the fault admin, /healthz and its own OpenAPI."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text

from kezek import __version__
from kezek.db import make_engine
from kezek.integration.systems import System
from kezek.sandbox.faults import FaultBoard, FaultSpec
from kezek.sandbox.routers import system_router
from kezek.settings import get_settings

DESCRIPTION = """Emulates the state information systems Kezek asks about a family, answering from the
synthetic population in the database. Every system answers `GET /{system}/{iin}` and
`POST /{system}/batch` (up to 10,000 IINs). Faults are set per system under `/admin/faults`."""


def admin_router(board: FaultBoard) -> APIRouter:
    router = APIRouter(prefix="/admin", tags=["admin"])

    @router.get("/faults", summary="Faults, calls and failures of every system")
    def faults() -> dict[str, dict[str, object]]:
        return board.snapshot()

    @router.put("/faults/{system}", summary="Set a system's faults (replaces what was set)")
    def set_fault(system: System, spec: FaultSpec) -> dict[str, Any]:
        return {"system": system.value, "fault": board.set(system, spec).model_dump(mode="json")}

    @router.delete("/faults/{system}", summary="Make a system healthy again")
    def clear_fault(system: System) -> dict[str, str]:
        board.clear(system)
        return {"system": system.value, "fault": "cleared"}

    @router.delete("/faults", summary="Make every system healthy again")
    def clear_all() -> dict[str, str]:
        board.clear()
        return {"fault": "cleared"}

    return router


def create_sandbox_app(
    database_url: str | None = None,
    *,
    faults: dict[System, FaultSpec] | None = None,
    engine: Engine | None = None,
) -> FastAPI:
    url = database_url or get_settings().database_url
    engine = engine or make_engine(url, **({} if url.startswith("sqlite") else {"pool_size": 10}))
    board = FaultBoard()
    for system, spec in (faults or {}).items():
        board.set(system, spec)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        engine.dispose()

    app = FastAPI(
        title="Kezek state-systems sandbox",
        version=__version__,
        description=DESCRIPTION,
        openapi_url="/openapi.json",
        docs_url="/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.engine = engine
    app.state.faults = board

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            f"{'.'.join(str(part) for part in err['loc'])}: {err['msg']}" for err in exc.errors()[:20]
        ]
        return JSONResponse(
            {"error": "bad_request", "detail": "; ".join(problems), "system": None}, status_code=422
        )

    @app.get("/healthz", tags=["health"])
    def healthz() -> dict[str, object]:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return {"status": "ok", "version": __version__, "systems": [s.value for s in System]}

    app.include_router(admin_router(board))
    for system in System:
        app.include_router(system_router(system, engine, board))
    return app
