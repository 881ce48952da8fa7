"""Each section's pool of preheated kernels, filled one kernel after another within the cap."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from .queue import Gate


class PoolFiller:
    """Fill each section's pool one kernel after another, never beyond the cap.

    Voilà starts a whole pool at once; each start also costs the server's own event loop
    (reading and preparing the notebook), so 40 at once on a busy machine stall the server
    and time out. Here a place is filled only when the previous kernel has started, then
    ``stagger`` seconds later the next, the biggest pool first."""

    def __init__(self, km: Any, pools: dict[str, int], max_kernels: int, stagger: float,
                 fill_delay: float, gate: Gate) -> None:
        self.km = km
        self.pools = pools
        self.max_kernels = max_kernels
        self.stagger = stagger
        self.fill_delay = fill_delay
        self.gate = gate
        self._fill = km.fill_if_needed  # Voilà's own
        self._wanted: set[str] = set()
        self._kwargs: dict[str, dict[str, Any]] = {}
        self._wake: asyncio.Event | None = None
        self._worker: asyncio.Task[None] | None = None

    def size(self, notebook: str) -> int:
        return self.pools.get(notebook, self.pools["default"])

    def fill(self, delay: float | None = None, notebook_name: str | None = None, **kwargs: Any) -> None:
        """Replaces Voilà's ``fill_if_needed``: ask for the pool to be topped up after ``delay``."""
        if notebook_name is None or self.size(notebook_name) <= 0:
            return
        self._kwargs[notebook_name] = kwargs
        loop = asyncio.get_event_loop()
        wait = self.fill_delay if delay is None else delay
        if wait > 0:
            loop.call_later(wait, self._want, notebook_name)
        else:
            self._want(notebook_name)

    def _want(self, notebook: str) -> None:
        self._wanted.add(notebook)
        if self._wake is None:
            self._wake = asyncio.Event()
        self._wake.set()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_event_loop().create_task(self._run())

    def missing(self, notebook: str) -> int:
        return self.size(notebook) - len(self.km._pools.get(notebook, []))

    def next_notebook(self) -> str | None:
        """The biggest wanted pool still short of kernels, if the cap leaves room."""
        if self.gate.total() >= self.max_kernels:
            return None
        short = [n for n in self._wanted if self.missing(n) > 0]
        self._wanted = set(short)
        return max(short, key=lambda n: (self.size(n), self.missing(n)), default=None)

    def start_one(self, notebook: str) -> Any:
        """One more kernel in ``notebook``'s pool, through Voilà (its task is returned)."""
        config = self.km.kernel_pools_config
        pool = self.km._pools.setdefault(notebook, [])
        try:
            self.km.kernel_pools_config = {**config, notebook: {**config.get(notebook, {}),
                                                                "pool_size": len(pool) + 1}}
            self._fill(delay=0, notebook_name=notebook, **self._kwargs.get(notebook, {}))
        finally:
            self.km.kernel_pools_config = config
        return pool[-1] if pool else None

    async def _run(self) -> None:
        while True:
            notebook = self.next_notebook()
            if notebook is None:
                assert self._wake is not None
                self._wake.clear()
                if not self._wanted:
                    return
                try:  # full: look again when a kernel goes or a fill is asked for
                    await asyncio.wait_for(self._wake.wait(), 5)
                except TimeoutError:
                    pass
                continue
            task = self.start_one(notebook)
            if task is not None:
                try:
                    await task
                except Exception:
                    await asyncio.sleep(self.stagger * 4)
            await asyncio.sleep(self.stagger)

    async def follow(self, notebook: str) -> list[str]:
        """The lecturer opened ``notebook``'s section for all (the console's 「全員に開く」): it
        takes the class's pool size, the other sections' class pools stop refilling and their
        idle preheated kernels are shut down, making room under the cap for the new section's.
        Kernels serving a page are not touched. Returns the ids of the kernels shut down."""
        named = {n: size for n, size in self.pools.items() if n != "default"}
        size = max(named.values(), default=0)
        if size <= 0 or (named.get(notebook) == size and sum(named.values()) == size):
            return []
        for n in named:
            self.pools[n] = 0
        self.pools[notebook] = size
        idle = [task.result()["kernel_id"] for n in named if n != notebook
                for task in list(self.km._pools.get(n, []))
                if task.done() and not task.cancelled() and task.exception() is None]
        for kernel_id in idle:
            await self.km.shutdown_kernel(kernel_id)
        self.fill(delay=0, notebook_name=notebook)
        return idle

    def refill_all(self, delay: float = 0) -> None:
        for notebook in self.notebooks():
            self.fill(delay=delay, notebook_name=notebook)

    def notebooks(self) -> list[str]:
        """The notebooks with a pool, the biggest pool (the class's section) first."""
        root = Path(self.km.root_dir)
        names = sorted(str(p.relative_to(root)) for p in root.rglob("*.ipynb")
                       if ".ipynb_checkpoints" not in p.parts)
        return sorted((n for n in names if self.size(n) > 0), key=lambda n: -self.size(n))
