"""Pieces without a server: IBANs, IINs, the breaker's states, fault options, labels, schemas."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from kezek import clock
from kezek.integration.breaker import CircuitBreaker
from kezek.integration.iban import is_valid_kz_iban, make_kz_iban
from kezek.integration.labels import (
    ERRORS,
    FETCH_STATUS,
    LANGUAGES,
    PURPOSES,
    SYSTEM_NAMES,
    error_text,
    fetch_status_text,
)
from kezek.integration.ports import Period
from kezek.integration.schemas import BankAccount, BatchQuery
from kezek.integration.systems import Purpose, System, parse_systems
from kezek.sandbox.answers.people import account_number
from kezek.sandbox.faults import FaultBoard, FaultSpec, load_faults_yaml, parse_fault_option
from kezek.sandbox.seed import IinMaker, iin_check_digit

ACCOUNT = st.text(alphabet=string.digits + string.ascii_uppercase, min_size=13, max_size=13)


@given(bank=st.integers(0, 999), account=ACCOUNT)
def test_every_made_iban_is_valid_and_any_single_change_is_caught(bank: int, account: str) -> None:
    iban = make_kz_iban(f"{bank:03d}", account)
    assert len(iban) == 20 and is_valid_kz_iban(iban)
    for position in range(2, 20):  # mod-97 catches every substitution of one digit by another
        if not iban[position].isdigit():
            continue
        for other in "0123456789":
            if other != iban[position]:
                assert not is_valid_kz_iban(iban[:position] + other + iban[position + 1 :])


@given(st.integers(1, 10**9))
def test_sandbox_accounts_are_unique_and_valid_per_person(person_id: int) -> None:
    code, number = account_number(person_id)
    other_code, other_number = account_number(person_id + 1)
    assert (code, number) != (other_code, other_number)
    assert is_valid_kz_iban(make_kz_iban(code, number))


def test_bank_schema_refuses_a_wrong_iban() -> None:
    good = make_kz_iban("901", "0000000000001")
    assert BankAccount(iban=good).iban == good
    with pytest.raises(ValidationError, match="IBAN"):
        BankAccount(iban=good[:-1] + ("0" if good[-1] != "0" else "1"))


def test_iin_check_digit_matches_the_worked_examples() -> None:
    # domain.md §10.1: 900101301233 (first pass) and 061211600012 (second pass)
    assert iin_check_digit("90010130123") == 3
    assert iin_check_digit("06121160001") == 2


@given(st.dates(date(1900, 1, 1), date(2025, 12, 31)), st.sampled_from("MF"))
def test_made_iins_are_valid_and_unique(born: date, sex: str) -> None:
    maker = IinMaker()
    first, second = maker.make(born, sex), maker.make(born, sex)
    assert first != second
    for iin in (first, second):
        assert iin[:6] == born.strftime("%y%m%d") and iin_check_digit(iin[:11]) == int(iin[11])


def test_breaker_closed_open_half_open_closed() -> None:
    now = [datetime(2026, 1, 1, tzinfo=UTC)]
    clock.set_clock(lambda: now[0])
    try:
        breaker = CircuitBreaker("t", failure_threshold=2, cooldown=timedelta(seconds=30))
        assert breaker.allow() and breaker.state == "closed"
        breaker.record_failure()
        assert breaker.state == "closed"
        breaker.record_success()  # a success resets the count of consecutive failures
        breaker.record_failure()
        breaker.record_failure()
        assert breaker.state == "open" and not breaker.allow()
        now[0] += timedelta(seconds=29)
        assert not breaker.allow()
        now[0] += timedelta(seconds=1)
        assert breaker.state == "half_open"
        assert breaker.allow() and not breaker.allow()  # one trial at a time
        breaker.record_failure()
        assert breaker.state == "open"  # the trial failed: open again for a full cool-down
        now[0] += timedelta(seconds=30)
        assert breaker.allow()
        breaker.release()  # cancelled trial: no verdict, another may try
        assert breaker.allow()
        breaker.record_success()
        assert breaker.state == "closed" and breaker.allow()
    finally:
        clock.reset_clock()


def test_fault_options_and_yaml() -> None:
    system, spec = parse_fault_option("property=outage,latency:120")
    assert system is System.PROPERTY and spec.outage and spec.latency_ms == 120
    _, spec = parse_fault_option("pension=error_rate:0.25,seed:4")
    assert (spec.error_rate, spec.seed) == (0.25, 4)
    for bad in ("property", "cadastre=outage", "property=latency", "property=error_rate:3"):
        with pytest.raises(Exception):  # noqa: B017  (several error types, each with a message)
            parse_fault_option(bad)
    faults = load_faults_yaml("property: {outage: true}\nbank:\n  malformed_rate: 0.5\n")
    assert faults[System.PROPERTY].outage and faults[System.BANK].malformed_rate == 0.5
    with pytest.raises(ValueError):
        load_faults_yaml("- property")


def test_outage_window_and_seeded_decisions() -> None:
    board = FaultBoard()
    now = [datetime(2026, 1, 1, 10, tzinfo=UTC)]
    clock.set_clock(lambda: now[0])
    try:
        board.set(System.PROPERTY, FaultSpec(outage_seconds=60))
        assert board.decide(System.PROPERTY).verdict == "outage"
        now[0] += timedelta(seconds=61)
        assert board.decide(System.PROPERTY).verdict == "ok"
        window = FaultSpec(
            outage_from=datetime(2026, 1, 2, 9, tzinfo=UTC), outage_until=datetime(2026, 1, 2, 10, tzinfo=UTC)
        )
        board.set(System.TAX, window)
        assert board.decide(System.TAX).verdict == "ok"
        now[0] = datetime(2026, 1, 2, 9, 30, tzinfo=UTC)
        assert board.decide(System.TAX).verdict == "outage"
    finally:
        clock.reset_clock()
    board.set(System.BANK, FaultSpec(error_rate=0.5, malformed_rate=0.5, seed=11))
    first = [board.decide(System.BANK).verdict for _ in range(40)]
    board.set(System.BANK, FaultSpec(error_rate=0.5, malformed_rate=0.5, seed=11))
    assert [board.decide(System.BANK).verdict for _ in range(40)] == first
    assert {"ok", "error", "malformed"} <= set(first)
    with pytest.raises(ValidationError, match="time zone"):
        FaultSpec(outage_from=datetime(2026, 1, 1), outage_until=datetime(2026, 1, 2))


def test_every_code_has_its_three_labels() -> None:
    for table, keys in ((SYSTEM_NAMES, list(System)), (PURPOSES, list(Purpose))):
        for key in keys:
            assert set(table[key]) == set(LANGUAGES) and all(table[key].values())  # type: ignore[index]
    for labels in (*FETCH_STATUS.values(), *ERRORS.values()):
        assert set(labels) == set(LANGUAGES)
    assert fetch_status_text("waiting", ["property", "pension"], "en") == (
        "Waiting for the property register and the pension contributions and payments"
    )
    assert "Регистр прав" in error_text("state_system_unavailable", "property", "ru")


def test_periods_systems_and_batch_queries_are_checked() -> None:
    with pytest.raises(ValueError):
        Period(date(2026, 1, 15), date(2026, 2, 1))
    with pytest.raises(ValueError):
        Period(date(2026, 3, 1), date(2026, 2, 1))
    assert BatchQuery(iins=["900101301233"], period_from="2026-02", period_to="2026-03-17").period_to == date(
        2026, 3, 1
    )
    with pytest.raises(ValidationError):
        BatchQuery(iins=["90010130123"])
    with pytest.raises(ValidationError):
        BatchQuery(iins=[])
    assert parse_systems(["property", "persons"]) == [System.PERSONS, System.PROPERTY]
    with pytest.raises(Exception, match="unknown state system"):
        parse_systems(["cadastre"])
