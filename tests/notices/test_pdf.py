"""Notices rendered as PDF in kk/ru/en with the Kazakh letters intact, and the outbox on files."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.models.notices import Notice, OutboxMessage
from kezek.notices import pdf
from kezek.notices.document import build
from kezek.notices.outbox import deliver_pending
from kezek.settings import get_settings
from tests.applications.builders import applicant, submit


def text_of(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def decided(s: Session, **kwargs: object) -> Notice:
    person = applicant(s, **kwargs)  # type: ignore[arg-type]
    app = submit(s, person, language="kk", phone="+77017654321", email="a@example.kz")
    s.commit()
    notice = s.scalars(
        select(Notice).where(Notice.application_id == app.id).order_by(Notice.id.desc())
    ).first()
    assert notice is not None
    return notice


def test_registration_pdf_in_kazakh_has_kazakh_letters_and_the_number(s: Session, frozen) -> None:
    notice = decided(s)
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
    s: Session, frozen, lang: str, phrase: str
) -> None:
    notice = decided(s, owned_since=date(2016, 1, 1), sold_on=date(2023, 1, 1))
    assert notice.kind == "refusal"
    text = text_of(pdf.render(notice, lang))
    assert phrase in text and "owned_housing_within_5_years" in text
    assert notice.appeal_until is not None and notice.appeal_until.strftime("%d.%m.%Y") in text
    doc = build(notice, lang)
    assert any(s.items for s in doc.sections)


def test_pdf_is_deterministic(s: Session, frozen) -> None:
    notice = decided(s)
    assert pdf.render(notice, "ru") == pdf.render(notice, "ru")
    assert pdf.render(notice, "ru") != pdf.render(notice, "kk")


def test_outbox_writes_files_and_logs_no_personal_data(
    s: Session, frozen, capsys: pytest.CaptureFixture[str]
) -> None:
    notice = decided(s)
    # the delivery job ran after the commit that queued the messages
    outbox_dir = get_settings().outbox_dir
    files = sorted(outbox_dir.iterdir())
    assert [f.suffix for f in files] == [".txt"] * 4  # receipt and registration, by SMS and e-mail
    bodies = [f.read_text(encoding="utf-8") for f in files]
    assert any("+77017654321" in b for b in bodies) and any("a@example.kz" in b for b in bodies)
    assert all(notice.payload["applicant"]["iin"] not in b for b in bodies)
    logged = capsys.readouterr()
    for secret in ("+77017654321", "a@example.kz", notice.payload["applicant"]["iin"]):
        assert secret not in logged.err + logged.out
    assert deliver_pending(s, outbox_dir=outbox_dir) == 0  # nothing is sent twice
    assert all(m.status == "sent" and m.delivery_ref for m in s.scalars(select(OutboxMessage)))
