"""Re-verification of many families through the batch endpoints, checked against the tables."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import Engine, or_, select

from kezek import clock
from kezek.audit.service import Actor
from kezek.db import unit_of_work
from kezek.integration.reverify import reverify_families
from kezek.models import AddressRegistration, FamilyMember, Person, PropertyRecord, StatusRecord
from kezek.models.integration import StateDataAnswer, StateDataRequest
from kezek.sandbox.seed import seed_population
from tests.integration.conftest import Sandbox

SYSTEM = Actor.system("reverification")


def expected_facts(engine: Engine, family_ids: list[int], as_of: date) -> dict[int, dict[str, set[object]]]:
    """The same facts computed straight from the population tables."""
    cutoff = as_of.replace(year=as_of.year - 5)
    out: dict[int, dict[str, set[object]]] = defaultdict(lambda: defaultdict(set))
    with unit_of_work(engine) as s:
        members = s.execute(
            select(FamilyMember.family_id, Person.id, Person.iin, Person.death_date, Person.citizenship)
            .join(Person, Person.id == FamilyMember.person_id)
            .where(FamilyMember.family_id.in_(family_ids))
        ).all()
        family_of = {pid: fid for fid, pid, *_ in members}
        iin_of = {pid: iin for _, pid, iin, *_ in members}
        for fid, _pid, iin, died, citizenship in members:
            out[fid]["members"].add(iin)
            if died is not None and died <= as_of:
                out[fid]["deceased"].add(iin)
            if citizenship == "foreign":
                out[fid]["foreign"].add(iin)
        for pid, record_id in s.execute(
            select(PropertyRecord.person_id, PropertyRecord.id).where(
                PropertyRecord.person_id.in_(list(family_of)),
                PropertyRecord.acquired_on <= as_of,
                or_(PropertyRecord.alienated_on.is_(None), PropertyRecord.alienated_on >= cutoff),
            )
        ):
            out[family_of[pid]]["property"].add(record_id)
        for pid, kind in s.execute(
            select(StatusRecord.person_id, StatusRecord.kind).where(
                StatusRecord.person_id.in_(list(family_of)), StatusRecord.since <= as_of
            )
        ):
            if kind.startswith("state_housing"):
                out[family_of[pid]]["state_housing"].add(iin_of[pid])
            if kind == "preferential_purchase":
                out[family_of[pid]]["preferential"].add(iin_of[pid])
        current = s.execute(
            select(AddressRegistration.person_id).where(
                AddressRegistration.person_id.in_(list(family_of)),
                AddressRegistration.registered_from <= as_of,
                or_(AddressRegistration.registered_to.is_(None), AddressRegistration.registered_to >= as_of),
            )
        ).scalars()
        registered = set(current)
        for pid, fid in family_of.items():
            if pid not in registered:
                out[fid]["unregistered"].add(iin_of[pid])
    return out


def test_reverification_through_batches_matches_the_tables(committed: Engine, sandbox: Sandbox) -> None:
    seeded = seed_population(committed, families=300, seed=5)
    as_of = clock.today_local()
    settings = sandbox.settings(batch_size=150, batch_concurrency=3)
    with unit_of_work(committed) as s:
        result = reverify_families(
            s, family_ids=seeded.family_ids, actor=SYSTEM, as_of=as_of, settings=settings, case_ref="q4"
        )
    assert len(result.families) == 300 and result.persons == seeded.persons
    batches = -(-seeded.persons // 150)
    assert result.answers_stored == 5 * batches and result.log_lines == seeded.persons
    expected = expected_facts(committed, seeded.family_ids, as_of)
    flagged = 0
    for facts in result.families:
        want = expected[facts.family_id]
        assert facts.complete
        assert set(facts.deceased) == want["deceased"]
        assert set(facts.foreign) == want["foreign"]
        assert set(facts.property_within_look_back) == want["property"]
        assert set(facts.state_housing) == want["state_housing"]
        assert set(facts.preferential_purchase) == want["preferential"]
        assert set(facts.unregistered) == want["unregistered"]
        assert facts.unknown == []
        flagged += facts.flagged
    assert 0 < flagged < 300  # the seeded population has both kinds
    with unit_of_work(committed) as s:
        lines = s.scalars(select(StateDataRequest)).all()
        assert {line.purpose for line in lines} == {"reverification"} and all(
            line.case_ref == "q4" for line in lines
        )
        assert all(
            set(line.outcomes) == {"persons", "address", "property", "state_housing", "programmes"}
            for line in lines
        )
        assert len(s.scalars(select(StateDataAnswer.id)).all()) == 5 * batches


def test_nothing_is_concluded_for_families_whose_data_did_not_arrive(
    committed: Engine, sandbox: Sandbox
) -> None:
    seeded = seed_population(committed, families=40, seed=9)
    sandbox.admin.set_fault("property", outage=True)
    with unit_of_work(committed) as s:
        result = reverify_families(s, family_ids=seeded.family_ids, actor=SYSTEM, settings=sandbox.settings())
    assert all(not f.complete and f.waiting_for == ["property"] and not f.flagged for f in result.families)
    with unit_of_work(committed) as s:
        outcomes = {line.outcomes["property"]["outcome"] for line in s.scalars(select(StateDataRequest))}
        assert outcomes == {"state_system_unavailable"}
