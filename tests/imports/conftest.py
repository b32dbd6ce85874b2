"""The served world (sandbox of the state systems, settable clock) for the reconciliation tests."""

from tests.applications.conftest import frozen, s, sandbox, world

__all__ = ["frozen", "s", "sandbox", "world"]
