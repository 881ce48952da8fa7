"""The HTTP surface in process (Starlette's test client): content types, RFC 6960 GET,
/demo, the teaching clock, and answers to malformed requests."""

from __future__ import annotations

import argparse
import base64
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp
from starlette.middleware import Middleware
from starlette.responses import JSONResponse

from labkit.cli.jlis import build_server
from labkit.office.server import MAX_BODY, ROUTERS, create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient


def client_for(**options: object) -> TestClient:
    args = argparse.Namespace(**{"db": None, "demo": False, "now": None, "host": "127.0.0.1", "port": 8470,
                                 "base_url": None, **options})
    app = build_server(args).app()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return TestClient(app)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = Path(tmp_path_factory.mktemp("demo")) / "demo.db"
    yield client_for(db=str(db), demo=True, now="2026-04-01T10:00:00+09:00")


def by_status(client: TestClient) -> dict[tuple[str, str], dict]:
    return {(c["profile"], c["status"]): c for c in client.get("/demo").json()["certificates"]}


def test_demo_world(demo: TestClient) -> None:
    listing = demo.get("/demo").json()["certificates"]
    states = {(c["holder"], c["profile"], c["status"], c["reason"]) for c in listing}
    assert ("見本\u3000太郎", "phone-auth", "held", "certificate_hold") in states
    assert ("番号\u3000次郎", "phone-sign", "revoked", "cessation_of_operation") in states
    assert ("見本\u3000花子", "phone-auth", "revoked", "superseded") in states
    assert ("見本\u3000花子", "phone-auth", "good", None) in states
    assert ("番号\u3000美咲", "card-sign", "revoked", "affiliation_changed") in states
    assert ("番号\u3000美咲", "phone-auth", "good", None) in states
    assert not any(c["holder"] == "見本\u3000さくら" and c["profile"] == "card-sign" for c in listing)


def test_publication_content_types(demo: TestClient) -> None:
    cert = by_status(demo)[("phone-auth", "good")]
    for path, media in [("/ca/sign.der", "application/pkix-cert"), ("/ca/auth.der", "application/pkix-cert"),
                        ("/crl/sign.crl", "application/pkix-crl"), ("/crl/auth.crl", "application/pkix-crl"),
                        (f"/certs/{cert['serial']}.der", "application/pkix-cert")]:
        answer = demo.get(path)
        assert answer.status_code == 200 and answer.headers["content-type"] == media
    crl = x509.load_der_x509_crl(demo.get("/crl/auth.crl").content)
    held = by_status(demo)[("phone-auth", "held")]
    assert crl.get_revoked_certificate_by_serial_number(int(held["serial"], 16)) is not None


def _ocsp_request(demo: TestClient, serial_hex: str) -> bytes:
    cert = x509.load_der_x509_certificate(demo.get(f"/certs/{serial_hex}.der").content)
    issuer = x509.load_der_x509_certificate(demo.get("/ca/auth.der").content)
    return ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA1()).build().public_bytes(
        serialization.Encoding.DER)


@pytest.mark.parametrize(("status", "expected"), [("good", ocsp.OCSPCertStatus.GOOD),
                                                  ("held", ocsp.OCSPCertStatus.REVOKED)])
def test_ocsp_post_and_get(demo: TestClient, status: str, expected: ocsp.OCSPCertStatus) -> None:
    request = _ocsp_request(demo, by_status(demo)[("phone-auth", status)]["serial"])
    post = demo.post("/ocsp", content=request, headers={"content-type": "application/ocsp-request"})
    get = demo.get("/ocsp/" + quote(base64.b64encode(request).decode(), safe=""))
    for answer in (post, get):
        assert answer.headers["content-type"] == "application/ocsp-response"
        parsed = ocsp.load_der_ocsp_response(answer.content)
        assert parsed.response_status is ocsp.OCSPResponseStatus.SUCCESSFUL
        assert parsed.certificate_status is expected


@pytest.mark.parametrize("path", ["/ocsp/%%%", "/ocsp/AAAA", "/ocsp/" + "A" * 5000])
def test_ocsp_get_garbage_is_malformed_request(demo: TestClient, path: str) -> None:
    answer = demo.get(path)
    assert answer.status_code == 200
    assert ocsp.load_der_ocsp_response(answer.content).response_status is ocsp.OCSPResponseStatus.MALFORMED_REQUEST


@pytest.mark.parametrize(("method", "path", "body", "ctype", "status", "reason"), [
    ("POST", "/api/applications", b"not json", "application/json", 400, "malformed"),
    ("POST", "/api/applications", b"[]", "application/json", 400, "malformed"),
    ("POST", "/api/applications", b'{"device_id": 1}', "application/json", 400, "malformed"),
    ("POST", "/api/applications", b"{}", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ("POST", "/ocsp", b"\x30\x00", "application/json", 415, "unsupported_media_type"),
    ("POST", "/api/usage", b"x" * (MAX_BODY + 1), "application/json", 413, "too_large"),
    ("POST", "/api/hotline/loss", b'{"name": "a", "birth_date": "1990-02-30", "item": "card"}',
     "application/json", 400, "malformed"),
    ("GET", "/api/status/-1", None, None, 400, "malformed"),
    ("GET", "/api/status/ffff", None, None, 200, None),
    ("GET", "/api/usage?serial=zz", None, None, 400, "malformed"),
    ("GET", "/api/usage?holder_id=x&limit=many", None, None, 400, "malformed"),
    ("GET", "/api/applications/nope/registration?device_id=p", None, None, 404, "not_found"),
    ("GET", "/certs/ffff.der", None, None, 404, "unknown_certificate"),
    ("GET", "/crl/root.crl", None, None, 404, "not_found"),
    ("GET", "/nowhere", None, None, 404, "not_found"),
    ("PUT", "/api/clock", None, None, 405, "malformed"),
    ("POST", "/api/clock", b'{"advance_seconds": -5}', "application/json", 400, "malformed"),
    ("POST", "/api/clock", b'{"set": "2020-01-01T00:00:00+09:00"}', "application/json", 400, "malformed"),
])
def test_malformed_requests_get_bilingual_json(demo: TestClient, method: str, path: str, body: bytes | None,
                                               ctype: str | None, status: int, reason: str | None) -> None:
    headers = {"content-type": ctype} if ctype else {}
    answer = demo.request(method, path, content=body, headers=headers)
    assert answer.status_code == status
    if reason is not None:
        error = answer.json()["error"]
        assert error["reason"] == reason and error["ja"] and error["en"] and error["ja"] != error["en"]


def test_teaching_clock(demo: TestClient) -> None:
    before = demo.get("/api/clock").json()
    assert before["simulated"] is True
    after = demo.post("/api/clock", json={"advance_seconds": 60}).json()
    assert after["now"] > before["now"]
    system = client_for()
    assert system.get("/api/clock").json()["simulated"] is False
    refused = system.post("/api/clock", json={"advance_seconds": 60})
    assert refused.status_code == 409 and refused.json()["error"]["reason"] == "clock_not_simulated"


def test_index_lists_endpoints(demo: TestClient) -> None:
    index = demo.get("/").json()
    assert "/ocsp" in index["endpoints"] and "/demo" in index["endpoints"]


def test_counter_register_finds_the_demo_residents_and_refuses_malformed_requests(demo: TestClient) -> None:
    found = demo.post("/api/counter/residents/find", json={"holder_id": "demo-2"})
    assert found.status_code == 200 and found.json()["holder"]["attributes"]["name"] == "見本\u3000太郎"
    person = {"name": "見本\u3000一郎", "sex": 1, "birth_date": "1990-01-01", "address": "東京都清瀬市元町１丁目"}
    bad_number = "123456789012"
    answers = {
        "not json": demo.post("/api/counter/residents", content=b"\xff{", headers={"content-type": "application/json"}),
        "text": demo.post("/api/counter/residents", content=b"{}", headers={"content-type": "text/plain"}),
        "missing": demo.post("/api/counter/residents", json={"name": "見本\u3000一郎"}),
        "unknown field": demo.post("/api/counter/residents", json={**person, "pin": "1234"}),
        "sex": demo.post("/api/counter/residents", json={**person, "sex": 3}),
        "ascii digits": demo.post("/api/counter/residents", json={**person, "address": "清瀬市1-2"}),
        "birthday": demo.post("/api/counter/residents", json={**person, "birth_date": "1990-02-30"}),
        "check digit": demo.post("/api/counter/residents", json={**person, "my_number": bad_number}),
        "find nothing": demo.post("/api/counter/residents/find", json={}),
        "nobody": demo.post("/api/counter/residents/find", json={"holder_id": "nobody"}),
        "no resident": demo.post("/api/counter/cards", json={"my_number": "123456789018", "auth_pin": "1234"}),
        "pin format": demo.post("/api/counter/cards", json={"my_number": "123456789018", "auth_pin": "12"}),
        "card not state": demo.post("/api/counter/pin-reset", json={"my_number": "123456789018", "card": "x",
                                                                     "role": "auth", "new_pin": "1234"}),
        "role": demo.post("/api/counter/pin-reset", json={"my_number": "123456789018", "card": {},
                                                           "role": "admin", "new_pin": "1234"}),
        "no card": demo.post("/api/counter/card-found", json={"my_number": "123456789018",
                                                               "new_sign_password": "FOUND2026"}),
        "nothing": demo.post("/api/counter/attributes", json={"my_number": "123456789018"}),
        "method": demo.get("/api/counter/cards"),
    }
    assert {k: a.status_code for k, a in answers.items()} == {
        "not json": 400, "text": 415, "missing": 400, "unknown field": 400, "sex": 400, "ascii digits": 400,
        "birthday": 400, "check digit": 400, "find nothing": 400, "nobody": 404, "no resident": 404,
        "pin format": 400, "card not state": 400, "role": 400, "no card": 400, "nothing": 400, "method": 405}
    for what, answer in answers.items():
        error = answer.json()["error"]
        assert error["ja"] != error["en"] and error["reason"], what
    assert answers["nobody"].json()["error"]["reason"] == "resident_unknown"
    registered = demo.post("/api/counter/residents", json=person)
    assert registered.status_code == 200 and registered.json()["card_state"] == "none"
    broken = demo.post("/api/counter/pin-reset", json={"my_number": registered.json()["my_number"],
                                                       "card": {"format": "labkit-mynumbercard", "version": 1},
                                                       "role": "auth", "new_pin": "1234"})
    assert broken.status_code == 400 and broken.json()["error"]["reason"] == "malformed"


class _Closed:
    """A guard that refuses everything (what a role check answers a caller without the role)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await JSONResponse({"error": {"reason": "forbidden"}}, status_code=403)(scope, receive, send)


def test_each_router_takes_its_own_guard() -> None:
    """Publication, J-LIS and counter are separate routers: a guard on one leaves the others."""
    office = build_server(argparse.Namespace(db=None, demo=False, now="2026-04-01T10:00:00+09:00",
                                             host="127.0.0.1", port=8470, base_url=None))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        client = TestClient(create_app(office.jlis, office.counter, office.clock,
                                       guards={"counter": [Middleware(_Closed)]}))
    assert client.get("/ca/auth.der").status_code == 200 and client.get("/api/clock").status_code == 200
    refused = client.post("/api/counter/residents/find", json={"holder_id": "demo-1"})
    assert refused.status_code == 403 and refused.json()["error"]["reason"] == "forbidden"
    assert set(ROUTERS) == {"publication", "jlis", "counter"}
