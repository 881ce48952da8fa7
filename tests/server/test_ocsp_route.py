"""POST /ocsp's bare ASGI path: the pre-produced answer from the event loop, the same answer
as the full responder, a body in several pieces, and the usual refusals."""

from __future__ import annotations

import argparse
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from async_support import run_async
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from starlette.middleware import Middleware
from test_server_http import _Closed, _ocsp_request, by_status, client_for

from labkit.cli.jlis import build_server
from labkit.office.ocsp_route import OcspShortcut
from labkit.office.server import MAX_BODY, create_app
from labkit.pki import CaKind
from labkit.pki._ocsp import issuer_hashes

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

OCSP = {"content-type": "application/ocsp-request"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = Path(tmp_path_factory.mktemp("ocsp-route")) / "demo.db"
    yield client_for(db=str(db), demo=True, now="2026-04-01T10:00:00+09:00")


def _status(content: bytes) -> ocsp.OCSPCertStatus:
    parsed = ocsp.load_der_ocsp_response(content)
    assert parsed.response_status is ocsp.OCSPResponseStatus.SUCCESSFUL
    return parsed.certificate_status


def test_the_second_answer_is_the_pre_produced_one(demo: TestClient) -> None:
    request = _ocsp_request(demo, by_status(demo)[("phone-auth", "held")]["serial"])
    first = demo.post("/ocsp", content=request, headers=OCSP)
    assert first.status_code == 200 and first.headers["content-type"] == "application/ocsp-response"
    assert int(first.headers["content-length"]) == len(first.content)
    assert _status(first.content) is ocsp.OCSPCertStatus.REVOKED  # held = certificateHold
    for _ in range(3):
        assert demo.post("/ocsp", content=request, headers=OCSP).content == first.content


def test_a_body_in_pieces_is_read_whole(demo: TestClient) -> None:
    """A client that sends the body in several pieces (the test client joins them, so the ASGI
    messages are made by hand) gets the same answer as one that sends it at once."""
    request = _ocsp_request(demo, by_status(demo)[("phone-auth", "good")]["serial"])
    whole = demo.post("/ocsp", content=request, headers=OCSP).content
    messages = [{"type": "http.request", "body": piece, "more_body": True}
                for piece in (request[:7], request[7:30], request[30:])]
    messages.append({"type": "http.request", "body": b"", "more_body": False})
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)
    scope = {"type": "http", "method": "POST", "path": "/ocsp", "raw_path": b"/ocsp", "root_path": "",
             "query_string": b"", "headers": [(b"content-type", b"application/ocsp-request")],
             "http_version": "1.1", "scheme": "http", "server": ("127.0.0.1", 80), "client": ("127.0.0.1", 1)}
    run_async(demo.app(scope, receive, send))  # type: ignore[arg-type]
    assert sent[0]["status"] == 200 and not messages
    assert sent[1]["body"] == whole and _status(whole) is ocsp.OCSPCertStatus.GOOD


@pytest.mark.parametrize(("body", "headers", "status", "reason"), [
    (b"\x30\x00", {"content-type": "application/json"}, 415, "unsupported_media_type"),
    (b"\x30\x00", {}, 415, "unsupported_media_type"),
    (b"\x30\x00", {**OCSP, "content-length": str(MAX_BODY + 1)}, 413, "too_large"),
    (b"\x30" * (MAX_BODY + 1), OCSP, 413, "too_large"),
])
def test_refusals_are_the_json_error(demo: TestClient, body: object, headers: dict[str, str], status: int,
                                     reason: str) -> None:
    answer = demo.post("/ocsp", content=body, headers=headers)  # type: ignore[arg-type]
    assert answer.status_code == status
    error = answer.json()["error"]
    assert error["reason"] == reason and error["ja"] and error["en"]


def test_garbage_is_a_malformed_request_and_get_is_not_post(demo: TestClient) -> None:
    answer = demo.post("/ocsp", content=b"\x30\x03\x02\x01\xff", headers=OCSP)
    assert answer.status_code == 200
    assert ocsp.load_der_ocsp_response(answer.content).response_status is ocsp.OCSPResponseStatus.MALFORMED_REQUEST
    assert demo.put("/ocsp", content=b"", headers=OCSP).status_code == 405


def test_the_shortcut_never_skips_a_publication_guard(demo: TestClient) -> None:
    """POST /ocsp skips the router walk only while the publication router has no guard."""
    assert any(m.cls is OcspShortcut for m in demo.app.user_middleware)  # type: ignore[attr-defined]
    office = build_server(argparse.Namespace(db=":memory:", demo=False, now="2026-04-01T10:00:00+09:00",
                                             host="127.0.0.1", port=8470, base_url=None))
    issuer = x509.load_der_x509_certificate(office.jlis.ca_certificates()[CaKind.AUTH])
    request = ocsp.OCSPRequestBuilder().add_certificate_by_hash(
        *issuer_hashes(issuer, hashes.SHA1()), 12345, hashes.SHA1()).build().public_bytes(serialization.Encoding.DER)
    for guards, status in (({"publication": [Middleware(_Closed)]}, 403), ({"counter": [Middleware(_Closed)]}, 200)):
        app = create_app(office.jlis, office.counter, office.clock, guards=guards)
        assert any(m.cls is OcspShortcut for m in app.user_middleware) is (status == 200)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            answer = TestClient(app).post("/ocsp", content=request, headers=OCSP)
        assert answer.status_code == status
        if status == 200:
            assert ocsp.load_der_ocsp_response(answer.content).certificate_status is ocsp.OCSPCertStatus.UNKNOWN
