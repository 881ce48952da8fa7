"""The class guard (issue 12): Starlette middleware mounted on each router of the server
(:func:`~labkit.office.server.create_app`'s ``guards``) in ``labkit jlis serve --class``.

For every request it

1. authenticates: no ``Authorization`` header is the public; ``Bearer <token>`` is the lecturer
   (``hmac.compare_digest`` with the lecturer token) or a student (SHA-256 of the token against
   the stored hashes, also ``compare_digest``); any other header is 401 ``unauthenticated``, an
   unknown token 403 ``forbidden``;
2. authorises by role (ownership is :mod:`labkit.office.class_access`'s): public = CA
   certificates, CRLs, OCSP, ``/certs/…``, ``GET /api/clock`` and ``POST /api/class/join``;
   every other J-LIS and counter endpoint needs a student or the lecturer (401 without a
   token); ``/demo`` and the lecturer part of ``/api/class`` the lecturer (403 for a student);
3. sets :data:`~labkit.office.classroom.ACTING` and, for a student,
   :data:`~labkit.office.classroom.CLOCK_OF`, so J-LIS work for the request runs on the
   student's time (Starlette's ``run_in_threadpool`` carries the context into the worker);
4. answers ``/api/clock`` itself: a student reads and moves its own time, the lecturer the class
   time, and nothing moves past the lab CA's validity (never a 500);
5. logs each authenticated student request (action, real and simulated time, the outcome) for
   the lecturer console.
"""

from __future__ import annotations

import hmac
import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse

from ..clock import SimulatedClock, parse_time
from ..errors import LabkitError
from ..i18n import Text
from .class_access import ClassContext
from .classroom import Actor, Role, acting
from .http_guard import parse_json, read_body
from .refusals import Refusal, refuse
from .wire import encode, error_body

__all__ = ["ClassGuard", "action_of", "authenticate", "class_guards", "error_response", "json_body"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
MAX_CLASS_BODY = 16 * 1024
log = logging.getLogger("labkit.office.class_guard")

#: (method, path pattern, action name) of the requests logged for the lecturer console.
_ACTIONS: list[tuple[str, re.Pattern[str], str]] = [(m, re.compile(p), a) for m, p, a in (
    ("POST", r"^/api/applications$", "submit_application"),
    ("POST", r"^/api/applications/card-found$", "lift_suspension_by_card"),
    ("GET", r"^/api/applications/[^/]+/registration$", "fetch_registration"),
    ("POST", r"^/api/applications/[^/]+/confirm$", "confirm_registration"),
    ("POST", r"^/api/devices/[^/]+/poll$", "poll"),
    ("GET", r"^/api/devices/[^/]+$", "device_status"),
    ("POST", r"^/api/revocations$", "revoke_by_user"),
    ("POST", r"^/api/hotline/loss$", "report_loss"),
    ("POST", r"^/api/usage$", "record_usage"),
    ("GET", r"^/api/usage$", "usage_history"),
    ("GET", r"^/api/status/[^/]+$", "status"),
    ("POST", r"^/api/clock$", "advance_clock"),
    ("POST", r"^/api/counter/residents$", "register_resident"),
    ("POST", r"^/api/counter/residents/find$", "find_resident"),
    ("POST", r"^/api/counter/cards$", "issue_card"),
    ("POST", r"^/api/counter/card-loss$", "report_card_loss"),
    ("POST", r"^/api/counter/phone-found$", "phone_found"),
    ("POST", r"^/api/counter/card-found$", "card_found"),
    ("POST", r"^/api/counter/attributes$", "change_attributes"),
    ("POST", r"^/api/counter/pin-reset$", "reset_pin"),
    ("POST", r"^/api/counter/card-certificates$", "card_certificates"),
)]

#: Paths of the class router anyone may call / a student may call (the rest: the lecturer).
_CLASS_PUBLIC = {"/api/class/join"}
_CLASS_STUDENT = {"/api/class/me", "/api/class/progress", "/api/class/checks"}
_CLASS_MEMBER = {"/api/class/state"}


def action_of(method: str, path: str) -> str | None:
    return next((a for m, p, a in _ACTIONS if m == method and p.match(path)), None)


def error_response(exc: LabkitError) -> JSONResponse:
    status, body = error_body(exc)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, headers=headers)


def authenticate(ctx: ClassContext, header: str | None) -> Actor:
    """The actor for an ``Authorization`` header (see the module docstring)."""
    if header is None:
        return Actor(Role.PUBLIC)
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise refuse(Refusal.UNAUTHENTICATED, Text("Authorization: Bearer <トークン> の形で送ってください",
                                                   "send Authorization: Bearer <token>"))
    if hmac.compare_digest(token.encode("utf-8", "surrogatepass"), ctx.lecturer_token.encode()):
        return Actor(Role.LECTURER)
    sid = ctx.store.student_by_token(token)
    if sid is None:
        raise refuse(Refusal.FORBIDDEN, Text("トークンが違います", "unknown token"))
    return Actor(Role.STUDENT, sid)


def _needed(router: str, method: str, path: str) -> set[Role]:
    """Which roles may call ``path`` at all (ownership is checked later)."""
    everyone = {Role.PUBLIC, Role.STUDENT, Role.LECTURER}
    members = {Role.STUDENT, Role.LECTURER}
    if router == "publication":
        return {Role.LECTURER} if path.rstrip("/") == "/demo" else everyone
    if router == "class":
        if path in _CLASS_PUBLIC:
            return everyone
        if path in _CLASS_STUDENT:
            return {Role.STUDENT}
        return members if path in _CLASS_MEMBER else {Role.LECTURER}
    if router == "jlis" and path == "/api/clock" and method == "GET":
        return everyone
    return members


async def json_body(request: Request) -> Any:
    """A small JSON body (the class API's and the clock's)."""
    given = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if given != "application/json":
        raise refuse(Refusal.UNSUPPORTED_MEDIA_TYPE, Text("application/json で送ってください",
                                                          "send application/json"))
    raw = await read_body(request, MAX_CLASS_BODY, lambda: refuse(Refusal.TOO_LARGE))
    return parse_json(raw)


class ClassGuard:
    """Pure ASGI middleware (so the context variables it sets reach the endpoint)."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], *, router: str,
                 ctx: ClassContext) -> None:
        self.app = app
        self.router = router
        self.ctx = ctx

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        method, path = scope["method"], scope["path"]
        request = Request(scope, receive)
        try:
            ignore_token = self.router == "class" and path in _CLASS_PUBLIC
            actor = Actor(Role.PUBLIC) if ignore_token else authenticate(self.ctx, request.headers.get("authorization"))
            allowed = _needed(self.router, method, path)
            if actor.role not in allowed:
                raise refuse(Refusal.UNAUTHENTICATED if actor.role is Role.PUBLIC else Refusal.FORBIDDEN)
        except LabkitError as exc:
            await error_response(exc)(scope, receive, send)
            return
        sid = actor.student_id
        status: list[int] = []
        body: list[bytes] = []

        async def watch(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            elif message["type"] == "http.response.body" and status and status[0] >= 400:
                body.append(message.get("body", b""))
            await send(message)
        with acting(actor, sid):
            if self.router == "jlis" and path == "/api/clock":
                await (await self._clock(request, actor))(scope, receive, watch)
            else:
                await self.app(scope, receive, watch)
        action = action_of(method, path)
        if sid is not None and action is not None:
            detail = _outcome(status[0] if status else 500, b"".join(body), path)
            try:
                await run_in_threadpool(self.ctx.store.log, sid, action, detail, self.ctx.clock.now_of(sid))
            except LabkitError:  # the answer is already sent; a lost log line is not worth a crash
                log.warning("class log failed for %s %s", sid, action, exc_info=True)

    async def _clock(self, request: Request, actor: Actor) -> JSONResponse:
        """``/api/clock`` in class mode (see the module docstring, point 4)."""
        clock = self.ctx.clock
        try:
            if request.method == "POST":
                body = await json_body(request)
                if not isinstance(body, dict) or set(body) - {"advance_seconds", "set"} or len(body) != 1:
                    raise refuse(Refusal.MALFORMED, Text('{"advance_seconds": 秒} か {"set": "ISO日時"} です',
                                                         'send {"advance_seconds": n} or {"set": "ISO date-time"}'))
                await run_in_threadpool(self._move, actor, body)
            elif request.method != "GET":
                raise refuse(Refusal.MALFORMED, Text("GET か POST です", "GET or POST"))
        except LabkitError as exc:
            return error_response(exc)
        sim = isinstance(clock.base, SimulatedClock)
        return JSONResponse({"now": encode(clock.now_of(actor.student_id)), "simulated": sim,
                             "class_now": encode(clock.class_now())})

    def _move(self, actor: Actor, body: dict[str, Any]) -> None:
        clock = self.ctx.clock
        if "set" in body:
            if not isinstance(body["set"], str):
                raise refuse(Refusal.MALFORMED, Text("set は ISO 日時です", "set is an ISO date-time"))
            try:
                when = parse_time(body["set"])
            except ValueError:
                raise refuse(Refusal.MALFORMED, Text("set は ISO 日時です", "set is an ISO date-time")) from None
            if actor.student_id:
                clock.set_student(actor.student_id, when)
            else:
                clock.set(when)
            return
        step = clock.step(body["advance_seconds"])
        if actor.student_id:
            clock.advance_student(actor.student_id, step)
        else:
            clock.advance_class(step)


def _outcome(status: int, body: bytes, path: str) -> str:
    tail = path.rsplit("/", 1)[-1][:40]
    if status < 400:
        return f"{status} {tail}"
    try:
        reason = json.loads(body)["error"]["reason"]
    except (ValueError, KeyError, TypeError):
        reason = "error"
    return f"{status} {reason} {tail}"


def class_guards(ctx: ClassContext) -> dict[str, list[Middleware]]:
    """The ``guards`` argument of :func:`~labkit.office.server.create_app` in class mode."""
    return {name: [Middleware(ClassGuard, router=name, ctx=ctx)] for name in ("publication", "jlis", "counter")}
