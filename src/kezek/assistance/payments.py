"""Paying housing assistance: monthly registries per bank, bank responses, returned payments and
overpayment proposals.

The payable schedule is ``AssistanceMonth`` (one row per assigned month). A registry for month M
and a paying jurisdiction takes every month up to M that has no live payment line (draft, sent or
paid) and is not waiting for a corrected account, groups them by the recipient's bank, and writes
one registry per bank. While a registry is a draft, generating it again rebuilds it from the same
schedule, giving the same lines with the same references (idempotent). Once sent it is frozen:
its digest is stored, and a later generation for the same month adds a supplementary registry
with only what is still unpaid. A partial unique index allows one live line per month, so nothing
is paid twice whatever the order of operations.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session

from kezek import clock
from kezek.assistance.payments_files import (
    FileRejected,
    Payer,
    RegistryFile,
    RegistryLine,
    RowError,
    bank_bic,
    bank_code,
    bank_name,
    check_registry,
    digest,
    normalise_iban,
    parse_bank_response,
)
from kezek.audit.service import Actor, record
from kezek.auth.scope import in_scope, scope_filter
from kezek.errors import Conflict, NotFound, OutOfScope, ValidationFailed
from kezek.integration.iban import is_valid_kz_iban, make_kz_iban
from kezek.models.assistance import AssistanceClaim, AssistanceMonth
from kezek.models.payments import (
    LIVE_LINE_STATUSES,
    OverpaymentProposal,
    PaymentBankResponse,
    PaymentLine,
    PaymentRegistry,
)
from kezek.models.registry import Person

# The department's treasury account when none is configured for the jurisdiction (a placeholder
# in the Treasury's format; each akimat sets its own before the first real registry).
DEFAULT_PAYER = Payer(
    name="Department of employment and social programmes",
    bin="000000000000",
    iban=make_kz_iban("070", "0000000000001"),
)


def month_start(value: date) -> date:
    return value.replace(day=1)


def parse_month(text: str) -> date:
    """'2026-01' -> date(2026, 1, 1); ValidationFailed naming the field otherwise."""
    try:
        year, month = text.strip().split("-")[:2]
        return date(int(year), int(month), 1)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(f"month: expected YYYY-MM, got {text!r}", code="month_invalid") from exc


def reference_for(month_id: int, attempt: int) -> str:
    """EndToEndId of the attempt-th transfer for an assistance month: stable across rebuilds."""
    return f"HA{month_id:012d}A{attempt:02d}"


def registry_number(kato_prefix: str, month: date, code: str, seq: int) -> str:
    return f"HA{month:%Y%m}-{kato_prefix or 'KZ'}-{code}-{seq}"


@dataclass
class Skipped:
    month_id: int
    claim_number: str
    reason: str  # no_account | iban_invalid


@dataclass
class Generated:
    registry_id: int
    number: str
    bank_code: str
    action: str  # created | rebuilt | unchanged | supplementary
    lines: int
    total_tiyn: int


@dataclass
class Generation:
    month: date
    kato_prefix: str
    registries: list[Generated] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _payables(
    session: Session, month: date, kato_prefix: str, exclude_registries: Sequence[int]
) -> list[dict[str, Any]]:
    """Assistance months up to ``month`` in the jurisdiction with no live line and no open return."""
    live = select(PaymentLine.month_id).where(PaymentLine.status.in_(LIVE_LINE_STATUSES))
    if exclude_registries:
        live = live.where(PaymentLine.registry_id.not_in(exclude_registries))
    waiting = select(PaymentLine.month_id).where(PaymentLine.correction == "open")
    attempts = (
        select(PaymentLine.month_id, func.count().label("n"))
        .where(PaymentLine.status == "returned")
        .group_by(PaymentLine.month_id)
        .subquery()
    )
    rows = session.execute(
        select(
            AssistanceMonth.id,
            AssistanceMonth.claim_id,
            AssistanceMonth.person_id,
            AssistanceMonth.kato,
            AssistanceMonth.month,
            AssistanceMonth.amount_tiyn,
            AssistanceMonth.iban,
            AssistanceClaim.number,
            Person.iin,
            Person.surname,
            Person.given_name,
            Person.patronymic,
            func.coalesce(attempts.c.n, 0),
        )
        .join(AssistanceClaim, AssistanceClaim.id == AssistanceMonth.claim_id)
        .join(Person, Person.id == AssistanceMonth.person_id)
        .outerjoin(attempts, attempts.c.month_id == AssistanceMonth.id)
        .where(
            AssistanceMonth.month <= month,
            AssistanceMonth.amount_tiyn > 0,
            scope_filter(AssistanceMonth.kato, [kato_prefix]),
            AssistanceMonth.id.not_in(live),
            AssistanceMonth.id.not_in(waiting),
        )
        .order_by(AssistanceMonth.id)
    ).all()
    out = []
    for r in rows:
        name = " ".join(x for x in (r[9], r[10], r[11]) if x)
        out.append(
            {
                "month_id": r[0],
                "claim_id": r[1],
                "person_id": r[2],
                "kato": r[3],
                "for_month": r[4],
                "amount_tiyn": r[5],
                "iban": normalise_iban(r[6] or ""),
                "claim_number": r[7],
                "iin": r[8],
                "name": name,
                "attempt": r[12] + 1,
            }
        )
    return out


def generate_registries(
    session: Session,
    *,
    month: date,
    kato_prefix: str,
    actor: Actor,
    bank: str | None = None,
    payer: Payer = DEFAULT_PAYER,
    execution_date: date | None = None,
) -> Generation:
    """Registries for ``month`` in the jurisdiction, one per bank (or only ``bank``)."""
    month = month_start(month)
    now = clock.now().astimezone(UTC)
    result = Generation(month, kato_prefix)
    drafts = session.scalars(
        select(PaymentRegistry).where(
            PaymentRegistry.kato_prefix == kato_prefix,
            PaymentRegistry.month == month,
            PaymentRegistry.status == "draft",
            *([PaymentRegistry.bank_code == bank] if bank else []),
        )
    ).all()
    draft_by_bank = {d.bank_code: d for d in drafts}
    old_digest = {d.bank_code: _lines_digest(session, d.id) for d in drafts}
    payables = _payables(session, month, kato_prefix, [d.id for d in drafts])
    by_bank: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in payables:
        if not p["iban"]:
            result.skipped.append(Skipped(p["month_id"], p["claim_number"], "no_account"))
        elif not is_valid_kz_iban(p["iban"]):
            result.skipped.append(Skipped(p["month_id"], p["claim_number"], "iban_invalid"))
        elif bank is None or bank_code(p["iban"]) == bank:
            by_bank[bank_code(p["iban"])].append(p)
    for code in sorted(set(by_bank) | set(draft_by_bank)):
        lines = by_bank.get(code, [])
        draft = draft_by_bank.get(code)
        if draft is not None:
            session.execute(delete(PaymentLine).where(PaymentLine.registry_id == draft.id))
            if not lines:
                record(
                    session,
                    actor=actor,
                    action="payment_registry.dropped",
                    object_type="payment_registry",
                    object_id=draft.id,
                    kato=kato_prefix or None,
                    before={"number": draft.number, "lines": draft.line_count},
                    reason="nothing left to pay in this draft",
                )
                session.delete(draft)
                continue
            registry = draft
            registry.created_at = now
            registry.created_by = actor.id
        else:
            if not lines:
                continue
            seq = (
                session.scalar(
                    select(func.max(PaymentRegistry.seq)).where(
                        PaymentRegistry.kato_prefix == kato_prefix,
                        PaymentRegistry.month == month,
                        PaymentRegistry.bank_code == code,
                    )
                )
                or 0
            ) + 1
            registry = PaymentRegistry(
                number=registry_number(kato_prefix, month, code, seq),
                kato_prefix=kato_prefix,
                month=month,
                bank_code=code,
                bank_bic=bank_bic(code),
                bank_name=bank_name(code),
                seq=seq,
                status="draft",
                payer=asdict(payer),
                execution_date=execution_date or month + timedelta(days=9),
                created_at=now,
                created_by=actor.id,
            )
            session.add(registry)
            session.flush()
        registry.line_count = len(lines)
        registry.total_tiyn = sum(p["amount_tiyn"] for p in lines)
        rows = [
            {
                "registry_id": registry.id,
                "month_id": p["month_id"],
                "claim_id": p["claim_id"],
                "claim_number": p["claim_number"],
                "person_id": p["person_id"],
                "reference": reference_for(p["month_id"], p["attempt"]),
                "for_month": p["for_month"],
                "kato": p["kato"],
                "iin": p["iin"],
                "name": p["name"][:200],
                "iban": p["iban"],
                "amount_tiyn": p["amount_tiyn"],
                "status": "draft",
            }
            for p in lines
        ]
        # Core executemany (not the ORM's bulk path): a registry can have 100,000 lines
        table = PaymentLine.__table__
        for start in range(0, len(rows), 5000):
            session.execute(table.insert(), rows[start : start + 5000])  # type: ignore[attr-defined]
        session.flush()
        new_digest = _digest_of((r["reference"], r["month_id"], r["iban"], r["amount_tiyn"]) for r in rows)
        if draft is None:
            action = "created" if registry.seq == 1 else "supplementary"
        else:
            action = "unchanged" if old_digest.get(code) == new_digest else "rebuilt"
        if action != "unchanged":
            record(
                session,
                actor=actor,
                action=f"payment_registry.{action}",
                object_type="payment_registry",
                object_id=registry.id,
                kato=kato_prefix or None,
                after={
                    "number": registry.number,
                    "month": month.isoformat(),
                    "bank": code,
                    "lines": registry.line_count,
                    "total_tiyn": registry.total_tiyn,
                    "lines_sha256": new_digest,
                },
            )
        result.registries.append(
            Generated(registry.id, registry.number, code, action, registry.line_count, registry.total_tiyn)
        )
    return result


def _digest_of(lines: Iterable[tuple[str, int, str, int]]) -> str:
    """Digest of a draft's lines (reference, month, account, amount), in reference order."""
    h = hashlib.sha256()
    for ref, month_id, iban, amount in sorted(lines):
        h.update(f"{ref}|{month_id}|{iban}|{amount}\n".encode())
    return h.hexdigest()


def _lines_digest(session: Session, registry_id: int) -> str:
    return _digest_of(
        (r[0], r[1], r[2], r[3])
        for r in session.execute(
            select(
                PaymentLine.reference, PaymentLine.month_id, PaymentLine.iban, PaymentLine.amount_tiyn
            ).where(PaymentLine.registry_id == registry_id)
        )
    )


# --- reading and sending --------------------------------------------------------------------------


def get_registry(session: Session, registry_id: int, scopes: Iterable[str]) -> PaymentRegistry:
    registry = session.get(PaymentRegistry, registry_id)
    if registry is None:
        raise NotFound("no such payment registry")
    if not _registry_in_scope(registry, scopes):
        raise OutOfScope("this payment registry belongs to another jurisdiction")
    return registry


def _registry_in_scope(registry: PaymentRegistry, scopes: Iterable[str]) -> bool:
    # the official's scope must cover the whole paying jurisdiction
    return any(registry.kato_prefix.startswith(s) for s in scopes)


def registry_file(session: Session, registry: PaymentRegistry) -> RegistryFile:
    rows = session.execute(
        select(
            PaymentLine.reference,
            PaymentLine.claim_number,
            PaymentLine.for_month,
            PaymentLine.kato,
            PaymentLine.iin,
            PaymentLine.name,
            PaymentLine.iban,
            PaymentLine.amount_tiyn,
        )
        .where(PaymentLine.registry_id == registry.id)
        .order_by(PaymentLine.reference)
    )
    return RegistryFile(
        number=registry.number,
        month=registry.month,
        bank_code=registry.bank_code,
        payer=Payer(**registry.payer),
        created_at=registry.created_at,
        execution_date=registry.execution_date,
        lines=tuple(RegistryLine(*r) for r in rows),
    )


def send_registry(session: Session, registry_id: int, *, actor: Actor, scopes: Iterable[str]) -> str:
    """Freeze a draft: check it, store its digest, mark it and its lines sent. Returns the digest."""
    registry = get_registry(session, registry_id, scopes)
    if registry.status != "draft":
        raise Conflict("this registry was already sent and cannot change", code="registry_sent")
    content = registry_file(session, registry)
    if not content.lines:
        raise Conflict("an empty registry cannot be sent", code="registry_empty")
    check_registry(content)
    sha = digest(content)
    registry.status = "sent"
    registry.sha256 = sha
    registry.sent_at = clock.now().astimezone(UTC)
    registry.sent_by = actor.id
    session.execute(update(PaymentLine).where(PaymentLine.registry_id == registry.id).values(status="sent"))
    record(
        session,
        actor=actor,
        action="payment_registry.sent",
        object_type="payment_registry",
        object_id=registry.id,
        kato=registry.kato_prefix or None,
        before={"status": "draft"},
        after={"status": "sent", "sha256": sha, "lines": content.count, "total_tiyn": content.total_tiyn},
    )
    return sha


def verify_registry(session: Session, registry: PaymentRegistry) -> bool:
    """A sent registry still has exactly the content it was sent with."""
    return registry.sha256 is not None and digest(registry_file(session, registry)) == registry.sha256


# --- bank responses -------------------------------------------------------------------------------


@dataclass
class ResponseResult:
    response_id: int
    rows: int
    paid: int
    returned: int
    unchanged: int


def import_bank_response(
    session: Session, data: bytes, *, file_name: str, actor: Actor, scopes: Iterable[str]
) -> ResponseResult:
    """Apply a bank's answers to sent lines. A file with any bad row is refused whole (FileRejected
    naming every bad row), so nothing is half-applied; importing the same file again changes nothing."""
    scopes = list(scopes)
    answers = parse_bank_response(data)
    refs = [a.reference for a in answers]
    lines: dict[str, PaymentLine] = {}
    for start in range(0, len(refs), 1000):
        for line in session.scalars(
            select(PaymentLine).where(PaymentLine.reference.in_(refs[start : start + 1000]))
        ):
            lines[line.reference] = line
    registries = {
        r.id: r
        for r in session.scalars(
            select(PaymentRegistry).where(PaymentRegistry.id.in_({ln.registry_id for ln in lines.values()}))
        )
    }
    errors: list[RowError] = []
    for a in answers:
        found = lines.get(a.reference)
        if found is None:
            errors.append(RowError(a.line, "reference", "unknown_reference", a.reference))
            continue
        line = found
        if not in_scope(line.kato, scopes) or not _registry_in_scope(registries[line.registry_id], scopes):
            errors.append(RowError(a.line, "reference", "out_of_scope", a.reference))
        elif line.status == "draft":
            errors.append(RowError(a.line, "reference", "registry_not_sent", a.reference))
        elif line.status in ("paid", "returned") and line.status != a.status:
            errors.append(RowError(a.line, "status", f"already_{line.status}", a.reference))
        if a.amount_tiyn is not None and a.amount_tiyn != line.amount_tiyn:
            errors.append(RowError(a.line, "amount", "amount_differs", a.reference))
    if errors:
        raise FileRejected(errors)
    now = clock.now().astimezone(UTC)
    response = PaymentBankResponse(
        file_name=file_name[:255],
        sha256=hashlib.sha256(data).hexdigest(),
        imported_at=now,
        imported_by=actor.id,
        rows=len(answers),
        paid=0,
        returned=0,
        unchanged=0,
    )
    session.add(response)
    session.flush()
    touched: set[int] = set()
    for a in answers:
        line = lines[a.reference]
        if line.status == a.status:
            response.unchanged += 1
            continue
        line.status = a.status
        line.response_id = response.id
        line.value_date = a.value_date
        touched.add(line.registry_id)
        if a.status == "paid":
            response.paid += 1
        else:
            response.returned += 1
            line.return_code = a.reason_code or "NARR"
            line.return_reason = a.reason or None
            line.correction = "open"
            # the payment goes back to the case: recorded on the claim for the officer to correct
            record(
                session,
                actor=actor,
                action="assistance_claim.payment_returned",
                object_type="assistance_claim",
                object_id=line.claim_id,
                kato=line.kato,
                after={
                    "reference": line.reference,
                    "month": line.for_month.isoformat(),
                    "amount_tiyn": line.amount_tiyn,
                    "return_code": line.return_code,
                },
            )
    session.flush()
    for registry_id in touched:
        registry = registries[registry_id]
        pending = session.scalar(
            select(func.count())
            .select_from(PaymentLine)
            .where(PaymentLine.registry_id == registry_id, PaymentLine.status == "sent")
        )
        if not pending and registry.status == "sent":
            registry.status = "closed"
    record(
        session,
        actor=actor,
        action="payment_bank_response.imported",
        object_type="payment_bank_response",
        object_id=response.id,
        after={
            "file": response.file_name,
            "sha256": response.sha256,
            "rows": response.rows,
            "paid": response.paid,
            "returned": response.returned,
            "unchanged": response.unchanged,
        },
    )
    return ResponseResult(response.id, response.rows, response.paid, response.returned, response.unchanged)


def open_returns(session: Session, scopes: Iterable[str], claim_id: int | None = None) -> list[PaymentLine]:
    """Returned payments waiting for the case to be corrected (all, or one claim's)."""
    q = select(PaymentLine).where(
        PaymentLine.correction == "open", scope_filter(PaymentLine.kato, list(scopes))
    )
    if claim_id is not None:
        q = q.where(PaymentLine.claim_id == claim_id)
    return list(session.scalars(q.order_by(PaymentLine.for_month, PaymentLine.id)))


def correct_return(
    session: Session, line_id: int, *, iban: str, actor: Actor, scopes: Iterable[str]
) -> PaymentLine:
    """The officer enters the corrected account of a returned payment; the month (and the claim's
    later unpaid months) become payable again in the next registry."""
    line = session.get(PaymentLine, line_id)
    if line is None or line.status != "returned":
        raise NotFound("no such returned payment")
    if not in_scope(line.kato, scopes):
        raise OutOfScope("this payment belongs to another jurisdiction")
    if line.correction != "open":
        raise Conflict("this returned payment was already corrected", code="already_corrected")
    iban = normalise_iban(iban)
    if not is_valid_kz_iban(iban):
        raise ValidationFailed(
            "iban: not a valid Kazakh IBAN (KZ, 18 characters, mod-97)", code="iban_invalid"
        )
    before = {"iban": line.iban}
    line.correction = "corrected"
    line.corrected_iban = iban
    line.corrected_at = clock.now().astimezone(UTC)
    line.corrected_by = actor.id
    # months not yet sent take the new account (a draft picks it up when it is generated again)
    live = select(PaymentLine.month_id).where(PaymentLine.status.in_(("sent", "paid")))
    session.execute(
        update(AssistanceMonth)
        .where(
            AssistanceMonth.claim_id == line.claim_id,
            AssistanceMonth.month >= line.for_month,
            AssistanceMonth.id.not_in(live),
        )
        .values(iban=iban, bank_bic=bank_bic(bank_code(iban)))
    )
    session.execute(
        update(AssistanceClaim)
        .where(AssistanceClaim.id == line.claim_id)
        .values(iban=iban, bank_bic=bank_bic(bank_code(iban)), bank_name=bank_name(bank_code(iban)))
    )
    record(
        session,
        actor=actor,
        action="assistance_claim.account_corrected",
        object_type="assistance_claim",
        object_id=line.claim_id,
        kato=line.kato,
        before=before,
        after={"iban": iban, "reference": line.reference},
    )
    return line


# --- overpayments ---------------------------------------------------------------------------------

PROPOSAL_CAUSES = ("income_higher", "recalculation", "data_changed", "false_data")


def paid_by_month(session: Session, claim_id: int) -> dict[date, int]:
    """What was paid (or sent to be paid) for each month of a claim."""
    out: dict[date, int] = defaultdict(int)
    for for_month, amount in session.execute(
        select(PaymentLine.for_month, PaymentLine.amount_tiyn).where(
            PaymentLine.claim_id == claim_id, PaymentLine.status.in_(("sent", "paid"))
        )
    ):
        out[for_month] += amount
    return dict(out)


def propose_overpayment(
    session: Session,
    claim_id: int,
    *,
    due_month_tiyn: int | dict[date, int],
    cause: str,
    actor: Actor,
    detail: str | None = None,
) -> OverpaymentProposal | None:
    """After a change of data: if more was paid than is now due, a proposal for a human decision.
    Nothing is recovered automatically. An open proposal of the claim is updated, not duplicated."""
    if cause not in PROPOSAL_CAUSES:
        raise ValidationFailed(f"cause: one of {', '.join(PROPOSAL_CAUSES)}", code="cause_invalid")
    claim = session.get(AssistanceClaim, claim_id)
    if claim is None:
        raise NotFound("no such claim")
    paid = paid_by_month(session, claim_id)
    months: list[tuple[str, int, int]] = []
    for m in sorted(paid):
        due = due_month_tiyn.get(m, 0) if isinstance(due_month_tiyn, dict) else due_month_tiyn
        due = max(0, due)
        if paid[m] > due:
            months.append((m.isoformat(), paid[m], due))
    if not months:
        return None
    paid_total = sum(x[1] for x in months)
    due_total = sum(x[2] for x in months)
    proposal = session.scalar(
        select(OverpaymentProposal).where(
            OverpaymentProposal.claim_id == claim_id, OverpaymentProposal.status == "proposed"
        )
    )
    before = None
    if proposal is None:
        proposal = OverpaymentProposal(
            claim_id=claim_id,
            claim_number=claim.number,
            kato=claim.kato,
            status="proposed",
            created_at=clock.now().astimezone(UTC),
            created_by=actor.id,
        )
        session.add(proposal)
    else:
        before = {"difference_tiyn": proposal.difference_tiyn, "months": proposal.months}
    proposal.cause = cause
    proposal.detail = (detail or "")[:300] or None
    proposal.paid_tiyn = paid_total
    proposal.due_tiyn = due_total
    proposal.difference_tiyn = paid_total - due_total
    proposal.months = [list(x) for x in months]
    session.flush()
    record(
        session,
        actor=actor,
        action="overpayment.proposed" if before is None else "overpayment.updated",
        object_type="overpayment",
        object_id=proposal.id,
        kato=claim.kato,
        before=before,
        after={
            "claim": claim.number,
            "cause": cause,
            "difference_tiyn": proposal.difference_tiyn,
            "months": months,
        },
    )
    return proposal


def decide_overpayment(
    session: Session, proposal_id: int, *, decision: str, note: str, actor: Actor, scopes: Iterable[str]
) -> OverpaymentProposal:
    """An official confirms (recovery is then pursued by the department, outside Kezek) or dismisses."""
    if decision not in ("confirmed", "dismissed"):
        raise ValidationFailed("decision: confirmed or dismissed", code="decision_invalid")
    note = " ".join(note.split())
    if not note:
        raise ValidationFailed("note: say why", code="note_required")
    proposal = session.get(OverpaymentProposal, proposal_id)
    if proposal is None:
        raise NotFound("no such overpayment proposal")
    if not in_scope(proposal.kato, scopes):
        raise OutOfScope("this proposal belongs to another jurisdiction")
    if proposal.status != "proposed":
        raise Conflict("this proposal was already decided", code="already_decided")
    proposal.status = decision
    proposal.note = note[:500]
    proposal.decided_at = clock.now().astimezone(UTC)
    proposal.decided_by = actor.id
    record(
        session,
        actor=actor,
        action=f"overpayment.{decision}",
        object_type="overpayment",
        object_id=proposal.id,
        kato=proposal.kato,
        before={"status": "proposed"},
        after={"status": decision},
        reason=proposal.note,
    )
    return proposal


def registries_for(
    session: Session, scopes: Iterable[str], month: date | None = None
) -> list[PaymentRegistry]:
    scopes = list(scopes)
    q = select(PaymentRegistry)
    if month is not None:
        q = q.where(PaymentRegistry.month == month_start(month))
    rows = session.scalars(
        q.order_by(PaymentRegistry.month.desc(), PaymentRegistry.bank_code, PaymentRegistry.seq)
    )
    return [r for r in rows if _registry_in_scope(r, scopes)]


def totals_by_bank_and_district(
    session: Session, registry_ids: Sequence[int]
) -> list[tuple[str, str, int, int]]:
    """(bank code, district KATO, transfers, tiyn) over the given registries' live lines."""
    if not registry_ids:
        return []
    rows = session.execute(
        select(PaymentRegistry.bank_code, PaymentLine.kato, func.count(), func.sum(PaymentLine.amount_tiyn))
        .join(PaymentRegistry, PaymentRegistry.id == PaymentLine.registry_id)
        .where(and_(PaymentLine.registry_id.in_(registry_ids), PaymentLine.status.in_(LIVE_LINE_STATUSES)))
        .group_by(PaymentRegistry.bank_code, PaymentLine.kato)
        .order_by(PaymentRegistry.bank_code, PaymentLine.kato)
    ).all()
    return [(r[0], r[1], int(r[2]), int(r[3] or 0)) for r in rows]
