"""`kezek assistance ...`: quarterly recalculation, payment registries, bank responses and shadow mode."""

from __future__ import annotations

import getpass
from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from kezek.audit.service import Actor
from kezek.db import engine_for, unit_of_work
from kezek.errors import KezekError
from kezek.settings import get_settings

app = typer.Typer(
    help="Housing assistance: recalculation, payment registries, bank responses and shadow mode.",
    no_args_is_help=True,
)
console = Console()

KATO_HELP = "KATO prefix of the jurisdiction ('' = the whole country), e.g. 71 for Astana"


def _actor(official: str | None) -> Actor:
    return Actor("official", official) if official else Actor("system", f"cli:{getpass.getuser()}"[:60])


def _fail(message: str) -> None:
    console.print(f"[red]{message}[/red]")
    raise typer.Exit(1)


def _quarter_start(text: str | None) -> date:
    if not text:
        today = date.today()
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    from kezek.assistance.payments import parse_month

    m = parse_month(text)
    if (m.month - 1) % 3:
        raise typer.BadParameter("a quarter starts in January, April, July or October (YYYY-MM)")
    return m


@app.command()
def recalculate(
    quarter: str = typer.Option(None, help="first month of the quarter, YYYY-MM (default: the current one)"),
    kato: str = typer.Option("", help=KATO_HELP),
    as_of: str = typer.Option(
        None, "--as-of", help="parameters as of this date for every claim (YYYY-MM-DD)"
    ),
    official: str = typer.Option(None, help="username recorded as the actor"),
) -> None:
    """Recalculate the quarter's assigned claims from the data already fetched (batch rules);
    where less is now due than was paid, an overpayment proposal goes to an official."""
    from kezek.assistance.payments_recalc import recalculate_quarter

    start = _quarter_start(quarter)
    on = date.fromisoformat(as_of) if as_of else None
    engine = engine_for(get_settings().database_url)
    try:
        with (
            unit_of_work(engine) as session,
            Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as bar,
        ):
            task = bar.add_task(f"quarter {start:%Y-%m}", total=None)

            def step(n: int) -> None:
                bar.advance(task, n)

            def total(n: int) -> None:
                bar.update(task, total=n)

            report = recalculate_quarter(
                session,
                quarter_start=start,
                scopes=[kato],
                actor=_actor(official),
                as_of=on,
                progress=step,
                on_total=total,
            )
    except KezekError as exc:
        _fail(exc.detail)
        return
    table = Table("claims", "changed", "higher", "lower", "overpayment proposals")
    table.add_row(
        str(report.claims),
        str(report.changed),
        str(report.higher),
        str(report.lower),
        str(len(report.proposals)),
    )
    console.print(table)


@app.command()
def registry(
    month: str = typer.Argument(..., help="the month to pay, YYYY-MM"),
    bank: str = typer.Option(None, help="only this bank (the 3-digit code in the IBAN, e.g. 601)"),
    kato: str = typer.Option("", help=KATO_HELP),
    send: bool = typer.Option(False, help="freeze the registries as sent to the bank"),
    out: Path = typer.Option(Path("."), help="directory for the CSV, XLSX and pain.001 XML files"),
    language: str = typer.Option("ru", help="language of the CSV/XLSX headers: kk, ru or en"),
    official: str = typer.Option(None, help="username recorded as the actor"),
) -> None:
    """Generate (or regenerate, idempotently) the month's payment registries, one per bank."""
    from kezek.assistance.payments import generate_registries, parse_month, registry_file, send_registry
    from kezek.assistance.payments_files import registry_csv, registry_pain001, registry_xlsx, tenge
    from kezek.models.payments import PaymentRegistry

    if bank is not None and (len(bank) != 3 or not bank.isdigit()):
        raise typer.BadParameter(
            "a bank code has 3 digits (positions 5-7 of a Kazakh IBAN)", param_hint="--bank"
        )
    if language not in ("kk", "ru", "en"):
        raise typer.BadParameter("kk, ru or en", param_hint="--language")
    engine = engine_for(get_settings().database_url)
    actor = _actor(official)
    out.mkdir(parents=True, exist_ok=True)
    table = Table("registry", "bank", "action", "lines", "total, KZT", "status", "files")
    try:
        with unit_of_work(engine) as session:
            result = generate_registries(
                session, month=parse_month(month), kato_prefix=kato, actor=actor, bank=bank
            )
            for g in result.registries:
                if send:
                    send_registry(session, g.registry_id, actor=actor, scopes=[kato])
                reg = session.get(PaymentRegistry, g.registry_id)
                assert reg is not None
                content = registry_file(session, reg)
                stem = out / reg.number
                stem.with_suffix(".csv").write_bytes(registry_csv(content, language))
                stem.with_suffix(".xlsx").write_bytes(registry_xlsx(content, language))
                stem.with_suffix(".xml").write_bytes(registry_pain001(content))
                table.add_row(
                    reg.number,
                    reg.bank_name,
                    g.action,
                    str(g.lines),
                    tenge(g.total_tiyn),
                    reg.status,
                    f"{stem}.*",
                )
    except KezekError as exc:
        _fail(exc.detail)
        return
    except ValueError as exc:  # a registry that must not reach a bank (RegistryInvalid)
        _fail(str(exc))
        return
    console.print(table)
    if result.skipped:
        console.print(f"[yellow]{len(result.skipped)} month(s) not paid, the case needs an account:[/yellow]")
        for s in result.skipped[:50]:
            console.print(f"  {s.claim_number}: {s.reason}")


@app.command("bank-response")
def bank_response(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="the bank's CSV answer"),
    kato: str = typer.Option("", help=KATO_HELP),
    official: str = typer.Option(None, help="username recorded as the actor"),
) -> None:
    """Import a bank's answer: paid, or returned with a reason (returned payments go back to the case)."""
    from kezek.assistance.payments import import_bank_response
    from kezek.assistance.payments_files import FileRejected

    engine = engine_for(get_settings().database_url)
    try:
        with unit_of_work(engine) as session:
            r = import_bank_response(
                session, file.read_bytes(), file_name=file.name, actor=_actor(official), scopes=[kato]
            )
    except FileRejected as exc:
        console.print(f"[red]{file.name}: refused, nothing was applied:[/red]")
        for e in exc.errors[:100]:
            console.print(f"  {e.message}")
        raise typer.Exit(1) from exc
    except KezekError as exc:
        _fail(exc.detail)
        return
    console.print(
        f"{file.name}: {r.rows} rows, paid {r.paid}, returned {r.returned}, unchanged {r.unchanged}"
    )


@app.command()
def shadow(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="CSV of the existing process's amounts"
    ),
    kato: str = typer.Option("", help=KATO_HELP),
    out: Path = typer.Option(None, help="write the differences as CSV here"),
    official: str = typer.Option(None, help="username recorded as the actor"),
) -> None:
    """Compare the amounts of the existing process with Kezek's, line by line."""
    from kezek.assistance import shadow as sh
    from kezek.assistance.payments_files import FileRejected, tenge

    engine = engine_for(get_settings().database_url)
    try:
        with unit_of_work(engine) as session:
            run = sh.run_shadow(
                session, file.read_bytes(), file_name=file.name, actor=_actor(official), scopes=[kato]
            )
            diffs = sh.run_lines(session, run.id, only_differences=True)
            if out:
                out.write_bytes(sh.run_csv(diffs))
    except FileRejected as exc:
        console.print(f"[red]{file.name}: refused:[/red]")
        for e in exc.errors[:100]:
            console.print(f"  {e.message}")
        raise typer.Exit(1) from exc
    except KezekError as exc:
        _fail(exc.detail)
        return
    console.print(" ".join(f"{k}={v}" for k, v in run.counts.items()))
    table = Table("line", "claim", "Kezek", "file", "difference", "status")
    for d in diffs[:100]:
        table.add_row(
            str(d.line or ""),
            d.claim_number,
            tenge(d.kezek_tiyn) if d.kezek_tiyn is not None else "",
            tenge(d.file_tiyn) if d.file_tiyn is not None else "",
            tenge(d.difference_tiyn),
            d.status,
        )
    console.print(table)
