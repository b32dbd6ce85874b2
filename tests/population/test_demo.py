"""The demo dataset on both engines: content, officials for every role, scopes, and --if-empty."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kezek.auth.passwords import verify_password
from kezek.cli import app
from kezek.models import AuditEvent, Official, Person
from kezek.models.auth import ROLES
from kezek.population import demo, demo_sign_ins
from kezek.registry import iin, repository
from kezek.settings import get_settings


def test_demo_dataset_content_and_scopes(db: Session) -> None:
    result = demo.load_demo(db)
    assert result.loaded and result.persons == demo.DEMO_PERSONS + sum(len(c.members) for c in demo.NAMED)
    officials = {o.username: o for o in db.scalars(select(Official))}
    assert {role for o in officials.values() for role in o.roles} == set(ROLES)
    for entry in demo.OFFICIALS:
        assert officials[entry.username].scopes == list(entry.scopes)
    # argon2 is slow on purpose: check one password rather than all ten.
    assert verify_password(officials["executor.burabay"].password_hash, "demo-executor")
    assert officials["auditor"].scopes == [""] and officials["admin"].scopes == [""]

    katos = set(db.scalars(select(Person.kato).distinct()))
    assert (
        set(demo.DEMO_JURISDICTIONS) <= katos
    )  # people live in the demo jurisdictions (some registered elsewhere)
    for number, citizen in demo.named_iins():
        person = repository.get_person_by_iin(db, number, scopes=[""])
        assert person is not None and iin.is_valid(number) and person.kato == citizen.kato

    # The two Akmola district officials see their own people and never each other's.
    kokshetau = officials["executor.kokshetau"].scopes
    burabay = officials["executor.burabay"].scopes
    seen_k = repository.search_persons(db, scopes=kokshetau, limit=5000)
    seen_b = repository.search_persons(db, scopes=burabay, limit=5000)
    assert seen_k and seen_b and not {p.id for p in seen_k} & {p.id for p in seen_b}
    assert all(p.kato.startswith("1110") for p in seen_k) and all(p.kato.startswith("1132") for p in seen_b)
    orphan_iin = demo.named_iins()[4][0]
    assert repository.get_person_by_iin(db, orphan_iin, scopes=burabay) is None
    assert repository.get_person_by_iin(db, orphan_iin, scopes=kokshetau) is not None

    again = demo.load_demo(db, if_empty=True)
    assert not again.loaded
    assert db.scalar(select(func.count()).select_from(Person)) == result.persons


def test_demo_sign_ins_list_officials_and_citizens() -> None:
    listed = demo_sign_ins()
    assert {r["login"] for r in listed if r["kind"] == "official"} == {o.username for o in demo.OFFICIALS}
    citizens = [r for r in listed if r["kind"] == "citizen"]
    assert len(citizens) == len(demo.NAMED) and all(iin.is_valid(r["login"]) for r in citizens)


@pytest.fixture
def cli_env(committed: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("KEZEK_DATABASE_URL", committed.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    yield CliRunner()
    get_settings.cache_clear()


def test_demo_load_command_is_idempotent_with_if_empty(cli_env: CliRunner, committed: Engine) -> None:
    first = cli_env.invoke(app, ["demo", "load", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "executor.astana" in first.output and "demo-executor" in first.output
    with Session(committed) as session:
        persons = session.scalar(select(func.count()).select_from(Person))
        events = session.scalar(select(func.count()).select_from(AuditEvent))
    second = cli_env.invoke(app, ["demo", "load", "--if-empty"])
    assert second.exit_code == 0 and "nothing loaded" in second.output
    third = cli_env.invoke(app, ["demo", "load"])
    assert third.exit_code == 1 and "already holds persons" in third.output
    with Session(committed) as session:
        assert session.scalar(select(func.count()).select_from(Person)) == persons
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
    verify = cli_env.invoke(app, ["audit", "verify"])
    assert verify.exit_code == 0, verify.output
