"""Languages: Kazakh, Russian, English, from Babel catalogs in ``web/translations``.

The compiled ``.mo`` files are build products (``make translations``) kept out of git. When one is
missing or older than its ``.po``, the catalog is compiled in memory on first use, so a fresh clone
and the tests work without the build step.

The current language of a request lives in a context variable set by the language middleware, so
templates, error handlers and Python code all translate the same way without passing it around.
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.dates import format_date as babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

from kezek.settings import LANGUAGES

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
DOMAIN = "messages"
LANGUAGE_COOKIE = "kezek_lang"

# Each language's name written in that language, for the language switch.
LANGUAGE_NAMES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

_current: ContextVar[str] = ContextVar("kezek_language", default="kk")


def set_language(lang: str) -> None:
    _current.set(lang if lang in LANGUAGES else "kk")


def current_language() -> str:
    return _current.get()


def pick_language(*candidates: str | None, default: str) -> str:
    """The first candidate that is a supported language code, else the default."""
    for candidate in candidates:
        if candidate and candidate.strip().lower()[:2] in LANGUAGES:
            return candidate.strip().lower()[:2]
    return default


def _load(po_path: Path, lang: str) -> Translations | None:
    """One catalog file: its compiled .mo if that is current, else the .po compiled in memory."""
    mo_path = po_path.with_suffix(".mo")
    if mo_path.exists() and (not po_path.exists() or mo_path.stat().st_mtime >= po_path.stat().st_mtime):
        with mo_path.open("rb") as fp:
            return Translations(fp, domain=DOMAIN)
    if not po_path.exists():
        return None
    with po_path.open("rb") as fp:
        parsed = read_po(fp, locale=lang, domain=DOMAIN)
    buffer = BytesIO()
    write_mo(buffer, parsed)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


def catalog_files(lang: str) -> list[Path]:
    """The catalogs of one language: ``messages.po`` first, then one per area (``queue.po``, ...).

    Each area of Kezek (queue, allocation, assistance, imports, ...) keeps its own catalog so that its
    strings are reviewed beside its code; at run time they are merged into one.
    """
    directory = TRANSLATIONS_DIR / lang / "LC_MESSAGES"
    areas = sorted(p for p in directory.glob("*.po") if p.stem != DOMAIN)
    return [directory / f"{DOMAIN}.po", *areas]


@lru_cache(maxsize=len(LANGUAGES))
def catalog(lang: str) -> NullTranslations:
    """All translations of one language, merged from its catalogs."""
    merged: Translations | None = None
    for po_path in catalog_files(lang):
        loaded = _load(po_path, lang)
        if loaded is None:
            continue
        if merged is None:
            merged = loaded
        else:
            merged.merge(loaded)
    return merged if merged is not None else NullTranslations()


def gettext(message: str, **variables: Any) -> str:
    text = catalog(current_language()).ugettext(message)
    return text % variables if variables else text


def ngettext(singular: str, plural: str, n: int, **variables: Any) -> str:
    text = catalog(current_language()).ungettext(singular, plural, n)
    return text % {"num": n, **variables}


def format_date(value: date | None, form: str = "long") -> str:
    """A date written the way the current language writes it (Babel's CLDR data)."""
    if value is None:
        return ""
    return babel_format_date(value, format=form, locale=current_language())
