"""Who is acting on a request: an official signed in on the web, or another system with an API token."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from kezek.audit.service import Actor
from kezek.models.auth import ApiToken, Official


@dataclass(frozen=True)
class Principal:
    kind: Literal["official", "api"]
    id: int
    name: str  # the official's username or the token's name
    full_name: str
    roles: frozenset[str]
    # KATO prefixes; "" is the whole country (see kezek.auth.scope).
    scopes: tuple[str, ...]

    @classmethod
    def of_official(cls, official: Official) -> Principal:
        return cls(
            kind="official",
            id=official.id,
            name=official.username,
            full_name=official.full_name,
            roles=frozenset(official.roles or ()),
            scopes=tuple(official.scopes or ()),
        )

    @classmethod
    def of_token(cls, token: ApiToken) -> Principal:
        return cls(
            kind="api",
            id=token.id,
            name=token.name,
            full_name=token.name,
            roles=frozenset(token.roles or ()),
            scopes=tuple(token.scopes or ()),
        )

    def has_any_role(self, roles: Iterable[str]) -> bool:
        return not self.roles.isdisjoint(roles)

    @property
    def actor(self) -> Actor:
        return Actor(self.kind, self.name)
