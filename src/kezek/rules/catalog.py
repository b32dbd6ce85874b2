"""The message catalog (messages.yaml): kk, ru and en texts of outcomes, reasons, references,
variable labels and evidence lines."""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml

LANGS = ("kk", "ru", "en")


@functools.cache
def catalog() -> dict[str, dict[str, str]]:
    text = (resources.files("kezek.rules") / "messages.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    return {str(k): {lang: str(v[lang]) for lang in LANGS if lang in v} for k, v in data.items()}


def has(key: str) -> bool:
    return key in catalog()


def text(key: str, lang: str, **values: Any) -> str:
    """The text of `key` in `lang`; a missing key or language raises KeyError (tests keep it whole)."""
    if lang not in LANGS:
        raise ValueError(f"language must be one of {LANGS}, got {lang!r}")
    template = catalog()[key][lang]
    return template.format(**values) if values else template
