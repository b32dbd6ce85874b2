"""The case's question to ``kezek.rules``: is the family eligible, in which list and category?

The rules answer with the outcome, the reason codes, the list (akimat regime) or the priority
category (national regime), the trace and the evidence; this module adds what the case needs
around it: the legal reference and the data each reason rests on (which system, received when,
the hash of the answer), and whether a person must look before the decision (a clear case is
decided automatically, Order No. 130; the rest goes to the executor with the trace beside the data).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from kezek import __version__
from kezek.applications.profile import EVIDENCE_SYSTEM, REASON_SYSTEMS
from kezek.applications.statedata import FamilyData
from kezek.rules.catalog import has, text
from kezek.rules.decisions import Decision, assess_registration
from kezek.rules.render import render
from kezek.settings import LANGUAGES

RULES_VERSION = f"kezek-rules-{__version__}"


@dataclass(frozen=True)
class Reason:
    code: str
    reference: dict[str, str]  # the legal reference in kk, ru, en
    evidence: list[dict[str, Any]] = field(default_factory=list)  # {system, date, request_id, sha256, fact}


@dataclass
class Assessment:
    outcome: str  # registered | refused
    reasons: list[Reason]
    list_code: str | None
    category: str
    categories: list[str]
    priority: bool
    trace: dict[str, Any]
    explanation: dict[str, str]  # the rendered decision and trace, kk / ru / en
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


def _texts(key: str, **values: Any) -> dict[str, str]:
    return {lang: text(key, lang, **values) for lang in LANGUAGES} if has(key) else {}


def _evidence(decision: Decision, data: FamilyData, code: str) -> list[dict[str, Any]]:
    """The sources a reason rests on, each with the facts the rules read from it."""
    systems = REASON_SYSTEMS.get(code, ())
    out = []
    for source in data.sources:
        if source["system"] not in systems:
            continue
        facts = [
            _texts(
                key,
                **{
                    k: (v.isoformat() if isinstance(v, date) else ("" if v is None else v))
                    for k, v in values.items()
                },
            )
            for key, values in decision.evidence
            if EVIDENCE_SYSTEM.get(key) == source["system"]
        ]
        out.append(
            {
                "system": source["system"],
                "date": source["as_of"],
                "received_at": source["received_at"],
                "request_id": source["request_id"],
                "sha256": source["sha256"],
                "facts": [f for f in facts if f],
            }
        )
    return out


def assess(
    data: FamilyData, *, as_of: date, regime: str, claimed_categories: list[str], emergency: bool
) -> Assessment:
    decision = assess_registration(data.family, as_of)
    regime_key = "national" if int(decision.values.get("regime", 1)) == 1 else "akimat"
    reasons = [
        Reason(code, _texts(f"ref.{regime_key}.{code}"), _evidence(decision, data, code))
        for code in decision.reasons
    ]
    review: list[str] = []
    documents: list[str] = []
    if regime_key == "national":
        category = decision.code("priority_category")
        priority = bool(decision.values["priority"])
        list_code: str | None = "priority" if priority else "general"
        if category == "none":
            category = "general"
        # A priority category claimed but not shown by the state data: a document is needed.
        for claimed in claimed_categories:
            if claimed and claimed not in (category, "general"):
                documents.append(f"proof_of_{claimed}")
    else:
        code = decision.code("akimat_list")
        list_code = None if code == "none" else code
        category = list_code or "none"
        priority = False
        for claimed in claimed_categories:
            if claimed and claimed != list_code:
                documents.append(f"proof_of_{claimed}")
    if emergency:
        # Order No. 130: the emergency status of the only dwelling is confirmed by an official
        # (3 working days instead of 1).
        review.append("emergency_dwelling_to_confirm")
    if decision.outcome == "registered" and list_code is None:
        review.append("no_list")
    return Assessment(
        outcome=decision.outcome,
        reasons=reasons,
        list_code=list_code,
        category=category,
        categories=[category],
        priority=priority,
        trace=decision.to_dict(),
        explanation={lang: render(decision, lang) for lang in LANGUAGES},
        rules_version=RULES_VERSION,
        as_of=as_of,
        review=review,
        documents_needed=documents,
    )
