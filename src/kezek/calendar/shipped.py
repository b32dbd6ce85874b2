"""Loading transfers of days off from a YAML file (the shipped one, or a new year's decree).

The file is a list under ``days:`` of ``{date, kind, note, reference}``. Loading adds what the
table lacks, leaves identical rows alone, and never overwrites a row an administrator has changed:
those are reported instead, so a reload after a correction does not undo it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from kezek.audit.service import Actor
from kezek.calendar.service import OverrideSpec, set_override, validated_override
from kezek.errors import ValidationFailed
from kezek.models.calendar import CalendarOverride

SHIPPED = Path(__file__).parent / "data" / "transfers.yaml"


def read_file(path: Path = SHIPPED) -> list[OverrideSpec]:
    """Parse and check a transfers file; errors name the entry and what is wrong with it."""
    try:
        document: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValidationFailed(f"{path.name} is not valid YAML: {exc}", code="bad_calendar_file") from exc
    entries = document.get("days") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        raise ValidationFailed(f"{path.name}: expected a list under 'days:'", code="bad_calendar_file")
    specs: list[OverrideSpec] = []
    seen: set[date] = set()
    for index, entry in enumerate(entries, start=1):
        where = f"{path.name} entry {index}"
        if not isinstance(entry, dict):
            raise ValidationFailed(
                f"{where}: expected date, kind, note and reference", code="bad_calendar_file"
            )
        unknown = set(entry) - {"date", "kind", "note", "reference"}
        if unknown:
            raise ValidationFailed(f"{where}: unknown fields {sorted(unknown)}", code="bad_calendar_file")
        spec = validated_override(
            entry.get("date"), entry.get("kind"), entry.get("note"), entry.get("reference"), where
        )
        if spec.day in seen:
            raise ValidationFailed(f"{where}: {spec.day} is listed twice", code="bad_calendar_file")
        seen.add(spec.day)
        specs.append(spec)
    return specs


@dataclass
class LoadReport:
    added: list[date] = field(default_factory=list)
    unchanged: list[date] = field(default_factory=list)
    kept: list[date] = field(default_factory=list)  # changed in the table since: left as they are


def load_file(session: Session, *, actor: Actor, path: Path = SHIPPED) -> LoadReport:
    """Put a transfers file into the override table (each added day audited)."""
    report = LoadReport()
    for spec in read_file(path):
        row = session.get(CalendarOverride, spec.day)
        if row is None:
            set_override(
                session,
                actor=actor,
                day=spec.day,
                kind=spec.kind,
                note=spec.note,
                reference=spec.reference,
                reason=f"loaded from {path.name}",
            )
            report.added.append(spec.day)
        elif (row.kind, row.note, row.reference) == (spec.kind, spec.note, spec.reference):
            report.unchanged.append(spec.day)
        else:
            report.kept.append(spec.day)
    return report


def load_shipped(session: Session, *, actor: Actor | None = None) -> LoadReport:
    """The known transfers shipped with Kezek (2025 and 2026), for `kezek calendar load`."""
    return load_file(session, actor=actor or Actor.system("calendar"), path=SHIPPED)
