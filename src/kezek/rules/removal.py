"""Removal from the register (Law No. 94 Art. 73, pre-2025 text; domain.md §3.2) and family
succession: when the registered person dies or moves away, the place is kept for the family
members who remain (Art. 73 p.2)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kezek.rules.dates import age_on
from kezek.rules.inputs import Family, Person

GROUNDS = (
    "grounds_ceased",  # p.1 sub-item 1: the grounds for being provided housing ceased
    "moved_away",  # sub-item 2: moved to permanent residence in another settlement
    "employment_ended",  # sub-item 2: left the state enterprise or institution (employer queue)
    "false_information",  # sub-item 3: untrue information about need
    "unlawful_registration",  # sub-item 3: officials acted unlawfully when registering
    "built_or_acquired_housing",  # sub-item 4: land plot received and house built, or housing acquired
    "housed",  # received housing through the queue
    "died",  # death with nobody left to succeed
)


@dataclass(frozen=True)
class RemovalFacts:
    registrant_died_on: date | None = None
    registrant_moved_on: date | None = None  # the registered person alone left the settlement
    family_moved_on: date | None = None  # the whole family left the settlement
    employer_queue: bool = False
    employment_ended_on: date | None = None
    false_information: bool = False
    unlawful_registration: bool = False
    housing_acquired_on: date | None = None
    house_built_on_plot_on: date | None = None
    housed_on: date | None = None
    eligibility_reasons: tuple[str, ...] = ()  # a re-run of the registration rules


@dataclass(frozen=True)
class RemovalAssessment:
    grounds: tuple[str, ...]
    successor_id: str | None  # the family member who keeps the place
    keeps_place: bool


def successor(family: Family, registrant: Person, as_of: date) -> Person | None:
    """Spouse first, then the oldest adult, then the oldest remaining member (alive on as_of)."""
    remaining = [p for p in family.members if p is not registrant and p.alive_on(as_of)]
    if not remaining:
        return None
    for p in remaining:
        if p.relation == "spouse":
            return p
    adults = [p for p in remaining if age_on(p.birth_date, as_of) >= 18]
    pool = adults or remaining
    return min(pool, key=lambda p: (p.birth_date, p.id))


def assess_removal(family: Family, facts: RemovalFacts, as_of: date) -> RemovalAssessment:
    """Grounds of removal on `as_of`; death or departure of the registrant alone is not a ground
    while a family member remains to succeed (Art. 73 p.2)."""

    def by(d: date | None) -> bool:
        return d is not None and d <= as_of

    grounds: list[str] = []
    registrant = family.applicant
    left = by(facts.registrant_died_on) or by(facts.registrant_moved_on)
    heir = successor(family, registrant, as_of) if left else None
    if facts.eligibility_reasons:
        grounds.append("grounds_ceased")
    if by(facts.family_moved_on) or (by(facts.registrant_moved_on) and heir is None):
        grounds.append("moved_away")
    if facts.employer_queue and by(facts.employment_ended_on):
        grounds.append("employment_ended")
    if facts.false_information:
        grounds.append("false_information")
    if facts.unlawful_registration:
        grounds.append("unlawful_registration")
    if by(facts.housing_acquired_on) or by(facts.house_built_on_plot_on):
        grounds.append("built_or_acquired_housing")
    if by(facts.housed_on):
        grounds.append("housed")
    if by(facts.registrant_died_on) and heir is None:
        grounds.append("died")
    keeps = left and heir is not None and not grounds
    return RemovalAssessment(tuple(grounds), heir.id if keeps and heir else None, keeps)
