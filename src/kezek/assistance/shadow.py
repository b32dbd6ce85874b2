"""Shadow mode: a district runs Kezek beside its current practice before switching.

The district exports the amounts its existing process computed for the same claims (CSV: the
claim number and the monthly amount; optionally the costs within norms and the income share for
the period, which explain a difference). Kezek compares them with its own current calculation of
each claim, line by line, and keeps the comparison as a run an official can read and export.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.assistance.payments_files import FileRejected, RowError, parse_tenge, read_csv_table, tenge
from kezek.audit.service import Actor, record
from kezek.auth.scope import in_scope, scope_filter
from kezek.errors import NotFound, OutOfScope
from kezek.models.assistance import AssistanceCalculation, AssistanceClaim
from kezek.models.payments import ShadowLine, ShadowRun

_ALIASES = {
    "claim": ("claim", "claim_number", "case", "номер", "номер дела", "дело", "іс", "іс нөмірі"),
    "amount": ("amount", "amount_month", "сумма", "сумма в месяц", "сомасы", "айлық сомасы"),
    "costs_within": ("costs_within", "расходы в пределах норм", "норма шегіндегі шығыстар"),
    "income_share": ("income_share", "доля дохода", "табыс үлесі"),
}


@dataclass(frozen=True)
class TheirLine:
    line: int
    claim: str
    amount_tiyn: int
    costs_within_tiyn: int | None = None
    income_share_tiyn: int | None = None


@dataclass(frozen=True)
class Ours:
    claim_id: int
    kato: str
    amount_tiyn: int  # a month
    costs_within_tiyn: int  # for the period
    income_share_tiyn: int  # for the period


@dataclass(frozen=True)
class Difference:
    line: int
    claim: str
    claim_id: int | None
    kezek_tiyn: int | None
    file_tiyn: int | None
    status: str  # equal | differs | missing_in_kezek | missing_in_file
    detail: dict[str, Any] | None = None

    @property
    def difference_tiyn(self) -> int:
        return (self.kezek_tiyn or 0) - (self.file_tiyn or 0)


def parse_shadow_file(data: bytes) -> list[TheirLine]:
    rows = read_csv_table(data, ("claim", "amount"), _ALIASES)
    out: list[TheirLine] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        claim = row["claim"]
        values: dict[str, int | None] = {}
        bad = False
        if not claim:
            errors.append(RowError(line, "claim", "missing"))
            bad = True
        elif claim in seen:
            errors.append(RowError(line, "claim", "duplicate", f"{claim} / line {seen[claim]}"))
            bad = True
        else:
            seen[claim] = line
        for name in ("amount", "costs_within", "income_share"):
            text = row.get(name, "")
            if not text:
                if name == "amount":
                    errors.append(RowError(line, name, "missing"))
                    bad = True
                values[name] = None
                continue
            try:
                values[name] = parse_tenge(text)
            except ValueError:
                errors.append(RowError(line, name, "bad_amount", text))
                bad = True
                continue
            if (values[name] or 0) < 0:
                errors.append(RowError(line, name, "negative", text))
                bad = True
        if not bad:
            amount = values["amount"]
            assert amount is not None
            out.append(TheirLine(line, claim, amount, values["costs_within"], values["income_share"]))
    if errors:
        raise FileRejected(errors)
    if not out:
        raise FileRejected([RowError(0, "file", "empty")], code="empty")
    return out


def compare(
    theirs: Sequence[TheirLine], ours: dict[str, Ours], expected: Iterable[str] = ()
) -> list[Difference]:
    """Line by line: each of their lines against Kezek's calculation; then Kezek's claims of the same
    scope (``expected``) that the file does not have."""
    out: list[Difference] = []
    for t in theirs:
        o = ours.get(t.claim)
        if o is None:
            out.append(Difference(t.line, t.claim, None, None, t.amount_tiyn, "missing_in_kezek"))
            continue
        detail: dict[str, Any] = {}
        if t.costs_within_tiyn is not None and t.costs_within_tiyn != o.costs_within_tiyn:
            detail["costs_within"] = [o.costs_within_tiyn, t.costs_within_tiyn]
        if t.income_share_tiyn is not None and t.income_share_tiyn != o.income_share_tiyn:
            detail["income_share"] = [o.income_share_tiyn, t.income_share_tiyn]
        status = "equal" if o.amount_tiyn == t.amount_tiyn else "differs"
        out.append(
            Difference(t.line, t.claim, o.claim_id, o.amount_tiyn, t.amount_tiyn, status, detail or None)
        )
    in_file = {t.claim for t in theirs}
    for claim in sorted(set(expected) - in_file):
        o = ours[claim]
        out.append(Difference(0, claim, o.claim_id, o.amount_tiyn, None, "missing_in_file"))
    return out


def _ours(session: Session, numbers: Iterable[str], scopes: list[str]) -> dict[str, Ours]:
    numbers = list(numbers)
    found: dict[str, Ours] = {}
    for start in range(0, len(numbers), 1000):
        for row in session.execute(
            select(
                AssistanceClaim.number,
                AssistanceClaim.id,
                AssistanceClaim.kato,
                AssistanceCalculation.amount_month_tiyn,
                AssistanceCalculation.costs_within_tiyn,
                AssistanceCalculation.income_share_tiyn,
            )
            .join(AssistanceCalculation, AssistanceCalculation.claim_id == AssistanceClaim.id)
            .where(
                AssistanceClaim.number.in_(numbers[start : start + 1000]),
                AssistanceCalculation.current.is_(True),
            )
        ):
            found[row[0]] = Ours(row[1], row[2], row[3], row[4], row[5])
    return found


def run_shadow(
    session: Session, data: bytes, *, file_name: str, actor: Actor, scopes: Iterable[str]
) -> ShadowRun:
    """Compare a file of amounts from the existing process with Kezek's; store and return the run."""
    scopes = list(scopes)
    theirs = parse_shadow_file(data)
    ours = _ours(session, [t.claim for t in theirs], scopes)
    outside = [
        RowError(t.line, "claim", "out_of_scope", t.claim)
        for t in theirs
        if t.claim in ours and not in_scope(ours[t.claim].kato, scopes)
    ]
    if outside:
        raise FileRejected(outside, code="out_of_scope")
    # the claims of the same quarters in the same districts that the file left out
    quarters = {
        q
        for (q,) in session.execute(
            select(AssistanceClaim.quarter_start).where(
                AssistanceClaim.id.in_([o.claim_id for o in ours.values()])
            )
        )
    }
    districts = sorted({o.kato for o in ours.values()})
    expected: list[str] = []
    if quarters and districts:
        rest = session.execute(
            select(AssistanceClaim.number)
            .join(AssistanceCalculation, AssistanceCalculation.claim_id == AssistanceClaim.id)
            .where(
                AssistanceClaim.quarter_start.in_(quarters),
                AssistanceClaim.kato.in_(districts),
                AssistanceCalculation.current.is_(True),
                scope_filter(AssistanceClaim.kato, scopes),
            )
        ).scalars()
        expected = list(rest)
        ours.update(_ours(session, [n for n in expected if n not in ours], scopes))
    diffs = compare(theirs, ours, expected)
    counts = Counter(d.status for d in diffs)
    run = ShadowRun(
        kato_prefix=_common_prefix(districts),
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        created_at=clock.now().astimezone(UTC),
        created_by=actor.id,
        counts={s: counts.get(s, 0) for s in ("equal", "differs", "missing_in_kezek", "missing_in_file")},
        total_kezek_tiyn=sum(d.kezek_tiyn or 0 for d in diffs),
        total_file_tiyn=sum(d.file_tiyn or 0 for d in diffs),
    )
    session.add(run)
    session.flush()
    for d in diffs:
        session.add(
            ShadowLine(
                run_id=run.id,
                line=d.line,
                claim_number=d.claim[:40],
                claim_id=d.claim_id,
                kezek_tiyn=d.kezek_tiyn,
                file_tiyn=d.file_tiyn,
                difference_tiyn=d.difference_tiyn,
                status=d.status,
                detail=d.detail,
            )
        )
    session.flush()
    record(
        session,
        actor=actor,
        action="assistance_shadow.compared",
        object_type="assistance_shadow_run",
        object_id=run.id,
        kato=run.kato_prefix or None,
        after={"file": run.file_name, "sha256": run.sha256, "counts": run.counts},
    )
    return run


def _common_prefix(katos: Sequence[str]) -> str:
    if not katos:
        return ""
    first, last = min(katos), max(katos)
    n = 0
    while n < min(len(first), len(last)) and first[n] == last[n]:
        n += 1
    return first[:n]


def get_run(session: Session, run_id: int, scopes: Iterable[str]) -> ShadowRun:
    run = session.get(ShadowRun, run_id)
    if run is None:
        raise NotFound("no such shadow run")
    if not any(run.kato_prefix.startswith(s) for s in scopes):
        raise OutOfScope("this comparison belongs to another jurisdiction")
    return run


def run_lines(session: Session, run_id: int, *, only_differences: bool = False) -> list[ShadowLine]:
    q = select(ShadowLine).where(ShadowLine.run_id == run_id)
    if only_differences:
        q = q.where(ShadowLine.status != "equal")
    return list(session.scalars(q.order_by(ShadowLine.line == 0, ShadowLine.line, ShadowLine.claim_number)))


def runs_for(session: Session, scopes: Iterable[str], limit: int = 50) -> list[ShadowRun]:
    scopes = list(scopes)
    rows = session.scalars(select(ShadowRun).order_by(ShadowRun.id.desc()).limit(limit * 4))
    return [r for r in rows if any(r.kato_prefix.startswith(s) for s in scopes)][:limit]


def run_csv(lines: Sequence[ShadowLine]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, delimiter=";", lineterminator="\r\n")
    w.writerow(["line", "claim", "kezek_amount", "file_amount", "difference", "status", "detail"])
    for ln in lines:
        w.writerow(
            [
                ln.line or "",
                ln.claim_number,
                tenge(ln.kezek_tiyn) if ln.kezek_tiyn is not None else "",
                tenge(ln.file_tiyn) if ln.file_tiyn is not None else "",
                tenge(ln.difference_tiyn),
                ln.status,
                "; ".join(f"{k}: {tenge(v[0])} / {tenge(v[1])}" for k, v in (ln.detail or {}).items()),
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")
