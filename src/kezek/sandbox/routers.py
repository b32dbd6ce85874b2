"""One router per emulated system: ``GET /{system}/{iin}`` and ``POST /{system}/batch``.

Both pass the system's fault gate first, then read the population tables in a worker thread. The
batch answer is streamed: the IINs are looked up a chunk at a time, so 10,000 IINs cost a handful
of queries and never sit in memory as one document.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Header, Path, Query, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import Engine
from starlette.concurrency import run_in_threadpool

from kezek import clock
from kezek.integration.schemas import DATA_SCHEMAS, Answer, BatchQuery, Month, Problem
from kezek.integration.systems import PERIOD_SYSTEMS, System
from kezek.sandbox.answers import BUILDERS
from kezek.sandbox.answers import common as answers
from kezek.sandbox.answers.utilities import tariffs
from kezek.sandbox.faults import Decision, FaultBoard

IIN_PATTERN = r"^\d{12}$"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
_MONTH = TypeAdapter(Month)


def _problem(status: int, error: str, detail: str, system: System | None = None) -> JSONResponse:
    body = Problem(error=error, detail=detail, system=system).model_dump(mode="json")
    return JSONResponse(body, status_code=status)


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


class SystemEmulator:
    """Serves one system's answers from the population tables."""

    def __init__(self, system: System, engine: Engine, board: FaultBoard) -> None:
        self.system = system
        self.engine = engine
        self.board = board
        self.builder = BUILDERS[system]

    async def gate(self) -> tuple[Decision, Response | None]:
        decision = self.board.decide(self.system)
        if decision.delay_s:
            await asyncio.sleep(decision.delay_s)
        name = self.system.value
        if decision.verdict == "outage":
            return decision, _problem(
                503, "outage", f"the {name} system is down (sandbox outage)", self.system
            )
        if decision.verdict == "error":
            return decision, _problem(
                503, "temporarily_unavailable", f"the {name} system failed", self.system
            )
        return decision, None

    def stream(
        self, iins: list[str], query: answers.Query, request_id: str, garble: int | None
    ) -> Iterator[bytes]:
        head = {
            "system": self.system.value,
            "request_id": request_id,
            "answer_id": uuid.uuid4().hex,
            "answered_at": clock.now().isoformat(),
            "as_of": query.as_of.isoformat(),
            "period_from": answers.iso(query.period_from),
            "period_to": answers.iso(query.period_to),
        }
        yield (_dumps(head)[:-1] + ',"results":[').encode()
        first = True
        with self.engine.connect() as conn:
            for part in answers.chunks(iins):
                people = answers.lookup_people(conn, part)
                data = self.builder(conn, people, query)
                pieces = [_dumps({"iin": iin, "found": iin in data, "data": data.get(iin)}) for iin in part]
                if garble == 2:  # an answer that skips a person
                    pieces = pieces[:-1]
                elif garble == 1:  # an answer of the wrong shape
                    pieces = [_dumps({"iin": iin, "found": "perhaps"}) for iin in part]
                text = ",".join(pieces)
                yield (text if first or not text else "," + text).encode()
                first = first and not text
                if garble == 0:  # the connection dropped halfway: the JSON never closes
                    return
        yield b"]}"

    def headers(self, request_id: str) -> dict[str, str]:
        return {"X-Request-Id": request_id}


def _request_id(header: str | None) -> str:
    if header and _REQUEST_ID.match(header):
        return header
    return uuid.uuid4().hex


def _query(
    system: System, as_of: date | None, period_from: date | None, period_to: date | None
) -> answers.Query | Response:
    if (period_from is None) != (period_to is None):
        return _problem(422, "bad_period", "give both period_from and period_to (YYYY-MM), or neither")
    if period_from and period_to and period_to < period_from:
        return _problem(422, "bad_period", "period_to is before period_from")
    query = answers.Query(as_of=as_of or clock.today_local(), period_from=period_from, period_to=period_to)
    if system in PERIOD_SYSTEMS:
        # The answer names the months it covers, also when the caller left the default.
        start, end = answers.default_period(query)
        query = answers.Query(as_of=query.as_of, period_from=start, period_to=end)
    return query


def system_router(system: System, engine: Engine, board: FaultBoard) -> APIRouter:
    emulator = SystemEmulator(system, engine, board)
    schema = DATA_SCHEMAS[system]
    answer_model = Answer[schema]  # type: ignore[valid-type]
    router = APIRouter(prefix=f"/{system.value}", tags=[system.value])
    errors: dict[int | str, dict[str, Any]] = {503: {"model": Problem, "description": "System unavailable"}}

    def garble_of(decision: Decision) -> int | None:
        return decision.garble if decision.verdict == "malformed" else None

    @router.post(
        "/batch",
        response_model=answer_model,
        responses=errors,
        summary=f"{system.value}: many IINs at once (up to 10,000), streamed",
        operation_id=f"{system.value}_batch",
    )
    async def batch(body: BatchQuery, x_request_id: Annotated[str | None, Header()] = None) -> Response:
        request_id = _request_id(x_request_id)
        query = _query(system, body.as_of, body.period_from, body.period_to)
        if isinstance(query, Response):
            return query
        decision, refusal = await emulator.gate()
        if refusal is not None:
            return refusal
        chunks = emulator.stream(list(body.iins), query, request_id, garble_of(decision))
        if len(body.iins) <= answers.CHUNK:
            # One chunk: build it in one trip to the thread pool (a family, a small batch).
            content = await run_in_threadpool(lambda: b"".join(chunks))
            return Response(content, media_type="application/json", headers=emulator.headers(request_id))
        return StreamingResponse(chunks, media_type="application/json", headers=emulator.headers(request_id))

    if system is System.UTILITIES:

        @router.get("/tariffs/{kato}", summary="Tariffs of the region of a KATO code", operation_id="tariffs")
        async def region_tariffs(kato: Annotated[str, Path(pattern=r"^\d{9}$")]) -> list[dict[str, Any]]:
            return tariffs(kato)

    @router.get(
        "/{iin}",
        response_model=answer_model,
        responses=errors,
        summary=f"{system.value}: one IIN",
        operation_id=f"{system.value}_one",
    )
    async def one(
        request: Request,
        iin: Annotated[str, Path(pattern=IIN_PATTERN, description="12-digit IIN")],
        as_of: date | None = None,
        period_from: Annotated[str | None, Query(description="First month, YYYY-MM")] = None,
        period_to: Annotated[str | None, Query(description="Last month, YYYY-MM")] = None,
        x_request_id: Annotated[str | None, Header()] = None,
    ) -> Response:
        request_id = _request_id(x_request_id)
        try:
            start = _MONTH.validate_python(period_from) if period_from else None
            end = _MONTH.validate_python(period_to) if period_to else None
        except ValidationError:
            return _problem(422, "bad_period", "period_from and period_to are months: YYYY-MM")
        query = _query(system, as_of, start, end)
        if isinstance(query, Response):
            return query
        decision, refusal = await emulator.gate()
        if refusal is not None:
            return refusal
        body = await run_in_threadpool(
            lambda: b"".join(emulator.stream([iin], query, request_id, garble_of(decision)))
        )
        return Response(body, media_type="application/json", headers=emulator.headers(request_id))

    return router
