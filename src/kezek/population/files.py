"""Writing a population to disk: one CSV per table, streamed chunk by chunk, and a manifest.

Memory stays constant whatever the size: each chunk is written and dropped. The manifest records
what was asked for (persons, seed, snapshot date), the row counts and a SHA-256 of every file.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kezek.population.generator import GENERATOR_VERSION, PopulationGenerator
from kezek.population.tables import MANIFEST, TABLES

Progress = Callable[[int], None]


@dataclass
class Manifest:
    persons: int
    seed: int
    as_of: str
    generator_version: int
    counts: dict[str, int] = field(default_factory=dict)
    sha256: dict[str, str] = field(default_factory=dict)
    kato_codes: list[str] = field(default_factory=list)  # every KATO code the files may use
    extra: dict[str, Any] = field(default_factory=dict)

    def write(self, directory: Path) -> None:
        (directory / MANIFEST).write_text(
            json.dumps(asdict(self), indent=2, ensure_ascii=False) + "\n", "utf-8"
        )

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        return cls(**json.loads((directory / MANIFEST).read_text("utf-8")))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class TableWriter:
    """CSV writers for every table, opened together (header first), closed together."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.counts = {t.name: 0 for t in TABLES}
        self._stack = ExitStack()
        self._writers: dict[str, Any] = {}

    def __enter__(self) -> TableWriter:
        self.directory.mkdir(parents=True, exist_ok=True)
        for table in TABLES:
            fh = self._stack.enter_context(
                (self.directory / table.filename).open("w", encoding="utf-8", newline="")
            )
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(table.columns)
            self._writers[table.name] = writer
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()

    def write_columns(self, table: str, columns: Mapping[str, list[Any]]) -> None:
        spec = next(t for t in TABLES if t.name == table)
        cols = [columns[c] for c in spec.columns]
        self._writers[table].writerows(zip(*cols, strict=True))
        self.counts[table] += len(cols[0])

    def write_rows(self, table: str, rows: Iterable[Mapping[str, Any]]) -> None:
        spec = next(t for t in TABLES if t.name == table)
        n = 0
        for row in rows:
            self._writers[table].writerow([row.get(c) for c in spec.columns])
            n += 1
        self.counts[table] += n


def generate(
    directory: Path,
    generator: PopulationGenerator,
    *,
    progress: Progress | None = None,
    extra_rows: Callable[[TableWriter, PopulationGenerator], dict[str, Any]] | None = None,
) -> Manifest:
    """Write the generator's population to ``directory`` and return its manifest.

    ``extra_rows`` may append hand-made rows (the demo's named citizens) after the generated ones;
    it receives the writer and the generator (whose ``next_id`` gives the next free ids).
    """
    extra: dict[str, Any] = {}
    with TableWriter(directory) as writer:
        for chunk in generator.chunks():
            for table in TABLES:
                writer.write_columns(table.name, chunk.tables[table.name])
            if progress is not None:
                progress(chunk.persons)
        if extra_rows is not None:
            extra = extra_rows(writer, generator)
    as_of: date = generator.as_of_date
    manifest = Manifest(
        persons=writer.counts["persons"],
        seed=generator.seed,
        as_of=as_of.isoformat(),
        generator_version=GENERATOR_VERSION,
        counts=dict(writer.counts),
        sha256={t.filename: file_sha256(directory / t.filename) for t in TABLES},
        kato_codes=sorted(set(generator.geo.all_codes.tolist()) | set(extra.pop("kato_codes", []))),
        extra=extra,
    )
    manifest.write(directory)
    return manifest
