"""Bulk loading on both engines: row counts, the single audit event, sequences, refusals."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
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
