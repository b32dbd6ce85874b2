"""Request-scoped dependencies for the web face. They are defined in ``kezek.auth.deps`` (so that
domain packages' pages and endpoints can use them without importing the face) and re-exported here:
one definition, so FastAPI shares one session per request whichever name a route uses."""

from __future__ import annotations

from kezek.auth.deps import (
    ApiPrincipal,
    CurrentCitizen,
    CurrentOfficial,
    SessionDep,
    SettingsDep,
    get_session,
    get_settings_dep,
    render,
    require_role,
)

__all__ = [
    "ApiPrincipal",
    "CurrentCitizen",
    "CurrentOfficial",
    "SessionDep",
    "SettingsDep",
    "get_session",
    "get_settings_dep",
    "render",
    "require_role",
]
