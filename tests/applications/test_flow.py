"""The case from submission to notice over the real state-data path (sandbox on loopback):
automatic decisions, review, signature, refusals, a state-data outage."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.applications import service
from kezek.errors import Conflict, Forbidden, ValidationFailed
from kezek.integration.service import perform_fetch
from kezek.models.applications import Application, ApplicationStep
from kezek.models.notices import Notice, OutboxMessage
from kezek.models.queue import QueueEntry
from kezek.sandbox.server import SandboxAdmin
from tests.applications.builders import EXECUTOR, HEAD, PSC, applicant, submit


def notices(s: Session, application_id: int) -> list[Notice]:
    return list(s.scalars(select(Notice).where(Notice.application_id == application_id).order_by(Notice.id)))


def commit(s: Session, app: Application) -> Application:
    """Commit: the fetch job and the case's job run at once (huey immediate mode in tests)."""
    s.commit()
    s.refresh(app)
    return app


def test_portal_application_gets_a_receipt_and_is_registered_automatically(s: Session, frozen) -> None:
    person = applicant(s, phone="+77011234567")
    app = submit(s, person, phone="+77011234567")
    assert app.number.startswith("20261102-")
    assert app.regime == "national" and app.deadline_rule.startswith("deadlines.queue_working_days")
    assert (app.deadline_days, app.deadline_unit) == (1, "working")
    assert app.counted_from == date(2026, 11, 2) and app.due_on == date(2026, 11, 3)
    assert app.status == "fetching" and app.fetch_ref
    receipt = notices(s, app.id)[0]
    assert receipt.kind == "receipt" and receipt.payload["due_on"] == "2026-11-03"
    assert receipt.payload["application_number"] == app.number
    commit(s, app)
    assert app.status == "registered" and app.outcome == "registered" and app.decided_by == "system"
    assert {src["system"] for src in app.state_data["sources"]} >= {"persons", "property", "address"}
    assert app.assessment["trace"]["outcome"] == "registered"
    assert "Решение" in app.assessment["explanation"]["ru"]
    entry = s.get(QueueEntry, app.queue_entry_id)
    assert entry is not None and entry.position == 1 and entry.registered_at == app.complete_at
    assert entry.phone == "+77011234567" and entry.phone_verified_at is not None
    result = notices(s, app.id)[-1]
    assert result.kind == "registration" and result.payload["position"] == 1
    sms = s.scalars(select(OutboxMessage).where(OutboxMessage.notice_id == result.id)).one()
    assert person.iin not in sms.body and person.surname not in sms.body
    # processing again changes nothing (jobs are retried)
    service.process(s, application_id=app.id)
    s.commit()
    assert len(notices(s, app.id)) == 2


def test_clear_refusal_names_reasons_references_data_and_appeal(s: Session, frozen) -> None:
    person = applicant(s, owned_since=date(2015, 3, 1), sold_on=date(2022, 3, 1))
    app = commit(s, submit(s, person, language="kk"))
    assert app.status == "refused" and app.reason_codes == ["owned_housing_within_5_years"]
    refusal = notices(s, app.id)[-1]
    assert refusal.kind == "refusal" and refusal.language == "kk"
    reason = refusal.payload["reasons"][0]
    assert reason["code"] == "owned_housing_within_5_years"
    assert "№ 130" in reason["reference"]["kk"] and "Order No. 130" in reason["reference"]["en"]
    evidence = reason["evidence"][0]
    assert (
        evidence["system"] == "property"
        and evidence["date"] == "2026-11-02"
        and len(evidence["sha256"]) == 64
    )
    assert any("2022-03-01" in fact["ru"] for fact in evidence["facts"])
    assert refusal.appeal_until == date(2027, 2, 2)
    assert s.scalar(select(QueueEntry).where(QueueEntry.person_id == person.id)) is None


def test_state_data_outage_leaves_the_case_waiting_then_it_is_decided(
    s: Session, frozen, sandbox: SandboxAdmin
) -> None:
    sandbox.set_fault("property", outage=True)
    app = commit(s, submit(s, applicant(s)))
    assert app.status == "fetching" and app.outcome is None
    assert "property" in (app.fetch_error or "")
    service.process(s, application_id=app.id)  # a retry while still down: still waiting, no decision
    s.commit()
    s.refresh(app)
    assert app.status == "fetching"
    sandbox.clear("property")
    assert perform_fetch(s.get_bind(), int(app.fetch_ref)) == "complete"  # type: ignore[arg-type]
    service.process(s, application_id=app.id)
    commit(s, app)
    assert app.status == "registered" and app.fetch_error is None


def test_case_needing_review_goes_executor_then_head_with_step_clocks(s: Session, frozen) -> None:
    person = applicant(s, owned_since=date(2010, 1, 1), emergency=True)
    app = submit(s, person, emergency_dwelling=True)
    assert app.deadline_days == 3 and app.due_on == date(2026, 11, 5)
    commit(s, app)
    assert app.status == "review" and "emergency_dwelling_to_confirm" in app.review_reasons
    assert app.proposed_outcome == "registered"
    with pytest.raises(Conflict):
        service.sign(s, application_id=app.id, actor=HEAD)
    service.propose(s, application_id=app.id, actor=EXECUTOR, outcome="registered")
    assert app.status == "signing"
    service.sign(s, application_id=app.id, actor=HEAD)
    assert app.status == "registered" and app.decided_by == "official:head1"
    steps = s.scalars(
        select(ApplicationStep).where(ApplicationStep.application_id == app.id).order_by(ApplicationStep.id)
    ).all()
    assert [(st.step, st.result) for st in steps] == [
        ("intake", "registered"),
        ("fetch", "fetched"),
        ("executor", "proposed_registered"),
        ("head", "signed"),
    ]
    assert all(st.due_on <= app.due_on and st.finished_at is not None for st in steps)


def test_head_can_send_a_draft_back_and_a_refusal_needs_reasons(s: Session, frozen) -> None:
    app = commit(
        s, submit(s, applicant(s, emergency=True, owned_since=date(2010, 1, 1)), emergency_dwelling=True)
    )
    with pytest.raises(ValidationFailed):
        service.propose(s, application_id=app.id, actor=EXECUTOR, outcome="refused")
    service.propose(
        s,
        application_id=app.id,
        actor=EXECUTOR,
        outcome="refused",
        reason_codes=["emergency_dwelling_elsewhere"],
        note="the dwelling is in another village",
    )
    with pytest.raises(ValidationFailed):
        service.send_back(s, application_id=app.id, actor=HEAD, note="  ")
    service.send_back(s, application_id=app.id, actor=HEAD, note="check the register again")
    assert app.status == "review"
    service.propose(
        s,
        application_id=app.id,
        actor=EXECUTOR,
        outcome="refused",
        reason_codes=["emergency_dwelling_elsewhere"],
        note="confirmed by the akimat inspection",
    )
    service.sign(s, application_id=app.id, actor=HEAD)
    refusal = notices(s, app.id)[-1]
    assert refusal.kind == "refusal"
    evidence = refusal.payload["reasons"][0]["evidence"]
    assert any(ev["system"] == "property" for ev in evidence)


def test_psc_operator_registers_then_forwards(s: Session, frozen) -> None:
    person = applicant(s)
    with pytest.raises(Forbidden):
        submit(s, person, channel="psc")
    app = commit(s, submit(s, person, channel="psc", actor=PSC))
    assert app.status == "received" and app.step == "intake"
    service.forward(s, application_id=app.id, actor=PSC)
    commit(s, app)
    assert app.status == "registered"


def test_representative_needs_a_power_of_attorney(s: Session, frozen) -> None:
    person = applicant(s)
    agent = applicant(s)
    with pytest.raises(ValidationFailed) as err:
        submit(s, person, channel="representative", representative_person_id=agent.id)
    assert err.value.code == "power_required"
    app = submit(
        s,
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
def test_user_mistakes_are_named(s: Session, frozen, fields: dict, code: str) -> None:
    person = applicant(s)
    with pytest.raises(ValidationFailed) as err:
        submit(s, person, **fields)
    assert err.value.code == code and err.value.status == 422


def test_one_open_case_and_one_registration_per_person(s: Session, frozen) -> None:
    person = applicant(s)
    app = submit(s, person)
    with pytest.raises(Conflict) as err:
        submit(s, person)
    assert err.value.code == "application_open"
    commit(s, app)
    with pytest.raises(Conflict) as err:
        submit(s, person)
    assert err.value.code == "already_registered"


def test_received_after_hours_counts_from_next_working_day(s: Session, frozen) -> None:
    frozen.set(datetime(2026, 11, 6, 14, 0, tzinfo=UTC))  # Friday 19:00 in Almaty
    app = submit(s, applicant(s))
    assert app.counted_from == date(2026, 11, 9) and app.due_on == date(2026, 11, 10)


@pytest.mark.parametrize(
    ("received", "days", "unit", "due"),
    [
        (datetime(2013, 3, 4, 5, 0, tzinfo=UTC), 30, "calendar", date(2013, 4, 3)),
        (datetime(2024, 3, 19, 5, 0, tzinfo=UTC), 15, "working", date(2024, 4, 12)),
        # Kurban ait, 6 June 2025, is a day off
        (datetime(2025, 5, 23, 5, 0, tzinfo=UTC), 15, "working", date(2025, 6, 16)),
        (datetime(2025, 5, 26, 5, 0, tzinfo=UTC), 1, "working", date(2025, 5, 27)),
    ],
)
def test_deadline_of_the_regime_in_force(
    s: Session, frozen, received: datetime, days: int, unit: str, due: date
) -> None:
    frozen.set(received)
    app = submit(s, applicant(s))
    assert (app.deadline_days, app.deadline_unit, app.due_on) == (days, unit, due)
    assert app.regime == ("national" if received.date() >= date(2025, 5, 24) else "akimat")
