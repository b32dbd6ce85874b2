"""Readers, header detection, list names and cell values: no database needed."""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kezek.imports import readers
from kezek.imports.profiles import find_layout, load_profiles
from kezek.imports.rows import Context, read_queue_row
from kezek.imports.values import CellError, parse_moment, read_iin, split_full_name
from kezek.imports.vocabulary import match_header, match_list
from tests.imports.builders import (
    KK_HEADER,
    RU_HEADER,
    citizens,
    kk_rows,
    ru_rows,
    write_csv,
    write_ods,
    write_xlsx,
)

TODAY = date(2026, 11, 25)


def _all_rows(path: Path) -> list[tuple[str, int, list[object]]]:
    source = readers.open_source(path)
    return [(sheet.name, line, cells) for sheet in source.sheets() for line, cells in sheet.rows]


RUSSIAN_ONLY = [
    ["1", "12", "Иванов Пётр Сергеевич", "900101301233", "01.01.1990", "03.04.2012", "Многодетные", ""]
]
KAZAKH = [
    ["1", "12", "Жақсылықов Дәулет Серікұлы", "900101301233", "01.01.1990", "03.04.2012", "Көп балалы", ""]
]


@pytest.mark.parametrize(
    ("encoding", "rows"),
    [
        ("utf-8", KAZAKH),
        ("utf-8-sig", KAZAKH),
        ("utf-16", KAZAKH),
        ("cp1251", RUSSIAN_ONLY),
        ("kz1048", KAZAKH),
    ],
)
def test_encodings_are_detected(tmp_path: Path, encoding: str, rows: list[list[str]]) -> None:
    path = write_csv(tmp_path / "f.csv", RU_HEADER, rows, encoding=encoding)
    source = readers.open_source(path)
    expected = "utf-8" if encoding == "utf-8" else encoding
    assert source.encoding == expected
    got = _all_rows(path)
    assert got[0][2] == RU_HEADER
    assert got[1][2][2] == rows[0][2]


@pytest.mark.parametrize("delimiter", [";", ",", "\t", "|"])
def test_delimiters_are_sniffed(tmp_path: Path, delimiter: str) -> None:
    people = citizens(5)
    rows = ru_rows(people)
    # Commas inside a field (quoted) must not fool the sniffer.
    rows[0][2] = "Абенов, Ерлан"
    path = write_csv(
        tmp_path / "f.csv",
        RU_HEADER,
        rows,
        delimiter=delimiter,
        preamble=["Список очередников на 01.01.2024"],
    )
    source = readers.open_source(path)
    assert source.delimiter == delimiter
    got = _all_rows(path)
    assert got[0][1] == 1 and got[1][2] == RU_HEADER and got[1][1] == 2
    assert got[2][2][2] == "Абенов, Ерлан"


def test_multiline_cell_keeps_physical_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text('a;b\n1;"two\nlines"\n3;x\n', encoding="utf-8")
    assert [(line, cells) for _, line, cells in _all_rows(path)] == [
        (1, ["a", "b"]),
        (2, ["1", "two\nlines"]),
        (4, ["3", "x"]),
    ]


def test_xlsx_and_ods_keep_types_and_row_numbers(tmp_path: Path) -> None:
    sheets = {
        "1 тізім": (
            ["ЖСН", "Аты-жөні", "Есепке қойылған күні"],
            [["900101301233", "Абенов Ерлан", datetime(2012, 4, 3, 9, 30)]],
        )
    }
    for path in (
        write_xlsx(tmp_path / "f.xlsx", sheets, preamble=["Тізім"]),
        write_ods(tmp_path / "f.ods", sheets),
    ):
        rows = _all_rows(path)
        assert rows[0][0] == "1 тізім"
        data = rows[-1][2]
        assert data[0] == "900101301233"
        assert isinstance(data[2], datetime) and data[2] == datetime(2012, 4, 3, 9, 30)
    assert [line for _, line, _ in _all_rows(tmp_path / "f.xlsx")] == [1, 2, 3]


def test_unreadable_files_get_a_clear_error(tmp_path: Path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(readers.UnreadableFile, match="empty"):
        readers.open_source(empty)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(readers.UnreadableFile):
        readers.open_source(broken)
    binary = tmp_path / "image.csv"
    binary.write_bytes(b"\x89PNG\x00\x00\x00")
    with pytest.raises(readers.UnreadableFile, match="binary"):
        readers.open_source(binary)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Социально уязвимые слои населения", "L4"),
        ("социально-уязвимые", "L4"),
        ("Социально уязвимые слои насиления", "L4"),  # typo
        ("Многодетные семьи", "L3"),
        ("Мнгодетные", "L3"),  # typo
        ("Көп балалы отбасылар", "L3"),
        ("Дети-сироты", "L2"),
        ("Жетім балалар", "L2"),
        ("Участники ВОВ", "L1"),
        ("Госслужащие", "L5"),
        ("Мемлекеттік қызметшілер", "L5"),
        ("Аварийное жильё", "L6"),
        ("Апатты тұрғын үй", "L6"),
        ("1 список", "L1"),
        ("Список 4", "L4"),
        ("4-тізім", "L4"),
        ("III", "L3"),
        ("L5", "L5"),
        ("5", "L5"),
    ],
)
def test_list_names_in_words(text: str, code: str) -> None:
    found = match_list(text)
    assert found is not None and found[0] == code


@pytest.mark.parametrize("text", ["", "Прочие", "7 список", "Футбол"])
def test_unknown_lists(text: str) -> None:
    assert match_list(text) is None


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("ИИН", "iin"),
        ("ЖСН", "iin"),
        ("Ф.И.О.", "full_name"),
        ("Аты-жөні", "full_name"),
        ("Тегі", "surname"),
        ("Дата постановки на учёт", "registered_at"),
        ("Дата постановки на учет (дд.мм.гггг)", "registered_at"),
        ("Есепке қойылған күні", "registered_at"),
        ("№ очереди", "legacy_number"),
        ("Кезек нөмірі", "legacy_number"),
        ("№ п/п", "seq"),
        ("Дата рождния", "birth_date"),  # typo
    ],
)
def test_header_words(header: str, field: str) -> None:
    match = match_header(header)
    assert match is not None and match.field == field


def test_layout_found_under_a_title_and_profile_recognised() -> None:
    rows = [(1, ["Список граждан, состоящих на учёте", None]), (2, []), (3, list(RU_HEADER)), (4, ["1", "2"])]
    layout = find_layout(rows, "queue", load_profiles("queue"), None)
    assert layout is not None and layout.header_line == 3 and layout.data_from == 4
    assert layout.columns["iin"] == 3 and layout.columns["registered_at"] == 5
    assert not layout.profile.guessed and layout.profile.name == "akimat-ru-basic"


def test_layout_guessed_and_two_line_header() -> None:
    rows = [
        (1, ["№", "Ф.И.О.", None, None, "ИИН", "Дата принятия на учёт", "Категория"]),
        (2, [None, "Фамилия", "Имя", "Отчество", None, None, None]),
        (3, ["1", "Абенов", "Ерлан", "Серікұлы", "900101301233", "03.04.2012", "многодетные"]),
    ]
    layout = find_layout(rows, "queue", load_profiles("queue"), None)
    assert layout is not None and layout.profile.guessed
    assert layout.data_from == 3
    assert layout.columns == {
        "legacy_number": 0,
        "surname": 1,
        "given_name": 2,
        "patronymic": 3,
        "iin": 4,
        "registered_at": 5,
        "category": 6,
    }


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03.04.2012", (date(2012, 4, 3), None)),
        ("3.4.2012", (date(2012, 4, 3), None)),
        ("2012-04-03", (date(2012, 4, 3), None)),
        ("03/04/2012", (date(2012, 4, 3), None)),
        ("03.04.2012 09:30", (date(2012, 4, 3), time(9, 30))),
        ("2012-04-03T09:30:15", (date(2012, 4, 3), time(9, 30, 15))),
        ("03.04.2012г.", (date(2012, 4, 3), None)),
        ("03.04.12", (date(2012, 4, 3), None)),
        ("03.04.98", (date(1998, 4, 3), None)),
        ("3 апреля 2012", (date(2012, 4, 3), None)),
        ("41002", (date(2012, 4, 3), None)),  # an Excel serial date that became text
        (41002.5, (date(2012, 4, 3), time(12, 0))),  # an Excel serial number with a time
        (20120403, (date(2012, 4, 3), None)),
        (datetime(2012, 4, 3, 9, 30), (date(2012, 4, 3), time(9, 30))),
    ],
)
def test_dates(value: object, expected: tuple[date, time | None]) -> None:
    assert parse_moment(value, TODAY) == expected


@pytest.mark.parametrize(
    ("value", "code"), [("31.02.2015", "date_invalid"), ("вчера", "date_unreadable"), ("", "date_missing")]
)
def test_bad_dates(value: str, code: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_moment(value, TODAY)
    assert caught.value.code == code


def test_iin_cells() -> None:
    assert read_iin("900101 30 1233") == ("900101301233", [])
    assert read_iin(900101301233) == ("900101301233", [])
    assert read_iin(61211600012) == ("061211600012", ["iin_zero_restored"])
    assert read_iin("61211600012") == ("061211600012", ["iin_zero_restored"])
    for value, code in [
        ("9.00101E+11", "iin_scientific"),
        ("900101301234", "iin_check_digit"),
        ("90010130123", "iin_length"),
        ("9001013012AB", "iin_digits"),
        ("900101901233", "iin_century"),
        ("901301301233", "iin_date"),
    ]:
        with pytest.raises(CellError) as caught:
            read_iin(value)
        assert caught.value.code == code, value


def test_full_names() -> None:
    assert split_full_name("ИВАНОВ  иван   иванович") == ("Иванов", "Иван", "Иванович")
    assert split_full_name("Алиев Рашид Гасан оглы") == ("Алиев", "Рашид", "Гасан оглы")
    assert split_full_name("Жақсылықов-Әлі Дәулет") == ("Жақсылықов-Әлі", "Дәулет", None)
    with pytest.raises(CellError):
        split_full_name("Иванов")
    with pytest.raises(CellError):
        split_full_name("Иванов 2 Иван")


def _layout(header: list[str]):  # type: ignore[no-untyped-def]
    layout = find_layout([(1, header)], "queue", load_profiles("queue"), None)
    assert layout is not None
    return layout


def test_row_checks_iin_against_birth_date_and_sex() -> None:
    layout = _layout(["ИИН", "ФИО", "Дата рождения", "Пол", "Дата постановки на учет", "Список", "№ очереди"])
    ctx = Context(today=TODAY, now=datetime(2026, 11, 25, 12, 0).astimezone(), kato="351010000")
    row = read_queue_row(
        "", 2, ["900101301233", "Абенов Ерлан", "02.01.1990", "ж", "03.04.2012", "1", "5"], layout, ctx
    )
    assert {p.code for p in row.errors} == {"iin_birth_mismatch", "iin_sex_mismatch"}
    row = read_queue_row(
        "", 3, ["900101301233", "Абенов Ерлан", "01.01.1990", "м", "03.04.2032", "7 список", "5"], layout, ctx
    )
    assert {p.code for p in row.errors} == {"date_future", "list_unknown"}


cell_values = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.integers(min_value=-(10**13), max_value=10**13),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=date(1800, 1, 1), max_value=date(2100, 1, 1)),
    st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2100, 1, 1)),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(cell_values, min_size=0, max_size=10))
def test_any_line_is_either_read_or_reported(cells: list[object]) -> None:
    """Whatever is in a line, reading it never raises: it yields values or named problems."""
    layout = _layout(
        [
            "ИИН",
            "ФИО",
            "Дата рождения",
            "Пол",
            "Дата постановки на учет",
            "Список",
            "№ очереди",
            "Телефон",
            "Состав семьи",
        ]
    )
    ctx = Context(today=TODAY, now=datetime(2026, 11, 25, 12, 0).astimezone(), kato="351010000")
    row = read_queue_row("", 2, cells, layout, ctx)
    assert row.row_key and row.fingerprint
    if row.kind == "data" and not row.errors and not row.flags:
        assert row.iin and row.registered_at is not None and row.values["list"]
        assert row.values["surname"] and row.values["given_name"]


def test_kazakh_layout_reads(tmp_path: Path) -> None:
    people = citizens(3)
    path = write_csv(tmp_path / "kk.csv", KK_HEADER, kk_rows(people), encoding="utf-8-sig", delimiter="\t")
    rows = _all_rows(path)
    layout = find_layout([(line, cells) for _, line, cells in rows], "queue", load_profiles("queue"), None)
    assert layout is not None and layout.profile.name == "akimat-kk-basic"
