"""``HttpJlis``: the J-LIS API over HTTP, for phones and services in other processes (other
notebook kernels, the kiosk, a learner's script). It behaves exactly as the in-process
:class:`~labkit.jlis.service.JlisService`: same return types, and a refusal arrives as the
same exception class with the same ``reason`` and text. If the server cannot be reached the
error is a ``ServiceError`` with reason ``unavailable``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from ..errors import ServiceError
from ..i18n import Text
from ..pki import CaKind, CertificateStatus
from ..pki.urls import OCSP_PATH, ca_path, cert_path, crl_path
from ._codec import decode, encode
from .api import (
    ApplicationReceipt,
    ApplicationRequest,
    DeviceStatus,
    LossReceipt,
    LossReport,
    Notification,
    RegistrationPackage,
    RevocationReceipt,
    RevocationRequest,
    UsageEvent,
    UsageRecord,
    status_from_json,
)
from .reasons import MalformedRequestError, Refusal, refuse

__all__ = ["HttpJlis", "error_from_json"]


def error_from_json(status: int, body: Any) -> ServiceError:
    """Rebuild the server's refusal as the exception the in-process service would raise."""
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict) or not isinstance(err.get("ja"), str) or not isinstance(err.get("en"), str):
        return refuse(Refusal.INTERNAL if status >= 500 else Refusal.MALFORMED,
                      Text(f"HTTP {status}", f"HTTP {status}"))
    text = Text(err["ja"], err["en"])
    details = err.get("details") if isinstance(err.get("details"), dict) else {}
    reason = str(err.get("reason", Refusal.INTERNAL.value))
    details = {k: v for k, v in details.items() if k != "reason"}
    if reason == Refusal.MALFORMED.value:
        return MalformedRequestError(text, **details)
    return ServiceError(text, reason=reason, **details)


class HttpJlis:
    """A :class:`~labkit.jlis.api.JlisApi` over ``labkit jlis serve`` at ``base_url``."""

    def __init__(self, base_url: str, *, timeout: float = 30.0, client: httpx.Client | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self._http = client or httpx.Client(base_url=self.base_url, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> HttpJlis:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transport ----------------------------------------------------------------------------
    def _send(self, method: str, path: str, *, json_body: Any = None, content: bytes | None = None,
              content_type: str | None = None, params: dict[str, str] | None = None) -> httpx.Response:
        headers = {"content-type": content_type} if content_type else None
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

    def _json(self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None) -> Any:
        response = self._send(method, path, json_body=body, params=params)
        try:
            return response.json()
        except ValueError:
            raise refuse(Refusal.INTERNAL, Text("応答が JSON ではありません", "the answer is not JSON")) from None

    def call_json(self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None) -> Any:
        """One JSON call on this connection, errors raised as above (for sibling clients such
        as :class:`~labkit.municipality.http_client.HttpCounter`)."""
        return self._json(method, path, body, params)

    # -- JlisApi ------------------------------------------------------------------------------
    def now(self) -> datetime:
        return decode(datetime, self._json("GET", "/api/clock").get("now"), "now")

    def advance_clock(self, seconds: int) -> datetime:
        """Teaching aid: move the server's simulated clock forward."""
        return decode(datetime, self._json("POST", "/api/clock", {"advance_seconds": int(seconds)})["now"], "now")

    def set_clock(self, when: datetime) -> datetime:
        return decode(datetime, self._json("POST", "/api/clock", {"set": when.isoformat()})["now"], "now")

    def submit_application(self, request: ApplicationRequest) -> ApplicationReceipt:
        return decode(ApplicationReceipt, self._json("POST", "/api/applications", encode(request)))

    def lift_suspension_by_card(self, request: ApplicationRequest) -> ApplicationReceipt:
        return decode(ApplicationReceipt, self._json("POST", "/api/applications/card-found", encode(request)))

    def poll(self, device_id: str) -> list[Notification]:
        return decode(list[Notification], self._json("POST", f"/api/devices/{_seg(device_id)}/poll", {}))

    def fetch_registration(self, application_id: str, device_id: str) -> RegistrationPackage:
        return decode(RegistrationPackage, self._json("GET", f"/api/applications/{_seg(application_id)}/registration",
                                                      params={"device_id": device_id}))

    def confirm_registration(self, application_id: str, device_id: str) -> DeviceStatus:
        return decode(DeviceStatus, self._json("POST", f"/api/applications/{_seg(application_id)}/confirm",
                                               {"device_id": device_id}))

    def device_status(self, device_id: str) -> DeviceStatus:
        return decode(DeviceStatus, self._json("GET", f"/api/devices/{_seg(device_id)}"))

    def revoke_by_user(self, request: RevocationRequest) -> RevocationReceipt:
        return decode(RevocationReceipt, self._json("POST", "/api/revocations", encode(request)))

    def report_loss(self, report: LossReport) -> LossReceipt:
        return decode(LossReceipt, self._json("POST", "/api/hotline/loss", encode(report)))

    def record_usage(self, record: UsageRecord) -> UsageEvent:
        return decode(UsageEvent, self._json("POST", "/api/usage", encode(record)))

    def usage_history(self, *, serial: int | None = None, holder_id: str | None = None,
                      limit: int = 100) -> list[UsageEvent]:
        params = {"limit": str(limit)}
        if serial is not None:
            params["serial"] = f"{serial:x}"
        if holder_id is not None:
            params["holder_id"] = holder_id
        return decode(list[UsageEvent], self._json("GET", "/api/usage", params=params))

    def status(self, serial: int) -> CertificateStatus:
        return status_from_json(self._json("GET", f"/api/status/{serial:x}"))

    def certificate(self, serial: int) -> bytes:
        return self._send("GET", cert_path(serial)).content

    def ca_certificates(self) -> dict[CaKind, bytes]:
        return {kind: self._send("GET", ca_path(kind)).content for kind in CaKind}

    def crl(self, kind: CaKind) -> bytes:
        return self._send("GET", crl_path(CaKind(kind))).content

    def ocsp(self, request_der: bytes) -> bytes:
        return self._send("POST", OCSP_PATH, content=request_der, content_type="application/ocsp-request").content

    def demo(self) -> list[dict[str, Any]]:
        return list(self._json("GET", "/demo")["certificates"])


def _seg(value: str) -> str:
    """A path segment; ids are validated by the server (anything odd is a 4xx, not a crash)."""
    from urllib.parse import quote

    return quote(str(value), safe="")
