"""The synthetic population's files: determinism, valid IINs, integrity, and plausible shares."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import pytest

from kezek.population import files
from kezek.population.generator import PopulationGenerator, load_shares
from kezek.population.names import kazakh_patronymic, russian_patronymic
from kezek.population.tables import TABLES
from kezek.registry import iin
from tests.population.builders import AS_OF, age, rows, years_ago

SHARES_PERSONS = 20_000


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("population")
    files.generate(directory, PopulationGenerator(SHARES_PERSONS, 11))
    return directory


def test_same_seed_same_files_and_another_seed_differs(tmp_path: Path) -> None:
    first = files.generate(tmp_path / "a", PopulationGenerator(3000, 5, chunk_families=400))
    again = files.generate(tmp_path / "b", PopulationGenerator(3000, 5, chunk_families=400))
    other = files.generate(tmp_path / "c", PopulationGenerator(3000, 6, chunk_families=400))
    assert first.sha256 == again.sha256 and first.counts == again.counts
    for table in TABLES:
        assert (tmp_path / "a" / table.filename).read_bytes() == (
            tmp_path / "b" / table.filename
        ).read_bytes()
    assert other.sha256["persons.csv"] != first.sha256["persons.csv"]
    assert {r["iin"] for r in rows(tmp_path / "a", "persons")} != {
        r["iin"] for r in rows(tmp_path / "c", "persons")
    }


@pytest.mark.parametrize("persons", [1, 2, 7, 1001])
def test_exactly_the_requested_number_of_persons_across_chunks(tmp_path: Path, persons: int) -> None:
    manifest = files.generate(tmp_path, PopulationGenerator(persons, 3, chunk_families=50))
    people = list(rows(tmp_path, "persons"))
    assert manifest.persons == len(people) == persons
    assert [int(p["id"]) for p in people] == list(range(1, persons + 1))
    _check_families(tmp_path)


def _check_families(directory: Path) -> None:
    people = {r["id"] for r in rows(directory, "persons")}
    heads = {r["id"]: r["head_person_id"] for r in rows(directory, "families")}
    members: dict[str, list[dict[str, str]]] = defaultdict(list)
    membership = Counter()
    for member in rows(directory, "family_members"):
        assert member["person_id"] in people, "a family member who is not a person"
        assert member["family_id"] in heads, "a member of a family that does not exist"
        members[member["family_id"]].append(member)
        membership[member["person_id"]] += 1
    assert set(membership) == people and set(membership.values()) == {1}, "everyone in exactly one family"
    for family_id, head in heads.items():
        family_heads = [m["person_id"] for m in members[family_id] if m["relation"] == "head"]
        assert family_heads == [head], f"family {family_id} must have one head, its head_person_id"
    for table in TABLES:
        if "person_id" in table.columns and table.name != "family_members":
            assert {r["person_id"] for r in rows(directory, table.name)} <= people, table.name


def test_every_person_has_a_valid_unique_iin_matching_birth_date_and_sex(population: Path) -> None:
    seen = set()
    for person in rows(population, "persons"):
        info = iin.parse(person["iin"])
        assert info.birth_date.isoformat() == person["birth_date"]
        assert info.sex == person["sex"]
        assert info.serial < 9000, "serials 9000+ are reserved for the named demo citizens"
        seen.add(person["iin"])
    assert len(seen) == SHARES_PERSONS


def test_family_integrity_and_dates(population: Path) -> None:
    _check_families(population)
    birth = {p["id"]: p["birth_date"] for p in rows(population, "persons")}
    for table, start, end in (
        ("address_registrations", "registered_from", "registered_to"),
        ("income_spells", "from_month", "to_month"),
        ("status_records", "since", "until"),
        ("property_records", "acquired_on", "alienated_on"),
    ):
        for row in rows(population, table):
            assert row[start] <= AS_OF.isoformat(), (table, row)
            assert not row[end] or row[end] >= row[start], (table, row)
            if table != "income_spells":  # income months start on the 1st, possibly in the birth month
                assert row[start] >= birth[row["person_id"]], (table, row)


def test_names_follow_the_family(population: Path) -> None:
    """Sons carry the male head's surname, daughters its female form, children his name in their
    patronymic (outside guardianship, where the wards keep their own parents' names)."""
    people = {p["id"]: p for p in rows(population, "persons")}
    by_family: dict[str, list[dict[str, str]]] = defaultdict(list)
    for member in rows(population, "family_members"):
        by_family[member["family_id"]].append(member)
    checked = 0
    for members in by_family.values():
        head = next(people[m["person_id"]] for m in members if m["relation"] == "head")
        if head["sex"] != "M":
            continue
        for member in members:
            if member["relation"] != "child":
                continue
            child = people[member["person_id"]]
            if child["citizenship"] == "foreign" and not child["patronymic"]:
                continue  # many foreigners have no patronymic
            sons, daughters = russian_patronymic(head["given_name"])
            kk_son, kk_daughter = kazakh_patronymic(head["given_name"])
            if child["sex"] == "M":
                assert child["surname"] == head["surname"]
                assert child["patronymic"] in (sons, kk_son)
            else:
                assert child["surname"].startswith(head["surname"][:-3])
                assert child["patronymic"] in (daughters, kk_daughter)
            checked += 1
    assert checked > 1000


def _within(value: float, low: float, high: float, what: str) -> None:
    assert low <= value <= high, f"{what}: {value:.4f} not in [{low}, {high}]"


def test_shares_are_plausible_for_kazakhstan(population: Path) -> None:
    shares = load_shares()
    people = {p["id"]: p for p in rows(population, "persons")}
    n = len(people)
    adults = [k for k, p in people.items() if age(p["birth_date"]) >= 18]
    families = list(rows(population, "families"))
    family_kato = {f["id"]: f["kato"] for f in families}
    family_of = {m["person_id"]: m["family_id"] for m in rows(population, "family_members")}
    statuses = list(rows(population, "status_records"))
    kinds = Counter(s["kind"] for s in statuses)

    _within(n / len(families), 3.1, 3.8, "persons per household (census ~3.5)")
    _within(len(adults) / n, 0.6, 0.72, "adults (about a third of Kazakhstan is under 18)")
    _within(kinds["disability"] / len(adults), 0.03, 0.07, "adults with a disability")
    _within(sum(1 for p in people.values() if p["death_date"]) / n, 0.004, 0.02, "dead but still on record")
    _within(sum(1 for p in people.values() if p["citizenship"] == "foreign") / n, 0.001, 0.01, "foreigners")
    _within(kinds["kandas"] / n, 0.005, 0.03, "kandas")
    _within(kinds["orphan"] / n, 0.001, 0.006, "orphans")
    assert kinds["wwii_veteran"] <= 2, "WWII veterans are a handful per million"
    assert kinds["combat_veteran"] >= 5
    living_adults = [k for k in adults if not people[k]["death_date"] and age(people[k]["birth_date"]) >= 16]
    phone_share = sum(1 for k in living_adults if people[k]["phone"]) / len(living_adults)
    _within(phone_share, 0.8 * shares["phones"]["adults_with_phone"], 1.0, "adults with a phone")

    minors = Counter(
        family_of[m["person_id"]]
        for m in rows(population, "family_members")
        if m["relation"] == "child" and age(people[m["person_id"]]["birth_date"]) < 18
    )
    _within(
        sum(1 for c in minors.values() if c >= 4) / len(minors),
        0.08,
        0.22,
        "large families among families with minors",
    )
    large = sum(1 for c in minors.values() if c >= 4)
    # One record per family with 4+ minors, on the mother (a widowed father raising them alone has none).
    _within(kinds["large_family"] / large, 0.9, 1.0, "large-family records per large family")

    current = {r["person_id"]: r for r in rows(population, "address_registrations") if not r["registered_to"]}
    reg = shares["registration"]
    other_region = sum(1 for k in adults if people[k]["kato"][:2] != family_kato[family_of[k]][:2]) / len(
        adults
    )
    _within(
        other_region,
        0.7 * reg["other_region_adults"],
        1.4 * reg["other_region_adults"],
        "registered elsewhere",
    )
    unregistered = sum(1 for k in adults if k not in current and not people[k]["death_date"]) / len(adults)
    _within(
        unregistered,
        0.6 * reg["unregistered_adults"],
        1.5 * reg["unregistered_adults"],
        "without registration",
    )
    three_city = [
        years_ago(current[k]["registered_from"])
        for k in adults
        if k in current and current[k]["kato"][:2] in ("71", "75", "79")
    ]
    _within(
        sum(1 for y in three_city if y < 3) / len(three_city), 0.1, 0.3, "3-city adults registered < 3 years"
    )
    _within(
        sum(1 for y in three_city if 2 <= y < 4) / len(three_city),
        0.05,
        0.25,
        "3-city adults near the threshold",
    )

    properties = list(rows(population, "property_records"))
    heads = {f["head_person_id"] for f in families}
    owning = {p["person_id"] for p in properties if not p["alienated_on"]}
    sold_recently = {
        p["person_id"] for p in properties if p["alienated_on"] and years_ago(p["alienated_on"]) < 5
    }
    _within(len(heads & owning) / len(heads), 0.45, 0.72, "heads owning their dwelling")
    _within(len(heads & sold_recently) / len(heads), 0.05, 0.12, "heads who owned housing within 5 years")
    assert any(p["emergency_since"] for p in properties), "some emergency dwellings"
    assert {p["alienation"] for p in properties} >= {"sale", "gift", "exchange", "division"}

    expected = {
        "disability",
        "disabled_child",
        "large_family",
        "altyn_alqa",
        "kumis_alqa",
        "orphan",
        "combat_veteran",
        "kandas",
        "civil_servant",
        "budget_worker",
        "military",
        "state_housing_received",
        "preferential_purchase",
        "pensioner",
        "single_parent",
        "widow",
    }
    assert expected <= set(kinds), f"missing kinds: {expected - set(kinds)}"
    assert {s["detail"] for s in statuses if s["kind"] == "disability"} == {"1", "2", "3"}

    incomes = list(rows(population, "income_spells"))
    assert {i["source"] for i in incomes} == {"salary", "pension", "social", "entrepreneur"}
    work = shares["work"]
    for spell in incomes:
        if spell["source"] == "pension":
            person = people[spell["person_id"]]
            retire = work["retirement_age_male"] if person["sex"] == "M" else work["retirement_age_female"]
            assert age(person["birth_date"]) >= retire
        assert int(spell["monthly_tiyn"]) > 0 and int(spell["monthly_tiyn"]) % 100 == 0  # whole tenge
    salaries = sorted(
        int(i["monthly_tiyn"]) // 100 for i in incomes if i["source"] == "salary" and not i["to_month"]
    )
    _within(salaries[len(salaries) // 2], 250_000, 450_000, "median monthly salary, tenge")


def test_snapshot_date_moves_the_population(tmp_path: Path) -> None:
    manifest = files.generate(tmp_path, PopulationGenerator(500, 1, as_of=date(2030, 1, 1)))
    assert manifest.as_of == "2030-01-01"
    assert max(p["birth_date"] for p in rows(tmp_path, "persons")) <= "2030-01-01"


def test_no_birth_date_gathers_a_crowd(population: Path) -> None:
    """Ages clipped at a bound (newborns, the oldest) are spread over days, not piled on one date:
    at a million persons a pile would exhaust the 9,000 IIN serials of that date and sex."""
    by_day = Counter((r["birth_date"], r["sex"]) for r in rows(population, "persons"))
    ((_, busiest),) = by_day.most_common(1)
    assert busiest <= 0.002 * SHARES_PERSONS, by_day.most_common(3)
