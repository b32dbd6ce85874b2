"""Pauses, overdue cases, the inbox ordered by deadline, the supervisor's overdue view, uploads."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from kezek.applications import repository, service
from kezek.errors import Conflict, ValidationFailed
from kezek.models.registry import Person
from tests.applications.builders import EXECUTOR, applicant, citizen, submit
from tests.queue.builders import ALMATY
from tests.reference import case_file

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 20


def to_review(s: Session, **kwargs: object) -> service.Application:  # type: ignore[name-defined]
    """A case in the executor's review: a priority category claimed that the state data do not show."""
    person = applicant(s, statuses=(), **kwargs)  # type: ignore[arg-type]
    app = submit(s, person, claimed_categories=["large_families"])
    s.commit()
    s.refresh(app)
    assert app.status == "review" and "proof_of_large_families" in app.review_reasons
    return app


def test_request_pauses_the_clock_and_the_answer_resumes_it_later(s: Session, frozen) -> None:
    app = to_review(s)
    assert app.due_on == date(2026, 11, 3)
    pause = service.request_document(
        s,
        application_id=app.id,
        actor=EXECUTOR,
        reason_code="document_missing",
        document_kind="large_family_certificate",
        text="Certificate of a large family",
    )
    assert app.status == "awaiting_applicant" and pause.answer_due_on == date(2026, 11, 16)
    # while paused the case is neither overdue nor due soon
    frozen.set(datetime(2026, 11, 5, 6, 0, tzinfo=UTC))  # Thursday
    row = repository.inbox(s, roles=["executor"], scopes=[""], today=date(2026, 11, 5))[0]
    assert row.paused and not row.overdue and not row.due_soon
    assert repository.overdue(s, scopes=[""], today=date(2026, 11, 5)) == []
    person_actor = citizen(s.get(Person, app.applicant_person_id))
    doc = service.attach_document(
        s,
        application_id=app.id,
        actor=person_actor,
        kind="large_family_certificate",
        filename="certificate.pdf",
        content=PDF,
    )
    assert len(doc.sha256) == 64 and doc.content_type == "application/pdf" and doc.pause_id == pause.id
    # asked on Monday 2 Nov, answered on Thursday 5 Nov at 11:00: the clock stood still at the close
    # of Tuesday and Wednesday (2 working days lost), so the 1 working day is Thursday 5 Nov
    assert pause.paused_days == 2 and app.paused_days == 2
    assert app.due_on == date(2026, 11, 5) and app.status == "review"
    assert app.complete_at == frozen.now  # the application is complete only now (Art. 74 p.1)


def test_overdue_case_shows_for_the_supervisor_in_scope_only(s: Session, frozen) -> None:
    late = to_review(s)
    other = to_review(s, kato=ALMATY)
    frozen.set(datetime(2026, 11, 4, 6, 0, tzinfo=UTC))
    today = date(2026, 11, 4)
    rows = repository.overdue(s, scopes=["35"], today=today)
    assert [r.application.id for r in rows] == [late.id]
    assert rows[0].overdue and rows[0].step_overdue
    assert {r.application.id for r in repository.overdue(s, scopes=[""], today=today)} == {late.id, other.id}
    assert repository.overdue(s, scopes=["71"], today=today) == []


def test_inbox_is_ordered_by_deadline_with_due_soon(s: Session, frozen) -> None:
    first = to_review(s)
    frozen.set(datetime(2026, 11, 3, 5, 0, tzinfo=UTC))
    second = to_review(s)
    rows = repository.inbox(s, roles=["executor"], scopes=[""], today=date(2026, 11, 3))
    assert [r.application.id for r in rows] == [first.id, second.id]
    assert rows[0].due_soon and not rows[0].overdue  # due today
    assert rows[1].due_soon  # due tomorrow (next working day)
    assert repository.inbox(s, roles=["head"], scopes=[""], today=date(2026, 11, 3)) == []
    assert repository.inbox(s, roles=["commission_member"], scopes=[""], today=date(2026, 11, 3)) == []


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("scan.pdf", b"MZ\x90\x00" + b"\x00" * 100, "file_type_not_allowed"),
        ("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, "file_type_not_allowed"),
        ("photo.pdf", PNG, "file_extension_mismatch"),
        ("empty.pdf", b"", "file_empty"),
        ("huge.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"%%EOF", "file_too_large"),
        ("page.html", b"<html><body>%PDF-</body></html>", "file_type_not_allowed"),
    ],
)
def test_uploads_are_checked_by_content(s: Session, frozen, name: str, content: bytes, code: str) -> None:
    app = to_review(s)
    with pytest.raises(ValidationFailed) as err:
        service.attach_document(
            s, application_id=app.id, actor=EXECUTOR, kind="other", filename=name, content=content
        )
    assert err.value.code == code


def test_png_is_accepted_and_closed_cases_take_no_documents(s: Session, frozen) -> None:
    app = to_review(s)
    doc = service.attach_document(
        s, application_id=app.id, actor=EXECUTOR, kind="photo", filename="../../x.png", content=PNG
    )
    assert doc.filename == "x.png" and doc.content_type == "image/png"
    service.withdraw(s, application_id=app.id, actor=EXECUTOR)
    with pytest.raises(Conflict):
        service.attach_document(
            s, application_id=app.id, actor=EXECUTOR, kind="photo", filename="x.png", content=PNG
        )


def test_resume_without_pause_and_bad_request_reason_are_refused(s: Session, frozen) -> None:
    app = to_review(s)
    with pytest.raises(Conflict):
        service.resume(s, application_id=app.id, actor=EXECUTOR)
    with pytest.raises(ValidationFailed):
        service.request_document(
            s, application_id=app.id, actor=EXECUTOR, reason_code="whim", document_kind="x", text="y"
        )


def test_shared_working_day_cases_hold_for_case_deadlines(s: Session) -> None:
    """../shared/cases/working_days.yaml through the case's own deadline path (receipt in hours)."""
    import yaml

    from kezek.applications import deadlines

    cases = yaml.safe_load(case_file("working_days.yaml").read_text())
    assert len(cases) == 5
    for case in cases:
        received = datetime.combine(case["received"], datetime.min.time(), tzinfo=UTC).replace(hour=5)
        due, lost = deadlines.with_pauses(
            s, received_at=received, days=case["working_days"], unit="working", pauses=[]
        )
        assert (due, lost) == (case["expect"], 0), case["note"]
