from tests.web.fixtures import app_factory, client, frozen_clock  # noqa: F401
