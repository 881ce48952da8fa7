"""The course server follows the class: when the lecturer opens the next section for all
(the console's 「全員に開く」, ``open_section`` of the class J-LIS), the class's pool of
preheated kernels moves to that section (issue 13: pools sized by configuration and by the
console), so forty students arriving there find their kernels ready."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import httpx

from .pools import PoolFiller

__all__ = ["ClassFollower"]

log = logging.getLogger("labkit.serve")


class ClassFollower:
    """Reads the class state every ``interval`` seconds with the lecturer token and moves the
    pool when ``open_section`` changes; an unreachable class server is logged, not fatal."""

    def __init__(self, url: str, token: str, filler: PoolFiller, notebook_of: Callable[[str], str], *,
                 interval: float = 3.0, client: httpx.AsyncClient | None = None) -> None:
        self.url = url.rstrip("/")
        self.filler = filler
        self.notebook_of = notebook_of
        self.interval = interval
        self._client = client or httpx.AsyncClient(timeout=5, headers={"Authorization": f"Bearer {token}"})
        self.section: str | None = None
        self.moves: list[tuple[str, list[str]]] = []  # (section, kernels shut down), for the log and tests

    async def check(self) -> str | None:
        """One look at the class; moves the pool if the lecturer opened another section."""
        try:
            response = await self._client.get(f"{self.url}/api/class/state")
            response.raise_for_status()
            state: dict[str, Any] = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("class state not readable at %s: %s", self.url, exc)
            return self.section
        section = state.get("open_section")
        if isinstance(section, str) and section != self.section:
            try:
                notebook = self.notebook_of(section)
            except SystemExit:  # not a section of this course
                log.warning("the class opened an unknown section %r", section)
                return self.section
            self.section = section
            freed = await self.filler.follow(notebook)
            self.moves.append((section, freed))
            log.info("class opened %s: pool moved to %s (%d idle kernels stopped)", section, notebook, len(freed))
        return self.section

    async def run(self) -> None:
        while True:
            await self.check()
            await asyncio.sleep(self.interval)
