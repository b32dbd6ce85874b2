"""`kezek allocation ...`: runs, verification of runs and of the public journal."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from kezek.audit.service import Actor
from kezek.db import engine_for, unit_of_work
from kezek.errors import KezekError
from kezek.settings import get_settings

app = typer.Typer(
    help="Allocation runs: compute, verify, what-if and the public journal.", no_args_is_help=True
)
console = Console()
CLI_ACTOR = Actor("system", "cli")


def _fail(exc: KezekError) -> None:
    console.print(f"[red]{exc.detail or exc}[/red] ({exc.code})")
    raise typer.Exit(2)


@app.command()
def run(
    batch: int | None = typer.Option(None, "--batch", help="An open batch to run"),
    kato: str | None = typer.Option(
        None, "--kato", help="Without --batch: put every available dwelling of this KATO in a new batch"
    ),
    regime: str = typer.Option("national", "--regime", help="akimat | national (with --kato)"),
    as_of: datetime | None = typer.Option(None, "--as-of", formats=["%Y-%m-%d"], help="The run's date"),
) -> None:
    """Compute a draft allocation run and store it (inputs and result with their SHA-256)."""
    from sqlalchemy import select

    from kezek.allocation import service
    from kezek.models.stock import Dwelling

    engine = engine_for(get_settings().database_url)
    try:
        with (
            Progress(
                SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), console=console
            ) as bar,
            unit_of_work(engine) as session,
        ):
            task = bar.add_task("snapshot of the queue", total=None)
            if batch is None:
                if not kato:
                    console.print("[red]give --batch or --kato[/red]")
                    raise typer.Exit(2)
                ids = list(
                    session.scalars(
                        select(Dwelling.id).where(
                            Dwelling.kato == kato,
                            Dwelling.status == "available",
                            Dwelling.holder == "distributor",
                        )
                    )
                )
                made = service.create_batch(
                    session,
                    actor=CLI_ACTOR,
                    kato=kato,
                    regime=regime,
                    title=f"CLI batch {kato}",
                    dwelling_ids=ids,
                )
                batch = made.id

            def progress(stage: str, count: int) -> None:
                bar.update(task, description=f"{stage}: {count:,}")

            result = service.create_run(
                session,
                actor=CLI_ACTOR,
                batch_id=batch,
                as_of=as_of.date() if as_of else None,
                progress=progress,
            )
            bar.update(task, description="stored")
    except KezekError as exc:
        _fail(exc)
        return
    table = Table("list", "eligible", "quota", "seats", "received", "returned", "reach")
    for o in result.summary["lists"]:
        table.add_row(
            o["code"],
            str(o["eligible"]),
            o["quota"],
            str(o["seats"]),
            str(o["received"]),
            str(o["returned_in"]),
            str(o["reach"]),
        )
    console.print(table)
    console.print(
        f"run {result.id}: {result.assigned_count} of {result.dwellings_count} dwellings assigned over "
        f"{result.entries_count:,} entries\ninputs  {result.inputs_hash}\nresult  {result.result_hash}"
    )


@app.command()
def verify(
    run_id: int | None = typer.Argument(None, help="The run to compute again and compare"),
    journal_file: Path | None = typer.Option(
        None, "--journal", help="Verify a downloaded public journal (CSV or JSON lines) instead"
    ),
) -> None:
    """Re-compute a run from its stored inputs and compare byte for byte, or check a journal's chain."""
    from kezek.allocation import journal, service

    if journal_file is not None:
        try:
            text = journal_file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            console.print(f"[red]cannot read {journal_file}: {exc}[/red]")
            raise typer.Exit(2) from None
        check = journal.verify_text(text)
        if check.ok:
            console.print(f"[green]journal OK[/green]: {check.records} records, head {check.head}")
            return
        console.print(f"[red]journal BROKEN[/red] at record {check.first_bad_seq}: {check.problem}")
        raise typer.Exit(1)
    if run_id is None:
        console.print("[red]give a RUN id or --journal FILE[/red]")
        raise typer.Exit(2)
    engine = engine_for(get_settings().database_url)
    try:
        with unit_of_work(engine) as session:
            v = service.verify_run(session, run_id)
    except KezekError as exc:
        _fail(exc)
        return
    if v.ok:
        console.print(
            f"[green]run {run_id} OK[/green]: result {v.computed_result_hash} reproduced byte for byte"
        )
        return
    console.print(
        f"[red]run {run_id} DIFFERS[/red]: inputs {'ok' if v.inputs_ok else 'changed'}; "
        f"stored {v.stored_result_hash}, computed {v.computed_result_hash}"
    )
    raise typer.Exit(1)


@app.command("what-if")
def what_if(
    run_id: int = typer.Argument(..., help="A stored run"),
    method: str | None = typer.Option(None, "--method", help="largest_remainder | webster"),
    share: int | None = typer.Option(None, "--priority-share-bp", help="Priority share, basis points"),
) -> None:
    """The run's inputs under another policy, side by side (nothing is saved)."""
    from kezek.allocation import service

    engine = engine_for(get_settings().database_url)
    try:
        with unit_of_work(engine) as session:
            w = service.what_if(session, run_id, method=method, priority_share_bp=share)
    except KezekError as exc:
        _fail(exc)
        return
    table = Table("list", "quota now", "quota what-if", "received now", "received what-if")
    for d in w.lists:
        table.add_row(d.list_code, d.quota_base, d.quota_alt, str(d.received_base), str(d.received_alt))
    console.print(table)
    console.print(f"{len(w.entries)} families would receive another dwelling or none")


@app.command("journal")
def export_journal(
    out: Path = typer.Option(..., "--out", help="File to write"),
    fmt: str = typer.Option("json", "--format", help="json (JSON lines) | csv"),
) -> None:
    """Download the public allocation journal."""
    from kezek.allocation import journal

    engine = engine_for(get_settings().database_url)
    with unit_of_work(engine) as session:
        text = journal.export_csv(session) if fmt == "csv" else journal.export_json(session)
    out.write_text(text, encoding="utf-8")
    console.print(json.dumps({"written": str(out), "bytes": len(text.encode())}))
