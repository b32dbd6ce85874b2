"""Deciding each queue line's outcome against the database, and landing the good ones.

Decided per chunk, with one query per kind of lookup for the whole chunk:

* the line's key (``i:IIN``, else list and old number) seen before in this akimat → unchanged (same
  fingerprint), updated (a change the queue can apply: list, category, phone) or flagged (a change
  that needs a decision: registration date, old number, name); seen earlier in this same file →
  merged (identical) or flagged (differs);
* the person has an active registration elsewhere in Kezek → duplicate (same akimat) or flagged
  (another akimat; one person, one queue);
* no IIN → flagged, with a note when the name and birth date match a line or a person;
* otherwise the line lands: the person is registered in the registry if new, then the entry is put
  in its akimat list through ``kezek.queue.service.register`` with its preserved date, time and old
  number; the ledger event carries the import batch and line as its decision reference.

Each landing runs in a savepoint, so one refused line never undoes the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from kezek.audit.service import Actor
from kezek.errors import Conflict, KezekError
from kezek.imports.rows import QueueRow
from kezek.imports.vocabulary import norm
from kezek.models.imports import LANDED_OUTCOMES, ImportRow
from kezek.models.queue import QueueEntry, QueueEntryMember, QueueList
from kezek.models.registry import Person
from kezek.queue import service as queue_service
from kezek.registry import service as registry_service
from kezek.registry.schemas import PersonCreate

NAME_FIELDS = ("surname", "given_name", "patronymic", "birth_date")


@dataclass
class Decided:
    row: QueueRow
    outcome: str
    entry_id: int | None = None
    person_id: int | None = None
    ref_line: int | None = None
    ref_batch_id: int | None = None


@dataclass
class Lookups:
    prior: dict[tuple[str, str], ImportRow] = field(default_factory=dict)  # (kato, key) -> latest state
    landed_by_iin: dict[str, list[ImportRow]] = field(default_factory=dict)
    persons: dict[str, Person] = field(default_factory=dict)
    active: dict[int, QueueEntry] = field(default_factory=dict)  # person id -> active entry
    names_in_rows: dict[str, ImportRow] = field(default_factory=dict)
    names_in_persons: dict[tuple[str, str, str], Person] = field(default_factory=dict)


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def lookups(session: Session, rows: Sequence[QueueRow]) -> Lookups:
    found = Lookups()
    keys = sorted({(r.values.get("kato") or "", r.row_key) for r in rows if r.kind == "data"})
    for part in _chunks(keys):
        by_kato: dict[str, list[str]] = {}
        for kato, key in part:
            by_kato.setdefault(kato, []).append(key)
        clauses = [and_(ImportRow.kato == k, ImportRow.row_key.in_(ks)) for k, ks in by_kato.items()]
        query = (
            select(ImportRow)
            .where(or_(*clauses), ImportRow.outcome.in_(LANDED_OUTCOMES), ImportRow.kind == "queue")
            .order_by(ImportRow.id)
        )
        for prior in session.scalars(query):
            found.prior[(prior.kato, prior.row_key)] = prior  # the latest wins
    iins = sorted({r.iin for r in rows if r.iin})
    for part in _chunks(iins):
        for landed in session.scalars(
            select(ImportRow)
            .where(ImportRow.iin.in_(part), ImportRow.outcome.in_(LANDED_OUTCOMES), ImportRow.kind == "queue")
            .order_by(ImportRow.id)
        ):
            found.landed_by_iin.setdefault(landed.iin or "", []).append(landed)
        for person in session.scalars(select(Person).where(Person.iin.in_(part))):
            found.persons[person.iin] = person
    person_ids = sorted(p.id for p in found.persons.values())
    for part in _chunks(person_ids):
        pairs = session.execute(
            select(QueueEntryMember.person_id, QueueEntry)
            .join(QueueEntry, QueueEntry.id == QueueEntryMember.entry_id)
            .where(QueueEntryMember.person_id.in_(part), QueueEntryMember.active)
        ).all()
        for person_id, entry in pairs:
            found.active[person_id] = entry
    _name_lookups(session, rows, found)
    return found


def _name_lookups(session: Session, rows: Sequence[QueueRow], found: Lookups) -> None:
    """Lines without an IIN: the same name and birth date among imported lines and persons."""
    wanted = [r for r in rows if r.kind == "data" and not r.iin and r.name_key]
    if not wanted:
        return
    for row in session.scalars(
        select(ImportRow)
        .where(ImportRow.name_key.in_({r.name_key for r in wanted}), ImportRow.kind == "queue")
        .order_by(ImportRow.id)
    ):
        found.names_in_rows.setdefault(row.name_key or "", row)
    births = {r.values["birth_date"] for r in wanted if r.values.get("birth_date")}
    for person in session.scalars(
        select(Person).where(Person.birth_date.in_([date.fromisoformat(b) for b in births]))
    ):
        found.names_in_persons[
            (norm(person.surname), norm(person.given_name), person.birth_date.isoformat())
        ] = person


class QueueLander:
    """Decides and lands the lines of one batch, chunk by chunk."""

    def __init__(self, session: Session, *, actor: Actor, batch_id: int, dry_run: bool) -> None:
        self.session = session
        self.actor = actor
        self.batch_id = batch_id
        self.dry_run = dry_run
        self.scopes = [""]  # the import is authorised for its akimat before it starts

    def decide_chunk(self, rows: Sequence[QueueRow]) -> list[Decided]:
        found = lookups(self.session, rows)
        seen_here: dict[tuple[str, str], Decided] = {}
        seen_names: dict[str, QueueRow] = {}
        out: list[Decided] = []
        for row in rows:
            decided = self._decide(row, found, seen_here, seen_names)
            out.append(decided)
            if decided.outcome in LANDED_OUTCOMES:
                seen_here[(row.values.get("kato") or "", row.row_key)] = decided
            if row.name_key:
                seen_names.setdefault(row.name_key, row)
        return out

    def _decide(
        self,
        row: QueueRow,
        found: Lookups,
        seen_here: dict[tuple[str, str], Decided],
        seen_names: dict[str, QueueRow],
    ) -> Decided:
        if row.kind != "data" or row.errors:
            return Decided(row, "rejected")
        kato = row.values["kato"]
        if not row.iin:
            self._note_name_matches(row, found, seen_names)
            return Decided(row, "flagged")
        here = seen_here.get((kato, row.row_key))
        if here is not None:
            return self._same_file(row, here.row.line, self.batch_id, here.row.fingerprint, here)
        prior = found.prior.get((kato, row.row_key))
        if prior is not None:
            if prior.batch_id == self.batch_id:
                return self._same_file(row, prior.line, prior.batch_id, prior.fingerprint, None, prior)
            return self._against_prior(row, prior)
        person = found.persons.get(row.iin)
        elsewhere = [r for r in found.landed_by_iin.get(row.iin, []) if r.kato != kato]
        entry = found.active.get(person.id) if person else None
        if (entry is not None and entry.kato != kato) or (entry is None and elsewhere):
            where = entry.kato if entry is not None else elsewhere[-1].kato
            row.add("iin", "registered_elsewhere", "flag", kato=where)
            return Decided(row, "flagged", entry_id=entry.id if entry else None)
        if entry is not None:
            row.add("iin", "already_in_queue", "flag", entry_id=entry.id)
            return Decided(row, "duplicate", entry_id=entry.id, person_id=person.id if person else None)
        if person is not None and not _same_name(person, row):
            known = " ".join(p for p in (person.surname, person.given_name, person.patronymic) if p)
            row.add("full_name", "name_differs", "flag", known=known)
            return Decided(row, "flagged", person_id=person.id)
        return self._land(row, person)

    def _same_file(
        self,
        row: QueueRow,
        line: int,
        batch_id: int,
        fingerprint: str,
        here: Decided | None,
        prior: ImportRow | None = None,
    ) -> Decided:
        entry_id = here.entry_id if here else prior.entry_id if prior else None
        if fingerprint == row.fingerprint:
            row.add("row", "duplicate_in_file", "flag", ref_line=line)
            return Decided(row, "merged", entry_id=entry_id, ref_line=line, ref_batch_id=batch_id)
        row.add("row", "duplicate_in_file_differs", "flag", ref_line=line)
        return Decided(row, "flagged", ref_line=line, ref_batch_id=batch_id)

    def _note_name_matches(self, row: QueueRow, found: Lookups, seen_names: dict[str, QueueRow]) -> None:
        if not row.name_key:
            return
        earlier = seen_names.get(row.name_key)
        if earlier is not None:
            row.add("full_name", "possible_duplicate", "flag", where=f"#{earlier.line}")
            return
        other = found.names_in_rows.get(row.name_key)
        if other is not None:
            row.add("full_name", "possible_duplicate", "flag", where=f"#{other.line} ({other.batch_id})")
            return
        key = (norm(row.values["surname"]), norm(row.values["given_name"]), row.values["birth_date"])
        person = found.names_in_persons.get(key)
        if person is not None:
            row.add("full_name", "possible_duplicate", "flag", where=f"Kezek ({person.id})")

    def _against_prior(self, row: QueueRow, prior: ImportRow) -> Decided:
        base = {"entry_id": prior.entry_id, "person_id": prior.person_id}
        if prior.fingerprint == row.fingerprint:
            return Decided(row, "unchanged", ref_line=prior.line, ref_batch_id=prior.batch_id, **base)
        old, new = prior.values or {}, row.values
        changed = {k for k in set(old) | set(new) if old.get(k) != new.get(k)}
        if "registered_at" in changed:
            row.add("registered_at", "registered_changed", "flag")
        if changed & set(NAME_FIELDS):
            row.add("full_name", "name_changed", "flag")
        if "legacy_number" in changed:
            row.add(
                "legacy_number",
                "legacy_number_changed",
                "flag",
                old=old.get("legacy_number"),
                new=new.get("legacy_number"),
            )
        if row.flags:
            return Decided(row, "flagged", ref_line=prior.line, ref_batch_id=prior.batch_id, **base)
        entry = self.session.get(QueueEntry, prior.entry_id) if prior.entry_id else None
        if entry is None or entry.status != "active":
            row.add("row", "entry_not_active", "flag", status=entry.status if entry else "-")
            return Decided(row, "flagged", ref_line=prior.line, ref_batch_id=prior.batch_id, **base)
        try:
            with self.session.begin_nested():
                self._apply_changes(entry, row, changed)
        except KezekError as exc:
            row.add("row", "landing_failed", detail=exc.detail)
            return Decided(row, "rejected", ref_line=prior.line, ref_batch_id=prior.batch_id)
        return Decided(row, "updated", ref_line=prior.line, ref_batch_id=prior.batch_id, **base)

    def _apply_changes(self, entry: QueueEntry, row: QueueRow, changed: set[str]) -> None:
        ref = self._ref(row)
        new = row.values
        if changed & {"list", "category"} and (new["list"], new["category"]) != (
            _list_code(self.session, entry),
            entry.category,
        ):
            queue_service.recategorise(
                self.session,
                entry_id=entry.id,
                actor=self.actor,
                category=new["category"],
                list_code=new["list"],
                priority=False,
                decision_ref=ref,
                note="corrected legacy list",
            )
        if "phone" in changed and new.get("phone") != entry.phone:
            queue_service.set_contact(
                self.session,
                entry_id=entry.id,
                actor=self.actor,
                phone=new.get("phone"),
                phone_verified=False,
                consent_ref=None,
            )

    def _ref(self, row: QueueRow) -> str:
        sheet = f"{row.sheet[:16]}!" if row.sheet else ""
        return f"import:{self.batch_id}:{sheet}{row.line}"[:64]

    def _land(self, row: QueueRow, person: Person | None) -> Decided:
        values = row.values
        assert row.registered_at is not None
        try:
            with self.session.begin_nested():
                if person is None:
                    person = registry_service.create_person(
                        self.session,
                        actor=self.actor,
                        data=PersonCreate(
                            iin=values["iin"],
                            surname=values["surname"],
                            given_name=values["given_name"],
                            patronymic=values.get("patronymic"),
                            kato=values["kato"],
                        ),
                        scopes=self.scopes,
                    )
                entry = queue_service.register(
                    self.session,
                    actor=self.actor,
                    person_id=person.id,
                    family_id=None,
                    members=(),
                    kato=values["kato"],
                    regime="akimat",
                    list_code=values["list"],
                    category=values["category"],
                    registered_at=row.registered_at,
                    phone=values.get("phone"),
                    legacy_number=values.get("legacy_number"),
                    decision_ref=self._ref(row),
                )
        except Conflict as exc:
            row.add("iin", "already_in_queue", "flag", entry_id=exc.extra.get("entry_id", "-"))
            return Decided(row, "duplicate")
        except KezekError as exc:
            row.add("row", "landing_failed", detail=exc.detail)
            return Decided(row, "rejected")
        return Decided(row, "landed", entry_id=entry.id, person_id=person.id)


def _list_code(session: Session, entry: QueueEntry) -> str | None:
    found = session.get(QueueList, entry.list_id)
    return found.code if found else None


def _same_name(person: Person, row: QueueRow) -> bool:
    return norm(person.surname) == norm(row.values.get("surname")) and norm(person.given_name) == norm(
        row.values.get("given_name")
    )
