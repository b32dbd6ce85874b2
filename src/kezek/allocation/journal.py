"""The public allocation journal: every dwelling distributed, as a hash chain anyone can re-check.

Each record's ``body`` is canonical JSON (sorted keys, no spaces) with no personal data: the
dwelling, the list, the queue number at the time of the run, the legal basis, the run and the
protocol. ``hash = SHA-256(prev_hash + "\\n" + body)``, the first ``prev_hash`` being 64 zeros. An
edit, a removal or a reordering of any record breaks every later hash.

The downloadable forms (JSON lines and CSV) carry ``seq``, ``prev_hash``, ``hash`` and ``body``
verbatim, so :func:`verify_records` checks a downloaded file without the database.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.allocation.inputs import canonical_json
from kezek.models.allocation import JournalRecord

GENESIS = "0" * 64
JOURNAL_KINDS = ("allocated", "override", "reoffered", "accepted", "returned")
CSV_COLUMNS = ("seq", "prev_hash", "hash", "body")

# Legal basis cited on each record (codes; the pages translate them).
LEGAL_BASIS = {
    "akimat": "law_94_art_74",  # Law No. 94 "On Housing Relations", Art. 74 (lists and order)
    "national": "law_94_art_74_mic_130",  # Art. 74 with MIC Order No. 130 of 17.04.2025 (≥70 %)
}


def chain_hash(prev_hash: str, body: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy import text

        session.execute(text("SELECT pg_advisory_xact_lock(726001)"))


def append(
    session: Session, *, kind: str, kato: str, run_id: int | None, body: dict[str, Any]
) -> JournalRecord:
    """Append one record (inside the caller's transaction)."""
    if kind not in JOURNAL_KINDS:
        raise ValueError(f"unknown journal record kind {kind!r}")
    _lock(session)
    last = session.execute(
        select(JournalRecord.seq, JournalRecord.hash).order_by(JournalRecord.seq.desc()).limit(1)
    ).first()
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    now = clock.now()
    text = canonical_json(
        {**body, "seq": seq, "kind": kind, "kato": kato, "run": run_id, "recorded_at": now.isoformat()}
    ).decode("utf-8")
    row = JournalRecord(
        seq=seq,
        kind=kind,
        kato=kato,
        run_id=run_id,
        recorded_at=now,
        body=text,
        prev_hash=prev,
        hash=chain_hash(prev, text),
    )
    session.add(row)
    session.flush()
    return row


def records(
    session: Session, *, kato: str | None = None, run_id: int | None = None, limit: int | None = None
) -> list[JournalRecord]:
    q = select(JournalRecord).order_by(JournalRecord.seq)
    if kato:
        q = q.where(JournalRecord.kato.like(f"{kato}%"))
    if run_id is not None:
        q = q.where(JournalRecord.run_id == run_id)
    if limit is not None:
        q = q.limit(limit)
    return list(session.scalars(q))


def public_view(row: JournalRecord) -> dict[str, Any]:
    """A record as the public page shows it: its body's fields with the chain fields."""
    return {**json.loads(row.body), "seq": row.seq, "hash": row.hash, "prev_hash": row.prev_hash}


def export_json(session: Session) -> str:
    """The whole journal as JSON lines (one record per line: seq, prev_hash, hash, body)."""
    return "".join(
        json.dumps(
            {"seq": r.seq, "prev_hash": r.prev_hash, "hash": r.hash, "body": r.body}, ensure_ascii=False
        )
        + "\n"
        for r in records(session)
    )


def export_csv(session: Session) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for r in records(session):
        writer.writerow([r.seq, r.prev_hash, r.hash, r.body])
    return out.getvalue()


@dataclass(frozen=True)
class JournalCheck:
    records: int
    ok: bool
    first_bad_seq: int | None
    problem: str | None  # code: bad_hash | broken_link | bad_sequence | unreadable
    head: str | None


def parse(text: str) -> Iterator[dict[str, Any]]:
    """Records of a downloaded journal, CSV or JSON lines (recognised by the first line)."""
    stripped = text.lstrip("\ufeff")
    if stripped.startswith("seq,"):
        for row in csv.DictReader(io.StringIO(stripped)):
            yield {
                "seq": int(row["seq"]),
                "prev_hash": row["prev_hash"],
                "hash": row["hash"],
                "body": row["body"],
            }
        return
    for line in stripped.splitlines():
        if line.strip():
            yield json.loads(line)


def verify_records(rows: Iterable[dict[str, Any]]) -> JournalCheck:
    """Re-check a chain: every hash from its body and the previous hash, every link, every number."""
    prev = GENESIS
    count = 0
    head = None
    try:
        for expected_seq, row in enumerate(rows, start=1):
            count += 1
            seq = int(row["seq"])
            if seq != expected_seq:
                return JournalCheck(count, False, seq, "bad_sequence", head)
            if row["prev_hash"] != prev:
                return JournalCheck(count, False, seq, "broken_link", head)
            if chain_hash(prev, row["body"]) != row["hash"]:
                return JournalCheck(count, False, seq, "bad_hash", head)
            body = json.loads(row["body"])
            if body.get("seq") != seq:
                return JournalCheck(count, False, seq, "bad_sequence", head)
            prev = head = row["hash"]
    except (KeyError, ValueError, TypeError):
        return JournalCheck(count, False, count or None, "unreadable", head)
    return JournalCheck(count, True, None, None, head)


def verify_text(text: str) -> JournalCheck:
    try:
        return verify_records(parse(text))
    except (ValueError, KeyError, csv.Error):
        return JournalCheck(0, False, None, "unreadable", None)


def verify_stored(session: Session) -> JournalCheck:
    return verify_records(
        {"seq": r.seq, "prev_hash": r.prev_hash, "hash": r.hash, "body": r.body} for r in records(session)
    )
