"""One settings object, read from the environment (prefix ``KEZEK_``) behind a cached getter."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VAR_DIR = PROJECT_ROOT / "var"

PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "dev-secret-change-me"})
LANGUAGES = ("kk", "ru", "en")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEZEK_", env_file=".env", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    database_url: str = Field(default_factory=lambda: f"sqlite:///{VAR_DIR / 'kezek.db'}")
    secret_key: str = "dev-secret-change-me"  # noqa: S105 (refused outside development)
    default_language: Literal["kk", "ru", "en"] = "kk"
    display_timezone: str = "Asia/Almaty"
    secure_cookies: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    # Jobs: "inline" runs the worker inside the web process (embedded default);
    # "external" expects `kezek worker` to run beside it.
    worker_mode: Literal["inline", "external", "off"] = "inline"
    jobs_url: str = ""  # empty: derived from database_url (SQLite file beside it, or the PostgreSQL database)
    # Citizens' one-time codes: on the embedded default the code is written to the server log.
    otp_ttl_seconds: int = 300
    login_rate_limit: str = "10/minute"
    # OpenID Connect instead of one-time codes, when configured.
    oidc_server_metadata_url: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    outbox_dir: Path = VAR_DIR / "outbox"

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment == "production" and (
            self.secret_key.strip().lower() in PLACEHOLDER_SECRETS or len(self.secret_key) < 32
        ):
            raise ValueError(
                "KEZEK_SECRET_KEY is a placeholder or shorter than 32 characters; "
                "set a real secret outside development"
            )
        return self

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


@lru_cache
def get_settings() -> Settings:
    return Settings()
