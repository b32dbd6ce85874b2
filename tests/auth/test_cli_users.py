"""`kezek users create|token|revoke-token`, against a real committed database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kezek.auth.passwords import verify_password
from kezek.auth.tokens import find_api_token
from kezek.cli import app
from kezek.models import Official
from kezek.settings import get_settings


@pytest.fixture
def cli(committed: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("KEZEK_DATABASE_URL", committed.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_create_with_password_option(cli: CliRunner, committed: Engine):
    result = cli.invoke(
        app,
        [
            "users",
            "create",
            "almaly",
            "--role",
            "executor",
            "--role",
            "head",
            "--scope",
            "751110000",
            "--full-name",
            "Ерлан Сейтжанов",
            "--password",
            "a strong password",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "jurisdiction: 751110" in result.output
    with Session(committed) as session:
        official = session.scalar(select(Official).where(Official.username == "almaly"))
        assert official is not None
        assert official.roles == ["executor", "head"] and official.scopes == ["751110"]
        assert verify_password(official.password_hash, "a strong password")


def test_create_prompts_for_the_password(cli: CliRunner, committed: Engine):
    result = cli.invoke(
        app,
        ["users", "create", "asel", "--role", "auditor", "--scope", "all", "--full-name", "Әсел"],
        input="typed secretly 1\ntyped secretly 1\n",
    )
    assert result.exit_code == 0, result.output
    assert "typed secretly 1" not in result.output
    with Session(committed) as session:
        official = session.scalar(select(Official).where(Official.username == "asel"))
        assert official is not None and official.scopes == [""]
        assert verify_password(official.password_hash, "typed secretly 1")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "king", "--scope", "75"], "unknown role(s): king"),
        (["--role", "executor", "--scope", "Almaty"], "is not a KATO code"),
        (["--role", "executor", "--scope", "75", "--password", "short"], "at least 8 characters"),
    ],
)
def test_create_refuses_bad_input_with_a_message(cli: CliRunner, args: list[str], message: str):
    base = ["users", "create", "someone", "--full-name", "X"]
    result = cli.invoke(app, base + args + ([] if "--password" in args else ["--password", "long enough 1"]))
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_duplicate_username_is_refused(cli: CliRunner):
    args = ["users", "create", "dup", "--role", "executor", "--full-name", "D", "--password", "long enough 1"]
    assert cli.invoke(app, args).exit_code == 0
    again = cli.invoke(app, args)
    assert again.exit_code == 2 and "already exists" in again.output


def test_token_is_printed_once_and_works(cli: CliRunner, committed: Engine):
    result = cli.invoke(app, ["users", "token", "egov-bridge", "--role", "executor", "--scope", "75"])
    assert result.exit_code == 0, result.output
    plain = result.stdout.strip().splitlines()[-1]
    assert plain.startswith("kzk_")
    with Session(committed) as session:
        token = find_api_token(session, plain)
        assert token is not None and token.name == "egov-bridge" and token.scopes == ["75"]
    revoked = cli.invoke(app, ["users", "revoke-token", "egov-bridge"])
    assert revoked.exit_code == 0
    with Session(committed) as session:
        assert find_api_token(session, plain) is None
