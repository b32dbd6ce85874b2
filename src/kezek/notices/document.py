"""A notice as a structured document (title, fields, sections) in one language.

The HTML page and the PDF both render this one structure, so they always say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from kezek import clock
from kezek.models.notices import Notice
from kezek.notices import texts
from kezek.notices.texts import label, pick
from kezek.rules import catalog as rules_catalog


@dataclass
class Section:
    heading: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    items: list[list[str]] = field(default_factory=list)  # each item: its lines (first is the title)


@dataclass
class Document:
    language: str
    title: str
    number: str
    issued: str
    lead: str
    fields: list[tuple[str, str]]
    sections: list[Section]
    footer: str


def fmt_date(raw: str | date | None) -> str:
    if not raw:
        return ""
    day = raw if isinstance(raw, date) else date.fromisoformat(str(raw)[:10])
    return day.strftime("%d.%m.%Y")


def fmt_moment(raw: str | datetime | None) -> str:
    if not raw:
        return ""
    moment = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    return clock.to_local(moment).strftime("%d.%m.%Y %H:%M")


def _jurisdiction(payload: dict[str, Any], lang: str) -> str:
    j = payload.get("jurisdiction") or {}
    return str(j.get(lang) or j.get("ru") or j.get("kato") or "")


def _applicant(payload: dict[str, Any], lang: str) -> list[tuple[str, str]]:
    person = payload.get("applicant") or {}
    rows = []
    if person.get("name"):
        rows.append((label("applicant", lang), str(person["name"])))
    if person.get("iin"):
        rows.append((label("iin", lang), str(person["iin"])))
    return rows


def localized(value: Any, lang: str) -> str:
    """A text stored in the three languages (a dict), or a plain string."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get("ru") or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _evidence_lines(ev: dict[str, Any], lang: str) -> list[str]:
    official = ev.get("system") == "official"
    system = label("decided_by", lang) if official else pick(texts.SYSTEMS, ev.get("system"), lang)
    head = f"{label('data_used', lang)}: {system}, {label('as_of', lang)} {fmt_date(ev.get('date'))}"
    if ev.get("request_id"):
        head += f" (№ {ev['request_id']}"
        head += f", SHA-256 {str(ev['sha256'])[:16]}…)" if ev.get("sha256") else ")"
    lines = [head]
    for fact in ev.get("facts") or []:
        shown = localized(fact, lang)
        if shown:
            lines.append(f"  – {shown}")
    return lines


def build(notice: Notice, language: str | None = None) -> Document:
    if notice.kind.startswith("assistance_"):  # housing-assistance decisions build their own document
        from kezek.assistance.notices import build as build_assistance

        return build_assistance(notice, language)
    lang = language or notice.language
    p: dict[str, Any] = notice.payload or {}
    fields: list[tuple[str, str]] = [
        (label("application", lang), str(p.get("application_number", ""))),
        *_applicant(p, lang),
        (label("jurisdiction", lang), _jurisdiction(p, lang)),
    ]
    sections: list[Section] = []
    lead = label("service", lang)
    kind = notice.kind
    if kind == "receipt":
        fields += [
            (label("received_at", lang), fmt_moment(p.get("received_at"))),
            (label("channel", lang), pick(texts.CHANNELS, p.get("channel"), lang)),
            (label("regime", lang), pick(texts.REGIMES, p.get("regime"), lang)),
        ]
        deadline = p.get("deadline") or {}
        docs = p.get("documents") or []
        sections.append(
            Section(
                label("documents", lang),
                items=[[f"{d['filename']} ({d['kind']})", f"SHA-256: {d['sha256']}"] for d in docs],
                paragraphs=[] if docs else [label("no_documents", lang)],
            )
        )
        unit = {
            "working": {"kk": "жұмыс күні", "ru": "рабочих дней", "en": "working days"},
            "calendar": {"kk": "күнтізбелік күн", "ru": "календарных дней", "en": "calendar days"},
        }
        sections.append(
            Section(
                label("deadline", lang),
                rows=[
                    (
                        label("deadline", lang),
                        f"{deadline.get('days', '')} {pick(unit, deadline.get('unit'), lang)}",
                    ),
                    (label("result_by", lang), fmt_date(p.get("due_on"))),
                    (label("legal_basis", lang), str(deadline.get("reference", ""))),
                ],
            )
        )
    elif kind == "registration":
        lead = label("registered_text", lang)
        sections.append(
            Section(
                label("decision", lang),
                rows=[
                    (label("regime", lang), pick(texts.REGIMES, p.get("regime"), lang)),
                    (label("list", lang), pick(texts.LISTS, p.get("list_code"), lang)),
                    (label("position", lang), str(p.get("position", ""))),
                    (label("registered_at", lang), fmt_moment(p.get("registered_at"))),
                    (label("category", lang), category_text(p.get("category"), lang)),
                    (label("decided_at", lang), fmt_moment(p.get("decided_at"))),
                    (label("decided_by", lang), _decider(p, lang)),
                ],
                paragraphs=[label("position_note", lang)],
            )
        )
    elif kind == "refusal":
        lead = label("refused_text", lang)
        items = []
        for reason in p.get("reasons") or []:
            lines = [reason_text(reason.get("code"), lang) + f" [{reason.get('code')}]"]
            reference = localized(reason.get("reference"), lang)
            if reference:
                lines.append(f"{label('legal_basis', lang)}: {reference}")
            for ev in reason.get("evidence") or []:
                lines.extend(_evidence_lines(ev, lang))
            items.append(lines)
        sections.append(
            Section(
                label("reasons", lang),
                rows=[
                    (label("decided_at", lang), fmt_moment(p.get("decided_at"))),
                    (label("decided_by", lang), _decider(p, lang)),
                ],
                items=items,
            )
        )
        appeal = p.get("appeal") or {}
        sections.append(
            Section(
                label("appeal", lang),
                rows=[
                    (label("appeal_until", lang), fmt_date(appeal.get("until"))),
                    (label("legal_basis", lang), str(appeal.get("reference", ""))),
                ],
                paragraphs=[label("appeal_text", lang)],
            )
        )
    elif kind == "document_request":
        sections.append(
            Section(
                label("requested", lang),
                rows=[
                    (label("requested", lang), str(p.get("document_kind", ""))),
                    (label("answer_by", lang), fmt_date(p.get("answer_due_on"))),
                ],
                paragraphs=[str(p.get("request_text", "")), label("paused", lang)],
            )
        )
    else:  # removal, restoration, migration: queue movements
        rows = [(label("list", lang), pick(texts.LISTS, p.get("list_code"), lang))]
        if p.get("old_position") is not None:
            rows.append((label("old_number", lang), str(p["old_position"])))
        if p.get("position") is not None:
            rows.append((label("new_number", lang), str(p["position"])))
        if p.get("reason_code"):
            rows.append((label("reason", lang), reason_text(p["reason_code"], lang)))
        if p.get("decision_ref"):
            rows.append((label("decision", lang), str(p["decision_ref"])))
        sections.append(Section(label("decision", lang), rows=rows))
        if kind == "removal":
            appeal = p.get("appeal") or {}
            sections.append(
                Section(
                    label("appeal", lang),
                    rows=[(label("appeal_until", lang), fmt_date(appeal.get("until")))],
                    paragraphs=[label("appeal_text", lang)],
                )
            )
    return Document(
        language=lang,
        title=pick(texts.TITLES, kind, lang),
        number=notice.number,
        issued=fmt_moment(notice.issued_at),
        lead=lead,
        fields=[(k, v) for k, v in fields if v],
        sections=sections,
        footer=label("footer", lang),
    )


def reason_text(code: str | None, lang: str) -> str:
    """The reason's wording: the rules' catalog first (it owns the reason codes), then ours."""
    if code and rules_catalog.has(f"reason.{code}"):
        return rules_catalog.text(f"reason.{code}", lang)
    return pick(texts.REASONS, code, lang)


def list_text(code: str | None, lang: str) -> str:
    return pick(texts.LISTS, code, lang)


def category_text(code: str | None, lang: str) -> str:
    if code and rules_catalog.has(f"code.priority_category.{code}"):
        return rules_catalog.text(f"code.priority_category.{code}", lang)
    if code and rules_catalog.has(f"code.akimat_list.{code}"):
        return rules_catalog.text(f"code.akimat_list.{code}", lang)
    return pick(texts.CATEGORIES, code, lang)


def _decider(p: dict[str, Any], lang: str) -> str:
    who = p.get("decided_by") or ""
    return label("automatic", lang) if who in ("system", "") else str(p.get("decided_by_name") or who)
