"""Messy legacy files made in the tests: people with valid IINs, and writers for CSV (any encoding
and delimiter), XLSX and ODS, with Kazakh or Russian headers."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from sqlalchemy.orm import Session

from kezek.audit.service import Actor
from kezek.models.registry import Jurisdiction
from kezek.registry.iin import first_issuable

KATO = "351010000"
OTHER_KATO = "751110000"
ACTOR = Actor("official", "importer")

SURNAMES_M = ("Абенов", "Серікбаев", "Жақсылықов", "Иванов", "Нұрланов", "Омаров", "Қасымов", "Петров")
GIVEN_M = ("Ерлан", "Дәулет", "Арман", "Сергей", "Нұрсұлтан", "Бауыржан")
GIVEN_F = ("Әйгерім", "Гүлнар", "Мадина", "Ольга", "Айгүл", "Дана")
PATRONYMICS = ("Серікұлы", "Маратович", "Асқарұлы", "Иванович", "")
LISTS_RU = (
    "Социально уязвимые слои населения",
    "Многодетные семьи",
    "Дети-сироты",
    "Государственные служащие",
    "Аварийное жилье",
    "Участники ВОВ",
)
LISTS_KK = ("Әлеуметтік осал топтар", "Көп балалы отбасылар", "Жетім балалар", "Мемлекеттік қызметшілер")


@dataclass
class Citizen:
    iin: str
    surname: str
    given: str
    patronymic: str
    birth: date
    male: bool
    registered: datetime
    list_ru: str
    number: int

    @property
    def full(self) -> str:
        return " ".join(p for p in (self.surname, self.given, self.patronymic) if p)


def jurisdiction(db: Session, kato: str = KATO) -> str:
    if db.get(Jurisdiction, kato) is None:
        db.add(
            Jurisdiction(
                kato=kato,
                parent_kato=kato[:2] + "0000000",
                level="city",
                name_kk=kato,
                name_ru=kato,
                name_en=kato,
            )
        )
        db.flush()
    return kato


def citizens(n: int, seed: int = 8, start_serial: int = 100) -> list[Citizen]:
    rng = random.Random(seed)
    out: list[Citizen] = []
    used: set[str] = set()
    for i in range(n):
        male = rng.random() < 0.5
        birth = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 365 * 50))
        iin = first_issuable(birth, "M" if male else "F", start_serial + i)
        while iin in used:
            iin = first_issuable(birth, "M" if male else "F", int(iin[7:11]) + 1)
        used.add(iin)
        surname = rng.choice(SURNAMES_M)
        if not male:
            surname = surname + "а" if surname.endswith("ов") or surname.endswith("ев") else surname
        out.append(
            Citizen(
                iin=iin,
                surname=surname,
                given=rng.choice(GIVEN_M if male else GIVEN_F),
                patronymic=rng.choice(PATRONYMICS),
                birth=birth,
                male=male,
                registered=datetime(2008, 1, 10, 9, 0) + timedelta(days=i * 3, minutes=rng.randrange(0, 480)),
                list_ru=rng.choice(LISTS_RU),
                number=i + 1,
            )
        )
    return out


RU_HEADER = [
    "№ п/п",
    "№ очереди",
    "ФИО",
    "ИИН",
    "Дата рождения",
    "Дата постановки на учет",
    "Список",
    "Телефон",
]


def ru_rows(people: Sequence[Citizen]) -> list[list[Any]]:
    return [
        [
            i + 1,
            c.number,
            c.full,
            c.iin,
            c.birth.strftime("%d.%m.%Y"),
            c.registered.strftime("%d.%m.%Y %H:%M"),
            c.list_ru,
            f"8 701 555 {i % 100:02d} {(i * 7) % 100:02d}",
        ]
        for i, c in enumerate(people)
    ]


KK_HEADER = [
    "Р/с №",
    "Кезек нөмірі",
    "Тегі",
    "Аты",
    "Әкесінің аты",
    "ЖСН",
    "Есепке қойылған күні",
    "Уақыты",
    "Тізім",
]


def kk_rows(people: Sequence[Citizen]) -> list[list[Any]]:
    return [
        [
            i + 1,
            c.number,
            c.surname.upper(),
            c.given,
            c.patronymic,
            f"{c.iin[:6]} {c.iin[6:]}",
            c.registered.strftime("%Y-%m-%d"),
            c.registered.strftime("%H:%M"),
            LISTS_KK[i % len(LISTS_KK)],
        ]
        for i, c in enumerate(people)
    ]


def write_csv(
    path: Path,
    header: Sequence[Any],
    rows: Sequence[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    delimiter: str = ";",
    preamble: Sequence[str] = (),
) -> Path:
    buffer = io.StringIO()
    for line in preamble:
        buffer.write(line + "\r\n")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if c is None else c for c in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(
    path: Path, sheets: dict[str, tuple[Sequence[Any], Sequence[Sequence[Any]]]], preamble: Sequence[str] = ()
) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, (header, rows) in sheets.items():
        ws = workbook.create_sheet(name)
        for line in preamble:
            ws.append([line])
        ws.append(list(header))
        for row in rows:
            ws.append(list(row))
    workbook.save(path)
    return path


_CELL = '<table:table-cell office:value-type="{t}" {a}><text:p>{v}</text:p></table:table-cell>'


def _ods_cell(value: Any) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, datetime):
        iso = value.strftime("%Y-%m-%dT%H:%M:%S")
        return _CELL.format(t="date", a=f'office:date-value="{iso}"', v=iso)
    if isinstance(value, date):
        iso = value.isoformat()
        return _CELL.format(t="date", a=f'office:date-value="{iso}"', v=iso)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _CELL.format(t="float", a=f'office:value="{value}"', v=value)
    return _CELL.format(t="string", a="", v=escape(str(value)))


def write_ods(path: Path, sheets: dict[str, tuple[Sequence[Any], Sequence[Sequence[Any]]]]) -> Path:
    """A minimal OpenDocument spreadsheet (what LibreOffice writes, without styles)."""
    tables = []
    for name, (header, rows) in sheets.items():
        body = "".join(
            "<table:table-row>" + "".join(_ods_cell(c) for c in row) + "</table:table-row>"
            for row in [header, *rows]
        )
        tables.append(f'<table:table table:name="{escape(name)}">{body}</table:table>')
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{''.join(tables)}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        zf.writestr("META-INF/manifest.xml", manifest, compress_type=zipfile.ZIP_DEFLATED)
    return path


def wrong_check_digit(iin: str) -> str:
    return iin[:11] + str((int(iin[11]) + 1) % 10)
