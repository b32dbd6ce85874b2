"""Every scenario file shipped with the rules runs here, one test per case (and `kezek rules test`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kezek.rules import scenario
from tests.reference import CASES as REFERENCE_CASES

CASES = [
    pytest.param(kind, case, id=f"{name}::{scenario.case_name(case, i)}")
    for name, text in scenario.packaged_files()
    for kind, cases in [scenario.load(name, text)]
    for i, case in enumerate(cases)
]


@pytest.mark.parametrize(("kind", "case"), CASES)
def test_scenario_case(kind: str, case: dict) -> None:
    problems = scenario.run_case(kind, case)
    assert not problems, "; ".join(problems)


def test_every_shared_reference_file_is_translated() -> None:
    """Each shared case file (but iin.yaml, which belongs to the registry) has a scenario file whose
    source names it, with as many cases."""
    import yaml

    shared = REFERENCE_CASES
    translated = {}
    for _name, text in scenario.packaged_files():
        doc = yaml.safe_load(text)
        translated.setdefault(str(doc.get("source", "")), []).extend(doc["cases"])
    for f in sorted(shared.glob("*.yaml")):
        if f.name == "iin.yaml":
            continue
        original = yaml.safe_load(f.read_text(encoding="utf-8"))
        ours = translated.get(f"shared/cases/{f.name}")
        assert ours is not None, f"{f.name} is not translated"
        reference_cases = [c for c in ours if "per-batch rounding the last" not in str(c.get("note", ""))]
        assert len(reference_cases) == len(original), (
            f"{f.name}: {len(original)} cases, {len(reference_cases)} translated"
        )


def test_a_failing_scenario_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "kind: ladder\ncases:\n"
        "  - {date: 2026-06-01, family_size: 3, family_income_month: 152553, expect: none}\n",
        encoding="utf-8",
    )
    (outcome,) = scenario.run_file(bad)
    assert not outcome.ok
    assert "expected 'none', got 'rental'" in outcome.detail


def test_a_malformed_scenario_file_names_what_is_wrong(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("kind: nonsense\ncases: []\n", encoding="utf-8")
    with pytest.raises(Exception, match="needs 'kind'"):
        scenario.run_file(bad)
