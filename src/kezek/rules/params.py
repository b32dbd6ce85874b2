"""Dated legal parameters, loaded from the YAML files in ``kezek/rules/parameters/``.

One file per topic. Every value has a ``start`` date, a ``reference`` (the act and its item) and,
where the act was repealed or the value was set for one year only, an explicit ``end``; values that
are yearly by nature carry a ``review_by`` date. A jurisdiction (a maslikhat or akimat, keyed by its
KATO code) may override a national value: the lookup tries the most specific area first
(settlement, okrug, district, region) and falls back to the national series; if no level has a value
on the date, :class:`MissingParameterError` names the parameter, the date, the jurisdiction and the
formula that asked. Loading the packaged files happens once, at first use; no other I/O.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kezek.rules.dates import check_kato, kato_ancestors
from kezek.rules.errors import MissingParameterError, ParameterFileError, UnknownParameterError
from kezek.rules.money import ratio_to_bp, tenge_to_tiyn, to_milli

# unit -> (converter to the stored integer or value, human description)
UNITS: dict[str, str] = {
    "tenge": "stored in tiyn",
    "ratio": "stored in basis points",
    "m2": "stored in dm2",
    "quantity": "stored in thousandths of the unit",
    "count": "integer",
    "years": "integer years",
    "months": "integer months",
    "days": "calendar days",
    "working_days": "working days",
    "minutes": "minutes",
    "flag": "true/false",
    "list": "list of strings",
    "text": "text",
}


def _convert(unit: str, raw: Any, where: str) -> Any:
    try:
        if unit == "tenge":
            return tenge_to_tiyn(raw)
        if unit == "ratio":
            return ratio_to_bp(raw)
        if unit == "m2":
            dm2 = Decimal(str(raw)) * 100
            if dm2 != dm2.to_integral_value():
                raise ValueError("finer than a square decimetre")
            return int(dm2)
        if unit == "quantity":
            return to_milli(raw)
        if unit in {"count", "years", "months", "days", "working_days", "minutes"}:
            if isinstance(raw, bool) or not isinstance(raw, int):
                raise ValueError("must be an integer")
            return raw
        if unit == "flag":
            if not isinstance(raw, bool):
                raise ValueError("must be true or false")
            return raw
        if unit == "list":
            if not isinstance(raw, list):
                raise ValueError("must be a list")
            return tuple(str(x) for x in raw)
        if unit == "text":
            return str(raw)
    except (ValueError, ArithmeticError) as exc:
        raise ParameterFileError(f"{where}: value {raw!r} ({unit}): {exc}") from exc
    raise ParameterFileError(f"{where}: unknown unit {unit!r} (known: {', '.join(UNITS)})")


@dataclass(frozen=True)
class DatedValue:
    start: date
    end: date | None  # inclusive last day; None = open
    value: Any
    raw: Any
    reference: str
    review_by: date | None = None
    note: str = ""

    def covers(self, on: date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class Series:
    values: tuple[DatedValue, ...]
    name: str = ""  # a jurisdiction's name

    def at(self, on: date) -> DatedValue | None:
        for v in self.values:
            if v.covers(on):
                return v
        return None


@dataclass(frozen=True)
class Parameter:
    name: str  # topic.key
    description: str
    unit: str
    national: Series
    jurisdictions: dict[str, Series] = field(default_factory=dict)
    file: str = ""


@dataclass(frozen=True)
class ParamValue:
    """A value as read by a formula: what, from which act, and which level of jurisdiction."""

    name: str
    value: Any
    raw: Any
    unit: str
    start: date
    end: date | None
    reference: str
    kato: str | None  # the jurisdiction whose override supplied it; None = national


@dataclass(frozen=True)
class StaleEntry:
    name: str
    kato: str | None
    start: date
    end: date | None
    review_by: date | None
    raw: Any
    reference: str
    why: str  # "runs_out" | "past_review"


def _as_date(raw: Any, where: str) -> date:
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError as exc:
        raise ParameterFileError(f"{where}: {raw!r} is not a date (YYYY-MM-DD)") from exc


def _series(items: Any, unit: str, where: str, name: str = "") -> Series:
    if not isinstance(items, list) or not items:
        raise ParameterFileError(f"{where}: 'values' must be a non-empty list")
    out: list[DatedValue] = []
    for i, item in enumerate(items):
        w = f"{where}[{i}]"
        if not isinstance(item, dict):
            raise ParameterFileError(f"{w}: each value is a mapping with start, value, reference")
        for key in ("start", "value", "reference"):
            if key not in item:
                raise ParameterFileError(f"{w}: missing {key!r}")
        unknown = set(item) - {"start", "end", "value", "reference", "review_by", "note"}
        if unknown:
            raise ParameterFileError(f"{w}: unknown keys {sorted(unknown)}")
        start = _as_date(item["start"], w)
        end = _as_date(item["end"], w) if item.get("end") is not None else None
        if end is not None and end < start:
            raise ParameterFileError(f"{w}: end {end} before start {start}")
        review = _as_date(item["review_by"], w) if item.get("review_by") is not None else None
        if not str(item["reference"]).strip():
            raise ParameterFileError(f"{w}: empty reference")
        out.append(
            DatedValue(
                start=start,
                end=end,
                value=_convert(unit, item["value"], w),
                raw=item["value"],
                reference=str(item["reference"]).strip(),
                review_by=review,
                note=str(item.get("note", "")),
            )
        )
    out.sort(key=lambda v: v.start)
    for a, b in itertools.pairwise(out):
        if a.end is None or a.end >= b.start:
            raise ParameterFileError(
                f"{where}: the value starting {a.start} overlaps the one starting {b.start} (give it an end)"
            )
    return Series(values=tuple(out), name=name)


class ParameterStore:
    """All parameters of all topics; immutable after loading."""

    def __init__(self, parameters: dict[str, Parameter]) -> None:
        self._params = parameters

    @classmethod
    def from_texts(cls, texts: dict[str, str]) -> ParameterStore:
        params: dict[str, Parameter] = {}
        for filename, text in sorted(texts.items()):
            try:
                doc = yaml.safe_load(text)
            except yaml.YAMLError as exc:
                raise ParameterFileError(f"{filename}: not valid YAML: {exc}") from exc
            if not isinstance(doc, dict) or "topic" not in doc or "parameters" not in doc:
                raise ParameterFileError(f"{filename}: needs 'topic' and 'parameters'")
            topic = str(doc["topic"])
            if Path(filename).stem != topic:
                raise ParameterFileError(f"{filename}: topic {topic!r} must match the file name")
            for key, spec in dict(doc["parameters"]).items():
                name = f"{topic}.{key}"
                where = f"{filename}: {key}"
                if not isinstance(spec, dict) or "unit" not in spec or "values" not in spec:
                    raise ParameterFileError(f"{where}: needs 'unit' and 'values'")
                unit = str(spec["unit"])
                if unit not in UNITS:
                    raise ParameterFileError(f"{where}: unknown unit {unit!r}")
                jur: dict[str, Series] = {}
                for kato, jspec in dict(spec.get("jurisdictions") or {}).items():
                    kato = str(kato)
                    try:
                        check_kato(kato)
                    except ValueError as exc:
                        raise ParameterFileError(f"{where}: jurisdiction {kato!r}: {exc}") from exc
                    jur[kato] = _series(
                        jspec.get("values"), unit, f"{where}: jurisdiction {kato}", str(jspec.get("name", ""))
                    )
                params[name] = Parameter(
                    name=name,
                    description=str(spec.get("description", "")),
                    unit=unit,
                    national=_series(spec["values"], unit, where) if spec["values"] else Series(()),
                    jurisdictions=jur,
                    file=filename,
                )
        return cls(params)

    def names(self) -> list[str]:
        return sorted(self._params)

    def parameter(self, name: str) -> Parameter:
        try:
            return self._params[name]
        except KeyError:
            raise UnknownParameterError(f"unknown parameter {name!r}") from None

    def has_overrides(self, name: str) -> bool:
        return bool(self.parameter(name).jurisdictions)

    def get(self, name: str, on: date, kato: str | None = None, *, asked_by: str = "?") -> ParamValue:
        p = self.parameter(name)
        if kato is not None and p.jurisdictions:
            for area in kato_ancestors(kato):
                series = p.jurisdictions.get(area)
                if series is None:
                    continue
                v = series.at(on)
                if v is not None:
                    return ParamValue(name, v.value, v.raw, p.unit, v.start, v.end, v.reference, area)
        v = p.national.at(on)
        if v is None:
            raise MissingParameterError(name, on, kato, asked_by)
        return ParamValue(name, v.value, v.raw, p.unit, v.start, v.end, v.reference, None)

    def __iter__(self) -> Iterator[Parameter]:
        return iter(self._params[n] for n in self.names())

    def stale(self, as_of: date, horizon_days: int = 90) -> list[StaleEntry]:
        """Values in force on `as_of` that run out within the horizon with nothing after them, or
        whose review date has passed."""
        limit = as_of + timedelta(days=horizon_days)
        out: list[StaleEntry] = []
        for p in self:
            for kato, series in [(None, p.national), *p.jurisdictions.items()]:
                current = series.at(as_of)
                if current is None:
                    continue
                if current.end is not None and current.end <= limit:
                    successor = series.at(current.end + timedelta(days=1))
                    if successor is None:
                        out.append(self._stale(p, kato, current, "runs_out"))
                        continue
                if current.review_by is not None and current.review_by <= as_of:
                    out.append(self._stale(p, kato, current, "past_review"))
        return out

    @staticmethod
    def _stale(p: Parameter, kato: str | None, v: DatedValue, why: str) -> StaleEntry:
        return StaleEntry(p.name, kato, v.start, v.end, v.review_by, v.raw, v.reference, why)


def _packaged_texts() -> dict[str, str]:
    folder = resources.files("kezek.rules") / "parameters"
    return {f.name: f.read_text(encoding="utf-8") for f in folder.iterdir() if f.name.endswith(".yaml")}


@functools.cache
def default_store() -> ParameterStore:
    """The packaged parameters (read once)."""
    return ParameterStore.from_texts(_packaged_texts())
