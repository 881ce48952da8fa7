"""The lab's web PKI (lecture 1-4 「通信の暗号化」): the server certificates that let a user
— and the Mynaportal app — check that a site really is Mynaportal.

* a lab web root ``JPKI-LAB Web Root CA`` (the only web anchor the lab phones trust) and an
  intermediate ``JPKI-LAB Web CA 1`` that issues the server certificates;
* the genuine portal ``myna.go.jp.test`` and the lab bank ``bank.lab.test``
  (``.test`` is reserved for testing, RFC 6761, so nothing here can reach a real site);
* fakes: an **impostor** presenting ``myna.go.jp.test`` under a look-alike root of its own
  (same name, different key), a **look-alike** host ``myna-go-jp.test`` from that fake root,
  and a **wrong-name** server that presents a genuine certificate for another host.

Web certificates are ECDSA P-256 (fast) and valid around the *real* time: TLS libraries
check validity against the system clock, not the lab's simulated one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from ..clock import to_jst
from ..i18n import Text

__all__ = [
    "BANK_HOST",
    "PORTAL_HOST",
    "CertField",
    "SiteKind",
    "WebPki",
    "WebSite",
    "explain_certificate",
]

PORTAL_HOST = "myna.go.jp.test"
BANK_HOST = "bank.lab.test"
LOOKALIKE_HOST = "myna-go-jp.test"


class SiteKind(StrEnum):
    GENUINE = "genuine"      # the real portal
    BANK = "bank"            # the lab bank (genuine)
    IMPOSTOR = "impostor"    # same host name, certificate from an untrusted look-alike root
    LOOKALIKE = "lookalike"  # a different, similar host name, untrusted root
    WRONG_NAME = "wrong_name"  # a genuine certificate, but for another host


def _name(cn: str, org: str = "JPKI-LAB") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _ca(subject: x509.Name, key: ec.EllipticCurvePrivateKey, issuer: x509.Name, issuer_key: ec.EllipticCurvePrivateKey,
        start: datetime, years: int, path_length: int | None) -> x509.Certificate:
    return (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start)
            .not_valid_after(start + timedelta(days=365 * years))
            .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(issuer_key, hashes.SHA256()))


def _leaf(host: str, org: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Certificate,
          issuer_key: ec.EllipticCurvePrivateKey, start: datetime) -> x509.Certificate:
    return (x509.CertificateBuilder().subject_name(_name(host, org)).issuer_name(issuer.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + timedelta(days=397))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
            .sign(issuer_key, hashes.SHA256()))


@dataclass(frozen=True, slots=True)
class WebSite:
    """One TLS server identity: the host it claims, the chain it presents, its key."""

    kind: SiteKind
    host: str
    title: Text
    chain: tuple[x509.Certificate, ...]  # leaf first, root not included
    key: ec.EllipticCurvePrivateKey
    description: Text

    @property
    def leaf(self) -> x509.Certificate:
        return self.chain[0]

    def chain_pem(self) -> bytes:
        return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in self.chain)

    def key_pem(self) -> bytes:
        return self.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                      serialization.NoEncryption())


class WebPki:
    """The lab's web CAs and sites; :meth:`shared` gives one per process (keys are EC, cheap,
    and nothing here depends on a world)."""

    def __init__(self, now: datetime | None = None) -> None:
        start = (now or datetime.now(UTC)).replace(microsecond=0) - timedelta(days=30)
        self.root_key, ica_key, fake_key = _key(), _key(), _key()
        self.root = _ca(_name("JPKI-LAB Web Root CA"), self.root_key, _name("JPKI-LAB Web Root CA"), self.root_key,
                        start, 20, 1)
        self.intermediate = _ca(_name("JPKI-LAB Web CA 1"), ica_key, self.root.subject, self.root_key, start, 10, 0)
        # The fake root copies the genuine root's name: names can be copied, keys cannot.
        self.fake_root = _ca(_name("JPKI-LAB Web Root CA"), fake_key, _name("JPKI-LAB Web Root CA"), fake_key,
                             start, 20, 0)
        self.sites: dict[SiteKind, WebSite] = {}

        def site(kind: SiteKind, host: str, org: str, issuer: x509.Certificate,
                 issuer_key: ec.EllipticCurvePrivateKey, title: Text, text: Text, ica: bool) -> None:
            key = _key()
            leaf = _leaf(host, org, key, issuer, issuer_key, start)
            self.sites[kind] = WebSite(kind, host, title, (leaf, issuer) if ica else (leaf,), key, text)

        site(SiteKind.GENUINE, PORTAL_HOST, "Digital Agency (LAB)", self.intermediate, ica_key,
             Text("マイナポータル (本物)", "Mynaportal (genuine)"),
             Text("ラボの Web ルート → 中間 CA → サーバ証明書と正しくつながり、名前も一致します",
                  "chains lab web root → intermediate → server certificate, and the name matches"), True)
        site(SiteKind.BANK, BANK_HOST, "Lab Bank", self.intermediate, ica_key, Text("ラボ銀行", "Lab Bank"),
             Text("ラボの Web CA が発行した銀行のサーバ証明書", "the bank's certificate from the lab web CA"), True)
        site(SiteKind.IMPOSTOR, PORTAL_HOST, "Digital Agency (LAB)", self.fake_root, fake_key,
             Text("偽マイナポータル (なりすまし)", "fake Mynaportal (impostor)"),
             Text("名前は同じでも、信頼していない偽のルートが署名しています",
                  "the same name, but signed by a fake root nobody trusts"), False)
        site(SiteKind.LOOKALIKE, LOOKALIKE_HOST, "Digital Agency", self.fake_root, fake_key,
             Text("偽マイナポータル (似たドメイン)", "fake Mynaportal (look-alike domain)"),
             Text(f"{LOOKALIKE_HOST} は {PORTAL_HOST} に似た別の名前で、偽のルートが署名しています",
                  f"{LOOKALIKE_HOST} only resembles {PORTAL_HOST}, and a fake root signed it"), False)
        site(SiteKind.WRONG_NAME, "shop.lab.test", "Lab Shop", self.intermediate, ica_key,
             Text("別のサイトの証明書", "another site's certificate"),
             Text("正しい CA の証明書ですが、別のホスト名 (shop.lab.test) のものです",
                  "a certificate from the right CA, but for another host (shop.lab.test)"), True)

    @classmethod
    @cache
    def shared(cls) -> WebPki:
        return cls()

    def trust_pem(self) -> str:
        """What a lab phone trusts for the web: the lab web root only."""
        return self.root.public_bytes(serialization.Encoding.PEM).decode("ascii")

    def site(self, kind: SiteKind | str) -> WebSite:
        return self.sites[SiteKind(kind)]


@dataclass(frozen=True, slots=True)
class CertField:
    """One row of a certificate explained: the field, its value, what it means."""

    name: Text
    value: str
    meaning: Text


def _fingerprint(cert: x509.Certificate) -> str:
    return cert.fingerprint(hashes.SHA256()).hex(":").upper()


def explain_certificate(cert: x509.Certificate) -> list[CertField]:
    """The fields a user checks in a server certificate, each with its meaning."""
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value.get_values_for_type(
            x509.DNSName)
    except x509.ExtensionNotFound:
        names = []
    try:
        basic = cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        basic = False
    when = f"{to_jst(cert.not_valid_before_utc):%Y-%m-%d} 〜 {to_jst(cert.not_valid_after_utc):%Y-%m-%d}"
    return [
        CertField(Text("発行先 (サブジェクト)", "subject"), cert.subject.rfc4514_string(),
                  Text("この証明書が誰のものか。O= は組織、CN= は名前",
                       "whom the certificate names (O= organisation, CN= name)")),
        CertField(Text("サブジェクト代替名 (DNS 名)", "subject alternative name (DNS)"), ", ".join(names) or "—",
                  Text("この証明書を使ってよいホスト名。接続先の名前と一致する必要があります",
                       "the host names it is valid for; must equal the name you connected to")),
        CertField(Text("発行者", "issuer"), cert.issuer.rfc4514_string(),
                  Text("この証明書に署名した認証局。名前はまねできるので、署名の検証で確かめます",
                       "the CA that signed it; names can be copied, so the signature is what counts")),
        CertField(Text("有効期間", "validity"), when,
                  Text("この期間の外では使えません", "it is not accepted outside this period")),
        CertField(Text("シリアル番号", "serial number"), f"{cert.serial_number:X}",
                  Text("発行者が付けた番号 (失効の確認に使う)", "the issuer's number for it (used for revocation)")),
        CertField(Text("認証局か", "is a CA"), "CA" if basic else "—",
                  Text("CA の証明書は他の証明書に署名できます", "a CA certificate may sign other certificates")),
        CertField(Text("公開鍵", "public key"), _key_text(cert),
                  Text("通信の暗号化で相手を確かめる鍵。秘密鍵はサーバだけが持っています",
                       "the key that proves the server in the handshake; only the server has the private key")),
        CertField(Text("SHA-256 フィンガープリント", "SHA-256 fingerprint"), _fingerprint(cert),
                  Text("証明書全体のハッシュ値。1 ビットでも違えば全く違う値になります",
                       "a hash of the whole certificate; any change gives a different value")),
    ]


def _key_text(cert: x509.Certificate) -> str:
    key = cert.public_key()
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"ECDSA {key.curve.name}"
    return type(key).__name__
