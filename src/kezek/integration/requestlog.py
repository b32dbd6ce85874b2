"""The request log: who asked for whose state data, why, from which systems, under which consent.

Officials list and export it within their jurisdiction (the export itself is an audited read);
a citizen sees every access to their own data.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import insert, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from kezek import clock
from kezek.audit.service import Actor, record_read
from kezek.auth.scope import scope_filter
from kezek.errors import ValidationFailed
from kezek.integration.labels import Language, actor_text, outcome_text, purpose_text, system_name
from kezek.integration.systems import LEGAL_BASIS, Purpose
from kezek.models import Official
from kezek.models.integration import Consent, StateDataRequest

MAX_PAGE = 1000


@dataclass(frozen=True)
class Access:
    """One person's data asked from some systems (the caller builds one per subject)."""

    iin: str
    person_id: int | None
    kato: str | None
    consent_id: int | None
    outcomes: dict[str, dict[str, Any]]  # system -> {"outcome": ..., "answer_id": ...}


def log_accesses(
    session: Session,
    *,
    actor: Actor,
    purpose: Purpose,
    case_ref: str | None,
    systems: list[str],
    accesses: list[Access],
    fetch_request_id: int | None = None,
) -> int:
    """Append the log lines in the caller's transaction (bulk: re-verification logs thousands)."""
    if not accesses:
        return 0
    now = clock.now()
    rows = [
        {
            "occurred_at": now,
            "actor_kind": actor.kind,
            "actor_id": actor.id,
            "purpose": purpose.value,
            "case_ref": case_ref,
            "legal_basis": LEGAL_BASIS[purpose],
            "iin": a.iin,
            "person_id": a.person_id,
            "kato": a.kato,
            "systems": systems,
            "outcomes": a.outcomes,
            "consent_id": a.consent_id,
            "fetch_request_id": fetch_request_id,
        }
        for a in accesses
    ]
    session.execute(insert(StateDataRequest), rows)
    return len(rows)


@dataclass(frozen=True)
class LogLine:
    id: int
    occurred_at: datetime
    actor_kind: str
    actor_id: str
    actor_name: str | None
    purpose: str
    case_ref: str | None
    legal_basis: str | None
    iin: str
    kato: str | None
    systems: list[str]
    outcomes: dict[str, Any]
    consent_id: int | None
    fetch_request_id: int | None


def _official_names(session: Session, lines: list[StateDataRequest]) -> dict[str, str]:
    ids = {int(line.actor_id) for line in lines if line.actor_kind == "official" and line.actor_id.isdigit()}
    if not ids:
        return {}
    rows = session.execute(select(Official.id, Official.full_name).where(Official.id.in_(ids)))
    return {str(official_id): name for official_id, name in rows}


def _lines(session: Session, rows: list[StateDataRequest]) -> list[LogLine]:
    names = _official_names(session, rows)
    return [
        LogLine(
            id=r.id,
            occurred_at=r.occurred_at,
            actor_kind=r.actor_kind,
            actor_id=r.actor_id,
            actor_name=names.get(r.actor_id) if r.actor_kind == "official" else None,
            purpose=r.purpose,
            case_ref=r.case_ref,
            legal_basis=r.legal_basis,
            iin=r.iin,
            kato=r.kato,
            systems=list(r.systems),
            outcomes=dict(r.outcomes),
            consent_id=r.consent_id,
            fetch_request_id=r.fetch_request_id,
        )
        for r in rows
    ]


def list_requests(
    session: Session,
    *,
    scopes: list[str],
    iin: str | None = None,
    purpose: Purpose | None = None,
    case_ref: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[LogLine]:
    """The log within the official's jurisdiction, newest first."""
    if not 1 <= limit <= MAX_PAGE:
        raise ValidationFailed(f"limit must be between 1 and {MAX_PAGE}")
    # Lines without a KATO (none are written so) stay invisible to regional officials.
    kato = cast(InstrumentedAttribute[str], StateDataRequest.kato)
    stmt = select(StateDataRequest).where(scope_filter(kato, scopes))
    if iin is not None:
        stmt = stmt.where(StateDataRequest.iin == iin)
    if purpose is not None:
        stmt = stmt.where(StateDataRequest.purpose == Purpose(purpose).value)
    if case_ref is not None:
        stmt = stmt.where(StateDataRequest.case_ref == case_ref)
    if since is not None:
        stmt = stmt.where(StateDataRequest.occurred_at >= since)
    if until is not None:
        stmt = stmt.where(StateDataRequest.occurred_at < until)
    rows = session.scalars(
        stmt.order_by(StateDataRequest.occurred_at.desc(), StateDataRequest.id.desc())
        .limit(limit)
        .offset(offset)
    ).all()
    return _lines(session, list(rows))


CSV_COLUMNS = (
    "id",
    "occurred_at",
    "actor_kind",
    "actor_id",
    "actor_name",
    "purpose",
    "case_ref",
    "legal_basis",
    "iin",
    "kato",
    "systems",
    "outcomes",
    "consent_id",
    "fetch_request_id",
)


def export_csv(
    session: Session,
    *,
    scopes: list[str],
    actor: Actor,
    reason: str,
    iin: str | None = None,
    purpose: Purpose | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> str:
    """The log as CSV (UTF-8, one line per access). The export is recorded as a read with its reason."""
    if not reason.strip():
        raise ValidationFailed("say why the request log is exported (the export is audited)")
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    offset = 0
    exported = 0
    while True:
        page = list_requests(
            session,
            scopes=scopes,
            iin=iin,
            purpose=purpose,
            since=since,
            until=until,
            limit=MAX_PAGE,
            offset=offset,
        )
        for line in page:
            writer.writerow(
                (
                    line.id,
                    line.occurred_at.isoformat(),
                    line.actor_kind,
                    line.actor_id,
                    line.actor_name or "",
                    line.purpose,
                    line.case_ref or "",
                    line.legal_basis or "",
                    line.iin,
                    line.kato or "",
                    " ".join(line.systems),
                    " ".join(f"{s}={o.get('outcome')}" for s, o in sorted(line.outcomes.items())),
                    line.consent_id or "",
                    line.fetch_request_id or "",
                )
            )
        exported += len(page)
        if len(page) < MAX_PAGE:
            break
        offset += MAX_PAGE
    record_read(
        session,
        actor=actor,
        object_type="state_data_request_log",
        object_id=iin or "*",
        kato=None,
        purpose=f"export of {exported} lines: {reason}",
    )
    return buffer.getvalue()


@dataclass(frozen=True)
class CitizenAccess:
    """How a citizen sees one access to their data, in their language."""

    occurred_at: datetime
    who: str
    purpose: str
    case_ref: str | None
    systems: list[str]
    outcomes: list[str]
    consent_id: int | None
    consent_given_at: datetime | None
    consent_channel: str | None


def accesses_to_my_data(
    session: Session, *, iin: str, lang: Language = "ru", limit: int = 200
) -> list[CitizenAccess]:
    """Everyone who asked for this citizen's state data, newest first (the citizen's own view)."""
    rows = list(
        session.scalars(
            select(StateDataRequest)
            .where(StateDataRequest.iin == iin)
            .order_by(StateDataRequest.occurred_at.desc(), StateDataRequest.id.desc())
            .limit(limit)
        )
    )
    lines = _lines(session, rows)
    consent_ids = {line.consent_id for line in lines if line.consent_id is not None}
    consents = (
        {c.id: c for c in session.scalars(select(Consent).where(Consent.id.in_(consent_ids)))}
        if consent_ids
        else {}
    )
    out = []
    for line in lines:
        who = actor_text(line.actor_kind, lang)
        if line.actor_name:
            who = f"{who}: {line.actor_name}"
        consent = consents.get(line.consent_id) if line.consent_id else None
        out.append(
            CitizenAccess(
                occurred_at=line.occurred_at,
                who=who,
                purpose=purpose_text(line.purpose, lang),
                case_ref=line.case_ref,
                systems=[system_name(s, lang) for s in line.systems],
                outcomes=[
                    f"{system_name(s, lang)}: {outcome_text(str(o.get('outcome')), lang)}"
                    for s, o in sorted(line.outcomes.items())
                ],
                consent_id=line.consent_id,
                consent_given_at=consent.given_at if consent else None,
                consent_channel=consent.channel if consent else None,
            )
        )
    return out
