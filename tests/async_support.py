"""Run a coroutine to completion from a synchronous test, even when the session already has a
running event loop in the main thread (pytest-playwright's sync API keeps one for the browser
tests, and ``asyncio.run`` refuses to start inside it): the coroutine gets a fresh loop in a
worker thread."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, coro).result()
