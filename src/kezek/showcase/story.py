"""The embedded demo's story: what someone who runs `make run` finds in a living Kezek.

On top of the demo population (kezek.population.demo) this module lays down, through the real
services and in a fixed order so that every run tells the same story:

1. the akimats' queue lists as they stood before 24 May 2025: families registered in the six
   akimat lists since 2009, with their old numbers;
2. the migration of those lists into the national queue on 24 May 2025, with the old → new number
   of every family;
3. new registrations in the national queue after that date;
4. the named citizens' applications taken through the real state-data path (the sandbox over HTTP):
   some decided automatically, some waiting in the executor's inbox, one at the PSC desk, one
   overdue;
5. the lists published for the public pages;
6. the chapters other areas add (kezek.showcase.chapters: a past distribution).

Every step goes through the services, so the audit trail verifies and the ledger explains every
queue number.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.applications import service as applications
from kezek.applications.service import Submission
from kezek.audit.service import Actor
from kezek.db import unit_of_work
from kezek.integration.service import perform_fetch
from kezek.models.registry import Family, FamilyMember
from kezek.population.demo import named_iins
from kezek.queue import migration, publication
from kezek.queue import service as queue
from kezek.queue.service import NATIONAL_REGIME_FROM

SEED = 2026
# Where the historic lists are (the demo jurisdictions) and how many families each holds.
HISTORIC = {"711210000": 90, "711310000": 50, "751110000": 80, "111000000": 40, "113200000": 30}
NATIONAL_NEW = {"711210000": 18, "751110000": 12}
# Share of each akimat list in the historic lists (L1 socially vulnerable ... L6 emergency dwelling).
LIST_WEIGHTS = {"L1": 0.34, "L2": 0.14, "L3": 0.08, "L4": 0.08, "L5": 0.30, "L6": 0.06}
LIST_CATEGORY = {
    "L1": "low_income",
    "L2": "disability",
    "L3": "orphan",
    "L4": "large_family",
    "L5": "state_employee",
    "L6": "emergency_dwelling",
}
PRIORITY_LISTS = {"L1", "L2", "L3", "L4"}


@dataclass
class StoryReport:
    historic_entries: int = 0
    migrated: int = 0
    national_entries: int = 0
    applications: dict[str, str] = field(default_factory=dict)  # number -> status
    published_lists: int = 0
    chapters: list[str] = field(default_factory=list)


@contextmanager
def at(moment: datetime) -> Iterator[None]:
    """Run the enclosed steps as if it were ``moment`` (demo time travel through kezek.clock)."""
    clock.set_clock(lambda: moment)
    try:
        yield
    finally:
        clock.reset_clock()


def _families(session: Session, kato: str, exclude: set[int]) -> list[tuple[int, int, list[tuple[int, str]]]]:
    """(family id, head person id, members) of the families of a jurisdiction, in id order."""
    families = session.execute(
        select(Family.id, Family.head_person_id).where(Family.kato == kato).order_by(Family.id)
    ).all()
    members: dict[int, list[tuple[int, str]]] = {}
    for family_id, person_id, relation in session.execute(
        select(FamilyMember.family_id, FamilyMember.person_id, FamilyMember.relation)
        .join(Family, Family.id == FamilyMember.family_id)
        .where(Family.kato == kato)
        .order_by(FamilyMember.family_id, FamilyMember.person_id)
    ):
        members.setdefault(family_id, []).append((person_id, relation))
    return [
        (fid, head, members.get(fid, []))
        for fid, head in families
        if head not in exclude and not exclude & {p for p, _ in members.get(fid, [])}
    ]


def _moment(rng: random.Random, start: date, end: date) -> datetime:
    day = start + timedelta(days=rng.randrange((end - start).days))
    # Working hours in Almaty (UTC+5): 09:00-18:00 local is 04:00-13:00 UTC.
    return datetime.combine(day, time(4 + rng.randrange(9), rng.randrange(60)), tzinfo=UTC)


def _register_many(
    session: Session,
    rng: random.Random,
    *,
    kato: str,
    count: int,
    regime: str,
    start: date,
    end: date,
    exclude: set[int],
    actor: Actor,
) -> int:
    families = _families(session, kato, exclude)
    chosen = rng.sample(families, min(count, len(families)))
    chosen.sort(key=lambda f: f[0])
    made = 0
    for number, (family_id, head, members) in enumerate(chosen, start=1):
        registered_at = _moment(rng, start, end)
        if regime == "akimat":
            code = rng.choices(list(LIST_WEIGHTS), weights=list(LIST_WEIGHTS.values()))[0]
            category, priority = LIST_CATEGORY[code], code in PRIORITY_LISTS
            legacy = f"{kato[:4]}-{code}-{number:04d}"
        else:
            priority = rng.random() < 0.7
            code = "priority" if priority else "general"
            category = rng.choice(["large_family", "disability", "orphan"]) if priority else "general"
            legacy = None
        with at(registered_at + timedelta(days=3)):
            queue.register(
                session,
                actor=actor,
                person_id=head,
                family_id=family_id,
                members=[queue.Member(pid, rel) for pid, rel in members if pid != head],
                kato=kato,
                regime=regime,
                list_code=code,
                category=category,
                priority=priority,
                registered_at=registered_at,
                phone=None,
                consent_ref=f"demo-consent:{family_id}" if rng.random() < 0.8 else None,
                decision_ref=f"demo-decision:{kato}:{number}",
                legacy_number=legacy,
            )
        exclude.update(pid for pid, _ in members)
        exclude.add(head)
        made += 1
    return made


def _named_person_ids(session: Session) -> set[int]:
    from kezek.models.registry import Person

    iins = [iin for iin, _ in named_iins()]
    ids = set(session.scalars(select(Person.id).where(Person.iin.in_(iins))))
    families = session.scalars(select(FamilyMember.family_id).where(FamilyMember.person_id.in_(ids))).all()
    return ids | set(
        session.scalars(select(FamilyMember.person_id).where(FamilyMember.family_id.in_(families)))
    )


def _applications(engine: Engine, report: StoryReport, now: datetime) -> None:
    """The named citizens apply; their cases go through the real state-data path: the receipt, the
    fetch from the sandbox over HTTP, the assessment, and a decision or the officer's inbox."""
    citizens = named_iins()
    plan = [
        # (citizen index, channel, days ago, claimed categories)
        (0, "portal", 9, ["large_family"]),
        (1, "portal", 6, ["disability"]),
        (2, "portal", 4, ["state_employee"]),
        (3, "portal", 3, []),
        (4, "psc", 1, ["orphan"]),
        (5, "portal", 40, ["emergency_dwelling"]),  # left unanswered: overdue in the inbox
    ]
    submitted: list[tuple[int, datetime]] = []
    for index, channel, days_ago, claimed in plan:
        iin, citizen = citizens[index]
        received = now - timedelta(days=days_ago)
        actor = Actor("citizen", f"demo:{iin[-4:]}") if channel == "portal" else Actor("official", "operator")
        with at(received), unit_of_work(engine) as session:
            app = applications.submit(
                session,
                actor=actor,
                submission=Submission(
                    applicant_iin=iin,
                    kato=citizen.kato,
                    language="kk" if index % 2 == 0 else "ru",
                    channel=channel,
                    claimed_categories=claimed,
                    emergency_dwelling="emergency_dwelling" in claimed,
                ),
            )
            fetch_ref = app.fetch_ref
            submitted.append((app.id, received))
        if fetch_ref is not None:
            perform_fetch(engine, int(fetch_ref))
    for application_id, received in submitted:
        with at(received + timedelta(minutes=10)), unit_of_work(engine) as session:
            app = applications.process(session, application_id=application_id)
            report.applications[app.number] = app.status


def tell(
    engine: Engine,
    *,
    now: datetime | None = None,
    publication_secret: str,
    chapters: Sequence[tuple[str, Callable[[Session], object]]] = (),
) -> StoryReport:
    """Lay the story down, one unit of work per chapter (the sandbox must answer for applications)."""
    now = now or clock.now()
    rng = random.Random(SEED)
    actor = Actor.system("demo")
    report = StoryReport()
    with unit_of_work(engine) as session:
        taken = _named_person_ids(session)
        for kato, count in HISTORIC.items():
            report.historic_entries += _register_many(
                session,
                rng,
                kato=kato,
                count=count,
                regime="akimat",
                start=date(2009, 1, 12),
                end=NATIONAL_REGIME_FROM - timedelta(days=4),
                exclude=taken,
                actor=actor,
            )
        with at(datetime.combine(NATIONAL_REGIME_FROM, time(3, 0), tzinfo=UTC)):
            report.migrated = migration.migrate_to_national(session, actor=actor).entries_moved
        for kato, count in NATIONAL_NEW.items():
            report.national_entries += _register_many(
                session,
                rng,
                kato=kato,
                count=count,
                regime="national",
                start=NATIONAL_REGIME_FROM + timedelta(days=3),
                end=(now - timedelta(days=20)).date(),
                exclude=taken,
                actor=actor,
            )
    _applications(engine, report, now)
    for name, chapter in chapters:
        with unit_of_work(engine) as session:
            chapter(session)
        report.chapters.append(name)
    with unit_of_work(engine) as session:
        report.published_lists = len(publication.publish(session, actor=actor, secret=publication_secret))
    return report
