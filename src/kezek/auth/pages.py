"""Sign-in pages: officials by username and password, citizens by IIN and a one-time code (or an
OpenID Connect provider when one is configured), and signing out."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from authlib.integrations.starlette_client import OAuthError
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from kezek.audit.service import Actor, record
from kezek.auth import otp
from kezek.auth.csrf import verify_csrf
from kezek.auth.deps import (
    OTP_KEY,
    SessionDep,
    SettingsDep,
    end_session,
    person_by_iin,
    render,
    session_citizen,
    session_official,
    start_citizen_session,
    start_official_session,
)
from kezek.auth.oidc import CLIENT_NAME, iin_from_claims, oidc_configured
from kezek.auth.ratelimit import LoginLimiter
from kezek.auth.service import authenticate_official
from kezek.errors import BadRequest, NotFound, TooManyRequests
from kezek.logs import get_logger
from kezek.models.registry import Person
from kezek.registry import iin as iin_rules

router = APIRouter(dependencies=[Depends(verify_csrf)], include_in_schema=False)
log = get_logger("kezek.auth")

MAX_USERNAME = 64
MAX_PASSWORD = 1024  # argon2 on a megabyte "password" would be a cheap way to load the server


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this site (never ``//host`` or a full URL) may be a place to return to."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return default


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def limiter(request: Request) -> LoginLimiter:
    return request.app.state.login_limiter  # type: ignore[no-any-return]


def too_many(request: Request, template: str, context: dict[str, Any], wait: int) -> Response:
    context = {**context, "errors": {"form": "too_many"}, "retry_minutes": max(1, -(-wait // 60))}
    response = render(request, template, context, status_code=429)
    response.headers["Retry-After"] = str(wait)
    return response


# --- officials ----------------------------------------------------------------------------------


@router.get("/official/sign-in")
def official_sign_in_form(request: Request, session: SessionDep, next: str = "") -> Response:
    if session_official(request, session) is not None:
        return RedirectResponse(safe_next(next, "/official"), status_code=303)
    return render(
        request, "auth/official_sign_in.html", {"errors": {}, "username": "", "next": safe_next(next, "")}
    )


@router.post("/official/sign-in")
def official_sign_in(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    username = username.strip()
    context: dict[str, Any] = {"username": username[:MAX_USERNAME], "next": safe_next(next, "")}
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "required"
    elif len(username) > MAX_USERNAME:
        errors["username"] = "too_long"
    if not password:
        errors["password"] = "required"  # noqa: S105 (an error code, not a password)
    elif len(password) > MAX_PASSWORD:
        errors["password"] = "too_long"  # noqa: S105
    if errors:
        return render(request, "auth/official_sign_in.html", {**context, "errors": errors}, status_code=422)

    keys = (f"official-ip:{client_ip(request)}", f"official-user:{username.lower()}")
    wait = limiter(request).retry_after(*keys)
    if wait:
        log.warning("official sign-in rate-limited", retry_after=wait)
        return too_many(request, "auth/official_sign_in.html", context, wait)
    limiter(request).hit(*keys)

    official = authenticate_official(session, username=username, password=password)
    if official is None:
        log.info("official sign-in refused")
        errors = {"form": "bad_credentials"}
        return render(request, "auth/official_sign_in.html", {**context, "errors": errors}, status_code=400)
    limiter(request).clear(keys[1])
    start_official_session(request, official)
    record(
        session,
        actor=Actor("official", official.username),
        action="official.sign_in",
        object_type="official",
        object_id=official.id,
    )
    return RedirectResponse(safe_next(next, "/official"), status_code=303)


@router.post("/sign-out")
def sign_out(request: Request) -> Response:
    end_session(request)
    return RedirectResponse("/", status_code=303)


# --- citizens -----------------------------------------------------------------------------------


def _citizen_form_context(request: Request, settings: Any, **extra: Any) -> dict[str, Any]:
    return {"errors": {}, "iin": "", "oidc": oidc_configured(settings), **extra}


@router.get("/citizen/sign-in")
def citizen_sign_in_form(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    if session_citizen(request, session) is not None:
        return RedirectResponse("/citizen", status_code=303)
    return render(request, "auth/citizen_sign_in.html", _citizen_form_context(request, settings))


@router.post("/citizen/sign-in")
def citizen_request_code(
    request: Request, session: SessionDep, settings: SettingsDep, iin: Annotated[str, Form()] = ""
) -> Response:
    iin = iin_rules.normalise(iin)[:32]
    context = _citizen_form_context(request, settings, iin=iin)
    if not iin:
        context["errors"] = {"iin": "required"}
    else:
        try:
            iin_rules.parse(iin)
        except iin_rules.InvalidIin as exc:
            context["errors"] = {"iin": exc.detail}  # an English message marked for translation
    if context["errors"]:
        return render(request, "auth/citizen_sign_in.html", context, status_code=422)

    ip_key = f"citizen-ip:{client_ip(request)}"
    wait = limiter(request).retry_after(ip_key)
    if wait:
        return too_many(request, "auth/citizen_sign_in.html", context, wait)
    limiter(request).hit(ip_key)

    rate = limiter(request).rate
    try:
        issued = otp.issue_code(
            session,
            iin=iin,
            secret_key=settings.secret_key,
            ttl_seconds=settings.otp_ttl_seconds,
            max_codes=rate.amount,
            window=max(rate.window, timedelta(seconds=settings.otp_ttl_seconds)),
        )
    except TooManyRequests:
        return too_many(request, "auth/citizen_sign_in.html", context, int(rate.window.total_seconds()))
    # The same answer whether or not the IIN is in the registry, so the form cannot be used to
    # find out who is registered; only a registered person is sent the code.
    if person_by_iin(session, iin) is not None:
        otp.deliver_code(issued, iin=iin)
    else:
        log.info("citizen sign-in code not sent: IIN not in the registry", iin=otp.mask_iin(iin))
    request.session[OTP_KEY] = issued.id
    return RedirectResponse("/citizen/sign-in/code", status_code=303)


@router.get("/citizen/sign-in/code")
def citizen_code_form(request: Request) -> Response:
    if not isinstance(request.session.get(OTP_KEY), int):
        return RedirectResponse("/citizen/sign-in", status_code=303)
    return render(request, "auth/citizen_code.html", {"errors": {}, "attempts_left": None})


def _finish_citizen_sign_in(request: Request, session: Session, person: Person, how: str) -> Response:
    start_citizen_session(request, person)
    record(
        session,
        actor=Actor("citizen", str(person.id)),
        action="citizen.sign_in",
        object_type="person",
        object_id=person.id,
        kato=person.kato,
        reason=how,
    )
    return RedirectResponse("/citizen", status_code=303)


@router.post("/citizen/sign-in/code")
def citizen_check_code(
    request: Request, session: SessionDep, settings: SettingsDep, code: Annotated[str, Form()] = ""
) -> Response:
    code_id = request.session.get(OTP_KEY)
    if not isinstance(code_id, int):
        return RedirectResponse("/citizen/sign-in", status_code=303)
    code = "".join(code.split())
    if not (len(code) == otp.CODE_DIGITS and code.isascii() and code.isdigit()):
        errors = {"code": "required" if not code else "code_format"}
        return render(request, "auth/citizen_code.html", {"errors": errors, "attempts_left": None}, 422)

    ip_key = f"citizen-code-ip:{client_ip(request)}"
    wait = limiter(request).retry_after(ip_key)
    if wait:
        return too_many(request, "auth/citizen_code.html", {"attempts_left": None}, wait)
    limiter(request).hit(ip_key)

    result = otp.check_code(session, code_id=code_id, code=code, secret_key=settings.secret_key)
    if result.outcome is otp.CodeCheck.OK and result.iin:
        person = person_by_iin(session, result.iin)
        if person is not None:
            return _finish_citizen_sign_in(request, session, person, "one-time code")
    if result.outcome is not otp.CodeCheck.WRONG:
        request.session.pop(OTP_KEY, None)  # this code can no longer work: ask for a new one
    errors = {"code": f"code_{result.outcome.value}"}
    context = {"errors": errors, "attempts_left": result.attempts_left}
    return render(request, "auth/citizen_code.html", context, status_code=400)


# --- citizens through OpenID Connect ------------------------------------------------------------


def _oauth_client(request: Request) -> Any:
    oauth = request.app.state.oauth
    if oauth is None:
        raise NotFound("sign-in through an identity provider is not configured")
    return oauth.create_client(CLIENT_NAME)


@router.get("/citizen/sign-in/oidc")
async def citizen_oidc_start(request: Request) -> Response:
    client = _oauth_client(request)
    response: Response = await client.authorize_redirect(
        request, str(request.url_for("citizen_oidc_callback"))
    )
    return response


@router.get("/citizen/sign-in/oidc/callback", name="citizen_oidc_callback")
async def citizen_oidc_callback(request: Request, session: SessionDep) -> Response:
    client = _oauth_client(request)
    try:
        token = await client.authorize_access_token(request)
    except OAuthError as exc:
        log.info("oidc sign-in refused by the provider", error=exc.error)
        raise BadRequest("the identity provider did not confirm the sign-in", code="oidc_failed") from None
    claims = token.get("userinfo") or await client.userinfo(token=token)
    iin = iin_from_claims(dict(claims))
    if not iin_rules.is_valid(iin):
        raise BadRequest("the identity provider did not give a valid IIN", code="oidc_no_iin")
    # The provider's round trips are async; the database work runs in a thread like every other page.
    return await run_in_threadpool(_oidc_finish, request, session, iin)


def _oidc_finish(request: Request, session: Session, iin: str) -> Response:
    person = person_by_iin(session, iin)
    if person is None:
        raise NotFound("there is no person with this IIN in the registry", code="person_not_found")
    return _finish_citizen_sign_in(request, session, person, "openid connect")
