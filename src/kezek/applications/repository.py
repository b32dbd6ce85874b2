"""Queries on cases: the officers' inbox ordered by deadline, and the supervisor's overdue view.

Every query on cases goes through the one jurisdiction helper (``kezek.auth.scope``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kezek.applications import deadlines
from kezek.auth.scope import scope_filter
from kezek.models.applications import Application, ApplicationStep

# Which statuses each role works on (regulation steps: PSC operator → executor → head).
ROLE_STATUSES: dict[str, tuple[str, ...]] = {
    "psc_operator": ("received",),
    "executor": ("review", "awaiting_applicant", "fetching"),
    "head": ("signing",),
}
OPEN = ("received", "fetching", "review", "awaiting_applicant", "signing")


@dataclass(frozen=True)
class InboxRow:
    application: Application
    step_due_on: date | None
    overdue: bool  # the case's deadline has passed
    due_soon: bool  # due today or by the next working day
    step_overdue: bool  # the current step's own clock has run out
    paused: bool


def _statuses(roles: Iterable[str]) -> tuple[str, ...]:
    out: list[str] = []
    for role in roles:
        out.extend(ROLE_STATUSES.get(role, ()))
    if {"administrator", "auditor"} & set(roles):
        out.extend(OPEN)
    return tuple(dict.fromkeys(out))


def _rows(session: Session, apps: list[Application], today: date) -> list[InboxRow]:
    if not apps:
        return []
    soon = deadlines.due_soon_limit(session, today)
    steps = dict(
        session.execute(
            select(ApplicationStep.application_id, func.max(ApplicationStep.due_on))
            .where(
                ApplicationStep.application_id.in_([a.id for a in apps]),
                ApplicationStep.finished_at.is_(None),
            )
            .group_by(ApplicationStep.application_id)
        ).all()
    )
    rows = []
    for app in apps:
        paused = app.status == "awaiting_applicant"
        step_due = steps.get(app.id)
        rows.append(
            InboxRow(
                application=app,
                step_due_on=step_due,
                overdue=not paused and app.due_on < today,
                due_soon=not paused and today <= app.due_on <= soon,
                step_overdue=not paused and step_due is not None and step_due < today,
                paused=paused,
            )
        )
    return rows


def inbox(
    session: Session, *, roles: Iterable[str], scopes: Iterable[str], today: date, limit: int = 200
) -> list[InboxRow]:
    """Open cases for the official's roles in their jurisdiction, the earliest deadline first."""
    statuses = _statuses(list(roles))
    if not statuses:
        return []
    apps = list(
        session.scalars(
            select(Application)
            .where(Application.status.in_(statuses), scope_filter(Application.kato, scopes))
            .order_by(Application.due_on, Application.received_at, Application.id)
            .limit(limit)
        )
    )
    return _rows(session, apps, today)


def overdue(session: Session, *, scopes: Iterable[str], today: date, limit: int = 500) -> list[InboxRow]:
    """Every open case past its deadline in the supervisor's jurisdiction (paused cases excluded:
    their clock stands still while the applicant is asked for something)."""
    apps = list(
        session.scalars(
            select(Application)
            .where(
                Application.status.in_(("received", "fetching", "review", "signing")),
                Application.due_on < today,
                scope_filter(Application.kato, scopes),
            )
            .order_by(Application.due_on, Application.id)
            .limit(limit)
        )
    )
    return _rows(session, apps, today)


def counts_by_status(session: Session, *, scopes: Iterable[str]) -> dict[str, int]:
    return dict(
        session.execute(  # type: ignore[arg-type]
            select(Application.status, func.count())
            .where(scope_filter(Application.kato, scopes))
            .group_by(Application.status)
        ).all()
    )
