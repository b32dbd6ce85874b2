"""FastAPI dependencies shared by every face that serves HTTP: the request's unit of work, settings,
who is signed in, role checks, and page rendering.

They live here rather than in ``kezek.web`` so that domain packages' ``pages.py`` and
``endpoints.py`` can use them without importing the web face (an import-linter contract).

Sessions are Starlette's signed cookie (HttpOnly, SameSite=Lax, Secure when
``settings.secure_cookies``). It carries ids only, never an IIN or a name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.auth.csrf import SAFE_METHODS, csrf_token, token_matches
from kezek.auth.principal import Principal
from kezek.auth.tokens import find_api_token
from kezek.db import session_factory
from kezek.errors import CsrfFailed, Forbidden, NotAuthenticated
from kezek.models.auth import Official
from kezek.models.registry import Person
from kezek.settings import Settings

OFFICIAL_KEY = "official_id"
OFFICIAL_FINGERPRINT = "official_fp"
CITIZEN_KEY = "citizen_person_id"
OTP_KEY = "otp_code_id"

OFFICIAL_SIGN_IN = "/official/sign-in"
CITIZEN_SIGN_IN = "/citizen/sign-in"


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: committed after the handler returns, rolled back if it raises."""
    session = session_factory(request.app.state.engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": commit before the response leaves, so a failed commit is an error the client
# sees, and a client that follows a redirect at once finds the data already there.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, status_code: int = 200
) -> Response:
    """Render a page with the web face's templates (installed on ``app.state`` by the app factory)."""
    return request.app.state.templates.TemplateResponse(  # type: ignore[no-any-return]
        request, template, context or {}, status_code=status_code
    )


# --- signing in and out -------------------------------------------------------------------------


def _fingerprint(official: Official) -> str:
    # Changes when the password (hash) changes, which ends every session signed in with the old one.
    return hashlib.sha256(official.password_hash.encode()).hexdigest()[:16]


def start_official_session(request: Request, official: Official) -> None:
    request.session.clear()  # a fresh session (and CSRF token) at every sign-in
    request.session[OFFICIAL_KEY] = official.id
    request.session[OFFICIAL_FINGERPRINT] = _fingerprint(official)
    csrf_token(request)


def start_citizen_session(request: Request, person: Person) -> None:
    request.session.clear()
    request.session[CITIZEN_KEY] = person.id
    csrf_token(request)


def end_session(request: Request) -> None:
    request.session.clear()


# --- who is signed in ---------------------------------------------------------------------------


def session_official(request: Request, session: Session) -> Official | None:
    official_id = request.session.get(OFFICIAL_KEY)
    if not isinstance(official_id, int):
        return None
    official = session.get(Official, official_id)
    if official is None or not official.active:
        return None
    if request.session.get(OFFICIAL_FINGERPRINT) != _fingerprint(official):
        return None
    return official


def session_citizen(request: Request, session: Session) -> Person | None:
    person_id = request.session.get(CITIZEN_KEY)
    if not isinstance(person_id, int):
        return None
    return session.get(Person, person_id)


def current_official(request: Request, session: SessionDep) -> Principal:
    """The official signed in on the web (pages); otherwise the page asks them to sign in."""
    official = session_official(request, session)
    if official is None:
        raise NotAuthenticated("sign in as an official to open this page", sign_in=OFFICIAL_SIGN_IN)
    return Principal.of_official(official)


def current_api_principal(request: Request, session: SessionDep) -> Principal:
    """A system with ``Authorization: Bearer <token>``, or an official's browser session.

    A cookie-authenticated write must also carry the CSRF header (a bearer call carries no cookie).
    """
    authorization = request.headers.get("authorization", "")
    if authorization:
        scheme, _, value = authorization.partition(" ")
        token = find_api_token(session, value.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            raise NotAuthenticated("the bearer token is unknown or revoked")
        return Principal.of_token(token)
    official = session_official(request, session)
    if official is None:
        raise NotAuthenticated("send an API token: Authorization: Bearer <token>")
    if request.method not in SAFE_METHODS and not token_matches(request, request.headers.get("X-CSRF-Token")):
        raise CsrfFailed("a cookie-authenticated write needs the X-CSRF-Token header")
    return Principal.of_official(official)


def current_citizen(request: Request, session: SessionDep) -> Person:
    person = session_citizen(request, session)
    if person is None:
        raise NotAuthenticated("sign in to open your cabinet", sign_in=CITIZEN_SIGN_IN)
    return person


CurrentOfficial = Annotated[Principal, Depends(current_official)]
ApiPrincipal = Annotated[Principal, Depends(current_api_principal)]
CurrentCitizen = Annotated[Person, Depends(current_citizen)]


def require_role(*roles: str, api: bool = False) -> Callable[..., Principal]:
    """A dependency: the signed-in official (or, with ``api=True``, the calling system) holding at
    least one of ``roles``; anyone else gets 403."""
    base = current_api_principal if api else current_official

    # Depends as a default value: the closure's ``base`` could not be resolved from a postponed
    # (string) annotation.
    def dependency(principal: Principal = Depends(base)) -> Principal:
        if not principal.has_any_role(roles):
            raise Forbidden(f"this needs one of the roles: {', '.join(roles)}", code="role_required")
        return principal

    return dependency


def person_by_iin(session: Session, iin: str) -> Person | None:
    return session.scalar(select(Person).where(Person.iin == iin))
