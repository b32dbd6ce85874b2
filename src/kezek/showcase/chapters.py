"""The chapters other areas add to the demo's story, in the order they are told.

Each is a function ``(session) -> object`` in its area's ``demo`` module; the story calls it after
the queue and the applications are laid down.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from sqlalchemy.orm import Session

CHAPTERS: tuple[tuple[str, str, str], ...] = (
    ("past distribution", "kezek.allocation.demo", "load_past_distribution"),
    ("housing assistance", "kezek.assistance.demo", "load_demo_claims"),
)


def available() -> list[tuple[str, Callable[[Session], object]]]:
    found: list[tuple[str, Callable[[Session], object]]] = []
    for name, module_name, attribute in CHAPTERS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        chapter = getattr(module, attribute, None)
        if callable(chapter):
            found.append((name, chapter))
    return found
