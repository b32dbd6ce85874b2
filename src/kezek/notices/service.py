"""Issuing notices and queueing their SMS / e-mail. Services never commit; the caller does."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.service import Actor, record
from kezek.errors import NotFound, ValidationFailed
from kezek.jobs import enqueue_after_commit
from kezek.models.notices import NOTICE_KINDS, Notice, OutboxMessage
from kezek.notices import texts
from kezek.notices.tasks import deliver_outbox
from kezek.settings import LANGUAGES


def issue(
    session: Session,
    *,
    actor: Actor,
    kind: str,
    person_id: int,
    kato: str,
    language: str,
    payload: dict[str, Any],
    application_id: int | None = None,
    entry_id: int | None = None,
    appeal_until: date | None = None,
    phone: str | None = None,
    email: str | None = None,
) -> Notice:
    """Store a notice (everything needed to render it again) and queue its SMS / e-mail."""
    if kind not in NOTICE_KINDS:
        raise ValidationFailed(f"unknown notice kind {kind!r}", code="unknown_notice_kind")
    if language not in LANGUAGES:
        raise ValidationFailed(f"unknown language {language!r}; use kk, ru or en", code="unknown_language")
    now = clock.now()
    notice = Notice(
        number=f"tmp-{uuid.uuid4().hex[:24]}",
        kind=kind,
        person_id=person_id,
        kato=kato,
        application_id=application_id,
        entry_id=entry_id,
        language=language,
        issued_at=now,
        appeal_until=appeal_until,
        payload=payload,
    )
    session.add(notice)
    session.flush()
    notice.number = f"N-{clock.to_local(now):%Y}-{notice.id:08d}"
    session.flush()
    record(
        session,
        actor=actor,
        action=f"notice.{kind}",
        object_type="notice",
        object_id=notice.id,
        kato=kato,
        after={"number": notice.number, "kind": kind, "application_id": application_id, "entry_id": entry_id},
    )
    queued = False
    for channel, recipient in (("sms", phone), ("email", email)):
        if recipient:
            subject, body = texts.short_message(kind, language, notice.number, payload)
            session.add(
                OutboxMessage(
                    notice_id=notice.id,
                    channel=channel,
                    recipient=recipient,
                    subject=subject,
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


def get_notice(session: Session, notice_id: int) -> Notice:
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise NotFound("no such notice")
    return notice


def notices_of_person(session: Session, person_id: int) -> list[Notice]:
    return list(
        session.scalars(
            select(Notice)
            .where(Notice.person_id == person_id)
            .order_by(Notice.issued_at.desc(), Notice.id.desc())
        )
    )


def notices_of_application(session: Session, application_id: int) -> list[Notice]:
    return list(
        session.scalars(select(Notice).where(Notice.application_id == application_id).order_by(Notice.id))
    )
