"""Re-verification of many families through the batch endpoints (the quarterly re-check, §3.3).

All members' IINs go to each system in batches (up to 10,000 per call, a few calls in flight);
each batch answer is stored as received, each person's access is logged, and every family gets
the facts that matter for removal from the register (§3.1, §3.2) — or is marked incomplete when a
system failed, so that nothing is proposed on missing data. The facts are not decisions: the rules
(`kezek.rules`) and an official decide.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.service import Actor, record
from kezek.auth.scope import kato_prefix
from kezek.errors import ValidationFailed
from kezek.integration import repository
from kezek.integration.config import IntegrationSettings, get_integration_settings
from kezek.integration.errors import StateSystemDown, StateSystemRejected
from kezek.integration.http import StateDataClient
from kezek.integration.ports import Received
from kezek.integration.requestlog import Access, log_accesses
from kezek.integration.runner import run_sync
from kezek.integration.schemas import (
    AddressData,
    PersonsData,
    ProgrammesData,
    PropertyData,
    StateHousingData,
)
from kezek.integration.service import store_answer
from kezek.integration.systems import REVERIFICATION_SYSTEMS, Purpose, System

LOOK_BACK_YEARS = 5  # "no owned housing during the last 5 years" (domain.md §2)


@dataclass
class FamilyFacts:
    family_id: int
    kato: str
    complete: bool = True
    waiting_for: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # not in the individuals database
    deceased: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)  # neither citizen nor kandas
    unregistered: list[str] = field(default_factory=list)  # no permanent registration now
    registered_elsewhere: list[str] = field(default_factory=list)  # registered outside the family's place
    property_within_look_back: list[int] = field(default_factory=list)  # ownership record ids
    state_housing: list[str] = field(default_factory=list)
    preferential_purchase: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return any(
            (
                self.unknown,
                self.deceased,
                self.foreign,
                self.unregistered,
                self.registered_elsewhere,
                self.property_within_look_back,
                self.state_housing,
                self.preferential_purchase,
            )
        )


@dataclass
class Reverification:
    families: list[FamilyFacts]
    persons: int
    answers_stored: int
    log_lines: int
    failed_systems: int
    seconds: float


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


async def _fetch_batches(
    iins: list[str], systems: Sequence[System], as_of: date, settings: IntegrationSettings
) -> tuple[list[Received[Any]], dict[System, set[str]], dict[System, str]]:
    size = settings.batch_size
    parts = [iins[i : i + size] for i in range(0, len(iins), size)]
    gate = asyncio.Semaphore(settings.batch_concurrency)
    received: list[Received[Any]] = []
    failed: dict[System, set[str]] = {}
    codes: dict[System, str] = {}
    async with StateDataClient(settings) as client:

        async def one(system: System, part: list[str]) -> None:
            async with gate:
                try:
                    received.append(await client.port(system).fetch(part, as_of=as_of))
                except (StateSystemDown, StateSystemRejected) as exc:
                    failed.setdefault(system, set()).update(part)
                    codes[system] = exc.code

        await asyncio.gather(*(one(system, part) for system in systems for part in parts))
    return received, failed, codes


def reverify_families(
    session: Session,
    *,
    family_ids: Sequence[int],
    actor: Actor,
    as_of: date | None = None,
    systems: Sequence[System] = REVERIFICATION_SYSTEMS,
    case_ref: str | None = None,
    settings: IntegrationSettings | None = None,
) -> Reverification:
    """Ask the systems about every member of the families; store, log, and return the facts."""
    started = time.perf_counter()
    settings = settings or get_integration_settings()
    as_of = as_of or clock.today_local()
    unknown_systems = set(systems) - set(REVERIFICATION_SYSTEMS)
    if unknown_systems:
        raise ValidationFailed(
            f"re-verification reads {', '.join(s.value for s in REVERIFICATION_SYSTEMS)} only"
        )
    members = repository.families_members(session, family_ids)
    person_of: dict[str, tuple[int, str]] = {}
    for people in members.values():
        for person_id, iin, kato in people:
            person_of.setdefault(iin, (person_id, kato))
    iins = list(person_of)
    received, failed, codes = (
        run_sync(_fetch_batches(iins, systems, as_of, settings)) if iins else ([], {}, {})
    )

    rows = [store_answer(session, r, fetch_request_id=None) for r in received]
    session.flush()
    data: dict[System, dict[str, Any]] = {s: {} for s in systems}
    outcome: dict[str, dict[str, dict[str, Any]]] = {iin: {} for iin in iins}
    for r, row in zip(received, rows, strict=True):
        target = data[r.system]
        for result in r.answer.results:
            target[result.iin] = result
            outcome[result.iin][r.system.value] = {
                "outcome": "ok" if result.found else "not_found",
                "answer_id": row.id,
            }
    for system, missed in failed.items():
        for iin in missed:
            outcome[iin][system.value] = {"outcome": codes[system], "answer_id": None}
    logged = log_accesses(
        session,
        actor=actor,
        purpose=Purpose.REVERIFICATION,
        case_ref=case_ref,
        systems=[s.value for s in systems],
        accesses=[Access(iin, pid, kato, None, outcome[iin]) for iin, (pid, kato) in person_of.items()],
    )
    facts = [
        _facts(family_id, people, data, failed, as_of) for family_id, people in members.items() if people
    ]
    record(
        session,
        actor=actor,
        action="state_data.reverification",
        object_type="reverification",
        object_id=case_ref or f"{len(facts)} families",
        after={
            "families": len(facts),
            "persons": len(iins),
            "systems": [s.value for s in systems],
            "incomplete": sum(1 for f in facts if not f.complete),
            "flagged": sum(1 for f in facts if f.flagged),
            "answers": [row.id for row in rows],
        },
    )
    return Reverification(
        families=facts,
        persons=len(iins),
        answers_stored=len(rows),
        log_lines=logged,
        failed_systems=len(failed),
        seconds=time.perf_counter() - started,
    )


def _facts(
    family_id: int,
    people: list[tuple[int, str, str]],
    data: dict[System, dict[str, Any]],
    failed: dict[System, set[str]],
    as_of: date,
) -> FamilyFacts:
    kato = people[0][2]
    facts = FamilyFacts(family_id=family_id, kato=kato)
    iins = [iin for _, iin, _ in people]
    waiting = sorted({s.value for s, missed in failed.items() if any(iin in missed for iin in iins)})
    if waiting:
        facts.complete = False
        facts.waiting_for = waiting
        return facts  # nothing is concluded from part of the data
    place = kato_prefix(kato)
    cutoff = _years_before(as_of, LOOK_BACK_YEARS)
    for iin in iins:
        person = data.get(System.PERSONS, {}).get(iin)
        if person is not None:
            if not person.found:
                facts.unknown.append(iin)
            else:
                p: PersonsData = person.data
                if not p.alive:
                    facts.deceased.append(iin)
                if p.citizenship == "foreign":
                    facts.foreign.append(iin)
        address = data.get(System.ADDRESS, {}).get(iin)
        if address is not None and address.found:
            a: AddressData = address.data
            current = [r for r in a.registrations if r.registered_to is None or r.registered_to >= as_of]
            if not current:
                facts.unregistered.append(iin)
            elif not any(r.kato.startswith(place) for r in current):
                facts.registered_elsewhere.append(iin)
        owned = data.get(System.PROPERTY, {}).get(iin)
        if owned is not None and owned.found:
            rights: PropertyData = owned.data
            facts.property_within_look_back.extend(
                r.record_id for r in rights.rights if r.alienated_on is None or r.alienated_on >= cutoff
            )
        housing = data.get(System.STATE_HOUSING, {}).get(iin)
        if housing is not None and housing.found:
            h: StateHousingData = housing.data
            if h.records:
                facts.state_housing.append(iin)
        programme = data.get(System.PROGRAMMES, {}).get(iin)
        if programme is not None and programme.found:
            g: ProgrammesData = programme.data
            if any(r.kind == "preferential_purchase" for r in g.records):
                facts.preferential_purchase.append(iin)
    return facts
