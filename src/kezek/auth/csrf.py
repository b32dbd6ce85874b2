"""CSRF protection for forms: a random token per session, sent back in a hidden field or a header.

Every page router carries ``verify_csrf`` as a dependency, so each POST (PUT, PATCH, DELETE) to a
page is refused unless it carries the session's token; the API checks it for cookie-authenticated
writes (bearer-token calls carry no cookie and need none).
"""

from __future__ import annotations

import hmac
import secrets

from fastapi import Request

from kezek.errors import CsrfFailed

SESSION_KEY = "csrf"
FORM_FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


def csrf_token(request: Request) -> str:
    """The session's token, created on first use (the session cookie then carries it)."""
    token = request.session.get(SESSION_KEY)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        request.session[SESSION_KEY] = token
    return token


def token_matches(request: Request, sent: str | None) -> bool:
    expected = request.session.get(SESSION_KEY)
    if not isinstance(expected, str) or not expected or not sent:
        return False
    return hmac.compare_digest(expected.encode(), sent.encode())


async def verify_csrf(request: Request) -> None:
    """Refuse an unsafe request whose form field or header does not carry the session's token."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(HEADER)
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(FORM_FIELD)
            sent = value if isinstance(value, str) else None
    if not token_matches(request, sent):
        raise CsrfFailed("the form's security token is missing or does not match this session")
