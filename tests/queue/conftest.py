"""Shared fixtures of the case tests."""

from tests.applications.conftest import frozen, s, sandbox, world

__all__ = ["frozen", "s", "sandbox", "world"]
