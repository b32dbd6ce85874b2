"""The case from submission to notice: automatic decisions, review, signature, refusals."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.applications import service
from kezek.errors import Conflict, Forbidden, ValidationFailed
from kezek.models.applications import ApplicationStep
from kezek.models.notices import Notice, OutboxMessage
from kezek.models.queue import QueueEntry
from tests.applications.builders import EXECUTOR, HEAD, PSC, applicant, submit


def notices(db: Session, application_id: int) -> list[Notice]:
    return list(db.scalars(select(Notice).where(Notice.application_id == application_id).order_by(Notice.id)))


def test_portal_application_gets_a_receipt_and_is_registered_automatically(db: Session, frozen) -> None:
    person = applicant(db)
    app = submit(db, person, phone="+77011234567")
    assert app.number.startswith("20261102-")
    assert app.regime == "national" and app.deadline_rule == "order_130_1_working_day"
    assert app.counted_from == date(2026, 11, 2) and app.due_on == date(2026, 11, 3)
    assert app.status == "fetching"
    receipt = notices(db, app.id)[0]
    assert receipt.kind == "receipt" and receipt.payload["due_on"] == "2026-11-03"
    assert receipt.payload["application_number"] == app.number
    service.process(db, application_id=app.id)
    assert app.status == "registered" and app.outcome == "registered" and app.decided_by == "system"
    entry = db.get(QueueEntry, app.queue_entry_id)
    assert entry is not None and entry.position == 1 and entry.registered_at == app.complete_at
    result = notices(db, app.id)[-1]
    assert result.kind == "registration" and result.payload["position"] == 1
    sms = db.scalars(select(OutboxMessage).where(OutboxMessage.notice_id == result.id)).one()
    assert person.iin not in sms.body and person.surname not in sms.body
    # processing again changes nothing (jobs are retried)
    service.process(db, application_id=app.id)
    assert len(notices(db, app.id)) == 2


def test_clear_refusal_names_reasons_references_data_and_appeal(db: Session, frozen) -> None:
    person = applicant(db, owned_since=date(2015, 3, 1), sold_on=date(2022, 3, 1))
    app = submit(db, person, language="kk")
    service.process(db, application_id=app.id)
    assert app.status == "refused" and app.reason_codes == ["owned_housing_within_5_years"]
    refusal = notices(db, app.id)[-1]
    assert refusal.kind == "refusal" and refusal.language == "kk"
    reason = refusal.payload["reasons"][0]
    assert reason["code"] == "owned_housing_within_5_years" and reason["reference"]
    assert reason["evidence"] and reason["evidence"][0]["system"] == "property"
    assert refusal.appeal_until == date(2027, 2, 2)
    assert db.scalar(select(QueueEntry).where(QueueEntry.person_id == person.id)) is None


def test_case_needing_review_goes_executor_then_head_with_step_clocks(db: Session, frozen) -> None:
    person = applicant(db, owned_since=date(2010, 1, 1), emergency=True)
    app = submit(db, person, emergency_dwelling=True)
    assert app.deadline_rule == "order_130_3_working_days_emergency" and app.due_on == date(2026, 11, 5)
    service.process(db, application_id=app.id)
    assert app.status == "review" and "emergency_dwelling_to_confirm" in app.review_reasons
    with pytest.raises(Conflict):
        service.sign(db, application_id=app.id, actor=HEAD)
    service.propose(db, application_id=app.id, actor=EXECUTOR, outcome="registered")
    assert app.status == "signing"
    service.sign(db, application_id=app.id, actor=HEAD)
    assert app.status == "registered" and app.decided_by == "official:head1"
    steps = db.scalars(
        select(ApplicationStep).where(ApplicationStep.application_id == app.id).order_by(ApplicationStep.id)
    ).all()
    assert [(s.step, s.result) for s in steps] == [
        ("intake", "registered"),
        ("fetch", "fetched"),
        ("executor", "proposed_registered"),
        ("head", "signed"),
    ]
    assert all(s.due_on <= app.due_on and s.finished_at is not None for s in steps)


def test_head_can_send_a_draft_back_and_a_refusal_needs_reasons(db: Session, frozen) -> None:
    person = applicant(db, emergency=True, owned_since=date(2010, 1, 1))
    app = submit(db, person, emergency_dwelling=True)
    service.process(db, application_id=app.id)
    with pytest.raises(ValidationFailed):
        service.propose(db, application_id=app.id, actor=EXECUTOR, outcome="refused")
    service.propose(
        db,
        application_id=app.id,
        actor=EXECUTOR,
        outcome="refused",
        reason_codes=["emergency_dwelling_elsewhere"],
        note="the dwelling is in another village",
    )
    with pytest.raises(ValidationFailed):
        service.send_back(db, application_id=app.id, actor=HEAD, note="  ")
    service.send_back(db, application_id=app.id, actor=HEAD, note="check the register again")
    assert app.status == "review"
    service.propose(
        db,
        application_id=app.id,
        actor=EXECUTOR,
        outcome="refused",
        reason_codes=["emergency_dwelling_elsewhere"],
        note="confirmed by the akimat inspection",
    )
    service.sign(db, application_id=app.id, actor=HEAD)
    refusal = notices(db, app.id)[-1]
    assert refusal.kind == "refusal"
    assert refusal.payload["reasons"][0]["evidence"][0]["fact"] == "confirmed by the akimat inspection"


def test_psc_operator_registers_then_forwards(db: Session, frozen) -> None:
    person = applicant(db)
    with pytest.raises(Forbidden):
        submit(db, person, channel="psc")
    app = submit(db, person, channel="psc", actor=PSC)
    assert app.status == "received" and app.step == "intake"
    service.forward(db, application_id=app.id, actor=PSC)
    assert app.status == "fetching"
    service.process(db, application_id=app.id)
    assert app.status == "registered"


def test_representative_needs_a_power_of_attorney(db: Session, frozen) -> None:
    person = applicant(db)
    agent = applicant(db)
    with pytest.raises(ValidationFailed) as err:
        submit(db, person, channel="representative", representative_person_id=agent.id)
    assert err.value.code == "power_required"
    app = submit(
        db,
        person,
        channel="representative",
        representative_person_id=agent.id,
        power_of_attorney="No. 123 of 01.10.2026",
        actor=service.Actor("citizen", str(agent.id)),
    )
    assert app.representative_person_id == agent.id and app.power_of_attorney == "No. 123 of 01.10.2026"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"language": "de"}, "bad_language"),
        ({"kato": "12"}, "bad_kato"),
        ({"applicant_iin": "12345"}, "bad_iin"),
        ({"applicant_iin": "900101301233"}, "unknown_iin"),
        ({"phone": "8701"}, "bad_phone"),
        ({"consent": False}, "consent_required"),
    ],
)
def test_user_mistakes_are_named(db: Session, frozen, fields: dict, code: str) -> None:
    person = applicant(db)
    with pytest.raises(ValidationFailed) as err:
        submit(db, person, **fields)
    assert err.value.code == code and err.value.status == 422


def test_one_open_case_and_one_registration_per_person(db: Session, frozen) -> None:
    person = applicant(db)
    app = submit(db, person)
    with pytest.raises(Conflict) as err:
        submit(db, person)
    assert err.value.code == "application_open"
    service.process(db, application_id=app.id)
    with pytest.raises(Conflict) as err:
        submit(db, person)
    assert err.value.code == "already_registered"


def test_received_after_hours_counts_from_next_working_day(db: Session, frozen) -> None:
    frozen.set(datetime(2026, 11, 6, 14, 0, tzinfo=UTC))  # Friday 19:00 in Almaty
    app = submit(db, applicant(db))
    assert app.counted_from == date(2026, 11, 9) and app.due_on == date(2026, 11, 10)


@pytest.mark.parametrize(
    ("received", "rule", "due"),
    [
        (datetime(2013, 3, 4, 5, 0, tzinfo=UTC), "regulation_2013_30_calendar_days", date(2013, 4, 3)),
        (datetime(2024, 3, 19, 5, 0, tzinfo=UTC), "order_168_15_working_days", date(2024, 4, 12)),
        # Kurban ait, 6 June 2025, is a day off
        (datetime(2025, 5, 23, 5, 0, tzinfo=UTC), "order_168_15_working_days", date(2025, 6, 16)),
        (datetime(2025, 5, 26, 5, 0, tzinfo=UTC), "order_130_1_working_day", date(2025, 5, 27)),
    ],
)
def test_deadline_of_the_regime_in_force(
    db: Session, frozen, received: datetime, rule: str, due: date
) -> None:
    frozen.set(received)
    app = submit(db, applicant(db))
    assert (app.deadline_rule, app.due_on) == (rule, due)
    assert app.regime == ("national" if received.date() >= date(2025, 5, 24) else "akimat")
