"""Helpers for the job tests."""

from __future__ import annotations

from huey import Huey


def drain(huey: Huey) -> list[object]:
    """Run everything in the queue here, as a worker would, and return the results in order."""
    results = []
    while (task := huey.dequeue()) is not None:
        results.append(huey.execute(task))
    return results


def queued_names(huey: Huey) -> list[str]:
    """The jobs waiting in the queue, by name, without taking them out."""
    return [f"{type(task).__module__}.{type(task).__name__}" for task in huey.pending()]
