"""Certificate viewer: fields in Japanese, basic attributes, status from each kind of source,
chain to the lab root, PEM toggle."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from labkit.card import KeyRole
from labkit.clock import SimulatedClock
from labkit.pki import Jpki, Reason
from labkit.widgets import CertificateModel, CertificateViewer, load_certificate


def _fields(model: CertificateModel, lang: str = "ja") -> dict[str, str]:
    return {f.key: f.value.get(lang) for f in model.fields()}


def test_signing_certificate_fields_and_basic_attributes(jpki: Jpki, phone_certs: dict, clock: SimulatedClock) -> None:
    model = CertificateModel(phone_certs[KeyRole.SIGN], status=jpki, clock=clock, lang="ja")
    fields = _fields(model)
    assert fields["kind"] == "スマホ用署名用電子証明書"
    assert "O=JPKI-LAB" in fields["issuer"]
    assert "L=Kiyose-shi" in fields["subject"]
    assert fields["validity"] == "2026-04-01 10:00:00 JST 〜 2031-02-17 23:59:59 JST"
    assert "否認防止" in fields["key_usage"] and "デジタル署名" in fields["key_usage"]
    assert "(重要 critical)" in fields["policies"]
    assert fields["basic_name"] == "見本\u3000花子"
    assert fields["basic_birth"].startswith("1990年2月17日 (平成2年)")
    assert fields["basic_address"] == "東京都清瀬市中里５丁目８４２番地"
    assert fields["basic_sex"] == "女性"
    assert "OCSP: " in fields["revocation_info"]
    notes = {f.key: f.note for f in model.fields()}
    assert notes["validity"] is not None and "5回目の誕生日" in notes["validity"].ja
    en = CertificateModel(phone_certs[KeyRole.SIGN], clock=clock, lang="en")
    assert _fields(en, "en")["basic_sex"] == "female"


def test_user_auth_certificate_has_no_personal_data(phone_certs: dict, clock: SimulatedClock) -> None:
    model = CertificateModel(phone_certs[KeyRole.AUTH], clock=clock, lang="ja")
    fields = {f.key: f for f in model.fields()}
    assert fields["basic"].value.ja == "記録されていません"
    assert fields["basic"].note is not None and "個人情報は入っていません" in fields["basic"].note.ja
    assert "L=" not in fields["subject"].value.ja
    assert fields["key_usage"].value.ja == "デジタル署名"
    assert "basic_name" not in fields


def test_status_from_jpki_hold_revoke_expire(jpki: Jpki, phone_certs: dict, clock: SimulatedClock) -> None:
    auth, sign = phone_certs[KeyRole.AUTH], phone_certs[KeyRole.SIGN]
    model = CertificateModel(auth, status=jpki, clock=clock, lang="ja")
    assert model.status().state == "good" and model.status().label.ja == "有効"
    jpki.hold(auth.serial_number)
    held = model.status()
    assert held.state == "held" and held.label.ja.startswith("一時保留") and held.checked
    jpki.revoke(sign.serial_number, Reason.KEY_COMPROMISE)
    revoked = CertificateModel(sign, status=jpki, clock=clock, lang="ja").status()
    assert revoked.state == "revoked" and revoked.label.ja == "失効"
    assert revoked.detail is not None and "鍵の危殆化" in revoked.detail.ja
    clock.advance(days=365 * 6)
    expired = CertificateModel(phone_certs[KeyRole.AUTH], clock=clock, lang="ja").status()
    assert expired.state == "expired" and expired.label.ja == "期限切れ" and not expired.checked


def test_status_from_a_revocation_checker_and_no_source(jpki: Jpki, phone_certs: dict, clock: SimulatedClock) -> None:
    auth = phone_certs[KeyRole.AUTH]
    jpki.hold(auth.serial_number)
    model = CertificateModel(auth, status=jpki.checker(), anchors=jpki.anchors, clock=clock, lang="en")
    assert model.status().state == "held"
    unchecked = CertificateModel(auth, clock=clock, lang="en").status()
    assert unchecked.state == "good" and not unchecked.checked
    assert unchecked.detail is not None and "not checked" in unchecked.detail.en


def test_chain_to_the_lab_root(jpki: Jpki, make_jpki, phone_certs: dict, clock: SimulatedClock) -> None:
    model = CertificateModel(phone_certs[KeyRole.SIGN], status=jpki, clock=clock)
    chain = model.chain()
    assert [link.anchor for link in chain] == [False, True]
    assert chain[1].role.ja.startswith("ルート証明書")
    assert model.trusted() and "labkit-cert-chain-ok" in model.chain_html()
    stranger = CertificateModel(phone_certs[KeyRole.SIGN], anchors=[], clock=clock)
    assert not stranger.trusted() and "labkit-cert-chain-ng" in stranger.chain_html()
    root = CertificateModel(jpki.anchors[0], anchors=jpki.anchors, clock=clock)
    assert len(root.chain()) == 1 and root.trusted()
    assert _fields(root)["kind"] == "認証局 (CA) の証明書"


def _ec_chain() -> tuple[x509.Certificate, x509.Certificate, x509.Certificate]:
    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])

    now = datetime(2026, 1, 1, tzinfo=UTC)
    keys = [ec.generate_private_key(ec.SECP256R1()) for _ in range(3)]

    def build(subject: str, issuer: str, key: int, signer: int, ca: bool, dns: str | None = None) -> x509.Certificate:
        b = (x509.CertificateBuilder().subject_name(name(subject)).issuer_name(name(issuer))
             .public_key(keys[key].public_key()).serial_number(x509.random_serial_number())
             .not_valid_before(now).not_valid_after(now + timedelta(days=800))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
        if dns:
            b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(dns)]), critical=False)
            b = b.add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        return b.sign(keys[signer], hashes.SHA256())
    root = build("Web Root", "Web Root", 0, 0, True)
    inter = build("Web CA 1", "Web Root", 1, 0, True)
    leaf = build("myna.go.jp.test", "Web CA 1", 2, 1, False, "myna.go.jp.test")
    return root, inter, leaf


def test_any_certificate_server_chain_with_intermediate(clock: SimulatedClock) -> None:
    root, inter, leaf = _ec_chain()
    model = CertificateModel(leaf, anchors=[root], intermediates=[inter], clock=clock, lang="ja")
    fields = _fields(model)
    assert fields["kind"] == "JPKI 以外の証明書"
    assert fields["dns"] == "myna.go.jp.test"
    assert fields["public_key"] == "ECDSA secp256r1"
    assert "サーバ認証 (TLS)" in fields["key_usage"]
    assert [link.role.en for link in model.chain()] == ["this certificate", "intermediate CA",
                                                         "root certificate (trust anchor)"]
    assert not CertificateModel(leaf, anchors=[root], clock=clock).trusted()  # intermediate missing


def test_load_certificate_accepts_pem_and_der(phone_certs: dict) -> None:
    cert = phone_certs[KeyRole.AUTH]
    pem = cert.public_bytes(Encoding.PEM)
    assert load_certificate(pem.decode()) == cert
    assert load_certificate(pem) == cert
    assert load_certificate(cert.public_bytes(Encoding.DER)) == cert
    with pytest.raises(ValueError):
        load_certificate(b"not a certificate")


def test_viewer_pem_toggle_and_refresh(jpki: Jpki, phone_certs: dict, clock: SimulatedClock) -> None:
    auth = phone_certs[KeyRole.AUTH]
    viewer = CertificateViewer(auth, status=jpki, clock=clock, lang="ja")
    assert 'data-state="good"' in viewer.status.value
    assert viewer.pem.layout.display == "none" and viewer.pem.value == ""
    viewer.pem_button.value = True
    assert viewer.pem.value.startswith("-----BEGIN CERTIFICATE-----")
    assert viewer.pem_button.description == "PEM を隠す"
    viewer.pem_button.value = False
    assert viewer.pem.value == ""
    jpki.hold(auth.serial_number)
    viewer.refresh_button.click()
    assert 'data-state="held"' in viewer.status.value and "一時保留" in viewer.status.value
    assert "labkit-cert" in viewer.widget._dom_classes
    assert 'data-field="basic"' in viewer.fields.value
