"""Where the reference cases live in the repository (tests/reference_cases, see its README)."""

from __future__ import annotations

from pathlib import Path

CASES = Path(__file__).parent / "reference_cases"


def case_file(name: str) -> Path:
    path = CASES / name
    assert path.is_file(), f"reference case file {name} missing from {CASES}"
    return path
