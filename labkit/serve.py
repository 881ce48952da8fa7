"""Serve the course to a class with Voilà: preheated kernels per section, a cap with a
waiting queue, culling, and a shared RSA key pool (``make run``).

Voilà alone starts one kernel per page view, on demand: when a class opens a lab together
every kernel starts and imports at once, and a 2-core machine falls behind (Voilà's
"Kernel didn't respond in 60 seconds"), while nothing bounds the number of kernels. Here:

- **pools per section** (``--pool 2-3=40 --pool default=1``): Voilà's preheating keeps that
  many kernels per notebook started, imported and holding their RSA keys
  (:mod:`labkit.preheat`); they are started a few at a time (``--stagger``) so that
  starting them does not itself overload the machine, and refilled ``--fill-delay``
  seconds after use, never beyond the cap;
- **a cap** (``--max-kernels``) on all kernels, pooled or serving a page. A page request
  beyond it waits in a first-come queue, first on the server for ``--hold`` seconds,
  then on a bilingual page 「満員です。しばらくお待ちください」 / "The class is full, please
  wait" that asks again every few seconds and keeps its place (a cookie ticket);
- **culling** as in ``voila.json`` (idle kernels of closed pages go after 10 minutes), and
  the page's own shutdown on close, which Voilà 0.5 refuses for want of an XSRF token
  (voila#1458): here the kernel shutdown beacon is accepted (it names a random kernel id);
- **keys**: ``LABKIT_KEY_POOL`` points the kernels at a key pool that a low-priority
  background process keeps stocked (:mod:`labkit.keypool`).

Usage: ``python -m labkit.serve notebooks/ [voila options] [--pool ID=N ...] [--max-kernels N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import itertools
import os
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import keypool
from .course import INDEX, SECTIONS

QUEUE_COOKIE = "labkit_queue"
REFRESH_SECONDS = 5


def notebook_of(section_id: str) -> str:
    """``2-3`` → ``2-3_apply.ipynb`` (``default`` stays ``default``)."""
    if section_id == "default":
        return section_id
    for sec in (INDEX, *SECTIONS):
        if section_id in (sec.id, sec.notebook):
            return sec.notebook
    raise SystemExit(f"--pool: no such section {section_id!r} (use e.g. 2-3=40 or default=1)")


def parse_pools(items: Sequence[str]) -> dict[str, int]:
    pools: dict[str, int] = {"default": 0}
    for item in items:
        key, _, value = item.partition("=")
        if not value.isdigit():
            raise SystemExit(f"--pool {item!r}: write SECTION=N, e.g. 2-3=40")
        pools[notebook_of(key.strip())] = int(value)
    return pools


# --------------------------------------------------------------------------- the queue

def full_page(position: int, lang_hint: str = "") -> str:
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
        self.admitted = 0
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
                    self.admitted += 1
                    return True, ticket, 0, False
                if self.total() + self.reserved < self.max_kernels:
                    del self._waiting[ticket]
                    self.reserved += 1
                    self.admitted += 1
                    return True, ticket, 0, True
            if now >= deadline:
                self.turned_away += 1
                return False, ticket, position, False
            await asyncio.sleep(0.2)

    def done(self, reserved: bool) -> None:
        if reserved:
            self.reserved -= 1


def _handler_classes() -> tuple[type, type]:
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


# --------------------------------------------------------------------------- pools

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

    def refill_all(self, delay: float = 0) -> None:
        for notebook in self.notebooks():
            self.fill(delay=delay, notebook_name=notebook)

    def notebooks(self) -> list[str]:
        """The notebooks with a pool, the biggest pool (the class's section) first."""
        root = Path(self.km.root_dir)
        names = sorted(str(p.relative_to(root)) for p in root.rglob("*.ipynb")
                       if ".ipynb_checkpoints" not in p.parts)
        return sorted((n for n in names if self.size(n) > 0), key=lambda n: -self.size(n))


def course_voila_class() -> Any:
    from voila.app import Voila

    class CourseVoila(Voila):
        labkit_options: argparse.Namespace

        def init_settings(self) -> dict[str, Any]:
            settings = super().init_settings()
            opts = self.labkit_options
            km = self.kernel_manager
            gate = Gate(km, opts.max_kernels, opts.hold)
            if self.voila_configuration.preheat_kernel:
                filler = PoolFiller(km, opts.pools, opts.max_kernels, opts.stagger, opts.fill_delay, gate)
                km.fill_if_needed = filler.fill
                shutdown = km.shutdown_kernel

                async def shutdown_and_refill(kernel_id: str, *args: Any, **kwargs: Any) -> None:
                    await shutdown(kernel_id, *args, **kwargs)
                    filler.refill_all(delay=opts.fill_delay)  # a culled kernel frees a place

                km.shutdown_kernel = shutdown_and_refill
                filler.refill_all(delay=0)
            settings["labkit_gate"] = gate
            return settings

        def init_handlers(self) -> list[Any]:
            from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
            from voila.tornado.handler import TornadoVoilaHandler

            queued, beacon = _handler_classes()
            swap = {TornadoVoilaHandler: queued, VoilaShutdownKernelHandler: beacon}
            return [(h[0], swap.get(h[1], h[1]), *h[2:]) for h in super().init_handlers()]

    return CourseVoila


# --------------------------------------------------------------------------- cell timeout

#: VoilaExecutor.timeout of voila.json, for every cell but the one that waits for the student.
_cell_timeout: int | None = 120


def cell_timeout(cell: Any) -> int | None:
    """``VoilaExecutor.timeout_func``: a preheated kernel's ``course.setup`` cell waits for
    its student as long as it takes (with Voilà's one timeout for all cells, a pool kernel
    that waited 120 s broke its page); every other cell keeps the configured timeout."""
    return None if "course.setup(" in cell.get("source", "") else _cell_timeout


def course_config_file() -> Path:
    """The course's voila.json (template, culling, timeouts): ``$LABKIT_VOILA_CONFIG``, else
    the repository's, so that a server started elsewhere (a hub spawns it in the student's
    home) serves the same course."""
    return Path(os.environ.get("LABKIT_VOILA_CONFIG", Path(__file__).resolve().parents[1] / "voila.json"))


def _load(path: Path) -> dict[str, Any]:
    import json

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _configured_timeout(path: Path | None = None) -> int | None:
    value = _load(path or course_config_file()).get("VoilaExecutor", {}).get("timeout", 120)
    return int(value) if value else None


# --------------------------------------------------------------------------- keys

def stock_keys(path: Path, count: int, stop: threading.Event, every: float = 30) -> None:
    """Keep the key pool stocked from a low-priority child process until ``stop``."""
    while not stop.is_set():
        if keypool.size(path) < count // 2:
            subprocess.run(["nice", "-n", "15", sys.executable, "-m", "labkit.keypool", "fill", str(path),
                            "--count", str(count)], check=False, stdout=subprocess.DEVNULL)
        stop.wait(every)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m labkit.serve", description=__doc__.splitlines()[0],
                                     epilog="Other options go to Voilà (e.g. notebooks/ --port=8866).")
    parser.add_argument("--pool", action="append", default=[], metavar="SECTION=N",
                        help="preheated kernels for a section (or default=N for every notebook)")
    parser.add_argument("--max-kernels", type=int, default=60, help="cap on all kernels (default 60)")
    parser.add_argument("--hold", type=float, default=10, help="seconds a request waits before the full page")
    parser.add_argument("--stagger", type=float, default=0.5, help="pause between pool kernel starts (s)")
    parser.add_argument("--fill-delay", type=float, default=15, help="seconds before a used pool place refills")
    parser.add_argument("--key-pool", type=Path, default=None,
                        help="RSA key pool file kept stocked in the background (LABKIT_KEY_POOL)")
    parser.add_argument("--keys", type=int, default=200, help="keys the pool is kept at")
    parser.add_argument("--no-preheat", action="store_true", help="plain Voilà kernels (cap and queue kept)")
    opts, voila_argv = parser.parse_known_args(argv)
    opts.pools = parse_pools(opts.pool)
    if sum(opts.pools.values()) > opts.max_kernels and not opts.no_preheat:
        print(f"note: the pools ask for {sum(opts.pools.values())} kernels, more than --max-kernels "
              f"{opts.max_kernels}; they fill up to the cap", file=sys.stderr)
    stop = threading.Event()
    if opts.key_pool is not None:
        os.environ[keypool.ENV] = str(opts.key_pool.resolve())
        threading.Thread(target=stock_keys, args=(opts.key_pool, opts.keys, stop), daemon=True,
                         name="key-pool").start()
    from traitlets.config import Config

    config = Config(_load(course_config_file()))  # a voila.json in the working directory still wins
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")  # kernels inherit it: fewer idle malloc arenas
    if not opts.no_preheat:
        global _cell_timeout
        _cell_timeout = _configured_timeout()
        config.VoilaExecutor.timeout_func = cell_timeout
        config.VoilaConfiguration.preheat_kernel = True
        # Voilà's own initial fill would start every pool at once: PoolFiller does it.
        config.VoilaKernelManager.kernel_pools_config = {"default": {"pool_size": 0}}
    app = course_voila_class()
    app.labkit_options = opts
    try:
        app.launch_instance(list(voila_argv), config=config)
    finally:
        stop.set()
    return 0


if __name__ == "__main__":
    sys.exit(main())
