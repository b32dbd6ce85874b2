"""The served world (sandbox of the state systems, settable clock) for the reconciliation tests, and
the real app on the test database for the pages."""

from tests.applications.conftest import frozen, s, sandbox, world
from tests.web.fixtures import app_factory, client

__all__ = ["app_factory", "client", "frozen", "s", "sandbox", "world"]
