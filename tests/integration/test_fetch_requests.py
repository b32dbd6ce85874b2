"""Fetch requests: consent, the visible waiting status, the retry job, the request log."""

from __future__ import annotations

import csv
import hashlib
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from huey import Huey
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.audit.service import Actor
from kezek.audit.service import verify as verify_audit
from kezek.auth.service import create_official
from kezek.db import unit_of_work
from kezek.integration import consent, requestlog, service
from kezek.integration.errors import ConsentMissing, DataIncomplete
from kezek.integration.ports import Period
from kezek.integration.schemas import PropertyData
from kezek.integration.systems import ALL_SYSTEMS, Purpose, System
from kezek.models import AuditEvent
from kezek.models.integration import FetchRequest, StateDataAnswer, StateDataRequest
from tests.integration.builders import Population
from tests.integration.conftest import Sandbox


@dataclass
class Household:
    family_id: int
    head: int
    spouse: int
    child: int
    head_iin: str
    spouse_iin: str
    child_iin: str
    official: int


def build_household(session: Session) -> Household:
    pop = Population(session)
    head = pop.person(born=date(1979, 9, 9), sex="F")
    spouse = pop.person(born=date(1978, 3, 3), sex="M")
    child = pop.person(born=date(2016, 5, 5), sex="M")
    family = pop.family(head, (spouse, "spouse"), (child, "child"))
    for person in (head, spouse, child):
        pop.registration(person, since=date(2018, 1, 1))
    pop.dwelling(head, acquired=date(2018, 1, 1), area_dm2=6100)
    pop.income(spouse, source="salary", tenge=220_000, since=date(2023, 1, 1))
    official = create_official(
        session,
        username="aigul",
        full_name="Aigul Executor",
        password="long-enough-1",
        roles=["executor"],
        scopes=["71"],
    )
    return Household(family.id, head.id, spouse.id, child.id, head.iin, spouse.iin, child.iin, official.id)


def officer(h: Household) -> Actor:
    return Actor("official", str(h.official))


# ---- consent ----------------------------------------------------------------------------------
def test_housing_assistance_fetch_needs_every_adults_consent(db: Session) -> None:
    h = build_household(db)
    ask = lambda: service.request_fetch(  # noqa: E731
        db,
        family_id=h.family_id,
        purpose=Purpose.HOUSING_ASSISTANCE,
        actor=officer(h),
        case_ref="assistance:1",
    )
    with pytest.raises(ConsentMissing) as none_given:
        ask()
    assert sorted(none_given.value.missing_person_ids) == sorted([h.head, h.spouse])  # not the child
    assert none_given.value.status == 403 and h.head_iin not in none_given.value.detail
    assert h.head_iin[-4:] in none_given.value.detail  # masked, yet recognisable

    consent.record_consent(
        db, person_id=h.head, purpose=Purpose.HOUSING_ASSISTANCE, channel="egov", actor=officer(h)
    )
    with pytest.raises(ConsentMissing) as one_missing:
        ask()
    assert one_missing.value.missing_person_ids == [h.spouse]

    revoked = consent.record_consent(
        db, person_id=h.spouse, purpose=Purpose.HOUSING_ASSISTANCE, channel="psc", actor=officer(h)
    )
    consent.revoke_consent(db, consent_id=revoked.id, actor=officer(h))
    consent.record_consent(  # a consent for another purpose does not count either
        db, person_id=h.spouse, purpose=Purpose.QUEUE_REGISTRATION, channel="egov", actor=officer(h)
    )
    with pytest.raises(ConsentMissing):
        ask()

    spouse_consent = consent.record_consent(
        db,
        person_id=h.spouse,
        purpose=Purpose.HOUSING_ASSISTANCE,
        channel="egov",
        evidence="EGOV-123",
        actor=officer(h),
    )
    fetch = ask()
    assert fetch.status == "pending" and fetch.waiting_for == [s.value for s in ALL_SYSTEMS]
    used = {s["person_id"]: s["consent_id"] for s in fetch.subjects}
    head_consent = used[h.head]
    assert used[h.spouse] == spouse_consent.id and head_consent is not None
    assert used[h.child] == head_consent  # a minor is covered by the representative's consent
    actions = db.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
    assert actions.count("consent.record") == 4 and "consent.revoke" in actions
    assert actions[-1] == "state_data.fetch_requested"


def test_expired_consent_does_not_count_and_the_dead_need_not_consent(db: Session) -> None:
    h = build_household(db)
    consent.record_consent(
        db, person_id=h.head, purpose=Purpose.HOUSING_ASSISTANCE, channel="egov", actor=officer(h)
    )
    short = consent.record_consent(
        db,
        person_id=h.spouse,
        purpose=Purpose.HOUSING_ASSISTANCE,
        channel="egov",
        actor=officer(h),
        valid_until=clock.now() + timedelta(hours=1),
    )
    clock.set_clock(lambda: short.valid_until + timedelta(seconds=1))  # type: ignore[operator]
    try:
        with pytest.raises(ConsentMissing):
            service.request_fetch(
                db, family_id=h.family_id, purpose=Purpose.HOUSING_ASSISTANCE, actor=officer(h)
            )
        from kezek.models import Person

        db.get(Person, h.spouse).death_date = date(2026, 1, 1)  # type: ignore[union-attr]
        fetch = service.request_fetch(
            db, family_id=h.family_id, purpose=Purpose.HOUSING_ASSISTANCE, actor=officer(h)
        )
        assert fetch.status == "pending"
    finally:
        clock.reset_clock()


def test_queue_purposes_rest_on_the_law_not_on_consent(db: Session) -> None:
    h = build_household(db)
    fetch = service.request_fetch(
        db,
        family_id=h.family_id,
        purpose=Purpose.QUEUE_REGISTRATION,
        actor=officer(h),
        systems=[System.PERSONS],
    )
    assert fetch.systems == ["persons"] and all(s["consent_id"] is None for s in fetch.subjects)
    with pytest.raises(Exception, match="unknown consent channel"):
        consent.record_consent(
            db, person_id=h.head, purpose=Purpose.HOUSING_ASSISTANCE, channel="fax", actor=officer(h)
        )


# ---- the fetch, its waiting status and the job that finishes it ---------------------------------
@pytest.fixture
def household(committed: Engine) -> Iterator[Household]:
    with unit_of_work(committed) as s:
        h = build_household(s)
        for person in (h.head, h.spouse):
            consent.record_consent(
                s, person_id=person, purpose=Purpose.HOUSING_ASSISTANCE, channel="egov", actor=officer(h)
            )
    yield h


def wait_for(engine: Engine, fetch_id: int, status: str, within: float) -> service.FetchStatus:
    deadline = time.monotonic() + within
    while True:
        with unit_of_work(engine) as s:
            current = service.fetch_status(s, fetch_id)
        if current.status == status or time.monotonic() > deadline:
            return current
        time.sleep(0.1)


def request(engine: Engine, h: Household) -> int:
    with unit_of_work(engine) as s:
        fetch = service.request_fetch(
            s,
            family_id=h.family_id,
            purpose=Purpose.HOUSING_ASSISTANCE,
            actor=officer(h),
            case_ref="assistance:77",
            period=Period(date(2026, 7, 1), date(2026, 9, 1)),
        )
        return fetch.id


def test_a_fetch_waits_for_a_system_that_is_down_and_the_job_completes_it(
    committed: Engine, household: Household, sandbox: Sandbox, worker: Huey
) -> None:
    h = household
    sandbox.admin.set_fault("property", outage=True)
    fetch_id = request(committed, h)  # the job is sent when this commits

    waiting = wait_for(committed, fetch_id, "waiting", within=20)
    assert waiting.status == "waiting" and waiting.waiting_for == ["property"]
    assert waiting.errors == {"property": "state_system_unavailable"}
    assert waiting.text["en"] == "Waiting for the property register"
    assert waiting.text["ru"] == "Ожидается ответ: Регистр прав на недвижимое имущество"
    with unit_of_work(committed) as s:
        with pytest.raises(DataIncomplete):
            service.family_profile(s, fetch_id)  # nothing is decided on missing data
        assert (
            len(s.scalars(select(StateDataAnswer).where(StateDataAnswer.fetch_request_id == fetch_id)).all())
            == 15
        )

    time.sleep(1.5)  # the job keeps retrying while the register is down
    assert wait_for(committed, fetch_id, "complete", within=0).status == "waiting"
    sandbox.admin.clear("property")

    done = wait_for(committed, fetch_id, "complete", within=20)
    assert done.status == "complete" and done.waiting_for == [] and done.attempts >= 2, done
    with unit_of_work(committed) as s:
        profile = service.family_profile(s, fetch_id)
        assert set(profile.answers) == set(ALL_SYSTEMS)
        rights = profile.data(System.PROPERTY, h.head_iin)
        assert isinstance(rights, PropertyData) and rights.rights[0].area_dm2 == 6100
        pension = profile.data(System.PENSION, h.spouse_iin)
        assert [line.month for line in pension.lines] == [
            date(2026, 7, 1),
            date(2026, 8, 1),
            date(2026, 9, 1),
        ]
        for cited in profile.answers.values():  # each answer stored as received, with its hash
            row = s.get(StateDataAnswer, cited.answer_row_id)
            assert row is not None and hashlib.sha256(row.body.encode()).hexdigest() == row.body_sha256
            assert cited.answer.request_id == row.request_id
        lines = s.scalars(
            select(StateDataRequest)
            .where(StateDataRequest.fetch_request_id == fetch_id)
            .order_by(StateDataRequest.id)
        ).all()
        first, last = lines[:3], lines[-3:]
        assert len(lines) == 3 * done.attempts  # one line per member for every attempt that asked
        assert all(len(line.systems) == 16 for line in first)
        assert {line.outcomes["property"]["outcome"] for line in first} == {"state_system_unavailable"}
        assert {line.outcomes["persons"]["outcome"] for line in first} == {"ok"}
        assert {line.outcomes["property"]["outcome"] for line in last} == {"ok"}
        assert all(line.systems == ["property"] for line in lines[3:])  # retries ask only what is missing
        assert all(line.actor_id == str(h.official) and line.case_ref == "assistance:77" for line in lines)
        assert all(line.consent_id is not None and line.purpose == "housing_assistance" for line in lines)
        actions = s.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)).all()
        assert actions[-2:] == ["state_data.fetch_waiting", "state_data.fetch_complete"]
        assert verify_audit(s).ok


def test_request_log_for_officials_and_for_the_citizen(
    committed: Engine, household: Household, sandbox: Sandbox
) -> None:
    h = household
    fetch_id = request(committed, h)
    status = service.perform_fetch(committed, fetch_id, settings=sandbox.settings())  # the job's body, here
    assert status == "complete"
    with unit_of_work(committed) as s:
        mine = requestlog.list_requests(s, scopes=["71"])
        assert sorted(line.iin for line in mine) == sorted([h.head_iin, h.spouse_iin, h.child_iin])
        assert mine[0].actor_name == "Aigul Executor" and len(mine[0].systems) == 16
        assert requestlog.list_requests(s, scopes=["75"]) == []  # another region's officials see nothing
        assert [line.iin for line in requestlog.list_requests(s, scopes=[""], iin=h.child_iin)] == [
            h.child_iin
        ]

        exported = requestlog.export_csv(s, scopes=["71"], actor=officer(h), reason="prosecutor's request 5")
        rows = list(csv.DictReader(io.StringIO(exported)))
        assert (
            len(rows) == 3
            and rows[0]["case_ref"] == "assistance:77"
            and rows[0]["actor_name"] == "Aigul Executor"
        )
        assert "property=ok" in rows[0]["outcomes"]
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
        assert last.action == "state_data_request_log.read" and "prosecutor" in (last.reason or "")
        with pytest.raises(Exception, match="say why"):
            requestlog.export_csv(s, scopes=["71"], actor=officer(h), reason=" ")

        seen = requestlog.accesses_to_my_data(s, iin=h.spouse_iin, lang="ru")
        assert len(seen) == 1
        assert seen[0].who == "Должностное лицо: Aigul Executor"
        assert seen[0].purpose == "Жилищная помощь" and seen[0].case_ref == "assistance:77"
        assert "Регистр прав на недвижимое имущество" in seen[0].systems
        assert seen[0].consent_channel == "egov" and seen[0].consent_given_at is not None
        assert requestlog.accesses_to_my_data(s, iin=h.spouse_iin, lang="kk")[0].purpose == "Тұрғын үй көмегі"


def test_a_second_run_of_the_job_changes_nothing(
    committed: Engine, household: Household, sandbox: Sandbox
) -> None:
    fetch_id = request(committed, household)
    run: Callable[[], str] = lambda: service.perform_fetch(committed, fetch_id, settings=sandbox.settings())  # noqa: E731
    assert run() == "complete"
    with unit_of_work(committed) as s:
        answers = len(s.scalars(select(StateDataAnswer)).all())
        logged = len(s.scalars(select(StateDataRequest)).all())
    assert run() == "complete"
    with unit_of_work(committed) as s:
        assert len(s.scalars(select(StateDataAnswer)).all()) == answers == 16
        assert len(s.scalars(select(StateDataRequest)).all()) == logged
        assert s.get(FetchRequest, fetch_id).attempts == 1  # type: ignore[union-attr]
