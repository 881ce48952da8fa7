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
- **the class's pool follows the lecturer** (class mode, :mod:`.follow`): when the console
  opens the next section for all, the class-size pool moves there and the old section's
  idle preheated kernels are stopped;
- **keys**: ``LABKIT_KEY_POOL`` points the kernels at a key pool that a low-priority
  background process keeps stocked (:mod:`labkit.keypool`).

Usage: ``python -m labkit.serve notebooks/ [voila options] [--pool ID=N ...] [--max-kernels N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import keypool
from ..course import INDEX, SECTIONS
from .follow import ClassFollower
from .pools import PoolFiller
from .queue import QUEUE_COOKIE, REFRESH_SECONDS, Gate, full_page, handler_classes

__all__ = ["QUEUE_COOKIE", "REFRESH_SECONDS", "ClassFollower", "Gate", "PoolFiller", "cell_timeout", "follow_the_class",
           "full_page", "main"]


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


def follow_the_class(filler: PoolFiller, env: Mapping[str, str] | None = None) -> ClassFollower | None:
    """In class mode (``make class``: LABKIT_JLIS, LABKIT_CLASS_CODE and the lecturer token in
    the environment) the class pool follows the section the lecturer opens for all."""
    env = os.environ if env is None else env
    url, code, token = (env.get(k, "") for k in ("LABKIT_JLIS", "LABKIT_CLASS_CODE", "LABKIT_LECTURER_TOKEN"))
    if not (url and code and token):
        return None
    follower = ClassFollower(url, token, filler, notebook_of)
    asyncio.get_event_loop().call_soon(lambda: asyncio.ensure_future(follower.run()))
    return follower


def course_voila_class() -> Any:
    from voila.app import Voila

    class CourseVoila(Voila):
        labkit_options: argparse.Namespace

        def init_settings(self) -> dict[str, Any]:
            settings = super().init_settings()
            # traitlets leaves the logger at DEBUG and filters in the handler: every kernel
            # message then built a debug record only to drop it (~4 % of the server's CPU).
            self.log.setLevel(self.log_level)
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
                follow_the_class(filler)
            settings["labkit_gate"] = gate
            return settings

        def init_handlers(self) -> list[Any]:
            from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler
            from voila.tornado.handler import TornadoVoilaHandler

            queued, beacon = handler_classes()
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
    return Path(os.environ.get("LABKIT_VOILA_CONFIG", Path(__file__).resolve().parents[2] / "voila.json"))


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
    """Keep the key pool stocked from a child process on idle CPU time until ``stop``."""
    while not stop.is_set():
        if keypool.size(path) < count // 2:
            subprocess.run([sys.executable, "-m", "labkit.keypool", "fill", str(path), "--count", str(count),
                            "--parent", str(os.getpid())], check=False, stdout=subprocess.DEVNULL)
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
