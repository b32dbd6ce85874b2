"""The shell's own pages: home, the officials' workspace home, the citizen's cabinet."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

import kezek.population
from kezek.auth.csrf import verify_csrf
from kezek.auth.deps import CurrentCitizen, CurrentOfficial, SessionDep, SettingsDep, render
from kezek.auth.otp import mask_iin
from kezek.models.registry import Jurisdiction
from kezek.web.i18n import current_language

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)


def _demo_sign_ins() -> list[dict[str, str]]:
    """Demo accounts, when the population package offers ``demo_sign_ins()`` (mappings or objects
    with ``kind`` official|citizen, ``login``, and optionally ``password`` and ``note``)."""
    source = getattr(kezek.population, "demo_sign_ins", None)
    if not callable(source):
        return []
    rows = []
    for item in source():
        get = item.get if isinstance(item, Mapping) else lambda key, obj=item: getattr(obj, key, None)
        rows.append({key: str(get(key) or "") for key in ("kind", "login", "password", "note")})
    return rows


@router.get("/")
def home(request: Request, settings: SettingsDep) -> Response:
    demo = settings.environment == "development"
    return render(request, "home.html", {"demo": demo, "demo_sign_ins": _demo_sign_ins() if demo else []})


def jurisdiction_names(session: Session, scopes: tuple[str, ...]) -> list[str]:
    """Readable names of an official's scopes (KATO prefixes) in the page's language: the broadest
    jurisdiction whose code starts with the prefix ("" stays "", the whole country)."""
    names = []
    for scope in scopes:
        unit = (
            session.scalars(
                select(Jurisdiction)
                .where(Jurisdiction.kato.startswith(scope))
                .order_by(Jurisdiction.kato)
                .limit(1)
            ).first()
            if scope
            else None
        )
        name = getattr(unit, f"name_{current_language()}", None) if unit else None
        names.append(f"{name} ({scope})" if name else scope)
    return names


@router.get("/official")
def workspace(request: Request, official: CurrentOfficial, session: SessionDep) -> Response:
    return render(
        request,
        "workspace.html",
        {
            "official": official,
            "roles": sorted(official.roles),
            "jurisdictions": jurisdiction_names(session, official.scopes),
        },
    )


@router.get("/citizen")
def cabinet(request: Request, person: CurrentCitizen) -> Response:
    full_name = " ".join(part for part in (person.surname, person.given_name, person.patronymic) if part)
    return render(request, "cabinet.html", {"full_name": full_name, "masked_iin": mask_iin(person.iin)})
