"""Housing stock: entering dwellings, correcting and withdrawing them, handing them over from an akimat
to the distributing body. Every change writes an audit event in the caller's transaction; services
never commit.

For the spreadsheet import: call :func:`create_dwelling` once per row inside the row's savepoint;
a bad row raises :class:`~kezek.errors.ValidationFailed` with ``code="invalid_dwelling"`` and
``extra["errors"]`` = {field: English message} naming every wrong field at once, before anything is
written. :func:`check_dwelling` gives the same verdict without writing (a dry run).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.service import Actor, record
from kezek.errors import Conflict, NotFound, ValidationFailed
from kezek.models.stock import DWELLING_KINDS, HOLDERS, Dwelling, DwellingHandover
from kezek.registry.kato import is_code

MAX_ROOMS = 10
# Useful area limits that catch typing slips (m² entered as dm², a missing decimal point).
MIN_AREA_DM2 = 1_000  # 10 m²
MAX_AREA_DM2 = 100_000  # 1000 m²
MAX_FLOOR = 150


@dataclass(frozen=True)
class DwellingData:
    """A dwelling's validated fields (area converted to exact square decimetres)."""

    kato: str
    address: str
    rooms: int
    area_dm2: int
    kind: str
    programme: str
    floor: int | None
    floors_total: int | None
    wheelchair_accessible: bool
    holder: str
    external_ref: str | None


def area_to_dm2(value: Any) -> int:
    """Square metres (``45.6``, ``"45,60"``, ``Decimal("45.6")``) to exact square decimetres.

    Floats are read through their shortest decimal text, so a spreadsheet's 45.6 is 4560 dm².
    """
    if isinstance(value, bool):
        raise ValueError("must be a number of square metres")
    text = str(value).strip().replace(",", ".").replace(" ", "").replace("\u00a0", "")
    try:
        m2 = Decimal(text)
    except InvalidOperation:
        raise ValueError("must be a number of square metres, like 45.6") from None
    if not m2.is_finite():
        raise ValueError("must be a number of square metres, like 45.6")
    dm2 = m2 * 100
    if dm2 != dm2.to_integral_value():
        raise ValueError("is given finer than 0.01 m²")
    return int(dm2)


def _int(value: Any, *, optional: bool = False) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if optional:
            return None
        raise ValueError("is required")
    if isinstance(value, bool):
        raise ValueError("must be a whole number")
    if isinstance(value, float):
        if not value.is_integer():
            raise ValueError("must be a whole number")
        return int(value)
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError("must be a whole number") from None


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in {"", "0", "no", "false", "нет", "жоқ", "n"}:
        return False
    if text in {"1", "yes", "true", "да", "иә", "y"}:
        return True
    raise ValueError("must be yes or no")


def check_dwelling(
    *,
    kato: Any,
    address: Any,
    rooms: Any,
    area_m2: Any,
    kind: Any,
    programme: Any,
    floor: Any = None,
    floors_total: Any = None,
    wheelchair_accessible: Any = False,
    holder: Any = "distributor",
    external_ref: Any = None,
) -> DwellingData:
    """Validate a dwelling's fields; raise ValidationFailed naming every wrong field (nothing written)."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}

    def take(field: str, fn: Any) -> None:
        try:
            values[field] = fn()
        except ValueError as exc:
            errors[field] = f"{field} {exc}"

    kato_text = str(kato or "").strip()
    if not is_code(kato_text):
        errors["kato"] = "kato must be a KATO code of 9 digits"
    address_text = " ".join(str(address or "").split())
    if not address_text:
        errors["address"] = "address is required"
    elif len(address_text) > 300:
        errors["address"] = "address is longer than 300 characters"
    take("rooms", lambda: _int(rooms))
    if "rooms" in values and not 1 <= values["rooms"] <= MAX_ROOMS:
        errors["rooms"] = f"rooms must be between 1 and {MAX_ROOMS}"
    take("area_m2", lambda: area_to_dm2(area_m2))
    if "area_m2" in values and not MIN_AREA_DM2 <= values["area_m2"] <= MAX_AREA_DM2:
        errors["area_m2"] = "area_m2 must be between 10 and 1000 square metres"
    kind_text = str(kind or "").strip()
    if kind_text not in DWELLING_KINDS:
        errors["kind"] = f"kind must be one of: {', '.join(DWELLING_KINDS)}"
    programme_text = " ".join(str(programme or "").split())
    if not programme_text:
        errors["programme"] = "programme (the source programme) is required"
    elif len(programme_text) > 120:
        errors["programme"] = "programme is longer than 120 characters"
    take("floor", lambda: _int(floor, optional=True))
    take("floors_total", lambda: _int(floors_total, optional=True))
    f, ft = values.get("floor"), values.get("floors_total")
    if f is not None and not -2 <= f <= MAX_FLOOR:
        errors["floor"] = "floor is out of range"
    if ft is not None and not 1 <= ft <= MAX_FLOOR:
        errors["floors_total"] = "floors_total is out of range"
    if f is not None and ft is not None and f > ft and "floor" not in errors:
        errors["floor"] = "floor is above the number of floors"
    take("wheelchair_accessible", lambda: _bool(wheelchair_accessible))
    holder_text = str(holder or "").strip()
    if holder_text not in HOLDERS:
        errors["holder"] = f"holder must be one of: {', '.join(HOLDERS)}"
    ref = str(external_ref).strip() if external_ref is not None and str(external_ref).strip() else None
    if ref is not None and len(ref) > 64:
        errors["external_ref"] = "external_ref is longer than 64 characters"
    if errors:
        raise ValidationFailed(
            "; ".join(errors[k] for k in sorted(errors)), code="invalid_dwelling", errors=errors
        )
    return DwellingData(
        kato=kato_text,
        address=address_text,
        rooms=values["rooms"],
        area_dm2=values["area_m2"],
        kind=kind_text,
        programme=programme_text,
        floor=values["floor"],
        floors_total=values["floors_total"],
        wheelchair_accessible=values["wheelchair_accessible"],
        holder=holder_text,
        external_ref=ref,
    )


def snapshot(d: Dwelling) -> dict[str, Any]:
    return {
        "kato": d.kato,
        "address": d.address,
        "rooms": d.rooms,
        "area_dm2": d.area_dm2,
        "floor": d.floor,
        "floors_total": d.floors_total,
        "wheelchair_accessible": d.wheelchair_accessible,
        "kind": d.kind,
        "programme": d.programme,
        "status": d.status,
        "holder": d.holder,
        "handover_id": d.handover_id,
        "external_ref": d.external_ref,
    }


def create_dwelling(
    session: Session,
    *,
    actor: Actor,
    kato: Any,
    address: Any,
    rooms: Any,
    area_m2: Any,
    kind: Any,
    programme: Any,
    floor: Any = None,
    floors_total: Any = None,
    wheelchair_accessible: Any = False,
    holder: Any = "distributor",
    external_ref: Any = None,
) -> Dwelling:
    """Enter one dwelling.

    ``area_m2`` is useful area in m² (int, Decimal, str such as "45,6", or a spreadsheet float);
    ``kind`` is one of rental | credit_2 | credit_5 | rent_subsidy; ``holder="akimat"`` means the
    dwelling still awaits hand-over to the distributing body (see :func:`hand_over`), otherwise it
    is available for distribution at once. ``external_ref`` (the row's id in its source) is unique
    per KATO: importing the same row twice is a Conflict with ``code="duplicate_dwelling"``.
    """
    data = check_dwelling(
        kato=kato,
        address=address,
        rooms=rooms,
        area_m2=area_m2,
        kind=kind,
        programme=programme,
        floor=floor,
        floors_total=floors_total,
        wheelchair_accessible=wheelchair_accessible,
        holder=holder,
        external_ref=external_ref,
    )
    if data.external_ref is not None:
        clash = session.scalar(
            select(Dwelling.id).where(Dwelling.kato == data.kato, Dwelling.external_ref == data.external_ref)
        )
        if clash is not None:
            raise Conflict(
                f"a dwelling with external_ref {data.external_ref!r} is already entered in {data.kato}",
                code="duplicate_dwelling",
                dwelling_id=clash,
            )
    now = clock.now()
    dwelling = Dwelling(
        kato=data.kato,
        address=data.address,
        rooms=data.rooms,
        area_dm2=data.area_dm2,
        floor=data.floor,
        floors_total=data.floors_total,
        wheelchair_accessible=data.wheelchair_accessible,
        kind=data.kind,
        programme=data.programme,
        holder=data.holder,
        status="available" if data.holder == "distributor" else "awaiting_handover",
        external_ref=data.external_ref,
        created_at=now,
        updated_at=now,
    )
    session.add(dwelling)
    session.flush()
    record(
        session,
        actor=actor,
        action="stock.create",
        object_type="dwelling",
        object_id=dwelling.id,
        kato=dwelling.kato,
        after=snapshot(dwelling),
    )
    return dwelling


def get_dwelling(session: Session, dwelling_id: int) -> Dwelling:
    dwelling = session.get(Dwelling, dwelling_id)
    if dwelling is None:
        raise NotFound(f"no dwelling {dwelling_id}", code="no_such_dwelling")
    return dwelling


EDITABLE_STATUSES = ("awaiting_handover", "available")


def correct_dwelling(
    session: Session, *, actor: Actor, dwelling_id: int, reason: str, **fields: Any
) -> Dwelling:
    """Correct a dwelling's description (not while it is in a batch, offered or allocated)."""
    if not reason.strip():
        raise ValidationFailed("a correction needs a reason", code="reason_required")
    dwelling = get_dwelling(session, dwelling_id)
    if dwelling.status not in EDITABLE_STATUSES:
        raise Conflict(
            f"the dwelling is {dwelling.status}; it can be corrected only while available",
            code="dwelling_locked",
        )
    before = snapshot(dwelling)
    current = {
        "kato": dwelling.kato,
        "address": dwelling.address,
        "rooms": dwelling.rooms,
        "area_m2": Decimal(dwelling.area_dm2) / 100,
        "kind": dwelling.kind,
        "programme": dwelling.programme,
        "floor": dwelling.floor,
        "floors_total": dwelling.floors_total,
        "wheelchair_accessible": dwelling.wheelchair_accessible,
        "holder": dwelling.holder,
        "external_ref": dwelling.external_ref,
    }
    unknown = set(fields) - set(current)
    if unknown:
        raise ValidationFailed(f"unknown fields: {', '.join(sorted(unknown))}", code="unknown_field")
    data = check_dwelling(**{**current, **fields})
    if data.kato != dwelling.kato:
        raise ValidationFailed(
            "a dwelling cannot move to another KATO; withdraw it instead", code="kato_fixed"
        )
    for name in ("address", "rooms", "area_dm2", "kind", "programme", "floor", "floors_total"):
        setattr(dwelling, name, getattr(data, name))
    dwelling.wheelchair_accessible = data.wheelchair_accessible
    dwelling.external_ref = data.external_ref
    dwelling.updated_at = clock.now()
    session.flush()
    record(
        session,
        actor=actor,
        action="stock.correct",
        object_type="dwelling",
        object_id=dwelling.id,
        kato=dwelling.kato,
        before=before,
        after=snapshot(dwelling),
        reason=reason,
    )
    return dwelling


def withdraw(session: Session, *, actor: Actor, dwelling_id: int, reason: str) -> Dwelling:
    """Take a dwelling out of distribution (sold, damaged, entered by mistake), with the reason."""
    if not reason.strip():
        raise ValidationFailed("a withdrawal needs a reason", code="reason_required")
    dwelling = get_dwelling(session, dwelling_id)
    if dwelling.status not in EDITABLE_STATUSES:
        raise Conflict(
            f"the dwelling is {dwelling.status}; it cannot be withdrawn now", code="dwelling_locked"
        )
    return set_status(session, actor=actor, dwelling=dwelling, status="withdrawn", reason=reason)


def set_status(
    session: Session, *, actor: Actor, dwelling: Dwelling, status: str, reason: str, audit: bool = True
) -> Dwelling:
    """Move a dwelling to another status (the allocation service uses this as a dwelling goes into a
    batch, is offered, allocated or returned). ``audit=False`` only when the caller writes one audit
    event for a whole batch of dwellings."""
    before = dwelling.status
    dwelling.status = status
    dwelling.status_note = reason
    dwelling.updated_at = clock.now()
    session.flush()
    if audit:
        record(
            session,
            actor=actor,
            action="stock.status",
            object_type="dwelling",
            object_id=dwelling.id,
            kato=dwelling.kato,
            before={"status": before},
            after={"status": status},
            reason=reason,
        )
    return dwelling


def hand_over(
    session: Session,
    *,
    actor: Actor,
    kato: str,
    dwelling_ids: Sequence[int],
    act_number: str,
    act_date: date,
    from_body: str,
    to_body: str,
    note: str | None = None,
) -> DwellingHandover:
    """Record the act by which an akimat hands dwellings over to the distributing body (domain §5.2).

    All the dwellings must belong to ``kato`` and await hand-over; they become available."""
    errors: dict[str, str] = {}
    if not act_number.strip():
        errors["act_number"] = "act_number is required"
    if not from_body.strip():
        errors["from_body"] = "from_body (the akimat) is required"
    if not to_body.strip():
        errors["to_body"] = "to_body (the distributing body) is required"
    if not dwelling_ids:
        errors["dwelling_ids"] = "choose at least one dwelling"
    if act_date > clock.today_local():
        errors["act_date"] = "act_date is in the future"
    if errors:
        raise ValidationFailed("; ".join(errors.values()), code="invalid_handover", errors=errors)
    ids = sorted(set(dwelling_ids))
    dwellings = list(session.scalars(select(Dwelling).where(Dwelling.id.in_(ids)).order_by(Dwelling.id)))
    missing = sorted(set(ids) - {d.id for d in dwellings})
    if missing:
        raise NotFound(f"no dwellings {missing}", code="no_such_dwelling")
    wrong = [d.id for d in dwellings if d.kato != kato or d.status != "awaiting_handover"]
    if wrong:
        raise Conflict(
            f"dwellings {wrong} are not awaiting hand-over in {kato}", code="not_awaiting_handover"
        )
    handover = DwellingHandover(
        kato=kato,
        act_number=act_number.strip(),
        act_date=act_date,
        from_body=from_body.strip(),
        to_body=to_body.strip(),
        dwelling_count=len(dwellings),
        note=(note or "").strip() or None,
        recorded_by=f"{actor.kind}:{actor.id}",
        recorded_at=clock.now(),
    )
    session.add(handover)
    session.flush()
    for d in dwellings:
        d.holder = "distributor"
        d.handover_id = handover.id
        d.status = "available"
        d.status_note = f"handover {handover.act_number}"
        d.updated_at = handover.recorded_at
    session.flush()
    record(
        session,
        actor=actor,
        action="stock.handover",
        object_type="dwelling_handover",
        object_id=handover.id,
        kato=kato,
        after={
            "act_number": handover.act_number,
            "act_date": act_date,
            "from_body": handover.from_body,
            "to_body": handover.to_body,
            "dwellings": ids,
        },
    )
    return handover
