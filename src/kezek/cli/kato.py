"""`kezek kato ...`."""

from __future__ import annotations

import typer

app = typer.Typer(help="kato", no_args_is_help=True)
