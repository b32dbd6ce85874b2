"""One error hierarchy, two renderings: RFC 9457 problem details on ``/api/*``, a friendly translated
page everywhere else. A user's mistake is a 4xx naming what was wrong; only our own faults are 500s."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kezek.errors import KezekError, NotAuthenticated
from kezek.logs import get_logger
from kezek.web import i18n
from kezek.web.i18n import gettext as _

log = get_logger("kezek.web")

PROBLEM_TYPE = "urn:kezek:problem:"
HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    422: "validation_failed",
    429: "too_many_requests",
    500: "internal_error",
}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def problem(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    headers: dict[str, str] | None = None,
    **members: Any,
) -> JSONResponse:
    body = {
        "type": PROBLEM_TYPE + code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "code": code,
        **members,
    }
    return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)


def friendly_title(code: str, status: int) -> str:
    """A translated heading for an error, by its code, else by its status."""
    titles = {
        "not_authenticated": _("Please sign in"),
        "forbidden": _("You are not allowed to do this"),
        "role_required": _("Your role does not allow this"),
        "out_of_jurisdiction": _("This record belongs to another jurisdiction"),
        "csrf_failed": _("The form has expired"),
        "not_found": _("Page not found"),
        "person_not_found": _("No person with this IIN"),
        "method_not_allowed": _("This address cannot be used this way"),
        "validation_failed": _("Some of the information is not valid"),
        "invalid_iin": _("This is not a valid IIN"),
        "bad_request": _("The request could not be understood"),
        "conflict": _("This conflicts with what is already recorded"),
        "too_many_requests": _("Too many attempts"),
        "oidc_failed": _("The identity provider did not confirm the sign-in"),
        "oidc_no_iin": _("The identity provider did not give your IIN"),
        "internal_error": _("Something went wrong on our side"),
    }
    return titles.get(code) or titles.get(HTTP_CODES.get(status, ""), "") or titles["bad_request"]


def friendly_hint(code: str, status: int) -> str:
    hints = {
        "out_of_jurisdiction": _(
            "You can open the records of people registered in your jurisdiction only. "
            "If this person has moved to you, ask the previous district to transfer the case."
        ),
        "role_required": _("Ask your administrator if you need this role."),
        "csrf_failed": _("Go back, reload the page and send the form again."),
        "not_found": _("Check the address, or start again from the home page."),
        "too_many_requests": _("Wait a few minutes and try again."),
        "oidc_failed": _("Start the sign-in again, or sign in with a one-time code."),
        "oidc_no_iin": _("Start the sign-in again, or sign in with a one-time code."),
        "internal_error": _("The error has been recorded. Please try again later."),
    }
    return hints.get(code) or hints.get(HTTP_CODES.get(status, ""), "")


def _translated_detail(detail: str) -> str | None:
    """The detail in the reader's language when the catalog has it; English only for English readers."""
    translated = i18n.catalog(i18n.current_language()).ugettext(detail)
    if translated != detail or i18n.current_language() == "en":
        return translated
    return None


def error_page(
    request: Request,
    *,
    status: int,
    code: str,
    detail: str | None = None,
    fields: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    context = {
        "status": status,
        "title": friendly_title(code, status),
        "hint": friendly_hint(code, status),
        "detail": detail,
        "fields": fields or [],
    }
    response: Response = request.app.state.templates.TemplateResponse(
        request, "error.html", context, status_code=status, headers=headers
    )
    return response


def _field_of(loc: tuple[Any, ...] | list[Any]) -> tuple[str, str]:
    where = str(loc[0]) if loc else ""
    name = ".".join(str(part) for part in loc[1:]) or where
    return where, name


async def kezek_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, KezekError)
    if exc.status >= 500:
        log.error("kezek error", code=exc.code, path=request.url.path)
    if is_api(request):
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, NotAuthenticated) else None
        return problem(
            request, status=exc.status, code=exc.code, title=exc.title, detail=exc.detail, headers=headers
        )
    sign_in = exc.extra.get("sign_in")
    if isinstance(exc, NotAuthenticated) and isinstance(sign_in, str) and request.method == "GET":
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"{sign_in}?next={quote(target, safe='')}", status_code=303)
    return error_page(request, status=exc.status, code=exc.code, detail=_translated_detail(exc.detail))


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = []
    for error in exc.errors():
        where, name = _field_of(error.get("loc", ()))
        errors.append(
            {"field": name, "in": where, "message": str(error.get("msg", "")), "type": error.get("type")}
        )
    if is_api(request):
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors)
        return problem(
            request,
            status=422,
            code="validation_failed",
            title="The input is not valid",
            detail=detail,
            errors=errors,
        )
    fields = [{"field": e["field"], "message": _("This value is missing or not valid.")} for e in errors]
    return error_page(request, status=422, code="validation_failed", fields=fields)


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    code = HTTP_CODES.get(exc.status_code, "bad_request" if exc.status_code < 500 else "internal_error")
    headers = dict(exc.headers) if exc.headers else None
    if is_api(request):
        return problem(
            request,
            status=exc.status_code,
            code=code,
            title=code.replace("_", " ").capitalize(),
            detail=str(exc.detail),
            headers=headers,
        )
    return error_page(request, status=exc.status_code, code=code, headers=headers)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    # Our fault, not the user's: log the type and place (never the request's data) and say sorry.
    log.error("unexpected error", error=type(exc).__name__, path=request.url.path, exc_info=exc)
    if is_api(request):
        return problem(
            request,
            status=500,
            code="internal_error",
            title="Internal error",
            detail="An unexpected error occurred",
        )
    return error_page(request, status=500, code="internal_error")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(KezekError, kezek_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
