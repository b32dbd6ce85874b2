"""Reading the spreadsheets akimats keep: CSV in any encoding and delimiter, XLSX, ODS (and old XLS).

Every reader streams ``(line, cells)`` pairs per sheet, ``line`` being the number a person sees in
the file (the physical line of a CSV record, the row number of a spreadsheet), so every reported
problem can be found in the original. Cells keep their types where the format has them (numbers,
dates); CSV cells are strings.

Encodings: UTF-8 with or without BOM, UTF-16 with BOM, Windows-1251, and its Kazakh variant
KZ-1048 (Windows-1251 has no Kazakh letters; KZ-1048 replaces a few rarely used Cyrillic letters
with Ә, Ғ, Қ, Ң, Ө, Ұ, Ү, Һ). Between the two single-byte code pages the one that decodes the
sample into more letters of the Kazakh and Russian alphabets wins.
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from kezek.errors import ValidationFailed

SAMPLE_BYTES = 1 << 20
DELIMITERS = (";", ",", "\t", "|")
# Letters expected in akimats' files: Russian and Kazakh Cyrillic, Latin, digits, punctuation.
_KAZAKH = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
_EXPECTED = set(
    "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
    + _KAZAKH
    + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    + " \t\r\n.,;:-_/()\"'№«»–—!?%+=|"
)

csv.field_size_limit(1 << 24)


class UnreadableFile(ValidationFailed):
    code = "unreadable_file"
    title = "The file cannot be read"


@dataclass
class Sheet:
    name: str
    rows: Iterator[tuple[int, list[Any]]]


@dataclass
class Source:
    """An opened file: its format, what was detected, and its sheets (one for CSV)."""

    path: Path
    format: str  # csv | xlsx | ods | xls
    encoding: str | None = None
    delimiter: str | None = None
    sheet_names: list[str] = field(default_factory=list)
    _closers: list[Any] = field(default_factory=list)

    def sheets(self) -> Iterator[Sheet]:
        if self.format == "csv":
            yield Sheet("", _csv_rows(self.path, self.encoding or "utf-8", self.delimiter or ","))
        elif self.format == "xlsx":
            yield from _xlsx_sheets(self.path)
        else:
            yield from _calamine_sheets(self.path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fp:
        for block in iter(lambda: fp.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def detect_format(path: Path) -> str:
    with path.open("rb") as fp:
        head = fp.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as zf:
                names = set(zf.namelist())
                if "mimetype" in names and b"opendocument.spreadsheet" in zf.read("mimetype"):
                    return "ods"
                if any(n.startswith("xl/") for n in names):
                    return "xlsx"
        except zipfile.BadZipFile:
            raise UnreadableFile("the file looks like a damaged ZIP archive (XLSX/ODS)") from None
        raise UnreadableFile("a ZIP archive that is neither an XLSX nor an ODS spreadsheet")
    return "csv"


def open_source(path: Path) -> Source:
    """Open a file, detecting its format (and for CSV its encoding and delimiter)."""
    if not path.is_file():
        raise UnreadableFile(f"no such file: {path.name}")
    kind = detect_format(path)
    if kind != "csv":
        return Source(path=path, format=kind)
    with path.open("rb") as fp:
        sample = fp.read(SAMPLE_BYTES)
    if not sample.strip():
        raise UnreadableFile("the file is empty")
    if b"\x00" in sample and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnreadableFile("the file is binary, not a spreadsheet or CSV")
    encoding = detect_encoding(sample)
    text = _decode_sample(sample, encoding)
    return Source(path=path, format="csv", encoding=encoding, delimiter=sniff_delimiter(text))


def detect_encoding(sample: bytes) -> str:
    if sample.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        _trim_partial_utf8(sample).decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    scores = {enc: _score(sample.decode(enc, errors="replace")) for enc in ("cp1251", "kz1048")}
    return "kz1048" if scores["kz1048"] > scores["cp1251"] else "cp1251"


def _trim_partial_utf8(sample: bytes) -> bytes:
    """The sample may end inside a multi-byte character: cut back to the last whole line."""
    if len(sample) < SAMPLE_BYTES:
        return sample
    cut = sample.rfind(b"\n")
    return sample[: cut + 1] if cut > 0 else sample


def _score(text: str) -> int:
    return sum(1 for ch in text if ch in _EXPECTED)


def _decode_sample(sample: bytes, encoding: str) -> str:
    return _trim_partial_utf8(sample).decode(encoding, errors="replace")


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most consistent number of fields (>1)."""
    lines = [ln for ln in text.splitlines()[:60] if ln.strip()]
    best, best_score = ",", -1.0
    for delimiter in DELIMITERS:
        counts = [len(r) for r in csv.reader(lines, delimiter=delimiter)]
        if not counts:
            continue
        width, seen = Counter(counts).most_common(1)[0]
        if width < 2:
            continue
        # Consistency first, then more columns (a title line above the header is tolerated).
        score = seen / len(counts) + width / 1000
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[Any]]]:
    with path.open("rb") as raw:
        text: IO[str] = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        reader = csv.reader(text, delimiter=delimiter)
        start = 1
        for record in reader:
            yield start, list(record)
            start = reader.line_num + 1


def _xlsx_sheets(path: Path) -> Iterator[Sheet]:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(f"the XLSX file cannot be opened ({type(exc).__name__})") from None
    try:
        for ws in workbook.worksheets:
            yield Sheet(ws.title, _xlsx_rows(ws))
    finally:
        workbook.close()


def _xlsx_rows(ws: Any) -> Iterator[tuple[int, list[Any]]]:
    for row in ws.iter_rows():
        cells = [c.value for c in row]
        line = next((c.row for c in row if getattr(c, "row", None)), None)
        if line is None:
            continue
        yield int(line), cells


def _calamine_sheets(path: Path) -> Iterator[Sheet]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine's errors are its own classes
        raise UnreadableFile(f"the spreadsheet cannot be opened ({type(exc).__name__})") from None
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        yield Sheet(name, _calamine_rows(sheet))


def _calamine_rows(sheet: Any) -> Iterator[tuple[int, list[Any]]]:
    # ``start`` is the (row, column) of the first used cell: rows keep their numbers in the file.
    first_row, first_col = sheet.start or (0, 0)
    pad: list[Any] = [None] * first_col
    for offset, row in enumerate(sheet.iter_rows()):
        yield first_row + offset + 1, pad + list(row)
