"""IIN validation: the team's reference vectors, named faults, and the vectorised generator."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml

from kezek.registry import iin

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCAL_CASES = Path(__file__).parent / "data" / "iin.yaml"


def _cases(path: Path) -> list[dict[str, Any]]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _check_case(case: dict[str, Any]) -> None:
    number = str(case["iin"])
    if case["valid"]:
        info = iin.parse(number)
        assert info.birth_date == case["birth_date"], case["note"]
        assert info.sex == {"male": "M", "female": "F"}[case["sex"]], case["note"]
        assert iin.is_valid(number)
    else:
        with pytest.raises(iin.InvalidIin):
            iin.parse(number)
        assert not iin.is_valid(number)


@pytest.mark.parametrize("case", _cases(LOCAL_CASES), ids=lambda c: f"{c['iin']}-{c['note']}")
def test_reference_vectors_in_the_repository(case: dict[str, Any]) -> None:
    _check_case(case)


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("90010130123", "length"),
        ("9001013012333", "length"),
        ("", "length"),
        ("9001013O1233", "digits"),
        ("９００１０１３０１２３３", "digits"),  # full-width digits are not ASCII digits
        ("900101001233", "century"),
        ("900101701233", "century"),
        ("900230301233", "date"),  # 30 February
        ("000229500016", "check_digit"),  # 2000-02-29 is a real date: the fault is the check digit
        ("900101301234", "check_digit"),
    ],
)
def test_named_faults(number: str, reason: str) -> None:
    with pytest.raises(iin.InvalidIin) as caught:
        iin.parse(number)
    assert caught.value.reason == reason
    assert caught.value.status == 422
    assert caught.value.detail == iin.REASONS[reason]


def test_a_number_that_is_never_issued_is_rejected_as_such() -> None:
    # Find 11 leading digits for which both weight passes give 10 and check every last digit fails.
    for serial in range(10000):
        first11 = f"9001013{serial:04d}"
        if iin.check_digit(first11) is None:
            break
    else:  # pragma: no cover - the search space always has such numbers
        pytest.fail("no unissuable serial found")
    for last in "0123456789":
        with pytest.raises(iin.InvalidIin) as caught:
            iin.parse(first11 + last)
        assert caught.value.reason == "not_issued"


def test_worked_examples_of_the_domain_notes() -> None:
    assert iin.check_digit("90010130123") == 3
    assert not iin.uses_second_pass("90010130123")
    assert iin.check_digit("06121160001") == 2
    assert iin.uses_second_pass("06121160001")


def test_centuries_and_sexes() -> None:
    assert iin.parse(iin.make_iin(date(1899, 12, 31), "M", 1)).birth_date == date(1899, 12, 31)
    assert iin.make_iin(date(1899, 12, 31), "F", 1)[6] == "2"
    assert iin.make_iin(date(1950, 6, 1), "M", 5)[6] == "3"
    assert iin.make_iin(date(2024, 2, 29), "F", 5)[6] == "6"
    with pytest.raises(ValueError, match="century"):
        iin.make_iin(date(1799, 1, 1), "M", 1)
    with pytest.raises(ValueError, match="four digits"):
        iin.make_iin(date(1990, 1, 1), "M", 10000)


def test_normalise_strips_only_separators() -> None:
    assert iin.normalise(" 900101-30 1233 ") == "900101301233"
    assert iin.normalise("9001013O1233") == "9001013O1233"


def test_vectorised_generator_agrees_with_the_scalar_rules() -> None:
    rng = np.random.default_rng(7)
    n = 20_000
    days = rng.integers(np.datetime64("1800-01-01").astype(int), np.datetime64("2099-12-31").astype(int), n)
    births = days.astype("datetime64[D]")
    male = rng.random(n) < 0.5
    serials = rng.integers(0, 10000, n)
    values, ok = iin.generate_iins(births, male, serials)
    strings = iin.format_iins(values)
    assert 0.97 < ok.mean() < 1.0  # about 1 number in 121 cannot be issued
    for text, good, born, is_male, serial in zip(
        strings, ok.tolist(), births.tolist(), male.tolist(), serials.tolist(), strict=True
    ):
        if good:
            info = iin.parse(text)
            assert (info.birth_date, info.sex, info.serial) == (born, "M" if is_male else "F", serial)
            assert text == iin.make_iin(born, "M" if is_male else "F", serial)
        else:
            with pytest.raises(ValueError):
                iin.make_iin(born, "M" if is_male else "F", serial)
