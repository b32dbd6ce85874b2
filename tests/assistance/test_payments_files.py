"""Registry files (CSV, XLSX, pain.001) and bank-response parsing, without a database."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from kezek.assistance.payments_files import (
    PAIN_NS,
    FileRejected,
    Payer,
    RegistryFile,
    RegistryInvalid,
    RegistryLine,
    check_registry,
    digest,
    parse_bank_response,
    parse_tenge,
    registry_csv,
    registry_pain001,
    registry_xlsx,
    tenge,
)
from kezek.integration.iban import is_valid_kz_iban, make_kz_iban

NS = {"p": PAIN_NS}
PAYER = Payer("Отдел занятости и социальных программ", "123456789012", make_kz_iban("070", "0000000000001"))


def line(i: int, amount: int, kato: str = "711110000", bank: str = "601") -> RegistryLine:
    return RegistryLine(
        reference=f"HA{i:012d}A01",
        claim=f"HA-{i}",
        for_month=date(2026, 1, 1),
        kato=kato,
        iin=f"{800101000000 + i:012d}",
        name=f"Сәрсенова Айгерім {i}",
        iban=make_kz_iban(bank, f"{i:013d}"),
        amount_tiyn=amount,
    )


def registry(lines: list[RegistryLine], bank: str = "601") -> RegistryFile:
    return RegistryFile(
        number="HA202601-71-601-1",
        month=date(2026, 1, 1),
        bank_code=bank,
        payer=PAYER,
        created_at=datetime(2026, 1, 5, 4, 0, tzinfo=UTC),
        execution_date=date(2026, 1, 10),
        lines=tuple(lines),
    )


def test_pain001_group_header_matches_lines() -> None:
    reg = registry([line(1, 1_234_567), line(2, 100), line(3, 99_999_999, kato="711210000")])
    root = ET.fromstring(registry_pain001(reg))  # noqa: S314 (our own output)
    assert root.tag == f"{{{PAIN_NS}}}Document"
    hdr = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", NS)
    assert hdr is not None
    txs = root.findall(".//p:CdtTrfTxInf", NS)
    amounts = [Decimal(t.findtext("p:Amt/p:InstdAmt", namespaces=NS) or "") for t in txs]
    assert hdr.findtext("p:NbOfTxs", namespaces=NS) == str(len(txs)) == "3"
    assert Decimal(hdr.findtext("p:CtrlSum", namespaces=NS) or "") == sum(amounts) == Decimal("1012346.66")
    pmt = root.find(".//p:PmtInf", NS)
    assert pmt is not None
    assert pmt.findtext("p:NbOfTxs", namespaces=NS) == "3"
    assert pmt.findtext("p:CtrlSum", namespaces=NS) == "1012346.66"
    assert pmt.findtext("p:DbtrAcct/p:Ccy", namespaces=NS) == "KZT"
    for t in txs:
        amt = t.find("p:Amt/p:InstdAmt", NS)
        assert amt is not None and amt.get("Ccy") == "KZT"
        assert len((amt.text or "").split(".")[1]) == 2
        iban = t.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) or ""
        assert is_valid_kz_iban(iban)
        assert t.findtext("p:CdtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "HSBKKZKX"
        assert t.findtext("p:PmtId/p:EndToEndId", namespaces=NS)
        assert len(t.findtext("p:RmtInf/p:Ustrd", namespaces=NS) or "") <= 140
    # children of GrpHdr in the order the schema requires
    assert [c.tag.split("}")[1] for c in hdr] == ["MsgId", "CreDtTm", "NbOfTxs", "CtrlSum", "InitgPty"]


def test_pain001_unknown_bank_identified_by_code() -> None:
    reg = registry([line(1, 500, bank="123")], bank="123")
    root = ET.fromstring(registry_pain001(reg))  # noqa: S314 (our own output)
    assert root.findtext(".//p:CdtrAgt/p:FinInstnId/p:Othr/p:Id", namespaces=NS) == "123"


def test_files_are_deterministic_and_digest_changes_with_content() -> None:
    reg = registry([line(1, 1000), line(2, 2000)])
    assert registry_pain001(reg) == registry_pain001(reg)
    assert registry_csv(reg) == registry_csv(reg)
    same_other_order = registry([line(2, 2000), line(1, 1000)])
    assert digest(reg) == digest(same_other_order)
    assert digest(reg) != digest(registry([line(1, 1000), line(2, 2001)]))


def test_csv_and_xlsx_for_people() -> None:
    reg = registry([line(1, 150_000), line(2, 250_050, kato="711210000")])
    text = registry_csv(reg, "ru").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][0] == "№" and rows[0][-1] == "Сумма, тенге"
    assert [r[-1] for r in rows[1:3]] == ["1500.00", "2500.50"]
    assert rows[-1][1] == "Итого" and rows[-1][-1] == "4000.50" and rows[-1][6] == "2"

    wb = load_workbook(io.BytesIO(registry_xlsx(reg, "kk")))
    lines_sheet, totals = wb.worksheets
    values = list(lines_sheet.iter_rows(values_only=True))
    assert values[0][-1] == "Сомасы, теңге"
    assert [Decimal(str(v[-1])) for v in values[1:3]] == [Decimal("1500"), Decimal("2500.5")]
    assert values[-1][1] == "Барлығы"
    by_district = {r[0]: (r[1], Decimal(str(r[2]))) for r in totals.iter_rows(min_row=2, values_only=True)}
    assert by_district["711110000"] == (1, Decimal("1500"))
    assert by_district["711210000"] == (1, Decimal("2500.5"))
    assert by_district["Барлығы"] == (2, Decimal("4000.5"))


def test_check_registry_names_bad_lines() -> None:
    bad_iban = RegistryLine("R1", "C1", date(2026, 1, 1), "711110000", "1", "x", "KZ00601000000000001", 100)
    other_bank = line(2, 100, bank="722")
    zero = line(3, 0)
    with pytest.raises(RegistryInvalid) as err:
        check_registry(registry([bad_iban, other_bank, zero, line(4, 10)]))
    assert err.value.problems == [
        ("R1", "iban_invalid"),
        (other_bank.reference, "iban_other_bank"),
        (zero.reference, "amount_not_positive"),
    ]


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_tenge_round_trip(tiyn: int) -> None:
    text = tenge(tiyn)
    assert len(text.split(".")[1]) == 2
    assert parse_tenge(text) == tiyn


def test_parse_tenge_refuses_fractions_of_tiyn() -> None:
    assert parse_tenge("12 345,6") == 1_234_560
    for bad in ("1.234", "abc", "", "NaN"):
        with pytest.raises(ValueError):
            parse_tenge(bad)


def test_bank_response_parsed_with_aliases() -> None:
    data = (
        "Референс;Статус;Код причины;Причина;Дата\n"
        "HA000000000001A01;оплачено;;;2026-01-11\n"
        "HA000000000002A01;возврат;AC04;счёт закрыт;2026-01-11\n"
    ).encode("cp1251")
    answers = parse_bank_response(data)
    assert [(a.line, a.reference, a.status, a.reason_code) for a in answers] == [
        (2, "HA000000000001A01", "paid", ""),
        (3, "HA000000000002A01", "returned", "AC04"),
    ]
    assert answers[1].value_date == date(2026, 1, 11)


def test_bank_response_bad_rows_named() -> None:
    data = (
        b"reference,status,reason_code,reason,value_date,amount\n"
        b"A1,paid,,,2026-01-11,10.00\n"
        b",paid,,,,\n"
        b"A3,lost,,,,\n"
        b"A4,returned,,,,\n"
        b"A1,paid,,,,\n"
        b"A6,paid,,,11.01.2026,\n"
        b"A7,paid,,,,1.001\n"
    )
    with pytest.raises(FileRejected) as err:
        parse_bank_response(data)
    assert [(e.line, e.field, e.code) for e in err.value.errors] == [
        (3, "reference", "missing"),
        (4, "status", "unknown_status"),
        (5, "reason", "no_reason"),
        (6, "reference", "duplicate"),
        (7, "value_date", "bad_date"),
        (8, "amount", "bad_amount"),
    ]
    assert "line 4, status: unknown status ('lost')" in str(err.value)


def test_bank_response_missing_column_and_empty_file() -> None:
    with pytest.raises(FileRejected) as err:
        parse_bank_response(b"reference,amount\nA1,10\n")
    assert err.value.code == "missing_column"
    assert [(e.line, e.field) for e in err.value.errors] == [(1, "status")]
    with pytest.raises(FileRejected) as err:
        parse_bank_response(b"")
    assert err.value.code == "empty"


def test_pain001_escapes_names_and_keeps_text() -> None:
    odd = RegistryLine(
        "R<1>",
        "C&1",
        date(2026, 2, 1),
        "711110000",
        "800101000001",
        'Ким "Ли" <&>',
        make_kz_iban("601", "0000000000001"),
        1,
    )
    root = ET.fromstring(registry_pain001(registry([odd])))  # noqa: S314 (our own output)
    assert root.findtext(".//p:Cdtr/p:Nm", namespaces=NS) == 'Ким "Ли" <&>'
    assert root.findtext(".//p:PmtId/p:EndToEndId", namespaces=NS) == "R<1>"
    assert "C&1" in (root.findtext(".//p:RmtInf/p:Ustrd", namespaces=NS) or "")
