"""State information systems: one port per system, an HTTP adapter, consent, the request log.

The ports (`ports.py`) are typed interfaces with one pydantic schema per system (`schemas.py`). The
HTTP adapter (`http.py`) talks to the real endpoints or, on the embedded default, to the sandbox
emulator (`kezek.sandbox`). Around every call: timeouts, retries with backoff for safe reads, a
circuit breaker per system, the request log (who asked, why, which IIN, which consent) and the
answer stored as received so that decisions can cite their data.
"""
