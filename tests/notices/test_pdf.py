"""Notices rendered as PDF in kk/ru/en with the Kazakh letters intact, and the outbox on files."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.applications import service
from kezek.models.notices import Notice, OutboxMessage
from kezek.notices import pdf
from kezek.notices.document import build
from kezek.notices.outbox import deliver_pending
from tests.applications.builders import applicant, submit


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def decided(db: Session, **kwargs: object) -> Notice:
    person = applicant(db, **kwargs)  # type: ignore[arg-type]
    app = submit(db, person, language="kk", phone="+77017654321", email="a@example.kz")
    service.process(db, application_id=app.id)
    return db.scalars(
        select(Notice).where(Notice.application_id == app.id).order_by(Notice.id.desc())
    ).first()


def test_registration_pdf_in_kazakh_has_kazakh_letters_and_the_number(db: Session, frozen) -> None:
    notice = decided(db)
    assert notice.kind == "registration"
    data = pdf.render(notice)
    assert data.startswith(b"%PDF-")
    text = text_of(data)
    assert "Тұрғын үйге мұқтаж ретінде есепке қою туралы хабарлама" in text
    for letter in "әғқңөұүі":
        assert letter in text.lower(), letter
    assert notice.number in text and "Кезектегі реттік нөмірі" in text
    assert notice.payload["applicant"]["iin"] in text


@pytest.mark.parametrize(
    ("lang", "phrase"),
    [("ru", "Причины отказа"), ("en", "Reasons for the refusal"), ("kk", "Бас тарту себептері")],
)
def test_refusal_pdf_in_each_language_lists_reasons_data_and_appeal(
    db: Session, frozen, lang: str, phrase: str
) -> None:
    notice = decided(db, owned_since=date(2016, 1, 1), sold_on=date(2023, 1, 1))
    assert notice.kind == "refusal"
    text = text_of(pdf.render(notice, lang))
    assert phrase in text and "owned_housing_within_5_years" in text
    assert notice.appeal_until is not None and notice.appeal_until.strftime("%d.%m.%Y") in text
    doc = build(notice, lang)
    assert any(s.items for s in doc.sections)


def test_pdf_is_deterministic(db: Session, frozen) -> None:
    notice = decided(db)
    assert pdf.render(notice, "ru") == pdf.render(notice, "ru")
    assert pdf.render(notice, "ru") != pdf.render(notice, "kk")


def test_outbox_writes_files_and_logs_no_personal_data(
    db: Session, frozen, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notice = decided(db)
    sent = deliver_pending(db, outbox_dir=tmp_path)
    assert sent == 4  # receipt and registration, each by SMS and e-mail
    files = sorted(tmp_path.iterdir())
    assert [f.suffix for f in files] == [".txt"] * 4
    body = files[-1].read_text(encoding="utf-8")
    assert "+77017654321" in body or "a@example.kz" in body
    assert notice.payload["applicant"]["iin"] not in body
    logged = capsys.readouterr()
    assert "+77017654321" not in logged.err + logged.out and "a@example.kz" not in logged.err + logged.out
    assert deliver_pending(db, outbox_dir=tmp_path) == 0
    assert all(m.status == "sent" for m in db.scalars(select(OutboxMessage)))
