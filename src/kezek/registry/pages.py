"""Officials' pages for persons: a search within one's jurisdiction and a person's record.

Opening a record asks for the purpose first; the read is then audited with it (kezek.audit).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import or_, select

from kezek.audit.service import record
from kezek.auth.csrf import verify_csrf
from kezek.auth.deps import SessionDep, render, require_role
from kezek.auth.principal import Principal
from kezek.auth.scope import scope_filter
from kezek.models.registry import Person
from kezek.registry import iin as iin_rules
from kezek.registry.endpoints import PERSON_READERS, PURPOSES, read_person

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)

Reader = Annotated[Principal, Depends(require_role(*PERSON_READERS))]

MAX_RESULTS = 50


@router.get("/official/persons")
def search_persons(
    request: Request, session: SessionDep, principal: Reader, q: str = "", purpose: str = ""
) -> Response:
    """Search by IIN or by the start of a surname, only among people in the official's jurisdiction."""
    q = " ".join(q.split())[:100]
    context: dict[str, object] = {
        "q": q,
        "purpose": purpose,
        "purposes": PURPOSES,
        "errors": {},
        "results": None,
    }
    if not q and not purpose:
        return render(request, "registry/search.html", context)
    errors = {}
    if not q:
        errors["q"] = "required"
    if purpose not in PURPOSES:
        errors["purpose"] = "required"
    if errors:
        return render(request, "registry/search.html", {**context, "errors": errors}, status_code=422)

    digits = iin_rules.normalise(q)
    if digits.isdigit():
        condition = (
            Person.iin == digits if len(digits) == 12 else Person.iin.startswith(digits, autoescape=True)
        )
    else:
        condition = or_(
            Person.surname.startswith(q, autoescape=True),
            Person.surname.startswith(q[:1].upper() + q[1:], autoescape=True),
        )
    results = session.scalars(
        select(Person)
        .where(condition, scope_filter(Person.kato, principal.scopes))
        .order_by(Person.surname, Person.given_name, Person.id)
        .limit(MAX_RESULTS + 1)
    ).all()
    # Search results show names and birth dates: a read of personal data, audited like one.
    record(
        session,
        actor=principal.actor,
        action="person.search",
        object_type="person",
        object_id="search",
        reason=purpose,
        after={"found": [p.id for p in results[:MAX_RESULTS]]},
    )
    context.update(results=results[:MAX_RESULTS], more=len(results) > MAX_RESULTS)
    return render(request, "registry/search.html", context)


@router.get("/official/persons/{iin}")
def person_page(
    request: Request, session: SessionDep, principal: Reader, iin: str, purpose: str = ""
) -> Response:
    iin = iin_rules.normalise(iin)
    if purpose not in PURPOSES:
        # Nothing is read until the official says why.
        iin_rules.parse(iin)
        errors = {"purpose": "required"} if purpose else {}
        return render(
            request,
            "registry/purpose.html",
            {"iin": iin, "purposes": PURPOSES, "errors": errors},
            status_code=422 if purpose else 200,
        )
    found = read_person(session, principal=principal, iin=iin, purpose=purpose)
    return render(request, "registry/person.html", {"file": found, "purpose": purpose})
