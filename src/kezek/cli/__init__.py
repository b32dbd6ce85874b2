"""The `kezek` command line (Typer). Every command honours KEZEK_DATABASE_URL."""

from __future__ import annotations

import typer

from kezek.cli import (
    allocation,
    assistance,
    audit,
    db,
    demo,
    imports,
    kato,
    queue,
    rules,
    sandbox,
    serve,
    users,
)

app = typer.Typer(
    help="Kezek: social-housing queue, distribution and housing assistance.", no_args_is_help=True
)
app.add_typer(db.app, name="db")
app.add_typer(demo.app, name="demo")
app.add_typer(audit.app, name="audit")
app.add_typer(users.app, name="users")
app.add_typer(kato.app, name="kato")
app.add_typer(rules.app, name="rules")
app.add_typer(sandbox.app, name="sandbox")
app.add_typer(queue.app, name="queue")
app.add_typer(allocation.app, name="allocation")
app.add_typer(imports.app, name="import")
app.add_typer(assistance.app, name="assistance")
serve.register(app)


# What the engines say when a table is missing: the database was never migrated, or is behind.
MISSING_TABLE = ("no such table", "does not exist")


def main() -> None:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    try:
        app()
    except (OperationalError, ProgrammingError) as exc:
        if not any(marker in str(exc.orig) for marker in MISSING_TABLE):
            raise
        from sqlalchemy.engine import make_url

        from kezek.settings import get_settings

        url = make_url(get_settings().database_url).render_as_string(hide_password=True)
        typer.echo(
            f"the database {url} is not migrated (or is behind this version of Kezek): "
            "run `kezek db upgrade` first",
            err=True,
        )
        raise SystemExit(2) from None
