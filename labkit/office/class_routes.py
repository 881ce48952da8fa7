"""The class router, ``/api/class`` (issue 12, BOARD "Class API v1"): joining with the class
code, the student's progress and check results, the open section, and the lecturer console's
roster, summary, timelines, class clock, events and resets. The class guard in front of it has
authenticated the caller and checked its role; this module checks the inputs.

Events (``POST /api/class/events``), each run on the student's own time:

* ``phone_lost``: the hotline suspends the phone certificates of each of the student's residents
  that has a registered phone (as a call to the hotline would);
* ``card_lost``: the counter's card-loss report for each of its residents with a card;
* ``push_now``: the student's clock moves to its next push (the earliest pending application).
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from ..errors import LabkitError
from ..i18n import Text
from .class_access import ClassContext
from .class_guard import ClassGuard, error_response, json_body
from .classroom import ACTING, Kind, Student, acting
from .contract import LossItem
from .refusals import Refusal, refuse
from .wire import encode

__all__ = ["EVENTS", "class_routes", "mount_class"]

EVENTS = ("phone_lost", "card_lost", "push_now")
_MAX_LABEL = 40
Handler = Callable[[Request], Awaitable[Response]]


def _guarded(handler: Handler) -> Handler:
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except LabkitError as exc:
            return error_response(exc)
    return wrapped


def _label(body: Any, key: str, *, required: bool = True) -> str | None:
    value = body.get(key) if isinstance(body, dict) else None
    if value is None and not required:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= _MAX_LABEL or not value.isprintable():
        raise refuse(Refusal.MALFORMED, Text(f"{key} は 1〜{_MAX_LABEL} 文字の文字列です",
                                             f"{key} is a string of 1-{_MAX_LABEL} characters"), field=key)
    return value


def _int(body: Any, key: str) -> int:
    value = body.get(key) if isinstance(body, dict) else None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 1000:
        raise refuse(Refusal.MALFORMED, Text(f"{key} は 0〜1000 の整数です", f"{key} is an integer 0-1000"), field=key)
    return value


def _me() -> str:
    actor = ACTING.get()
    if actor is None or actor.student_id is None:
        raise refuse(Refusal.FORBIDDEN)
    return actor.student_id


def class_routes(ctx: ClassContext) -> list[Route]:
    """The routes of ``/api/class`` (paths relative to the mount)."""
    store, clock, access = ctx.store, ctx.clock, ctx.access

    def student_or_404(sid: str) -> Student:
        student = store.student(sid)
        if student is None:
            raise refuse(Refusal.NOT_FOUND, Text("その学生はいません", "no such student"))
        return student

    async def join(request: Request) -> Response:
        body = await json_body(request)
        code = body.get("code") if isinstance(body, dict) else None
        if not isinstance(code, str) or not hmac.compare_digest(code.strip().upper().encode(), ctx.code.encode()):
            raise refuse(Refusal.FORBIDDEN, Text("クラスコードが違います", "wrong class code"))
        student, token = await run_in_threadpool(store.join, body.get("nickname"))
        await run_in_threadpool(store.log, student.student_id, "join", student.nickname, clock.class_now())
        return JSONResponse({"student_id": student.student_id, "nickname": student.nickname, "token": token})

    async def me(request: Request) -> Response:
        student = student_or_404(_me())
        return JSONResponse({"student_id": student.student_id, "nickname": student.nickname,
                             "now": encode(clock.now_of(student.student_id))})

    async def progress(request: Request) -> Response:
        sid, body = _me(), await json_body(request)
        section, step = _label(body, "section"), _label(body, "step", required=False)
        assert section is not None
        await run_in_threadpool(store.set_progress, sid, section, step)
        await run_in_threadpool(store.log, sid, "progress", f"{section} {step or ''}".strip(), clock.now_of(sid))
        return JSONResponse({"ok": True})

    async def checks(request: Request) -> Response:
        sid, body = _me(), await json_body(request)
        section, score, total = _label(body, "section"), _int(body, "score"), _int(body, "total")
        assert section is not None
        if score > total:
            raise refuse(Refusal.MALFORMED, Text("score は total 以下です", "score is at most total"))
        await run_in_threadpool(store.set_check, sid, section, score, total)
        await run_in_threadpool(store.log, sid, "checks", f"{section} {score}/{total}", clock.now_of(sid))
        return JSONResponse({"ok": True})

    async def state(request: Request) -> Response:
        return JSONResponse({"open_section": store.meta("open_section"), "class_now": encode(clock.class_now())})

    def roster_rows() -> list[dict[str, Any]]:
        return [{"student_id": s.student_id, "nickname": s.nickname, "section": s.section, "step": s.step,
                 "last_action": store.last_action(s.student_id),
                 "last_seen": s.last_seen.isoformat() if s.last_seen else None,
                 "now": encode(clock.now_of(s.student_id)), "counts": access.counts(s.student_id)}
                for s in store.students()]

    async def roster(request: Request) -> Response:
        return JSONResponse({"students": await run_in_threadpool(roster_rows)})

    def summary_of() -> dict[str, Any]:
        rows = roster_rows()
        keys = ("applications", "pushes_due", "registrations", "suspensions", "revocations")
        totals: dict[str, Any] = {k: sum(r["counts"][k] for r in rows) for k in keys}
        return {"students": len(rows), **totals, "checks": store.checks()}

    async def summary(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(summary_of))

    async def timeline(request: Request) -> Response:
        sid = student_or_404(request.path_params["sid"]).student_id
        return JSONResponse({"events": await run_in_threadpool(store.timeline, sid)})

    async def class_clock(request: Request) -> Response:
        body = await json_body(request)
        if not isinstance(body, dict) or set(body) != {"advance_seconds"}:
            raise refuse(Refusal.MALFORMED, Text('{"advance_seconds": 秒} です', 'send {"advance_seconds": n}'))
        step = clock.step(body["advance_seconds"])
        now = await run_in_threadpool(clock.advance_class, step)
        return JSONResponse({"class_now": encode(now)})

    def run_event(sid: str, event: str) -> dict[str, Any]:
        with acting(ACTING.get(), sid):
            try:
                detail = _event(ctx, sid, event)
            except LabkitError as exc:
                detail = f"{getattr(exc, 'reason', 'error')}: {exc.text.en}"
        store.log(sid, f"event:{event}", detail, clock.now_of(sid))
        return {"student_id": sid, "event": event, "detail": detail}

    async def events(request: Request) -> Response:
        body = await json_body(request)
        event = body.get("event") if isinstance(body, dict) else None
        if event not in EVENTS:
            raise refuse(Refusal.MALFORMED, Text(f"event は {' / '.join(EVENTS)} です", f"event is one of {EVENTS}"))
        sid = body.get("student_id")
        targets = [student_or_404(sid).student_id] if sid is not None else [s.student_id for s in store.students()]
        done = [await run_in_threadpool(run_event, t, str(event)) for t in targets]
        return JSONResponse({"done": done})

    async def reset(request: Request) -> Response:
        sid = student_or_404(request.path_params["sid"]).student_id
        await run_in_threadpool(store.reset, sid)
        await run_in_threadpool(store.log, sid, "reset", "", clock.class_now())
        return JSONResponse({"ok": True})

    async def open_section(request: Request) -> Response:
        body = await json_body(request)
        section = _label(body, "section", required=False)
        await run_in_threadpool(store.set_meta, "open_section", section)
        return JSONResponse({"open_section": section})

    table: list[tuple[str, Handler, str]] = [
        ("/join", join, "POST"), ("/me", me, "GET"), ("/progress", progress, "POST"), ("/checks", checks, "POST"),
        ("/state", state, "GET"), ("/roster", roster, "GET"), ("/summary", summary, "GET"),
        ("/students/{sid}/timeline", timeline, "GET"), ("/clock", class_clock, "POST"),
        ("/events", events, "POST"), ("/students/{sid}/reset", reset, "POST"), ("/open", open_section, "POST")]
    return [Route(path, _guarded(fn), methods=[method]) for path, fn, method in table]


def _event(ctx: ClassContext, sid: str, event: str) -> str:
    """One event for one student (on its clock: the caller set it)."""
    service, store = ctx.access.service, ctx.store
    if event == "push_now":
        when = ctx.access.next_push(sid)
        if when is None:
            return "no push ahead"
        ctx.clock.set_student(sid, when)
        service.tick()  # J-LIS processes what is due on the student's new time
        return f"now {when.isoformat()}"
    results = []
    if event == "phone_lost":
        for holder_id in store.owned(sid, Kind.HOLDER):
            if service.core.active_device(holder_id) is None:
                continue
            held = service.counter.suspend(holder_id, LossItem.PHONE)
            results.append(f"{holder_id}: {len(held)} held")
    else:  # card_lost
        for my_number in store.owned(sid, Kind.MY_NUMBER):
            try:
                receipt = ctx.counter.inner.report_card_loss(my_number)
            except LabkitError as exc:
                results.append(f"{my_number[-4:]}: {getattr(exc, 'reason', 'error')}")
                continue
            results.append(f"{my_number[-4:]}: {len(receipt.held)} held")
    return "; ".join(results) or "nothing to do"


def mount_class(app: Starlette, ctx: ClassContext) -> Starlette:
    """Add ``/api/class`` (with its guard) in front of the other routers of ``app``."""
    app.router.routes.insert(0, Mount("/api/class", routes=class_routes(ctx),
                                      middleware=[Middleware(ClassGuard, router="class", ctx=ctx)]))
    return app
