"""The case's question to ``kezek.rules``: is the family eligible, in which list and category?

TEMPORARY: until ``kezek.rules`` publishes its eligibility function, a minimal national-regime check
(domain §1.2, §3.1) stands here so the case flow can be built and tested; ``Assessment`` is the shape
the rest of the case relies on (outcome, reason codes with legal references and evidence, list,
category, priority, trace, rules version, what needs a person's review, what documents are needed).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from kezek.applications.statedata import FamilyData

RULES_VERSION = "temporary-0"
PRIORITY_STATUSES = (
    "large_family",
    "altyn_alqa",
    "kumis_alqa",
    "mother_heroine",
    "orphan",
    "wwii_veteran",
    "combat_veteran",
    "veteran_equated",
    "disabled_child",
    "widow",
)


@dataclass(frozen=True)
class Reason:
    code: str
    reference: str
    evidence: list[dict[str, Any]] = field(default_factory=list)  # {system, date, fact}


@dataclass
class Assessment:
    outcome: str  # registered | refused
    reasons: list[Reason]
    list_code: str
    category: str
    categories: list[str]
    priority: bool
    trace: list[dict[str, Any]]
    rules_version: str
    as_of: date
    review: list[str] = field(default_factory=list)  # why a person must look; empty = a clear case
    documents_needed: list[str] = field(default_factory=list)

    @property
    def clear(self) -> bool:
        return not self.review and not self.documents_needed

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["as_of"] = self.as_of.isoformat()
        return data


def _d(raw: str | None) -> date | None:
    return date.fromisoformat(raw) if raw else None


def assess(
    data: FamilyData, *, as_of: date, kato: str, regime: str, claimed_categories: list[str], emergency: bool
) -> Assessment:
    members: list[dict[str, Any]] = data.profile
    applicant = next(m for m in members if m["relation"] == "applicant")
    reasons: list[Reason] = []
    trace: list[dict[str, Any]] = []
    birth = date.fromisoformat(applicant["birth_date"])
    age = as_of.year - birth.year - ((as_of.month, as_of.day) < (birth.month, birth.day))
    trace.append({"check": "age", "value": age})
    if age < 18:
        reasons.append(
            Reason(
                "age_under_18",
                "MIC Order No. 130, basic requirements",
                [{"system": "persons", "date": as_of.isoformat(), "fact": f"age {age}"}],
            )
        )
    if applicant["citizenship"] not in ("citizen", "kandas"):
        reasons.append(
            Reason(
                "not_citizen_or_kandas",
                "MIC Order No. 130, basic requirements",
                [{"system": "persons", "date": as_of.isoformat(), "fact": applicant["citizenship"]}],
            )
        )
    five_years_ago = date(as_of.year - 5, as_of.month, min(as_of.day, 28))
    categories: list[str] = []
    for member in members:
        for prop in member["property"]:
            alienated = _d(prop["alienated_on"])
            if (alienated is None or alienated >= five_years_ago) and not (
                emergency and prop["emergency_since"] and alienated is None
            ):
                reasons.append(
                    Reason(
                        "owned_housing_within_5_years",
                        "Law No. 94 Art. 67; MIC Order No. 130",
                        [
                            {
                                "system": "property",
                                "date": as_of.isoformat(),
                                "fact": f"{prop['kind']} acquired {prop['acquired_on']}",
                            }
                        ],
                    )
                )
        for status in member["statuses"]:
            until = _d(status["until"])
            if until is not None and until < as_of:
                continue
            if status["kind"] in ("state_housing_received", "state_housing_privatised"):
                reasons.append(
                    Reason(
                        "received_state_housing",
                        "MIC Order No. 130, refusal grounds",
                        [
                            {
                                "system": "state_housing",
                                "date": as_of.isoformat(),
                                "fact": f"{status['kind']} since {status['since']}",
                            }
                        ],
                    )
                )
            if status["kind"] in PRIORITY_STATUSES or (
                status["kind"] == "disability" and status["detail"] in ("1", "2")
            ):
                categories.append(status["kind"])
    trace.append({"check": "categories", "value": categories})
    review: list[str] = []
    documents: list[str] = []
    if emergency:
        review.append("emergency_dwelling_to_confirm")
    for claimed in claimed_categories:
        if claimed != "general" and claimed not in categories:
            documents.append(f"proof_of_{claimed}")
    priority = bool(categories)
    return Assessment(
        outcome="refused" if reasons else "registered",
        reasons=reasons,
        list_code="priority" if priority else "general",
        category=categories[0] if categories else "general",
        categories=categories or ["general"],
        priority=priority,
        trace=trace,
        rules_version=RULES_VERSION,
        as_of=as_of,
        review=review,
        documents_needed=documents,
    )
