"""Card fixtures. Keys are expensive (RSA-2048), so one card is personalised per session
with a tiny local CA and every test gets a fresh copy of its EEPROM image."""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from card_support import AUTH_PIN, MY_NUMBER, SIGN_PIN
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from labkit.card import (
    JpkiApplet,
    JpkiProfile,
    KenhojoApplet,
    KenhojoRecord,
    KeyRole,
    MyNumberCard,
)


def _ca_cert(key: rsa.RSAPrivateKey, ou: str) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "JPKI-TEST"),
                      x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, ou)])
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(1).not_valid_before(now).not_valid_after(now + timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))


def _ee_cert(ca_key: rsa.RSAPrivateKey, ca: x509.Certificate, public: rsa.RSAPublicKey, cn: str) -> bytes:
    now = datetime(2026, 4, 1, tzinfo=UTC)
    return (x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                                                              x509.NameAttribute(NameOID.COMMON_NAME, cn)]))
            .issuer_name(ca.subject).public_key(public).serial_number(x509.random_serial_number())
            .not_valid_before(now).not_valid_after(now + timedelta(days=1800))
            .sign(ca_key, hashes.SHA256()).public_bytes(Encoding.DER))


@pytest.fixture(scope="session")
def ca_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _personalise(applet: JpkiApplet, ca_key: rsa.RSAPrivateKey, *, signing: bool) -> None:
    roles = [KeyRole.AUTH, KeyRole.SIGN] if signing else [KeyRole.AUTH]
    for role in roles:
        ca = _ca_cert(ca_key, f"test {role.value} CA")
        public = applet.generate_key(role)
        applet.write_certificate(role, _ee_cert(ca_key, ca, public, f"TEST{role.value.upper()}0001"))
        applet.write_ca_certificate(role, ca.public_bytes(Encoding.DER))
    applet.set_pin(KeyRole.AUTH, AUTH_PIN)
    applet.set_pin(KeyRole.SIGN, SIGN_PIN if signing else None)


@pytest.fixture(scope="session")
def adult_state(ca_key: rsa.RSAPrivateKey) -> dict:
    jpki = JpkiApplet(JpkiProfile.CARD, serial="0000000000000042")
    _personalise(jpki, ca_key, signing=True)
    record = KenhojoRecord(MY_NUMBER, "試験\u3000花子", "東京都千代田区霞が関２丁目１番２号",
                           date(1990, 2, 17), "2")
    return MyNumberCard(jpki, KenhojoApplet(record, AUTH_PIN)).to_state()


@pytest.fixture(scope="session")
def child_state(ca_key: rsa.RSAPrivateKey) -> dict:
    jpki = JpkiApplet(JpkiProfile.CARD)
    _personalise(jpki, ca_key, signing=False)
    return MyNumberCard(jpki, KenhojoApplet(None, AUTH_PIN)).to_state()


@pytest.fixture(scope="session")
def phone_state(ca_key: rsa.RSAPrivateKey) -> dict:
    jpki = JpkiApplet(JpkiProfile.SMARTPHONE)
    _personalise(jpki, ca_key, signing=True)
    return MyNumberCard(jpki).to_state()


@pytest.fixture
def card(adult_state: dict) -> MyNumberCard:
    return MyNumberCard.from_state(copy.deepcopy(adult_state))


@pytest.fixture
def child_card(child_state: dict) -> MyNumberCard:
    return MyNumberCard.from_state(copy.deepcopy(child_state))


@pytest.fixture
def phone_card(phone_state: dict) -> MyNumberCard:
    return MyNumberCard.from_state(copy.deepcopy(phone_state))


Tx = Callable[..., tuple[bytes, int]]


@pytest.fixture
def tx(card: MyNumberCard) -> Tx:
    """``tx("00 A4 …")`` → (data, sw) on the adult card; ``tx(…, on=other_card)`` elsewhere."""

    def send(apdu: str, on: MyNumberCard | None = None) -> tuple[bytes, int]:
        response = (on or card).transmit(bytes.fromhex(apdu.replace(" ", "")))
        return response[:-2], int.from_bytes(response[-2:], "big")

    return send
