"""`kezek queue ...`: queue lists, positions, inventory and publication.

kezek queue inventory [--kato 75] [--official NAME]   re-verify every active entry now (progress bar)
kezek queue proposals [--kato 75]                     removals the inventory proposes
kezek queue approve ID --official NAME [--note ...]   remove the entry by that decision
kezek queue reject ID --official NAME --note ...      keep the entry, offered again
kezek queue publish [--kato 75]                       publish the open lists (public pages)
kezek queue migrate [--kato 75]                       akimat lists → national queue (2025)
kezek queue position IIN                              a person's place and why it changed
"""

from __future__ import annotations

import getpass
from datetime import timedelta

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from sqlalchemy import func, select

from kezek import clock
from kezek.audit.service import Actor
from kezek.auth.scope import scope_filter
from kezek.db import engine_for, unit_of_work
from kezek.errors import KezekError
from kezek.settings import get_settings

app = typer.Typer(
    help="Queue lists, positions, re-verification (inventory) and public lists.", no_args_is_help=True
)
console = Console()

KatoOption = typer.Option("", "--kato", help="KATO prefix of the jurisdiction (empty: the whole country)")


def _actor(official: str | None) -> Actor:
    return Actor("official", official) if official else Actor("system", f"cli:{getpass.getuser()}"[:60])


def _fail(exc: KezekError) -> typer.Exit:
    console.print(f"[red]refused:[/red] {exc.detail} ({exc.code})")
    return typer.Exit(1)


def _check_kato(kato: str) -> str:
    kato = kato.strip()
    if kato and not (kato.isdigit() and len(kato) <= 9):
        console.print("[red]refused:[/red] a KATO prefix has up to 9 digits")
        raise typer.Exit(2)
    return kato


@app.command()
def inventory(
    kato: str = KatoOption,
    official: str | None = typer.Option(None, "--official", help="Username of the official who runs it"),
    chunk: int = typer.Option(5000, "--chunk", min=1, max=10_000, help="Entries per transaction"),
) -> None:
    """Re-verify every active entry in scope against the state systems now (on demand)."""
    from kezek.models.queue import QueueEntry
    from kezek.queue.inventory import run_inventory

    kato = _check_kato(kato)
    engine = engine_for(get_settings().database_url)
    with unit_of_work(engine) as session:
        total = session.scalar(
            select(func.count())
            .select_from(QueueEntry)
            .where(QueueEntry.status == "active", scope_filter(QueueEntry.kato, [kato]))
        )
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
    ) as progress:
        task = progress.add_task("re-verifying entries", total=int(total or 0))
        try:
            summary = run_inventory(
                engine,
                actor=_actor(official),
                kato_prefix=kato,
                trigger="on_demand",
                chunk=chunk,
                progress=lambda n: progress.advance(task, n),
            )
        except KezekError as exc:
            raise _fail(exc) from None
    console.print(
        f"inventory run {summary.run_id}: {summary.checked:,} checked, {summary.passed:,} passed, "
        f"{summary.proposed:,} proposed for removal, {summary.unavailable:,} waiting for data "
        f"({summary.seconds:.1f} s)"
    )


@app.command()
def proposals(kato: str = KatoOption) -> None:
    """Removals proposed by the inventory and not yet decided."""
    from kezek.queue import inventory as inv

    kato = _check_kato(kato)
    with unit_of_work(engine_for(get_settings().database_url)) as session:
        rows = inv.proposals(session, scopes=[kato])
        table = Table("id", "entry", "KATO", "reasons", "proposed")
        for proposal in rows:
            table.add_row(
                str(proposal.id),
                str(proposal.entry_id),
                proposal.kato,
                ", ".join(proposal.reason_codes),
                clock.to_local(proposal.created_at).strftime("%Y-%m-%d %H:%M"),
            )
    console.print(table if rows else "no proposals waiting for a decision")


@app.command()
def approve(
    proposal_id: int = typer.Argument(..., help="Proposal id (see `kezek queue proposals`)"),
    official: str = typer.Option(..., "--official", help="Username of the official who decides"),
    note: str = typer.Option("", "--note"),
) -> None:
    """Approve a proposed removal: the entry is removed by this decision."""
    from kezek.queue import inventory as inv

    try:
        with unit_of_work(engine_for(get_settings().database_url)) as session:
            proposal = inv.approve(
                session, proposal_id=proposal_id, actor=_actor(official), scopes=[""], note=note
            )
            console.print(f"proposal {proposal.id} approved: entry {proposal.entry_id} removed")
    except KezekError as exc:
        raise _fail(exc) from None


@app.command()
def reject(
    proposal_id: int = typer.Argument(..., help="Proposal id (see `kezek queue proposals`)"),
    official: str = typer.Option(..., "--official", help="Username of the official who decides"),
    note: str = typer.Option(..., "--note", help="Why the proposal is rejected"),
) -> None:
    """Reject a proposed removal: the entry keeps its place and is offered dwellings again."""
    from kezek.queue import inventory as inv

    try:
        with unit_of_work(engine_for(get_settings().database_url)) as session:
            proposal = inv.reject(
                session, proposal_id=proposal_id, actor=_actor(official), scopes=[""], note=note
            )
            console.print(f"proposal {proposal.id} rejected: entry {proposal.entry_id} stays")
    except KezekError as exc:
        raise _fail(exc) from None


@app.command()
def publish(kato: str = KatoOption, official: str | None = typer.Option(None, "--official")) -> None:
    """Publish every open list in scope as of now (the public pages show the latest publication)."""
    from kezek.queue import publication

    kato = _check_kato(kato)
    settings = get_settings()
    with unit_of_work(engine_for(settings.database_url)) as session:
        published = publication.publish(
            session, actor=_actor(official), secret=settings.secret_key, kato_prefix=kato
        )
        rows = sum(p.rows for p in published)
    console.print(f"published {len(published)} lists, {rows:,} lines")


@app.command()
def migrate(kato: str = KatoOption, official: str | None = typer.Option(None, "--official")) -> None:
    """Move the open akimat lists in scope into the national queue, keeping dates and categories."""
    from kezek.queue.migration import migrate_to_national

    kato = _check_kato(kato)
    with unit_of_work(engine_for(get_settings().database_url)) as session:
        report = migrate_to_national(session, actor=_actor(official), kato_prefix=kato)
    console.print(f"{report.lists_closed} akimat lists closed, {report.entries_moved:,} entries moved")
    for target, count in sorted(report.by_target.items()):
        console.print(f"  {target}: {count:,}")


@app.command()
def position(
    iin: str = typer.Argument(..., help="The person's IIN"),
    days: int = typer.Option(31, "--days", min=1, max=3660, help="Explain the changes of this many days"),
    official: str | None = typer.Option(None, "--official"),
) -> None:
    """A person's list, number and registration date, and the ledger events that moved the number."""
    from kezek.audit.service import record_read
    from kezek.models.queue import QueueList
    from kezek.models.registry import Person
    from kezek.queue import ledger
    from kezek.queue.service import active_entry_for_person

    iin = "".join(iin.split())
    if not (len(iin) == 12 and iin.isdigit()):
        console.print("[red]refused:[/red] an IIN has 12 digits")
        raise typer.Exit(2)
    with unit_of_work(engine_for(get_settings().database_url)) as session:
        person = session.scalar(select(Person).where(Person.iin == iin))
        if person is None:
            console.print("no person with this IIN")
            raise typer.Exit(1)
        record_read(
            session,
            actor=_actor(official),
            object_type="person",
            object_id=person.id,
            kato=person.kato,
            purpose="queue_check",
        )
        entry = active_entry_for_person(session, person.id)
        if entry is None:
            console.print("not registered in the queue")
            raise typer.Exit(1)
        queue_list = session.get(QueueList, entry.list_id)
        assert queue_list is not None
        registered = clock.to_local(entry.registered_at).strftime("%Y-%m-%d %H:%M")
        console.print(
            f"number {entry.position} in {queue_list.kato}/{queue_list.code} ({queue_list.regime}), "
            f"category {entry.category}, registered {registered}"
        )
        explanation = ledger.explain(session, entry, clock.now() - timedelta(days=days))
        if explanation.position_then is not None:
            console.print(f"{days} days ago: number {explanation.position_then}")
        table = Table("when", "whose", "event", "effect", "reason")
        for line in explanation.lines:
            table.add_row(
                clock.to_local(line.occurred_at).strftime("%Y-%m-%d %H:%M"),
                "own" if line.own else "ahead",
                line.kind,
                f"{line.position_before}→{line.position_after}" if line.own else f"{line.effect:+d}",
                line.reason_code or "",
            )
        console.print(table if explanation.lines else "no changes in this period")
