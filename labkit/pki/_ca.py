"""The infrastructure certificates and CRLs: self-signed roots shaped like J-LIS's, the
delegated OCSP responders, and full CRLs. Names say JPKI-LAB everywhere so nothing here can
pass for a real J-LIS object."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from .. import keypool
from ..clock import to_jst
from .constants import CaKind, Reason
from .profiles import ca_pointers, key_ids
from .urls import LabUrls
from .validity import birthday_in, end_of_day

KEY_SIZE = keypool.KEY_BITS
#: Roots live ten years like J-LIS's (2015-10-20 → 2025-10-19, 23:59:59 JST).
ROOT_YEARS = 10
#: Responder certificates are short-lived (id-pkix-ocsp-nocheck) and renewed on demand.
RESPONDER_LIFETIME = timedelta(days=365)
#: CRLs are reissued daily (J-LIS practice).
CRL_LIFETIME = timedelta(days=1)

_OU = {CaKind.SIGN: "JPKI-LAB for digital signature", CaKind.AUTH: "JPKI-LAB for user authentication"}
_OU_JA = {CaKind.SIGN: "公的個人認証サービス署名用（演習）", CaKind.AUTH: "公的個人認証サービス利用者証明用（演習）"}
_NO_USAGE = dict(key_encipherment=False, data_encipherment=False, key_agreement=False,
                 encipher_only=False, decipher_only=False)


def new_key() -> rsa.RSAPrivateKey:
    """A root or responder key (from :mod:`labkit.keypool`: made ahead when a pool exists)."""
    return keypool.rsa_2048()


def key_to_pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def key_from_pem(pem: bytes) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError("the lab stores RSA keys only")
    return key


def root_name(kind: CaKind) -> x509.Name:
    """``C=JP, O=JPKI-LAB, OU=JPKI-LAB for …, OU=Lab stand-in for J-LIS`` (real: O=JPKI)."""
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JPKI-LAB"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, _OU[kind]),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "Lab stand-in for J-LIS"),
    ])


def root_alt_name(kind: CaKind) -> x509.Name:
    """The Japanese directoryName the real roots carry in their SAN, in lab form."""
    return x509.Name([
        x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "公的個人認証サービス演習環境"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, _OU_JA[kind]),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "J-LIS 演習用代替"),
    ])


def root_not_after(issued_at: datetime) -> datetime:
    day = to_jst(issued_at).date()
    return end_of_day(birthday_in(day, day.year + ROOT_YEARS) - timedelta(days=1))


def build_root(kind: CaKind, key: rsa.RSAPrivateKey, *, serial: int, not_before: datetime) -> x509.Certificate:
    """Self-signed root, extensions in the real roots' order: KU, SAN, BC, CRL DP, SKI."""
    name = root_name(kind)
    return (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(serial)
            .not_valid_before(not_before)
            .not_valid_after(root_not_after(not_before))
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_cert_sign=True,
                                         crl_sign=True, **_NO_USAGE), critical=True)
            .add_extension(x509.SubjectAlternativeName([x509.DirectoryName(root_alt_name(kind))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.CRLDistributionPoints([x509.DistributionPoint(
                full_name=[x509.DirectoryName(name)], relative_name=None, reasons=None, crl_issuer=None)]),
                critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))


def build_responder(kind: CaKind, public_key: rsa.RSAPublicKey, *, serial: int, not_before: datetime,
                    issuer: x509.Certificate, issuer_key: rsa.RSAPrivateKey, urls: LabUrls) -> x509.Certificate:
    """Delegated OCSP responder (RFC 6960 §4.2.2.2): id-kp-OCSPSigning + ocsp-nocheck."""
    not_after = min(not_before + RESPONDER_LIFETIME, issuer.not_valid_after_utc)
    builder = (x509.CertificateBuilder()
               .subject_name(x509.Name([
                   x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                   x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JPKI-LAB"),
                   x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, _OU[kind]),
                   x509.NameAttribute(NameOID.COMMON_NAME, f"JPKI-LAB OCSP responder ({kind.value})"),
               ]))
               .issuer_name(issuer.subject)
               .public_key(public_key)
               .serial_number(serial)
               .not_valid_before(not_before)
               .not_valid_after(not_after)
               .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_cert_sign=False,
                                            crl_sign=False, **_NO_USAGE), critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False)
               .add_extension(x509.OCSPNoCheck(), critical=False))
    for ext in [*ca_pointers(kind, urls)[:1], *key_ids(public_key, issuer)]:
        builder = builder.add_extension(ext, critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def build_crl(*, issuer: x509.Certificate, issuer_key: rsa.RSAPrivateKey, number: int, this_update: datetime,
              entries: Iterable[tuple[int, Reason, datetime, datetime | None]]) -> x509.CertificateRevocationList:
    """A full CRL. ``entries`` are (serial, reason, revoked_at, invalidity_date).

    reasonCode is omitted for ``unspecified`` (RFC 5280 §5.3.1 says so); certificateHold
    entries are listed like any other and vanish from the next CRL once the hold is lifted.
    """
    revoked = []
    for serial, reason, revoked_at, invalidity in entries:
        entry = x509.RevokedCertificateBuilder().serial_number(serial).revocation_date(revoked_at)
        if reason is not Reason.UNSPECIFIED:
            entry = entry.add_extension(x509.CRLReason(reason.flag), critical=False)
        if invalidity is not None:
            naive_utc = invalidity.astimezone(UTC).replace(tzinfo=None)
            entry = entry.add_extension(x509.InvalidityDate(naive_utc), critical=False)
        revoked.append(entry.build())
    ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    # Entries go in through the constructor: add_revoked_certificate copies the list each
    # time (immutable builder), which makes a 100,000-entry CRL quadratic.
    builder = (x509.CertificateRevocationListBuilder(revoked_certificates=revoked)
               .issuer_name(issuer.subject)
               .last_update(this_update)
               .next_update(this_update + CRL_LIFETIME)
               .add_extension(x509.CRLNumber(number), critical=False)
               .add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False))
    return builder.sign(issuer_key, hashes.SHA256())


def is_issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(issuer)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True
