"""`kezek sandbox ...`: run the state-systems emulator and inject faults into a running one."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from kezek.integration.config import SANDBOX_DEFAULT_PORT
from kezek.integration.systems import System

app = typer.Typer(
    help="The state-systems sandbox (an HTTP emulator of the 16 systems).", no_args_is_help=True
)

DEFAULT_URL = f"http://127.0.0.1:{SANDBOX_DEFAULT_PORT}"


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on"),
    port: int = typer.Option(SANDBOX_DEFAULT_PORT, help="Port"),
    database_url: str = typer.Option(None, help="Population database (default: KEZEK_DATABASE_URL)"),
    latency_ms: int = typer.Option(0, help="Latency added to every system's answers"),
    fault: list[str] = typer.Option(
        [],
        help="SYSTEM=FAULT[,FAULT...], e.g. property=outage, pension=error_rate:0.3,seed:7 (repeatable)",
    ),
    faults_file: Path = typer.Option(None, help="YAML: system code -> fault fields", exists=True),
    log_level: str = typer.Option("warning", help="uvicorn log level"),
    stop_with_parent: int = typer.Option(None, help="Stop when the process with this id ends (tests)"),
    lifetime: float = typer.Option(None, help="Stop after this many seconds (tests, demos)"),
) -> None:
    """Serve the sandbox: /healthz, /docs, /openapi.json, /{system}/..., /admin/faults."""
    from kezek.sandbox.faults import FaultSpec, load_faults_yaml, parse_fault_option
    from kezek.sandbox.server import serve as run

    faults: dict[System, FaultSpec] = {}
    if latency_ms:
        faults = {system: FaultSpec(latency_ms=latency_ms) for system in System}
    try:
        if faults_file:
            faults.update(load_faults_yaml(faults_file.read_text(encoding="utf-8")))
        for option in fault:
            system, spec = parse_fault_option(option)
            base = faults.get(system, FaultSpec())
            faults[system] = base.model_copy(update=spec.model_dump(exclude_unset=True))
    except Exception as exc:  # a bad option is the user's mistake: say which, do not trace back
        raise typer.BadParameter(str(exc)) from exc
    typer.echo(f"sandbox listening on http://{host}:{port} ({len(faults)} systems with faults)")
    run(
        host=host,
        port=port,
        database_url=database_url,
        faults=faults,
        log_level=log_level,
        stop_with_parent=stop_with_parent,
        lifetime_seconds=lifetime,
    )


@app.command()
def fault(
    system: str = typer.Argument(..., help=f"One of: {', '.join(s.value for s in System)}"),
    outage: bool = typer.Option(False, "--outage", help="Down until cleared"),
    outage_seconds: float = typer.Option(None, "--for", help="Down for this many seconds"),
    latency: int = typer.Option(None, "--latency", help="Latency in ms"),
    error_rate: float = typer.Option(None, "--error-rate", help="Share of calls failing (0..1)"),
    timeout_rate: float = typer.Option(None, "--timeout-rate", help="Share of calls hanging (0..1)"),
    malformed_rate: float = typer.Option(None, "--malformed-rate", help="Share of garbled answers"),
    seed: int = typer.Option(0, help="Seed of the random faults"),
    clear: bool = typer.Option(False, "--clear", help="Make the system healthy again"),
    url: str = typer.Option(DEFAULT_URL, envvar="KEZEK_STATE_SANDBOX_URL", help="The running sandbox"),
) -> None:
    """Set or clear a fault on a running sandbox, e.g. `kezek sandbox fault property --outage`."""
    from kezek.integration.systems import parse_systems
    from kezek.sandbox.server import SandboxAdmin

    try:
        target = parse_systems([system])[0]
    except Exception as exc:
        raise typer.BadParameter(str(exc), param_hint="SYSTEM") from exc
    with SandboxAdmin(url) as admin:
        if not admin.healthy():
            typer.echo(f"no sandbox answers at {url}", err=True)
            raise typer.Exit(1)
        if clear:
            admin.clear(target)
            typer.echo(f"{target.value}: healthy")
            return
        fields: dict[str, object] = {"seed": seed}
        if outage:
            fields["outage"] = True
        for name, value in (
            ("outage_seconds", outage_seconds),
            ("latency_ms", latency),
            ("error_rate", error_rate),
            ("timeout_rate", timeout_rate),
            ("malformed_rate", malformed_rate),
        ):
            if value is not None:
                fields[name] = value
        try:
            result = admin.set_fault(target, **fields)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
        shown = {k: v for k, v in result["fault"].items() if v not in (None, 0, 0.0, False, 30000)}
        typer.echo(f"{target.value}: {json.dumps(shown)}")


@app.command()
def status(
    url: str = typer.Option(DEFAULT_URL, envvar="KEZEK_STATE_SANDBOX_URL", help="The running sandbox"),
) -> None:
    """Show every system's faults, calls and failures."""
    from kezek.sandbox.server import SandboxAdmin

    with SandboxAdmin(url) as admin:
        if not admin.healthy():
            typer.echo(f"no sandbox answers at {url}", err=True)
            raise typer.Exit(1)
        for name, state in admin.faults().items():
            down = "DOWN" if state["down"] else "up"
            typer.echo(
                f"{name:16} {down:5} calls={state['calls']:<7} "
                f"failures={state['failures']:<6} {state['fault']}"
            )


@app.command()
def seed(
    families: int = typer.Option(1000, help="How many families to add"),
    seed_value: int = typer.Option(1, "--seed", help="Seed: the same seed gives the same people"),
    database_url: str = typer.Option(None, help="Database (default: KEZEK_DATABASE_URL)"),
) -> None:
    """Add a deterministic synthetic population for the sandbox to serve (demos and benchmarks)."""
    from kezek.db import make_engine
    from kezek.sandbox.seed import seed_population
    from kezek.settings import get_settings

    engine = make_engine(database_url or get_settings().database_url)
    result = seed_population(engine, families=families, seed=seed_value)
    engine.dispose()
    typer.echo(f"added {result.families} families, {result.persons} persons")
