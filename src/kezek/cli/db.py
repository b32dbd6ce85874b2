"""`kezek db ...`: migrations."""

from __future__ import annotations

import typer

from kezek.db import migrate
from kezek.settings import get_settings

app = typer.Typer(help="Database migrations.", no_args_is_help=True)


@app.command()
def upgrade(revision: str = typer.Argument("head", help="Target revision")) -> None:
    """Migrate the database to the newest schema (or to REVISION)."""
    url = get_settings().database_url
    migrate.upgrade(url, revision)
    typer.echo(f"database at {revision}: {_safe(url)}")


@app.command()
def heads() -> None:
    """Show the migration heads (there must be exactly one)."""
    for head in migrate.current_heads(get_settings().database_url):
        typer.echo(head)


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)
