"""The state-systems sandbox: an HTTP emulator of the 16 state information systems.

A separate FastAPI application (own process, own port, own OpenAPI document) that answers every
port's requests from the synthetic population tables (persons, families, registrations, income,
property, statuses), so the same people and histories appear consistently in every system. Faults
(latency, errors, timeouts, outages, malformed answers) can be injected per system at start or at
run time, so "the property register is down" can happen in a demo.
"""
