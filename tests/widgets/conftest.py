"""Widget fixtures: a lab PKI with pooled RSA keys, issued smartphone certificates, and a
phone SE holding them. Models are tested without a browser; views are built with ipywidgets
(no frontend needed) and driven by calling ``click()`` or setting values."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding

from labkit import course
from labkit.card import KeyRole
from labkit.clock import SimulatedClock
from labkit.pki import PHONE_AUTH, PHONE_SIGN, BasicAttributes, Holder, Jpki, MemoryStore, Sex
from labkit.se import SecureElement


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def key_pool() -> list[rsa.RSAPrivateKey]:
    return [_key() for _ in range(5)]


@pytest.fixture(autouse=True)
def _course_context() -> Iterator[None]:
    """Widgets default to the course context's language and clock: start from a fresh one."""
    with course.use():
        yield


@pytest.fixture
def make_jpki(key_pool: list[rsa.RSAPrivateKey], clock: SimulatedClock) -> Callable[[], Jpki]:
    def make() -> Jpki:
        return Jpki.create(MemoryStore(), clock, key_factory=itertools.cycle(key_pool[:4]).__next__)
    return make


@pytest.fixture
def jpki(make_jpki: Callable[[], Jpki]) -> Jpki:
    return make_jpki()


@pytest.fixture
def holder() -> Holder:
    return Holder("widget-test-1", BasicAttributes("見本\u3000花子", Sex.FEMALE, date(1990, 2, 17),
                                                   "東京都清瀬市中里５丁目８４２番地"),
                  "Tokyo", "Kiyose-shi", date(2035, 2, 17))


@pytest.fixture
def phone_certs(jpki: Jpki, holder: Holder, key_pool: list[rsa.RSAPrivateKey]) -> dict[KeyRole, x509.Certificate]:
    """A smartphone signing and user-authentication certificate from ``jpki``."""
    public = key_pool[4].public_key()
    return {KeyRole.SIGN: jpki.issue(PHONE_SIGN, public, holder),
            KeyRole.AUTH: jpki.issue(PHONE_AUTH, public, holder)}


@pytest.fixture
def phone_se(jpki: Jpki, holder: Holder, clock: SimulatedClock) -> SecureElement:
    """An SE whose JPKI AP holds keys generated inside it, both certificates and PINs."""
    se = SecureElement(clock=clock)
    applet = se.jpki
    assert applet is not None
    for role, profile in ((KeyRole.AUTH, PHONE_AUTH), (KeyRole.SIGN, PHONE_SIGN)):
        cert = jpki.issue(profile, applet.generate_key(role), holder)
        applet.write_certificate(role, cert.public_bytes(Encoding.DER))
    applet.set_pin(KeyRole.AUTH, "1234")
    applet.set_pin(KeyRole.SIGN, "ABC123")
    return se
