"""Payment registries on both engines: generation per bank, idempotence, sending (immutable),
bank responses, returned payments back to the case, overpayment proposals."""

from __future__ import annotations

from collections import Counter
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kezek.assistance import payments as pay
from kezek.assistance.payments_files import FileRejected
from kezek.errors import Conflict, OutOfScope, ValidationFailed
from kezek.models.assistance import AssistanceMonth
from kezek.models.audit import AuditEvent
from kezek.models.payments import OverpaymentProposal, PaymentLine, PaymentRegistry
from tests.assistance.payments_builders import ACTOR, assigned_claim, iban

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)
SCOPES = ["71"]


def gen(db: Session, month: date = JAN, **kw: object) -> pay.Generation:
    return pay.generate_registries(db, month=month, kato_prefix="71", actor=ACTOR, **kw)  # type: ignore[arg-type]


def lines_of(db: Session, registry_id: int) -> list[PaymentLine]:
    return list(db.scalars(select(PaymentLine).where(PaymentLine.registry_id == registry_id)))


def respond(db: Session, rows: list[tuple[str, str, str]]) -> pay.ResponseResult:
    body = "reference;status;reason_code;reason\n" + "".join(
        f"{r};{s};{c};{c and 'closed'}\n" for r, s, c in rows
    )
    return pay.import_bank_response(db, body.encode(), file_name="answer.csv", actor=ACTOR, scopes=SCOPES)


def test_one_registry_per_bank_with_months_due(db: Session) -> None:
    a = assigned_claim(db, bank="601", amount_month=1_500_000)
    b = assigned_claim(db, bank="722", amount_month=700_000, kato="711210000")
    assigned_claim(db, account=None)  # no account: skipped, named
    assigned_claim(db, account="KZ00601000000000000")  # bad IBAN: skipped, named
    assigned_claim(db, kato="751110000")  # another city: not in this jurisdiction
    result = gen(db, FEB)
    assert {(g.bank_code, g.action, g.lines, g.total_tiyn) for g in result.registries} == {
        ("601", "created", 2, 3_000_000),  # January (arrears) and February
        ("722", "created", 2, 1_400_000),
    }
    assert sorted(s.reason for s in result.skipped) == [
        "iban_invalid",
        "iban_invalid",
        "no_account",
        "no_account",
    ]
    reg = db.get(PaymentRegistry, result.registries[0].registry_id)
    assert reg is not None and reg.status == "draft"
    totals = pay.totals_by_bank_and_district(db, [g.registry_id for g in result.registries])
    assert totals == [("601", "711110000", 2, 3_000_000), ("722", "711210000", 2, 1_400_000)]
    assert {ln.claim_id for g in result.registries for ln in lines_of(db, g.registry_id)} == {a.id, b.id}


def test_regenerating_a_draft_is_idempotent(db: Session) -> None:
    assigned_claim(db)
    first = gen(db)
    refs = {ln.reference for ln in lines_of(db, first.registries[0].registry_id)}
    events = db.scalar(select(func.count()).select_from(AuditEvent))
    again = gen(db)
    assert [(g.registry_id, g.action, g.lines) for g in again.registries] == [
        (first.registries[0].registry_id, "unchanged", 1)
    ]
    assert {ln.reference for ln in lines_of(db, again.registries[0].registry_id)} == refs
    assert db.scalar(select(func.count()).select_from(AuditEvent)) == events
    assigned_claim(db)
    third = gen(db)
    assert [(g.action, g.lines) for g in third.registries] == [("rebuilt", 2)]
    assert db.scalar(select(func.count()).select_from(PaymentRegistry)) == 1


def test_sent_registry_is_frozen_and_never_paid_twice(db: Session) -> None:
    assigned_claim(db)
    first = gen(db)
    reg_id = first.registries[0].registry_id
    sha = pay.send_registry(db, reg_id, actor=ACTOR, scopes=SCOPES)
    reg = db.get(PaymentRegistry, reg_id)
    assert reg is not None and reg.status == "sent" and reg.sha256 == sha
    assert pay.verify_registry(db, reg)
    with pytest.raises(Conflict):
        pay.send_registry(db, reg_id, actor=ACTOR, scopes=SCOPES)
    # generating the same month again: nothing new to pay, the sent registry is untouched
    assert gen(db).registries == []
    assert pay.verify_registry(db, reg)
    # a new claim for the month goes into a supplementary registry, not the sent one
    assigned_claim(db)
    extra = gen(db)
    assert [(g.action, g.lines) for g in extra.registries] == [("supplementary", 1)]
    assert extra.registries[0].number.endswith("-2")
    # tampering with a sent line is detected
    line = lines_of(db, reg_id)[0]
    line.amount_tiyn += 1
    db.flush()
    assert not pay.verify_registry(db, reg)


def test_database_refuses_a_second_live_line_for_a_month(db: Session) -> None:
    assigned_claim(db, months=(JAN,))
    g = gen(db).registries[0]
    line = lines_of(db, g.registry_id)[0]
    dup = PaymentLine(
        **{
            c: getattr(line, c)
            for c in ("registry_id", "month_id", "claim_id", "claim_number", "person_id", "for_month", "kato")
        },
        iin=line.iin,
        name=line.name,
        iban=line.iban,
        amount_tiyn=line.amount_tiyn,
        reference="OTHER",
        status="draft",
    )
    nested = db.begin_nested()
    db.add(dup)
    with pytest.raises(IntegrityError):
        db.flush()
    nested.rollback()


def test_bank_response_paid_and_returned_back_to_the_case(db: Session) -> None:
    a = assigned_claim(db, months=(JAN,))
    b = assigned_claim(db, months=(JAN, FEB))
    g = gen(db).registries[0]
    pay.send_registry(db, g.registry_id, actor=ACTOR, scopes=SCOPES)
    by_claim = {ln.claim_id: ln for ln in lines_of(db, g.registry_id)}
    result = respond(
        db, [(by_claim[a.id].reference, "paid", ""), (by_claim[b.id].reference, "returned", "AC04")]
    )
    assert (result.paid, result.returned, result.unchanged) == (1, 1, 0)
    reg = db.get(PaymentRegistry, g.registry_id)
    assert reg is not None and reg.status == "closed"
    # the same file again changes nothing
    again = respond(
        db, [(by_claim[a.id].reference, "paid", ""), (by_claim[b.id].reference, "returned", "AC04")]
    )
    assert (again.paid, again.returned, again.unchanged) == (0, 0, 2)
    # the returned month waits for the case: not paid again until corrected
    returns = pay.open_returns(db, SCOPES, claim_id=b.id)
    assert [(r.for_month, r.return_code) for r in returns] == [(JAN, "AC04")]
    feb = gen(db, FEB)
    assert [ln.for_month for g2 in feb.registries for ln in lines_of(db, g2.registry_id)] == [FEB]
    with pytest.raises(ValidationFailed):
        pay.correct_return(db, returns[0].id, iban="KZ001", actor=ACTOR, scopes=SCOPES)
    with pytest.raises(OutOfScope):
        pay.correct_return(db, returns[0].id, iban=iban("722"), actor=ACTOR, scopes=["75"])
    new_account = iban("722")
    pay.correct_return(db, returns[0].id, iban=new_account, actor=ACTOR, scopes=SCOPES)
    assert pay.open_returns(db, SCOPES) == []
    months = db.scalars(select(AssistanceMonth).where(AssistanceMonth.claim_id == b.id)).all()
    assert {m.month: m.iban for m in months} == {JAN: new_account, FEB: new_account}
    # regenerating February: January is paid again (new account, new bank, second attempt)
    redo = gen(db, FEB)
    paid_again = [ln for g2 in redo.registries for ln in lines_of(db, g2.registry_id) if ln.for_month == JAN]
    assert [(ln.iban, ln.reference[-3:]) for ln in paid_again] == [(new_account, "A02")]
    # the February draft was rebuilt on the corrected account too
    assert {ln.iban for g2 in redo.registries for ln in lines_of(db, g2.registry_id)} == {new_account}
    actions = set(db.scalars(select(AuditEvent.action)))
    assert {"assistance_claim.payment_returned", "assistance_claim.account_corrected"} <= actions


def test_bank_response_bad_rows_refused_whole(db: Session) -> None:
    a = assigned_claim(db, months=(JAN,))
    b = assigned_claim(db, months=(JAN,))
    draft = gen(db).registries[0]
    lines = {ln.claim_id: ln for ln in lines_of(db, draft.registry_id)}
    with pytest.raises(FileRejected) as err:
        respond(db, [(lines[a.id].reference, "paid", "")])
    assert [(e.line, e.code) for e in err.value.errors] == [(2, "registry_not_sent")]
    pay.send_registry(db, draft.registry_id, actor=ACTOR, scopes=SCOPES)
    respond(db, [(lines[a.id].reference, "paid", "")])
    with pytest.raises(FileRejected) as err:
        respond(
            db,
            [
                (lines[b.id].reference, "paid", ""),
                ("NOPE", "paid", ""),
                (lines[a.id].reference, "returned", "AC01"),
            ],
        )
    assert [(e.line, e.code) for e in err.value.errors] == [(3, "unknown_reference"), (4, "already_paid")]
    assert lines[b.id].status == "sent"  # nothing of the refused file was applied


def test_overpayment_is_a_proposal_for_a_human(db: Session) -> None:
    claim = assigned_claim(db, months=(JAN, FEB, MAR), amount_month=1_000_000)
    g = gen(db, FEB).registries[0]
    pay.send_registry(db, g.registry_id, actor=ACTOR, scopes=SCOPES)
    respond(db, [(ln.reference, "paid", "") for ln in lines_of(db, g.registry_id)])
    assert (
        pay.propose_overpayment(db, claim.id, due_month_tiyn=1_000_000, cause="income_higher", actor=ACTOR)
        is None
    )
    proposal = pay.propose_overpayment(
        db, claim.id, due_month_tiyn=600_000, cause="income_higher", actor=ACTOR, detail="salary found"
    )
    assert proposal is not None
    assert (proposal.paid_tiyn, proposal.due_tiyn, proposal.difference_tiyn) == (
        2_000_000,
        1_200_000,
        800_000,
    )
    assert proposal.months == [["2026-01-01", 1_000_000, 600_000], ["2026-02-01", 1_000_000, 600_000]]
    # a second change updates the open proposal; nothing is recovered or changed on the payments
    again = pay.propose_overpayment(db, claim.id, due_month_tiyn=0, cause="income_higher", actor=ACTOR)
    assert again is not None and again.id == proposal.id and again.difference_tiyn == 2_000_000
    assert db.scalar(select(func.count()).select_from(OverpaymentProposal)) == 1
    assert {ln.status for ln in lines_of(db, g.registry_id)} == {"paid"}
    with pytest.raises(ValidationFailed):
        pay.decide_overpayment(db, proposal.id, decision="confirmed", note=" ", actor=ACTOR, scopes=SCOPES)
    pay.decide_overpayment(
        db, proposal.id, decision="dismissed", note="error in the data", actor=ACTOR, scopes=SCOPES
    )
    assert proposal.status == "dismissed"
    with pytest.raises(Conflict):
        pay.decide_overpayment(db, proposal.id, decision="confirmed", note="x", actor=ACTOR, scopes=SCOPES)


OPS = st.lists(
    st.tuples(
        st.sampled_from(["generate", "send", "paid", "returned", "correct", "claim"]), st.integers(0, 50)
    ),
    min_size=1,
    max_size=14,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, banks=st.lists(st.sampled_from(["601", "722", "856"]), min_size=1, max_size=4))
def test_no_month_is_ever_paid_twice(db: Session, ops: list[tuple[str, int]], banks: list[str]) -> None:
    nested = db.begin_nested()
    try:
        for bank in banks:
            assigned_claim(db, bank=bank, months=(JAN, FEB), amount_month=500_000)
        month = JAN
        for op, k in ops:
            if op == "generate":
                gen(db, month)
                month = FEB
            elif op == "claim":
                assigned_claim(db, bank=banks[k % len(banks)], months=(FEB,))
            elif op == "send":
                drafts = db.scalars(select(PaymentRegistry).where(PaymentRegistry.status == "draft")).all()
                if drafts:
                    pay.send_registry(db, drafts[k % len(drafts)].id, actor=ACTOR, scopes=SCOPES)
            elif op in ("paid", "returned"):
                sent = db.scalars(select(PaymentLine).where(PaymentLine.status == "sent")).all()
                if sent:
                    respond(db, [(sent[k % len(sent)].reference, op, "AC01" if op == "returned" else "")])
            elif op == "correct":
                open_ = pay.open_returns(db, SCOPES)
                if open_:
                    pay.correct_return(
                        db, open_[k % len(open_)].id, iban=iban("601"), actor=ACTOR, scopes=SCOPES
                    )
            # invariant: at most one live (draft, sent or paid) line per assistance month
            live = Counter(
                db.scalars(
                    select(PaymentLine.month_id).where(PaymentLine.status.in_(("draft", "sent", "paid")))
                )
            )
            assert all(n == 1 for n in live.values())
            # and what was paid never exceeds what was assigned for the month
            for month_id, amount in db.execute(
                select(PaymentLine.month_id, func.sum(PaymentLine.amount_tiyn))
                .where(PaymentLine.status == "paid")
                .group_by(PaymentLine.month_id)
            ):
                assert amount <= db.get(AssistanceMonth, month_id).amount_tiyn  # type: ignore[union-attr]
        # idempotence: generating twice in a row, the second changes nothing
        gen(db, FEB)
        assert all(g.action == "unchanged" for g in gen(db, FEB).registries)
    finally:
        nested.rollback()
