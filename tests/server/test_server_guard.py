"""Reliability review F9/F10 replayed: deeply nested JSON, lone surrogates and a corrupt
certificate extension get 400 ``malformed`` (never 500); a stalled body times out and a
client that goes away mid-body is one debug line, not a traceback."""

from __future__ import annotations

import asyncio
import logging
import warnings
from datetime import UTC, datetime

import pytest
from async_support import run_async
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtensionOID, NameOID
from starlette.requests import Request

from labkit.clock import SimulatedClock
from labkit.errors import LabkitError
from labkit.jlis.prerequisites import DevicePolicy
from labkit.jlis.verify import verify_card_request
from labkit.office import http_guard
from labkit.office.jlis_forms import ApplicationRequest
from labkit.pki import Jpki, MemoryStore

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from test_server_http import client_for

J = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def client():  # type: ignore[no-untyped-def]
    return client_for(db=":memory:", now="2026-04-01T10:00:00+09:00")


def _malformed(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 400, response.text
    assert response.json()["error"]["reason"] == "malformed"


def test_deeply_nested_json_is_malformed(client) -> None:  # type: ignore[no-untyped-def]
    _malformed(client.post("/api/usage", content=b"[" * 100000, headers=J))  # the review's repro
    _malformed(client.post("/api/usage", content=b"[" * 40 + b"]" * 40, headers=J))  # valid JSON, too deep


def test_lone_surrogate_is_malformed(client) -> None:  # type: ignore[no-untyped-def]
    body = b'{"device_id": "x", "app_version": "\\ud800", "service": "\\udfff"}'
    for path in ("/api/usage", "/api/applications", "/api/hotline/loss"):
        _malformed(client.post(path, content=body, headers=J))


def _corrupt_san_certificate() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "x")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(datetime(2026, 1, 1, tzinfo=UTC))
            .not_valid_after(datetime(2027, 1, 1, tzinfo=UTC))
            .add_extension(x509.UnrecognizedExtension(ExtensionOID.SUBJECT_ALTERNATIVE_NAME, b"\x30\x03\x02"),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return cert.public_bytes(serialization.Encoding.DER)


def test_corrupt_certificate_extension_is_malformed() -> None:
    jpki = Jpki.create(MemoryStore(), SimulatedClock("2026-04-01T10:00:00+09:00"))
    request = ApplicationRequest("phone-1", "se-1", "new", ("auth",), {}, _corrupt_san_certificate(),
                                 "Pixel 8", "54.0", bytes(16))
    with pytest.raises(LabkitError) as caught:
        verify_card_request(jpki, request, jpki.clock.now(), DevicePolicy())
    assert getattr(caught.value, "reason", None) == "malformed"


def _request(receive) -> Request:  # type: ignore[no-untyped-def]
    return Request({"type": "http", "method": "POST", "path": "/api/usage", "headers": [],
                    "query_string": b""}, receive)


def test_stalled_body_times_out() -> None:
    async def stall() -> dict:
        await asyncio.sleep(30)
        return {"type": "http.request", "body": b"", "more_body": False}

    with pytest.raises(LabkitError) as caught:
        run_async(http_guard.read_body(_request(stall), 1000, lambda: LabkitError("x"), timeout=0.2))
    assert "0.2" in caught.value.text.en


def test_client_disconnect_is_a_debug_line(caplog: pytest.LogCaptureFixture) -> None:
    messages = iter([{"type": "http.request", "body": b"{", "more_body": True}, {"type": "http.disconnect"}])

    async def receive() -> dict:
        return next(messages)

    caplog.set_level(logging.DEBUG, logger="labkit.office.server")
    with pytest.raises(LabkitError):
        run_async(http_guard.read_body(_request(receive), 1000, lambda: LabkitError("x")))
    records = [r for r in caplog.records if r.name == "labkit.office.server"]
    assert [r.levelno for r in records] == [logging.DEBUG] and not any(r.exc_info for r in records)
