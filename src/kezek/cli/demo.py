"""`kezek demo generate` and `kezek demo load`: the synthetic population and the demo dataset."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import Engine

from kezek.db import engine_for, unit_of_work
from kezek.errors import KezekError
from kezek.settings import get_settings

app = typer.Typer(help="Synthetic population and the demo dataset.", no_args_is_help=True)
console = Console()


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


@app.command()
def generate(
    persons: int = typer.Option(..., "--persons", min=1, help="How many persons"),
    seed: int = typer.Option(1, "--seed", help="Random seed: the same persons and seed give the same files"),
    out: Path = typer.Option(..., "--out", help="Directory for the CSV files (created if missing)"),
    as_of: datetime | None = typer.Option(
        None, "--as-of", formats=["%Y-%m-%d"], help="Snapshot date (default: the one in shares.yaml)"
    ),
) -> None:
    """Generate a deterministic synthetic population as CSV files (one per table), streamed to disk."""
    from kezek.population import files
    from kezek.population.generator import PopulationGenerator

    generator = PopulationGenerator(persons, seed, as_of=as_of.date() if as_of else None)
    started = time.perf_counter()
    with _progress() as progress:
        task = progress.add_task("generating persons", total=persons)
        manifest = files.generate(out, generator, progress=lambda n: progress.advance(task, n))
    rows = sum(manifest.counts.values())
    console.print(
        f"{manifest.persons:,} persons, {rows:,} rows in {out} "
        f"({time.perf_counter() - started:.1f} s; seed {seed}, as of {manifest.as_of})"
    )


@app.command()
def load(
    directory: Path | None = typer.Argument(
        None, help="Files written by `kezek demo generate`; without it, the small demo dataset"
    ),
    if_empty: bool = typer.Option(
        False, "--if-empty", help="Do nothing when the registry already has persons"
    ),
    story: bool = typer.Option(
        True,
        "--story/--no-story",
        help="With the demo dataset: also lay down its story (queue lists, cases, a past distribution)",
    ),
) -> None:
    """Bulk-load a generated population, or (without DIRECTORY) the small deterministic demo dataset
    with its demo officials and named citizens. The database must be migrated (`kezek db upgrade`)."""
    from kezek.population import demo, loader
    from kezek.population.files import Manifest
    from kezek.registry import repository
    from kezek.registry.service import load_reference_kato

    engine = engine_for(get_settings().database_url)
    started = time.perf_counter()
    try:
        with unit_of_work(engine) as session:
            if if_empty and not repository.population_is_empty(session):
                console.print("the registry already has persons: nothing loaded (--if-empty)")
                return
            if directory is None:
                result = demo.load_demo(session, if_empty=if_empty)
        if directory is None:
            if story:
                _tell_story(engine)
            _print_sign_ins()
            console.print(
                f"demo dataset loaded: {result.persons:,} persons ({time.perf_counter() - started:.1f} s)"
            )
            return
        with unit_of_work(engine) as session:
            load_reference_kato(session)
            total = (
                sum(Manifest.read(directory).counts.values())
                if (directory / "manifest.json").exists()
                else None
            )
            with _progress() as progress:
                task = progress.add_task("loading rows", total=total)
                report = loader.load(session, directory, progress=lambda n: progress.advance(task, n))
    except KezekError as exc:
        console.print(f"[red]not loaded:[/red] {exc.detail}")
        raise typer.Exit(1) from None
    console.print(
        f"loaded {sum(report.counts.values()):,} rows ({report.counts['persons']:,} persons) in "
        f"{time.perf_counter() - started:.1f} s; files SHA-256 digest {report.digest[:16]}…"
    )


def _tell_story(engine: Engine) -> None:
    """The demo's story through the real services, with the state-data sandbox answering over HTTP."""
    from kezek.integration.config import SANDBOX_DEFAULT_PORT, get_integration_settings
    from kezek.sandbox.server import SandboxProcess
    from kezek.showcase import chapters, story

    settings = get_settings()
    sandbox_url = get_integration_settings().sandbox_url
    port = int(sandbox_url.rsplit(":", 1)[-1]) if sandbox_url.count(":") == 2 else SANDBOX_DEFAULT_PORT
    with (
        console.status("laying down the demo's story (queue lists, cases, distribution)…"),
        SandboxProcess.start(database_url=settings.database_url, port=port),
    ):
        report = story.tell(engine, publication_secret=settings.secret_key, chapters=chapters.CHAPTERS)
    console.print(
        f"story: {report.historic_entries} families in the akimat lists, {report.migrated} moved to the "
        f"national queue on 24 May 2025, {report.national_entries} registered since; "
        f"{len(report.applications)} applications ({', '.join(sorted(set(report.applications.values())))}); "
        f"{report.published_lists} lists published; chapters: {', '.join(report.chapters) or 'none'}"
    )


def _print_sign_ins() -> None:
    from kezek.population.demo import demo_sign_ins

    table = Table(title="Demo sign-ins (local demonstration only)")
    for column in ("who", "sign in with", "password", "what it shows"):
        table.add_column(column)
    for row in demo_sign_ins():
        if row["kind"] == "official":
            table.add_row("official", row["login"], row["password"], row["note"])
        else:
            table.add_row("citizen", f"IIN {row['login']}", "one-time code (server log)", row["note"])
    console.print(table)
