"""Delivering SMS and e-mail from the outbox.

On the embedded default there is no SMS gateway or mail server: each message is written as a file
under ``settings.outbox_dir`` (one file per message, named by its id and channel), which is where a
developer or a test reads it. The log line names the message id and channel only: never the phone,
the address or the text (they may identify a person).
"""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.logs import get_logger
from kezek.models.notices import OutboxMessage

log = get_logger("kezek.notices.outbox")


def deliver_pending(session: Session, *, outbox_dir: Path, limit: int = 500) -> int:
    """Write every pending message to its file and mark it sent; returns how many were delivered.

    Safe to repeat: a message already sent is not written again, and the file is written to a
    temporary name first and renamed, so a crash never leaves half a message.
    """
    outbox_dir.mkdir(parents=True, exist_ok=True)
    rows = session.scalars(
        select(OutboxMessage).where(OutboxMessage.status == "pending").order_by(OutboxMessage.id).limit(limit)
    ).all()
    for msg in rows:
        msg.attempts += 1
        target = outbox_dir / f"{msg.id:09d}-{msg.channel}.txt"
        temporary = target.with_suffix(".tmp")
        header = f"To: {msg.recipient}\nChannel: {msg.channel}\nSubject: {msg.subject}\n\n"
        temporary.write_text(header + msg.body + "\n", encoding="utf-8")
        os.replace(temporary, target)
        msg.status = "sent"
        msg.sent_at = clock.now()
        msg.delivery_ref = target.name
        log.info("outbox.sent", message_id=msg.id, channel=msg.channel, notice_id=msg.notice_id)
    session.flush()
    return len(rows)
