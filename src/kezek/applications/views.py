"""What the pages of cases, notices and the queue share: names of codes in the page's language,
form parsing without surprises, and turning a service's refusal into form errors (never a 500)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import Request
from starlette.datastructures import UploadFile

from kezek import clock
from kezek.errors import KezekError
from kezek.notices import document, texts
from kezek.rules.registration import PRIORITY_CATEGORIES

# Which form field a service's error code belongs to (the rest go to the top of the form).
FIELD_OF_CODE = {
    "bad_language": "language",
    "bad_kato": "kato",
    "bad_iin": "applicant_iin",
    "unknown_iin": "applicant_iin",
    "deceased": "applicant_iin",
    "bad_phone": "phone",
    "bad_email": "email",
    "power_required": "power_of_attorney",
    "consent_required": "consent",
    "file_too_large": "file",
    "file_empty": "file",
    "file_type_not_allowed": "file",
    "file_extension_mismatch": "file",
    "reason_required": "reason_codes",
    "bad_outcome": "outcome",
    "note_required": "note",
    "request_text_required": "text",
    "unknown_reason": "reason_code",
    "decision_required": "decision_ref",
    "bad_successor": "successor",
    "unknown_list": "list_code",
    "bad_page": "page",
    "bad_search": "q",
}
CLAIMABLE = tuple(code for code in PRIORITY_CATEGORIES if code != "none")


class Names:
    """Names of codes in a language (lists, categories, reasons, systems, statuses, channels)."""

    def list(self, code: str | None, lang: str) -> str:
        return document.list_text(code, lang)

    def category(self, code: str | None, lang: str) -> str:
        return document.category_text(code, lang)

    def reason(self, code: str | None, lang: str) -> str:
        return document.reason_text(code, lang)

    def system(self, code: str | None, lang: str) -> str:
        return texts.pick(texts.SYSTEMS, code, lang)

    def channel(self, code: str | None, lang: str) -> str:
        return texts.pick(texts.CHANNELS, code, lang)

    def regime(self, code: str | None, lang: str) -> str:
        return texts.pick(texts.REGIMES, code, lang)

    def notice(self, code: str | None, lang: str) -> str:
        return texts.pick(texts.TITLES, code, lang)

    def text(self, value: Any, lang: str) -> str:
        return document.localized(value, lang)


NAMES = Names()


def local(moment: datetime | None) -> str:
    return clock.to_local(moment).strftime("%d.%m.%Y %H:%M") if moment else ""


def day(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def waiting_for(fetch_error: str | None) -> list[str]:
    """The state systems a case is waiting for, from its recorded reason ("property: timeout, ...")."""
    systems = []
    for part in (fetch_error or "").split(","):
        name = part.split(":", 1)[0].strip()
        if name and name.replace("_", "").isalpha() and name in texts.SYSTEMS:
            systems.append(name)
    return systems


def base_context(**values: Any) -> dict[str, Any]:
    return {
        "names": NAMES,
        "local": local,
        "day": day,
        "today": clock.today_local(),
        "waiting_for": waiting_for,
        **values,
    }


def form_errors(exc: KezekError) -> dict[str, str]:
    """``{field: error code}``; the templates name each code in the page's language."""
    return {FIELD_OF_CODE.get(exc.code, "form"): exc.code}


async def form_data(request: Request) -> tuple[dict[str, str], dict[str, list[str]], dict[str, UploadFile]]:
    """The form's single values, multi-values and files (missing fields are simply absent)."""
    form = await request.form()
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    files: dict[str, UploadFile] = {}
    for key, value in form.multi_items():
        if isinstance(value, UploadFile):
            files[key] = value
            continue
        text = str(value)[:4000]
        single.setdefault(key, text)
        multi.setdefault(key, []).append(text)
    return single, multi, files


async def read_upload(upload: UploadFile, limit: int) -> bytes:
    """At most ``limit + 1`` bytes: enough to know a file is too large without reading all of it."""
    return await upload.read(limit + 1)
