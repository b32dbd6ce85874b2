"""Bulk-loading a generated population into the migrated schema, inside the caller's transaction.

PostgreSQL: ``COPY ... FROM STDIN (FORMAT csv)`` through psycopg 3, the files streamed in 1 MiB
blocks, then every ``id`` sequence is moved past the loaded ids. SQLite: ``executemany`` in batches
of 50,000 rows in one transaction with a 256 MiB page cache (WAL with ``synchronous=NORMAL`` is
already set on every connection; ``synchronous`` and ``foreign_keys`` cannot change inside the
caller's transaction, so foreign keys stay checked row by row).

Secondary indexes are set aside while the rows go in and built again afterwards (one sort each
instead of a million random inserts): on PostgreSQL the foreign keys and unique constraints of the
population's tables too, re-added afterwards with their exact definitions (``pg_get_constraintdef``)
so that PostgreSQL validates each in one set-based pass — a violation still fails the load, and
because it all happens in the caller's transaction, a failure leaves the schema as it was. Primary
keys stay. On SQLite the plain indexes are dropped and re-created from their stored ``CREATE INDEX``.

The registry must be empty: ids come from the generator so that foreign keys line up, and they
would collide with existing rows.
"""

from __future__ import annotations

import csv
import hashlib
import itertools
import sqlite3
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import select
from sqlalchemy.orm import Session

from kezek.audit.service import Actor, record
from kezek.errors import Conflict, ValidationFailed
from kezek.models import Jurisdiction
from kezek.population.files import Manifest, file_sha256
from kezek.population.tables import MANIFEST, TABLES, TableSpec
from kezek.registry import repository

Progress = Callable[[int], None]
BATCH = 50_000
BLOCK = 1 << 20


@dataclass(frozen=True)
class LoadReport:
    counts: dict[str, int]
    sha256: dict[str, str]
    digest: str  # SHA-256 over the per-file digests, in table order


def _check_files(directory: Path) -> tuple[Manifest | None, dict[str, str]]:
    if not directory.is_dir():
        raise ValidationFailed(f"no such directory: {directory}")
    manifest = Manifest.read(directory) if (directory / MANIFEST).exists() else None
    hashes: dict[str, str] = {}
    for table in TABLES:
        path = directory / table.filename
        if not path.is_file():
            raise ValidationFailed(f"{path.name} is missing in {directory}")
        with path.open(encoding="utf-8", newline="") as fh:
            header = next(csv.reader(fh), [])
        if tuple(header) != table.columns:
            raise ValidationFailed(f"{path.name}: columns {header} differ from {list(table.columns)}")
        hashes[table.filename] = file_sha256(path)
        if manifest is not None and manifest.sha256.get(table.filename) != hashes[table.filename]:
            raise ValidationFailed(
                f"{path.name} changed after it was generated (SHA-256 differs from the manifest)"
            )
    return manifest, hashes


def _copy_postgres(session: Session, directory: Path, table: TableSpec, progress: Progress | None) -> int:
    raw: Any = session.connection().connection.driver_connection
    columns = ", ".join(table.columns)
    with raw.cursor() as cur:
        with (
            cur.copy(f"COPY {table.name} ({columns}) FROM STDIN WITH (FORMAT csv, HEADER true)") as copy,
            (directory / table.filename).open("rb") as fh,
        ):
            while block := fh.read(BLOCK):
                copy.write(block)
                if progress is not None:
                    progress(block.count(b"\n"))  # rows (no field holds a line break)
        return int(cur.rowcount)


def _set_aside_postgres(session: Session) -> list[str]:
    """Drop the foreign keys, unique constraints and plain indexes of the population's tables and
    return the statements that put them back (in order: unique, indexes, foreign keys)."""
    raw: Any = session.connection().connection.driver_connection
    names = [t.name for t in TABLES]
    restore: list[str] = []
    with raw.cursor() as cur:
        cur.execute(
            "SELECT c.conrelid::regclass::text, c.conname, c.contype, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.conrelid::regclass::text = ANY(%s) AND c.contype IN ('u', 'f') "
            "ORDER BY c.contype DESC, c.conname",
            (names,),
        )
        constraints = cur.fetchall()
        cur.execute(
            "SELECT i.indrelid::regclass::text, x.relname, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid "
            "WHERE i.indrelid::regclass::text = ANY(%s) AND NOT i.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) "
            "ORDER BY x.relname",
            (names,),
        )
        indexes = cur.fetchall()
        # foreign keys first (they may lean on the unique indexes), then unique constraints, indexes
        for table, name, _kind, _ in sorted(constraints, key=lambda c: c[2] != "f"):
            cur.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for _, name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
    restore += [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, k, d in constraints if k == "u"]
    restore += [d for _, _, d in indexes]
    restore += [f'ALTER TABLE {t} ADD CONSTRAINT "{n}" {d}' for t, n, k, d in constraints if k == "f"]
    return restore


def _set_aside_sqlite(session: Session) -> list[str]:
    raw: Any = session.connection().connection.driver_connection
    names = [t.name for t in TABLES]
    marks = ", ".join("?" for _ in names)
    if not raw.in_transaction:  # DDL outside a transaction would commit at once: open one first
        raw.execute("BEGIN")
    rows = raw.execute(
        f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND tbl_name IN ({marks}) ORDER BY name",
        names,
    ).fetchall()
    for name, _ in rows:
        raw.execute(f'DROP INDEX "{name}"')
    return [sql for _, sql in rows]


def _restore(session: Session, statements: list[str]) -> None:
    raw: Any = session.connection().connection.driver_connection
    if session.get_bind().dialect.name == "postgresql":
        with raw.cursor() as cur:
            for statement in statements:
                cur.execute(statement)
    else:
        for statement in statements:
            raw.execute(statement)


def _batches(reader: Iterator[list[str]]) -> Iterator[list[list[str]]]:
    while batch := list(itertools.islice(reader, BATCH)):
        yield batch


def _insert_sqlite(session: Session, directory: Path, table: TableSpec, progress: Progress | None) -> int:
    raw: Any = session.connection().connection.driver_connection
    values = ", ".join("NULLIF(?, '')" if c in table.nullable else "?" for c in table.columns)
    # Table and column names come from TABLES, never from input.
    sql = f"INSERT INTO {table.name} ({', '.join(table.columns)}) VALUES ({values})"
    path = directory / table.filename
    total = 0
    cur = raw.cursor()
    try:
        with path.open(encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            for batch in _batches(reader):
                cur.executemany(sql, batch)
                total += len(batch)
                if progress is not None:
                    progress(len(batch))
    finally:
        cur.close()
    return total


def load(
    session: Session,
    directory: Path,
    *,
    actor: Actor | None = None,
    progress: Progress | None = None,
) -> LoadReport:
    """Load the population files in ``directory`` (written by ``files.generate``).

    One audit event ``population.load`` records the counts and the SHA-256 of every file, instead
    of one event per row: the rows are synthetic state-system records, not decisions of anyone, and
    a million events would make the chain (and `kezek audit verify`) a hundred times longer for no
    gain — the file digests identify exactly what was loaded, and re-generating with the manifest's
    persons and seed reproduces it byte for byte.

    ``progress`` receives the number of rows done as they go.
    """
    manifest, hashes = _check_files(directory)
    if not repository.population_is_empty(session):
        raise Conflict("the registry already holds persons or families; load a population into an empty one")
    if manifest is not None and manifest.kato_codes:
        known = set(session.scalars(select(Jurisdiction.kato)))
        missing = sorted(set(manifest.kato_codes) - known)
        if missing:
            raise ValidationFailed(
                f"{len(missing)} KATO codes of the population are not jurisdictions yet (e.g. {missing[0]}): "
                "run `kezek kato load-reference` first"
            )
    postgres = session.get_bind().dialect.name == "postgresql"
    counts: dict[str, int] = {}
    if not postgres:
        raw: Any = session.connection().connection.driver_connection
        old_cache = raw.execute("PRAGMA cache_size").fetchone()[0]
        raw.execute("PRAGMA cache_size=-262144")  # 256 MiB of pages while loading
    else:
        raw_pg: Any = session.connection().connection.driver_connection
        with raw_pg.cursor() as cur:
            cur.execute("SET LOCAL maintenance_work_mem = '256MB'")
    restore = _set_aside_postgres(session) if postgres else _set_aside_sqlite(session)
    try:
        for table in TABLES:
            if postgres:
                counts[table.name] = _copy_postgres(session, directory, table, progress)
            else:
                counts[table.name] = _insert_sqlite(session, directory, table, progress)
        _restore(session, restore)
    except (sqlite3.IntegrityError, psycopg.IntegrityError) as exc:
        # a file edited by hand (no manifest to catch it): nothing is kept, the caller rolls back
        raise ValidationFailed(f"the files break a database constraint: {exc}") from exc
    finally:
        if not postgres:
            raw.execute(f"PRAGMA cache_size={int(old_cache)}")
    if manifest is not None and counts != manifest.counts:
        raise ValidationFailed(f"loaded {counts} rows but the manifest lists {manifest.counts}")
    if postgres:
        with raw_pg.cursor() as cur:
            for table in TABLES:
                cur.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT COALESCE(max(id), 0) + 1 FROM {table.name}), false)"
                )
    digest = hashlib.sha256("".join(hashes[t.filename] for t in TABLES).encode()).hexdigest()
    record(
        session,
        actor=actor or Actor.system("population"),
        action="population.load",
        object_type="population",
        object_id=digest[:16],
        after={
            "counts": counts,
            "sha256": hashes,
            "digest": digest,
            "persons": manifest.persons if manifest else counts["persons"],
            "seed": manifest.seed if manifest else None,
            "as_of": manifest.as_of if manifest else None,
        },
    )
    return LoadReport(counts=counts, sha256=hashes, digest=digest)
