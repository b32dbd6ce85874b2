"""The HTTP adapter behind every port: httpx, timeouts, retries for safe reads, circuit breakers.

``GET {base}/{iin}`` asks about one person; ``POST {base}/batch`` about up to 10,000. Both only read,
so both may be retried (tenacity, exponential backoff with jitter). Each attempt passes the
system's circuit breaker first. Failures become the typed errors of `kezek.integration.errors`;
no personal data goes into the log lines.
"""

from __future__ import annotations

import hashlib
import ssl
import time
import uuid
from collections.abc import Sequence
from datetime import date
from functools import lru_cache
from typing import Any, Generic, TypeVar, cast

import certifi
import httpx
from pydantic import BaseModel, ValidationError
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential_jitter

from kezek import clock
from kezek.integration.breaker import BREAKERS, BreakerBoard, CircuitBreaker
from kezek.integration.config import IntegrationSettings, ResolvedEndpoint, get_integration_settings
from kezek.integration.errors import (
    CircuitOpen,
    MalformedAnswer,
    StateSystemDown,
    StateSystemRejected,
    SystemTimeout,
    SystemUnavailable,
)
from kezek.integration.ports import Period, Received, StatePorts
from kezek.integration.schemas import MAX_BATCH, Answer, answer_adapter
from kezek.integration.systems import System
from kezek.logs import get_logger

D = TypeVar("D", bound=BaseModel)
log = get_logger("kezek.integration")


def _month(value: date) -> str:
    return value.strftime("%Y-%m")


def _retryable(exc: BaseException) -> bool:
    return isinstance(exc, StateSystemDown) and not isinstance(exc, CircuitOpen)


class HttpStatePort(Generic[D]):
    """One system's port over HTTP. Create through `StateDataClient`, which owns the connections."""

    def __init__(
        self,
        system: System,
        endpoint: ResolvedEndpoint,
        client: httpx.AsyncClient,
        breaker: CircuitBreaker,
        settings: IntegrationSettings,
    ) -> None:
        self.system = system
        self.endpoint = endpoint
        self._client = client
        self._breaker = breaker
        self._settings = settings
        self._timeout = httpx.Timeout(
            endpoint.read_timeout, connect=endpoint.connect_timeout, pool=endpoint.connect_timeout
        )
        headers: dict[str, str] = {"Accept": "application/json"}
        if endpoint.token:
            headers["Authorization"] = f"Bearer {endpoint.token}"
        self._headers = headers
        self._auth: httpx.Auth | httpx._client.UseClientDefault = (
            httpx.BasicAuth(endpoint.username, endpoint.password or "")
            if endpoint.username
            else httpx.USE_CLIENT_DEFAULT
        )

    @property
    def breaker(self) -> CircuitBreaker:
        return self._breaker

    async def fetch(
        self,
        iins: Sequence[str],
        *,
        as_of: date | None = None,
        period: Period | None = None,
        request_id: str | None = None,
    ) -> Received[D]:
        if not iins:
            raise ValueError("fetch needs at least one IIN")
        if len(iins) > MAX_BATCH:
            raise ValueError(f"at most {MAX_BATCH} IINs per call; split the batch")
        request_id = request_id or uuid.uuid4().hex
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self.endpoint.attempts),
            wait=wait_exponential_jitter(
                multiplier=self._settings.backoff_initial,
                jitter=self._settings.backoff_initial,
                max=self._settings.backoff_max,
            ),
            retry=retry_if_exception(_retryable),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._attempt(list(iins), as_of, period, request_id)
        raise AssertionError("unreachable: tenacity reraises the last error")  # pragma: no cover

    async def _attempt(
        self, iins: list[str], as_of: date | None, period: Period | None, request_id: str
    ) -> Received[D]:
        if not self._breaker.allow():
            raise CircuitOpen(self.system, f"{self.system.value}: circuit open after repeated failures")
        started = time.perf_counter()
        try:
            received = await self._call(iins, as_of, period, request_id, started)
        except StateSystemDown as exc:
            self._breaker.record_failure()
            log.warning(
                "state_system.failed",
                system=self.system.value,
                error=exc.code,
                request_id=request_id,
                iins=len(iins),
                breaker=self._breaker.state,
            )
            raise
        except StateSystemRejected:
            self._breaker.record_success()  # it answered: the system is up, the request was wrong
            raise
        except BaseException:
            self._breaker.release()  # cancelled or a local error: no verdict on the system's health
            raise
        self._breaker.record_success()
        return received

    async def _call(
        self, iins: list[str], as_of: date | None, period: Period | None, request_id: str, started: float
    ) -> Received[D]:
        params: dict[str, str] = {}
        if as_of is not None:
            params["as_of"] = as_of.isoformat()
        if period is not None:
            params["period_from"] = _month(period.start)
            params["period_to"] = _month(period.end)
        headers = {**self._headers, "X-Request-Id": request_id}
        base = self.endpoint.base_url
        try:
            if len(iins) == 1:
                response = await self._client.get(
                    f"{base}/{iins[0]}",
                    params=params,
                    headers=headers,
                    timeout=self._timeout,
                    auth=self._auth,
                )
            else:
                body: dict[str, Any] = {"iins": iins}
                if as_of is not None:
                    body["as_of"] = as_of.isoformat()
                if period is not None:
                    body["period_from"] = period.start.isoformat()
                    body["period_to"] = period.end.isoformat()
                response = await self._client.post(
                    f"{base}/batch", json=body, headers=headers, timeout=self._timeout, auth=self._auth
                )
        except httpx.TimeoutException as exc:
            raise SystemTimeout(self.system, f"{self.system.value}: no answer in time") from exc
        except httpx.TransportError as exc:
            raise SystemUnavailable(self.system, f"{self.system.value}: {type(exc).__name__}") from exc
        status = response.status_code
        if status >= 500 or status == 429:
            raise SystemUnavailable(self.system, f"{self.system.value}: HTTP {status}", http_status=status)
        if status != 200:
            raise StateSystemRejected(self.system, f"{self.system.value}: HTTP {status}")
        raw = response.content
        try:
            answer = cast(Answer[D], answer_adapter(self.system).validate_json(raw))
        except ValidationError as exc:
            raise MalformedAnswer(
                self.system,
                f"{self.system.value}: answer does not match the schema ({exc.error_count()} errors)",
            ) from exc
        self._check_answer(answer, iins, request_id)
        return Received(
            system=self.system,
            request_id=request_id,
            answer=answer,
            body=raw.decode("utf-8"),
            body_sha256=hashlib.sha256(raw).hexdigest(),
            received_at=clock.now(),
            duration_ms=round((time.perf_counter() - started) * 1000),
        )

    def _check_answer(self, answer: Answer[D], iins: list[str], request_id: str) -> None:
        if answer.system != self.system:
            raise MalformedAnswer(self.system, f"{self.system.value}: answer is from {answer.system.value}")
        if answer.request_id != request_id:
            raise MalformedAnswer(self.system, f"{self.system.value}: answer to another request")
        if [r.iin for r in answer.results] != iins:
            raise MalformedAnswer(self.system, f"{self.system.value}: answer does not cover the IINs asked")
        for result in answer.results:
            if result.found and result.data is None:
                raise MalformedAnswer(self.system, f"{self.system.value}: a found person has no data")


@lru_cache(maxsize=16)
def _tls_context(client_cert: str, client_key: str) -> ssl.SSLContext:
    """One TLS context per identity and process: loading the CA bundle costs tens of milliseconds,
    more than a whole family profile should take."""
    context = ssl.create_default_context(cafile=certifi.where())
    if client_cert:
        context.load_cert_chain(client_cert, client_key or None)
    return context


class StateDataClient:
    """The ports bound to HTTP connections for one event loop::

    async with StateDataClient() as client:
        received = await client.ports.property.fetch([iin])
    """

    def __init__(
        self, settings: IntegrationSettings | None = None, *, breakers: BreakerBoard = BREAKERS
    ) -> None:
        self.settings = settings or get_integration_settings()
        self._breakers = breakers
        self._clients: dict[tuple[str, str], httpx.AsyncClient] = {}
        self._ports: dict[System, HttpStatePort[Any]] = {}

    async def __aenter__(self) -> StateDataClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()
        self._ports.clear()

    def _http(self, endpoint: ResolvedEndpoint) -> httpx.AsyncClient:
        # One connection pool per TLS identity: creating a client (and its SSL context) per system
        # would cost more than the calls themselves.
        client = self._clients.get(endpoint.tls_key)
        if client is None:
            client = httpx.AsyncClient(
                verify=_tls_context(endpoint.client_cert, endpoint.client_key),
                limits=httpx.Limits(max_connections=200, max_keepalive_connections=64),
                follow_redirects=False,
            )
            self._clients[endpoint.tls_key] = client
        return client

    def port(self, system: System) -> HttpStatePort[Any]:
        port = self._ports.get(system)
        if port is None:
            endpoint = self.settings.endpoint(system)
            breaker = self._breakers.get(
                f"{system.value} {endpoint.base_url}",
                failure_threshold=self.settings.breaker_failures,
                cooldown=self.settings.breaker_cooldown,
            )
            port = HttpStatePort(system, endpoint, self._http(endpoint), breaker, self.settings)
            self._ports[system] = port
        return port

    @property
    def ports(self) -> StatePorts:
        return StatePorts(**{system.value: self.port(system) for system in System})
