"""Notices of housing-assistance decisions and the commission's protocol, as PDFs in kk, ru or en.

A notice stores its payload (everything needed to render it again identically) in ``notices`` with
the kind ``assistance_assigned`` or ``assistance_refused``; its SMS / e-mail go through the outbox.
The PDF is built with kezek.notices' document structure and renderer (DejaVu fonts, deterministic).
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.assistance import texts
from kezek.assistance.texts import label, money, pick
from kezek.audit.service import Actor, record
from kezek.jobs import enqueue_after_commit
from kezek.models.assistance import (
    AssistanceCalculation,
    AssistanceClaim,
    AssistanceCostLine,
    AssistanceDecision,
    AssistanceSession,
)
from kezek.models.notices import Notice, OutboxMessage
from kezek.models.registry import Person
from kezek.notices.document import Document, Section, fmt_date, fmt_moment
from kezek.notices.pdf import render_document
from kezek.notices.tasks import deliver_outbox

KINDS = ("assistance_assigned", "assistance_refused")


def mask_iin(iin: str) -> str:
    return iin[:2] + "•" * 6 + iin[-4:]


def _lines(session: Session, calc: AssistanceCalculation | None) -> list[dict[str, Any]]:
    if calc is None:
        return []
    rows = session.scalars(
        select(AssistanceCostLine)
        .where(AssistanceCostLine.calculation_id == calc.id)
        .order_by(AssistanceCostLine.position)
    )
    return [
        {
            "service": x.service,
            "actual": x.actual_tiyn,
            "allowed": x.allowed_tiyn,
            "within": x.within_tiyn,
            "rule": x.rule,
        }
        for x in rows
    ]


def issue_decision(
    session: Session,
    *,
    claim: AssistanceClaim,
    decision: AssistanceDecision,
    calc: AssistanceCalculation | None,
    actor: Actor,
) -> Notice:
    person = session.get(Person, claim.applicant_person_id)
    assert person is not None
    kind = "assistance_assigned" if decision.outcome == "assigned" else "assistance_refused"
    payload: dict[str, Any] = {
        "claim": claim.number,
        "applicant": {
            "name": " ".join(x for x in (person.surname, person.given_name, person.patronymic) if x),
            "iin": mask_iin(person.iin),
        },
        "address": claim.dwelling_address,
        "quarter": claim.quarter_start.isoformat(),
        "outcome": decision.outcome,
        "reason": decision.reason_code,
        "legal_reference": decision.legal_reference,
        "amount_month": decision.amount_month_tiyn,
        "first_month": decision.first_month.isoformat() if decision.first_month else None,
        "last_month": decision.last_month.isoformat() if decision.last_month else None,
        "months": decision.months,
        "total": decision.total_tiyn,
        "iban": (claim.iban[:4] + "…" + claim.iban[-4:]) if claim.iban else None,
        "decided_at": decision.decided_at.isoformat(),
        "note": decision.note,
        "calculation": None
        if calc is None
        else {
            "family_size": calc.family_size,
            "income_quarter": calc.income_quarter_tiyn,
            "share_ppm": calc.share_ppm,
            "income_share": calc.income_share_tiyn,
            "costs_within": calc.costs_within_tiyn,
            "amount_month": calc.amount_month_tiyn,
            "lines": _lines(session, calc),
        },
    }
    now = clock.now()
    notice = Notice(
        number=f"tmp-{uuid.uuid4().hex[:24]}",
        kind=kind,
        person_id=person.id,
        kato=claim.kato,
        application_id=None,
        entry_id=None,
        language=claim.language,
        issued_at=now,
        appeal_until=None,
        payload=payload,
    )
    session.add(notice)
    session.flush()
    notice.number = f"N-{clock.to_local(now):%Y}-{notice.id:08d}"
    record(
        session,
        actor=actor,
        action=f"notice.{kind}",
        object_type="notice",
        object_id=notice.id,
        kato=claim.kato,
        after={"number": notice.number, "kind": kind, "claim": claim.number},
    )
    body = texts.short(kind, claim.language, number=notice.number, amount=money(decision.amount_month_tiyn))
    queued = False
    for channel, recipient in (("sms", claim.phone), ("email", claim.email)):
        if recipient:
            session.add(
                OutboxMessage(
                    notice_id=notice.id,
                    channel=channel,
                    recipient=recipient,
                    subject=pick(texts.TITLES, kind, claim.language),
                    body=body,
                    status="pending",
                    created_at=now,
                )
            )
            queued = True
    session.flush()
    if queued:
        enqueue_after_commit(session, deliver_outbox)
    return notice


def _month(raw: str | None) -> str:
    return fmt_date(raw)[3:] if raw else ""


def build(notice: Notice, language: str | None = None) -> Document:
    lang = language or notice.language
    p = notice.payload
    fields = [
        (label("claim", lang), str(p.get("claim", ""))),
        (label("applicant", lang), str((p.get("applicant") or {}).get("name", ""))),
        (label("iin", lang), str((p.get("applicant") or {}).get("iin", ""))),
        (label("address", lang), str(p.get("address") or "")),
        (label("quarter", lang), fmt_date(p.get("quarter"))),
    ]
    sections: list[Section] = []
    if p.get("outcome") == "assigned":
        lead = f"{label('decided', lang)}: {pick(texts.OUTCOMES, 'assigned', lang)}"
        fields += [
            (label("amount_month", lang), money(int(p["amount_month"]))),
            (
                label("months", lang),
                f"{_month(p.get('first_month'))} – {_month(p.get('last_month'))} ({p['months']})",
            ),
            (label("total", lang), money(int(p["total"]))),
            (label("account", lang), str(p.get("iban") or "")),
        ]
    else:
        lead = f"{label('decided', lang)}: {pick(texts.OUTCOMES, 'refused', lang)}"
        fields += [(label("reason", lang), pick(texts.REASONS, p.get("reason"), lang))]
    fields.append((label("reference", lang), str(p.get("legal_reference", ""))))
    calc = p.get("calculation")
    if calc:
        rows = [
            (label("income", lang), money(int(calc["income_quarter"]))),
            (
                label("share", lang),
                f"{int(calc['share_ppm']) / 10000:g} % → {money(int(calc['income_share']))}",
            ),
            (label("costs", lang), money(int(calc["costs_within"]))),
            (label("amount_month", lang), money(int(calc["amount_month"]))),
        ]
        items = [
            [
                pick(texts.SERVICES, line["service"], lang),
                pick(texts.LABELS, "line", lang).format(
                    actual=money(line["actual"]), allowed=money(line["allowed"]), within=money(line["within"])
                )
                + f" ({line['rule']})",
            ]
            for line in calc.get("lines", [])
        ]
        sections.append(Section(heading=label("calculation", lang), rows=rows, items=items))
    sections.append(Section(heading="", paragraphs=[label("appeal", lang)]))
    return Document(
        language=lang,
        title=pick(texts.TITLES, notice.kind, lang),
        number=notice.number,
        issued=fmt_moment(notice.issued_at),
        lead=lead,
        fields=fields,
        sections=sections,
        footer=label("footer", lang),
    )


def notice_pdf(notice: Notice, language: str | None = None) -> bytes:
    return render_document(build(notice, language), created_at=notice.issued_at)


# -- the protocol of a session -----------------------------------------------------------------
def protocol_payload(session: Session, sitting: AssistanceSession) -> dict[str, Any]:
    rows = session.execute(
        select(AssistanceClaim.number, AssistanceDecision)
        .join(AssistanceDecision, AssistanceDecision.claim_id == AssistanceClaim.id)
        .where(AssistanceDecision.session_id == sitting.id)
        .order_by(AssistanceDecision.id)
    ).all()
    return {
        "number": sitting.number,
        "kato": sitting.kato,
        "held_on": sitting.held_on.isoformat(),
        "chair": sitting.chair,
        "members": list(sitting.members),
        "closed_at": sitting.closed_at.isoformat() if sitting.closed_at else None,
        "decisions": [
            {
                "claim": number,
                "outcome": d.outcome,
                "reason": d.reason_code,
                "legal_reference": d.legal_reference,
                "amount_month": d.amount_month_tiyn,
                "months": d.months,
                "total": d.total_tiyn,
                "bulk": d.bulk,
            }
            for number, d in rows
        ],
    }


def protocol_document(sitting: AssistanceSession, lang: str) -> Document:
    p = sitting.protocol or {}
    decisions = p.get("decisions", [])
    items = []
    for d in decisions:
        head = f"{d['claim']}: {pick(texts.OUTCOMES, d['outcome'], lang)}"
        lines = []
        if d["outcome"] == "assigned":
            amounts = f"{money(d['amount_month'])} × {d['months']} = {money(d['total'])}"
            lines.append(f"{label('amount_month', lang)}: {amounts}")
        else:
            lines.append(f"{label('reason', lang)}: {pick(texts.REASONS, d['reason'], lang)}")
        lines.append(f"{label('reference', lang)}: {d['legal_reference']}")
        if d.get("bulk"):
            lines.append(label("bulk", lang))
        items.append([head, *lines])
    assigned = sum(1 for d in decisions if d["outcome"] == "assigned")
    return Document(
        language=lang,
        title=pick(texts.TITLES, "protocol", lang),
        number=sitting.number,
        issued=fmt_date(sitting.held_on),
        lead=f"{label('session', lang)} {sitting.number}",
        fields=[
            (label("held_on", lang), fmt_date(sitting.held_on)),
            (label("chair", lang), sitting.chair),
            (label("members", lang), ", ".join(sitting.members) or "—"),
        ],
        sections=[
            Section(heading=label("agenda", lang), items=items),
            Section(
                heading=label("summary", lang),
                rows=[
                    (label("assigned_count", lang), str(assigned)),
                    (label("refused_count", lang), str(len(decisions) - assigned)),
                    (
                        label("total", lang),
                        money(sum(int(d["total"]) for d in decisions)),
                    ),
                ],
            ),
        ],
        footer=label("footer", lang),
    )


def protocol_pdf(sitting: AssistanceSession, lang: str) -> bytes:
    return render_document(
        protocol_document(sitting, lang), created_at=sitting.closed_at or sitting.opened_at
    )
