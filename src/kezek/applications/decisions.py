"""The result of a case: registration in the queue with its number, or a motivated refusal.

A refusal names every reason with its legal reference and the data it rests on (which state system,
as of which date), and says how to appeal and by when (domain §9.1; Aktogay regulation item 5).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.applications.parameters import appeal_rule
from kezek.applications.profile import REASON_SYSTEMS
from kezek.audit.service import Actor, record
from kezek.models.applications import Application, ApplicationDocument
from kezek.models.registry import FamilyMember, Jurisdiction, Person
from kezek.notices import service as notices
from kezek.queue import service as queue
from kezek.queue.service import Member
from kezek.rules import catalog as rules_catalog
from kezek.settings import LANGUAGES


def _months_later(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _jurisdiction(session: Session, kato: str) -> dict[str, str]:
    j = session.get(Jurisdiction, kato)
    if j is None:
        return {"kato": kato, "kk": kato, "ru": kato, "en": kato}
    return {"kato": kato, "kk": j.name_kk, "ru": j.name_ru, "en": j.name_en}


def _person(person: Person) -> dict[str, str]:
    names = [person.surname, person.given_name, person.patronymic or ""]
    return {"name": " ".join(n for n in names if n), "iin": person.iin}


def receipt_payload(session: Session, app: Application, person: Person, reference: str) -> dict[str, Any]:
    docs = session.scalars(
        select(ApplicationDocument).where(ApplicationDocument.application_id == app.id)
    ).all()
    return {
        "application_number": app.number,
        "received_at": app.received_at.isoformat(),
        "counted_from": app.counted_from.isoformat(),
        "channel": app.channel,
        "applicant": _person(person),
        "jurisdiction": _jurisdiction(session, app.kato),
        "documents": [{"kind": d.kind, "filename": d.filename, "sha256": d.sha256} for d in docs],
        "deadline": {
            "days": app.deadline_days,
            "unit": app.deadline_unit,
            "rule": app.deadline_rule,
            "reference": reference,
        },
        "due_on": app.due_on.isoformat(),
        "regime": app.regime,
    }


def _members(session: Session, app: Application) -> list[Member]:
    members = [Member(app.applicant_person_id, "applicant")]
    if app.family_id is not None:
        for pid, relation in session.execute(
            select(FamilyMember.person_id, FamilyMember.relation).where(
                FamilyMember.family_id == app.family_id
            )
        ):
            if pid != app.applicant_person_id:
                members.append(Member(pid, relation))
    return members


def _contact(app: Application) -> tuple[str | None, bool]:
    """The phone for SMS offers: the one the applicant gave, verified if the mobile-citizens base
    holds the same verified number; otherwise the base's own verified number."""
    data = app.state_data or {}
    base_phone, base_verified = data.get("phone"), bool(data.get("phone_verified"))
    if app.phone:
        return app.phone, base_verified and base_phone == app.phone
    return (base_phone, base_verified) if base_phone else (None, False)


def _reasons(app: Application, codes: list[str]) -> list[dict[str, Any]]:
    """Each refusal reason with its legal reference and evidence, from the stored assessment; a
    ground the official added rests on the sources it concerns and on the official's note."""
    assessed = {r["code"]: r for r in (app.assessment or {}).get("reasons", [])}
    note = (app.decision_note or "").strip()
    out = []
    for code in codes:
        found = assessed.get(code)
        if found is not None:
            out.append({"code": code, "reference": found["reference"], "evidence": found["evidence"]})
            continue
        key = f"ref.{app.regime}.{code}"
        reference = (
            {lang: rules_catalog.text(key, lang) for lang in LANGUAGES} if rules_catalog.has(key) else {}
        )
        evidence = [
            {
                "system": src["system"],
                "date": src["as_of"],
                "received_at": src["received_at"],
                "request_id": src["request_id"],
                "sha256": src["sha256"],
                "facts": [],
            }
            for src in (app.state_data or {}).get("sources", [])
            if src["system"] in REASON_SYSTEMS.get(code, ())
        ]
        evidence.append(
            {
                "system": "official",
                "date": clock.today_local().isoformat(),
                "facts": [{"kk": note, "ru": note, "en": note}] if note else [],
            }
        )
        out.append({"code": code, "reference": reference, "evidence": evidence})
    return out


def finalise(
    session: Session,
    app: Application,
    *,
    outcome: str,
    reason_codes: list[str],
    actor: Actor,
    note: str | None,
) -> None:
    """Close the case: register the family in its list, or refuse; issue the notice either way."""
    person = session.get(Person, app.applicant_person_id)
    assert person is not None
    now = clock.now()
    app.outcome = outcome
    app.decided_at = now
    app.decided_by = "system" if actor.kind == "system" else f"{actor.kind}:{actor.id}"
    app.step = "done"
    base = {
        "application_number": app.number,
        "received_at": app.received_at.isoformat(),
        "applicant": _person(person),
        "jurisdiction": _jurisdiction(session, app.kato),
        "regime": app.regime,
        "decided_at": now.isoformat(),
        "decided_by": app.decided_by,
        "rules_version": app.rules_version,
        "as_of": app.as_of.isoformat() if app.as_of else None,
        "sources": (app.state_data or {}).get("sources", []),
    }
    if outcome == "registered":
        assessment = app.assessment or {}
        phone, verified = _contact(app)
        entry = queue.register(
            session,
            actor=actor,
            person_id=person.id,
            family_id=app.family_id,
            members=_members(session, app),
            kato=app.kato,
            regime=app.regime,
            list_code=assessment.get("list_code") or ("general" if app.regime == "national" else "L4"),
            category=assessment.get("category") or "general",
            categories=assessment.get("categories") or [],
            priority=bool(assessment.get("priority")),
            registered_at=app.complete_at or app.received_at,
            application_id=app.id,
            phone=phone,
            phone_verified=verified,
            consent_ref=app.consent_ref,
            decision_ref=app.number,
        )
        app.status = "registered"
        app.reason_codes = []
        app.queue_entry_id = entry.id
        payload = {
            **base,
            "list_code": assessment.get("list_code"),
            "category": entry.category,
            "priority": entry.priority,
            "position": entry.position,
            "registered_at": entry.registered_at.isoformat(),
            "entry_id": entry.id,
        }
        notices.issue(
            session,
            actor=actor,
            kind="registration",
            person_id=person.id,
            kato=app.kato,
            language=app.language,
            application_id=app.id,
            entry_id=entry.id,
            payload=payload,
            phone=app.phone,
            email=app.email,
        )
    else:
        app.status = "refused"
        app.reason_codes = reason_codes
        rule = appeal_rule(clock.today_local())
        until = _months_later(clock.today_local(), rule.months)
        payload = {
            **base,
            "reasons": _reasons(app, reason_codes),
            "note": note,
            "appeal": {"until": until.isoformat(), "reference": rule.reference},
        }
        notices.issue(
            session,
            actor=actor,
            kind="refusal",
            person_id=person.id,
            kato=app.kato,
            language=app.language,
            application_id=app.id,
            payload=payload,
            appeal_until=until,
            phone=app.phone,
            email=app.email,
        )
    record(
        session,
        actor=actor,
        action=f"application.{outcome}",
        object_type="application",
        object_id=app.id,
        kato=app.kato,
        after={"outcome": outcome, "reasons": reason_codes, "entry_id": app.queue_entry_id},
    )
