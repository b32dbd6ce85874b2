"""Payment registry files and bank responses, without a database.

A registry is a list of credit transfers from the paying department's treasury account to the
recipients' accounts in one bank for one month. People read it as CSV or XLSX; the bank's system
reads an ISO 20022 customer credit-transfer initiation (pain.001.001.03). All three are built
from the same ``RegistryFile`` and are deterministic: the same registry gives the same bytes, so
the digest stored when a registry is sent proves later that it was not changed.

Money is integer tiyn everywhere; files show tenge with exactly two decimals.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from xml.sax.saxutils import escape as xml_escape

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from kezek.integration.iban import is_valid_kz_iban

BOLD = Font(bold=True)
PAIN_NS = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
CURRENCY = "KZT"

# Second-tier banks by the three-digit code inside a Kazakh IBAN (positions 5-7), with their BIC.
# Reference list for the registries; a bank missing here is still paid, identified by its code.
BANKS: dict[str, tuple[str, str]] = {
    "601": ("HSBKKZKX", "Halyk Bank"),
    "722": ("CASPKZKA", "Kaspi Bank"),
    "856": ("KCJBKZKX", "Bank CenterCredit"),
    "965": ("IRTYKZKA", "ForteBank"),
    "998": ("TSESKZKA", "First Heartland Jusan Bank"),
    "948": ("EURIKZKA", "Eurasian Bank"),
    "914": ("BRKEKZKA", "Bereke Bank"),
    "551": ("KSNVKZKA", "Freedom Bank Kazakhstan"),
    "821": ("KINCKZKA", "Bank RBK"),
    "886": ("INLMKZKA", "Home Credit Bank"),
    "070": ("KKMFKZ2A", "Treasury Committee"),
}


def bank_code(iban: str) -> str:
    """The bank's code inside a Kazakh IBAN."""
    return normalise_iban(iban)[4:7]


def bank_bic(code: str) -> str | None:
    found = BANKS.get(code)
    return found[0] if found else None


def bank_name(code: str) -> str:
    found = BANKS.get(code)
    return found[1] if found else f"bank {code}"


def normalise_iban(iban: str) -> str:
    return "".join(iban.split()).upper()


def tenge(tiyn: int) -> str:
    """Tiyn as tenge with exactly two decimals: 1234567 -> '12345.67'."""
    sign = "-" if tiyn < 0 else ""
    whole, cents = divmod(abs(tiyn), 100)
    return f"{sign}{whole}.{cents:02d}"


def parse_tenge(text: str) -> int:
    """'12 345,67' or '12345.67' (at most two decimals) -> tiyn; ValueError otherwise."""
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    if not cleaned:
        raise ValueError("empty amount")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {text!r}") from exc
    if not value.is_finite():
        raise ValueError(f"not an amount: {text!r}")
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"more than two decimals: {text!r}")
    return int(scaled.to_integral_value(rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Payer:
    """The paying department's treasury account (the debtor of every transfer)."""

    name: str
    bin: str
    iban: str
    bic: str = "KKMFKZ2A"


@dataclass(frozen=True)
class RegistryLine:
    reference: str  # EndToEndId: unique for every transfer Kezek ever asks for
    claim: str  # the case number the payment belongs to
    for_month: date  # the month of assistance paid (first day)
    kato: str  # the family's district
    iin: str
    name: str
    iban: str
    amount_tiyn: int


@dataclass(frozen=True)
class RegistryFile:
    number: str  # MsgId / PmtInfId: unique per registry
    month: date  # the month of the registry (first day)
    bank_code: str
    payer: Payer
    created_at: datetime  # UTC; fixed when the registry was generated, so files are reproducible
    execution_date: date
    lines: tuple[RegistryLine, ...] = field(default_factory=tuple)

    @property
    def count(self) -> int:
        return len(self.lines)

    @property
    def total_tiyn(self) -> int:
        return sum(line.amount_tiyn for line in self.lines)

    def totals_by_district(self) -> dict[str, tuple[int, int]]:
        """district KATO -> (number of transfers, tiyn)."""
        acc: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for line in self.lines:
            acc[line.kato][0] += 1
            acc[line.kato][1] += line.amount_tiyn
        return {k: (v[0], v[1]) for k, v in sorted(acc.items())}


class RegistryInvalid(ValueError):
    """A registry that must not reach a bank; ``problems`` lists (reference, code) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{ref}: {code}" for ref, code in problems[:10]))
        self.problems = problems


def check_registry(reg: RegistryFile) -> None:
    """Every IBAN valid and in the registry's bank, every amount positive, every reference unique."""
    problems: list[tuple[str, str]] = []
    seen: set[str] = set()
    for line in reg.lines:
        if line.reference in seen:
            problems.append((line.reference, "duplicate_reference"))
        seen.add(line.reference)
        if not is_valid_kz_iban(line.iban):
            problems.append((line.reference, "iban_invalid"))
        elif bank_code(line.iban) != reg.bank_code:
            problems.append((line.reference, "iban_other_bank"))
        if line.amount_tiyn <= 0:
            problems.append((line.reference, "amount_not_positive"))
    if not is_valid_kz_iban(reg.payer.iban):
        problems.append((reg.number, "payer_iban_invalid"))
    if problems:
        raise RegistryInvalid(problems)


def digest(reg: RegistryFile) -> str:
    """SHA-256 of the registry's canonical content (header and lines in reference order)."""
    doc = {
        "number": reg.number,
        "month": reg.month.isoformat(),
        "bank_code": reg.bank_code,
        "payer": asdict(reg.payer),
        "created_at": reg.created_at.astimezone(UTC).isoformat(),
        "execution_date": reg.execution_date.isoformat(),
        "lines": [
            [
                ln.reference,
                ln.claim,
                ln.for_month.isoformat(),
                ln.kato,
                ln.iin,
                ln.name,
                ln.iban,
                ln.amount_tiyn,
            ]
            for ln in sorted(reg.lines, key=lambda x: x.reference)
        ],
    }
    return hashlib.sha256(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


# --- files for people -------------------------------------------------------------------------

COLUMNS = ("no", "reference", "claim", "for_month", "district", "iin", "name", "iban", "amount")
HEADERS: dict[str, tuple[str, ...]] = {
    "en": ("No.", "Reference", "Case", "Month", "District (KATO)", "IIN", "Recipient", "IBAN", "Amount, KZT"),
    "ru": ("№", "Референс", "Дело", "Месяц", "Район (КАТО)", "ИИН", "Получатель", "IBAN", "Сумма, тенге"),
    "kk": ("№", "Референс", "Іс", "Ай", "Аудан (ӘАОЖ)", "ЖСН", "Алушы", "IBAN", "Сомасы, теңге"),
}
TOTAL_LABEL = {"en": "Total", "ru": "Итого", "kk": "Барлығы"}
DISTRICT_TOTALS = {"en": "Totals by district", "ru": "Итоги по районам", "kk": "Аудандар бойынша қорытынды"}
COUNT_LABEL = {"en": "Transfers", "ru": "Переводов", "kk": "Аударымдар"}


def _row(i: int, line: RegistryLine) -> list[str]:
    return [
        str(i),
        line.reference,
        line.claim,
        line.for_month.strftime("%Y-%m"),
        line.kato,
        line.iin,
        line.name,
        line.iban,
        tenge(line.amount_tiyn),
    ]


def _ordered(reg: RegistryFile) -> list[RegistryLine]:
    return sorted(reg.lines, key=lambda x: (x.kato, x.name, x.reference))


def registry_csv(reg: RegistryFile, language: str = "ru") -> bytes:
    """UTF-8 (with BOM, so spreadsheet programs read Cyrillic), semicolon-separated, a total row last."""
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(HEADERS.get(language, HEADERS["ru"]))
    for i, line in enumerate(_ordered(reg), start=1):
        w.writerow(_row(i, line))
    w.writerow(
        ["", TOTAL_LABEL.get(language, "Итого"), "", "", "", "", str(reg.count), "", tenge(reg.total_tiyn)]
    )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def registry_xlsx(reg: RegistryFile, language: str = "ru") -> bytes:
    """Two sheets: the transfers (amounts as numbers with two decimals) and the totals by district.
    Written in openpyxl's streaming mode, so a registry of 100,000 lines stays fast and small in memory."""
    wb = Workbook(write_only=True)
    headers = list(HEADERS.get(language, HEADERS["ru"]))
    total_label = TOTAL_LABEL.get(language, "Итого")
    ws = wb.create_sheet(reg.number[:31])
    for col, width in zip("ABCDEFGHI", (6, 22, 14, 9, 12, 14, 32, 24, 14), strict=True):
        ws.column_dimensions[col].width = width

    def bold(values: list[object]) -> list[object]:
        cells = []
        for v in values:
            c = WriteOnlyCell(ws, value=v)
            c.font = BOLD
            cells.append(c)
        return cells

    def money(sheet: object, tiyn: int, strong: bool = False) -> WriteOnlyCell:
        c = WriteOnlyCell(sheet, value=Decimal(tenge(tiyn)))  # type: ignore[arg-type]
        c.number_format = "#,##0.00"
        if strong:
            c.font = BOLD
        return c

    ws.append(bold(list(headers)))
    for i, line in enumerate(_ordered(reg), start=1):
        row: list[object] = list(_row(i, line))
        row[-1] = money(ws, line.amount_tiyn)
        ws.append(row)
    ws.append([*bold(["", total_label, "", "", "", "", reg.count, ""]), money(ws, reg.total_tiyn, True)])
    totals = wb.create_sheet(DISTRICT_TOTALS.get(language, "Totals")[:31])
    totals.append(bold(["KATO", COUNT_LABEL.get(language, "Transfers"), headers[-1]]))
    for kato, (n, amount) in reg.totals_by_district().items():
        totals.append([kato, n, money(totals, amount)])
    totals.append([*bold([total_label, reg.count]), money(totals, reg.total_tiyn, True)])
    out = io.BytesIO()
    wb.properties.created = reg.created_at.replace(tzinfo=None)
    wb.properties.modified = reg.created_at.replace(tzinfo=None)
    wb.save(out)
    return out.getvalue()


# --- ISO 20022 pain.001.001.03 for the bank -----------------------------------------------------


def _clip(text: str, limit: int = 140) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def remittance_text(line: RegistryLine) -> str:
    return _clip(f"Housing assistance / Тұрғын үй көмегі {line.for_month:%Y-%m}, case {line.claim}")


def _x(text: str) -> str:
    return xml_escape(text, {'"': "&quot;"})


def _org(name: str, bin_: str, indent: str) -> str:
    return (
        f"{indent}<Nm>{_x(_clip(name))}</Nm>\n"
        f"{indent}<Id>\n{indent}  <OrgId>\n{indent}    <Othr>\n{indent}      <Id>{_x(bin_)}</Id>\n"
        f"{indent}    </Othr>\n{indent}  </OrgId>\n{indent}</Id>\n"
    )


def registry_pain001(reg: RegistryFile) -> bytes:
    """A customer credit-transfer initiation: one payment block from the payer's treasury account,
    one transaction per line; GrpHdr and PmtInf carry the number of transactions and the control sum.
    Written from templates with every value escaped (a registry of 100,000 lines in well under a
    second); the tests read it back with an XML parser."""
    lines = sorted(reg.lines, key=lambda x: x.reference)
    nb, ctrl = str(len(lines)), tenge(sum(x.amount_tiyn for x in lines))
    bic = bank_bic(reg.bank_code)
    agent = f"<BIC>{_x(bic)}</BIC>" if bic else f"<Othr><Id>{_x(reg.bank_code)}</Id></Othr>"
    out = [
        "<?xml version='1.0' encoding='utf-8'?>\n",
        f'<Document xmlns="{PAIN_NS}">\n  <CstmrCdtTrfInitn>\n    <GrpHdr>\n',
        f"      <MsgId>{_x(reg.number)}</MsgId>\n",
        f"      <CreDtTm>{reg.created_at.astimezone(UTC):%Y-%m-%dT%H:%M:%S}</CreDtTm>\n",
        f"      <NbOfTxs>{nb}</NbOfTxs>\n      <CtrlSum>{ctrl}</CtrlSum>\n",
        "      <InitgPty>\n",
        _org(reg.payer.name, reg.payer.bin, "        "),
        "      </InitgPty>\n    </GrpHdr>\n    <PmtInf>\n",
        f"      <PmtInfId>{_x(reg.number)}</PmtInfId>\n      <PmtMtd>TRF</PmtMtd>\n",
        "      <BtchBookg>false</BtchBookg>\n",
        f"      <NbOfTxs>{nb}</NbOfTxs>\n      <CtrlSum>{ctrl}</CtrlSum>\n",
        # SSBE: social security benefit
        "      <PmtTpInf>\n        <CtgyPurp>\n          <Cd>SSBE</Cd>\n",
        "        </CtgyPurp>\n      </PmtTpInf>\n",
        f"      <ReqdExctnDt>{reg.execution_date.isoformat()}</ReqdExctnDt>\n      <Dbtr>\n",
        _org(reg.payer.name, reg.payer.bin, "        "),
        "      </Dbtr>\n",
        f"      <DbtrAcct>\n        <Id>\n          <IBAN>{_x(normalise_iban(reg.payer.iban))}</IBAN>\n"
        f"        </Id>\n        <Ccy>{CURRENCY}</Ccy>\n      </DbtrAcct>\n",
        f"      <DbtrAgt>\n        <FinInstnId>\n          <BIC>{_x(reg.payer.bic)}</BIC>\n"
        "        </FinInstnId>\n      </DbtrAgt>\n      <ChrgBr>SLEV</ChrgBr>\n",
    ]
    for line in lines:
        ref = _x(line.reference)
        out.append(
            "      <CdtTrfTxInf>\n"
            f"        <PmtId>\n          <InstrId>{ref}</InstrId>\n          <EndToEndId>{ref}</EndToEndId>\n"
            "        </PmtId>\n"
            f'        <Amt>\n          <InstdAmt Ccy="{CURRENCY}">{tenge(line.amount_tiyn)}</InstdAmt>\n'
            "        </Amt>\n"
            f"        <CdtrAgt>\n          <FinInstnId>{agent}</FinInstnId>\n        </CdtrAgt>\n"
            f"        <Cdtr>\n          <Nm>{_x(_clip(line.name))}</Nm>\n"
            "          <Id>\n            <PrvtId>\n              <Othr>\n"
            f"                <Id>{_x(line.iin)}</Id>\n"
            "                <SchmeNm>\n                  <Prtry>IIN</Prtry>\n                </SchmeNm>\n"
            "              </Othr>\n            </PrvtId>\n          </Id>\n        </Cdtr>\n"
            f"        <CdtrAcct>\n          <Id>\n            <IBAN>{_x(normalise_iban(line.iban))}</IBAN>\n"
            "          </Id>\n        </CdtrAcct>\n"
            "        <Purp>\n          <Cd>BENE</Cd>\n        </Purp>\n"
            f"        <RmtInf>\n          <Ustrd>{_x(remittance_text(line))}</Ustrd>\n        </RmtInf>\n"
            "      </CdtTrfTxInf>\n"
        )
    out.append("    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n")
    return "".join(out).encode("utf-8")


# --- bank responses ------------------------------------------------------------------------------

RESPONSE_STATUSES = ("paid", "returned")
# ISO 20022 return reasons the banks use; others are kept as given.
RETURN_REASONS = ("AC01", "AC04", "AC06", "AG01", "AM05", "BE01", "MD07", "NARR")
_STATUS_ALIASES = {
    "paid": "paid",
    "acsc": "paid",
    "ok": "paid",
    "оплачено": "paid",
    "төленді": "paid",
    "returned": "returned",
    "rjct": "returned",
    "возврат": "returned",
    "возвращено": "returned",
    "қайтарылды": "returned",
}
_COLUMN_ALIASES = {
    "reference": ("reference", "endtoendid", "end_to_end_id", "референс"),
    "status": ("status", "статус", "мәртебе"),
    "reason_code": ("reason_code", "reason code", "код причины", "себеп коды"),
    "reason": ("reason", "причина", "себеп"),
    "value_date": ("value_date", "date", "дата", "күні"),
    "amount": ("amount", "сумма", "сомасы"),
}


@dataclass(frozen=True)
class BankAnswer:
    line: int  # line of the file (the header is line 1)
    reference: str
    status: str  # paid | returned
    reason_code: str
    reason: str
    value_date: date | None
    amount_tiyn: int | None


@dataclass(frozen=True)
class RowError:
    line: int
    field: str
    code: str  # missing | unknown_status | bad_date | bad_amount | no_reason | duplicate ...
    value: str = ""

    @property
    def message(self) -> str:
        value = f" ({self.value!r})" if self.value else ""
        return f"line {self.line}, {self.field}: {self.code.replace('_', ' ')}{value}"


class FileRejected(ValueError):
    """Nothing of the file was applied; ``errors`` name every bad row."""

    def __init__(self, errors: Sequence[RowError], code: str = "bad_rows") -> None:
        self.errors = list(errors)
        self.code = code
        super().__init__("; ".join(e.message for e in self.errors[:20]) or code)


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRejected([RowError(0, "file", "not_text")], code="not_text")


def read_csv_table(
    data: bytes, required: Iterable[str], aliases: dict[str, tuple[str, ...]]
) -> list[tuple[int, dict[str, str]]]:
    """Rows as (file line, {canonical column: text}); the delimiter is ',' ';' or tab."""
    text = _decode(data)
    if not text.strip():
        raise FileRejected([RowError(0, "file", "empty")], code="empty")
    first = text.splitlines()[0]
    delimiter = max((";", ",", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    mapping: dict[str, int] = {}
    for canonical, names in aliases.items():
        for i, h in enumerate(header):
            if h in names:
                mapping[canonical] = i
                break
    missing = [c for c in required if c not in mapping]
    if missing:
        raise FileRejected([RowError(1, c, "missing_column") for c in missing], code="missing_column")
    rows: list[tuple[int, dict[str, str]]] = []
    for number, raw in enumerate(reader, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        rows.append((number, {c: (raw[i].strip() if i < len(raw) else "") for c, i in mapping.items()}))
    return rows


def parse_bank_response(data: bytes) -> list[BankAnswer]:
    """Read a bank's answer file; every bad row is named, and a file with any bad row is refused whole."""
    rows = read_csv_table(data, ("reference", "status"), _COLUMN_ALIASES)
    answers: list[BankAnswer] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        ref = row.get("reference", "")
        status = _STATUS_ALIASES.get(row.get("status", "").strip().lower())
        reason_code = row.get("reason_code", "").upper()
        reason = row.get("reason", "")
        bad = False
        if not ref:
            errors.append(RowError(line, "reference", "missing"))
            bad = True
        elif ref in seen:
            errors.append(RowError(line, "reference", "duplicate", f"{ref} / line {seen[ref]}"))
            bad = True
        else:
            seen[ref] = line
        if status is None:
            errors.append(RowError(line, "status", "unknown_status", row.get("status", "")))
            bad = True
        elif status == "returned" and not (reason_code or reason):
            errors.append(RowError(line, "reason", "no_reason"))
            bad = True
        value_date = None
        if row.get("value_date"):
            try:
                value_date = date.fromisoformat(row["value_date"])
            except ValueError:
                errors.append(RowError(line, "value_date", "bad_date", row["value_date"]))
                bad = True
        amount = None
        if row.get("amount"):
            try:
                amount = parse_tenge(row["amount"])
            except ValueError:
                errors.append(RowError(line, "amount", "bad_amount", row["amount"]))
                bad = True
        if not bad:
            assert status is not None
            answers.append(BankAnswer(line, ref, status, reason_code, reason[:200], value_date, amount))
    if errors:
        raise FileRejected(errors)
    if not answers:
        raise FileRejected([RowError(0, "file", "empty")], code="empty")
    return answers
