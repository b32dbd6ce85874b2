"""Registry services on both engines: persons by IIN, families, registrations, scopes and audit."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import Actor, verify
from kezek.errors import Conflict, NotFound, OutOfScope, ValidationFailed
from kezek.models import AuditEvent, FamilyMember, Person
from kezek.registry import iin, repository
from kezek.registry.schemas import (
    AddressRegistrationCreate,
    FamilyCreate,
    FamilyMemberIn,
    PersonCreate,
    PersonUpdate,
)
from kezek.registry.service import (
    add_family_member,
    create_family,
    create_person,
    load_reference_kato,
    register_address,
    remove_family_member,
    set_family_head,
    update_person,
)

OFFICIAL = Actor("official", "test-executor")
ESIL = "711210000"  # a district of Astana in the shipped reference
ALMALY = "751110000"  # a district of Almaty
ASTANA_SCOPE = ["71"]


def _person(
    db: Session, iin_text: str, given: str, kato: str = ESIL, scopes: list[str] | None = None
) -> Person:
    data = PersonCreate(iin=iin_text, surname="Сейтқали", given_name=given, patronymic=None, kato=kato)
    return create_person(db, actor=OFFICIAL, data=data, scopes=scopes or ASTANA_SCOPE)


@pytest.fixture
def registry(db: Session) -> Session:
    load_reference_kato(db)
    return db


def test_a_person_is_created_from_a_valid_iin_with_birth_date_and_sex_from_it(registry: Session) -> None:
    person = _person(registry, "900101301233", "Нұрлан")
    assert (person.birth_date, person.sex, person.kato) == (date(1990, 1, 1), "M", ESIL)
    event = registry.scalars(select(AuditEvent).where(AuditEvent.action == "person.create")).one()
    assert event.object_id == str(person.id) and event.after is not None and event.after["iin"] == person.iin
    assert verify(registry).ok


def test_invalid_iin_duplicate_and_out_of_scope_are_refused(registry: Session) -> None:
    with pytest.raises(ValidationError) as caught:
        PersonCreate(iin="900101301234", surname="А", given_name="Б", kato=ESIL)
    assert caught.value.errors()[0]["type"] == "invalid_iin"
    assert caught.value.errors()[0]["ctx"] == {"reason": "check_digit"}
    _person(registry, "900101301233", "Нұрлан")
    with pytest.raises(Conflict):
        _person(registry, "900101301233", "Басқа")
    with pytest.raises(OutOfScope):
        _person(registry, "061211600012", "Айгерім", kato=ALMALY)
    with pytest.raises(ValidationFailed, match="unknown KATO"):
        _person(registry, "061211600012", "Айгерім", kato="719900000")


def test_reads_and_updates_respect_the_scope(registry: Session) -> None:
    person = _person(registry, "900101301233", "Нұрлан")
    assert repository.get_person(registry, person.id, scopes=["75"]) is None
    assert repository.get_person_by_iin(registry, person.iin, scopes=["7112"]) is person
    assert repository.search_persons(registry, scopes=["75"], text="9001") == []
    assert repository.search_persons(registry, scopes=ASTANA_SCOPE, text="Сейт") == [person]
    with pytest.raises(NotFound):
        update_person(
            registry,
            actor=OFFICIAL,
            person_id=person.id,
            changes=PersonUpdate(phone="87011234567"),
            scopes=["75"],
        )
    update_person(
        registry,
        actor=OFFICIAL,
        person_id=person.id,
        changes=PersonUpdate(phone="8 701 123 45 67"),
        scopes=["71"],
    )
    assert person.phone == "+77011234567"
    event = registry.scalars(select(AuditEvent).where(AuditEvent.action == "person.update")).one()
    assert event.before == {"phone": None} and event.after == {"phone": "+77011234567"}
    with pytest.raises(ValidationFailed, match="date of death"):
        update_person(
            registry,
            actor=OFFICIAL,
            person_id=person.id,
            changes=PersonUpdate(death_date=date(1980, 1, 1)),
            scopes=["71"],
        )


def test_family_members_relations_and_head(registry: Session) -> None:
    head = _person(registry, "900101301233", "Нұрлан")
    wife = _person(registry, iin.first_issuable(date(1992, 3, 8), "F", 11), "Айгерім")
    child = _person(registry, "061211600012", "Аружан")
    elder = _person(registry, iin.first_issuable(date(1950, 5, 9), "F", 12), "Гүлнар")
    family = create_family(
        registry,
        actor=OFFICIAL,
        data=FamilyCreate(
            head_person_id=head.id,
            kato=ESIL,
            members=[
                FamilyMemberIn(person_id=wife.id, relation="spouse"),
                FamilyMemberIn(person_id=child.id, relation="child"),
            ],
        ),
        scopes=ASTANA_SCOPE,
    )
    loaded = repository.get_family(registry, family.id, scopes=ASTANA_SCOPE)
    assert loaded is not None
    assert sorted((m.person_id, m.relation) for m in loaded.members) == sorted(
        [(head.id, "head"), (wife.id, "spouse"), (child.id, "child")]
    )
    with pytest.raises(Conflict, match="already has a spouse"):
        add_family_member(
            registry,
            actor=OFFICIAL,
            family_id=family.id,
            person_id=elder.id,
            relation="spouse",
            scopes=ASTANA_SCOPE,
        )
    add_family_member(
        registry,
        actor=OFFICIAL,
        family_id=family.id,
        person_id=elder.id,
        relation="parent",
        scopes=ASTANA_SCOPE,
    )
    with pytest.raises(Conflict, match="already a member"):
        add_family_member(
            registry,
            actor=OFFICIAL,
            family_id=family.id,
            person_id=elder.id,
            relation="other",
            scopes=ASTANA_SCOPE,
        )
    with pytest.raises(NotFound):
        add_family_member(
            registry, actor=OFFICIAL, family_id=family.id, person_id=elder.id, relation="other", scopes=["75"]
        )
    with pytest.raises(Conflict, match="head cannot be removed"):
        remove_family_member(
            registry, actor=OFFICIAL, family_id=family.id, person_id=head.id, scopes=ASTANA_SCOPE, reason="x"
        )
    set_family_head(
        registry,
        actor=OFFICIAL,
        family_id=family.id,
        person_id=wife.id,
        scopes=ASTANA_SCOPE,
        former_head_relation="spouse",
    )
    heads = registry.scalars(
        select(FamilyMember.person_id).where(
            FamilyMember.family_id == family.id, FamilyMember.relation == "head"
        )
    ).all()
    assert heads == [wife.id] and family.head_person_id == wife.id
    remove_family_member(
        registry,
        actor=OFFICIAL,
        family_id=family.id,
        person_id=elder.id,
        scopes=ASTANA_SCOPE,
        reason="moved out",
    )
    assert [f.id for f in repository.families_of(registry, child.id, scopes=ASTANA_SCOPE)] == [family.id]
    with pytest.raises(ValidationError, match="more than once"):
        FamilyCreate(
            head_person_id=head.id, kato=ESIL, members=[FamilyMemberIn(person_id=head.id, relation="child")]
        )
    assert verify(registry).ok


def test_address_registration_closes_the_current_one_and_moves_the_person(registry: Session) -> None:
    person = _person(registry, "900101301233", "Нұрлан")
    first = register_address(
        registry,
        actor=OFFICIAL,
        data=AddressRegistrationCreate(
            person_id=person.id, kato=ESIL, address="Кенесары к-сі, 12", registered_from=date(2015, 4, 1)
        ),
        scopes=ASTANA_SCOPE,
    )
    with pytest.raises(ValidationFailed, match="after the current one"):
        register_address(
            registry,
            actor=OFFICIAL,
            data=AddressRegistrationCreate(
                person_id=person.id, kato=ESIL, address="Абай д-лы, 3", registered_from=date(2015, 1, 1)
            ),
            scopes=ASTANA_SCOPE,
        )
    # The receiving district (Almaty) registers the arrival although the person is still in Astana.
    second = register_address(
        registry,
        actor=Actor("official", "almaty"),
        data=AddressRegistrationCreate(
            person_id=person.id, kato=ALMALY, address="Абай д-лы, 3", registered_from=date(2024, 9, 2)
        ),
        scopes=["75"],
    )
    assert first.registered_to == date(2024, 9, 2) and second.registered_to is None
    assert person.kato == ALMALY
    assert repository.current_registration(registry, person.id, scopes=["75"]) is second
    assert [r.id for r in repository.registrations(registry, person.id, scopes=["75"])] == [
        second.id,
        first.id,
    ]
    assert repository.registrations(registry, person.id, scopes=ASTANA_SCOPE) == []
    with pytest.raises(NotFound):  # a third district can do nothing
        register_address(
            registry,
            actor=OFFICIAL,
            data=AddressRegistrationCreate(
                person_id=person.id, kato=ALMALY, address="x y z", registered_from=date(2025, 1, 1)
            ),
            scopes=["79"],
        )
