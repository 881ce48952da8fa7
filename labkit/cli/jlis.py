"""``labkit jlis``: run the lab J-LIS as an HTTP server.

``labkit jlis serve [--port 8470] [--host 127.0.0.1] [--db FILE] [--demo] [--now ISO] [--base-url URL]``

* ``--db FILE``: one SQLite file for the PKI store, the J-LIS records and the
  municipality's resident register (the counter of ``/api/counter/...``, demo included)
  (WAL; nothing answered is lost if the process is killed). Default: the shared lab PKI
  (:mod:`labkit.pki.shared`), so certificates made by ``pki demo``, ``card emulate`` and
  ``se emulate --sample-certificates`` are answered here; ``--db :memory:`` keeps
  everything in memory until the process ends.
* ``--now ISO``: run on a simulated clock starting then (naive times are JST); lecturers
  move it with ``POST /api/clock`` (``{"advance_seconds": n}`` or ``{"set": ISO}``). Every
  change is stored, and a restart with the same ``--db`` resumes from the later of ``--now``
  and the stored time (the lab clock never goes back). Without ``--now``: the system clock.
* ``--demo``: fill the sample world (see :mod:`labkit.jlis.demo`) unless the database
  already has it; ``GET /demo`` lists its certificates.
* The certificates point at ``--base-url`` (default ``http://127.0.0.1:<port>``) for CRL,
  OCSP and CA downloads.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..clock import Clock, SimulatedClock, SystemClock, parse_time

__all__ = ["build_server", "register", "serve"]

DEFAULT_PORT = 8470


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("jlis", help="J-LIS サーバ / the lab J-LIS server",
                                   description="J-LIS (地方公共団体情報システム機構) の演習用サーバ")
    sub = parser.add_subparsers(dest="jlis_command", required=True)
    serve_p = sub.add_parser("serve", help="HTTP サーバを起動 / run the HTTP server")
    serve_p.add_argument("--host", default="127.0.0.1", help="listen address (default 127.0.0.1)")
    serve_p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    serve_p.add_argument("--db", default=None,
                         help="SQLite file (default: the shared lab PKI, $LABKIT_PKI_DB or "
                              "~/.local/share/labkit/jlis.db; ':memory:' for none)")
    serve_p.add_argument("--demo", action="store_true", help="fill a sample world / 見本データを作成")
    serve_p.add_argument("--now", default=None, help="start a simulated clock at this ISO time (JST if naive)")
    serve_p.add_argument("--base-url", default=None, help="URL written into certificates")
    serve_p.set_defaults(func=serve)


def build_server(args: argparse.Namespace) -> tuple[Any, Any, Clock]:
    """(Starlette app, JlisService, clock) for ``args``; separate from :func:`serve` for tests."""
    from ..jlis.db import JlisDb
    from ..jlis.demo import build_demo, demo_holders
    from ..jlis.server import CLOCK_META, create_app
    from ..jlis.service import JlisService
    from ..municipality import Municipality, ResidentRegistry
    from ..municipality.service import CounterService
    from ..pki import Jpki
    from ..pki.shared import open_lab_store, resolve_db

    path = resolve_db(args.db)
    store = open_lab_store(path)
    db = JlisDb(path)
    clock: Clock
    if args.now is not None:
        start = parse_time(args.now)
        stored = db.meta(CLOCK_META)
        if stored is not None and parse_time(stored) > start:
            start = parse_time(stored)
        clock = SimulatedClock(start)
        db.set_meta(CLOCK_META, start.isoformat())
    else:
        clock = SystemClock()
    base_url = args.base_url or f"http://{args.host}:{args.port}"
    service = JlisService(Jpki.create(store, clock, base_url=base_url), db)
    registry = ResidentRegistry(path)
    if args.demo:
        build_demo(service, registry)
    counter = CounterService(Municipality(service, registry=registry))

    def remember_clock() -> None:
        db.set_meta(CLOCK_META, clock.now().isoformat())

    app = create_app(service, clock=clock, demo_holders=lambda: demo_holders(service),
                     on_clock_change=remember_clock, counter=counter)
    return app, service, clock


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..pki.shared import resolve_db

    app, service, clock = build_server(args)
    mode = "simulated" if isinstance(clock, SimulatedClock) else "system"
    print(f"J-LIS (lab) http://{args.host}:{args.port}/  db={resolve_db(args.db)}  clock={mode} "
          f"{service.now().isoformat()}", file=sys.stderr, flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0
