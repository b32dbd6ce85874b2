"""The sandbox answers every system from the population tables, consistently across systems."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

import httpx
import pytest
from sqlalchemy import Engine

from kezek.db import unit_of_work
from kezek.integration.iban import is_valid_kz_iban
from kezek.integration.schemas import DATA_SCHEMAS, answer_adapter
from kezek.integration.systems import System
from kezek.sandbox.seed import IinMaker
from tests.integration.builders import KATO, Population
from tests.integration.conftest import Sandbox

AS_OF = date(2026, 11, 1)
OTHER_KATO = "751110000"


@dataclass
class Family:
    head: str
    spouse: str
    daughter: str
    son: str
    grandmother: str
    ward: str
    house_record: int
    flat_record: int


@pytest.fixture
def family(committed: Engine) -> Iterator[Family]:
    with unit_of_work(committed) as s:
        pop = Population(s)
        head = pop.person(born=date(1980, 5, 10), sex="M")
        spouse = pop.person(born=date(1983, 2, 1), sex="F", phone=None)
        daughter = pop.person(born=date(2008, 3, 3), sex="F")
        son = pop.person(born=date(2015, 7, 7), sex="M", phone=None)
        grandmother = pop.person(born=date(1950, 1, 1), sex="F", died=date(2025, 6, 1))
        ward = pop.person(born=date(2014, 1, 1), sex="M", phone=None)
        pop.family(
            head,
            (spouse, "spouse"),
            (daughter, "child"),
            (son, "child"),
            (grandmother, "parent"),
            (ward, "other"),
        )
        pop.registration(
            head, since=date(2000, 1, 1), until=date(2014, 12, 31), kato=OTHER_KATO, address="Old 5"
        )
        for person in (head, spouse, daughter, son, ward):
            pop.registration(person, since=max(date(2015, 1, 1), person.birth_date))
        pop.registration(grandmother, since=date(2015, 1, 1), until=date(2025, 6, 1))
        flat = pop.dwelling(
            head, acquired=date(2012, 4, 1), alienated=date(2022, 5, 1), alienation="sale", kato=OTHER_KATO
        )
        house = pop.dwelling(
            head,
            acquired=date(2023, 1, 10),
            acquisition="gift",
            emergency_since=date(2024, 3, 1),
            kind="house",
            area_dm2=7250,
        )
        pop.income(head, source="salary", tenge=300_000, since=date(2025, 1, 1))
        pop.income(head, source="entrepreneur", tenge=100_000, since=date(2026, 3, 1))
        pop.income(spouse, source="social", tenge=50_000, since=date(2026, 1, 1), until=date(2026, 6, 1))
        pop.income(
            grandmother, source="pension", tenge=120_000, since=date(2015, 1, 1), until=date(2025, 6, 1)
        )
        pop.status(spouse, "disability", since=date(2020, 1, 1), detail="2")
        pop.status(son, "disabled_child", since=date(2018, 1, 1), detail="1")
        pop.status(head, "civil_servant", since=date(2010, 9, 1))
        pop.status(head, "state_housing_privatised", since=date(2005, 1, 1))
        pop.status(head, "otbasy_deposit", since=date(2021, 1, 1))
        pop.status(spouse, "large_family", since=date(2019, 1, 1))
        pop.status(spouse, "future_kind_unknown_to_systems", since=date(2019, 1, 1))
        built = Family(
            head.iin, spouse.iin, daughter.iin, son.iin, grandmother.iin, ward.iin, house.id, flat.id
        )
    yield built


def ask(sandbox: Sandbox, system: System, iin: str, **params: str) -> dict:  # type: ignore[type-arg]
    response = httpx.get(f"{sandbox.url}/{system.value}/{iin}", params={"as_of": AS_OF.isoformat(), **params})
    assert response.status_code == 200, response.text
    answer = answer_adapter(system).validate_json(response.content)  # the client's own schema accepts it
    assert [r.iin for r in answer.results] == [iin]
    body = response.json()
    return body["results"][0]["data"]  # type: ignore[no-any-return]


def test_persons_and_civil_registry_agree_on_death_and_kinship(sandbox: Sandbox, family: Family) -> None:
    granny = ask(sandbox, System.PERSONS, family.grandmother)
    assert granny["alive"] is False and granny["death_date"] == "2025-06-01"
    assert ask(sandbox, System.CIVIL, family.grandmother)["death_date"] == granny["death_date"]
    assert ask(sandbox, System.PERSONS, family.head)["alive"] is True

    head = ask(sandbox, System.CIVIL, family.head)
    spouse = ask(sandbox, System.CIVIL, family.spouse)
    assert head["birth"]["mother_iin"] == family.grandmother
    assert family.head in [c["child_iin"] for c in ask(sandbox, System.CIVIL, family.grandmother)["children"]]
    [marriage] = head["marriages"]
    assert marriage["spouse_iin"] == family.spouse and marriage["ended_on"] is None
    assert spouse["marriages"][0]["registered_on"] == marriage["registered_on"]
    assert sorted(c["child_iin"] for c in head["children"]) == sorted([family.daughter, family.son])
    son = ask(sandbox, System.CIVIL, family.son)["birth"]
    assert (son["mother_iin"], son["father_iin"]) == (family.spouse, family.head)
    [guardianship] = ask(sandbox, System.CIVIL, family.ward)["guardianships"]
    assert (guardianship["ward_iin"], guardianship["guardian_iin"]) == (family.ward, family.head)
    assert guardianship in head["guardianships"]


def test_address_property_and_emergency_registers(sandbox: Sandbox, family: Family) -> None:
    registrations = ask(sandbox, System.ADDRESS, family.head)["registrations"]
    assert [(r["kato"], r["registered_to"]) for r in registrations] == [
        (OTHER_KATO, "2014-12-31"),
        (KATO, None),
    ]
    rights = ask(sandbox, System.PROPERTY, family.head)["rights"]
    assert [(r["record_id"], r["acquisition"], r["alienation"]) for r in rights] == [
        (family.flat_record, "purchase", "sale"),
        (family.house_record, "gift", None),
    ]
    assert rights[0]["alienated_on"] == "2022-05-01"
    # Before the sale the register shows the flat as still owned.
    before_sale = ask(sandbox, System.PROPERTY, family.head, as_of="2022-01-01")["rights"]
    assert [r["alienated_on"] for r in before_sale] == [None]
    [dwelling] = ask(sandbox, System.EMERGENCY, family.head)["dwellings"]
    assert dwelling["record_id"] == family.house_record and dwelling["emergency_since"] == "2024-03-01"
    assert ask(sandbox, System.EMERGENCY, family.spouse)["dwellings"] == []


def test_monthly_income_lines_for_the_period(sandbox: Sandbox, family: Family) -> None:
    period = {"period_from": "2026-01", "period_to": "2026-03"}
    pension = ask(sandbox, System.PENSION, family.head, **period)["lines"]
    assert [(line["month"], line["amount_tiyn"], line["contribution_tiyn"]) for line in pension] == [
        (f"2026-0{m}-01", 30_000_000, 3_000_000) for m in (1, 2, 3)
    ]
    assert ask(sandbox, System.PENSION, family.grandmother, **period)["lines"] == []
    tax = ask(sandbox, System.TAX, family.head, **period)["lines"]
    assert [(line["month"], line["source"]) for line in tax] == [("2026-03-01", "entrepreneur")]
    social = ask(sandbox, System.SOCIAL_PAYMENTS, family.spouse, **period)["lines"]
    assert len(social) == 3 and {line["amount_tiyn"] for line in social} == {5_000_000}
    # Without a period: the twelve months before the as-of month, and the answer says so.
    response = httpx.get(f"{sandbox.url}/pension/{family.head}", params={"as_of": AS_OF.isoformat()}).json()
    assert (response["period_from"], response["period_to"]) == ("2025-11-01", "2026-10-01")
    assert len(response["results"][0]["data"]["lines"]) == 12


def test_statuses_disability_employment_housing_and_programmes(sandbox: Sandbox, family: Family) -> None:
    assert [(r["kind"], r["group"]) for r in ask(sandbox, System.DISABILITY, family.spouse)["records"]] == [
        ("disability", 2)
    ]
    assert ask(sandbox, System.DISABILITY, family.son)["records"][0] == {
        "kind": "disabled_child",
        "group": 1,
        "since": "2018-01-01",
        "until": None,
    }
    assert [s["kind"] for s in ask(sandbox, System.SOCIAL_STATUS, family.spouse)["statuses"]] == [
        "large_family"
    ]
    assert [r["kind"] for r in ask(sandbox, System.EMPLOYMENT, family.head)["records"]] == ["civil_servant"]
    assert [r["kind"] for r in ask(sandbox, System.STATE_HOUSING, family.head)["records"]] == ["privatised"]
    assert [r["kind"] for r in ask(sandbox, System.PROGRAMMES, family.head)["records"]] == ["otbasy_deposit"]


def test_bank_accounts_and_mobile_base(sandbox: Sandbox, family: Family) -> None:
    [account] = ask(sandbox, System.BANK, family.head)["accounts"]
    assert is_valid_kz_iban(account["iban"]) and account["iban"].startswith("KZ")
    assert ask(sandbox, System.BANK, family.head)["accounts"] == [account]  # deterministic
    assert ask(sandbox, System.BANK, family.spouse)["accounts"][0]["iban"] != account["iban"]
    assert ask(sandbox, System.BANK, family.son)["accounts"] == []  # a minor has no account
    assert ask(sandbox, System.MOBILE, family.head) == {"phone": "+77010000000", "verified": True}
    assert ask(sandbox, System.MOBILE, family.spouse) == {"phone": None, "verified": False}


def test_utility_bills_are_deterministic_and_add_up(sandbox: Sandbox, family: Family) -> None:
    period = {"period_from": "2026-01", "period_to": "2026-02"}
    first = ask(sandbox, System.UTILITIES, family.head, **period)
    assert first == ask(sandbox, System.UTILITIES, family.spouse, **period) | {}  # same dwelling, same bills
    assert first["dwelling"]["residents"] == 5  # the grandmother's registration ended with her death
    assert first["dwelling"]["area_dm2"] == 7250  # the house the head owns in the settlement
    tariffs = {t["service"]: t["tiyn_per_unit"] for t in first["tariffs"]}
    assert [b["month"] for b in first["bills"]] == ["2026-01-01", "2026-02-01"]
    for bill in first["bills"]:
        services = {item["service"] for item in bill["items"]}
        assert {"heat", "cold_water", "hot_water", "electricity", "condominium"} <= services
        for item in bill["items"]:
            exact = (Decimal(item["quantity"]) * tariffs[item["service"]]).quantize(Decimal(1), ROUND_HALF_UP)
            assert item["amount_tiyn"] == int(exact)
        assert bill["total_tiyn"] == sum(item["amount_tiyn"] for item in bill["items"])
    summer = ask(sandbox, System.UTILITIES, family.head, period_from="2026-07", period_to="2026-07")
    assert "heat" not in {item["service"] for item in summer["bills"][0]["items"]}
    tariff_list = httpx.get(f"{sandbox.url}/utilities/tariffs/{KATO}").json()
    assert {t["service"]: t["tiyn_per_unit"] for t in tariff_list} == tariffs


def test_batch_keeps_order_marks_unknown_iins_and_streams_many(sandbox: Sandbox, family: Family) -> None:
    maker = IinMaker(start=3000)
    unknown = maker.make(date(1990, 1, 1), "M")
    body = {"iins": [family.head, unknown, family.spouse], "as_of": AS_OF.isoformat()}
    response = httpx.post(f"{sandbox.url}/persons/batch", json=body, headers={"X-Request-Id": "req-42"})
    assert response.status_code == 200 and response.headers["x-request-id"] == "req-42"
    answer = answer_adapter(System.PERSONS).validate_json(response.content)
    assert answer.request_id == "req-42"
    assert [(r.iin, r.found) for r in answer.results] == [
        (family.head, True),
        (unknown, False),
        (family.spouse, True),
    ]
    assert answer.results[1].data is None
    many = [maker.make(date(1970 + i % 40, 1 + i % 12, 1 + i % 28), "MF"[i % 2]) for i in range(4_500)]
    many[3_100] = family.head  # past the first chunk of the stream
    response = httpx.post(f"{sandbox.url}/address/batch", json={"iins": many}, timeout=30)
    answer = answer_adapter(System.ADDRESS).validate_json(response.content)
    assert len(answer.results) == 4_500 and [r.iin for r in answer.results] == many
    assert [r.iin for r in answer.results if r.found] == [family.head]


def test_bad_input_is_a_clear_4xx(sandbox: Sandbox) -> None:
    bad_iin = httpx.get(f"{sandbox.url}/persons/12345")
    assert bad_iin.status_code == 422 and "iin" in bad_iin.json()["detail"]
    too_many = httpx.post(f"{sandbox.url}/persons/batch", json={"iins": ["900101300015"] * 10_001})
    assert too_many.status_code == 422 and "10000" in too_many.json()["detail"].replace(",", "")
    half_period = httpx.get(f"{sandbox.url}/pension/900101300015", params={"period_from": "2026-01"})
    assert half_period.status_code == 422 and half_period.json()["error"] == "bad_period"
    bad_month = httpx.get(
        f"{sandbox.url}/pension/900101300015", params={"period_from": "2026-13", "period_to": "2026-14"}
    )
    assert bad_month.status_code == 422 and "YYYY-MM" in bad_month.json()["detail"]
    unknown_system = httpx.put(f"{sandbox.url}/admin/faults/cadastre", json={"outage": True})
    assert unknown_system.status_code == 422 and "persons" in unknown_system.json()["detail"]
    bad_fault = httpx.put(f"{sandbox.url}/admin/faults/property", json={"error_rate": 2})
    assert bad_fault.status_code == 422 and "error_rate" in bad_fault.json()["detail"]


def test_health_and_own_openapi_document(sandbox: Sandbox) -> None:
    health = httpx.get(f"{sandbox.url}/healthz").json()
    assert health["status"] == "ok" and len(health["systems"]) == 16
    spec = httpx.get(f"{sandbox.url}/openapi.json").json()
    assert spec["info"]["title"] == "Kezek state-systems sandbox"
    for system in System:
        assert f"/{system.value}/batch" in spec["paths"]
        assert f"/{system.value}/{{iin}}" in spec["paths"]
    assert set(DATA_SCHEMAS) == set(System)
