"""Builders for payment tests: persons, assigned claims with their decision, calculation and months."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from kezek.audit.service import Actor
from kezek.integration.iban import make_kz_iban
from kezek.models.assistance import (
    AssistanceCalculation,
    AssistanceClaim,
    AssistanceCostLine,
    AssistanceDecision,
    AssistanceMonth,
)
from kezek.models.registry import Person

ACTOR = Actor("official", "executor.test")
_seq = itertools.count(1)
WHEN = datetime(2026, 1, 12, 6, 0, tzinfo=UTC)


def iban(bank: str = "601", n: int | None = None) -> str:
    return make_kz_iban(bank, f"{(n if n is not None else next(_seq)):013d}")


def person(session: Session, kato: str = "711110000") -> Person:
    n = next(_seq)
    p = Person(
        iin=f"{800101000000 + n:012d}",
        surname="Әбенова",
        given_name="Айгүл",
        patronymic=None,
        birth_date=date(1980, 1, 1),
        sex="F",
        citizenship="citizen",
        kato=kato,
    )
    session.add(p)
    session.flush()
    return p


def assigned_claim(
    session: Session,
    *,
    kato: str = "711110000",
    months: tuple[date, ...] = (date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)),
    amount_month: int = 1_000_000,
    account: str | None = "auto",
    bank: str = "601",
    status: str = "assigned",
) -> AssistanceClaim:
    """A claim assigned for ``months`` with ``amount_month`` tiyn a month, paid to ``account``."""
    p = person(session, kato)
    n = next(_seq)
    acct = iban(bank) if account == "auto" else account
    claim = AssistanceClaim(
        number=f"HA-T-{n:06d}",
        kato=kato,
        applicant_person_id=p.id,
        channel="portal",
        submitted_by_kind="citizen",
        submitted_by_id=str(p.id),
        language="ru",
        quarter_start=date(2026, 1, 1),
        first_month=months[0],
        period_months=len(months),
        tenure="owned",
        dwelling_address="Astana, test street 1",
        dwelling_area_dm2=5400,
        received_at=WHEN,
        consent_until=date(2026, 1, 20),
        status=status,
        iban=acct,
    )
    session.add(claim)
    session.flush()
    calc = AssistanceCalculation(
        claim_id=claim.id,
        current=True,
        computed_at=WHEN,
        as_of=date(2026, 1, 12),
        kato=kato,
        rules_version="test",
        family_size=3,
        period_months=len(months),
        norm_area_dm2=5400,
        capped_area_dm2=5400,
        income_quarter_tiyn=0,
        share_ppm=100_000,
        income_share_tiyn=0,
        costs_within_tiyn=amount_month * len(months),
        amount_period_tiyn=amount_month * len(months),
        amount_month_tiyn=amount_month,
        refusal_reasons=[],
        incomes=[],
        trace={},
    )
    session.add(calc)
    session.flush()
    session.add(
        AssistanceCostLine(
            calculation_id=calc.id,
            position=0,
            service="assessed",
            actual_tiyn=amount_month * len(months),
            allowed_tiyn=amount_month * len(months),
            within_tiyn=amount_month * len(months),
            rule="as_billed",
            norm={},
            source="test",
        )
    )
    decision = AssistanceDecision(
        claim_id=claim.id,
        calculation_id=calc.id,
        kato=kato,
        outcome="assigned",
        legal_reference="MIC Order No. 117",
        amount_month_tiyn=amount_month,
        first_month=months[0],
        last_month=months[-1],
        months=len(months),
        total_tiyn=amount_month * len(months),
        decided_at=WHEN,
        decided_by="commission.test",
    )
    session.add(decision)
    session.flush()
    for m in months:
        session.add(
            AssistanceMonth(
                decision_id=decision.id,
                claim_id=claim.id,
                person_id=p.id,
                kato=kato,
                month=m,
                amount_tiyn=amount_month,
                iban=acct,
            )
        )
    session.flush()
    return claim
