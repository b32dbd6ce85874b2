"""KATO codes (stat.gov.kz classifier, domain.md §10.2): levels, parents, and reading the classifier file.

A code is 9 digits ``AB CD EF HIJ``. Kezek keeps jurisdictions down to the level where the housing
queue is kept (district / city akimat); rural okrugs and settlements are skipped. The level comes
from the code itself (see ``data/README.md`` for the rule and how far the shipped codes are confirmed).

Reading never stops at a bad row: each one is reported with its line and reason, the good rows are
returned (architecture: "bad input gets a clear error and loses nothing").
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REFERENCE_PATH = Path(__file__).parent / "data" / "kato.csv"

# Cities of republican significance: Astana, Almaty, Shymkent (codes: see data/README.md).
REPUBLICAN_CITIES = frozenset({"71", "75", "79"})
# The three cities where the Otbasy regime requires 3 years of registration (domain.md §1.2).
THREE_YEAR_CITIES = frozenset({"710000000", "750000000", "790000000"})

LEVELS = ("region", "city_republican", "district", "city")
REQUIRED_COLUMNS = ("TE",)
NAME_COLUMNS = ("NAME_KAZ", "NAME_RUS")


@dataclass(frozen=True)
class KatoEntry:
    code: str
    level: str
    parent: str | None
    name_kk: str
    name_ru: str
    name_en: str | None  # None when the file has no English name


@dataclass(frozen=True)
class RowProblem:
    line: int
    code: str
    reason: str


@dataclass
class ClassifierFile:
    entries: list[KatoEntry] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    below_level: int = 0  # rural okrugs and settlements, skipped on purpose


def is_code(text: str) -> bool:
    return len(text) == 9 and text.isascii() and text.isdigit()


def region_of(code: str) -> str:
    """The region (or city of republican significance) a code belongs to: ``AB0000000``."""
    return code[:2] + "0000000"


def level_of(code: str) -> str | None:
    """The jurisdiction level of a code, or None when it is below district level (skipped)."""
    ab, cd, ef, hij = code[0:2], code[2:4], code[4:6], code[6:9]
    if cd == "00" and ef == "00" and hij == "000":
        return "city_republican" if ab in REPUBLICAN_CITIES else "region"
    if hij != "000":
        return None
    if ab in REPUBLICAN_CITIES:
        return "district"
    if ef != "00" or cd == "00":
        return None
    return "city" if 10 <= int(cd) <= 19 else "district"


def parent_of(code: str) -> str | None:
    level = level_of(code)
    if level in ("region", "city_republican") or level is None:
        return None
    return region_of(code)


# A plain romanisation for names the official file gives only in Kazakh and Russian. It is a
# fallback for display, not an official transliteration.
_ROMAN = {
    "а": "a", "ә": "a", "б": "b", "в": "v", "г": "g", "ғ": "gh", "д": "d", "е": "e", "ё": "yo",
    "ж": "zh", "з": "z", "и": "i", "й": "y", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n",
    "ң": "ng", "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "u",
    "ү": "u", "ф": "f", "х": "kh", "һ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "",
    "ы": "y", "і": "i", "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip


def romanise(text: str) -> str:
    out = []
    for ch in text:
        low = ch.lower()
        if low in _ROMAN:
            rom = _ROMAN[low]
            out.append(rom.capitalize() if ch != low and rom else rom)
        else:
            out.append(ch)
    return "".join(out)


def _delimiter(text: str) -> str:
    """The delimiter that splits the header line (the one with a TE cell); title lines may come first."""
    for line in text.splitlines()[:50]:
        for delimiter in (",", ";", "\t"):
            if "TE" in (cell.strip().strip('"').upper() for cell in line.split(delimiter)):
                return delimiter
    return ","


def _rows_from_csv(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1251")  # Excel's "CSV" export on Russian-language Windows
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    yield from _rows_with_header(enumerate(reader, start=1))


def _rows_from_xlsx(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        rows = (
            (n, ["" if v is None else str(v).strip() for v in values])
            for n, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        yield from _rows_with_header(rows)
    finally:
        workbook.close()


def _rows_with_header(rows: Iterable[tuple[int, list[str]]]) -> Iterator[tuple[int, dict[str, str]]]:
    """Skip title lines until the header row (the one with a ``TE`` cell); then yield dicts."""
    header: list[str] | None = None
    for line, cells in rows:
        if header is None:
            normalised = [c.strip().upper() for c in cells]
            if "TE" in normalised:
                header = normalised
            continue
        if not any(c.strip() for c in cells):
            continue
        yield line, {name: (cells[i].strip() if i < len(cells) else "") for i, name in enumerate(header)}
    if header is None:
        raise ValueError("no header row with a TE column: is this the KATO classifier file?")


def _code_text(value: str) -> str:
    """Codes read from Excel may come back as numbers ('710000000.0') or lose their leading zero."""
    value = value.strip()
    if value.endswith(".0"):
        value = value[:-2]
    return value


def read_classifier(path: Path) -> ClassifierFile:
    """Read the official classifier file (xlsx or csv). Raises ValueError if it has no header."""
    rows = _rows_from_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _rows_from_csv(path)
    result = ClassifierFile()
    seen: dict[str, int] = {}
    for line, row in rows:
        code = _code_text(row.get("TE", ""))
        if not is_code(code):
            result.problems.append(RowProblem(line, code, f"TE must be 9 digits, got {code!r}"))
            continue
        parts = [_code_text(row.get(col, "")) for col in ("AB", "CD", "EF", "HIJ")]
        if all(parts) and "".join(p.zfill(w) for p, w in zip(parts, (2, 2, 2, 3), strict=True)) != code:
            result.problems.append(RowProblem(line, code, "TE does not match its parts AB CD EF HIJ"))
            continue
        name_kk, name_ru = row.get("NAME_KAZ", ""), row.get("NAME_RUS", "")
        if not name_kk and not name_ru:
            result.problems.append(RowProblem(line, code, "the row has neither NAME_KAZ nor NAME_RUS"))
            continue
        if code in seen:
            result.problems.append(RowProblem(line, code, f"code repeated (first on line {seen[code]})"))
            continue
        seen[code] = line
        level = level_of(code)
        if level is None:
            result.below_level += 1
            continue
        result.entries.append(
            KatoEntry(
                code=code,
                level=level,
                parent=parent_of(code),
                name_kk=name_kk or name_ru,
                name_ru=name_ru or name_kk,
                name_en=row.get("NAME_ENG") or None,
            )
        )
    return result


def reference() -> list[KatoEntry]:
    """The shipped reference (``data/kato.csv``); it must read without a single problem."""
    parsed = read_classifier(REFERENCE_PATH)
    if parsed.problems:
        raise RuntimeError(f"the shipped KATO reference has problems: {parsed.problems[:3]}")
    return parsed.entries
