"""The back office over HTTP, for phones, services and notebooks in other processes (other
notebook kernels, the kiosk, a learner's script): :class:`HttpJlis` (the J-LIS API),
:class:`HttpCounter` (the counter API, on the same connection) and :class:`RemoteClock` (the
server's clock). They behave exactly as the in-process implementations: same return types,
and a refusal arrives as the same exception class with the same ``reason`` and text
(:func:`~labkit.office.wire.error_from_json`). If the server cannot be reached the error is a
``ServiceError`` with reason ``unavailable``. Requests are checked as they are built (the
same dataclasses), so a malformed one fails before it is sent, exactly as in process.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import quote

import httpx

from ..clock import parse_time
from ..i18n import Text
from ..pki import CaKind, CertificateStatus
from ..pki.urls import OCSP_PATH, ca_path, cert_path, crl_path
from .contract import (
    DEVICE_PROOF_HEADER,
    ApplicationReceipt,
    ApplicationRequest,
    AttributeChange,
    CardFoundRequest,
    CardRequest,
    CertificateInfo,
    CounterReceipt,
    DeviceProof,
    DeviceStatus,
    LossReceipt,
    LossReport,
    Notification,
    PinReset,
    RegistrationPackage,
    Resident,
    ResidentQuery,
    ResidentRef,
    ResidentRequest,
    RevocationReceipt,
    RevocationRequest,
    UsageEvent,
    UsageRecord,
)
from .refusals import Refusal, refuse
from .wire import decode, encode, error_from_json, status_from_json

__all__ = ["COUNTER_PREFIX", "HttpCounter", "HttpJlis", "RemoteClock"]

COUNTER_PREFIX = "/api/counter"
T = TypeVar("T")


class HttpJlis:
    """A :class:`~labkit.office.contract.JlisApi` over ``labkit jlis serve`` at ``base_url``."""

    def __init__(self, base_url: str, *, timeout: float = 30.0, client: httpx.Client | None = None,
                 token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = client or httpx.Client(base_url=self.base_url, timeout=timeout)
        #: Sent as ``Authorization: Bearer`` on every call (class mode, issue 12).
        self._auth = {"authorization": f"Bearer {token}"} if token else {}

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HttpJlis:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport ----------------------------------------------------------------------------
    def _send(self, method: str, path: str, *, json_body: Any = None, content: bytes | None = None,
              content_type: str | None = None, params: dict[str, str] | None = None,
              proof: DeviceProof | None = None) -> httpx.Response:
        headers = {**self._auth, **({"content-type": content_type} if content_type else {})}
        if proof is not None:
            headers[DEVICE_PROOF_HEADER] = proof.to_header()
        try:
            response = self._http.request(method, path, json=json_body, content=content, headers=headers,
                                          params=params)
        except httpx.HTTPError as exc:
            raise refuse(Refusal.UNAVAILABLE, Text(f"{self.base_url}: {type(exc).__name__}",
                                                   f"{self.base_url}: {type(exc).__name__}")) from exc
        if response.status_code >= 400:
            try:
                body = response.json()
            except ValueError:
                body = None
            raise error_from_json(response.status_code, body)
        return response

    def call_json(self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None,
                  proof: DeviceProof | None = None) -> Any:
        """One JSON call on this connection, errors raised as above (for :class:`HttpCounter` too)."""
        response = self._send(method, path, json_body=body, params=params, proof=proof)
        try:
            return response.json()
        except ValueError:
            raise refuse(Refusal.INTERNAL, Text("応答が JSON ではありません", "the answer is not JSON")) from None

    # -- JlisApi ------------------------------------------------------------------------------
    def now(self) -> datetime:
        return decode(datetime, self.call_json("GET", "/api/clock").get("now"), "now")

    def advance_clock(self, seconds: int) -> datetime:
        """Teaching aid: move the server's simulated clock forward."""
        return decode(datetime, self.call_json("POST", "/api/clock", {"advance_seconds": int(seconds)})["now"], "now")

    def set_clock(self, when: datetime) -> datetime:
        return decode(datetime, self.call_json("POST", "/api/clock", {"set": when.isoformat()})["now"], "now")

    def submit_application(self, request: ApplicationRequest) -> ApplicationReceipt:
        return decode(ApplicationReceipt, self.call_json("POST", "/api/applications", encode(request)))

    def lift_suspension_by_card(self, request: ApplicationRequest) -> ApplicationReceipt:
        return decode(ApplicationReceipt, self.call_json("POST", "/api/applications/card-found", encode(request)))

    def poll(self, device_id: str, proof: DeviceProof | None = None) -> list[Notification]:
        return decode(list[Notification], self.call_json("POST", f"/api/devices/{path_segment(device_id)}/poll", {},
                                                          proof=proof))

    def fetch_registration(self, application_id: str, device_id: str,
                           proof: DeviceProof | None = None) -> RegistrationPackage:
        path = f"/api/applications/{path_segment(application_id)}/registration"
        return decode(RegistrationPackage, self.call_json("GET", path, params={"device_id": device_id}, proof=proof))

    def confirm_registration(self, application_id: str, device_id: str,
                             proof: DeviceProof | None = None) -> DeviceStatus:
        return decode(DeviceStatus, self.call_json("POST", f"/api/applications/{path_segment(application_id)}/confirm",
                                                    {"device_id": device_id}, proof=proof))

    def device_status(self, device_id: str, proof: DeviceProof | None = None) -> DeviceStatus:
        return decode(DeviceStatus, self.call_json("GET", f"/api/devices/{path_segment(device_id)}", proof=proof))

    def revoke_by_user(self, request: RevocationRequest) -> RevocationReceipt:
        return decode(RevocationReceipt, self.call_json("POST", "/api/revocations", encode(request)))

    def report_loss(self, report: LossReport) -> LossReceipt:
        return decode(LossReceipt, self.call_json("POST", "/api/hotline/loss", encode(report)))

    def record_usage(self, record: UsageRecord) -> UsageEvent:
        return decode(UsageEvent, self.call_json("POST", "/api/usage", encode(record)))

    def usage_history(self, *, serial: int | None = None, holder_id: str | None = None,
                      limit: int = 100) -> list[UsageEvent]:
        params = {"limit": str(limit)}
        if serial is not None:
            params["serial"] = f"{serial:x}"
        if holder_id is not None:
            params["holder_id"] = holder_id
        return decode(list[UsageEvent], self.call_json("GET", "/api/usage", params=params))

    def status(self, serial: int) -> CertificateStatus:
        return status_from_json(self.call_json("GET", f"/api/status/{serial:x}"))

    def certificate(self, serial: int) -> bytes:
        return self._send("GET", cert_path(serial)).content

    def ca_certificates(self) -> dict[CaKind, bytes]:
        return {kind: self._send("GET", ca_path(kind)).content for kind in CaKind}

    def crl(self, kind: CaKind) -> bytes:
        return self._send("GET", crl_path(CaKind(kind))).content

    def ocsp(self, request_der: bytes) -> bytes:
        return self._send("POST", OCSP_PATH, content=request_der, content_type="application/ocsp-request").content

    def demo(self) -> list[dict[str, Any]]:
        return list(self.call_json("GET", "/demo")["certificates"])


def path_segment(value: str) -> str:
    """A path segment; ids are validated by the server (anything odd is a 4xx, not a crash)."""
    return quote(str(value), safe="")


class HttpCounter:
    """A :class:`~labkit.office.contract.CounterApi` over the ``/api/counter/...`` endpoints;
    ``jlis`` is an :class:`HttpJlis` (its connection is shared) or the server's URL."""

    def __init__(self, jlis: HttpJlis | str) -> None:
        self._owned = not isinstance(jlis, HttpJlis)
        self.jlis = HttpJlis(jlis) if isinstance(jlis, str) else jlis

    def close(self) -> None:
        if self._owned:
            self.jlis.close()

    def __enter__(self) -> HttpCounter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _post(self, path: str, body: Any, answer: type[T] | Any) -> T:
        return decode(answer, self.jlis.call_json("POST", f"{COUNTER_PREFIX}/{path}", encode(body)))

    def register_resident(self, request: ResidentRequest) -> Resident:
        return self._post("residents", request, Resident)

    def find_resident(self, query: ResidentQuery) -> Resident:
        return self._post("residents/find", query, Resident)

    def issue_card(self, request: CardRequest) -> CounterReceipt:
        return self._post("cards", request, CounterReceipt)

    def report_card_loss(self, my_number: str) -> CounterReceipt:
        return self._post("card-loss", ResidentRef(my_number), CounterReceipt)

    def phone_found(self, my_number: str) -> CounterReceipt:
        return self._post("phone-found", ResidentRef(my_number), CounterReceipt)

    def card_found(self, request: CardFoundRequest) -> CounterReceipt:
        return self._post("card-found", request, CounterReceipt)

    def change_attributes(self, request: AttributeChange) -> CounterReceipt:
        return self._post("attributes", request, CounterReceipt)

    def reset_pin(self, request: PinReset) -> CounterReceipt:
        return self._post("pin-reset", request, CounterReceipt)

    def card_certificates(self, my_number: str) -> tuple[CertificateInfo, ...]:
        return self._post("card-certificates", ResidentRef(my_number), tuple[CertificateInfo, ...])


class RemoteClock:
    """The shared J-LIS server's clock, as a :class:`~labkit.clock.Clock` (moved by lecturers)."""

    def __init__(self, jlis: HttpJlis) -> None:
        self.jlis = jlis

    def now(self) -> datetime:
        return self.jlis.now()

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        step = delta if delta is not None else timedelta(**kwargs)
        return self.jlis.advance_clock(int(step.total_seconds()))

    def set(self, when: datetime | str) -> None:
        self.jlis.set_clock(parse_time(when))
