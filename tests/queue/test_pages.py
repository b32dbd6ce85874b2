"""Public lists over HTTP (no login): pages, search by IIN without showing it, CSV and XLSX with the
publication date, mistakes as form errors; the citizen's place and why it changed; `kezek queue`."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from kezek.auth import otp
from kezek.cli import app as cli_app
from kezek.models.audit import AuditEvent
from kezek.models.queue import InventoryProposal, InventoryRun, QueueEntry, QueuePublication
from kezek.models.registry import Person
from kezek.queue import publication, service
from kezek.sandbox.server import SandboxAdmin
from kezek.settings import get_settings
from kezek.web.app import create_app
from tests.queue.builders import KARAGANDA, OFFICER, registered
from tests.web.fixtures import SECRET, csrf_from, make_settings

pytestmark = pytest.mark.usefixtures("frozen")


@pytest.fixture
def web(db: Session, database_url: str) -> TestClient:
    from kezek.auth.deps import get_session

    app = create_app(make_settings(database_url))
    app.dependency_overrides[get_session] = lambda: db
    return TestClient(app)


def published_list(db: Session, n: int = 60) -> list[QueueEntry]:
    entries = [registered(db, minutes=i) for i in range(n)]
    publication.publish(db, actor=OFFICER, secret=SECRET)
    db.flush()
    return entries


def test_public_list_pages_search_and_downloads(db: Session, web: TestClient, frozen) -> None:
    entries = published_list(db)
    index = web.get("/queue?lang=en")
    assert index.status_code == 200 and f"/queue/{KARAGANDA}/general" in index.text
    first = web.get(f"/queue/{KARAGANDA}/general?lang=en")
    assert first.status_code == 200 and "Published on 02.11.2026" in first.text
    assert "60 lines" in first.text and "Page 1 of 2" in first.text
    assert len(re.findall(r"<tr><td>\d+</td>", first.text)) == 50
    second = web.get(f"/queue/{KARAGANDA}/general?page=2")
    assert len(re.findall(r"<tr><td>\d+</td>", second.text)) == 10
    person = db.get(Person, entries[7].person_id)
    assert person is not None
    token = csrf_from(first.text)
    mine = web.post(f"/queue/{KARAGANDA}/general", data={"q": person.iin, "csrf_token": token})
    assert mine.status_code == 200 and "<tr><td>8</td>" in mine.text and "1 line" in mine.text
    assert person.iin not in mine.text  # found by its keyed digest, never shown, not even in links
    assert person.iin[:4] + "******" + person.iin[-2:] in mine.text
    # mistakes are form errors, never a 500
    bad = web.get(f"/queue/{KARAGANDA}/general?lang=en", params={"q": "x" * 20})
    assert bad.status_code == 422 and "Search by IIN, by number in the list, or by initials." in bad.text
    assert web.get(f"/queue/{KARAGANDA}/general?page=abc").status_code == 422
    assert web.get(f"/queue/{KARAGANDA}/general?page=99").status_code == 200
    assert web.get(f"/queue/{KARAGANDA}/priority").status_code == 404
    assert web.get("/queue/000000000/general").status_code == 404
    # downloads: every line, the category's name, the publication date
    text = web.get(f"/queue/{KARAGANDA}/general/csv?lang=ru").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][0] == "position" and len(lines) == 61 and lines[8][0] == "8"
    assert all(line[-1] == "2026-11-02" for line in lines[1:]) and person.iin not in text
    workbook = load_workbook(io.BytesIO(web.get(f"/queue/{KARAGANDA}/general/xlsx").content))
    rows = list(workbook.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[1][0] == "published_on: 2026-11-02" and len(rows) == 3 + 60


def test_citizen_sees_place_and_why_it_changed(
    db: Session, web: TestClient, frozen, monkeypatch: pytest.MonkeyPatch
) -> None:
    frozen.set(datetime(2026, 9, 1, 5, 0, tzinfo=UTC))
    entries = [registered(db, minutes=i) for i in range(5)]
    mine = entries[3]
    frozen.set(datetime(2026, 11, 20, 5, 0, tzinfo=UTC))
    service.house(db, entry_id=entries[0].id, actor=OFFICER, decision_ref="h-1")
    service.remove(db, entry_id=entries[1].id, actor=OFFICER, reason_code="moved_away", decision_ref="r-1")
    db.flush()
    person = db.get(Person, mine.person_id)
    assert person is not None
    codes: list[str] = []
    monkeypatch.setattr(otp, "deliver_code", lambda issued, iin: codes.append(issued.code))
    token = csrf_from(web.get("/citizen/sign-in").text)
    web.post("/citizen/sign-in", data={"iin": person.iin, "csrf_token": token})
    token = csrf_from(web.get("/citizen/sign-in/code").text)
    web.post("/citizen/sign-in/code", data={"code": codes[-1], "csrf_token": token})
    page = web.get("/citizen/queue?lang=en").text
    assert re.search(r'id="queue-position">2<', page)
    why = page.split('id="why-list"')[1].split("</ol>")[0]
    assert "housed" in why and "removed from the queue" in why
    assert why.count("you moved one place forward") == 2
    assert "your number was 4; now it is 2" in page
    hub = web.get("/citizen/housing?lang=en").text
    assert "Your number in the queue: 2" in hub


@pytest.fixture
def cli(world: Engine, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    get_settings.cache_clear()
    return CliRunner()


def test_cli_publish_position_and_inventory(s: Session, cli: CliRunner, sandbox: SandboxAdmin) -> None:
    entries = [registered(s, minutes=i) for i in range(3)]
    s.commit()
    published = cli.invoke(cli_app, ["queue", "publish"])
    assert published.exit_code == 0, published.output
    assert "published 1 lists, 3 lines" in published.output
    assert s.scalar(select(QueuePublication.rows)) == 3
    person = s.get(Person, entries[2].person_id)
    assert person is not None
    shown = cli.invoke(cli_app, ["queue", "position", person.iin, "--official", "exec"])
    assert shown.exit_code == 0 and f"number 3 in {KARAGANDA}/general" in shown.output
    assert s.scalar(
        select(AuditEvent.id).where(
            AuditEvent.action == "person.read", AuditEvent.object_id == str(person.id)
        )
    )
    assert cli.invoke(cli_app, ["queue", "position", "123"]).exit_code == 2
    assert cli.invoke(cli_app, ["queue", "publish", "--kato", "abc"]).exit_code == 2
    run = cli.invoke(cli_app, ["queue", "inventory", "--official", "exec", "--chunk", "2"])
    assert run.exit_code == 0, run.output
    assert "3 checked, 3 passed, 0 proposed" in run.output
    s.expire_all()
    assert s.scalar(select(InventoryRun.status)) == "done"
    assert cli.invoke(cli_app, ["queue", "proposals"]).output.strip() == "no proposals waiting for a decision"


def test_official_decides_inventory_proposals_on_the_page(s: Session, world: Engine, frozen) -> None:
    from kezek.auth.service import create_official
    from kezek.queue import inventory as inv
    from tests.queue.test_inventory import population
    from tests.web.builders import PASSWORD
    from tests.web.fixtures import sign_in_official

    entries = population(s)
    summary = inv.run_inventory(world, actor=OFFICER)
    assert summary.proposed == 3
    for username, scopes in (("exec", ("35",)), ("far", ("71",))):
        create_official(
            s, username=username, full_name="Әлия", password=PASSWORD, roles=("executor",), scopes=scopes
        )
    s.commit()
    app = create_app(make_settings(world.url.render_as_string(hide_password=False)))
    far = TestClient(app)
    sign_in_official(far, "far", PASSWORD)
    assert "No proposals waiting for a decision." in far.get("/official/queue/inventory?lang=en").text
    desk = TestClient(app)
    sign_in_official(desk, "exec", PASSWORD)
    page = desk.get("/official/queue/inventory?lang=en").text
    ids = re.findall(r'action="/official/queue/inventory/(\d+)"', page)
    assert len(ids) == 3 and "skipped when dwellings are offered" in page
    token = csrf_from(page)
    owner = s.scalar(select(InventoryProposal).where(InventoryProposal.entry_id == entries["owner"].id))
    moved = s.scalar(select(InventoryProposal).where(InventoryProposal.entry_id == entries["moved"].id))
    assert owner is not None and moved is not None
    no_note = desk.post(
        f"/official/queue/inventory/{owner.id}", data={"decision": "reject", "note": "", "csrf_token": token}
    )
    assert no_note.status_code == 422 and "Say why." in no_note.text
    bad = desk.post(f"/official/queue/inventory/{owner.id}", data={"decision": "maybe", "csrf_token": token})
    assert bad.status_code == 422
    rejected = desk.post(
        f"/official/queue/inventory/{owner.id}",
        data={"decision": "reject", "note": "the flat is an emergency dwelling", "csrf_token": token},
        follow_redirects=False,
    )
    assert rejected.status_code == 303
    approved = desk.post(
        f"/official/queue/inventory/{moved.id}",
        data={"decision": "approve", "csrf_token": token},
        follow_redirects=False,
    )
    assert approved.status_code == 303
    again = desk.post(
        f"/official/queue/inventory/{moved.id}", data={"decision": "approve", "csrf_token": token}
    )
    assert again.status_code == 409
    assert (
        far.post(
            f"/official/queue/inventory/{owner.id}",
            data={"decision": "approve", "csrf_token": csrf_from(far.get("/official/queue/inventory").text)},
        ).status_code
        == 403
    )
    s.expire_all()
    assert s.get(QueueEntry, entries["owner"].id).skipped_for_offers is False  # type: ignore[union-attr]
    assert s.get(QueueEntry, entries["moved"].id).status == "removed"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "path",
    [
        "/queue/abc/general",
        "/queue/351010000/nonsense/csv",
        "/queue/351010000/priority/xlsx",
        f"/queue/{KARAGANDA}/general?page=-1",
        f"/queue/{KARAGANDA}/general?page=99999999999",
        "/citizen/notices/abc",
        "/citizen/notices/999999/pdf?doc_lang=xx",
        "/citizen/applications/abc",
        "/official/applications/abc",
    ],
)
def test_junk_addresses_are_answered_without_a_500(db: Session, web: TestClient, path: str) -> None:
    registered(db)
    publication.publish(db, actor=OFFICER, secret=SECRET)
    response = web.get(path, follow_redirects=False)
    assert 300 <= response.status_code < 500, (path, response.status_code)
