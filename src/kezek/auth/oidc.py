"""Citizens' sign-in through an OpenID Connect provider (authlib), when ``settings.oidc_*`` are set.

The provider must return the citizen's IIN: in an ``iin`` claim, or as the subject (``sub``) itself.
"""

from __future__ import annotations

from typing import Any

from authlib.integrations.starlette_client import OAuth

from kezek.settings import Settings

CLIENT_NAME = "citizen_oidc"


def oidc_configured(settings: Settings) -> bool:
    return bool(settings.oidc_server_metadata_url and settings.oidc_client_id)


def build_oauth(settings: Settings) -> OAuth | None:
    if not oidc_configured(settings):
        return None
    oauth = OAuth()
    oauth.register(
        CLIENT_NAME,
        server_metadata_url=settings.oidc_server_metadata_url,
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret or None,
        client_kwargs={"scope": "openid"},
    )
    return oauth


def iin_from_claims(claims: dict[str, Any]) -> str:
    value = claims.get("iin") or claims.get("sub") or ""
    return str(value).strip()
