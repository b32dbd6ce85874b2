"""Fault controls of the sandbox, and how the HTTP adapter meets them: retries, timeouts, typed
errors, the circuit breaker, and the concurrent family profile (all over real HTTP on loopback)."""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import time
from collections.abc import Iterator
from datetime import date

import httpx
import pytest
from sqlalchemy import Engine

from kezek.db import unit_of_work
from kezek.integration.errors import CircuitOpen, MalformedAnswer, SystemTimeout, SystemUnavailable
from kezek.integration.http import StateDataClient
from kezek.integration.profile import fetch_profile
from kezek.integration.schemas import PersonsData, PropertyData
from kezek.integration.systems import ALL_SYSTEMS, System
from tests.integration.builders import Population
from tests.integration.conftest import KEZEK, Sandbox, start_sandbox, stop


@pytest.fixture
def family_iins(committed: Engine) -> Iterator[list[str]]:
    with unit_of_work(committed) as s:
        pop = Population(s)
        head = pop.person(born=date(1985, 4, 4), sex="F")
        spouse = pop.person(born=date(1984, 1, 9), sex="M")
        kid = pop.person(born=date(2012, 6, 1), sex="F")
        baby = pop.person(born=date(2020, 2, 2), sex="M")
        pop.family(head, (spouse, "spouse"), (kid, "child"), (baby, "child"))
        for person in (head, spouse, kid, baby):
            pop.registration(person, since=date(2020, 3, 1))
        pop.dwelling(head, acquired=date(2019, 1, 1), alienated=date(2021, 1, 1), alienation="sale")
        pop.income(spouse, source="salary", tenge=250_000, since=date(2024, 1, 1))
        iins = [head.iin, spouse.iin, kid.iin, baby.iin]
    yield iins


def calls(sandbox: Sandbox, system: System) -> int:
    return int(sandbox.admin.faults()[system.value]["calls"])


def run(coro):  # type: ignore[no-untyped-def]
    return asyncio.run(coro)


async def fetch(sandbox: Sandbox, system: System, iins: list[str], **settings: object):  # type: ignore[no-untyped-def]
    async with StateDataClient(sandbox.settings(**settings)) as client:
        return await client.port(system).fetch(iins)


def test_typed_ports_answer_with_each_systems_schema(sandbox: Sandbox, family_iins: list[str]) -> None:
    async def both():  # type: ignore[no-untyped-def]
        async with StateDataClient(sandbox.settings()) as client:
            return await client.ports.persons.fetch(family_iins), await client.ports.property.fetch(
                family_iins[:1]
            )

    persons, owned = run(both())
    assert all(isinstance(r.data, PersonsData) for r in persons.answer.results)
    assert persons.answer.results[0].data.birth_date == date(1985, 4, 4)
    rights = owned.answer.results[0].data
    assert isinstance(rights, PropertyData) and rights.rights[0].alienation == "sale"
    assert len(owned.body_sha256) == 64 and owned.request_id == owned.answer.request_id


def test_outage_is_a_503_until_cleared_and_a_window_ends_by_itself(
    sandbox: Sandbox, family_iins: list[str]
) -> None:
    iin = family_iins[0]
    sandbox.admin.set_fault("property", outage=True)
    down = httpx.get(f"{sandbox.url}/property/{iin}")
    assert down.status_code == 503 and down.json()["error"] == "outage"
    assert httpx.get(f"{sandbox.url}/persons/{iin}").status_code == 200  # only that system is down
    assert sandbox.admin.faults()["property"]["down"] is True
    sandbox.admin.clear("property")
    assert httpx.get(f"{sandbox.url}/property/{iin}").status_code == 200

    sandbox.admin.set_fault("address", outage_seconds=0.6)
    assert httpx.get(f"{sandbox.url}/address/{iin}").status_code == 503
    time.sleep(0.8)
    assert httpx.get(f"{sandbox.url}/address/{iin}").status_code == 200


def test_error_rate_is_deterministic_for_a_seed(sandbox: Sandbox, family_iins: list[str]) -> None:
    def sequence() -> list[int]:
        sandbox.admin.set_fault("tax", error_rate=0.5, seed=7)
        return [httpx.get(f"{sandbox.url}/tax/{family_iins[0]}").status_code for _ in range(16)]

    first = sequence()
    assert first == sequence()
    assert {200, 503} == set(first)


def test_latency_is_added_to_each_call(sandbox: Sandbox, family_iins: list[str]) -> None:
    sandbox.admin.set_fault("mobile", latency_ms=200)
    started = time.perf_counter()
    received = run(fetch(sandbox, System.MOBILE, family_iins))
    assert time.perf_counter() - started >= 0.2 and received.duration_ms >= 200


def test_retries_safe_reads_with_backoff_then_gives_a_typed_error(
    sandbox: Sandbox, family_iins: list[str]
) -> None:
    sandbox.admin.set_fault("pension", error_rate=1.0)
    before = calls(sandbox, System.PENSION)
    with pytest.raises(SystemUnavailable) as caught:
        run(fetch(sandbox, System.PENSION, family_iins, attempts=3))
    assert calls(sandbox, System.PENSION) - before == 3
    assert caught.value.system is System.PENSION and caught.value.status == 503
    # With a seeded error rate, retrying gets through the failures.
    sandbox.admin.set_fault("pension", error_rate=0.5, seed=3)
    received = run(fetch(sandbox, System.PENSION, family_iins, attempts=8))
    assert len(received.answer.results) == 4


def test_a_hanging_system_is_a_timeout(sandbox: Sandbox, family_iins: list[str]) -> None:
    sandbox.admin.set_fault("employment", timeout_rate=1.0, hang_ms=3000)
    started = time.perf_counter()
    with pytest.raises(SystemTimeout):
        run(fetch(sandbox, System.EMPLOYMENT, family_iins, read_timeout=0.3))
    assert time.perf_counter() - started < 2.0


def test_malformed_answers_are_refused_in_every_way_they_break(
    sandbox: Sandbox, family_iins: list[str]
) -> None:
    sandbox.admin.set_fault("bank", malformed_rate=1.0, seed=1)
    for _ in range(6):  # truncated JSON, wrong shape, a person missing: each a MalformedAnswer
        with pytest.raises(MalformedAnswer):
            run(fetch(sandbox, System.BANK, family_iins))
        with pytest.raises(MalformedAnswer):
            run(fetch(sandbox, System.BANK, family_iins[:1]))


def test_circuit_opens_after_repeated_failures_and_half_opens_after_cool_down(
    sandbox: Sandbox, family_iins: list[str]
) -> None:
    settings = {"breaker_failures": 3, "breaker_cooldown_seconds": 0.5, "attempts": 1}

    async def scenario() -> None:
        async with StateDataClient(sandbox.settings(**settings)) as client:
            port = client.port(System.PROPERTY)
            sandbox.admin.set_fault("property", outage=True)
            for _ in range(3):
                with pytest.raises(SystemUnavailable):
                    await port.fetch(family_iins)
            assert port.breaker.state == "open"
            asked = calls(sandbox, System.PROPERTY)
            with pytest.raises(CircuitOpen):
                await port.fetch(family_iins)
            assert calls(sandbox, System.PROPERTY) == asked  # open: the system is not even asked
            # Half-open after the cool-down: one trial call. It fails: open again at once.
            await asyncio.sleep(0.6)
            assert port.breaker.state == "half_open"
            with pytest.raises(SystemUnavailable):
                await port.fetch(family_iins)
            assert port.breaker.state == "open" and calls(sandbox, System.PROPERTY) == asked + 1
            # The system comes back; after the next cool-down the trial succeeds and closes it.
            sandbox.admin.clear("property")
            with pytest.raises(CircuitOpen):
                await port.fetch(family_iins)
            await asyncio.sleep(0.6)
            received = await port.fetch(family_iins)
            assert len(received.answer.results) == 4 and port.breaker.state == "closed"

    run(scenario())


def test_full_profile_from_all_systems_arrives_concurrently(sandbox: Sandbox, family_iins: list[str]) -> None:
    """16 systems at 50 ms each: sequentially 800 ms; concurrently about one latency."""
    for system in ALL_SYSTEMS:
        sandbox.admin.set_fault(system, latency_ms=50)
    sum_of_latencies = 0.050 * len(ALL_SYSTEMS)

    async def profile_seconds() -> float:
        async with StateDataClient(sandbox.settings()) as client:
            started = time.perf_counter()
            result = await fetch_profile(client, family_iins, ALL_SYSTEMS, as_of=date(2026, 11, 1))
            elapsed = time.perf_counter() - started
        assert result.complete and set(result.received) == set(ALL_SYSTEMS)
        assert min(r.duration_ms for r in result.received.values()) >= 50  # the latency really applied
        return elapsed

    run(profile_seconds())  # warm-up: the sandbox opens its database connections
    runs = [run(profile_seconds()) for _ in range(5)]
    assert statistics.median(runs) < 0.300, runs
    assert max(runs) < sum_of_latencies, runs


def test_cli_sets_and_clears_faults_on_a_running_sandbox(sandbox: Sandbox, family_iins: list[str]) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [KEZEK, "sandbox", *args, "--url", sandbox.url], capture_output=True, text=True, timeout=60
        )

    done = cli("fault", "property", "--outage")
    assert done.returncode == 0, done.stderr
    assert httpx.get(f"{sandbox.url}/property/{family_iins[0]}").status_code == 503
    status = cli("status")
    assert "property" in status.stdout and "DOWN" in status.stdout
    assert cli("fault", "property", "--clear").returncode == 0
    assert httpx.get(f"{sandbox.url}/property/{family_iins[0]}").status_code == 200
    wrong = cli("fault", "cadastre", "--outage")
    assert wrong.returncode != 0 and "unknown state system" in wrong.stderr


def test_faults_set_at_start_from_options_and_yaml(
    database_url: str, tmp_path, family_iins: list[str]
) -> None:  # type: ignore[no-untyped-def]
    faults = tmp_path / "faults.yaml"
    faults.write_text("pension:\n  error_rate: 1.0\n", encoding="utf-8")
    url, process = start_sandbox(
        database_url,
        "--fault",
        "property=outage",
        "--latency-ms",
        "5",
        "--faults-file",
        str(faults),
        log=tmp_path / "log",
    )
    try:
        iin = family_iins[0]
        assert httpx.get(f"{url}/property/{iin}").status_code == 503
        assert httpx.get(f"{url}/pension/{iin}").status_code == 503
        assert httpx.get(f"{url}/persons/{iin}").status_code == 200
        state = httpx.get(f"{url}/admin/faults").json()
        assert state["persons"]["fault"] == {"latency_ms": 5}
    finally:
        stop(process)
