"""The commission: a draft run goes to a session (agenda, members present, quorum, votes, dissent),
which approves or rejects it; the protocol is a PDF in Kazakh and Russian.

Manual changes to the automatic result (:func:`override`) need a written reason; they are a layer on
top of the stored result (never an edit of it), listed in the protocol, written to the public
journal on approval and counted per jurisdiction (:func:`overrides_report`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kezek import clock
from kezek.allocation import journal, offers
from kezek.allocation.service import actor_label, get_run
from kezek.audit.service import Actor, record
from kezek.errors import Conflict, NotFound, ValidationFailed
from kezek.models.allocation import (
    AllocationBatch,
    AllocationBatchItem,
    AllocationDecision,
    AllocationOverride,
    AllocationRun,
    CommissionMember,
    CommissionSession,
    CommissionVote,
)
from kezek.models.queue import QueueEntry, QueueList
from kezek.models.stock import Dwelling
from kezek.notices.document import Document, Section
from kezek.notices.pdf import render_document

ROLES = ("chair", "secretary", "member")
VOTES = ("for", "against", "abstain")
MIN_REASON = 10  # characters: a written reason, not a tick


@dataclass(frozen=True)
class MemberSpec:
    full_name: str
    role: str = "member"
    present: bool = True
    official_id: int | None = None


def _editable_run(session: Session, run_id: int) -> AllocationRun:
    run = get_run(session, run_id)
    if run.status not in ("draft", "in_commission"):
        raise Conflict(f"the run is {run.status}; it can no longer be changed", code="run_closed")
    return run


def open_session(
    session: Session,
    *,
    actor: Actor,
    run_id: int,
    number: str,
    held_on: date,
    place: str,
    agenda: str,
    quorum: int,
    members: list[MemberSpec],
) -> CommissionSession:
    """Put a draft run before the commission."""
    run = get_run(session, run_id)
    if run.status != "draft":
        raise Conflict(f"the run is {run.status}; only a draft goes to the commission", code="run_not_draft")
    errors: dict[str, str] = {}
    number = (number or "").strip()
    if not number:
        errors["number"] = "the protocol number is required"
    elif session.scalar(select(CommissionSession.id).where(CommissionSession.number == number)):
        errors["number"] = "a session with this protocol number exists"
    if not (agenda or "").strip():
        errors["agenda"] = "the agenda is required"
    if not (place or "").strip():
        errors["place"] = "the place is required"
    if not members:
        errors["members"] = "the members are required"
    names = [m.full_name.strip() for m in members]
    if any(not n for n in names) or len(set(names)) != len(names):
        errors["members"] = "every member needs a name, each once"
    if any(m.role not in ROLES for m in members):
        errors["members"] = f"a member's role is one of: {', '.join(ROLES)}"
    if quorum < 1 or quorum > len(members):
        errors["quorum"] = "the quorum is between 1 and the number of members"
    if errors:
        raise ValidationFailed("; ".join(errors.values()), code="invalid_session", errors=errors)
    row = CommissionSession(
        run_id=run.id,
        kato=run.kato,
        number=number,
        held_on=held_on,
        place=place.strip(),
        agenda=agenda.strip(),
        quorum=quorum,
        status="open",
        opened_by=actor_label(actor),
        opened_at=clock.now(),
    )
    session.add(row)
    session.flush()
    for m in members:
        session.add(
            CommissionMember(
                session_id=row.id,
                official_id=m.official_id,
                full_name=m.full_name.strip(),
                role=m.role,
                present=m.present,
            )
        )
    run.status = "in_commission"
    session.flush()
    record(
        session,
        actor=actor,
        action="allocation.session_opened",
        object_type="commission_session",
        object_id=row.id,
        kato=run.kato,
        after={"run_id": run.id, "number": number, "members": len(members), "quorum": quorum},
    )
    return row


def get_session(session: Session, session_id: int) -> CommissionSession:
    row = session.get(CommissionSession, session_id)
    if row is None:
        raise NotFound("no such commission session", code="no_session")
    return row


def session_of_run(session: Session, run_id: int) -> CommissionSession | None:
    return session.scalar(select(CommissionSession).where(CommissionSession.run_id == run_id))


def members_of(session: Session, session_id: int) -> list[CommissionMember]:
    return list(
        session.scalars(
            select(CommissionMember)
            .where(CommissionMember.session_id == session_id)
            .order_by(CommissionMember.id)
        )
    )


def votes_of(session: Session, session_id: int) -> list[CommissionVote]:
    return list(
        session.scalars(
            select(CommissionVote)
            .where(CommissionVote.session_id == session_id)
            .order_by(CommissionVote.member_id)
        )
    )


def cast_vote(
    session: Session, *, actor: Actor, session_id: int, member_id: int, vote: str, dissent: str | None = None
) -> CommissionVote:
    """A present member's vote; a vote against may carry a dissenting opinion (written in the protocol)."""
    cs = get_session(session, session_id)
    if cs.status != "open":
        raise Conflict("the session is decided", code="session_decided")
    member = session.get(CommissionMember, member_id)
    if member is None or member.session_id != cs.id:
        raise NotFound("no such member in this session", code="no_member")
    if not member.present:
        raise Conflict("a member who is absent does not vote", code="member_absent")
    if vote not in VOTES:
        raise ValidationFailed(f"vote is one of: {', '.join(VOTES)}", code="invalid_vote", field="vote")
    existing = session.scalar(
        select(CommissionVote).where(
            CommissionVote.session_id == cs.id, CommissionVote.member_id == member.id
        )
    )
    if existing is not None:
        raise Conflict("this member has voted", code="already_voted")
    row = CommissionVote(
        session_id=cs.id,
        member_id=member.id,
        vote=vote,
        dissent=(dissent or "").strip() or None,
        cast_at=clock.now(),
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor=actor,
        action="allocation.vote",
        object_type="commission_session",
        object_id=cs.id,
        kato=cs.kato,
        after={"member_id": member.id, "vote": vote, "dissent": bool(row.dissent)},
    )
    return row


# -- overrides --------------------------------------------------------------------------------------


def override(
    session: Session,
    *,
    actor: Actor,
    run_id: int,
    dwelling_id: int,
    to_entry_id: int | None,
    reason: str,
) -> AllocationOverride:
    """Give a dwelling of the run to another entry (or to nobody), with a written reason."""
    run = _editable_run(session, run_id)
    reason = " ".join((reason or "").split())
    if len(reason) < MIN_REASON:
        raise ValidationFailed(
            f"an override needs a written reason (at least {MIN_REASON} characters)",
            code="override_reason_required",
            field="reason",
        )
    current = final_result(session, run)
    by_dwelling = {int(str(r["dwelling_id"])): r for r in current}
    if dwelling_id not in _batch_ids(session, run.batch_id):
        raise ValidationFailed("the dwelling is not in this run", code="invalid_override", field="dwelling")
    if to_entry_id is not None:
        entry = session.get(QueueEntry, to_entry_id)
        if entry is None or entry.kato != run.kato or entry.status != "active":
            raise ValidationFailed(
                "the entry must be an active entry of the run's jurisdiction",
                code="invalid_override",
                field="entry",
            )
        if any(int(str(r["entry_id"])) == to_entry_id for r in current):
            raise Conflict("this entry already receives a dwelling in this run", code="entry_already_served")
    from_entry = by_dwelling.get(dwelling_id)
    row = AllocationOverride(
        run_id=run.id,
        kato=run.kato,
        dwelling_id=dwelling_id,
        from_entry_id=int(str(from_entry["entry_id"])) if from_entry else None,
        to_entry_id=to_entry_id,
        reason=reason,
        actor=actor_label(actor),
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    record(
        session,
        actor=actor,
        action="allocation.override",
        object_type="allocation_run",
        object_id=run.id,
        kato=run.kato,
        before={"dwelling_id": dwelling_id, "entry_id": row.from_entry_id},
        after={"dwelling_id": dwelling_id, "entry_id": to_entry_id},
        reason=reason,
    )
    return row


def overrides_of(session: Session, run_id: int) -> list[AllocationOverride]:
    return list(
        session.scalars(
            select(AllocationOverride)
            .where(AllocationOverride.run_id == run_id)
            .order_by(AllocationOverride.id)
        )
    )


def final_result(session: Session, run: AllocationRun) -> list[dict[str, object]]:
    """The automatic result with the overrides applied (in pick order, overrides' new entries after)."""
    rows = session.execute(
        select(
            AllocationDecision.dwelling_id,
            AllocationDecision.entry_id,
            AllocationDecision.list_code,
            AllocationDecision.rank,
        )
        .where(AllocationDecision.run_id == run.id, AllocationDecision.outcome == "assigned")
        .order_by(AllocationDecision.seq)
    ).all()
    out: dict[int, dict[str, object]] = {
        int(d): {"dwelling_id": int(d), "entry_id": int(e), "list_code": lc, "rank": int(r), "origin": "run"}
        for d, e, lc, r in rows
        if d is not None
    }
    for ov in overrides_of(session, run.id):
        if ov.to_entry_id is None:
            out.pop(ov.dwelling_id, None)
            continue
        entry = session.get(QueueEntry, ov.to_entry_id)
        assert entry is not None
        lst = session.get(QueueList, entry.list_id)
        assert lst is not None
        out[ov.dwelling_id] = {
            "dwelling_id": ov.dwelling_id,
            "entry_id": entry.id,
            "list_code": lst.code,
            "rank": int(entry.position or 0),
            "origin": "override",
        }
    return list(out.values())


@dataclass(frozen=True)
class OverrideCount:
    kato: str
    runs: int
    overrides: int
    dwellings_distributed: int


def overrides_report(session: Session, kato: str | None = None) -> list[OverrideCount]:
    """Per jurisdiction: approved runs, overrides in them, dwellings distributed."""
    q = select(AllocationRun.kato, func.count(), func.sum(AllocationRun.assigned_count)).where(
        AllocationRun.status == "approved"
    )
    if kato:
        q = q.where(AllocationRun.kato.like(f"{kato}%"))
    runs = {k: (int(n), int(s or 0)) for k, n, s in session.execute(q.group_by(AllocationRun.kato))}
    oq = (
        select(AllocationOverride.kato, func.count())
        .join(AllocationRun, AllocationRun.id == AllocationOverride.run_id)
        .where(AllocationRun.status == "approved")
        .group_by(AllocationOverride.kato)
    )
    counts = {k: int(n) for k, n in session.execute(oq)}
    return [OverrideCount(k, runs[k][0], counts.get(k, 0), runs[k][1]) for k in sorted(runs)]


# -- decision ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    present: int
    quorum: int
    votes_for: int
    against: int
    abstain: int

    @property
    def quorate(self) -> bool:
        return self.present >= self.quorum

    @property
    def approved(self) -> bool:
        return self.quorate and self.votes_for > self.against


def tally(session: Session, session_id: int) -> Tally:
    cs = get_session(session, session_id)
    members = members_of(session, cs.id)
    votes = votes_of(session, cs.id)
    return Tally(
        present=sum(1 for m in members if m.present),
        quorum=cs.quorum,
        votes_for=sum(1 for v in votes if v.vote == "for"),
        against=sum(1 for v in votes if v.vote == "against"),
        abstain=sum(1 for v in votes if v.vote == "abstain"),
    )


def decide(session: Session, *, actor: Actor, session_id: int) -> CommissionSession:
    """Close the vote. Without a quorum nothing is decided (an error). A majority for approves the
    run: offers are made and the distribution is written to the public journal; otherwise the run
    is rejected and its batch is open again for another run."""
    cs = get_session(session, session_id)
    if cs.status != "open":
        raise Conflict("the session is decided", code="session_decided")
    t = tally(session, cs.id)
    if not t.quorate:
        raise Conflict(
            f"no quorum: {t.present} present, {t.quorum} needed", code="no_quorum", present=t.present
        )
    run = get_run(session, cs.run_id)
    now = clock.now()
    cs.status = "decided"
    cs.decided_at = now
    cs.decision = "approved" if t.approved else "rejected"
    run.decided_at = now
    batch = session.get(AllocationBatch, run.batch_id)
    assert batch is not None
    if cs.decision == "approved":
        run.status = "approved"
        batch.status = "closed"
        batch.closed_at = now
        final = final_result(session, run)
        _journal_distribution(session, run, cs, final)
        offers.make_offers(session, actor=actor, run=run, final=final)
        # Dwellings of the batch that nobody in the result takes go back to the pool.
        in_batch = _batch_ids(session, batch.id)
        for d in session.scalars(select(Dwelling).where(Dwelling.id.in_(sorted(in_batch)))):
            if d.status == "in_batch":
                d.status = "available"
                d.updated_at = now
    else:
        run.status = "rejected"
        batch.status = "open"
    cs.protocol_sha256_kk = hashlib.sha256(protocol_pdf(session, cs.id, "kk")).hexdigest()
    cs.protocol_sha256_ru = hashlib.sha256(protocol_pdf(session, cs.id, "ru")).hexdigest()
    session.flush()
    record(
        session,
        actor=actor,
        action=f"allocation.run_{cs.decision}",
        object_type="allocation_run",
        object_id=run.id,
        kato=run.kato,
        after={
            "session": cs.number,
            "for": t.votes_for,
            "against": t.against,
            "abstain": t.abstain,
            "protocol_sha256_kk": cs.protocol_sha256_kk,
            "protocol_sha256_ru": cs.protocol_sha256_ru,
        },
    )
    return cs


def _batch_ids(session: Session, batch_id: int) -> set[int]:
    return set(
        session.scalars(
            select(AllocationBatchItem.dwelling_id).where(AllocationBatchItem.batch_id == batch_id)
        )
    )


def _journal_distribution(
    session: Session, run: AllocationRun, cs: CommissionSession, final: list[dict[str, object]]
) -> None:
    basis = journal.LEGAL_BASIS.get(run.regime, run.regime)
    reasons = {ov.dwelling_id: ov for ov in overrides_of(session, run.id)}
    for item in sorted(final, key=lambda r: int(str(r["dwelling_id"]))):
        body: dict[str, Any] = {
            "dwelling": item["dwelling_id"],
            "list": item["list_code"],
            "queue_number": item["rank"],
            "legal_basis": basis,
            "protocol": cs.number,
            "protocol_date": cs.held_on.isoformat(),
            "inputs_hash": run.inputs_hash,
            "result_hash": run.result_hash,
            "override": item["origin"] == "override",
        }
        kind = "allocated"
        ov = reasons.get(int(str(item["dwelling_id"])))
        if ov is not None:
            kind = "override"
            body["override_reason"] = ov.reason
        journal.append(session, kind=kind, kato=run.kato, run_id=run.id, body=body)
    for dwelling_id, ov in sorted(reasons.items()):
        if ov.to_entry_id is None:
            journal.append(
                session,
                kind="override",
                kato=run.kato,
                run_id=run.id,
                body={
                    "dwelling": dwelling_id,
                    "list": None,
                    "queue_number": None,
                    "legal_basis": basis,
                    "protocol": cs.number,
                    "protocol_date": cs.held_on.isoformat(),
                    "override": True,
                    "override_reason": ov.reason,
                },
            )


# -- protocol ---------------------------------------------------------------------------------------

TEXTS: dict[str, dict[str, str]] = {
    "title": {
        "kk": "Тұрғын үй комиссиясы отырысының хаттамасы",
        "ru": "Протокол заседания жилищной комиссии",
    },
    "lead": {
        "kk": "Тұрғын үйлерді бөлу нәтижесін қарау (бөлу № {run})",
        "ru": "Рассмотрение результата распределения жилья (распределение № {run})",
    },
    "held_on": {"kk": "Өткізілген күні", "ru": "Дата проведения"},
    "place": {"kk": "Өткізілген орны", "ru": "Место проведения"},
    "jurisdiction": {"kk": "ӘАОЖ (КАТО)", "ru": "КАТО"},
    "agenda": {"kk": "Күн тәртібі", "ru": "Повестка дня"},
    "members": {"kk": "Комиссия мүшелері", "ru": "Члены комиссии"},
    "present": {"kk": "қатысты", "ru": "присутствовал(а)"},
    "absent": {"kk": "қатыспады", "ru": "отсутствовал(а)"},
    "chair": {"kk": "төраға", "ru": "председатель"},
    "secretary": {"kk": "хатшы", "ru": "секретарь"},
    "member": {"kk": "мүше", "ru": "член комиссии"},
    "quorum": {"kk": "Кворум", "ru": "Кворум"},
    "quorum_line": {
        "kk": "{present} мүше қатысты, қажет — {quorum}",
        "ru": "присутствуют {present}, необходимо — {quorum}",
    },
    "votes": {"kk": "Дауыс беру", "ru": "Голосование"},
    "for": {"kk": "жақтап", "ru": "за"},
    "against": {"kk": "қарсы", "ru": "против"},
    "abstain": {"kk": "қалыс қалды", "ru": "воздержались"},
    "dissent": {"kk": "Ерекше пікір", "ru": "Особое мнение"},
    "decision": {"kk": "Шешім", "ru": "Решение"},
    "approved": {"kk": "Бөлу нәтижесі бекітілді", "ru": "Результат распределения утверждён"},
    "rejected": {"kk": "Бөлу нәтижесі қабылданбады", "ru": "Результат распределения отклонён"},
    "open": {"kk": "Шешім әлі қабылданған жоқ", "ru": "Решение ещё не принято"},
    "result": {"kk": "Бөлу нәтижесі", "ru": "Результат распределения"},
    "run_hashes": {"kk": "Бастапқы деректер мен нәтиженің хэші", "ru": "Хэш исходных данных и результата"},
    "list": {"kk": "Тізім", "ru": "Список"},
    "quota": {"kk": "үлес", "ru": "квота"},
    "received": {"kk": "берілді", "ru": "выделено"},
    "dwelling": {"kk": "Тұрғын үй", "ru": "Жильё"},
    "queue_number": {"kk": "кезектегі нөмірі", "ru": "номер в очереди"},
    "overrides": {
        "kk": "Автоматты нәтижеге енгізілген өзгерістер",
        "ru": "Изменения автоматического результата",
    },
    "no_overrides": {"kk": "Өзгерістер жоқ", "ru": "Изменений нет"},
    "override_line": {
        "kk": "Тұрғын үй № {dwelling}: кезек жазбасы {before} орнына {after}. Себебі: {reason}",
        "ru": "Жильё № {dwelling}: вместо записи очереди {before} — {after}. Причина: {reason}",
    },
    "nobody": {"kk": "ешкімге", "ru": "никому"},
    "footer": {"kk": "Kezek — тұрғын үй кезегі", "ru": "Kezek — жилищная очередь"},
    "rooms": {"kk": "бөлме", "ru": "комн."},
    "area": {"kk": "м²", "ru": "м²"},
}
PROTOCOL_LANGUAGES = ("kk", "ru")


def _t(key: str, lang: str, **kw: Any) -> str:
    return TEXTS[key][lang].format(**kw)


def protocol_document(session: Session, session_id: int, lang: str) -> Document:
    if lang not in PROTOCOL_LANGUAGES:
        raise ValidationFailed("the protocol is issued in kk or ru", code="unknown_language", field="lang")
    cs = get_session(session, session_id)
    run = get_run(session, cs.run_id)
    members = members_of(session, cs.id)
    votes = {v.member_id: v for v in votes_of(session, cs.id)}
    t = tally(session, cs.id)
    member_rows = [
        (m.full_name, f"{_t(m.role, lang)}, {_t('present' if m.present else 'absent', lang)}")
        for m in members
    ]
    vote_rows = [
        (_t("for", lang), str(t.votes_for)),
        (_t("against", lang), str(t.against)),
        (_t("abstain", lang), str(t.abstain)),
    ]
    dissent = [
        f"{m.full_name}: {votes[m.id].dissent}" for m in members if m.id in votes and votes[m.id].dissent
    ]
    lists = [
        (
            f"{_t('list', lang)} {o['code']}",
            f"{_t('quota', lang)} {_quota_text(o['quota'])}, {_t('received', lang)} {o['received']}",
        )
        for o in run.summary.get("lists", [])
    ]
    items: list[list[str]] = []
    for item in final_result(session, run):
        d = session.get(Dwelling, item["dwelling_id"])
        if d is None:
            continue
        items.append(
            [
                f"{_t('dwelling', lang)} № {d.id}: {d.address}",
                f"{d.rooms} {_t('rooms', lang)}, {d.area_dm2 / 100:.2f} {_t('area', lang)}; "
                f"{_t('list', lang)} {item['list_code']}, {_t('queue_number', lang)} {item['rank']}",
            ]
        )
    overrides = [
        _t(
            "override_line",
            lang,
            dwelling=ov.dwelling_id,
            before=ov.from_entry_id or "—",
            after=ov.to_entry_id or _t("nobody", lang),
            reason=ov.reason,
        )
        for ov in overrides_of(session, run.id)
    ] or [_t("no_overrides", lang)]
    decision = cs.decision or "open"
    sections = [
        Section(_t("agenda", lang), paragraphs=[cs.agenda]),
        Section(_t("members", lang), rows=member_rows),
        Section(_t("quorum", lang), paragraphs=[_t("quorum_line", lang, present=t.present, quorum=t.quorum)]),
        Section(_t("votes", lang), rows=vote_rows),
    ]
    if dissent:
        sections.append(Section(_t("dissent", lang), paragraphs=dissent))
    sections += [
        Section(_t("result", lang), rows=lists, items=items),
        Section(_t("overrides", lang), paragraphs=overrides),
        Section(_t("run_hashes", lang), paragraphs=[run.inputs_hash, run.result_hash]),
        Section(_t("decision", lang), paragraphs=[_t(decision, lang)]),
    ]
    return Document(
        language=lang,
        title=_t("title", lang),
        number=cs.number,
        issued=cs.held_on.strftime("%d.%m.%Y"),
        lead=_t("lead", lang, run=run.id),
        fields=[
            (_t("held_on", lang), cs.held_on.strftime("%d.%m.%Y")),
            (_t("place", lang), cs.place),
            (_t("jurisdiction", lang), cs.kato),
        ],
        sections=sections,
        footer=_t("footer", lang),
    )


def _quota_text(raw: str) -> str:
    num, _, den = str(raw).partition("/")
    if not den:
        return num
    value = int(num) / int(den)
    return f"{value:.2f}"


def protocol_pdf(session: Session, session_id: int, lang: str) -> bytes:
    """The protocol as PDF (kk or ru); the same session state gives the same bytes."""
    cs = get_session(session, session_id)
    return render_document(
        protocol_document(session, session_id, lang), created_at=cs.decided_at or cs.opened_at
    )
