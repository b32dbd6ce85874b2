"""One error hierarchy. Each error carries its HTTP status and a machine-readable code.

The web layer renders these as problem-details JSON on the API and as a friendly page on the web;
a user's mistake is always a 4xx with a reason, never a 500.
"""

from __future__ import annotations

from typing import Any


class KezekError(Exception):
    status: int = 500
    code: str = "internal_error"
    title: str = "Internal error"

    def __init__(self, detail: str = "", *, code: str | None = None, **extra: Any) -> None:
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        if code:
            self.code = code
        self.extra = extra


class BadRequest(KezekError):
    status = 400
    code = "bad_request"
    title = "Bad request"


class ValidationFailed(KezekError):
    status = 422
    code = "validation_failed"
    title = "The input is not valid"


class NotAuthenticated(KezekError):
    status = 401
    code = "not_authenticated"
    title = "Sign in required"


class Forbidden(KezekError):
    status = 403
    code = "forbidden"
    title = "Not allowed"


class OutOfScope(Forbidden):
    code = "out_of_jurisdiction"
    title = "Outside your jurisdiction"


class NotFound(KezekError):
    status = 404
    code = "not_found"
    title = "Not found"


class Conflict(KezekError):
    status = 409
    code = "conflict"
    title = "Conflict"


class TooManyRequests(KezekError):
    status = 429
    code = "too_many_requests"
    title = "Too many attempts"


class CsrfFailed(Forbidden):
    code = "csrf_failed"
    title = "The form has expired; reload the page and try again"
