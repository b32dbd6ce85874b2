"""`kezek audit verify`: walk the hash chain and name the first broken event."""

from __future__ import annotations

import typer
from rich.progress import Progress

from kezek.audit import service
from kezek.db import engine_for, unit_of_work
from kezek.models import AuditEvent
from kezek.settings import get_settings

app = typer.Typer(help="The audit trail.", no_args_is_help=True)


@app.command()
def verify() -> None:
    """Check every event's hash and link; exit 1 and name the first broken event if any."""
    from sqlalchemy import func, select

    engine = engine_for(get_settings().database_url)
    with unit_of_work(engine) as session:
        total = session.scalar(select(func.count()).select_from(AuditEvent)) or 0
        with Progress(transient=True) as progress:
            bar = progress.add_task("verifying audit events", total=total)
            result = service.verify(session, progress=lambda n: progress.advance(bar, n))
    if result.ok:
        typer.echo(f"audit chain intact: {result.checked} events verified")
        return
    brk = result.first_break
    assert brk is not None
    typer.echo(
        f"audit chain BROKEN at event seq={brk.seq} (row id {brk.event_id}): {brk.problem}; "
        f"{result.checked} events before it verified",
        err=True,
    )
    raise typer.Exit(1)
