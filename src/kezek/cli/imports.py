"""`kezek import queue|stock FILE...`: legacy lists and dwelling registers from spreadsheets."""

from __future__ import annotations

import getpass
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn
from rich.table import Table

from kezek.audit.service import Actor
from kezek.db import engine_for, unit_of_work
from kezek.errors import KezekError
from kezek.settings import get_settings

app = typer.Typer(
    help="Import the akimats' legacy queue lists and housing stock from CSV, XLSX and ODS.",
    no_args_is_help=True,
)
console = Console()

COUNTS = ("landed", "updated", "unchanged", "rejected", "flagged", "merged", "duplicate")


def _actor(official: str | None) -> Actor:
    return Actor("official", official) if official else Actor("system", f"cli:{getpass.getuser()}"[:60])


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        console=console,
    )


def _run(
    kind: str,
    files: list[Path],
    *,
    kato: str,
    profile: str | None,
    dry_run: bool,
    resume: bool,
    language: str,
    report_dir: Path | None,
    chunk: int,
    official: str | None,
    reconcile: bool = False,
    bulk: bool = False,
) -> None:
    from kezek.imports.runner import import_file
    from kezek.imports.service import ImportOptions
    from kezek.imports.service import Progress as Step

    engine = engine_for(get_settings().database_url)
    actor = _actor(official)
    failed = False
    table = Table("file", "profile", "rows", *COUNTS, "report", title="dry run" if dry_run else None)
    for path in files:
        options = ImportOptions(
            kato=kato,
            kind=kind,
            profile=profile,
            language=language,
            dry_run=dry_run,
            resume=resume,
            chunk_size=chunk,
            bulk=bulk,
        )
        try:
            with _progress() as bar:
                task = bar.add_task(path.name, total=None, counts="")

                def show(step: Step, bar: Progress = bar, task: TaskID = task) -> None:
                    shown = " ".join(f"{k}={v}" for k, v in step.counts.items() if v)
                    bar.update(task, completed=step.lines, total=step.estimate or None, counts=shown)

                outcome = import_file(
                    engine, actor=actor, path=path, options=options, progress=show, report_dir=report_dir
                )
        except KezekError as exc:
            console.print(f"[red]{path.name}: not imported:[/red] {exc.detail}")
            if getattr(exc, "code", "") == "import_unfinished":
                console.print("  run the same command again with --resume to continue it")
            failed = True
            continue
        if outcome.already:
            console.print(f"{path.name}: already imported (batch {outcome.batch_id}); nothing changed")
        if outcome.landed + outcome.reported != outcome.rows_total:
            console.print(f"[red]{path.name}: rows in != rows landed + reported[/red]")
            failed = True
        if reconcile and kind == "queue" and not dry_run and not outcome.already:
            from kezek.imports.reconcile import reconcile_batch

            try:
                with unit_of_work(engine) as session:
                    found = reconcile_batch(session, batch_id=outcome.batch_id, actor=actor)
                console.print(
                    f"{path.name}: reconciled {found.checked} entries: {found.passed} passed, "
                    f"{found.proposed} proposals, {found.unavailable} unavailable; "
                    + ", ".join(f"{k} {v}" for k, v in found.findings.items() if v)
                )
            except KezekError as exc:
                console.print(f"[yellow]{path.name}: not reconciled:[/yellow] {exc.detail}")
        table.add_row(
            path.name,
            outcome.profile + (" (guessed)" if outcome.guessed else ""),
            str(outcome.rows_total),
            *(str(outcome.counts.get(k, 0)) for k in COUNTS),
            "\n".join(str(p) for p in outcome.report_files) or "-",
        )
    console.print(table)
    if failed:
        raise typer.Exit(1)


_KATO = typer.Option(..., "--kato", help="The akimat's KATO code (9 digits)")
_PROFILE = typer.Option(None, "--profile", help="A column-mapping profile (default: recognised or guessed)")
_DRY = typer.Option(False, "--dry-run", help="Read, check and report; change nothing")
_RESUME = typer.Option(False, "--resume", help="Continue an interrupted import of the same file")
_LANG = typer.Option("ru", "--language", help="Language of the report: kk, ru or en")
_REPORT = typer.Option(None, "--report-dir", help="Write the per-row report here (CSV and XLSX)")
_CHUNK = typer.Option(1000, "--chunk", min=1, help="Lines per committed chunk")
_OFFICIAL = typer.Option(None, "--official", help="The official's account (for the audit trail)")


@app.command()
def queue(
    files: list[Path] = typer.Argument(..., help="CSV, XLSX or ODS files of one akimat's lists"),
    kato: str = _KATO,
    profile: str | None = _PROFILE,
    dry_run: bool = _DRY,
    resume: bool = _RESUME,
    language: str = _LANG,
    report_dir: Path | None = _REPORT,
    chunk: int = _CHUNK,
    official: str | None = _OFFICIAL,
    reconcile: bool = typer.Option(
        False, "--reconcile", help="After the import, check the entries against the state data"
    ),
    bulk: bool = typer.Option(
        False, "--bulk", help="Set-based writes for big lists (the same checks, outcomes and provenance)"
    ),
) -> None:
    """Import legacy queue lists: every line lands or is reported (rows in = landed + reported)."""
    _run(
        "queue",
        files,
        kato=kato,
        profile=profile,
        dry_run=dry_run,
        resume=resume,
        language=language,
        report_dir=report_dir,
        chunk=chunk,
        official=official,
        reconcile=reconcile,
        bulk=bulk,
    )


@app.command()
def stock(
    files: list[Path] = typer.Argument(..., help="CSV, XLSX or ODS registers of dwellings"),
    kato: str = _KATO,
    profile: str | None = _PROFILE,
    dry_run: bool = _DRY,
    resume: bool = _RESUME,
    language: str = _LANG,
    report_dir: Path | None = _REPORT,
    chunk: int = _CHUNK,
    official: str | None = _OFFICIAL,
) -> None:
    """Import an akimat's register of dwellings (through the stock service, line by line)."""
    _run(
        "stock",
        files,
        kato=kato,
        profile=profile,
        dry_run=dry_run,
        resume=resume,
        language=language,
        report_dir=report_dir,
        chunk=chunk,
        official=official,
    )


@app.command()
def reconcile(
    batch: int = typer.Argument(..., help="The import batch to check against the state data"),
    official: str | None = _OFFICIAL,
) -> None:
    """Check a finished queue import against the state data; findings become inventory proposals."""
    from kezek.imports.reconcile import reconcile_batch

    engine = engine_for(get_settings().database_url)
    try:
        with unit_of_work(engine) as session:
            found = reconcile_batch(session, batch_id=batch, actor=_actor(official))
    except KezekError as exc:
        console.print(f"[red]not reconciled:[/red] {exc.detail}")
        raise typer.Exit(1) from None
    console.print(found.as_dict())


@app.command()
def report(
    batch: int = typer.Argument(..., help="The import batch"),
    out: Path = typer.Option(..., "--out", help="A .csv or .xlsx file"),
    language: str | None = typer.Option(None, "--language", help="kk, ru or en (default: the batch's)"),
) -> None:
    """Write the per-row report of an import again (in any of the three languages)."""
    from kezek.imports import report as reports
    from kezek.models.imports import ImportBatch

    engine = engine_for(get_settings().database_url)
    with unit_of_work(engine) as session:
        found = session.get(ImportBatch, batch)
        if found is None:
            console.print(f"[red]no import batch {batch}[/red]")
            raise typer.Exit(1)
        if out.suffix.lower() == ".xlsx":
            reports.write_xlsx(session, found, out, language)
        else:
            reports.write_csv(session, found, out, language)
    console.print(f"report written to {out}")


@app.command()
def profiles(kind: str | None = typer.Option(None, "--kind", help="queue or stock")) -> None:
    """The column-mapping profiles (built in and saved)."""
    from kezek.imports.profiles import load_profiles

    table = Table("name", "kind", "columns", "description")
    for p in load_profiles(kind):
        table.add_row(p.name, p.kind, str(len(p.columns)), p.description)
    console.print(table)
