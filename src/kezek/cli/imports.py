"""`kezek import queue|stock FILE...`: legacy lists and dwelling registers from spreadsheets."""

from __future__ import annotations

import typer

app = typer.Typer(
    help="Import the akimats' legacy queue lists and housing stock from CSV, XLSX and ODS.",
    no_args_is_help=True,
)
