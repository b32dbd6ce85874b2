"""Bulk loading on both engines: row counts, the single audit event, sequences, refusals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kezek.audit.service import Actor, verify
from kezek.errors import Conflict, ValidationFailed
from kezek.models import AuditEvent, Person
from kezek.population import files, loader
from kezek.population.generator import PopulationGenerator
from kezek.population.tables import TABLES
from kezek.registry import iin
from kezek.registry.schemas import PersonCreate
from kezek.registry.service import create_person, load_reference_kato


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, files.Manifest]:
    directory = tmp_path_factory.mktemp("load")
    return directory, files.generate(directory, PopulationGenerator(3000, 21, chunk_families=300))


def test_load_counts_equal_generated_rows_with_one_audit_event(
    db: Session, generated: tuple[Path, files.Manifest]
) -> None:
    directory, manifest = generated
    load_reference_kato(db)
    events_before = db.scalar(select(func.count()).select_from(AuditEvent))
    progress: list[int] = []
    report = loader.load(db, directory, progress=progress.append)
    assert report.counts == manifest.counts
    for table in TABLES:
        assert db.scalar(text(f"SELECT count(*) FROM {table.name}")) == manifest.counts[table.name], (
            table.name
        )
    assert sum(progress) >= sum(manifest.counts.values())
    events = db.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert len(events) == events_before + 1
    event = events[-1]
    assert event.action == "population.load" and event.after is not None
    assert event.after["sha256"] == manifest.sha256 and event.after["counts"] == manifest.counts
    assert event.after["seed"] == 21 and event.after["persons"] == 3000
    assert verify(db).ok
    # Ids continue after the loaded ones (sequences moved on PostgreSQL; rowid on SQLite).
    newcomer = create_person(
        db,
        actor=Actor("official", "t"),
        data=PersonCreate(
            iin=iin.first_issuable(date(1990, 1, 1), "M", 9990),
            surname="Жаңа",
            given_name="Адам",
            kato="711210000",
        ),
        scopes=[""],
    )
    assert newcomer.id == manifest.persons + 1
    sample = db.scalars(select(Person).where(Person.id == 17)).one()
    assert iin.parse(sample.iin).birth_date == sample.birth_date


def test_loading_twice_or_without_jurisdictions_or_after_tampering_is_refused(
    db: Session, generated: tuple[Path, files.Manifest], tmp_path: Path
) -> None:
    directory, _ = generated
    with pytest.raises(ValidationFailed, match="kato load-reference"):
        loader.load(db, directory)
    load_reference_kato(db)
    loader.load(db, directory)
    with pytest.raises(Conflict, match="already holds persons"):
        loader.load(db, directory)

    copy = tmp_path / "copy"
    copy.mkdir()
    for path in directory.iterdir():
        (copy / path.name).write_bytes(path.read_bytes())
    persons = copy / "persons.csv"
    persons.write_bytes(persons.read_bytes().replace(b",M,", b",F,", 1))
    with pytest.raises(ValidationFailed, match=r"persons\.csv changed after it was generated"):
        loader.load(db, copy)
    persons.write_bytes((directory / "persons.csv").read_bytes())
    (copy / "families.csv").unlink()
    with pytest.raises(ValidationFailed, match=r"families\.csv is missing"):
        loader.load(db, copy)
    with pytest.raises(ValidationFailed, match="no such directory"):
        loader.load(db, tmp_path / "nowhere")


def _schema(db: Session) -> dict[str, tuple[list[str], list[str], list[str]]]:
    inspector = inspect(db.connection())
    return {
        t.name: (
            sorted(i["name"] or "" for i in inspector.get_indexes(t.name)),
            sorted(f["name"] or "" for f in inspector.get_foreign_keys(t.name)),
            sorted(u["name"] or "" for u in inspector.get_unique_constraints(t.name)),
        )
        for t in TABLES
    }


def test_indexes_and_constraints_set_aside_for_the_load_come_back_and_still_hold(
    db: Session, generated: tuple[Path, files.Manifest], tmp_path: Path
) -> None:
    directory, _ = generated
    load_reference_kato(db)
    before = _schema(db)
    assert before["persons"][0] and before["family_members"][1]  # there is something to set aside
    # A copy without its manifest, whose last status record points at a person who does not exist.
    broken = tmp_path / "broken"
    broken.mkdir()
    for table in TABLES:
        (broken / table.filename).write_bytes((directory / table.filename).read_bytes())
    statuses = (broken / "status_records.csv").read_text("utf-8").splitlines()
    last = statuses[-1].split(",")
    last[1] = "999999999"
    (broken / "status_records.csv").write_text("\n".join([*statuses[:-1], ",".join(last)]) + "\n", "utf-8")
    with pytest.raises(ValidationFailed, match="break a database constraint"), db.begin_nested():
        loader.load(db, broken)
    assert _schema(db) == before
    assert db.scalar(select(func.count()).select_from(Person)) == 0

    loader.load(db, directory)
    assert _schema(db) == before
    duplicate = db.scalars(select(Person).where(Person.id == 5)).one()
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(
            text("INSERT INTO family_members (family_id, person_id, relation) VALUES (1, 999999, 'x')")
        )
    with pytest.raises(IntegrityError), db.begin_nested():
        db.execute(text("UPDATE persons SET iin = :iin WHERE id = 6"), {"iin": duplicate.iin})
