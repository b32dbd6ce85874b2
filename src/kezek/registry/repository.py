"""Registry queries. Every query that returns personal data takes ``scopes`` and filters through
``kezek.auth.scope.scope_filter`` (the one jurisdiction helper); pass ``NATIONAL`` only where the
whole country is meant and say why at the call site."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from kezek.auth.scope import scope_filter
from kezek.models import AddressRegistration, Family, FamilyMember, Jurisdiction, Person

NATIONAL: tuple[str, ...] = ("",)


def get_person(session: Session, person_id: int, *, scopes: Iterable[str]) -> Person | None:
    return session.scalar(select(Person).where(Person.id == person_id, scope_filter(Person.kato, scopes)))


def get_person_by_iin(session: Session, iin: str, *, scopes: Iterable[str]) -> Person | None:
    return session.scalar(select(Person).where(Person.iin == iin, scope_filter(Person.kato, scopes)))


def iin_taken(session: Session, iin: str) -> bool:
    """Whether any person in the country has this IIN (uniqueness check; returns no personal data)."""
    return bool(session.scalar(select(exists().where(Person.iin == iin))))


def search_persons(
    session: Session,
    *,
    scopes: Iterable[str],
    text: str | None = None,
    kato_prefix: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> list[Person]:
    """Persons in scope, by IIN prefix or surname prefix, ordered by surname."""
    query = select(Person).where(scope_filter(Person.kato, scopes))
    if kato_prefix:
        query = query.where(Person.kato.startswith(kato_prefix, autoescape=True))
    if text:
        text = text.strip()
        query = query.where(
            or_(
                Person.iin.startswith(text, autoescape=True), Person.surname.startswith(text, autoescape=True)
            )
        )
    query = query.order_by(Person.surname, Person.given_name, Person.id).limit(limit).offset(offset)
    return list(session.scalars(query))


def count_persons(session: Session, *, scopes: Iterable[str]) -> int:
    return (
        session.scalar(select(func.count()).select_from(Person).where(scope_filter(Person.kato, scopes))) or 0
    )


def get_family(session: Session, family_id: int, *, scopes: Iterable[str]) -> Family | None:
    """A family in scope with its members (and their persons) loaded."""
    return session.scalar(
        select(Family)
        .where(Family.id == family_id, scope_filter(Family.kato, scopes))
        .options(selectinload(Family.members).selectinload(FamilyMember.person))
        .execution_options(populate_existing=True)  # fresh members after changes in this unit of work
    )


def families_of(session: Session, person_id: int, *, scopes: Iterable[str]) -> list[Family]:
    """The families (in scope) a person belongs to, members loaded."""
    query = (
        select(Family)
        .join(FamilyMember, FamilyMember.family_id == Family.id)
        .where(FamilyMember.person_id == person_id, scope_filter(Family.kato, scopes))
        .options(selectinload(Family.members).selectinload(FamilyMember.person))
        .order_by(Family.id)
        .execution_options(populate_existing=True)
    )
    return list(session.scalars(query).unique())


def members(session: Session, family_id: int) -> list[FamilyMember]:
    """The members of a family as stored now (callers have already checked the family's scope)."""
    return list(
        session.scalars(
            select(FamilyMember).where(FamilyMember.family_id == family_id).order_by(FamilyMember.id)
        )
    )


def membership(session: Session, family_id: int, person_id: int) -> FamilyMember | None:
    return session.scalar(
        select(FamilyMember).where(FamilyMember.family_id == family_id, FamilyMember.person_id == person_id)
    )


def registrations(session: Session, person_id: int, *, scopes: Iterable[str]) -> list[AddressRegistration]:
    """A person's registration history, newest first, if the person is in scope."""
    query = (
        select(AddressRegistration)
        .join(Person, Person.id == AddressRegistration.person_id)
        .where(AddressRegistration.person_id == person_id, scope_filter(Person.kato, scopes))
        .order_by(AddressRegistration.registered_from.desc(), AddressRegistration.id.desc())
    )
    return list(session.scalars(query))


def current_registration(
    session: Session, person_id: int, *, scopes: Iterable[str]
) -> AddressRegistration | None:
    history = registrations(session, person_id, scopes=scopes)
    return next((r for r in history if r.registered_to is None), None)


def get_jurisdiction(session: Session, kato: str) -> Jurisdiction | None:
    return session.get(Jurisdiction, kato)


def jurisdictions(
    session: Session, *, level: str | None = None, parent: str | None = None
) -> list[Jurisdiction]:
    query = select(Jurisdiction)
    if level is not None:
        query = query.where(Jurisdiction.level == level)
    if parent is not None:
        query = query.where(Jurisdiction.parent_kato == parent)
    return list(session.scalars(query.order_by(Jurisdiction.kato)))


def jurisdictions_by_code(session: Session, codes: Sequence[str]) -> dict[str, Jurisdiction]:
    found: dict[str, Jurisdiction] = {}
    for start in range(0, len(codes), 500):
        batch = codes[start : start + 500]
        for row in session.scalars(select(Jurisdiction).where(Jurisdiction.kato.in_(batch))):
            found[row.kato] = row
    return found


def population_is_empty(session: Session) -> bool:
    """No persons and no families at all (the bulk loader and the demo need an empty registry)."""
    return not session.scalar(select(exists().select_from(Person))) and not session.scalar(
        select(exists().select_from(Family))
    )
