"""Reading one cell's value: dates (with times, Excel serial numbers), names, IINs, phones, numbers.

Each reader returns the value or raises :class:`CellError` with a problem code that the report
translates (``kezek.imports.messages``). Nothing here reads the clock: "today" is passed in.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from kezek.registry import iin as iin_rules

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (with Excel's 1900 leap-year quirk above 60)
EARLIEST = date(1900, 1, 1)

_MONTHS = {
    # Russian (genitive and nominative stems) and Kazakh month names.
    "янв": 1, "фев": 2, "мар": 3, "апр": 4, "мая": 5, "май": 5, "июн": 6, "июл": 7, "авг": 8,
    "сен": 9, "окт": 10, "ноя": 11, "дек": 12,
    "қаң": 1, "ақп": 2, "нау": 3, "сәу": 4, "мам": 5, "мау": 6, "шіл": 7, "там": 8, "қыр": 9,
    "қаз": 10, "қар": 11, "жел": 12,
}  # fmt: skip
_NUMERIC = re.compile(
    r"^(\d{1,4})[./\-](\d{1,2})[./\-](\d{1,4})(?:\s*(?:г\.?|ж\.?|года|жыл)?)?"
    r"(?:[ tT,]+(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\.\d+)?)?\s*(?:г\.?|ж\.?)?$"
)
_WORDS = re.compile(r"^(\d{1,2})\s+([^\d\s]+)\s+(\d{4})")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$")


class CellError(ValueError):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Problem:
    field: str
    code: str
    severity: str = "error"  # error (rejected) | flag (kept for a human) | warning (landed, noted)
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "code": self.code, "severity": self.severity, "params": self.params}


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Any) -> str:
    """A cell as text: whole floats without ``.0``; dates as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split())


def from_serial(serial: float) -> datetime:
    if not 1 <= serial < 2958466:
        raise CellError("date_invalid")
    whole = int(serial)
    moment = datetime.combine(EXCEL_EPOCH, time()) + timedelta(days=whole)
    seconds = round((serial - whole) * 86400)
    return moment + timedelta(seconds=seconds)


def _year(value: int, today: date) -> int:
    if value >= 100:
        return value
    # Two-digit years: the most recent year with those digits that is not in the future.
    century = today.year // 100 * 100
    return century + value if century + value <= today.year else century - 100 + value


def parse_moment(value: Any, today: date, order: str = "dmy") -> tuple[date, time | None]:
    """A date, and the time when the cell has one. ``order`` settles dd/mm vs mm/dd (default dmy)."""
    if isinstance(value, datetime):
        moment = value
        has_time = moment.time() != time()
        return moment.date(), (moment.time().replace(microsecond=0) if has_time else None)
    if isinstance(value, date):
        return value, None
    if isinstance(value, bool):
        raise CellError("date_invalid")
    if isinstance(value, int | float):
        if 19000101 <= value <= 21001231 and float(value).is_integer():  # yyyymmdd typed as a number
            return _ymd(int(value) // 10000, int(value) // 100 % 100, int(value) % 100), None
        moment = from_serial(float(value))
        return moment.date(), (moment.time() if moment.time() != time() else None)
    raw = text(value).lower().replace("\u00a0", " ")
    if not raw:
        raise CellError("date_missing")
    if re.fullmatch(r"\d{5}(?:\.\d+)?", raw):  # a serial number that became text in a CSV export
        return parse_moment(float(raw), today, order)
    found = _NUMERIC.match(raw)
    if found:
        a, b, c = (int(found.group(i)) for i in (1, 2, 3))
        if len(found.group(1)) == 4:
            day = _ymd(a, b, c)
        elif order == "mdy":
            day = _ymd(_year(c, today), a, b)
        else:
            day = _ymd(_year(c, today), b, a)
        hh = found.group(4)
        if hh is None:
            return day, None
        try:
            at = time(int(hh), int(found.group(5)), int(found.group(6) or 0))
        except ValueError:
            raise CellError("time_invalid", value=raw) from None
        return day, (at if at != time() else None)
    words = _WORDS.match(raw)
    if words:
        month = _MONTHS.get(words.group(2)[:3])
        if month:
            return _ymd(int(words.group(3)), month, int(words.group(1))), None
    raise CellError("date_unreadable", value=text(value)[:40])


def _ymd(y: int, m: int, d: int) -> date:
    try:
        return date(y, m, d)
    except ValueError:
        raise CellError("date_invalid", value=f"{d:02d}.{m:02d}.{y:04d}") from None


def parse_time(value: Any) -> time | None:
    if is_blank(value):
        return None
    if isinstance(value, time):
        return value.replace(microsecond=0)
    if isinstance(value, datetime):
        return value.time().replace(microsecond=0)
    if isinstance(value, float) and 0 <= value < 1:  # Excel stores a time as a fraction of a day
        seconds = round(value * 86400)
        return time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    found = _TIME.match(text(value))
    if not found:
        raise CellError("time_invalid", value=text(value)[:20])
    try:
        return time(int(found.group(1)), int(found.group(2)), int(found.group(3) or 0))
    except ValueError:
        raise CellError("time_invalid", value=text(value)[:20]) from None


def check_past(day: date, today: date) -> date:
    if day > today:
        raise CellError("date_future", value=day.isoformat())
    if day < EARLIEST:
        raise CellError("date_too_old", value=day.isoformat())
    return day


# --- IIN ------------------------------------------------------------------------------------------


def read_iin(value: Any) -> tuple[str, list[str]]:
    """The IIN's 12 digits and notes (``iin_zero_restored``); CellError names what is wrong."""
    notes: list[str] = []
    if isinstance(value, float):
        if not value.is_integer():
            raise CellError("iin_digits")
        if value >= 1e15:
            raise CellError("iin_length", length=len(f"{value:.0f}"))
        value = int(value)
    if isinstance(value, int):
        digits = str(value)
        if len(digits) == 11:  # the spreadsheet dropped the leading zero of a 2000s birth
            digits, notes = "0" + digits, ["iin_zero_restored"]
    else:
        raw = text(value)
        if re.fullmatch(r"\d(?:[.,]\d+)?[eE]\+?\d+", raw):
            raise CellError("iin_scientific", value=raw)
        digits = iin_rules.normalise(raw)
        if len(digits) == 11 and digits.isdigit() and iin_rules.is_valid("0" + digits):
            digits, notes = "0" + digits, ["iin_zero_restored"]
    try:
        iin_rules.parse(digits)
    except iin_rules.InvalidIin as exc:
        raise CellError(f"iin_{exc.reason}", length=len(digits)) from None
    return digits, notes


# --- Names, sex, phones, numbers ----------------------------------------------------------------

_NAME_OK = re.compile(r"^[^\W\d_]+(?:[-'’ ][^\W\d_]+)*\.?$")


_PATRONYMIC_TAILS = ("оглы", "кызы", "ұлы", "қызы", "улы", "кизи", "угли")


def _word_case(word: str) -> str:
    """IVANOV and ivanov become Ivanov; a word already in mixed case (McLaren, Жақсылықов-Әлі) stays."""
    if word.lower() in _PATRONYMIC_TAILS:
        return word.lower()
    if word.isupper() or word.islower():
        return "-".join(w[:1].upper() + w[1:].lower() for w in word.split("-"))
    return word


def tidy_name(part: str) -> str:
    words = " ".join(part.replace("\u00a0", " ").split()).strip(" ,.;").split(" ")
    return " ".join(_word_case(w) for w in words if w)


def check_name(part: str, field_name: str) -> str:
    value = tidy_name(part)
    if value and not _NAME_OK.match(value):
        raise CellError("name_characters", field=field_name)
    return value


def split_full_name(full: str) -> tuple[str, str, str | None]:
    """ "Surname Given Patronymic" (patronymic may be two words: "Гасан оглы"); at least two words."""
    words = tidy_name(full).split()
    if len(words) < 2:
        raise CellError("name_incomplete")
    surname, given, rest = words[0], words[1], words[2:]
    patronymic = " ".join(rest) if rest else None
    for part in words:
        if not _NAME_OK.match(part) and part.lower() not in _PATRONYMIC_TAILS:
            raise CellError("name_characters", field="full_name")
    return surname, given, patronymic


_SEX = {
    "м": "M", "m": "M", "муж": "M", "мужской": "M", "мужчина": "M", "ер": "M", "еркек": "M", "male": "M",
    "ж": "F", "f": "F", "жен": "F", "женский": "F", "женщина": "F", "әйел": "F", "айел": "F",
    "female": "F", "w": "F",
}  # fmt: skip


def parse_sex(value: Any) -> str:
    key = text(value).lower().strip(" .")
    if key not in _SEX:
        raise CellError("sex_unreadable", value=text(value)[:20])
    return _SEX[key]


def parse_phone(value: Any) -> str:
    digits = re.sub(r"\D", "", text(value))
    if len(digits) == 11 and digits[0] in "78":
        digits = digits[1:]
    if len(digits) != 10 or digits[0] != "7":  # mobile numbers: +7 7XX XXX XX XX
        raise CellError("phone_invalid")
    return "+7" + digits


def parse_count(value: Any, low: int, high: int, code: str) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = text(value)
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise CellError(code, value=raw[:20])
    return int(raw)


def legacy_number(value: Any) -> str | None:
    raw = text(value).strip().lstrip("№").strip()
    return raw[:32] or None
