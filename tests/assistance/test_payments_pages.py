"""Payment, shadow and report pages over HTTP: scope and role checks, forms with errors (never a 500),
downloads, the registry sent and a bank response imported through the pages."""

from __future__ import annotations

import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.auth.service import create_official
from kezek.models.audit import AuditEvent
from kezek.models.payments import PaymentLine, PaymentRegistry
from tests.assistance.payments_builders import assigned_claim
from tests.web.fixtures import AppFactory, app_factory, csrf_from, sign_in_official

PASSWORD = "correct horse battery staple 42"
JAN = date(2026, 1, 1)
pytestmark = pytest.mark.usefixtures("db")
__all__ = ["app_factory"]  # the app on the test's transaction (tests/client/fixtures.py)


@pytest.fixture
def client(app_factory: AppFactory) -> TestClient:
    return TestClient(app_factory())


def official(db: Session, username: str, roles: tuple[str, ...], scopes: tuple[str, ...] = ("71",)) -> str:
    create_official(db, username=username, full_name=username, password=PASSWORD, roles=roles, scopes=scopes)
    db.flush()
    return username


def post(client: TestClient, page: str, action: str, data: dict[str, str], **kw: object):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(page).text)
    return client.post(action, data={**data, "csrf_token": token}, follow_redirects=False, **kw)  # type: ignore[arg-type]


def test_generate_send_download_and_import_a_response(client: TestClient, db: Session) -> None:
    a = assigned_claim(db, months=(JAN,), amount_month=1_234_500)
    b = assigned_claim(db, months=(JAN,), amount_month=800_000, bank="722")
    sign_in_official(client, official(db, "pay.exec", ("executor",)), PASSWORD)
    page = "/official/assistance/payments?month=2026-01"
    assert client.get(page).status_code == 200

    bad = post(client, page, "/official/assistance/payments/generate", {"month": "январь", "bank": "60"})
    assert bad.status_code == 422
    assert (
        'aria-invalid="true"' in bad.text and 'id="month-error"' in bad.text and 'id="bank-error"' in bad.text
    )

    done = post(client, page, "/official/assistance/payments/generate", {"month": "2026-01", "kato": "71"})
    assert done.status_code == 200, done.text
    regs = db.scalars(select(PaymentRegistry).order_by(PaymentRegistry.bank_code)).all()
    assert [r.number for r in regs] == ["HA202601-71-601-1", "HA202601-71-722-1"]
    assert "HA202601-71-601-1" in done.text and "12345.00" in done.text

    detail = f"/official/assistance/payments/registries/{regs[0].id}"
    shown = client.get(detail)
    assert shown.status_code == 200 and a.number in shown.text
    xml = client.get(f"{detail}/file.xml")
    assert xml.status_code == 200 and b"<CtrlSum>12345.00</CtrlSum>" in xml.content
    assert client.get(f"{detail}/file.xlsx").content[:2] == b"PK"
    assert client.get(f"{detail}/file.csv").content.decode("utf-8-sig").startswith("№;")
    assert client.get(f"{detail}/file.pdf").status_code == 422

    sent = post(client, detail, f"{detail}/send", {})
    assert sent.status_code == 303
    db.refresh(regs[0])
    assert regs[0].status == "sent" and regs[0].sha256
    again = post(client, detail, f"{detail}/send", {})
    assert again.status_code == 409

    refs = {ln.claim_id: ln.reference for ln in db.scalars(select(PaymentLine))}
    token = csrf_from(client.get(page).text)
    refused = client.post(
        "/official/assistance/payments/responses",
        data={"csrf_token": token},
        files={
            "file": ("answer.csv", f"reference;status\n{refs[b.id]};paid\nNOPE;lost\n".encode(), "text/csv")
        },
    )
    assert refused.status_code == 422
    assert "lost" in refused.text and re.search(r"Line 3|Строка 3|3-жол", refused.text)
    answer = f"reference;status;reason_code;reason\n{refs[a.id]};returned;AC04;closed\n".encode()
    token = csrf_from(client.get(page).text)
    imported = client.post(
        "/official/assistance/payments/responses",
        data={"csrf_token": token},
        files={"file": ("answer.csv", answer, "text/csv")},
    )
    assert imported.status_code == 200, imported.text
    line = db.scalar(select(PaymentLine).where(PaymentLine.claim_id == a.id))
    assert line is not None and line.status == "returned" and line.correction == "open"

    returns = client.get("/official/assistance/payments/returns")
    assert a.number in returns.text
    wrong = post(
        client,
        "/official/assistance/payments/returns",
        f"/official/assistance/payments/returns/{line.id}",
        {"iban": "KZ12"},
    )
    assert wrong.status_code == 422 and 'aria-invalid="true"' in wrong.text
    fixed = post(
        client,
        "/official/assistance/payments/returns",
        f"/official/assistance/payments/returns/{line.id}",
        {"iban": "KZ86 125K ZT50 0410 0100"},
    )
    assert fixed.status_code == 303
    actions = set(db.scalars(select(AuditEvent.action)))
    assert {"payment_registry.read", "payment_registry.sent", "payment_bank_response.imported"} <= actions


def test_other_jurisdiction_and_roles(client: TestClient, db: Session) -> None:
    assigned_claim(db, months=(JAN,))
    sign_in_official(client, official(db, "pay.exec2", ("executor",)), PASSWORD)
    post(
        client,
        "/official/assistance/payments",
        "/official/assistance/payments/generate",
        {"month": "2026-01"},
    )
    reg = db.scalars(select(PaymentRegistry)).one()
    other = TestClient(client.app)
    sign_in_official(other, official(db, "almaty.exec", ("executor",), ("75",)), PASSWORD)
    assert other.get(f"/official/assistance/payments/registries/{reg.id}").status_code == 403
    auditor = TestClient(client.app)
    sign_in_official(auditor, official(db, "aud", ("auditor",), ("",)), PASSWORD)
    assert auditor.get("/official/assistance/payments").status_code == 403
    assert auditor.get("/official/assistance/reports?year=2026").status_code == 200
    assert TestClient(client.app).get("/official/assistance/reports", follow_redirects=False).status_code in (
        303,
        401,
    )


def test_reports_shadow_and_budget(client: TestClient, db: Session) -> None:
    claim = assigned_claim(db, months=(JAN,), amount_month=500_000)
    sign_in_official(client, official(db, "dept.head", ("head",)), PASSWORD)
    page = client.get("/official/assistance/reports?year=2026")
    assert page.status_code == 200
    assert page.text.count("<svg") == 2 and "<table" in page.text
    bad = post(
        client,
        "/official/assistance/reports?year=2026",
        "/official/assistance/reports/budget",
        {"year": "2026", "kato": "71", "amount": "lots"},
    )
    assert bad.status_code == 422
    ok = post(
        client,
        "/official/assistance/reports?year=2026",
        "/official/assistance/reports/budget",
        {"year": "2026", "kato": "71", "amount": "1 000 000"},
    )
    assert ok.status_code == 303
    page = client.get("/official/assistance/reports?year=2026")
    assert page.text.count("<svg") == 3 and "1000000.00" in page.text
    csv_text = client.get("/official/assistance/reports/assistance-2026.csv").content.decode("utf-8-sig")
    assert "2026-01;1;5000.00" in csv_text

    token = csrf_from(client.get("/official/assistance/shadow").text)
    refused = client.post(
        "/official/assistance/shadow",
        data={"csrf_token": token},
        files={"file": ("s.csv", b"claim;amount\nX;abc\n", "text/csv")},
    )
    assert refused.status_code == 422 and "abc" in refused.text
    token = csrf_from(client.get("/official/assistance/shadow").text)
    compared = client.post(
        "/official/assistance/shadow",
        data={"csrf_token": token},
        files={"file": ("s.csv", f"claim;amount\n{claim.number};4999.00\n".encode(), "text/csv")},
        follow_redirects=True,
    )
    assert compared.status_code == 200 and claim.number in compared.text and "1.00" in compared.text
