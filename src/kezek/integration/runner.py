"""Running the asynchronous state-data calls from synchronous services.

A service called from a thread that already runs an event loop (an async caller, or a test tool that
keeps one open in the main thread) cannot use ``asyncio.run`` there; the calls then run on their own
loop in a short-lived worker thread, and the caller waits for the result either way.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_sync(coroutine: Coroutine[Any, Any, T]) -> T:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="kezek-state-data") as pool:
        return pool.submit(asyncio.run, coroutine).result()
