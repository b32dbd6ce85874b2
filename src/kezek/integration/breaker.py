"""A circuit breaker per state system.

Closed: calls pass; ``failure_threshold`` consecutive failures open it. Open: calls fail at once
(no load on a system that is down, no waiting on timeouts) until ``cooldown`` has passed. Then one
trial call is let through (half-open): success closes the circuit, failure opens it again.
Time comes from kezek.clock, so tests and demos can move it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal

from kezek import clock

State = Literal["closed", "open", "half_open"]


@dataclass
class CircuitBreaker:
    name: str
    failure_threshold: int = 5
    cooldown: timedelta = timedelta(seconds=30)
    _failures: int = 0
    _opened_at: datetime | None = None
    _trial_in_flight: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def state(self) -> State:
        with self._lock:
            return self._state_locked()

    def _state_locked(self) -> State:
        if self._opened_at is None:
            return "closed"
        if clock.now() - self._opened_at >= self.cooldown:
            return "half_open"
        return "open"

    def allow(self) -> bool:
        """May a call go out now? In half-open state only one trial call at a time."""
        with self._lock:
            state = self._state_locked()
            if state == "closed":
                return True
            if state == "half_open" and not self._trial_in_flight:
                self._trial_in_flight = True
                return True
            return False

    def record_success(self) -> None:
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._trial_in_flight = False

    def record_failure(self) -> None:
        with self._lock:
            state = self._state_locked()
            self._trial_in_flight = False
            self._failures += 1
            if state == "half_open" or self._failures >= self.failure_threshold:
                self._opened_at = clock.now()

    def release(self) -> None:
        """End a trial call without a verdict (cancelled, or failed for a reason of our own)."""
        with self._lock:
            self._trial_in_flight = False

    def reset(self) -> None:
        self.record_success()


class BreakerBoard:
    """The breakers of one process, one per system and endpoint, shared by every client instance."""

    def __init__(self) -> None:
        self._breakers: dict[str, CircuitBreaker] = {}
        self._lock = threading.Lock()

    def get(self, key: str, *, failure_threshold: int, cooldown: timedelta) -> CircuitBreaker:
        with self._lock:
            breaker = self._breakers.get(key)
            if breaker is None or (breaker.failure_threshold, breaker.cooldown) != (
                failure_threshold,
                cooldown,
            ):
                breaker = CircuitBreaker(key, failure_threshold=failure_threshold, cooldown=cooldown)
                self._breakers[key] = breaker
            return breaker

    def states(self) -> dict[str, State]:
        with self._lock:
            return {key: b.state for key, b in self._breakers.items()}

    def release(self) -> None:
        """End a trial call without a verdict (cancelled, or failed for a reason of our own)."""
        with self._lock:
            self._trial_in_flight = False

    def reset(self) -> None:
        with self._lock:
            self._breakers.clear()


BREAKERS = BreakerBoard()
