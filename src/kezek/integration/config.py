"""Per-system settings: base URL, credentials, timeouts. The sandbox is the embedded default.

Environment (prefix ``KEZEK_STATE_``), e.g.::

    KEZEK_STATE_SANDBOX_URL=http://127.0.0.1:8700
    KEZEK_STATE_SYSTEMS__PROPERTY__BASE_URL=https://gbdrn.example.kz/api
    KEZEK_STATE_SYSTEMS__PROPERTY__TOKEN=...
    KEZEK_STATE_SYSTEMS__PROPERTY__READ_TIMEOUT=20

A system without its own ``base_url`` is answered by the sandbox at ``{sandbox_url}/{system}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from kezek.integration.systems import System

SANDBOX_DEFAULT_PORT = 8700


class SystemEndpoint(BaseModel):
    base_url: str = ""
    token: SecretStr | None = None  # sent as "Authorization: Bearer ..."
    username: str = ""
    password: SecretStr | None = None  # HTTP basic, when the system uses it
    client_cert: str = ""  # PEM file for mutual TLS (paths, never the secret itself)
    client_key: str = ""
    connect_timeout: float | None = Field(default=None, gt=0)
    read_timeout: float | None = Field(default=None, gt=0)
    attempts: int | None = Field(default=None, ge=1, le=10)


class IntegrationSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="KEZEK_STATE_", env_nested_delimiter="__", env_file=".env", extra="ignore"
    )

    sandbox_url: str = f"http://127.0.0.1:{SANDBOX_DEFAULT_PORT}"
    systems: dict[str, SystemEndpoint] = {}
    connect_timeout: float = Field(default=2.0, gt=0)
    read_timeout: float = Field(default=10.0, gt=0)
    # Retries apply to safe reads only (GET and the read-only batch POST).
    attempts: int = Field(default=3, ge=1, le=10)
    backoff_initial: float = Field(default=0.1, ge=0)
    backoff_max: float = Field(default=2.0, ge=0)
    breaker_failures: int = Field(default=5, ge=1)
    breaker_cooldown_seconds: float = Field(default=30.0, gt=0)
    # A fetch request still waiting for a system is tried again after this many seconds.
    retry_after_seconds: float = Field(default=60.0, gt=0)
    batch_size: int = Field(default=5000, ge=1, le=10_000)
    batch_concurrency: int = Field(default=4, ge=1, le=64)

    def endpoint(self, system: System) -> ResolvedEndpoint:
        own = self.systems.get(system.value, SystemEndpoint())
        base = own.base_url.rstrip("/") or f"{self.sandbox_url.rstrip('/')}/{system.value}"
        return ResolvedEndpoint(
            system=system,
            base_url=base,
            token=own.token.get_secret_value() if own.token else None,
            username=own.username,
            password=own.password.get_secret_value() if own.password else None,
            client_cert=own.client_cert,
            client_key=own.client_key,
            connect_timeout=own.connect_timeout or self.connect_timeout,
            read_timeout=own.read_timeout or self.read_timeout,
            attempts=own.attempts or self.attempts,
        )

    @property
    def breaker_cooldown(self) -> timedelta:
        return timedelta(seconds=self.breaker_cooldown_seconds)


@dataclass(frozen=True)
class ResolvedEndpoint:
    system: System
    base_url: str
    token: str | None
    username: str
    password: str | None
    client_cert: str
    client_key: str
    connect_timeout: float
    read_timeout: float
    attempts: int

    @property
    def tls_key(self) -> tuple[str, str]:
        return (self.client_cert, self.client_key)


@lru_cache
def get_integration_settings() -> IntegrationSettings:
    return IntegrationSettings()
