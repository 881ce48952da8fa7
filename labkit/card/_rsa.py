"""The card's RSA engine: on-card key generation and the raw private-key operation on a
PKCS#1 v1.5 type-1 block the card builds itself (reference §4)."""

from __future__ import annotations

import functools

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.types import PublicKeyTypes

from .. import keypool
from ..apdu import SW, StatusWordError
from .constants import MAX_SIGN_INPUT

KEY_BITS = 2048
KEY_BYTES = KEY_BITS // 8


def generate_key() -> rsa.RSAPrivateKey:
    """A new RSA-2048 key pair, e = 65537, for this chip only (made ahead by
    :mod:`labkit.keypool` when the server keeps a pool: the lab's assumption)."""
    return keypool.rsa_2048()


def pad_type1(data: bytes, k: int = KEY_BYTES) -> bytes:
    """EMSA-PKCS1-v1_5 block type 1 around exactly ``data``: ``00 01 FF…FF 00 data``
    (RFC 8017 §9.2 steps 4–5, without the DigestInfo step: the host supplies it)."""
    if not data or len(data) > k - 11:
        raise StatusWordError(SW.WRONG_LENGTH)
    return b"\x00\x01" + b"\xff" * (k - 3 - len(data)) + b"\x00" + data


def sign_raw(key: rsa.RSAPrivateKey, data: bytes) -> bytes:
    """Pad ``data`` (1–245 bytes) with type 1 and apply the private key (RSASP1 with CRT).

    ``cryptography`` offers no raw private operation for arbitrary input, so this uses the
    private numbers; the result is checked with the public key (a fault countermeasure
    real cards also apply)."""
    if len(data) > MAX_SIGN_INPUT:
        raise StatusWordError(SW.WRONG_LENGTH)
    numbers = key.private_numbers()
    pub = numbers.public_numbers
    k = (pub.n.bit_length() + 7) // 8
    m = int.from_bytes(pad_type1(data, k), "big")
    s1 = pow(m, numbers.dmp1, numbers.p)
    s2 = pow(m, numbers.dmq1, numbers.q)
    h = (numbers.iqmp * (s1 - s2)) % numbers.p
    s = s2 + h * numbers.q
    if pow(s, pub.e, pub.n) != m:  # pragma: no cover - only on a broken key
        raise StatusWordError(SW.EXECUTION_ERROR)
    return s.to_bytes(k, "big")


def private_to_der(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


@functools.lru_cache(maxsize=32)
def private_from_der(der: bytes) -> rsa.RSAPrivateKey:
    """Load a PKCS#8 key from a card image; keys are immutable, so repeated loads of the same
    image — tests, a reloaded emulator — share one object. The key is the card's own memory,
    written by labkit, so OpenSSL's consistency check (~30 ms a key, paid per card on every
    page that issues one) is skipped, as a card does not re-check its key at power-up."""
    key = serialization.load_der_private_key(der, password=None, unsafe_skip_rsa_key_validation=True)
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size != KEY_BITS:
        raise ValueError("not an RSA-2048 private key")
    return key


def public_der(key: PublicKeyTypes) -> bytes:
    return key.public_bytes(serialization.Encoding.DER,
                            serialization.PublicFormat.SubjectPublicKeyInfo)
