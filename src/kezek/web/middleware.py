"""Plain ASGI middleware: the request's language, and security headers on every response."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kezek.settings import LANGUAGES
from kezek.web.i18n import LANGUAGE_COOKIE, pick_language, set_language

ONE_YEAR = 365 * 24 * 3600


class LanguageMiddleware:
    """Language from ``?lang=`` (remembered in a cookie), else the cookie, else the default."""

    def __init__(self, app: ASGIApp, *, default: str, secure_cookies: bool) -> None:
        self.app = app
        self.default = default
        self.secure = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        asked = connection.query_params.get("lang", "").strip().lower()
        remembered = connection.cookies.get(LANGUAGE_COOKIE)
        lang = pick_language(asked, remembered, default=self.default)
        set_language(lang)
        scope.setdefault("state", {})["lang"] = lang
        remember = asked in LANGUAGES and asked != remembered

        async def send_with_language(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Content-Language"] = lang
                if remember:
                    cookie = f"{LANGUAGE_COOKIE}={lang}; Path=/; Max-Age={ONE_YEAR}; SameSite=Lax; HttpOnly"
                    headers.append("Set-Cookie", cookie + ("; Secure" if self.secure else ""))
            await send(message)

        await self.app(scope, receive, send_with_language)


# The pages load only Kezek's own CSS and scripts; the API docs (Swagger UI) load theirs from a CDN,
# so they are left without this policy.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    def __init__(self, app: ASGIApp, *, docs_path: str = "/api/docs") -> None:
        self.app = app
        self.docs_path = docs_path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with_csp = not scope["path"].startswith(self.docs_path)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "same-origin")
                if with_csp:
                    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            await send(message)

        await self.app(scope, receive, send_with_headers)
