"""Real TLS over loopback (lecture 1-4 「通信の暗号化」): the genuine portal's chain verifies,
every fake is refused by OpenSSL for a stated reason, and certificates can be inspected."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from labkit.services import PORTAL_HOST, SiteKind, TlsFailure, WebServers, explain_certificate, handshake
from labkit.services.webpki import LOOKALIKE_HOST


@pytest.fixture(scope="module")
def web() -> WebServers:
    return WebServers.shared()


def test_genuine_portal(web: WebServers) -> None:
    result = handshake(web.address(SiteKind.GENUINE), PORTAL_HOST, web.pki.trust_pem())
    assert result.ok and result.failure is None and result.reason is None
    assert result.version in ("TLSv1.2", "TLSv1.3")
    assert result.presented is not None and result.presented == web.pki.site(SiteKind.GENUINE).leaf
    assert "マイナポータル" in result.response.decode("utf-8")
    site = web.pki.site(SiteKind.GENUINE)
    assert [c.subject for c in site.chain[1:]] == [web.pki.intermediate.subject]
    key = web.pki.root.public_key()
    assert isinstance(key, ec.EllipticCurvePublicKey)
    web.pki.intermediate.verify_directly_issued_by(web.pki.root)
    site.leaf.verify_directly_issued_by(web.pki.intermediate)


@pytest.mark.parametrize(("kind", "host", "failure"), [
    (SiteKind.IMPOSTOR, PORTAL_HOST, TlsFailure.UNTRUSTED),
    (SiteKind.LOOKALIKE, LOOKALIKE_HOST, TlsFailure.UNTRUSTED),
    (SiteKind.WRONG_NAME, PORTAL_HOST, TlsFailure.WRONG_NAME),
    (SiteKind.BANK, PORTAL_HOST, TlsFailure.WRONG_NAME),
])
def test_fakes_are_refused_with_a_reason(web: WebServers, kind: SiteKind, host: str, failure: TlsFailure) -> None:
    result = handshake(web.address(kind), host, web.pki.trust_pem())
    assert not result.ok and result.failure is failure
    assert result.reason is not None and result.reason.ja != result.reason.en
    assert "OpenSSL" in result.reason.en
    assert result.presented is not None  # what the fake showed, for inspection


def test_the_fake_root_copies_the_name_not_the_key(web: WebServers) -> None:
    assert web.pki.fake_root.subject == web.pki.root.subject
    assert web.pki.fake_root.public_key() != web.pki.root.public_key()


def test_no_server_is_a_connection_failure(web: WebServers) -> None:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    result = handshake(("127.0.0.1", port), PORTAL_HOST, web.pki.trust_pem(), timeout=1)
    assert result.failure is TlsFailure.NO_CONNECTION


def test_certificate_fields_are_explained(web: WebServers) -> None:
    rows = explain_certificate(web.pki.site(SiteKind.GENUINE).leaf)
    names = [r.name.ja for r in rows]
    assert names[:4] == ["発行先 (サブジェクト)", "サブジェクト代替名 (DNS 名)", "発行者", "有効期間"]
    by_name = {r.name.en: r for r in rows}
    assert by_name["subject alternative name (DNS)"].value == PORTAL_HOST
    assert "JPKI-LAB Web CA 1" in by_name["issuer"].value
    assert all(r.meaning.ja and r.meaning.en for r in rows)
    assert len(by_name["SHA-256 fingerprint"].value.split(":")) == 32
