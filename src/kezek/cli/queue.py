"""`kezek queue ...`: queue lists, positions, inventory and publication."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Queue lists, positions, re-verification (inventory) and public lists.", no_args_is_help=True
)
