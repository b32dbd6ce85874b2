"""Builders for allocation tests: dwellings, eligible queue entries, a whole small jurisdiction."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from kezek.audit.service import Actor
from kezek.models.queue import QueueEntry
from kezek.stock import service as stock
from tests.queue.builders import KARAGANDA, registered

OFFICER = Actor("official", "1")
T0 = datetime(2026, 1, 5, 4, 0, tzinfo=UTC)
_refs = itertools.count(1)


def dwelling(
    db: Session,
    *,
    kato: str = KARAGANDA,
    rooms: int = 2,
    area_m2: str = "50",
    kind: str = "rental",
    accessible: bool = False,
) -> int:
    d = stock.create_dwelling(
        db,
        actor=OFFICER,
        kato=kato,
        address=f"Test avenue {next(_refs)}",
        rooms=rooms,
        area_m2=area_m2,
        kind=kind,
        programme="Test programme",
        wheelchair_accessible=accessible,
        holder="distributor",
    )
    return d.id


def eligible(
    db: Session,
    *,
    kato: str = KARAGANDA,
    regime: str = "national",
    list_code: str = "general",
    minutes: int = 0,
    size: int = 1,
    consent: bool = True,
    phone: bool = True,
    inventory: str | None = "passed",
) -> QueueEntry:
    entry = registered(
        db, kato=kato, regime=regime, list_code=list_code, at=T0 + timedelta(minutes=minutes), size=size
    )
    entry.consent_ref = "consent-1" if consent else None
    entry.phone = "+77011234567"
    entry.phone_verified_at = T0 if phone else None
    entry.inventory_status = inventory
    db.flush()
    return entry
