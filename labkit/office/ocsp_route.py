"""``POST /ocsp`` as a bare ASGI endpoint: the responder's hot path.

OCSP is what every relying party asks on every use, so the request that a pre-produced
response answers (RFC 5019: no nonce, status unchanged, window not near its end) is served
in the event loop without a ``Request`` object, a thread-pool hop, parsing or signing:
headers checked, body read, :meth:`OcspFastPath.ocsp_cached` looked up, DER written. Anything
else (first request for a certificate, nonce, a changed status, J-LIS work due) goes to
``jlis.ocsp`` in the thread pool as before. The endpoint stays a route of the publication
router, so that router's guards (class mode) still apply; errors are the usual JSON body.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any, Protocol, runtime_checkable

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from ..errors import LabkitError
from .http_guard import check_headers, read_body, too_large
from .refusals import Refusal, refuse
from .wire import json_error

__all__ = ["OcspAnswer", "OcspFastPath", "OcspPost", "OcspShortcut"]

log = logging.getLogger("labkit.office.server")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

REQUEST_TYPE = "application/ocsp-request"
RESPONSE_HEADERS = [(b"content-type", b"application/ocsp-response")]


class OcspResponder(Protocol):
    def ocsp(self, request_der: bytes) -> bytes: ...


@runtime_checkable
class OcspFastPath(Protocol):
    """A responder with pre-produced answers it can give without blocking (the in-process J-LIS)."""

    def ocsp_cached(self, request_der: bytes) -> bytes | None: ...


class OcspAnswer:
    """``await answer(der)``: the pre-produced answer at once if there is one, else the full
    responder in the thread pool (the fast path is looked up once, not per request)."""

    def __init__(self, jlis: OcspResponder) -> None:
        self.cached = jlis.ocsp_cached if isinstance(jlis, OcspFastPath) else None
        self.full = jlis.ocsp

    async def __call__(self, request_der: bytes) -> bytes:
        if self.cached is not None:
            hit = self.cached(request_der)
            if hit is not None:
                return hit
        return await run_in_threadpool(self.full, request_der)


class OcspPost:
    """The ASGI app for ``POST /ocsp`` (415 wrong type, 413 over ``limit``, JSON errors)."""

    def __init__(self, answer: OcspAnswer, limit: int) -> None:
        self.answer = answer
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            answer = await self.answer(await self._body(scope, receive))
        except LabkitError as exc:
            await json_error(exc)(scope, receive, send)
            return
        except Exception:  # a bug: log it, answer 500, keep serving
            log.exception("unexpected error on POST /ocsp")
            await json_error(refuse(Refusal.INTERNAL))(scope, receive, send)
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": [*RESPONSE_HEADERS, (b"content-length", str(len(answer)).encode())]})
        await send({"type": "http.response.body", "body": answer})

    async def _body(self, scope: Scope, receive: Receive) -> bytes:
        given: dict[bytes, str] = {}
        for name, value in scope["headers"]:
            if name in (b"content-type", b"content-length") and name not in given:
                given[name] = value.decode("latin-1")
        check_headers(given.get(b"content-type"), given.get(b"content-length"), REQUEST_TYPE, self.limit)
        first = await receive()
        if first["type"] == "http.request" and not first.get("more_body", False):
            body = bytes(first.get("body", b""))  # the usual case: the whole body in one message
            if len(body) > self.limit:
                raise too_large(self.limit)
            return body
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return first
            return await receive()
        return await read_body(Request(scope, replay), self.limit, lambda: too_large(self.limit))


class OcspShortcut:
    """App-level ASGI middleware sending ``POST /ocsp`` straight to its endpoint, past the
    router walk and the exception middleware (about a third of the server's time per answer).
    Installed only while the publication router has no guard of its own (``create_app``), so
    it never skips one; every other request goes on to the app unchanged."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], post: OcspPost) -> None:
        self.app = app
        self.post = post

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST" \
                and scope["path"] == scope.get("root_path", "") + "/ocsp":
            await self.post(scope, receive, send)
        else:
            await self.app(scope, receive, send)
