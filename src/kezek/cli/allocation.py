"""`kezek allocation ...`: runs, verification of runs and of the public journal."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Allocation runs: compute, verify, what-if and the public journal.", no_args_is_help=True
)
