"""Typed errors of the state-data client. Each names its system; each is a KezekError with a status.

Transient ones (`StateSystemDown` and its kinds) leave a fetch request waiting and are retried;
the rest are answers in their own right (an unknown IIN) or refusals (missing consent).
"""

from __future__ import annotations

from typing import Any

from kezek.errors import Conflict, Forbidden, KezekError, NotFound
from kezek.integration.systems import System


class StateSystemDown(KezekError):
    """The system could not give a usable answer now; asking again later may succeed."""

    status = 503
    code = "state_system_unavailable"
    title = "A state information system is unavailable"

    def __init__(self, system: System, detail: str = "", **extra: Any) -> None:
        super().__init__(detail or f"{system.value}: {self.title.lower()}", system=system.value, **extra)
        self.system = system


class SystemUnavailable(StateSystemDown):
    """Refused connection, 5xx, or an announced outage."""


class SystemTimeout(StateSystemDown):
    status = 504
    code = "state_system_timeout"
    title = "A state information system did not answer in time"


class MalformedAnswer(StateSystemDown):
    status = 502
    code = "state_system_malformed"
    title = "A state information system gave an answer that could not be read"


class CircuitOpen(StateSystemDown):
    code = "state_system_circuit_open"
    title = "Calls to a state information system are paused after repeated failures"


class StateSystemRejected(KezekError):
    """The system refused the request itself (4xx other than 404): retrying the same call is futile."""

    status = 502
    code = "state_system_rejected"
    title = "A state information system rejected the request"

    def __init__(self, system: System, detail: str = "") -> None:
        super().__init__(detail or f"{system.value}: {self.title.lower()}", system=system.value)
        self.system = system


class PersonUnknown(NotFound):
    code = "person_unknown"
    title = "The IIN is not in the individuals database"


class ConsentMissing(Forbidden):
    code = "consent_missing"
    title = "The consent of every adult family member is required"

    def __init__(self, detail: str, *, missing_person_ids: list[int]) -> None:
        super().__init__(detail, missing_person_ids=missing_person_ids)
        self.missing_person_ids = missing_person_ids


class DataIncomplete(Conflict):
    code = "state_data_incomplete"
    title = "The state data have not all arrived; nothing is decided on missing data"
