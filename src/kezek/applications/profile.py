"""From the state systems' answers (``kezek.integration``) to the rules' typed inputs (``kezek.rules``).

Each member's data is read from the answers of the systems that hold it; the sources (system,
request id, time received, SHA-256 of the body as received) are kept so a decision can cite them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from kezek.integration.service import FamilyProfile
from kezek.integration.systems import System
from kezek.rules import inputs as ri

# What registration in the queue needs to know (domain §2, §3.1, §11); income for the akimat
# regime's 3.1 PM test and the national regime's affordability ladder.
QUEUE_SYSTEMS: tuple[System, ...] = (
    System.PERSONS,
    System.CIVIL,
    System.ADDRESS,
    System.PROPERTY,
    System.EMERGENCY,
    System.STATE_HOUSING,
    System.PROGRAMMES,
    System.PENSION,
    System.TAX,
    System.SOCIAL_PAYMENTS,
    System.DISABILITY,
    System.SOCIAL_STATUS,
    System.EMPLOYMENT,
    System.MOBILE,
)

# Which systems each refusal reason rests on (for the "data each reason rests on" of the notice).
REASON_SYSTEMS: dict[str, tuple[str, ...]] = {
    "not_citizen_or_kandas": ("persons",),
    "age_under_18": ("persons",),
    "not_registered_in_settlement": ("address",),
    "registration_under_3_years": ("address",),
    "owned_housing_within_5_years": ("property",),
    "emergency_dwelling_elsewhere": ("emergency", "property"),
    "owns_housing": ("property",),
    "deliberate_worsening": ("property",),
    "received_state_housing": ("state_housing",),
    "preferential_purchase": ("programmes",),
    "no_category": ("social_status", "disability", "employment"),
    "income_above_limit": ("pension", "tax", "social_payments"),
}
# Which rules evidence lines (ev.*) belong to which system.
EVIDENCE_SYSTEM = {
    "ev.applicant": "persons",
    "ev.family": "civil",
    "ev.property": "property",
    "ev.registration": "address",
    "ev.status": "social_status",
    "ev.income": "pension",
}


@dataclass(frozen=True)
class Member:
    iin: str
    relation: str  # relative to the family head: head | spouse | child | parent | other


def sources(profile: FamilyProfile) -> list[dict[str, Any]]:
    return [
        {
            "system": system.value,
            "request_id": cited.request_id,
            "answer_row_id": cited.answer_row_id,
            "received_at": cited.received_at.isoformat(),
            "as_of": cited.answer.as_of.isoformat(),
            "sha256": cited.body_sha256,
        }
        for system, cited in sorted(profile.answers.items(), key=lambda kv: kv[0].value)
    ]


def _data(profile: FamilyProfile, system: System, iin: str) -> Any:
    if system not in profile.answers:
        return None
    return profile.data(system, iin)


def _person(profile: FamilyProfile, member: Member) -> ri.Person | None:
    p = _data(profile, System.PERSONS, member.iin)
    if p is None:
        return None
    civil = _data(profile, System.CIVIL, member.iin)
    death = p.death_date or (civil.death_date if civil is not None else None)
    statuses: list[ri.Status] = []
    social = _data(profile, System.SOCIAL_STATUS, member.iin)
    for s in social.statuses if social is not None else ():
        statuses.append(ri.Status(s.kind, s.since, s.until, s.detail))
    disability = _data(profile, System.DISABILITY, member.iin)
    for d in disability.records if disability is not None else ():
        statuses.append(ri.Status(d.kind, d.since, d.until, str(d.group) if d.group else None))
    employment = _data(profile, System.EMPLOYMENT, member.iin)
    for e in employment.records if employment is not None else ():
        statuses.append(ri.Status(e.kind, e.since, e.until, e.detail))
    housing = _data(profile, System.STATE_HOUSING, member.iin)
    for h in housing.records if housing is not None else ():
        kind = {"received": "state_housing_received", "privatised": "state_housing_privatised"}.get(
            h.kind, h.kind
        )
        statuses.append(ri.Status(kind, h.since, h.until, h.detail))
    programmes = _data(profile, System.PROGRAMMES, member.iin)
    for g in programmes.records if programmes is not None else ():
        statuses.append(ri.Status(g.kind, g.since, g.until, g.detail))
    emergency = _data(profile, System.EMERGENCY, member.iin)
    emergency_since = {d.record_id: d.emergency_since for d in (emergency.dwellings if emergency else ())}
    rights = _data(profile, System.PROPERTY, member.iin)
    properties = tuple(
        ri.Property(
            kato=r.kato,
            kind=r.kind,
            area_dm2=r.area_dm2,
            acquired_on=r.acquired_on,
            acquisition=r.acquisition,
            alienated_on=r.alienated_on,
            alienation=r.alienation,
            emergency_since=emergency_since.get(r.record_id),
        )
        for r in (rights.rights if rights is not None else ())
    )
    address = _data(profile, System.ADDRESS, member.iin)
    registrations = tuple(
        ri.Registration(r.kato, r.registered_from, r.registered_to)
        for r in (address.registrations if address is not None else ())
    )
    incomes: list[ri.IncomeSpell] = []
    for system in (System.PENSION, System.TAX, System.SOCIAL_PAYMENTS):
        lines = _data(profile, system, member.iin)
        for line in lines.lines if lines is not None else ():
            source = line.source if line.source in ri.INCOME_SOURCES else "other"
            incomes.append(ri.IncomeSpell(source, line.amount_tiyn, line.month, line.month))
    return ri.Person(
        id=member.iin,
        birth_date=p.birth_date,
        relation=member.relation,
        citizenship=p.citizenship,
        death_date=death,
        statuses=tuple(statuses),
        properties=properties,
        incomes=tuple(incomes),
        registrations=registrations,
    )


def rules_family(profile: FamilyProfile, members: Sequence[Member], kato: str) -> ri.Family:
    """The family as the rules see it; members unknown to the individuals register are left out."""
    people = [p for p in (_person(profile, m) for m in members) if p is not None]
    return ri.Family(members=tuple(people), kato=kato)


def phone_of(profile: FamilyProfile, iin: str) -> tuple[str | None, bool]:
    """The phone the mobile-citizens base holds for a person, and whether it is verified."""
    mobile = _data(profile, System.MOBILE, iin)
    if mobile is None:
        return None, False
    return mobile.phone, bool(mobile.verified)


def first_day(d: date) -> date:
    return date(d.year, d.month, 1)
