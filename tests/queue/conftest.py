"""Shared fixtures of the case tests."""

from tests.applications.conftest import frozen

__all__ = ["frozen"]
