"""Fault injection per emulated system: latency, error rate, timeouts, outage windows, malformed answers.

Set at start (CLI options or a YAML file) or at run time through the admin endpoints. Random
faults draw from a per-system generator seeded when the fault is set, so a test that sets
``seed=7, error_rate=0.5`` sees the same sequence of failures every run; rates of 0 and 1 need no
luck at all.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kezek import clock
from kezek.integration.systems import System

Verdict = Literal["ok", "outage", "error", "timeout", "malformed"]


class FaultSpec(BaseModel):
    """What goes wrong with one system. All fields optional; the default is a healthy system."""

    model_config = ConfigDict(extra="forbid")

    latency_ms: int = Field(default=0, ge=0, le=120_000, description="Added to every answer")
    jitter_ms: int = Field(default=0, ge=0, le=60_000, description="Up to this much more, at random")
    error_rate: float = Field(default=0.0, ge=0, le=1, description="Share of calls answered 503")
    timeout_rate: float = Field(default=0.0, ge=0, le=1, description="Share of calls that hang")
    hang_ms: int = Field(default=30_000, ge=0, le=600_000, description="How long a hanging call hangs")
    malformed_rate: float = Field(default=0.0, ge=0, le=1, description="Share of answers garbled")
    outage: bool = Field(default=False, description="Down until cleared")
    outage_from: datetime | None = Field(default=None, description="Down from this moment ...")
    outage_until: datetime | None = Field(default=None, description="... until this moment")
    outage_seconds: float | None = Field(
        default=None, gt=0, description="Down for this many seconds from now (sets the window)"
    )
    seed: int = Field(default=0, description="Seed of the random faults")

    @model_validator(mode="after")
    def _window(self) -> FaultSpec:
        if self.outage_from and self.outage_until and self.outage_until <= self.outage_from:
            raise ValueError("outage_until must be after outage_from")
        for moment in (self.outage_from, self.outage_until):
            if moment is not None and moment.tzinfo is None:
                raise ValueError("outage window times need a time zone (e.g. 2026-11-25T10:00:00Z)")
        return self

    def resolved(self) -> FaultSpec:
        """Turn ``outage_seconds`` into a window starting now."""
        if self.outage_seconds is None:
            return self
        now = clock.now()
        return self.model_copy(
            update={
                "outage_from": now,
                "outage_until": now + timedelta(seconds=self.outage_seconds),
                "outage_seconds": None,
            }
        )

    def is_healthy(self) -> bool:
        return self == FaultSpec(seed=self.seed)


@dataclass
class Decision:
    verdict: Verdict
    delay_s: float
    garble: int = 0  # which way a malformed answer is broken


class _SystemFaults:
    def __init__(self, spec: FaultSpec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.calls = 0
        self.failures = 0


class FaultBoard:
    """The current faults of every system, safe to change while requests are being served."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: dict[System, _SystemFaults] = {s: _SystemFaults(FaultSpec()) for s in System}

    def set(self, system: System, spec: FaultSpec) -> FaultSpec:
        spec = spec.resolved()
        with self._lock:
            calls = self._faults[system].calls
            self._faults[system] = _SystemFaults(spec)
            self._faults[system].calls = calls
        return spec

    def clear(self, system: System | None = None) -> None:
        for s in [system] if system else list(System):
            self.set(s, FaultSpec())

    def spec(self, system: System) -> FaultSpec:
        with self._lock:
            return self._faults[system].spec

    def snapshot(self) -> dict[str, dict[str, object]]:
        with self._lock:
            return {
                s.value: {
                    "fault": f.spec.model_dump(mode="json", exclude_defaults=True),
                    "calls": f.calls,
                    "failures": f.failures,
                    "down": _in_outage(f.spec, clock.now()),
                }
                for s, f in self._faults.items()
            }

    def decide(self, system: System) -> Decision:
        """What happens to this call: drawn under the lock, so the sequence is reproducible."""
        with self._lock:
            f = self._faults[system]
            f.calls += 1
            spec = f.spec
            delay = spec.latency_ms / 1000
            if spec.jitter_ms:
                delay += f.rng.random() * spec.jitter_ms / 1000
            verdict: Verdict = "ok"
            garble = 0
            if _in_outage(spec, clock.now()):
                verdict = "outage"
            elif spec.error_rate and f.rng.random() < spec.error_rate:
                verdict = "error"
            elif spec.timeout_rate and f.rng.random() < spec.timeout_rate:
                verdict = "timeout"
                delay += spec.hang_ms / 1000
            elif spec.malformed_rate and f.rng.random() < spec.malformed_rate:
                verdict = "malformed"
                garble = f.rng.randrange(3)
            if verdict != "ok":
                f.failures += 1
            return Decision(verdict, delay, garble)


def _in_outage(spec: FaultSpec, now: datetime) -> bool:
    if spec.outage:
        return True
    if spec.outage_from is None and spec.outage_until is None:
        return False
    after_start = spec.outage_from is None or now >= spec.outage_from
    before_end = spec.outage_until is None or now < spec.outage_until
    return after_start and before_end


def parse_fault_option(text: str) -> tuple[System, FaultSpec]:
    """``SYSTEM=outage``, ``SYSTEM=latency_ms:200,error_rate:0.3``, ``property=outage_seconds:60``."""
    from kezek.integration.systems import parse_systems

    if "=" not in text:
        raise ValueError(f"expected SYSTEM=FAULT[,FAULT...], got {text!r}")
    name, _, rest = text.partition("=")
    system = parse_systems([name.strip()])[0]
    fields: dict[str, object] = {}
    for part in filter(None, (p.strip() for p in rest.split(","))):
        key, sep, value = part.partition(":")
        key = {"latency": "latency_ms", "errors": "error_rate", "timeouts": "timeout_rate"}.get(key, key)
        if key == "outage" and not sep:
            fields["outage"] = True
        elif not sep:
            raise ValueError(f"{part!r}: expected NAME:VALUE (e.g. latency_ms:200) or 'outage'")
        else:
            fields[key] = value
    return system, FaultSpec.model_validate(fields)


def load_faults_yaml(text: str) -> dict[System, FaultSpec]:
    """A YAML mapping of system code to fault fields, e.g. ``property: {outage: true}``."""
    import yaml

    from kezek.integration.systems import parse_systems

    document = yaml.safe_load(text) or {}
    if not isinstance(document, dict):
        raise ValueError("the faults file must map system codes to fault settings")
    faults: dict[System, FaultSpec] = {}
    for name, fields in document.items():
        system = parse_systems([str(name)])[0]
        faults[system] = FaultSpec.model_validate(fields or {})
    return faults
