"""Helpers for the SE tests: a tiny EC test CA (fast) and APDU shortcuts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from labkit.apdu import CommandAPDU, ResponseAPDU
from labkit.se import AppIdentity, SecureElement, SecureElementService, SEService

AUTH_PIN = "1234"
SIGN_PASSWORD = "ABC123"
JPKI_SELECT = bytes.fromhex("00A4040C0AD392F000260100000001")


@lru_cache(maxsize=1)
def _ca_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JPKI-SE-TEST"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


@lru_cache(maxsize=1)
def ca_certificate() -> bytes:
    key, now = _ca_key(), datetime(2026, 1, 1, tzinfo=UTC)
    return (x509.CertificateBuilder().subject_name(_name("SE test CA")).issuer_name(_name("SE test CA"))
            .public_key(key.public_key()).serial_number(1).not_valid_before(now)
            .not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()).public_bytes(Encoding.DER))


def issue(public: rsa.RSAPublicKey, cn: str, start: datetime, end: datetime) -> bytes:
    return (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name("SE test CA"))
            .public_key(public).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end)
            .sign(_ca_key(), hashes.SHA256()).public_bytes(Encoding.DER))


def app_certificate(cn: str) -> bytes:
    """An Android app signing certificate (self-signed, EC for speed)."""
    key, now = ec.generate_private_key(ec.SECP256R1()), datetime(2026, 1, 1, tzinfo=UTC)
    return (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(cn))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + timedelta(days=9000))
            .sign(key, hashes.SHA256()).public_bytes(Encoding.DER))


def apdu(transmit: object, hex_or_command: str | CommandAPDU) -> ResponseAPDU:
    """Send hex (spaces allowed) or a CommandAPDU through ``transmit``; parse the response."""
    raw = (bytes.fromhex(hex_or_command) if isinstance(hex_or_command, str)
           else hex_or_command.to_bytes())
    return ResponseAPDU.from_bytes(transmit(raw))  # type: ignore[operator]


def sw(transmit: object, hex_or_command: str | CommandAPDU) -> int:
    return apdu(transmit, hex_or_command).sw


def omapi_for(se: SecureElement, app: AppIdentity) -> SEService:
    """What ``app`` holds on a phone whose only secure element is ``se``."""
    return SEService(SecureElementService({"eSE1": se}), app)
