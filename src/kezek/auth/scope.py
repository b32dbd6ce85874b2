"""Jurisdiction scoping: the one helper every query on personal data goes through.

An official's scopes are KATO prefixes ("" = the whole country). A row is in scope when its KATO
code starts with one of them. Regions are coded AB0000000, districts ABCD00000: the prefix of a
district is its first four digits, of a region its first two.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import ColumnElement, false, or_, true
from sqlalchemy.orm import InstrumentedAttribute

from kezek.errors import OutOfScope


def kato_prefix(kato: str) -> str:
    """The significant prefix of a KATO code: trailing zero groups stripped (AB, ABCD, ABCDEF, full)."""
    kato = kato.strip()
    for length in (2, 4, 6):
        if kato[length:].strip("0") == "":
            return kato[:length]
    return kato


def in_scope(kato: str | None, scopes: Iterable[str]) -> bool:
    if kato is None:
        return False
    return any(kato.startswith(prefix) for prefix in scopes)


def scope_filter(
    column: InstrumentedAttribute[str] | ColumnElement[str], scopes: Iterable[str]
) -> ColumnElement[bool]:
    """A WHERE clause restricting ``column`` (a KATO code) to the scopes."""
    prefixes = list(scopes)
    if "" in prefixes:
        return true()
    if not prefixes:
        return false()
    return or_(*(column.startswith(prefix, autoescape=True) for prefix in prefixes))


def require_in_scope(kato: str | None, scopes: Iterable[str], what: str = "record") -> None:
    if not in_scope(kato, scopes):
        raise OutOfScope(f"this {what} belongs to another jurisdiction")
