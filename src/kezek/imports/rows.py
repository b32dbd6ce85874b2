"""One line of a queue list read into normalised values and the problems found in it.

Checks (issue 8): the IIN's structure and check digit; the birth date and sex encoded in the IIN
against the line's own columns; dates that exist and are not in the future; a known list. What
needs other lines or the database (duplicates, people already in Kezek) is decided in
``kezek.imports.service``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from kezek.imports import values as v
from kezek.imports.profiles import Layout
from kezek.imports.values import CellError, Problem
from kezek.imports.vocabulary import DEFAULT_CATEGORY, match_list, norm
from kezek.registry import iin as iin_rules

ESSENTIAL = ("iin", "full_name", "surname", "registered_at", "legacy_number")


@dataclass
class Context:
    today: date
    now: datetime
    kato: str
    timezone: str = "Asia/Almaty"
    date_order: str = "dmy"
    default_list: str | None = None  # from the profile, the sheet's name or a section heading


@dataclass
class QueueRow:
    sheet: str
    line: int
    raw: list[str]
    kind: str = "data"  # data | not_a_row | header_repeated
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    registered_at: datetime | None = None
    fingerprint: str = ""
    row_key: str = ""
    name_key: str | None = None

    def add(self, field_name: str, code: str, severity: str = "error", **params: Any) -> None:
        self.problems.append(Problem(field_name, code, severity, params))

    @property
    def iin(self) -> str | None:
        value = self.values.get("iin")
        return value if isinstance(value, str) else None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def flags(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "flag"]


def digest(payload: Any, size: int = 16) -> str:
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.blake2b(body.encode(), digest_size=size).hexdigest()


def name_key(surname: str | None, given: str | None, birth: str | None) -> str | None:
    if not surname or not given or not birth:
        return None
    return digest([norm(surname), norm(given), birth])


def section_list(cells: list[Any]) -> str | None:
    """A heading line naming a list ("2. Дети-сироты") sets the list of the lines below it."""
    filled = [c for c in cells if not v.is_blank(c)]
    if len(filled) != 1 or not isinstance(filled[0], str):
        return None
    label = filled[0].strip()
    while label[:1].isdigit() or label[:1] in ".) ":
        label = label[1:]
    found = match_list(label) or match_list(filled[0])
    return found[0] if found else None


def _repeats_header(cells: list[Any], layout: Layout) -> bool:
    """The header again (a page break of an export): the first mapped cell decides cheaply."""
    cols = list(layout.columns.values())
    if layout.header_norms is None:
        layout.header_norms = [norm(layout.headers[i]) if i < len(layout.headers) else "" for i in cols]
    if not cols:
        return False
    first = cols[0]
    if first >= len(cells) or norm(v.text(cells[first])) != layout.header_norms[0]:
        return False
    return [norm(v.text(cells[i])) if i < len(cells) else "" for i in cols] == layout.header_norms


def read_queue_row(sheet: str, line: int, cells: list[Any], layout: Layout, ctx: Context) -> QueueRow:
    raw = [v.text(c) for c in cells]
    while raw and not raw[-1]:
        raw.pop()
    row = QueueRow(sheet=sheet, line=line, raw=raw)
    cols = layout.columns

    def cell(name: str) -> Any:
        index = cols.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    if _repeats_header(cells, layout):
        row.kind = "header_repeated"
        row.add("row", "header_repeated")
        return _finish(row)
    filled = [c for c in cells if not v.is_blank(c)]
    lonely_text = len(filled) == 1 and not v.text(filled[0]).replace(" ", "").isdigit()
    if lonely_text or all(v.is_blank(cell(f)) for f in ESSENTIAL):
        row.kind = "not_a_row"
        row.add("row", "not_a_row")
        return _finish(row)
    if any("\ufffd" in c for c in raw):
        row.add("row", "encoding_damaged")

    info = _read_iin(row, cell("iin"))
    _read_names(row, cell)
    _read_birth_and_sex(row, cell, info, ctx)
    _read_registration(row, cell, ctx)
    _read_list(row, cell, ctx)
    _read_extras(row, cell, ctx)
    return _finish(row)


def _read_iin(row: QueueRow, value: Any) -> iin_rules.IinInfo | None:
    if v.is_blank(value):
        row.values["iin"] = None
        row.add("iin", "iin_missing", "flag")
        return None
    try:
        digits, notes = v.read_iin(value)
    except CellError as exc:
        row.values["iin"] = None
        row.values["iin_as_read"] = v.text(value)[:20]
        row.add("iin", exc.code, **exc.params)
        return None
    for note in notes:
        row.add("iin", note, "warning")
    row.values["iin"] = digits
    return iin_rules.parse(digits)


def _read_names(row: QueueRow, cell: Any) -> None:
    surname = given = patronymic = None
    try:
        if not v.is_blank(cell("surname")) or not v.is_blank(cell("given_name")):
            surname = v.check_name(v.text(cell("surname")), "surname") or None
            given = v.check_name(v.text(cell("given_name")), "given_name") or None
            patronymic = v.check_name(v.text(cell("patronymic")), "patronymic") or None
            if not surname or not given:
                row.add("surname" if not surname else "given_name", "name_incomplete")
        elif not v.is_blank(cell("full_name")):
            surname, given, patronymic = v.split_full_name(v.text(cell("full_name")))
        else:
            row.add("full_name", "name_missing")
    except CellError as exc:
        row.add(str(exc.params.get("field", "full_name")), exc.code)
    row.values.update(surname=surname, given_name=given, patronymic=patronymic)


def _read_birth_and_sex(row: QueueRow, cell: Any, info: iin_rules.IinInfo | None, ctx: Context) -> None:
    birth: date | None = info.birth_date if info else None
    sex: str | None = info.sex if info else None
    if info and info.birth_date > ctx.today:
        row.add("iin", "iin_future")
    raw_birth = cell("birth_date")
    if not v.is_blank(raw_birth):
        try:
            day, _ = v.parse_moment(raw_birth, ctx.today, ctx.date_order)
            v.check_past(day, ctx.today)
            if info and day != info.birth_date:
                row.add(
                    "birth_date",
                    "iin_birth_mismatch",
                    row_date=day.strftime("%d.%m.%Y"),
                    iin_date=info.birth_date.strftime("%d.%m.%Y"),
                )
            birth = birth or day
        except CellError as exc:
            row.add("birth_date", exc.code, **exc.params)
    raw_sex = cell("sex")
    if not v.is_blank(raw_sex):
        try:
            said = v.parse_sex(raw_sex)
            if sex and said != sex:
                row.add("sex", "iin_sex_mismatch")
            sex = sex or said
        except CellError as exc:
            row.add("sex", exc.code, "warning", **exc.params)
    row.values["birth_date"] = birth.isoformat() if birth else None
    row.values["sex"] = sex


def _read_registration(row: QueueRow, cell: Any, ctx: Context) -> None:
    raw = cell("registered_at")
    row.values["registered_at"] = None
    if v.is_blank(raw):
        row.add("registered_at", "date_missing")
        return
    try:
        day, at = v.parse_moment(raw, ctx.today, ctx.date_order)
        v.check_past(day, ctx.today)
    except CellError as exc:
        row.add("registered_at", exc.code, **exc.params)
        return
    try:
        at = at or v.parse_time(cell("registered_time"))
    except CellError as exc:
        row.add("registered_time", exc.code, **exc.params)
        return
    local = datetime.combine(day, at or time(), tzinfo=ZoneInfo(ctx.timezone))
    moment = local.astimezone(UTC)
    if moment > ctx.now:
        row.add("registered_at", "date_future", value=local.strftime("%d.%m.%Y %H:%M"))
        return
    birth = row.values.get("birth_date")
    if birth and day < date.fromisoformat(birth):
        row.add("registered_at", "registered_before_birth")
        return
    row.registered_at = moment
    row.values["registered_at"] = moment.isoformat()
    row.values["registered_time_given"] = at is not None


def _read_list(row: QueueRow, cell: Any, ctx: Context) -> None:
    list_code: str | None = None
    category: str | None = None
    raw_list, raw_category = cell("list"), cell("category")
    if not v.is_blank(raw_list):
        found = match_list(v.text(raw_list))
        if found is None:
            row.add("list", "list_unknown", value=v.text(raw_list)[:60])
        else:
            list_code, category = found
    if not v.is_blank(raw_category):
        found = match_list(v.text(raw_category))
        if found is not None:
            if list_code is None and v.is_blank(raw_list):
                list_code = found[0]
            if found[0] == list_code:
                category = found[1]
            else:
                row.add("category", "list_category_conflict", "warning", value=v.text(raw_category)[:60])
        row.values["category_text"] = v.text(raw_category)[:120]
    if list_code is None and v.is_blank(raw_list):
        if ctx.default_list:
            list_code = ctx.default_list
            category = category or DEFAULT_CATEGORY[list_code]
        else:
            row.add("list", "list_missing")
    row.values["list"] = list_code
    row.values["category"] = category


def _read_extras(row: QueueRow, cell: Any, ctx: Context) -> None:
    number = v.legacy_number(cell("legacy_number"))
    if number is None:
        row.add("legacy_number", "legacy_number_missing", "warning")
    row.values["legacy_number"] = number
    phone = None
    if not v.is_blank(cell("phone")):
        try:
            phone = v.parse_phone(cell("phone"))
        except CellError as exc:
            row.add("phone", exc.code, "warning")
    row.values["phone"] = phone
    size = None
    if not v.is_blank(cell("family_size")):
        try:
            size = v.parse_count(cell("family_size"), 1, 30, "family_size_invalid")
        except CellError as exc:
            row.add("family_size", exc.code, "warning", **exc.params)
    row.values["family_size"] = size
    kato = ctx.kato
    if not v.is_blank(cell("kato")):
        given = "".join(ch for ch in v.text(cell("kato")) if ch.isdigit())
        if len(given) == 9:
            kato = given
        else:
            row.add("kato", "kato_invalid", value=v.text(cell("kato"))[:20])
    row.values["kato"] = kato
    address = v.text(cell("address"))[:300]
    row.values["address"] = address or None


def _finish(row: QueueRow) -> QueueRow:
    vals = row.values
    row.name_key = name_key(vals.get("surname"), vals.get("given_name"), vals.get("birth_date"))
    row.fingerprint = (
        digest({k: vals.get(k) for k in sorted(vals)}) if row.kind == "data" else digest(row.raw)
    )
    if vals.get("iin"):
        row.row_key = f"i:{vals['iin']}"
    elif vals.get("legacy_number") and vals.get("list"):
        row.row_key = f"n:{vals['list']}:{vals['legacy_number']}"
    elif row.name_key:
        row.row_key = f"p:{row.name_key}"
    else:
        row.row_key = f"f:{row.fingerprint}"
    return row
