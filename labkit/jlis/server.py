"""The J-LIS HTTP server (Starlette): publication for relying parties (RFC 5280 / 6960
paths from :mod:`labkit.pki.urls`) and the JSON API of :mod:`labkit.jlis.api`.

Endpoints (README "J-LIS server" has the table with examples):

* ``GET /ca/{sign,auth}.der``, ``GET /crl/{sign,auth}.crl``, ``GET /certs/{hex}.der``
* ``POST /ocsp`` (``application/ocsp-request``) and ``GET /ocsp/{base64}`` (RFC 6960 A.1)
* ``GET /demo``, ``GET /api/clock``, ``POST /api/clock`` (simulated clock only)
* ``POST /api/applications``, ``POST /api/applications/card-found``,
  ``GET /api/applications/{id}/registration?device_id=``,
  ``POST /api/applications/{id}/confirm``, ``POST /api/devices/{id}/poll``,
  ``GET /api/devices/{id}``, ``POST /api/revocations``, ``POST /api/hotline/loss``,
  ``POST /api/usage``, ``GET /api/usage?serial=|holder_id=``, ``GET /api/status/{hex}``
* the municipal counter, ``POST /api/counter/{residents,residents/find,cards,card-loss,
  phone-found,card-found,attributes,pin-reset}`` (:mod:`labkit.municipality.api`)

Every failure is an answer, never a crash: JSON ``{"error": {"reason", "ja", "en",
"details"}}`` with the status of :data:`~labkit.jlis.reasons.HTTP_STATUS` (400 malformed,
404, 405, 413 over :data:`MAX_BODY`, 415 wrong content type, 409 refusals, 500), or for
OCSP a DER ``malformedRequest`` response.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote

from cryptography.x509 import ocsp
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..clock import Clock, SimulatedClock, parse_time
from ..errors import LabkitError
from ..i18n import Text
from ..pki import CaKind
from ._codec import decode, encode, parse_serial
from .api import ApplicationRequest, LossReport, RevocationRequest, UsageRecord, status_to_json
from .http_guard import parse_json, read_body
from .reasons import Refusal, public_details, refusal_of, refuse
from .service import JlisService

if TYPE_CHECKING:
    from ..municipality.api import CounterApi

__all__ = ["CLOCK_META", "MAX_BODY", "create_app", "error_body"]

MAX_BODY = 256 * 1024
CLOCK_META = "simulated_clock"
DER_TYPES = {"cert": "application/pkix-cert", "crl": "application/pkix-crl",
             "ocsp": "application/ocsp-response"}
log = logging.getLogger("labkit.jlis.server")

Handler = Callable[[Request], Awaitable[Response]]


def error_body(exc: LabkitError) -> tuple[int, dict[str, Any]]:
    """The JSON error for ``exc`` and its HTTP status."""
    reason = refusal_of(exc)
    return reason.http_status, {"error": {"reason": reason.value, "ja": exc.text.ja, "en": exc.text.en,
                                          "details": public_details(exc)}}


def _json(status: int, body: Any) -> JSONResponse:
    return JSONResponse(body, status_code=status)


def _error(exc: LabkitError) -> JSONResponse:
    status, body = error_body(exc)
    return _json(status, body)


async def _body(request: Request, content_type: str) -> bytes:
    """The request body, refusing a wrong content type (415) or more than MAX_BODY (413)."""
    given = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if given != content_type:
        raise refuse(Refusal.UNSUPPORTED_MEDIA_TYPE, Text(f"{content_type} で送ってください",
                                                          f"send {content_type}"), expected=content_type)
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
        raise refuse(Refusal.TOO_LARGE, Text(f"上限 {MAX_BODY} バイト", f"limit {MAX_BODY} bytes"))
    return await read_body(request, MAX_BODY, lambda: refuse(
        Refusal.TOO_LARGE, Text(f"上限 {MAX_BODY} バイト", f"limit {MAX_BODY} bytes")))


async def _json_body(request: Request) -> Any:
    return parse_json(await _body(request, "application/json"))


def _kind(request: Request) -> CaKind:
    try:
        return CaKind(request.path_params["kind"])
    except ValueError:
        raise refuse(Refusal.NOT_FOUND, Text("認証局は sign か auth です", "the CA is sign or auth")) from None


def _guard(handler: Handler) -> Handler:
    """Turn every error into a JSON answer; nothing reaches uvicorn as an exception."""
    async def wrapped(request: Request) -> Response:
        try:
            return await handler(request)
        except LabkitError as exc:
            return _error(exc)
        except Exception:  # a bug: log it, answer 500, keep serving
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            return _error(refuse(Refusal.INTERNAL))
    return wrapped


def create_app(service: JlisService, *, clock: Clock, demo_holders: Callable[[], list[str]] | None = None,
               on_clock_change: Callable[[], None] | None = None, counter: CounterApi | None = None) -> Starlette:
    """The Starlette app over ``service``; ``clock`` is the server's (simulated or system).
    ``counter`` answers ``/api/counter/...`` (default: a municipality of its own over
    ``service``, with its register in memory)."""
    from ..municipality import Municipality
    from ..municipality.api import (
        AttributeChange,
        CardFoundRequest,
        CardRequest,
        PinReset,
        ResidentQuery,
        ResidentRef,
        ResidentRequest,
    )
    from ..municipality.service import CounterService

    desk: CounterApi = counter if counter is not None else CounterService(Municipality(service))

    async def call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await run_in_threadpool(fn, *args, **kwargs)

    def der(data: bytes, kind: str) -> Response:
        return Response(data, media_type=DER_TYPES[kind])

    async def ca(request: Request) -> Response:
        return der((await call(service.ca_certificates))[_kind(request)], "cert")

    async def crl(request: Request) -> Response:
        return der(await call(service.crl, _kind(request)), "crl")

    async def cert(request: Request) -> Response:
        return der(await call(service.certificate, parse_serial(request.path_params["serial"])), "cert")

    async def ocsp_post(request: Request) -> Response:
        return der(await call(service.ocsp, await _body(request, "application/ocsp-request")), "ocsp")

    async def ocsp_get(request: Request) -> Response:
        text = unquote(request.path_params["b64"])
        try:
            raw = base64.b64decode(text, validate=True) if len(text) <= MAX_BODY else None
        except (binascii.Error, ValueError):
            raw = None
        if raw is None:
            return der(_ocsp_malformed(), "ocsp")
        return der(await call(service.ocsp, raw), "ocsp")

    async def demo(request: Request) -> Response:
        holders = demo_holders() if demo_holders else []
        return _json(200, {"certificates": await call(_demo_listing, service, holders)})

    async def index(request: Request) -> Response:
        return _json(200, {"service": "labkit J-LIS (lab stand-in, O=JPKI-LAB)", "now": encode(service.now()),
                           "simulated_clock": isinstance(clock, SimulatedClock),
                           "endpoints": [r.path for r in routes]})

    async def get_clock(request: Request) -> Response:
        return _json(200, {"now": encode(service.now()), "simulated": isinstance(clock, SimulatedClock)})

    async def set_clock(request: Request) -> Response:
        body = await _json_body(request)
        if not isinstance(clock, SimulatedClock):
            raise refuse(Refusal.CLOCK_NOT_SIMULATED)
        if not isinstance(body, dict) or set(body) - {"advance_seconds", "set"} or len(body) != 1:
            raise refuse(Refusal.MALFORMED, Text('{"advance_seconds": 秒} か {"set": "ISO日時"} です',
                                                 'send {"advance_seconds": n} or {"set": "ISO date-time"}'))
        try:
            if "set" in body:
                when = parse_time(decode(str, body["set"], "set"))
                if when < clock.now():
                    raise ValueError("backwards")
                clock.set(when)
            else:
                clock.advance(timedelta(seconds=decode(int, body["advance_seconds"], "advance_seconds")))
        except ValueError as exc:
            if isinstance(exc, LabkitError):
                raise
            raise refuse(Refusal.MALFORMED,
                         Text("時計は進めることしかできません", "the clock only moves forward")) from None
        if on_clock_change:
            on_clock_change()
        return _json(200, {"now": encode(service.now()), "simulated": True})

    def by_number(fn: Callable[[str], Any]) -> Callable[[ResidentRef], Any]:
        return lambda ref: fn(ref.my_number)

    def api(fn: Callable[..., Any], parse: Any = None) -> Handler:
        async def handler(request: Request) -> Response:
            args = [decode(parse, await _json_body(request))] if parse is not None else []
            return _json(200, encode(await call(fn, *args)))
        return handler

    async def registration(request: Request) -> Response:
        device = request.query_params.get("device_id", "")
        return _json(200, encode(await call(service.fetch_registration, request.path_params["app"], device)))

    async def confirm(request: Request) -> Response:
        body = await _json_body(request)
        device = decode(str, body.get("device_id") if isinstance(body, dict) else None, "device_id")
        return _json(200, encode(await call(service.confirm_registration, request.path_params["app"], device)))

    async def poll(request: Request) -> Response:
        return _json(200, encode(await call(service.poll, request.path_params["device"])))

    async def device(request: Request) -> Response:
        return _json(200, encode(await call(service.device_status, request.path_params["device"])))

    async def usage_get(request: Request) -> Response:
        q = request.query_params
        serial = parse_serial(q["serial"]) if "serial" in q else None
        try:
            limit = int(q.get("limit", "100"))
        except ValueError:
            raise refuse(Refusal.MALFORMED, Text("limit は整数です", "limit must be an integer")) from None
        events = await call(service.usage_history, serial=serial, holder_id=q.get("holder_id"), limit=limit)
        return _json(200, encode(events))

    async def status(request: Request) -> Response:
        return _json(200, status_to_json(await call(service.status, parse_serial(request.path_params["serial"]))))

    def route(path: str, fn: Handler, method: str = "GET") -> Route:
        return Route(path, _guard(fn), methods=[method])

    routes = [
        route("/", index), route("/ca/{kind}.der", ca), route("/crl/{kind}.crl", crl),
        route("/certs/{serial}.der", cert), route("/ocsp", ocsp_post, "POST"),
        route("/ocsp/{b64:path}", ocsp_get), route("/demo", demo),
        route("/api/clock", get_clock), route("/api/clock", set_clock, "POST"),
        route("/api/applications", api(service.submit_application, ApplicationRequest), "POST"),
        route("/api/applications/card-found", api(service.lift_suspension_by_card, ApplicationRequest), "POST"),
        route("/api/applications/{app}/registration", registration),
        route("/api/applications/{app}/confirm", confirm, "POST"),
        route("/api/devices/{device}/poll", poll, "POST"),
        route("/api/devices/{device}", device),
        route("/api/revocations", api(service.revoke_by_user, RevocationRequest), "POST"),
        route("/api/hotline/loss", api(service.report_loss, LossReport), "POST"),
        route("/api/usage", api(service.record_usage, UsageRecord), "POST"),
        route("/api/usage", usage_get), route("/api/status/{serial}", status),
        route("/api/counter/residents", api(desk.register_resident, ResidentRequest), "POST"),
        route("/api/counter/residents/find", api(desk.find_resident, ResidentQuery), "POST"),
        route("/api/counter/cards", api(desk.issue_card, CardRequest), "POST"),
        route("/api/counter/card-loss", api(by_number(desk.report_card_loss), ResidentRef), "POST"),
        route("/api/counter/phone-found", api(by_number(desk.phone_found), ResidentRef), "POST"),
        route("/api/counter/card-found", api(desk.card_found, CardFoundRequest), "POST"),
        route("/api/counter/attributes", api(desk.change_attributes, AttributeChange), "POST"),
        route("/api/counter/pin-reset", api(desk.reset_pin, PinReset), "POST"),
    ]
    return Starlette(routes=routes, exception_handlers={HTTPException: _http_error, Exception: _crash})


async def _http_error(request: Request, exc: Exception) -> Response:
    code = getattr(exc, "status_code", 500)
    reason = {404: Refusal.NOT_FOUND, 405: Refusal.MALFORMED, 413: Refusal.TOO_LARGE}.get(code, Refusal.MALFORMED)
    detail = Text(f"HTTP {code}", f"HTTP {code}")
    status, body = error_body(refuse(reason, detail))
    return _json(code if code in (404, 405, 413) else status, body)


async def _crash(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    status, body = error_body(refuse(Refusal.INTERNAL))
    return _json(status, body)


def _ocsp_malformed() -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding

    return ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST).public_bytes(
        Encoding.DER)


def _demo_listing(service: JlisService, holders: list[str]) -> list[dict[str, Any]]:
    service.tick()
    out = []
    for holder_id in holders:
        holder = service.db.holder(holder_id)
        for rec in service.jpki.certificates_of(holder_id):
            st = service.jpki.status(rec.serial)
            link = service.db.link_of(rec.serial)
            out.append({"serial": f"{rec.serial:x}", "profile": rec.profile, "holder_id": holder_id,
                        "holder": holder.attributes.name if holder else None, "status": st.state.value,
                        "reason": None if st.reason is None else st.reason.name.lower(),
                        "status_text": encode(st.text), "not_after": encode(rec.not_after),
                        "device_id": link.device_id if link else None})
    return out
