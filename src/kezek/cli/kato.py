"""`kezek kato import FILE` and `kezek kato load-reference`: jurisdictions from the KATO classifier."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from kezek.db import engine_for, unit_of_work
from kezek.errors import KezekError
from kezek.settings import get_settings

app = typer.Typer(help="Jurisdictions from the KATO classifier (stat.gov.kz).", no_args_is_help=True)
console = Console()


def _report(report: object) -> None:
    from kezek.registry.schemas import KatoImportReport

    assert isinstance(report, KatoImportReport)
    console.print(
        f"jurisdictions: {report.inserted} new, {report.updated} changed, {report.unchanged} unchanged; "
        f"{report.below_level} rows below district level skipped"
    )
    if report.problems:
        table = Table(title=f"{len(report.problems)} rows refused (the other rows were imported)")
        table.add_column("line", justify="right")
        table.add_column("TE")
        table.add_column("reason")
        for problem in report.problems:
            table.add_row(str(problem.line), problem.code, problem.reason)
        console.print(table)


@app.command("import")
def import_file(
    file: Path = typer.Argument(
        ..., help="The classifier file (xlsx or csv with TE, AB, CD, EF, HIJ, K, ...)"
    ),
) -> None:
    """Import (upsert) jurisdictions from the official classifier file. Bad rows are listed with their
    line and reason while the good rows land; the exit status is 1 when any row was refused."""
    from kezek.registry.service import import_kato

    try:
        with unit_of_work(engine_for(get_settings().database_url)) as session:
            report = import_kato(session, file)
    except KezekError as exc:
        console.print(f"[red]not imported:[/red] {exc.detail}")
        raise typer.Exit(2) from None
    _report(report)
    if report.problems:
        raise typer.Exit(1)


@app.command("load-reference")
def load_reference() -> None:
    """Load Kezek's shipped KATO reference (registry/data/kato.csv; see its README for the sources)."""
    from kezek.registry.service import load_reference_kato

    with unit_of_work(engine_for(get_settings().database_url)) as session:
        _report(load_reference_kato(session))
