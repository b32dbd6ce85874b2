"""Importing an akimat's register of dwellings (``kezek import stock FILE``).

The same robustness as the queue lists: any encoding, delimiter, XLSX or ODS, Kazakh or Russian
headers, the kind of dwelling in words. Each line is read into the arguments of
:func:`kezek.stock.service.create_dwelling` (the stock package owns the dwellings and their rules)
and lands in a savepoint, so one refused line never undoes the others. A line is identified across
files by its register number (else by address, rooms and area): the same line again is
``unchanged``; a changed line of a dwelling already entered is flagged for a person, never
overwritten silently.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from kezek.audit.service import Actor
from kezek.errors import Conflict, ValidationFailed
from kezek.imports import values as v
from kezek.imports.landing import Decided
from kezek.imports.profiles import Layout
from kezek.imports.rows import QueueRow, digest
from kezek.imports.service import FileImport, Progress
from kezek.imports.vocabulary import norm
from kezek.models.imports import LANDED_OUTCOMES, ImportRow
from kezek.stock import service as stock_service

ESSENTIAL = ("address", "rooms", "area_m2", "external_ref")

# The kind of dwelling in words (Russian, Kazakh, English) -> the stock's kind codes.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "credit_2": ("кредит 2", "кредитное 2", "несиелік 2", "2 несие", "credit 2", "credit_2"),
    "credit_5": ("кредит 5", "кредитное 5", "несиелік 5", "5 несие", "credit 5", "credit_5"),
    "rent_subsidy": ("субсид", "субсидия", "субсидиялау", "rent subsidy", "rent_subsidy"),
    "rental": (
        "арендн", "аренда", "арендное", "арендное жилье", "коммунальн", "жалға", "жалдамалы",
        "rental", "rent",
    ),
}  # fmt: skip
HOLDER_WORDS = {
    "акимат": "akimat",
    "әкімдік": "akimat",
    "akimat": "akimat",
    "оператор": "distributor",
    "distributor": "distributor",
}


def match_kind(value: Any) -> str | None:
    words = norm(v.text(value))
    if not words:
        return None
    for code, phrases in KIND_WORDS.items():
        if any(norm(p) in words for p in phrases):
            return code
    return None


@dataclass
class StockDecided(Decided):
    dwelling_id: int | None = None


def read_stock_row(sheet: str, line: int, cells: list[Any], layout: Layout, kato: str) -> QueueRow:
    """One line of a dwelling register: the service's arguments in ``values``, problems by field."""
    raw = [v.text(c) for c in cells]
    while raw and not raw[-1]:
        raw.pop()
    row = QueueRow(sheet=sheet, line=line, raw=raw)
    cols = layout.columns

    def cell(name: str) -> Any:
        index = cols.get(name)
        return cells[index] if index is not None and index < len(cells) else None

    mapped_header = [norm(layout.headers[i]) for i in cols.values() if i < len(layout.headers)]
    mapped_cells = [norm(v.text(cells[i])) if i < len(cells) else "" for i in cols.values()]
    if mapped_cells == mapped_header:
        row.kind = "header_repeated"
        row.add("row", "header_repeated")
    elif all(v.is_blank(cell(f)) for f in ESSENTIAL) or (
        len([c for c in cells if not v.is_blank(c)]) == 1 and v.is_blank(cell("rooms"))
    ):
        row.kind = "not_a_row"
        row.add("row", "not_a_row")
    if row.kind != "data":
        row.fingerprint = digest(row.raw)
        row.row_key = f"f:{row.fingerprint}"
        row.values = {"kato": kato}
        return row
    if any("\ufffd" in c for c in raw):
        row.add("row", "encoding_damaged")
    vals = row.values
    vals["kato"] = kato
    if not v.is_blank(cell("kato")):
        given = "".join(ch for ch in v.text(cell("kato")) if ch.isdigit())
        if len(given) == 9:
            vals["kato"] = given
        else:
            row.add("kato", "kato_invalid", value=v.text(cell("kato"))[:20])
    vals["address"] = v.text(cell("address"))[:300] or None
    if vals["address"] is None:
        row.add("address", "value_missing")
    for name, low, high in (
        ("rooms", 1, stock_service.MAX_ROOMS),
        ("floor", -2, 150),
        ("floors_total", 1, 150),
    ):
        raw_value = cell(name)
        vals[name] = None
        if v.is_blank(raw_value):
            if name == "rooms":
                row.add(name, "value_missing")
            continue
        try:
            vals[name] = v.parse_count(_whole(raw_value), low, high, "value_invalid")
        except v.CellError as exc:
            row.add(name, exc.code, **exc.params)
    vals["area_m2"] = None
    if v.is_blank(cell("area_m2")):
        row.add("area_m2", "value_missing")
    else:
        try:
            dm2 = stock_service.area_to_dm2(cell("area_m2"))
            if not stock_service.MIN_AREA_DM2 <= dm2 <= stock_service.MAX_AREA_DM2:
                row.add("area_m2", "area_out_of_range", value=v.text(cell("area_m2")))
            vals["area_m2"] = f"{dm2 // 100}.{dm2 % 100:02d}"
        except ValueError:
            row.add("area_m2", "value_invalid", value=v.text(cell("area_m2"))[:20])
    kind_cell = cell("kind")
    vals["kind"] = match_kind(kind_cell) if not v.is_blank(kind_cell) else "rental"
    if vals["kind"] is None:
        row.add("kind", "dwelling_kind_unknown", value=v.text(kind_cell)[:40])
    vals["programme"] = v.text(cell("programme"))[:120] or "legacy register"
    wheel = cell("wheelchair")
    try:
        vals["wheelchair"] = False if v.is_blank(wheel) else _yes_no(wheel)
    except ValueError:
        vals["wheelchair"] = False
        row.add("wheelchair", "value_invalid", "warning", value=v.text(wheel)[:20])
    holder = norm(v.text(cell("holder")))
    vals["holder"] = HOLDER_WORDS.get(holder, "akimat") if holder else "akimat"
    vals["external_ref"] = v.text(cell("external_ref"))[:64] or None
    row.fingerprint = digest({k: vals.get(k) for k in sorted(vals)})
    if vals["external_ref"]:
        row.row_key = f"r:{vals['external_ref']}"
    else:
        row.row_key = "a:" + digest([norm(vals.get("address")), vals.get("rooms"), vals.get("area_m2")])
    return row


_YES = {"1", "да", "иә", "yes", "y", "true", "+", "есть", "бар"}
_NO = {"0", "нет", "жоқ", "no", "n", "false", "-"}


def _yes_no(value: Any) -> bool:
    word = norm(v.text(value)) or v.text(value).strip()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise ValueError(word)


def _whole(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class StockLander:
    def __init__(self, session: Session, *, actor: Actor, batch_id: int, dry_run: bool) -> None:
        self.session = session
        self.actor = actor
        self.batch_id = batch_id
        self.dry_run = dry_run

    def _prior(self, rows: Sequence[QueueRow]) -> dict[tuple[str, str], ImportRow]:
        keys: dict[str, list[str]] = {}
        for r in rows:
            if r.kind == "data":
                keys.setdefault(r.values.get("kato") or "", []).append(r.row_key)
        if not keys:
            return {}
        found: dict[tuple[str, str], ImportRow] = {}
        clauses = [and_(ImportRow.kato == k, ImportRow.row_key.in_(ks)) for k, ks in keys.items()]
        for prior in self.session.scalars(
            select(ImportRow)
            .where(or_(*clauses), ImportRow.kind == "stock", ImportRow.outcome.in_(LANDED_OUTCOMES))
            .order_by(ImportRow.id)
        ):
            found[(prior.kato, prior.row_key)] = prior
        return found

    def decide_chunk(self, rows: Sequence[QueueRow]) -> list[StockDecided]:
        prior = self._prior(rows)
        here: dict[tuple[str, str], QueueRow] = {}
        out: list[StockDecided] = []
        for row in rows:
            decided = self._decide(row, prior, here)
            if decided.outcome in LANDED_OUTCOMES:
                here.setdefault((row.values["kato"], row.row_key), row)
            out.append(decided)
        return out

    def _decide(
        self, row: QueueRow, prior: dict[tuple[str, str], ImportRow], here: dict[tuple[str, str], QueueRow]
    ) -> StockDecided:
        if row.kind != "data" or row.errors:
            return StockDecided(row, "rejected")
        key = (row.values["kato"], row.row_key)
        before = prior.get(key)
        same = here.get(key)
        if same is None and before is not None and before.batch_id == self.batch_id:
            same_line, same_print = before.line, before.fingerprint  # an earlier chunk of this file
        elif same is not None:
            same_line, same_print = same.line, same.fingerprint
        else:
            same_line, same_print = 0, ""
        if same_line:
            code = "duplicate_in_file" if same_print == row.fingerprint else "duplicate_in_file_differs"
            row.add("row", code, "flag", ref_line=same_line)
            outcome = "merged" if code == "duplicate_in_file" else "flagged"
            return StockDecided(row, outcome, ref_line=same_line, ref_batch_id=self.batch_id)
        if before is not None:
            ref = {
                "ref_line": before.line,
                "ref_batch_id": before.batch_id,
                "dwelling_id": before.dwelling_id,
            }
            if before.fingerprint == row.fingerprint:
                return StockDecided(row, "unchanged", **ref)
            row.add("row", "dwelling_changed", "flag")
            return StockDecided(row, "flagged", **ref)
        vals = row.values
        args = {
            "kato": vals["kato"],
            "address": vals["address"],
            "rooms": vals["rooms"],
            "area_m2": vals["area_m2"],
            "kind": vals["kind"],
            "programme": vals["programme"],
            "floor": vals["floor"],
            "floors_total": vals["floors_total"],
            "wheelchair_accessible": vals["wheelchair"],
            "holder": vals["holder"],
            "external_ref": vals["external_ref"],
        }
        try:
            if self.dry_run:
                stock_service.check_dwelling(**args)
                return StockDecided(row, "landed")
            with self.session.begin_nested():
                dwelling = stock_service.create_dwelling(self.session, actor=self.actor, **args)
        except Conflict as exc:
            row.add("external_ref", "dwelling_duplicate", "flag")
            return StockDecided(row, "duplicate", dwelling_id=exc.extra.get("dwelling_id"))
        except ValidationFailed as exc:
            errors = exc.extra.get("errors") or {"row": exc.detail}
            for name in sorted(errors):
                row.add("wheelchair" if name == "wheelchair_accessible" else name, "value_invalid")
            return StockDecided(row, "rejected")
        return StockDecided(row, "landed", dwelling_id=dwelling.id)


class StockImport(FileImport):
    kind = "stock"

    def chunks(self) -> Iterator[Progress]:
        assert self.batch is not None
        estimate = self.estimate()
        if self.already:
            progress = self.progress(estimate, done=True)
            progress.already = True
            yield progress
            return
        lander = StockLander(
            self.session, actor=self.actor, batch_id=self.batch.id, dry_run=self.options.dry_run
        )
        done_lines = self._done_lines()
        chunk: list[QueueRow] = []
        for plan, line, cells in self.lines():
            if (plan.name, line) in done_lines:
                continue
            if plan.layout is None:
                row = QueueRow(sheet=plan.name, line=line, raw=[v.text(c) for c in cells], kind="not_a_row")
                row.add("row", "not_a_row")
                row.values = {"kato": self.options.kato}
                row.fingerprint = digest(row.raw)
                row.row_key = f"f:{plan.name}:{line}"
                chunk.append(row)
            else:
                chunk.append(read_stock_row(plan.name, line, cells, plan.layout, self.options.kato))
            if len(chunk) >= self.options.chunk_size:
                self._store(list(lander.decide_chunk(chunk)))
                chunk = []
                yield self.progress(estimate)
        if chunk:
            self._store(list(lander.decide_chunk(chunk)))
        self.finish()
        yield self.progress(estimate, done=True)
