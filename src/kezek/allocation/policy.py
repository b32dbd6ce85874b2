"""A jurisdiction's distribution policy: the stored version in force, or the built-in default.

The most specific KATO prefix wins (a district's policy over its region's over the country's), then
the latest ``valid_from`` on or before the day asked, then the highest version. Policies are never
edited: a change is a new version (audited).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.allocation.inputs import Policy
from kezek.audit.service import Actor, record
from kezek.errors import ValidationFailed
from kezek.models.allocation import METHODS, AllocationPolicy

# National regime: at least 70 % of the housing to the priority categories (domain §4.1).
MIN_PRIORITY_SHARE_BP = 7_000


@dataclass(frozen=True)
class OfferRules:
    """What the policy says about offers (not part of a run's computation)."""

    response_working_days: int = 10
    reminder_working_days: int = 3
    max_unreasonable_refusals: int | None = None  # None: no penalty (domain §4.2: default)
    suspension_months: int = 0
    expiry_counts_as_refusal: bool = True


DEFAULT_POLICY = Policy(
    method="webster",
    priority_share_bp=MIN_PRIORITY_SHARE_BP,
    require_consent=True,
    require_phone=True,
    source="default",
)


def _stored(session: Session, kato: str, on: date) -> AllocationPolicy | None:
    prefixes = [kato[:n] for n in range(len(kato), 0, -1)] + [""]
    rows = session.scalars(
        select(AllocationPolicy).where(
            AllocationPolicy.kato_prefix.in_(prefixes), AllocationPolicy.valid_from <= on
        )
    ).all()
    if not rows:
        return None
    return max(rows, key=lambda p: (len(p.kato_prefix), p.valid_from, p.version))


def policy_for(session: Session, kato: str, on: date) -> tuple[Policy, OfferRules, AllocationPolicy | None]:
    row = _stored(session, kato, on)
    if row is None:
        return DEFAULT_POLICY, OfferRules(), None
    policy = Policy(
        method=row.method,
        priority_share_bp=row.priority_share_bp or MIN_PRIORITY_SHARE_BP,
        require_consent=row.require_consent,
        require_phone=row.require_phone,
        source=f"policy:{row.kato_prefix}:v{row.version}",
    )
    rules = OfferRules(
        response_working_days=row.response_working_days,
        reminder_working_days=row.reminder_working_days,
        max_unreasonable_refusals=row.max_unreasonable_refusals,
        suspension_months=row.suspension_months,
        expiry_counts_as_refusal=row.expiry_counts_as_refusal,
    )
    return policy, rules, row


def check_policy(method: str, priority_share_bp: int | None) -> None:
    if method not in METHODS:
        raise ValidationFailed(
            f"method must be one of: {', '.join(METHODS)}", code="invalid_policy", field="method"
        )
    if priority_share_bp is not None and not MIN_PRIORITY_SHARE_BP <= priority_share_bp <= 10_000:
        raise ValidationFailed(
            "the priority share is at least 70 % and at most 100 % (7000..10000 basis points)",
            code="invalid_policy",
            field="priority_share_bp",
        )


def set_policy(
    session: Session,
    *,
    actor: Actor,
    kato_prefix: str,
    valid_from: date,
    method: str,
    priority_share_bp: int | None = None,
    require_consent: bool = True,
    require_phone: bool = True,
    response_working_days: int = 10,
    reminder_working_days: int = 3,
    max_unreasonable_refusals: int | None = None,
    suspension_months: int = 0,
    expiry_counts_as_refusal: bool = True,
    note: str | None = None,
) -> AllocationPolicy:
    """A new version of the policy for a KATO prefix ("" = the whole country)."""
    check_policy(method, priority_share_bp)
    if not (kato_prefix == "" or (kato_prefix.isdigit() and len(kato_prefix) <= 9)):
        raise ValidationFailed("kato_prefix is up to 9 digits", code="invalid_policy", field="kato_prefix")
    if response_working_days < 1 or reminder_working_days < 0:
        raise ValidationFailed("response days must be at least 1", code="invalid_policy", field="days")
    if max_unreasonable_refusals is not None and max_unreasonable_refusals < 1:
        raise ValidationFailed(
            "max_unreasonable_refusals is at least 1 (or none)", code="invalid_policy", field="refusals"
        )
    last = session.scalar(
        select(AllocationPolicy.version)
        .where(AllocationPolicy.kato_prefix == kato_prefix)
        .order_by(AllocationPolicy.version.desc())
        .limit(1)
    )
    row = AllocationPolicy(
        kato_prefix=kato_prefix,
        version=(last or 0) + 1,
        valid_from=valid_from,
        method=method,
        priority_share_bp=priority_share_bp,
        require_consent=require_consent,
        require_phone=require_phone,
        response_working_days=response_working_days,
        reminder_working_days=reminder_working_days,
        max_unreasonable_refusals=max_unreasonable_refusals,
        suspension_months=suspension_months,
        expiry_counts_as_refusal=expiry_counts_as_refusal,
        note=note,
        created_by=f"{actor.kind}:{actor.id}",
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor=actor,
        action="allocation.policy_set",
        object_type="allocation_policy",
        object_id=row.id,
        kato=kato_prefix or None,
        after={"kato_prefix": kato_prefix, "version": row.version, "method": method},
    )
    return row
