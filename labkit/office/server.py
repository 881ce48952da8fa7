"""The back office's HTTP server (Starlette): three routers, each over one contract and each
mounted with its own guard (``guards``: Starlette middleware per router, for the class roles
of issue 12): **publication** (CA certificates, CRLs, OCSP with RFC 6960 GET, issued
certificates, ``/demo``), **jlis** (:class:`~labkit.office.contract.JlisApi` under ``/api``,
with the teaching clock) and **counter** (:class:`~labkit.office.contract.CounterApi` under
``/api/counter``). The README's "J-LIS server" lists every endpoint.

Every failure is an answer, never a crash: JSON ``{"error": {"reason", "ja", "en",
"details"}}`` with the status of :data:`~labkit.office.refusals.HTTP_STATUS` (400 malformed,
404, 405, 413 over :data:`MAX_BODY`, 415 wrong content type, 409 refusals, 500), or for
OCSP a DER ``malformedRequest`` response.
"""

from __future__ import annotations

import base64
import binascii
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any
from urllib.parse import unquote

from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509 import ocsp
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route

from ..clock import Clock, SimulatedClock
from ..errors import LabkitError
from ..i18n import Text
from ..pki import CaKind
from .clock_guard import ca_validity, clock_target
from .contract import (
    DEVICE_PROOF_HEADER,
    ApplicationRequest,
    AttributeChange,
    CardFoundRequest,
    CardRequest,
    CounterApi,
    DeviceAction,
    DeviceProof,
    JlisApi,
    LossReport,
    PinReset,
    ResidentQuery,
    ResidentRef,
    ResidentRequest,
    RevocationRequest,
    UsageRecord,
)
from .http_guard import check_headers, parse_json, read_body, too_large
from .ocsp_route import OcspAnswer, OcspPost, OcspShortcut
from .refusals import Refusal, refuse
from .wire import decode, encode, error_body, json_error, parse_serial, status_to_json

__all__ = ["MAX_BODY", "ROUTERS", "counter_routes", "create_app", "jlis_routes", "publication_routes"]

MAX_BODY = 256 * 1024
#: The routers, by name, with their mount point (the counter's comes before the J-LIS one's).
ROUTERS = {"counter": "/api/counter", "jlis": "/api", "publication": ""}
DER_TYPES = {"cert": "application/pkix-cert", "crl": "application/pkix-crl",
             "ocsp": "application/ocsp-response"}
log = logging.getLogger("labkit.office.server")

Handler = Callable[[Request], Awaitable[Response]]


async def _body(request: Request, content_type: str) -> bytes:
    """The request body, refusing a wrong content type (415) or more than MAX_BODY (413)."""
    check_headers(request.headers.get("content-type"), request.headers.get("content-length"), content_type, MAX_BODY)
    return await read_body(request, MAX_BODY, lambda: too_large(MAX_BODY))


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
            return json_error(exc)
        except Exception:  # a bug: log it, answer 500, keep serving
            log.exception("unexpected error on %s %s", request.method, request.url.path)
            return json_error(refuse(Refusal.INTERNAL))
    return wrapped


def _route(path: str, fn: Handler, method: str = "GET") -> Route:
    return Route(path, _guard(fn), methods=[method])


def _api(fn: Callable[..., Any], parse: Any = None) -> Handler:
    """A JSON endpoint: the body decoded as ``parse`` (if any), the answer encoded."""
    async def handler(request: Request) -> Response:
        args = [decode(parse, await _json_body(request))] if parse is not None else []
        return JSONResponse(encode(await run_in_threadpool(fn, *args)))
    return handler


def _der(data: bytes, kind: str) -> Response:
    return Response(data, media_type=DER_TYPES[kind])


def publication_routes(jlis: JlisApi, *, demo: Callable[[], list[dict[str, Any]]] | None = None) -> list[Route]:
    """CA certificates, CRLs, OCSP and issued certificates: what any relying party may fetch."""
    async def ca(request: Request) -> Response:
        return _der((await run_in_threadpool(jlis.ca_certificates))[_kind(request)], "cert")

    async def crl(request: Request) -> Response:
        return _der(await run_in_threadpool(jlis.crl, _kind(request)), "crl")

    async def cert(request: Request) -> Response:
        return _der(await run_in_threadpool(jlis.certificate, parse_serial(request.path_params["serial"])), "cert")

    answer = OcspAnswer(jlis)

    async def ocsp_get(request: Request) -> Response:
        text = unquote(request.path_params["b64"])
        try:
            raw = base64.b64decode(text, validate=True) if len(text) <= MAX_BODY else None
        except (binascii.Error, ValueError):
            raw = None
        if raw is None:
            return _der(_ocsp_malformed(), "ocsp")
        return _der(await answer(raw), "ocsp")

    async def listing(request: Request) -> Response:
        return JSONResponse({"certificates": await run_in_threadpool(demo) if demo else []})

    return [_route("/ca/{kind}.der", ca), _route("/crl/{kind}.crl", crl), _route("/certs/{serial}.der", cert),
            Route("/ocsp", OcspPost(answer, MAX_BODY), methods=["POST"]), _route("/ocsp/{b64:path}", ocsp_get),
            _route("/demo", listing)]


def jlis_routes(jlis: JlisApi, clock: Clock, *, on_clock_change: Callable[[], None] | None = None) -> list[Route]:
    """The J-LIS API of the phone and the relying services, and the teaching clock."""
    async def get_clock(request: Request) -> Response:
        return JSONResponse({"now": encode(jlis.now()), "simulated": isinstance(clock, SimulatedClock)})

    async def set_clock(request: Request) -> Response:
        body = await _json_body(request)
        if not isinstance(clock, SimulatedClock):
            raise refuse(Refusal.CLOCK_NOT_SIMULATED)
        validity = ca_validity((await run_in_threadpool(jlis.ca_certificates)).values())
        clock.set(clock_target(clock.now(), body, validity))  # never past the lab CA's life (F2)
        if on_clock_change:
            on_clock_change()
        return JSONResponse({"now": encode(jlis.now()), "simulated": True})

    def proof(request: Request, action: DeviceAction, device: str, app: str | None = None) -> DeviceProof | None:
        return DeviceProof.from_header(request.headers.get(DEVICE_PROOF_HEADER), action, device, app)

    async def confirm(request: Request) -> Response:
        body = await _json_body(request)
        device: str = decode(str, body.get("device_id") if isinstance(body, dict) else None, "device_id")
        app = request.path_params["app"]
        answer = await run_in_threadpool(jlis.confirm_registration, app, device,
                                         proof(request, DeviceAction.CONFIRM_REGISTRATION, device, app))
        return JSONResponse(encode(answer))

    async def registration(request: Request) -> Response:
        app, device = request.path_params["app"], request.query_params.get("device_id", "")
        answer = await run_in_threadpool(jlis.fetch_registration, app, device,
                                         proof(request, DeviceAction.FETCH_REGISTRATION, device, app))
        return JSONResponse(encode(answer))

    async def poll(request: Request) -> Response:
        device = request.path_params["device"]
        answer = await run_in_threadpool(jlis.poll, device, proof(request, DeviceAction.POLL, device))
        return JSONResponse(encode(answer))

    async def device_status(request: Request) -> Response:
        device = request.path_params["device"]
        answer = await run_in_threadpool(jlis.device_status, device, proof(request, DeviceAction.STATUS, device))
        return JSONResponse(encode(answer))

    async def usage_get(request: Request) -> Response:
        q = request.query_params
        serial = parse_serial(q["serial"]) if "serial" in q else None
        try:
            limit = int(q.get("limit", "100"))
        except ValueError:
            raise refuse(Refusal.MALFORMED, Text("limit は整数です", "limit must be an integer")) from None
        events = await run_in_threadpool(jlis.usage_history, serial=serial, holder_id=q.get("holder_id"), limit=limit)
        return JSONResponse(encode(events))

    async def status(request: Request) -> Response:
        serial = parse_serial(request.path_params["serial"])
        return JSONResponse(status_to_json(await run_in_threadpool(jlis.status, serial)))

    return [
        _route("/clock", get_clock), _route("/clock", set_clock, "POST"),
        _route("/applications", _api(jlis.submit_application, ApplicationRequest), "POST"),
        _route("/applications/card-found", _api(jlis.lift_suspension_by_card, ApplicationRequest), "POST"),
        _route("/applications/{app}/registration", registration),
        _route("/applications/{app}/confirm", confirm, "POST"),
        _route("/devices/{device}/poll", poll, "POST"),
        _route("/devices/{device}", device_status),
        _route("/revocations", _api(jlis.revoke_by_user, RevocationRequest), "POST"),
        _route("/hotline/loss", _api(jlis.report_loss, LossReport), "POST"),
        _route("/usage", _api(jlis.record_usage, UsageRecord), "POST"),
        _route("/usage", usage_get), _route("/status/{serial}", status),
    ]


def counter_routes(counter: CounterApi) -> list[Route]:
    """The municipal counter (the My Number travels in the body, never in a URL)."""
    def by_number(fn: Callable[[str], Any]) -> Callable[[ResidentRef], Any]:
        return lambda ref: fn(ref.my_number)

    return [_route(f"/{path}", _api(fn, form), "POST") for path, fn, form in (
        ("residents", counter.register_resident, ResidentRequest),
        ("residents/find", counter.find_resident, ResidentQuery),
        ("cards", counter.issue_card, CardRequest),
        ("card-loss", by_number(counter.report_card_loss), ResidentRef),
        ("phone-found", by_number(counter.phone_found), ResidentRef),
        ("card-found", counter.card_found, CardFoundRequest),
        ("attributes", counter.change_attributes, AttributeChange),
        ("pin-reset", counter.reset_pin, PinReset),
        ("card-certificates", by_number(counter.card_certificates), ResidentRef))]


def create_app(jlis: JlisApi, counter: CounterApi, clock: Clock, *,
               demo: Callable[[], list[dict[str, Any]]] | None = None,
               on_clock_change: Callable[[], None] | None = None,
               guards: Mapping[str, Sequence[Middleware]] | None = None) -> Starlette:
    """The app: the three routers of :data:`ROUTERS`, each mounted with ``guards[name]``."""
    routes = {"publication": publication_routes(jlis, demo=demo),
              "jlis": jlis_routes(jlis, clock, on_clock_change=on_clock_change),
              "counter": counter_routes(counter)}
    endpoints = [ROUTERS[name] + r.path for name, rs in routes.items() for r in rs]

    async def index(request: Request) -> Response:
        return JSONResponse({"service": "labkit J-LIS (lab stand-in, O=JPKI-LAB)", "now": encode(jlis.now()),
                           "simulated_clock": isinstance(clock, SimulatedClock), "endpoints": ["/", *endpoints]})

    mounts = [Mount(ROUTERS[name], routes=routes[name], middleware=(guards or {}).get(name)) for name in ROUTERS]
    post = next(r.endpoint for r in routes["publication"] if isinstance(r.endpoint, OcspPost))
    shortcut = [] if (guards or {}).get("publication") else [Middleware(OcspShortcut, post=post)]
    return Starlette(routes=[_route("/", index), *mounts], middleware=shortcut,
                     exception_handlers={HTTPException: _http_error, Exception: _crash})


async def _http_error(request: Request, exc: Exception) -> Response:
    code = getattr(exc, "status_code", 500)
    reason = {404: Refusal.NOT_FOUND, 405: Refusal.MALFORMED, 413: Refusal.TOO_LARGE}.get(code, Refusal.MALFORMED)
    detail = Text(f"HTTP {code}", f"HTTP {code}")
    status, body = error_body(refuse(reason, detail))
    return JSONResponse(body, status_code=code if code in (404, 405, 413) else status)


async def _crash(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error", exc_info=exc)
    return json_error(refuse(Refusal.INTERNAL))


def _ocsp_malformed() -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST).public_bytes(
        Encoding.DER)
