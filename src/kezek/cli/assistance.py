"""`kezek assistance ...`: quarterly recalculation, payment registries and bank responses."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Housing assistance: recalculation, payment registries, bank responses and shadow mode.",
    no_args_is_help=True,
)
