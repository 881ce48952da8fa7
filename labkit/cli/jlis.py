"""``labkit jlis``: run the lab J-LIS as an HTTP server.

``labkit jlis serve [--port 8470] [--host 127.0.0.1] [--db FILE] [--demo] [--now ISO] [--base-url URL] [--class]``

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
* ``--demo``: fill the sample world (see :mod:`labkit.office.demo`) unless the database
  already has it; ``GET /demo`` lists its certificates.
* The certificates point at ``--base-url`` (default ``http://127.0.0.1:<port>``) for CRL,
  OCSP and CA downloads.
* ``--class``: class mode (issue 12, :mod:`labkit.office.class_guard`): prints the class code
  and the lecturer token (taken from ``LABKIT_CLASS_CODE`` / ``LABKIT_LECTURER_TOKEN`` if set,
  else the ones stored in ``--db``, else new ones); students join with the code and a nickname
  and act only on what they created, each on its own simulated time. Without ``--class`` the
  server is single-user and refuses a non-loopback ``--host``.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from typing import TYPE_CHECKING, Any

from ..clock import SimulatedClock
from ..errors import InputError
from ..i18n import Text

if TYPE_CHECKING:
    from ..office.compose import Office

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
    serve_p.add_argument("--class", dest="class_mode", action="store_true",
                         help="class mode: roles, tokens, per-student clocks / 授業モード (講師・学生トークン)")
    serve_p.set_defaults(func=serve)


def build_server(args: argparse.Namespace) -> Office:
    """The office for ``args`` (its ``app()`` is what :func:`serve` runs; separate for tests)."""
    from ..office.classroom import ClassSetup
    from ..office.compose import Office, lab_clock
    from ..pki.shared import resolve_db

    class_mode = bool(getattr(args, "class_mode", False))
    if not class_mode and not _loopback(args.host):
        raise InputError(Text(f"--class なしでは 127.0.0.1 などループバックでしか待ち受けません (--host {args.host})。"
                              "教室で共有するなら --class を付けてください",
                              f"without --class the server listens on loopback only (--host {args.host}); "
                              "add --class to share it with a class"), host=args.host)
    classroom = ClassSetup(os.environ.get("LABKIT_CLASS_CODE") or None,
                           os.environ.get("LABKIT_LECTURER_TOKEN") or None) if class_mode else None
    db = resolve_db(args.db)  # the shared lab PKI unless told otherwise
    clock = lab_clock(db, args.now)
    return Office.in_process(clock, db=db, demo=args.demo, base_url=args.base_url or
                             f"http://{args.host}:{args.port}", classroom=classroom)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from ..pki.shared import resolve_db

    try:
        office = build_server(args)
    except InputError as exc:
        print(f"labkit: {exc.text.ja}\nlabkit: {exc.text.en}", file=sys.stderr)
        return 2
    mode = "simulated" if isinstance(office.clock, SimulatedClock) else "system"
    print(f"J-LIS (lab) http://{args.host}:{args.port}/  db={resolve_db(args.db)}  clock={mode} "
          f"{office.jlis.now().isoformat()}", file=sys.stderr, flush=True)
    if office.classroom is not None:
        print(f"授業モード / class mode\n"
              f"  クラスコード / class code:        {office.classroom.code}\n"
              f"  講師トークン / lecturer token:    {office.classroom.lecturer_token}\n"
              f"  (学生はクラスコードとニックネームで参加します / students join with the class code and a nickname)",
              flush=True)
    uvicorn.run(office.app(), host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0
