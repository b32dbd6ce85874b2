"""`kezek users ...`: officials' accounts and API tokens for other systems."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import typer

from kezek.auth.service import create_official, normalise_scopes
from kezek.auth.tokens import create_api_token, revoke_api_token
from kezek.db import engine_for, unit_of_work
from kezek.errors import KezekError
from kezek.models.auth import ROLES
from kezek.settings import get_settings

app = typer.Typer(help="Officials' accounts and API tokens.", no_args_is_help=True)

T = TypeVar("T")

ROLE_HELP = f"Role (repeat for several): {', '.join(ROLES)}"
SCOPE_HELP = "Jurisdiction: a KATO code or prefix (repeat for several); 'all' for the whole country"


def _run(work: Callable[..., T]) -> T:
    """Run one unit of work; a user's mistake is a clear message and exit code 2, not a traceback."""
    try:
        with unit_of_work(engine_for(get_settings().database_url)) as session:
            return work(session)
    except KezekError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from None


@app.command()
def create(
    username: str = typer.Argument(..., help="Sign-in name"),
    role: list[str] = typer.Option(..., "--role", "-r", help=ROLE_HELP),
    scope: list[str] = typer.Option([], "--scope", "-s", help=SCOPE_HELP),
    full_name: str = typer.Option(..., "--full-name", help="Name shown in the workspace and the audit trail"),
    password: str = typer.Option(
        None, "--password", help="Password (at least 8 characters); asked for, hidden, when not given"
    ),
    language: str = typer.Option("ru", "--language", help="Preferred language: kk, ru or en"),
) -> None:
    """Create an official who signs in with USERNAME and a password."""
    try:
        scopes = normalise_scopes(scope)
    except KezekError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from None
    if password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    official = _run(
        lambda session: create_official(
            session,
            username=username,
            full_name=full_name,
            password=password,
            roles=role,
            scopes=scopes,
            language=language,
        )
    )
    shown = ", ".join(s or "all" for s in scopes) or "none"
    typer.echo(f"official {official.username!r} created (roles: {', '.join(role)}; jurisdiction: {shown})")


@app.command()
def token(
    name: str = typer.Argument(..., help="Name of the system that will use the token"),
    role: list[str] = typer.Option(..., "--role", "-r", help=ROLE_HELP),
    scope: list[str] = typer.Option([], "--scope", "-s", help=SCOPE_HELP),
) -> None:
    """Create an API token and print it once: only its SHA-256 is kept, it cannot be shown again."""
    try:
        scopes = normalise_scopes(scope)
    except KezekError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(2) from None
    _, plain = _run(lambda session: create_api_token(session, name=name, roles=role, scopes=scopes))
    typer.echo(f"token for {name!r} (shown once; send it as 'Authorization: Bearer <token>'):", err=True)
    typer.echo(plain)


@app.command("revoke-token")
def revoke_token(name: str = typer.Argument(..., help="Name of the token to revoke")) -> None:
    """Revoke an API token: calls with it are refused from now on."""
    _run(lambda session: revoke_api_token(session, name=name))
    typer.echo(f"token {name!r} revoked")
