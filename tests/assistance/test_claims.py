"""Claims through the service: consents (given, declined, window passed), clocks as dated
parameters, refusals with their legal reference, documents only where the data are silent, the
commission, and the next quarter's claim with the difference line by line."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.assistance import service
from kezek.errors import Conflict, Forbidden, ValidationFailed
from kezek.models.assistance import AssistanceConsent, AssistanceDocument
from kezek.models.integration import Consent
from kezek.models.notices import OutboxMessage
from tests.assistance.builders import CHAIR, EXECUTOR, PSC, bills, citizen, claim, commit, household, item

PDF = b"%PDF-1.4\n% a bill\n"


def water(quantity: str = "3") -> list[dict]:
    return [item("cold_water", "m3", quantity, 150), item("sewerage", "month", "1", 900)]


def test_every_adult_consents_before_the_clock_starts(s: Session, frozen) -> None:
    head, _child, spouse = household(s, adults=2, children=1, head_income=10_000_000)
    bills(head, water(), residents=3)
    c = claim(s, head, phone="+77011234567")
    assert c.number.startswith("HA-20261005-")
    assert c.status == "awaiting_consent" and c.due_on is None and c.complete_at is None
    assert (c.quarter_start, c.first_month, c.period_months) == (date(2026, 10, 1), date(2026, 10, 1), 3)
    rows = {r.person_id: r for r in service.consents_of(s, c.id)}
    assert set(rows) == {head.id, spouse.id}  # minors do not consent
    assert rows[head.id].answer == "given" and rows[spouse.id].answer == "pending"
    assert c.consent_until == date(2026, 10, 12)  # 5 working days (steps.yaml)
    sms = s.scalars(select(OutboxMessage).where(OutboxMessage.recipient == spouse.phone)).all()
    assert len(sms) == 1 and c.number in sms[0].body and spouse.iin not in sms[0].body
    pending = service.pending_consents_of(s, spouse.id)
    assert [claim_.id for _, claim_ in pending] == [c.id]
    with pytest.raises(Conflict):
        service.submit(
            s,
            actor=citizen(spouse),
            request=service.ClaimRequest(applicant_iin=spouse.iin, tenure="owned", language="kk"),
        )
    # two days later the spouse consents: the set is complete, the clock starts from there
    frozen.set(datetime(2026, 10, 7, 6, 0, tzinfo=UTC))
    c = service.answer_consent(s, claim_id=c.id, person_id=spouse.id, agree=True, actor=citizen(spouse))
    assert c.status == "fetching" and c.complete_at == frozen.now
    assert c.deadline_rule.startswith("deadlines.assistance_working_days@2025-12-02") and c.deadline_days == 6
    assert c.due_on == date(2026, 10, 15) and c.paused_days == 2
    consents = s.scalars(select(Consent).where(Consent.case_ref == c.number)).all()
    assert {x.person_id for x in consents} == {head.id, spouse.id}
    with pytest.raises(Conflict):
        service.answer_consent(s, claim_id=c.id, person_id=spouse.id, agree=True, actor=citizen(spouse))
    c = commit(s, c)
    assert c.status == "review" and c.iban and c.dwelling_area_dm2 == 6000


def test_a_declined_consent_ends_the_claim_with_the_reason(s: Session, frozen) -> None:
    head, spouse = household(s, adults=2, head_income=10_000_000)
    c = claim(s, head, phone="+77011234567")
    c = service.answer_consent(s, claim_id=c.id, person_id=spouse.id, agree=False, actor=citizen(spouse))
    assert c.status == "consent_declined" and c.end_reason == "consent_declined" and c.due_on is None
    ended = s.scalars(select(OutboxMessage).where(OutboxMessage.recipient == "+77011234567")).all()
    assert any("отказался" in m.body for m in ended)
    with pytest.raises(Conflict):
        service.answer_consent(s, claim_id=c.id, person_id=spouse.id, agree=True, actor=citizen(spouse))
    # the family may claim again in the same quarter
    again = claim(s, head)
    assert again.status == "awaiting_consent"


def test_the_consent_window_passes(s: Session, frozen) -> None:
    head, spouse = household(s, adults=2)
    c = claim(s, head)
    assert service.expire_consents(s, today=date(2026, 10, 12)) == 0  # the last day still counts
    frozen.set(datetime(2026, 10, 13, 5, 0, tzinfo=UTC))
    with pytest.raises(Conflict):
        service.answer_consent(s, claim_id=c.id, person_id=spouse.id, agree=True, actor=citizen(spouse))
    s.refresh(c)
    assert c.status == "consent_expired" and c.end_reason == "consent_expired"
    rows = {r.person_id: r.answer for r in service.consents_of(s, c.id)}
    assert rows == {head.id: "given", spouse.id: "expired"}


@pytest.mark.parametrize(
    ("moment", "days", "due", "rule_start"),
    [
        (datetime(2025, 11, 24, 5, 0, tzinfo=UTC), 8, date(2025, 12, 4), "2015-04-09"),
        (datetime(2025, 12, 2, 5, 0, tzinfo=UTC), 6, date(2025, 12, 10), "2025-12-02"),
        # received after working hours on Friday: counted from Monday
        (datetime(2026, 10, 9, 14, 0, tzinfo=UTC), 6, date(2026, 10, 20), "2025-12-02"),
    ],
)
def test_decision_deadline_is_the_dated_parameter_of_the_day(
    s: Session, frozen, moment: datetime, days: int, due: date, rule_start: str
) -> None:
    frozen.set(moment)
    head = household(s)[0]
    c = claim(s, head)
    assert c.status == "fetching"
    assert c.deadline_days == days and c.deadline_rule == f"deadlines.assistance_working_days@{rule_start}"
    assert c.due_on == due
    s.rollback()


def test_false_data_refusal_has_its_own_clock_and_needs_no_session(s: Session, frozen) -> None:
    head = household(s, head_income=10_000_000)[0]
    bills(head, water())
    c = commit(s, claim(s, head))
    assert service.false_data_due(s, c) == date(2026, 10, 12)
    with pytest.raises(Conflict):
        service.decide(s, claim_id=c.id, actor=EXECUTOR, outcome="refused", reason="nothing_due")
    with pytest.raises(ValidationFailed):
        service.decide(s, claim_id=c.id, actor=EXECUTOR, outcome="refused", reason=None)
    d = service.decide(
        s, claim_id=c.id, actor=EXECUTOR, outcome="refused", reason="false_data", note="forged bill"
    )
    assert d.outcome == "refused" and d.session_id is None and "item 9-4" in d.legal_reference
    assert d.months == 0 and d.total_tiyn == 0


@pytest.mark.parametrize(
    ("tenure", "extra", "reason"),
    [("private_rent", False, "private_rent"), ("owned", True, "more_than_one_dwelling")],
)
def test_refusals_the_rules_find_are_proposed_and_decided(
    s: Session, frozen, tenure: str, extra: bool, reason: str
) -> None:
    head = household(s, head_income=5_000_000, extra_dwelling=extra)[0]
    bills(head, water())
    c = commit(s, claim(s, head, tenure=tenure, language="kk"))
    assert (c.proposed_outcome, c.proposed_reason) == ("refused", reason)
    calc = service.current_calculation(s, c.id)
    assert calc is not None and reason in calc.refusal_reasons and calc.amount_month_tiyn == 0
    sitting = service.open_session(
        s, actor=CHAIR, kato=c.kato, held_on=date(2026, 10, 8), chair="Chair", members=[]
    )
    service.put_on_agenda(s, session_id=sitting.id, claim_ids=[c.id], actor=EXECUTOR)
    with pytest.raises(Conflict):  # nothing can be assigned when the amount is zero
        service.decide(s, claim_id=c.id, actor=CHAIR, outcome="assigned", session_id=sitting.id)
    d = service.decide(s, claim_id=c.id, actor=CHAIR, outcome="refused", reason=reason, session_id=sitting.id)
    assert d.reason_code == reason and not d.bulk
    assert c.status == "refused"


def test_rent_invoice_is_asked_only_because_the_data_cannot_show_it(s: Session, frozen) -> None:
    head = household(s, head_income=6_000_000, owned_area_dm2=None)[0]
    bills(head, water("3"), area_dm2=3500)
    c = commit(s, claim(s, head, tenure="state_rent"))
    assert c.status == "awaiting_documents" and c.due_on == date(2026, 10, 13)
    (doc,) = service.documents_of(s, c.id)
    assert (doc.kind, doc.reason) == ("rent_invoice", "rent_not_in_data")
    with pytest.raises(ValidationFailed):
        service.provide_document(
            s,
            claim_id=c.id,
            document_id=doc.id,
            actor=citizen(head),
            filename="x.exe",
            content=b"MZ..",
            amount_tiyn=1,
        )
    frozen.set(datetime(2026, 10, 7, 5, 0, tzinfo=UTC))  # two days later
    service.provide_document(
        s,
        claim_id=c.id,
        document_id=doc.id,
        actor=citizen(head),
        filename="rent.pdf",
        content=PDF,
        amount_tiyn=800_000,
    )
    assert c.status == "review"
    # the clock stood still over the close of Tuesday (a pause counts at the close of each working day)
    assert c.due_on == date(2026, 10, 14)
    lines = {x.service: x for x in service.cost_lines(s, service.current_calculation(s, c.id).id)}
    assert lines["rent"].actual_tiyn == 800_000 and lines["rent"].source == f"document:{doc.id}"
    assert lines["rent"].rule == "as_billed"
    stored = s.get(AssistanceDocument, doc.id)
    assert stored is not None and stored.sha256 and stored.content == PDF


def test_psc_operator_claims_for_a_citizen(s: Session, frozen) -> None:
    head = household(s)[0]
    with pytest.raises(Forbidden):
        claim(s, head, channel="psc")
    c = claim(s, head, channel="psc", actor=PSC)
    assert c.submitted_by_kind == "official" and c.channel == "psc"
    (row,) = s.scalars(select(AssistanceConsent).where(AssistanceConsent.claim_id == c.id)).all()
    assert row.answered_via == "psc"
    with pytest.raises(ValidationFailed):
        claim(s, household(s)[0], tenure="castle")


def test_next_quarter_one_action_fresh_data_and_the_difference(s: Session, frozen) -> None:
    head = household(s, head_income=5_000_000)[0]
    bills(head, [item("cold_water", "m3", "3", 150), item("sewerage", "month", "1", 9000)])
    c = commit(s, claim(s, head))
    sitting = service.open_session(
        s, actor=CHAIR, kato=c.kato, held_on=date(2026, 10, 8), chair="Chair", members=[]
    )
    service.put_on_agenda(s, session_id=sitting.id, claim_ids=[c.id], actor=EXECUTOR)
    service.approve_bulk(s, session_id=sitting.id, claim_ids=[c.id], actor=CHAIR)
    s.commit()
    with pytest.raises(Conflict):
        service.reapply(s, previous_claim_id=c.id, actor=citizen(head))
    # January: the bills went up; the family re-applies with one action
    frozen.set(datetime(2027, 1, 11, 5, 0, tzinfo=UTC))
    bills(
        head,
        [item("cold_water", "m3", "5", 160), item("sewerage", "month", "1", 9500)],
        month=date(2026, 12, 1),
    )
    nxt = service.reapply(s, previous_claim_id=c.id, actor=citizen(head))
    assert nxt.previous_claim_id == c.id and nxt.quarter_start == date(2027, 1, 1) and nxt.tenure == c.tenure
    nxt = commit(s, nxt)
    assert nxt.status == "review" and nxt.fetch_ref != c.fetch_ref
    diff = service.difference(s, nxt)
    assert diff is not None and diff.previous_number == c.number
    by = {x.service: x for x in diff.lines}
    assert by["cold_water"].before_actual == 45_000 and by["cold_water"].after_actual == 80_000
    # 5 m3 exceed the norm for one person (4 m3): only 4 x 160 = 640 tenge count
    assert by["cold_water"].after_within == 64_000 and by["cold_water"].change == 64_000 - 45_000
    assert by["sewerage"].change == 50_000
    before, after = diff.totals["amount_month_tiyn"]
    assert after - before == 19_000 + 50_000
