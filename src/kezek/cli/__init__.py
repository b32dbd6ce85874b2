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


def main() -> None:
    app()
