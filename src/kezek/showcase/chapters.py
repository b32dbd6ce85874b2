"""The chapters other areas add to the demo's story, in the order they are told.

Each is a function ``(session) -> object`` of its area, called after the queue and the
applications are laid down.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.orm import Session

from kezek.allocation.demo import load_past_distribution

CHAPTERS: tuple[tuple[str, Callable[[Session], object]], ...] = (
    ("past distribution", load_past_distribution),
)
