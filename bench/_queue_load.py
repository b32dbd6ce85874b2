"""Load generator for the queue bench, run as its own process (``python -m bench._queue_load``).

Reads a JSON job on stdin: base URL, the path (``/api/v1/queue/position``, the JSON position
lookup, or ``/citizen/queue``, the page with the list, number and why it changed), the citizens'
session cookies with their expected numbers, the number of concurrent clients, how many requests in
all and for at most how long, and the mean think time of a client between two requests. Each
client is one citizen's browser (its own cookie). Every answer is checked to carry the citizen's
number. Prints one JSON line: latencies in ms of every answered request, errors by kind, wall time.
"""

from __future__ import annotations

import asyncio
import json
import random
import sys
import time
from typing import Any

import httpx


async def _client(
    base_url: str,
    cookies: list[tuple[str, int]],
    index: int,
    job: dict[str, Any],
    stop: float,
    budget: list[int],
    latencies: list[float],
    errors: dict[str, int],
) -> None:
    rng = random.Random(job.get("seed", 1) * 1000 + index)
    think = float(job["think_ms"]) / 1000
    async with httpx.AsyncClient(base_url=base_url, timeout=30.0) as client:
        while time.monotonic() < stop and budget[0] > 0:
            budget[0] -= 1
            cookie, position = cookies[rng.randrange(len(cookies))]
            started = time.perf_counter()
            try:
                response = await client.get(job["path"], headers={"Cookie": cookie, "Accept-Language": "kk"})
                elapsed = (time.perf_counter() - started) * 1000
                expected = (
                    f'"position":{position},'
                    if job["path"].startswith("/api/")
                    else f'id="queue-position">{position}<'
                )
                if response.status_code != 200:
                    errors[f"http_{response.status_code}"] = errors.get(f"http_{response.status_code}", 0) + 1
                elif expected not in response.text:
                    errors["position_missing"] = errors.get("position_missing", 0) + 1
                else:
                    latencies.append(elapsed)
            except httpx.HTTPError as exc:
                errors[type(exc).__name__] = errors.get(type(exc).__name__, 0) + 1
            if think:
                await asyncio.sleep(rng.expovariate(1 / think))


async def run(job: dict[str, Any]) -> dict[str, Any]:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    budget = [int(job["requests"])]
    started = time.monotonic()
    stop = started + float(job["seconds"])
    cookies = [(c, int(p)) for c, p in job["cookies"]]
    await asyncio.gather(
        *(
            _client(job["base_url"], cookies, i, job, stop, budget, latencies, errors)
            for i in range(int(job["clients"]))
        )
    )
    return {"latencies_ms": latencies, "errors": errors, "wall_s": time.monotonic() - started}


def main() -> None:
    job = json.loads(sys.stdin.read())
    print(json.dumps(asyncio.run(run(job))))


if __name__ == "__main__":
    main()
