"""Builders for housing-assistance tests: families with incomes, dwellings and utility bills."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kezek.assistance import service
from kezek.audit.service import Actor
from kezek.models.assistance import AssistanceClaim
from kezek.models.registry import FamilyMember, Person
from kezek.models.statedata import IncomeSpell, PropertyRecord
from tests.assistance.conftest import BILLS
from tests.queue.builders import KARAGANDA, family, person

EXECUTOR = Actor("official", "executor1")
CHAIR = Actor("official", "chair1")
PSC = Actor("official", "psc1")
BALKHASH = "351600000"  # share of income 8 % (housing_assistance.yaml)


def citizen(p: Person) -> Actor:
    return Actor("citizen", str(p.id))


def household(
    db: Session,
    *,
    kato: str = KARAGANDA,
    adults: int = 1,
    children: int = 0,
    head_income: int = 0,
    income_source: str = "salary",
    owned_area_dm2: int | None = 6000,
    extra_dwelling: bool = False,
    phone: str | None = "+77011234567",
) -> list[Person]:
    """A family: the head, other adults (spouse), minor children; the head's monthly income (tiyn)."""
    fam, people = family(db, kato=kato, size=1 + children, birth=date(1980, 3, 3), phone=phone)
    head = people[0]
    for i in range(adults - 1):
        adult = person(
            db, kato=kato, birth=date(1982, 5, 5 + i), male=False, given=f"Айгүл{i}", phone="+77019990000"
        )
        db.add(FamilyMember(family_id=fam.id, person_id=adult.id, relation="spouse"))
        people.append(adult)
    if head_income:
        db.add(
            IncomeSpell(
                person_id=head.id,
                source=income_source,
                monthly_tiyn=head_income,
                from_month=date(2025, 1, 1),
                to_month=None,
            )
        )
    if owned_area_dm2:
        db.add(
            PropertyRecord(
                person_id=head.id,
                kato=kato,
                kind="flat",
                area_dm2=owned_area_dm2,
                acquired_on=date(2012, 1, 1),
                acquisition="purchase",
            )
        )
    if extra_dwelling:
        db.add(
            PropertyRecord(
                person_id=head.id,
                kato=kato,
                kind="house",
                area_dm2=9000,
                acquired_on=date(2018, 1, 1),
                acquisition="purchase",
            )
        )
    db.flush()
    return people


def item(service: str, unit: str, quantity: str, tenge_per_unit: int | str) -> dict[str, Any]:
    from decimal import Decimal

    tiyn = int(Decimal(str(tenge_per_unit)) * 100)
    amount = int(Decimal(quantity) * tiyn)
    return {
        "service": service,
        "unit": unit,
        "quantity": quantity,
        "tiyn_per_unit": tiyn,
        "amount_tiyn": amount,
    }


def bills(
    p: Person,
    items: list[dict[str, Any]],
    *,
    area_dm2: int = 6000,
    residents: int = 1,
    month: date = date(2026, 9, 1),
    kato: str | None = None,
) -> None:
    """The utility-bills system answers this dwelling and this month's bill for the person."""
    BILLS[p.iin] = {
        "dwelling": {
            "kato": kato or p.kato,
            "address": "Test street 1",
            "area_dm2": area_dm2,
            "residents": residents,
        },
        "tariffs": [],
        "bills": [
            {"month": month.isoformat(), "items": items, "total_tiyn": sum(i["amount_tiyn"] for i in items)}
        ],
    }


def claim(
    db: Session, p: Person, *, tenure: str = "owned", language: str = "ru", **kw: Any
) -> AssistanceClaim:
    actor = kw.pop("actor", citizen(p))
    return service.submit(
        db,
        actor=actor,
        request=service.ClaimRequest(applicant_iin=p.iin, tenure=tenure, language=language, **kw),
    )


def commit(db: Session, c: AssistanceClaim) -> AssistanceClaim:
    """Commit: the fetch job and the claim's job run at once (huey immediate mode in tests)."""
    db.commit()
    db.refresh(c)
    return c
