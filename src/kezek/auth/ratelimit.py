"""Login rate limiting: a small in-process sliding-window limiter keyed by IP and by username.

Why not slowapi: its key functions run before the body is read, so they cannot key on the username
typed into a form, and it keeps its own time. This limiter reads time through ``kezek.clock`` (tests
move time instead of sleeping) and is a few lines. Its counters live in the web process: right for
the embedded default (one process). With several web processes each keeps its own counters, so the
effective limit is multiplied by their number; citizens' code requests and code attempts are also
limited in the database (see ``kezek.auth.otp``), which holds across processes.
"""

from __future__ import annotations

import math
import re
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from kezek import clock

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*(second|minute|hour|day)s?\s*$")
_SWEEP_ABOVE = 10_000
_UNIT_SECONDS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class Rate:
    amount: int
    window: timedelta

    @classmethod
    def parse(cls, text: str) -> Rate:
        """Parse "10/minute", "5/15 minutes", "100/hour"."""
        match = _RATE.match(text.lower())
        if not match or int(match.group(1)) < 1:
            raise ValueError(f"rate limit {text!r} is not of the form '10/minute' or '5/15 minutes'")
        count = int(match.group(2) or 1)
        return cls(int(match.group(1)), timedelta(seconds=count * _UNIT_SECONDS[match.group(3)]))


class LoginLimiter:
    """At most ``rate.amount`` attempts per key within any window of ``rate.window``."""

    def __init__(self, rate: Rate) -> None:
        self.rate = rate
        self._hits: dict[str, deque[datetime]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: datetime) -> deque[datetime]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.rate.window:
            hits.popleft()
        return hits

    def retry_after(self, *keys: str) -> int:
        """Seconds until every key may try again; 0 when all may try now."""
        now = clock.now()
        wait = 0.0
        with self._lock:
            for key in keys:
                hits = self._recent(key, now)
                if len(hits) >= self.rate.amount:
                    wait = max(wait, (hits[0] + self.rate.window - now).total_seconds())
                if not hits:
                    self._hits.pop(key, None)
        return math.ceil(wait)

    def hit(self, *keys: str) -> None:
        now = clock.now()
        with self._lock:
            for key in keys:
                self._recent(key, now).append(now)
            if len(self._hits) > _SWEEP_ABOVE:
                # Many distinct keys (a spray of usernames): forget the ones whose window has passed.
                for stale in [k for k in self._hits if not self._recent(k, now)]:
                    del self._hits[stale]

    def clear(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)
