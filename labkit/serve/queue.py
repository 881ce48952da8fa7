"""The cap's first-come queue (:class:`Gate`), its waiting page and the Voilà handlers that
use it (the page's unload beacon accepted, voila#1458)."""

from __future__ import annotations

import asyncio
import html
import itertools
import time
from collections import OrderedDict
from typing import Any

QUEUE_COOKIE = "labkit_queue"
REFRESH_SECONDS = 5


def full_page(position: int) -> str:
    """The waiting page: Japanese first, English below; it asks again by itself."""
    ja = "満員です。しばらくお待ちください。"
    en = "The class is full, please wait."
    where_ja = f"順番待ち: {position}番目" if position else ""
    where_en = f"You are number {position} in the queue." if position else ""
    return f"""<!DOCTYPE html>
<html lang="ja"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="{REFRESH_SECONDS}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>満員です / The class is full</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto;line-height:1.6">
<h1 class="labkit-full" style="font-size:1.4em">{html.escape(ja)}</h1>
<p>{html.escape(where_ja)}</p>
<p lang="en">{html.escape(en)} {html.escape(where_en)}</p>
<p style="color:#555;font-size:.9em">
このページは {REFRESH_SECONDS} 秒ごとに自動で開き直します。閉じると順番は失われます。
<span lang="en">This page retries every {REFRESH_SECONDS} s by itself; closing it gives up your place.</span></p>
</body></html>"""


class Gate:
    """Admission to a page: kernels in use below the cap, and first come first served."""

    def __init__(self, km: Any, max_kernels: int, hold: float) -> None:
        self.km = km
        self.max_kernels = max_kernels
        self.hold = hold
        self.reserved = 0  # admitted requests that will start a kernel of their own
        self._tickets = itertools.count(1)
        self._waiting: OrderedDict[int, float] = OrderedDict()
        self.turned_away = 0

    def pooled(self, notebook: str | None = None) -> int:
        """Pool kernels, started or starting, not yet serving anyone (of ``notebook``)."""
        pools = getattr(self.km, "_pools", {})
        return len(pools.get(notebook, ())) if notebook else sum(len(p) for p in pools.values())

    def total(self) -> int:
        """All kernels, running or being started for a pool."""
        pending = sum(1 for p in getattr(self.km, "_pools", {}).values() for t in p if not t.done())
        return len(self.km.list_kernel_ids()) + pending

    def serving(self) -> int:
        """Kernels serving pages (not pooled)."""
        return max(0, self.total() - self.pooled())

    def _expire(self, now: float) -> None:
        stale = [t for t, seen in self._waiting.items() if now - seen > 3 * REFRESH_SECONDS + self.hold]
        for t in stale:
            del self._waiting[t]

    async def admit(self, ticket: int | None, notebook: str | None = None) -> tuple[bool, int, int, bool]:
        """Wait up to ``hold`` seconds for a place: (admitted, ticket, position, reserved).
        A page that takes a pooled kernel adds none; one that starts its own reserves a place
        until it is served (its kernel is then counted)."""
        if ticket is None or ticket not in self._waiting:
            ticket = next(self._tickets)
        deadline = time.monotonic() + self.hold
        while True:
            now = time.monotonic()
            self._waiting[ticket] = now
            self._expire(now)
            position = list(self._waiting).index(ticket) + 1
            if position == 1:
                if self.pooled(notebook) > 0:  # Voilà pops it before anything else can run
                    del self._waiting[ticket]
                    return True, ticket, 0, False
                if self.total() + self.reserved < self.max_kernels:
                    del self._waiting[ticket]
                    self.reserved += 1
                    return True, ticket, 0, True
            if now >= deadline:
                self.turned_away += 1
                return False, ticket, position, False
            await asyncio.sleep(0.2)

    def done(self, reserved: bool) -> None:
        if reserved:
            self.reserved -= 1


def handler_classes() -> tuple[type, type]:
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
    from voila.tornado.handler import TornadoVoilaHandler

    class QueuedVoilaHandler(TornadoVoilaHandler):
        async def get(self, path: str | None = None) -> None:
            gate: Gate = self.settings["labkit_gate"]
            raw = self.get_cookie(QUEUE_COOKIE)
            ticket = int(raw) if raw and raw.isdigit() else None
            ok, ticket, position, reserved = await gate.admit(ticket, path)
            if not ok:
                self.set_cookie(QUEUE_COOKIE, str(ticket), httponly=True, samesite="Lax")
                self.set_status(503)
                self.set_header("Retry-After", str(REFRESH_SECONDS))
                self.set_header("Cache-Control", "no-store")
                self.finish(full_page(position))
                return
            if raw:
                self.clear_cookie(QUEUE_COOKIE)
            try:
                await super().get(path)
            finally:
                gate.done(reserved)

    class BeaconShutdownHandler(VoilaShutdownKernelHandler):
        def check_xsrf_cookie(self) -> None:
            """The page's unload beacon carries no XSRF token (voila#1458); it can only
            name a kernel id, which is random and known only to that page."""

    return QueuedVoilaHandler, BeaconShutdownHandler
