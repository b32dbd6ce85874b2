"""Stock pages: the jurisdiction's dwellings, entering one with errors naming the field, the hand-over act."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import Actor
from kezek.models.audit import AuditEvent
from kezek.models.stock import Dwelling, DwellingHandover
from kezek.stock import service
from tests.web.builders import ALMALY, AUEZOV, PASSWORD, add_jurisdictions, add_official
from tests.web.fixtures import form_token, sign_in_official

ACTOR = Actor("official", "seed")


def _dwelling(db: Session, kato: str, address: str, holder: str = "distributor") -> Dwelling:
    return service.create_dwelling(
        db,
        actor=ACTOR,
        kato=kato,
        address=address,
        rooms=2,
        area_m2="54.3",
        kind="rental",
        programme="Nurly Zher",
        holder=holder,
    )


def _official(db: Session, client: TestClient, roles: tuple[str, ...] = ("executor",)) -> None:
    add_jurisdictions(db)
    add_official(db, username="stock", roles=roles, scopes=("751110",))
    db.flush()
    sign_in_official(client, "stock", PASSWORD)


def test_list_shows_only_the_jurisdiction(db: Session, client: TestClient):
    _official(db, client)
    _dwelling(db, ALMALY, "Абай даңғылы 1")
    _dwelling(db, AUEZOV, "Жандосов көшесі 7")
    page = client.get("/official/stock?lang=en")
    assert page.status_code == 200
    assert "Абай даңғылы 1" in page.text and "Жандосов" not in page.text
    assert "1 dwelling." in page.text
    other = db.scalar(select(Dwelling).where(Dwelling.kato == AUEZOV))
    assert other is not None
    assert client.get(f"/official/stock/{other.id}").status_code == 403
    assert client.get("/official/stock?status=nonsense&lang=en").status_code == 422


def test_enter_a_dwelling_and_errors_name_the_field(db: Session, client: TestClient):
    _official(db, client)
    token = form_token(client, "/official/stock/new")
    bad = client.post(
        "/official/stock/new?lang=en",
        data={
            "csrf_token": token,
            "kato": ALMALY,
            "address": "Төле би 5",
            "rooms": "0",
            "area_m2": "4,5",
            "kind": "palace",
            "programme": "",
            "holder": "distributor",
        },
    )
    assert bad.status_code == 422
    for message in ("number of rooms", "useful area", "kind of dwelling", "source programme"):
        assert message in bad.text
    assert 'id="address-error"' not in bad.text  # a right field carries no error
    assert "Төле би 5" in bad.text  # nothing typed is lost
    assert db.scalar(select(Dwelling).where(Dwelling.address == "Төле би 5")) is None

    outside = client.post(
        "/official/stock/new?lang=en",
        data={
            "csrf_token": token,
            "kato": AUEZOV,
            "address": "Төле би 5",
            "rooms": "2",
            "area_m2": "50",
            "kind": "rental",
            "programme": "P",
            "holder": "distributor",
        },
    )
    assert outside.status_code == 422 and "outside your jurisdiction" in outside.text

    good = client.post(
        "/official/stock/new?lang=en",
        data={
            "csrf_token": token,
            "kato": ALMALY,
            "address": "Төле би 5",
            "rooms": "3",
            "area_m2": "72,35",
            "floor": "4",
            "floors_total": "9",
            "kind": "credit_2",
            "programme": "Otbasy 2 %",
            "holder": "akimat",
            "wheelchair_accessible": "yes",
        },
        follow_redirects=False,
    )
    assert good.status_code == 303, good.text
    dwelling = db.scalar(select(Dwelling).where(Dwelling.address == "Төле би 5"))
    assert dwelling is not None
    assert (dwelling.area_dm2, dwelling.rooms, dwelling.kind) == (7235, 3, "credit_2")
    assert dwelling.wheelchair_accessible and dwelling.status == "awaiting_handover"
    shown = client.get(good.headers["location"] + "&lang=en")
    assert "72,35 m²" in shown.text and "Awaiting hand-over" in shown.text
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "stock.create")) is not None


def test_a_reader_cannot_enter(db: Session, client: TestClient):
    _official(db, client, roles=("auditor",))
    assert client.get("/official/stock").status_code == 200
    assert client.get("/official/stock/new").status_code == 403


def test_hand_over_with_a_record(db: Session, client: TestClient):
    _official(db, client)
    first = _dwelling(db, ALMALY, "Сейфуллин 10", holder="akimat")
    second = _dwelling(db, ALMALY, "Сейфуллин 12", holder="akimat")
    foreign = _dwelling(db, AUEZOV, "Жандосов 3", holder="akimat")
    form = client.get("/official/stock/handover?lang=en")
    assert "Сейфуллин 10" in form.text and "Жандосов 3" not in form.text
    token = form_token(client, "/official/stock/handover")

    missing = client.post(
        "/official/stock/handover?lang=en",
        data={
            "csrf_token": token,
            "act_date": (date.today() + timedelta(days=5)).isoformat(),
            "act_number": "",
            "from_body": "Алмалы ауданының әкімдігі",
            "to_body": "",
        },
    )
    assert missing.status_code == 422
    for message in ("at least one dwelling", "number of the act", "distributing body that receives"):
        assert message in missing.text
    smuggled = client.post(
        "/official/stock/handover?lang=en",
        data={
            "csrf_token": token,
            "dwelling": [str(first.id), str(foreign.id)],
            "act_number": "17",
            "act_date": "2026-01-10",
            "from_body": "Әкімдік",
            "to_body": "Отбасы банк",
        },
    )
    assert smuggled.status_code == 422 and foreign.status == "awaiting_handover"

    done = client.post(
        "/official/stock/handover?lang=en",
        data={
            "csrf_token": token,
            "dwelling": [str(first.id), str(second.id)],
            "act_number": "17",
            "act_date": "2026-01-10",
            "from_body": "Алмалы ауданының әкімдігі",
            "to_body": "Отбасы банк",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    handover = db.scalar(select(DwellingHandover).where(DwellingHandover.act_number == "17"))
    assert handover is not None and handover.dwelling_count == 2
    db.refresh(first)
    assert first.status == "available" and first.handover_id == handover.id
    record = client.get(done.headers["location"] + "?lang=en")
    assert "Сейфуллин 12" in record.text and "Отбасы банк" in record.text
    assert db.scalar(select(AuditEvent).where(AuditEvent.action == "stock.handover")) is not None
