"""Jinja2 templates with Babel's gettext; what every page's context carries."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from fastapi import Request
from fastapi.templating import Jinja2Templates

from kezek import __version__
from kezek.auth.csrf import FORM_FIELD, csrf_token
from kezek.auth.deps import CITIZEN_KEY, OFFICIAL_KEY
from kezek.settings import LANGUAGES, Settings
from kezek.web import i18n

TEMPLATES_DIR = Path(__file__).parent / "templates"


def _language_links(request: Request) -> list[dict[str, Any]]:
    params = [(k, v) for k, v in request.query_params.multi_items() if k != "lang"]
    links = []
    for code in LANGUAGES:
        query = urlencode([*params, ("lang", code)])
        links.append({"code": code, "name": i18n.LANGUAGE_NAMES[code], "href": f"{request.url.path}?{query}"})
    return links


def build_templates(settings: Settings) -> Jinja2Templates:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(["html"]),
        extensions=["jinja2.ext.i18n"],
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(  # type: ignore[attr-defined]
        lambda message: i18n.catalog(i18n.current_language()).ugettext(message),
        lambda singular, plural, n: i18n.catalog(i18n.current_language()).ungettext(singular, plural, n),
        newstyle=True,
    )
    env.filters["date"] = i18n.format_date
    env.globals.update(version=__version__, csrf_field=FORM_FIELD)

    def page_context(request: Request) -> dict[str, Any]:
        session = request.scope.get("session") or {}
        who = "official" if OFFICIAL_KEY in session else "citizen" if CITIZEN_KEY in session else None
        return {
            "lang": i18n.current_language(),
            "language_links": _language_links(request),
            # A callable, so that only pages with a form give the visitor a session cookie.
            "csrf_token": lambda: csrf_token(request),
            "signed_in_as": who,
            "environment": settings.environment,
            "path": request.url.path,
        }

    return Jinja2Templates(env=env, context_processors=[page_context])
