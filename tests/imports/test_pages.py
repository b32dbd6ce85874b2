"""The officials' import page: upload, guess the profile, dry run preview, run, report and downloads;
roles and jurisdiction checked; a user's mistake is a form error, never a 500."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kezek.imports import pages
from kezek.models.audit import AuditEvent
from kezek.models.imports import ImportBatch
from kezek.models.queue import QueueEntry
from tests.imports.builders import RU_HEADER, citizens, ru_rows, write_csv, wrong_check_digit
from tests.web.builders import ALMALY, AUEZOV, PASSWORD, add_jurisdictions, add_official
from tests.web.fixtures import csrf_from, sign_in_official


@pytest.fixture(autouse=True)
def uploads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setattr(pages, "UPLOAD_DIR", folder)
    return folder


def _official(db: Session, client: TestClient, roles: tuple[str, ...] = ("executor",)) -> str:
    add_jurisdictions(db)
    add_official(db, username="importer", roles=roles, scopes=("751110",))
    db.flush()
    sign_in_official(client, "importer", PASSWORD)
    page = client.get("/official/imports?lang=ru")
    assert page.status_code == 200
    return csrf_from(page.text)


def _file(tmp_path: Path) -> Path:
    people = citizens(6, seed=5)
    rows = ru_rows(people)
    rows[2][3] = wrong_check_digit(rows[2][3])
    rows.append(list(rows[0]))
    return write_csv(tmp_path / "список.csv", RU_HEADER, rows, encoding="utf-8-sig", delimiter=";")


def test_upload_preview_run_report(db: Session, client: TestClient, tmp_path: Path) -> None:
    token = _official(db, client)
    path = _file(tmp_path)
    preview = client.post(
        "/official/imports/preview?lang=ru",
        data={"csrf_token": token, "kind": "queue", "kato": ALMALY, "profile": ""},
        files={"file": (path.name, path.read_bytes(), "text/csv")},
    )
    assert preview.status_code == 200, preview.text
    assert "akimat-ru-basic" in preview.text
    assert "Контрольная цифра ИИН не совпадает" in preview.text  # the reason in the official's language
    assert db.scalar(select(func.count()).select_from(QueueEntry)) == 0  # a dry run
    assert db.scalar(select(func.count()).select_from(ImportBatch)) == 0
    form = {
        "csrf_token": token,
        "kind": "queue",
        "kato": ALMALY,
        "profile": "",
        "token": preview.text.split('name="token" value="')[1].split('"')[0],
        "name": path.name,
    }
    ran = client.post("/official/imports/run?lang=ru", data=form, follow_redirects=False)
    assert ran.status_code == 303, ran.text
    batch = db.scalars(select(ImportBatch)).one()
    assert (batch.landed, batch.rejected, batch.merged, batch.rows_total) == (5, 1, 1, 7)
    assert db.scalar(select(func.count()).select_from(QueueEntry)) == 5
    page = client.get(ran.headers["location"] + "?lang=kk")
    assert page.status_code == 200
    assert "ЖСН-нің бақылау цифры сәйкес келмейді" in page.text
    assert f'action="/official/imports/{batch.id}/reconcile"' in page.text
    assert db.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "import_batch.read")
    )

    report = client.get(f"/official/imports/{batch.id}/report.csv?lang=en")
    assert report.status_code == 200
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0][:6] == ["File", "Sheet", "Line", "Outcome", "Field", "Reason"]
    assert {(ln[2], ln[3]) for ln in lines[1:]} == {("4", "rejected"), ("8", "merged")}
    xlsx = client.get(f"/official/imports/{batch.id}/report.xlsx?lang=ru")
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content), read_only=True)
    assert [r[2] for r in book["Отчёт"].iter_rows(min_row=2, values_only=True)] == [4, 8]
    corrections = client.get(f"/official/imports/{batch.id}/corrections.csv")
    assert (
        len(corrections.content.decode("utf-8-sig").strip().splitlines()) == 2
    )  # header + the rejected line

    again = client.post("/official/imports/run", data=form, follow_redirects=False)
    assert again.headers["location"] == ran.headers["location"]  # the same file: nothing changes
    assert db.scalar(select(func.count()).select_from(QueueEntry)) == 5

    akimat = client.get(f"/official/imports/akimat/{ALMALY}?lang=en")
    assert akimat.status_code == 200 and "<svg" in akimat.text and "Lines rejected" in akimat.text
    table = client.get(f"/official/imports/akimat/{ALMALY}/report.csv?lang=en").content.decode("utf-8-sig")
    assert "Lines landed;;5" in table and "Lines rejected;;1" in table


def test_mistakes_are_form_errors(db: Session, client: TestClient, tmp_path: Path) -> None:
    token = _official(db, client)
    empty = client.post(
        "/official/imports/preview?lang=en", data={"csrf_token": token, "kind": "queue", "kato": ALMALY}
    )
    assert empty.status_code == 422 and "Choose a file to upload." in empty.text
    outside = client.post(
        "/official/imports/preview?lang=en",
        data={"csrf_token": token, "kind": "queue", "kato": AUEZOV},
        files={"file": ("a.csv", b"x;y\n1;2\n", "text/csv")},
    )
    assert outside.status_code == 422 and "outside your jurisdiction" in outside.text
    picture = client.post(
        "/official/imports/preview?lang=en",
        data={"csrf_token": token, "kind": "queue", "kato": ALMALY},
        files={"file": ("photo.png", b"\x89PNG....", "image/png")},
    )
    assert picture.status_code == 422 and "CSV, XLSX or ODS" in picture.text
    no_header = client.post(
        "/official/imports/preview?lang=en",
        data={"csrf_token": token, "kind": "queue", "kato": ALMALY},
        files={"file": ("a.csv", "один;два\nтри;четыре\n".encode(), "text/csv")},
    )
    assert no_header.status_code == 422 and "no header row" in no_header.text


def test_roles_and_jurisdiction(db: Session, client: TestClient) -> None:
    add_jurisdictions(db)
    add_official(db, username="auditor", roles=("auditor",), scopes=("751110",))
    db.flush()
    sign_in_official(client, "auditor", PASSWORD)
    assert client.get("/official/imports").status_code == 403
    assert client.get(f"/official/imports/akimat/{AUEZOV}").status_code == 403
