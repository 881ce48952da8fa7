"""Pre-produced OCSP responses (RFC 5019 style): signed once per status and window, re-signed
at once when the status changes (also from another process on the same store) or the window
nears its end; nonce requests stay live."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from labkit.clock import SimulatedClock
from labkit.pki import CARD_AUTH, CaKind, Holder, Jpki, SqliteStore
from labkit.pki.ocsp_cache import REFRESH, WINDOW


def _request(cert: x509.Certificate, issuer: x509.Certificate, nonce: bytes | None = None) -> bytes:
    builder = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA1())
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return builder.build().public_bytes(serialization.Encoding.DER)


def _answer(jpki: Jpki, request: bytes) -> ocsp.OCSPResponse:
    response = ocsp.load_der_ocsp_response(jpki.ocsp_respond(request))
    assert response.response_status is ocsp.OCSPResponseStatus.SUCCESSFUL
    return response


def test_same_status_is_answered_without_signing_again(jpki: Jpki, holder: Holder, ee_key: object,
                                                        clock: SimulatedClock) -> None:
    cert = jpki.issue(CARD_AUTH, ee_key.public_key(), holder)  # type: ignore[attr-defined]
    request = _request(cert, jpki.ca(CaKind.AUTH).certificate)
    first = _answer(jpki, request)
    assert first.certificate_status is ocsp.OCSPCertStatus.GOOD
    assert first.next_update_utc == first.this_update_utc + WINDOW
    signed = jpki.ocsp_responses.signed
    clock.advance(minutes=10)
    assert jpki.ocsp_respond(request) == first.public_bytes(serialization.Encoding.DER)
    assert jpki.ocsp_responses.signed == signed
    # A hold changes the answer at once (never "good" from the cache) ...
    jpki.hold(cert.serial_number)
    held = _answer(jpki, request)
    assert held.certificate_status is ocsp.OCSPCertStatus.REVOKED
    assert held.revocation_reason is x509.ReasonFlags.certificate_hold
    # ... and a release as well.
    jpki.release_hold(cert.serial_number)
    assert _answer(jpki, request).certificate_status is ocsp.OCSPCertStatus.GOOD
    # Near the end of the window the response is produced again.
    before = jpki.ocsp_responses.signed
    clock.advance(WINDOW - REFRESH)
    again = _answer(jpki, request)
    assert jpki.ocsp_responses.signed == before + 1 and again.this_update_utc == clock.now().replace(microsecond=0)


def test_nonce_requests_are_answered_live(jpki: Jpki, holder: Holder, ee_key: object) -> None:
    cert = jpki.issue(CARD_AUTH, ee_key.public_key(), holder)  # type: ignore[attr-defined]
    for nonce in (b"0123456789abcdef", b"fedcba9876543210"):
        response = _answer(jpki, _request(cert, jpki.ca(CaKind.AUTH).certificate, nonce))
        assert response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce == nonce
        assert response.next_update_utc is None


def test_a_revocation_by_another_process_is_seen(tmp_path: Path, make_jpki: Callable[..., Jpki],
                                                 holder: Holder, ee_key: object, clock: SimulatedClock) -> None:
    path = tmp_path / "shared.db"
    server = make_jpki(SqliteStore(path))
    other = Jpki.create(SqliteStore(path), clock)  # e.g. `labkit pki demo` on the shared store
    cert = other.issue(CARD_AUTH, ee_key.public_key(), holder)  # type: ignore[attr-defined]
    request = _request(cert, server.ca(CaKind.AUTH).certificate)
    assert _answer(server, request).certificate_status is ocsp.OCSPCertStatus.GOOD  # issued elsewhere: found
    other.revoke(cert.serial_number)
    assert _answer(server, request).certificate_status is ocsp.OCSPCertStatus.REVOKED


def test_the_hot_path_serves_the_same_request_bytes_only_while_current(jpki: Jpki, holder: Holder, ee_key: object,
                                                                       clock: SimulatedClock) -> None:
    cert = jpki.issue(CARD_AUTH, ee_key.public_key(), holder)  # type: ignore[attr-defined]
    issuer = jpki.ca(CaKind.AUTH).certificate
    request, cache = _request(cert, issuer), jpki.ocsp_responses
    assert cache.cached(request) is None  # nothing produced yet: respond() signs
    first = jpki.ocsp_respond(request)
    assert cache.cached(request) == first and cache.cached(bytearray(request)) == first
    assert cache.cached(_request(cert, issuer, b"0123456789abcdef")) is None  # a nonce is answered live
    jpki.hold(cert.serial_number)
    assert cache.cached(request) is None  # the revision moved: never "good" from the hot path
    held = jpki.ocsp_respond(request)
    assert _answer(jpki, request).certificate_status is ocsp.OCSPCertStatus.REVOKED
    assert cache.cached(request) == held
    clock.advance(WINDOW - REFRESH)
    assert cache.cached(request) is None  # near the window's end: produced again by respond()


def test_a_negative_serial_is_a_malformed_request(jpki: Jpki, holder: Holder, ee_key: object) -> None:
    """The fuzzer's find: a CertID with a negative serial made the signer raise (HTTP 500)."""
    cert = jpki.issue(CARD_AUTH, ee_key.public_key(), holder)  # type: ignore[attr-defined]
    issuer = jpki.ca(CaKind.AUTH).certificate
    good = ocsp.OCSPRequestBuilder().add_certificate_by_hash(
        *_hashes(issuer), 5, hashes.SHA1()).build().public_bytes(serialization.Encoding.DER)
    assert good.count(b"\x02\x01\x05") == 1
    negative = good.replace(b"\x02\x01\x05", b"\x02\x01\xfb")  # INTEGER -5
    assert ocsp.load_der_ocsp_request(negative).serial_number == -5
    answer = ocsp.load_der_ocsp_response(jpki.ocsp_respond(negative))
    assert answer.response_status is ocsp.OCSPResponseStatus.MALFORMED_REQUEST
    assert cert.serial_number > 0


def _hashes(issuer: x509.Certificate) -> tuple[bytes, bytes]:
    from labkit.pki._ocsp import issuer_hashes
    return issuer_hashes(issuer, hashes.SHA1())
