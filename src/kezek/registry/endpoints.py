"""JSON API v1 for persons: officials and other systems read a person's record, within their
jurisdiction, for a stated purpose; every read is written to the audit trail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal, get_args

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from kezek.audit.service import record_read
from kezek.auth.deps import SessionDep, require_role
from kezek.auth.principal import Principal
from kezek.auth.scope import require_in_scope
from kezek.errors import NotFound, OutOfScope
from kezek.logs import get_logger
from kezek.models.auth import ROLES
from kezek.models.registry import AddressRegistration, Family, FamilyMember, Person
from kezek.registry import iin as iin_rules
from kezek.registry.schemas import AddressRegistrationRead, FamilyRead, PersonRead

log = get_logger("kezek.registry")

# Why an official opens a person's record; stored with every read (the audit trail's "reason").
ReadPurpose = Literal[
    "application_review", "citizen_request", "queue_check", "allocation", "assistance", "audit_check"
]
PURPOSES: tuple[str, ...] = get_args(ReadPurpose)

# Everyone who works on cases may read persons in their jurisdiction; administrators manage
# accounts and do not need personal data.
PERSON_READERS: tuple[str, ...] = tuple(role for role in ROLES if role != "administrator")


@dataclass(frozen=True)
class PersonFile:
    person: Person
    addresses: list[AddressRegistration]
    families: list[Family]


def read_person(session: Session, *, principal: Principal, iin: str, purpose: str) -> PersonFile:
    """A person's record for an official or system: in their scope, and the read audited."""
    iin_rules.parse(iin)  # a malformed IIN is a 422 naming the fault, not a "not found"
    person = session.scalar(select(Person).where(Person.iin == iin))
    if person is None:
        raise NotFound("there is no person with this IIN in the registry", code="person_not_found")
    try:
        require_in_scope(person.kato, principal.scopes, "person")
    except OutOfScope:
        log.warning("person read refused: outside jurisdiction", actor=principal.name, person_id=person.id)
        raise
    record_read(
        session,
        actor=principal.actor,
        object_type="person",
        object_id=person.id,
        kato=person.kato,
        purpose=purpose,
    )
    addresses = session.scalars(
        select(AddressRegistration)
        .where(AddressRegistration.person_id == person.id)
        .order_by(AddressRegistration.registered_from.desc())
    ).all()
    families = session.scalars(
        select(Family)
        .join(FamilyMember, FamilyMember.family_id == Family.id)
        .where(FamilyMember.person_id == person.id)
        .options(selectinload(Family.members).selectinload(FamilyMember.person))
        .order_by(Family.id)
    ).all()
    return PersonFile(person, list(addresses), list(families))


class PersonRecordRead(BaseModel):
    person: PersonRead
    addresses: list[AddressRegistrationRead]
    families: list[FamilyRead]
    purpose: ReadPurpose


router = APIRouter(prefix="/api/v1", tags=["persons"])

Reader = Annotated[Principal, Depends(require_role(*PERSON_READERS, api=True))]


@router.get(
    "/persons/{iin}",
    response_model=PersonRecordRead,
    summary="Read a person's record",
    responses={
        401: {"description": "No or unknown API token"},
        403: {
            "description": "The person is outside the caller's jurisdiction, or the role does not allow it"
        },
        404: {"description": "No person with this IIN"},
        422: {"description": "The IIN or the purpose is not valid"},
    },
)
def get_person(
    session: SessionDep,
    principal: Reader,
    iin: Annotated[str, Path(min_length=12, max_length=12, pattern=r"^\d{12}$", description="12-digit IIN")],
    purpose: Annotated[ReadPurpose, Query(description="Why the record is read; kept in the audit trail")],
) -> PersonRecordRead:
    """The person, their address registrations and families. The read is recorded with its purpose."""
    found = read_person(session, principal=principal, iin=iin, purpose=purpose)
    return PersonRecordRead(
        person=PersonRead.model_validate(found.person),
        addresses=[AddressRegistrationRead.model_validate(a) for a in found.addresses],
        families=[FamilyRead.model_validate(f) for f in found.families],
        purpose=purpose,
    )
