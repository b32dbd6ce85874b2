"""The commission path through the pages: batch, run with explanations, what-if, session, votes,
approval, protocol PDFs, offers, the citizen's accept and refuse, the public journal and its files."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.allocation import journal
from kezek.auth import otp
from kezek.models.allocation import AllocationBatch, CommissionMember, Offer
from kezek.models.queue import QueueEntry
from kezek.models.registry import Person
from kezek.models.stock import Dwelling
from tests.allocation.builders import dwelling, eligible
from tests.allocation_pages.builders import add_list
from tests.web.builders import PASSWORD, add_official
from tests.web.fixtures import AppFactory, csrf_from, form_token, sign_in_official


@pytest.fixture
def codes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    sent: list[str] = []
    monkeypatch.setattr(otp, "deliver_code", lambda issued, iin: sent.append(issued.code))
    return sent


def sign_in_citizen(client: TestClient, person: Person, codes: list[str]) -> None:
    token = csrf_from(client.get("/citizen/sign-in").text)
    client.post("/citizen/sign-in", data={"iin": person.iin, "csrf_token": token})
    token = csrf_from(client.get("/citizen/sign-in/code").text)
    response = client.post(
        "/citizen/sign-in/code", data={"code": codes[-1], "csrf_token": token}, follow_redirects=False
    )
    assert response.status_code == 303, response.text


def _world(db: Session) -> tuple[list[QueueEntry], list[int]]:
    entries = [
        eligible(db, list_code="priority", minutes=1, size=2),
        eligible(db, list_code="general", minutes=2, size=1),
        eligible(db, list_code="priority", minutes=3, size=2, inventory="failed"),
        eligible(db, list_code="priority", minutes=4, size=2),
        eligible(db, list_code="general", minutes=7, size=1),
    ]
    dwellings = [dwelling(db, rooms=2, area_m2="32") for _ in range(2)] + [
        dwelling(db, rooms=1, area_m2="25")
    ]
    add_official(db, username="dist", roles=("distribution_officer", "commission_member"), scopes=("35",))
    db.flush()
    return entries, dwellings


def test_commission_path_through_the_pages(db: Session, client: TestClient, app_factory: AppFactory, codes):
    _, dwellings = _world(db)
    sign_in_official(client, "dist", PASSWORD)

    form = client.get("/official/allocation/batches/new?lang=en")
    assert all(f'value="{d}"' in form.text for d in dwellings)
    token = csrf_from(form.text)
    empty = client.post(
        "/official/allocation/batches/new?lang=en",
        data={"csrf_token": token, "title": "", "regime": "national"},
    )
    assert empty.status_code == 422 and "Give the batch a title." in empty.text
    made = client.post(
        "/official/allocation/batches/new",
        data={
            "csrf_token": token,
            "title": "Наурыз",
            "regime": "national",
            "dwelling": [str(d) for d in dwellings],
        },
        follow_redirects=False,
    )
    assert made.status_code == 303, made.text
    batch = db.scalar(select(AllocationBatch).where(AllocationBatch.title == "Наурыз"))
    assert batch is not None

    started = client.post(
        f"/official/allocation/batches/{batch.id}/run", data={"csrf_token": token}, follow_redirects=False
    )
    assert started.status_code == 303, started.text
    run_url = started.headers["location"]
    run_id = int(run_url.rsplit("/", 1)[1])
    page = client.get(run_url + "?lang=en")
    assert page.status_code == 200
    assert "the family did not pass the inventory check" in page.text  # entries[2], skipped with its reason
    assert page.text.count('data-outcome="assigned"') == 3
    assert "Test avenue" in page.text  # the dwelling an assigned family got
    assert "Не рассматривалась" in client.get(run_url + "?lang=ru&outcome=skipped").text
    only_given = client.get(run_url + "?lang=en&outcome=assigned").text
    assert 'data-outcome="skipped"' not in only_given

    what_if = client.get(f"{run_url}/what-if?method=largest_remainder&priority_share=90&lang=en")
    assert what_if.status_code == 200, what_if.text
    assert "Lists side by side" in what_if.text and "Largest remainder" in what_if.text
    assert client.get(f"{run_url}/what-if?priority_share=abc&lang=en").status_code == 422

    bad_session = client.post(
        f"{run_url}/session?lang=en",
        data={
            "csrf_token": token,
            "number": "",
            "held_on": "2026-03-02",
            "place": "Әкімдік",
            "agenda": "Бөлу",
            "quorum": "2",
            "member_0_name": "Серікова А.",
            "member_0_role": "chair",
            "member_0_present": "yes",
        },
    )
    assert bad_session.status_code == 422 and "protocol number" in bad_session.text
    assert 'value="Серікова А."' in bad_session.text  # nothing typed is lost
    verified = client.get(f"{run_url}/verify?lang=en")
    assert verified.status_code == 200 and "reproduced byte for byte" in verified.text
    opened = client.post(
        f"{run_url}/session",
        data={
            "csrf_token": token,
            "number": "P-77",
            "held_on": "2026-03-02",
            "place": "Әкімдік, 3-бөлме",
            "agenda": "Үш пәтерді бөлу",
            "quorum": "2",
            "member_0_name": "Серікова А.",
            "member_0_role": "chair",
            "member_0_present": "yes",
            "member_1_name": "Иванов П.",
            "member_1_role": "member",
            "member_1_present": "yes",
            "member_2_name": "Омаров Б.",
            "member_2_role": "member",
        },
        follow_redirects=False,
    )
    assert opened.status_code == 303, opened.text
    members = db.scalars(select(CommissionMember).order_by(CommissionMember.id)).all()
    assert [m.present for m in members] == [True, True, False]
    session_id = members[0].session_id
    absent = client.post(
        f"/official/allocation/sessions/{session_id}/votes?lang=en",
        data={"csrf_token": token, "member_id": members[2].id, "vote": "for"},
    )
    assert absent.status_code == 409 and "present can vote" in absent.text
    for member, vote, dissent in ((members[0], "for", ""), (members[1], "for", "Пәтерлер аз")):
        voted = client.post(
            f"/official/allocation/sessions/{session_id}/votes",
            data={"csrf_token": token, "member_id": member.id, "vote": vote, "dissent": dissent},
            follow_redirects=False,
        )
        assert voted.status_code == 303, voted.text
    decided = client.post(
        f"/official/allocation/sessions/{session_id}/decide",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert decided.status_code == 303, decided.text
    after = client.get(run_url + "?lang=en").text
    assert "Approved" in after and "Пәтерлер аз" in after
    pdf = client.get(f"/official/allocation/sessions/{session_id}/protocol-kk.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/official/allocation/sessions/{session_id}/protocol-en.pdf").status_code == 404

    offers_page = client.get(f"{run_url}/offers?lang=en")
    assert offers_page.text.count('data-status="pending"') == 3

    pending = db.scalars(
        select(Offer).where(Offer.run_id == run_id, Offer.status == "pending").order_by(Offer.id)
    ).all()
    first, second = pending[0], pending[1]
    one = TestClient(app_factory())
    sign_in_citizen(one, db.get(Person, first.person_id), codes)  # type: ignore[arg-type]
    mine = one.get("/citizen/offers?lang=en")
    assert mine.status_code == 200 and "Accept this dwelling" in mine.text
    assert f"/citizen/offers/{second.id}/accept" not in mine.text  # only one's own offers
    token = csrf_from(mine.text)
    assert one.post(f"/citizen/offers/{second.id}/accept", data={"csrf_token": token}).status_code == 404
    accepted = one.post(
        f"/citizen/offers/{first.id}/accept", data={"csrf_token": token}, follow_redirects=False
    )
    assert accepted.status_code == 303
    db.refresh(first)
    assert first.status == "accepted"
    assert db.get(Dwelling, first.dwelling_id).status == "allocated"  # type: ignore[union-attr]
    assert db.get(QueueEntry, first.entry_id).status == "housed"  # type: ignore[union-attr]
    again = one.post(f"/citizen/offers/{first.id}/accept?lang=en", data={"csrf_token": token})
    assert again.status_code == 409 and "already been answered" in again.text

    two = TestClient(app_factory())
    sign_in_citizen(two, db.get(Person, second.person_id), codes)  # type: ignore[arg-type]
    token = form_token(two, "/citizen/offers")
    no_reason = two.post(f"/citizen/offers/{second.id}/refuse?lang=en", data={"csrf_token": token})
    assert no_reason.status_code == 422 and "reason for refusing" in no_reason.text
    refused = two.post(
        f"/citizen/offers/{second.id}/refuse",
        data={"csrf_token": token, "reason": "health", "note": "3-қабат, лифт жоқ"},
        follow_redirects=False,
    )
    assert refused.status_code == 303
    db.refresh(second)
    assert second.status == "refused" and second.refusal_reason == "health" and second.refusal_reasonable
    cabinet = two.get("/citizen/offers?lang=en&answered=refused").text
    assert "Your refusal is recorded" in cabinet
    assert "In the last distribution your family's turn came" in cabinet  # in the citizen's words
    assert "never a promise" in cabinet  # the wait estimate beside the place

    public = TestClient(app_factory()).get("/public/allocation/journal?lang=en")
    assert public.status_code == 200
    assert re.search(r"The chain of \d+ records checks out", public.text)
    assert "P-77" in public.text and "Offer accepted" in public.text
    csv_file = TestClient(app_factory()).get("/public/allocation/journal.csv")
    assert csv_file.headers["content-disposition"].startswith("attachment")
    assert journal.verify_text(csv_file.text).ok
    lines = TestClient(app_factory()).get("/public/allocation/journal.jsonl").text
    assert journal.verify_text(lines).ok and journal.verify_text(lines.replace("P-77", "P-78")).ok is False


def test_pages_keep_to_the_jurisdiction(db: Session, client: TestClient):
    _world(db)
    add_list(db, "751110000")
    elsewhere = dwelling(db, kato="751110000")
    sign_in_official(client, "dist", PASSWORD)
    form = client.get("/official/allocation/batches/new")
    assert f'value="{elsewhere}"' not in form.text
    token = csrf_from(form.text)
    smuggled = client.post(
        "/official/allocation/batches/new?lang=en",
        data={"csrf_token": token, "title": "x", "regime": "national", "dwelling": [str(elsewhere)]},
    )
    assert smuggled.status_code == 422 and "of your jurisdiction" in smuggled.text
    assert db.get(Dwelling, elsewhere).status == "available"  # type: ignore[union-attr]
    assert client.get("/official/allocation?lang=en").status_code == 200


def test_override_needs_a_written_reason(db: Session, client: TestClient):
    from kezek.allocation import service
    from tests.allocation.builders import OFFICER

    _, dwellings = _world(db)
    batch = service.create_batch(
        db, actor=OFFICER, kato="351010000", regime="national", title="t", dwelling_ids=dwellings
    )
    run = service.create_run(db, actor=OFFICER, batch_id=batch.id)
    sign_in_official(client, "dist", PASSWORD)
    url = f"/official/allocation/runs/{run.id}"
    token = form_token(client, url)
    short = client.post(
        f"{url}/overrides?lang=en",
        data={"csrf_token": token, "override_dwelling": dwellings[0], "override_reason": "срочно"},
    )
    assert short.status_code == 422 and "at least 10 characters" in short.text
    done = client.post(
        f"{url}/overrides",
        data={
            "csrf_token": token,
            "override_dwelling": dwellings[0],
            "override_reason": "Үй апатты деп танылды, тексеру керек",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    assert "Үй апатты деп танылды" in client.get(url + "?lang=en").text
