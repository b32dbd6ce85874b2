"""`kezek rules ...`: run the scenario tests, explain a case, list the dated parameters."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import typer

app = typer.Typer(help="Rules as code: scenarios, explanations, dated parameters.", no_args_is_help=True)


@app.command("test")
def test(
    path: Path | None = typer.Argument(
        None, help="A scenario file or folder; default: Kezek's own scenarios"
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every case, not only failures"),
) -> None:
    """Run YAML scenarios; exit 1 if any case fails."""
    from kezek.rules import scenario

    if path is not None and not path.exists():
        typer.echo(f"no such file or folder: {path}", err=True)
        raise typer.Exit(2)
    outcomes = scenario.run_paths([path]) if path is not None else scenario.run_packaged()
    failed = [o for o in outcomes if not o.ok]
    for o in outcomes:
        if verbose or not o.ok:
            typer.echo(
                f"{'ok  ' if o.ok else 'FAIL'} {o.file}: {o.name}"
                + (f"\n     {o.detail}" if o.detail else "")
            )
    typer.echo(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise typer.Exit(1)


@app.command("explain")
def explain(
    case_file: Path = typer.Argument(
        ..., help="CASE.json: as_of, kato, and family (or claim for assistance)"
    ),
    lang: str = typer.Option("kk", "--lang", help="kk, ru or en"),
) -> None:
    """Print the decision on a case and its trace: reasons, legal references, every value."""
    from kezek.rules import casefile
    from kezek.rules.decisions import assess_assistance, assess_ladder, assess_registration
    from kezek.rules.errors import RulesError
    from kezek.rules.render import render

    if lang not in {"kk", "ru", "en"}:
        typer.echo("--lang must be kk, ru or en", err=True)
        raise typer.Exit(2)
    try:
        data = json.loads(case_file.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        typer.echo(f"cannot read {case_file}: {exc}", err=True)
        raise typer.Exit(2) from None
    try:
        if not isinstance(data, dict):
            raise casefile.CaseDataError("(case)", "must be a JSON object")
        on = casefile.as_date(data.get("as_of"), "as_of")
        kato = casefile.kato_code(data.get("kato"), "kato")
        what = data.get("assess", "assistance" if "claim" in data else "registration")
        if what == "assistance":
            decision = assess_assistance(casefile.claim(data.get("claim"), kato), on)
        elif what == "ladder":
            decision = assess_ladder(casefile.family(data.get("family"), kato), on)
        elif what == "registration":
            decision = assess_registration(casefile.family(data.get("family"), kato), on)
        else:
            raise casefile.CaseDataError("assess", "must be registration, ladder or assistance")
    except RulesError as exc:
        typer.echo(f"{exc.code}: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(render(decision, lang))


@app.command("parameters")
def parameters(
    stale: bool = typer.Option(
        False, "--stale", help="Only values that run out within 90 days or are past review"
    ),
    as_of: str | None = typer.Option(None, "--as-of", help="YYYY-MM-DD (default: today in Almaty)"),
    days: int = typer.Option(90, "--days", help="Horizon for --stale"),
) -> None:
    """List the dated parameters in force (or the stale ones) with their legal references."""
    from kezek.rules.params import default_store

    if as_of is None:
        from kezek import clock

        on = clock.today_local()
    else:
        try:
            on = date.fromisoformat(as_of)
        except ValueError:
            typer.echo(f"--as-of must be YYYY-MM-DD, got {as_of!r}", err=True)
            raise typer.Exit(2) from None
    store = default_store()
    if stale:
        entries = store.stale(on, days)
        for e in entries:
            where = f"KATO {e.kato}" if e.kato else "national"
            why = f"runs out {e.end}" if e.why == "runs_out" else f"past review {e.review_by}"
            typer.echo(f"{e.name} [{where}] = {e.raw} from {e.start}: {why} — {e.reference}")
        typer.echo(f"{len(entries)} stale value(s) as of {on.isoformat()} (horizon {days} days)")
        return
    for p in store:
        for kato, series in [(None, p.national), *p.jurisdictions.items()]:
            v = series.at(on)
            if v is None:
                continue
            where = f"KATO {kato} ({series.name})" if kato else "national"
            end = f" until {v.end}" if v.end else ""
            typer.echo(f"{p.name} [{where}] = {v.raw} ({p.unit}) from {v.start}{end} — {v.reference}")
