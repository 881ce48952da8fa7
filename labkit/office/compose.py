"""The one composition root of the back office. :class:`Office` is what the phones, the
services, the world and the labs get: J-LIS's phone-facing API, the municipal counter's API
and the lab clock — in process (:meth:`Office.in_process`) or from a shared server
(:meth:`Office.remote`), the same contracts either way.

This is the only module that builds :class:`~labkit.jlis.JlisService`,
:class:`~labkit.municipality.Municipality`, :class:`~labkit.municipality.CounterService`
and the HTTP clients. The privileges are split here: the municipality gets J-LIS's counter
operations (``service.counter``), the phones only the :class:`JlisApi`.
"""

from __future__ import annotations

import socket
import sys
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.applications import Starlette

from ..clock import LabClock, SimulatedClock, SystemClock, parse_time
from ..errors import ServiceError
from ..i18n import Text
from ..jlis import DEFAULT_PUSH_POLICY, JlisDb, JlisService, PushPolicy
from ..municipality import CounterService, Municipality, ResidentRegistry
from ..pki import CaKind, Jpki, MemoryStore, SqliteStore, Store
from .class_access import ClassContext, ClassCounter, ClassJlis, Ownership
from .class_clock import ClassClock
from .class_guard import class_guards
from .class_routes import mount_class
from .classroom import CA_MARGIN, ClassSetup, ClassStore
from .clock_guard import store_validity, valid_start
from .contract import CounterApi, JlisApi
from .demo import IMMEDIATE_PUSH, build_demo, demo_listing
from .http import HttpCounter, HttpJlis, RemoteClock
from .server import create_app

__all__ = ["CLOCK_META", "Office", "lab_clock"]

#: Where a server keeps its simulated clock (``--db``), so a restart resumes from it.
CLOCK_META = "simulated_clock"


def lab_clock(db: str | None, now: str | None) -> LabClock:
    """``now`` given: a simulated clock starting then, or later if ``db`` stored a later time
    (the lab clock never goes back); else the system clock. A time outside the validity of the
    lab CA in ``db`` (review F2: a clock pushed to 9999) never stops a restart: a bilingual
    warning on stderr, and the clock starts from ``now`` or the nearest valid time."""
    if now is None:
        return SystemClock()
    given = start = parse_time(now)
    if db is not None:
        stored = JlisDb(db).meta(CLOCK_META)
        with suppress(ValueError):  # an unreadable stored clock: start from ``now`` (the warning below names it)
            if stored is not None and parse_time(stored) > start:
                start = parse_time(stored)
        store = SqliteStore(db)
        try:
            start, warning = valid_start(start, given, store_validity(store))
        finally:
            store.close()
        if warning is not None:
            print(f"labkit: {warning.ja}\nlabkit: {warning.en}", file=sys.stderr)
    return SimulatedClock(start)


class Office:
    """J-LIS (``jlis``), the municipal counter (``counter``) and the lab ``clock``. ``shared``
    says other kernels use the same office (they make the same sample people)."""

    def __init__(self, jlis: JlisApi, counter: CounterApi, clock: LabClock, *, shared: bool = False,
                 app: Callable[[], Starlette] | None = None, close: Callable[[], None] | None = None,
                 classroom: ClassContext | None = None) -> None:
        self.jlis = jlis
        self.counter = counter
        self.clock = clock
        self.shared = shared
        #: Class mode (issue 12): the class code, lecturer token, class store and clocks.
        self.classroom = classroom
        self._app = app
        self._close = close
        self._server: tuple[Any, str, threading.Thread, socket.socket] | None = None

    @classmethod
    def in_process(cls, clock: LabClock, *, db: str | None = None, demo: bool = False, base_url: str | None = None,
                   push_policy: PushPolicy | None = None,
                   key_factory: Callable[[], rsa.RSAPrivateKey] | None = None,
                   classroom: ClassSetup | None = None) -> Office:
        """J-LIS and the city office (清瀬市) on ``clock``; ``db`` keeps the PKI, J-LIS and the
        resident register in one SQLite file (else memory); ``demo`` fills the sample world.
        ``classroom``: class mode (issue 12): the app is guarded (roles, tokens, ownership) and
        J-LIS runs on a :class:`~labkit.office.classroom.ClassClock` (each student's own time)."""
        path = db or ":memory:"
        store: Store = SqliteStore(path) if db else MemoryStore()
        options: dict[str, Any] = {"base_url": base_url} if base_url else {}
        if key_factory is not None:
            options["key_factory"] = key_factory
        class_store = ClassStore(path) if classroom is not None else None
        holder: list[Jpki] = []
        jlis_clock: LabClock = clock
        if class_store is not None:
            jlis_clock = ClassClock(clock, class_store, lambda: min(
                holder[0].ca(kind).certificate.not_valid_after_utc for kind in CaKind) - CA_MARGIN,
                on_change=lambda: remember_clock())
        jpki = Jpki.create(store, jlis_clock, **options)
        holder.append(jpki)
        records = JlisDb(path)
        service = JlisService(jpki, records, push_policy=push_policy or DEFAULT_PUSH_POLICY)
        registry = ResidentRegistry(path)
        if demo:
            fast = JlisService(jpki, records, push_policy=IMMEDIATE_PUSH, device_policy=service.core.device_policy)
            build_demo(fast, Municipality(fast.counter, registry=registry), records)
        counter = CounterService(Municipality(service.counter, registry=registry))

        def remember_clock() -> None:
            if db is not None and isinstance(clock, SimulatedClock):
                records.set_meta(CLOCK_META, clock.now().isoformat())

        remember_clock()

        if classroom is None or class_store is None or not isinstance(jlis_clock, ClassClock):
            def app() -> Starlette:
                return create_app(service, counter, clock, demo=lambda: demo_listing(service),
                                  on_clock_change=remember_clock)
            return cls(service, counter, clock, app=app)
        code, token = class_store.credentials(classroom.code, classroom.lecturer_token)
        access = Ownership(class_store, service, jlis_clock)
        ctx = ClassContext(code, token, class_store, jlis_clock, access, ClassJlis(service, access),
                           ClassCounter(counter, access))

        def class_app() -> Starlette:
            return mount_class(create_app(ctx.jlis, ctx.counter, jlis_clock, demo=lambda: demo_listing(service),
                                          on_clock_change=remember_clock, guards=class_guards(ctx)), ctx)
        return cls(ctx.jlis, ctx.counter, jlis_clock, app=class_app, classroom=ctx)

    @classmethod
    def remote(cls, url: str, *, client: httpx.Client | None = None, token: str | None = None) -> Office:
        """The office of a shared ``labkit jlis serve`` at ``url`` (``client``: e.g. a test client;
        ``token``: a class server's student or lecturer token, sent on every call)."""
        jlis = HttpJlis(url, client=client, token=token)
        return cls(jlis, HttpCounter(jlis), RemoteClock(jlis), shared=True, close=jlis.close)

    def app(self) -> Starlette:
        """The HTTP app over this office (in process only)."""
        if self._app is None:
            raise ServiceError(Text("共有 J-LIS に接続したワールドは提供できません",
                                    "a world connected to a shared J-LIS cannot serve one"), reason="unavailable")
        return self._app()

    def serve(self, port: int = 0) -> str:
        """Serve this office over HTTP (``labkit jlis serve`` in a thread) on the loopback
        interface and return its URL: other kernels pass it as ``World.create(jlis=URL)``."""
        if self._server is not None:
            return self._server[1]
        import uvicorn

        app = self.app()
        sock = socket.create_server(("127.0.0.1", port))
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # accepted sockets inherit it (Linux)
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="jlis-http", daemon=True)
        thread.start()
        while not server.started and thread.is_alive():
            threading.Event().wait(0.01)
        self._server = (server, url, thread, sock)
        return url

    def close(self) -> None:
        if self._server is not None:
            server, _, thread, sock = self._server
            server.should_exit = True
            thread.join(timeout=5)
            sock.close()
            self._server = None
        if self._close is not None:
            self._close()
