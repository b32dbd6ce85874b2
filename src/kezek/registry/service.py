"""Registry changes: persons, families, address registrations, jurisdictions.

Services never commit (the request, job or command does) and every change writes an audit event
through ``kezek.audit.service.record`` in the same transaction. Personal data is reached only
through ``kezek.registry.repository`` with the caller's scopes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.service import Actor, record
from kezek.auth.scope import in_scope, require_in_scope
from kezek.errors import Conflict, NotFound, ValidationFailed
from kezek.models import AddressRegistration, Family, FamilyMember, Jurisdiction, Person
from kezek.registry import iin as iin_rules
from kezek.registry import kato as kato_rules
from kezek.registry import repository as repo
from kezek.registry.schemas import (
    RELATIONS,
    AddressRegistrationCreate,
    FamilyCreate,
    KatoImportReport,
    KatoProblemRead,
    PersonCreate,
    PersonUpdate,
)

PERSON_FIELDS = (
    "iin", "surname", "given_name", "patronymic", "birth_date", "sex", "citizenship", "death_date",
    "phone", "kato",
)  # fmt: skip


def _snapshot(obj: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _require_jurisdiction(session: Session, kato: str) -> Jurisdiction:
    found = repo.get_jurisdiction(session, kato)
    if found is None:
        raise ValidationFailed(f"unknown KATO code {kato}: load the classifier first", code="unknown_kato")
    return found


def _person_in_scope(session: Session, person_id: int, scopes: Iterable[str]) -> Person:
    person = repo.get_person(session, person_id, scopes=scopes)
    if person is None:
        # Not found and out of scope look the same: an official learns nothing about other districts.
        raise NotFound(f"no person {person_id} in your jurisdiction")
    return person


# --- Persons -------------------------------------------------------------------------------------


def create_person(session: Session, *, actor: Actor, data: PersonCreate, scopes: Iterable[str]) -> Person:
    """Register a person. Birth date and sex are read from the IIN, never typed in."""
    scopes = list(scopes)
    info = iin_rules.parse(data.iin)
    require_in_scope(data.kato, scopes, "jurisdiction")
    _require_jurisdiction(session, data.kato)
    if info.birth_date > clock.today_local():
        raise ValidationFailed("the IIN gives a birth date in the future", code="invalid_iin")
    if repo.iin_taken(session, data.iin):
        raise Conflict("a person with this IIN is already registered", code="iin_taken")
    person = Person(
        iin=data.iin,
        surname=data.surname,
        given_name=data.given_name,
        patronymic=data.patronymic,
        birth_date=info.birth_date,
        sex=info.sex,
        citizenship=data.citizenship,
        phone=data.phone,
        kato=data.kato,
    )
    session.add(person)
    session.flush()
    record(
        session,
        actor=actor,
        action="person.create",
        object_type="person",
        object_id=person.id,
        kato=person.kato,
        after=_snapshot(person, PERSON_FIELDS),
    )
    return person


def update_person(
    session: Session,
    *,
    actor: Actor,
    person_id: int,
    changes: PersonUpdate,
    scopes: Iterable[str],
    reason: str | None = None,
) -> Person:
    """Correct a person's names, citizenship, phone or date of death; the event keeps before/after."""
    person = _person_in_scope(session, person_id, scopes)
    given = changes.model_dump(exclude_unset=True)
    if "death_date" in given and given["death_date"] is not None:
        died: date = given["death_date"]
        if died < person.birth_date or died > clock.today_local():
            raise ValidationFailed("the date of death must lie between the birth date and today")
    for name in ("surname", "given_name"):
        if name in given and not given[name]:
            raise ValidationFailed(f"{name} cannot be empty")
    before = {k: getattr(person, k) for k in given}
    changed = {k: v for k, v in given.items() if before[k] != v}
    if not changed:
        return person
    for name, value in changed.items():
        setattr(person, name, value)
    session.flush()
    record(
        session,
        actor=actor,
        action="person.update",
        object_type="person",
        object_id=person.id,
        kato=person.kato,
        before={k: before[k] for k in changed},
        after=changed,
        reason=reason,
    )
    return person


# --- Families ------------------------------------------------------------------------------------


def create_family(session: Session, *, actor: Actor, data: FamilyCreate, scopes: Iterable[str]) -> Family:
    """A family with its head and members. Each member must be a person visible in the scopes."""
    scopes = list(scopes)
    require_in_scope(data.kato, scopes, "jurisdiction")
    _require_jurisdiction(session, data.kato)
    head = _person_in_scope(session, data.head_person_id, scopes)
    people = [_person_in_scope(session, m.person_id, scopes) for m in data.members]
    spouses = sum(1 for m in data.members if m.relation == "spouse")
    if spouses > 1:
        raise ValidationFailed("a family has at most one spouse of the head")
    family = Family(head_person_id=head.id, kato=data.kato)
    session.add(family)
    session.flush()
    session.add(FamilyMember(family_id=family.id, person_id=head.id, relation="head"))
    for member, person in zip(data.members, people, strict=True):
        session.add(FamilyMember(family_id=family.id, person_id=person.id, relation=member.relation))
    session.flush()
    record(
        session,
        actor=actor,
        action="family.create",
        object_type="family",
        object_id=family.id,
        kato=family.kato,
        after={
            "head_person_id": head.id,
            "kato": family.kato,
            "members": [{"person_id": head.id, "relation": "head"}] + [m.model_dump() for m in data.members],
        },
    )
    return family


def _family_in_scope(session: Session, family_id: int, scopes: Iterable[str]) -> Family:
    family = repo.get_family(session, family_id, scopes=scopes)
    if family is None:
        raise NotFound(f"no family {family_id} in your jurisdiction")
    return family


def add_family_member(
    session: Session,
    *,
    actor: Actor,
    family_id: int,
    person_id: int,
    relation: str,
    scopes: Iterable[str],
) -> FamilyMember:
    scopes = list(scopes)
    if relation not in RELATIONS or relation == "head":
        raise ValidationFailed(
            f"relation must be one of {', '.join(r for r in RELATIONS if r != 'head')} "
            "(change the head with set_family_head)"
        )
    family = _family_in_scope(session, family_id, scopes)
    person = _person_in_scope(session, person_id, scopes)
    current = repo.members(session, family.id)
    if any(m.person_id == person.id for m in current):
        raise Conflict("this person is already a member of the family")
    if relation == "spouse" and any(m.relation == "spouse" for m in current):
        raise Conflict("the family already has a spouse of the head")
    member = FamilyMember(family_id=family.id, person_id=person.id, relation=relation)
    session.add(member)
    session.flush()
    record(
        session,
        actor=actor,
        action="family.member_add",
        object_type="family",
        object_id=family.id,
        kato=family.kato,
        after={"person_id": person.id, "relation": relation},
    )
    return member


def remove_family_member(
    session: Session,
    *,
    actor: Actor,
    family_id: int,
    person_id: int,
    scopes: Iterable[str],
    reason: str,
) -> None:
    family = _family_in_scope(session, family_id, scopes)
    member = next((m for m in repo.members(session, family.id) if m.person_id == person_id), None)
    if member is None:
        raise NotFound("this person is not a member of the family")
    if member.relation == "head":
        raise Conflict("the head cannot be removed; make another member the head first")
    session.delete(member)
    session.flush()
    record(
        session,
        actor=actor,
        action="family.member_remove",
        object_type="family",
        object_id=family.id,
        kato=family.kato,
        before={"person_id": person_id, "relation": member.relation},
        reason=reason,
    )


def set_family_head(
    session: Session,
    *,
    actor: Actor,
    family_id: int,
    person_id: int,
    scopes: Iterable[str],
    former_head_relation: str = "other",
    reason: str | None = None,
) -> Family:
    """Make a member the head (e.g. after the head's death); the former head gets another relation."""
    if former_head_relation not in RELATIONS or former_head_relation == "head":
        raise ValidationFailed("the former head needs a relation other than head")
    family = _family_in_scope(session, family_id, scopes)
    current = repo.members(session, family.id)
    new_head = next((m for m in current if m.person_id == person_id), None)
    if new_head is None:
        raise NotFound("this person is not a member of the family")
    if new_head.relation == "head":
        return family
    old_head = next(m for m in current if m.relation == "head")
    before = {"head_person_id": family.head_person_id, "new_head_relation": new_head.relation}
    old_head.relation = former_head_relation
    new_head.relation = "head"
    family.head_person_id = person_id
    session.flush()
    record(
        session,
        actor=actor,
        action="family.head_change",
        object_type="family",
        object_id=family.id,
        kato=family.kato,
        before=before,
        after={"head_person_id": person_id, "former_head_relation": former_head_relation},
        reason=reason,
    )
    return family


# --- Address registrations -----------------------------------------------------------------------


def register_address(
    session: Session, *, actor: Actor, data: AddressRegistrationCreate, scopes: Iterable[str]
) -> AddressRegistration:
    """A new permanent registration. The current one ends the day the new one starts
    (``registered_to`` is the day of deregistration), and the person's KATO follows the new address.

    The official must see the person, or act for the jurisdiction the person moves into."""
    scopes = list(scopes)
    person = session.get(Person, data.person_id)
    if person is None or not (in_scope(person.kato, scopes) or in_scope(data.kato, scopes)):
        raise NotFound(f"no person {data.person_id} in your jurisdiction")
    _require_jurisdiction(session, data.kato)
    if data.registered_from < person.birth_date or data.registered_from > clock.today_local():
        raise ValidationFailed("the registration date must lie between the birth date and today")
    current = repo.current_registration(session, person.id, scopes=repo.NATIONAL)  # its own history
    if current is not None:
        if data.registered_from <= current.registered_from:
            raise ValidationFailed("a new registration must start after the current one started")
        current.registered_to = data.registered_from
    registration = AddressRegistration(
        person_id=person.id,
        kato=data.kato,
        address=data.address,
        registered_from=data.registered_from,
        registered_to=None,
    )
    session.add(registration)
    before_kato = person.kato
    person.kato = data.kato
    session.flush()
    record(
        session,
        actor=actor,
        action="person.register_address",
        object_type="person",
        object_id=person.id,
        kato=data.kato,
        before={"kato": before_kato, "registration_id": current.id if current else None},
        after={
            "kato": data.kato,
            "registration_id": registration.id,
            "address": data.address,
            "registered_from": data.registered_from,
        },
    )
    return registration


# --- Jurisdictions (KATO) ------------------------------------------------------------------------


def import_kato(session: Session, path: Path, *, actor: Actor | None = None) -> KatoImportReport:
    """Upsert jurisdictions from the official classifier file (xlsx or csv, columns TE, AB, CD, EF,
    HIJ, K, NAME_KAZ, NAME_RUS, NN; an extra NAME_ENG is used when present).

    Levels come from the code. Bad rows are reported with their line and reason while the good
    rows land; rows below district level are counted and skipped. One event per created or
    changed jurisdiction, and one summary event with the file's SHA-256.
    """
    actor = actor or Actor.system()
    if not path.is_file():
        raise ValidationFailed(f"no such file: {path}")
    try:
        parsed = kato_rules.read_classifier(path)
    except ValueError as exc:
        raise ValidationFailed(f"{path.name}: {exc}") from None
    report = KatoImportReport(
        below_level=parsed.below_level,
        problems=[KatoProblemRead(line=p.line, code=p.code, reason=p.reason) for p in parsed.problems],
    )
    existing = repo.jurisdictions_by_code(session, [e.code for e in parsed.entries])
    for entry in parsed.entries:
        current = existing.get(entry.code)
        wanted = {
            "parent_kato": entry.parent,
            "level": entry.level,
            "name_kk": entry.name_kk,
            "name_ru": entry.name_ru,
            "name_en": entry.name_en
            or (current.name_en if current is not None else kato_rules.romanise(entry.name_kk)),
        }
        if current is None:
            session.add(Jurisdiction(kato=entry.code, **wanted))
            session.flush()
            record(
                session,
                actor=actor,
                action="jurisdiction.create",
                object_type="jurisdiction",
                object_id=entry.code,
                kato=entry.code,
                after=wanted,
            )
            report.inserted += 1
            continue
        before = {k: getattr(current, k) for k in wanted}
        changed = {k: v for k, v in wanted.items() if before[k] != v}
        if not changed:
            report.unchanged += 1
            continue
        for name, value in changed.items():
            setattr(current, name, value)
        session.flush()
        record(
            session,
            actor=actor,
            action="jurisdiction.update",
            object_type="jurisdiction",
            object_id=entry.code,
            kato=entry.code,
            before={k: before[k] for k in changed},
            after=changed,
        )
        report.updated += 1
    if report.inserted or report.updated:
        record(
            session,
            actor=actor,
            action="kato.import",
            object_type="classifier",
            object_id=path.name[:64],
            after={
                "sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
                "inserted": report.inserted,
                "updated": report.updated,
                "unchanged": report.unchanged,
                "below_level": report.below_level,
                "problems": len(report.problems),
            },
        )
    return report


def load_reference_kato(session: Session, *, actor: Actor | None = None) -> KatoImportReport:
    """Load Kezek's shipped KATO reference (``registry/data/kato.csv``; see its README)."""
    return import_kato(session, kato_rules.REFERENCE_PATH, actor=actor)
