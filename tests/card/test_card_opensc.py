"""Replays, byte for byte, the APDU sequence OpenSC's jpki driver sends (reference §6)."""

from __future__ import annotations

import hashlib

from card_support import AUTH_PIN, SIGN_PIN
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from labkit.card import Atr, MyNumberCard

JPKI_AID = "D392F000260100000001"
SHA256_PREFIX = "3031300D060960864801650304020105000420"


def _send(card: MyNumberCard, apdu: str) -> tuple[bytes, int]:
    r = card.transmit(bytes.fromhex(apdu.replace(" ", "")))
    return r[:-2], int.from_bytes(r[-2:], "big")


def _read_cert_like_opensc(card: MyNumberCard, fid: str) -> bytes:
    _data, sw = _send(card, f"00 A4 02 0C 02 {fid}")
    assert sw == 0x9000
    header, sw = _send(card, "00 B0 00 00 04")
    assert sw == 0x9000 and header[:2] == b"\x30\x82"
    size = int.from_bytes(header[2:4], "big") + 4
    out = b""
    while len(out) < size:
        le = min(256, size - len(out))
        chunk, sw = _send(card, f"00 B0 {len(out) >> 8:02X} {len(out) & 0xFF:02X} {le & 0xFF:02X}")
        assert sw == 0x9000 and len(chunk) == le
        out += chunk
    return out


def test_opensc_bind_read_login_sign_logout(card: MyNumberCard) -> None:
    assert card.atr == bytes(Atr.CONTACT) == bytes.fromhex("3BE000FF8131FE4514")
    # 1. Drivers earlier in OpenSC's list probe with their own AIDs: all must fail.
    for probe in ("A000000063504B43532D3135", "A0000000010101", "A000000308000010000100",
                  "A0000001510000", "D2760001240102000000000000010000", "A000000397425446590201"):
        assert _send(card, f"00 A4 04 00 {len(probe) // 2:02X} {probe}")[1] == 0x6A82
    assert _send(card, f"00 A4 04 0C 0A {JPKI_AID}") == (b"", 0x9000)
    # 2. PKCS#15 bind: for each PIN, SELECT its EF and an empty VERIFY that must give 63Cx.
    for fid, tries in (("0018", 3), ("001B", 5)):
        assert _send(card, f"00 A4 02 0C 02 {fid}") == (b"", 0x9000)
        assert _send(card, "00 20 00 80") == (b"", 0x63C0 | tries)
    # 3. Certificates 1, 3, 4 without a PIN; 2 needs the signing password.
    auth = x509.load_der_x509_certificate(_read_cert_like_opensc(card, "000A"))
    x509.load_der_x509_certificate(_read_cert_like_opensc(card, "000B"))
    x509.load_der_x509_certificate(_read_cert_like_opensc(card, "0002"))
    assert _send(card, "00 A4 02 0C 02 0001")[1] == 0x9000
    assert _send(card, "00 B0 00 00 04")[1] == 0x6982
    # 4. Login with the user-auth PIN, 5. sign a SHA256-RSA-PKCS DigestInfo with the auth key.
    assert _send(card, "00 A4 02 0C 02 0018")[1] == 0x9000
    assert _send(card, f"00 20 00 80 04 {AUTH_PIN.encode().hex()}") == (b"", 0x9000)
    digest_info = bytes.fromhex(SHA256_PREFIX) + hashlib.sha256(b"challenge").digest()
    assert _send(card, "00 A4 02 0C 02 0017")[1] == 0x9000
    signature, sw = _send(card, f"80 2A 00 80 33 {digest_info.hex()} 00")
    assert sw == 0x9000 and len(signature) == 256
    auth.public_key().verify(signature, b"challenge", padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr]
    # Digital signature: login to 001B, read cert 2, sign with 001A (re-login per signature).
    assert _send(card, "00 A4 02 0C 02 001B")[1] == 0x9000
    assert _send(card, f"00 20 00 80 06 {SIGN_PIN.encode().hex()}")[1] == 0x9000
    sign_cert = x509.load_der_x509_certificate(_read_cert_like_opensc(card, "0001"))
    assert _send(card, "00 A4 02 0C 02 001A")[1] == 0x9000
    signature, sw = _send(card, f"80 2A 00 80 33 {digest_info.hex()} 00")
    assert sw == 0x9000
    sign_cert.public_key().verify(signature, b"challenge", padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr]
    # 6. Logout = re-SELECT of the AP: verified state is gone.
    assert _send(card, f"00 A4 04 0C 0A {JPKI_AID}")[1] == 0x9000
    assert _send(card, "00 A4 02 0C 02 0017")[1] == 0x9000
    assert _send(card, f"80 2A 00 80 33 {digest_info.hex()} 00")[1] == 0x6982
    assert _send(card, "00 A4 02 0C 02 0018")[1] == 0x9000
    assert _send(card, "00 20 00 80")[1] == 0x63C3


def test_sign_response_can_be_fetched_with_get_response(card: MyNumberCard) -> None:
    """A T=0-style host (no Le) gets 6100 and fetches the 256 bytes with GET RESPONSE."""
    digest_info = bytes.fromhex(SHA256_PREFIX) + bytes(32)
    _send(card, f"00 A4 04 0C 0A {JPKI_AID}")
    _send(card, "00 A4 02 0C 02 0018")
    _send(card, f"00 20 00 80 04 {AUTH_PIN.encode().hex()}")
    _send(card, "00 A4 02 0C 02 0017")
    assert _send(card, f"80 2A 00 80 33 {digest_info.hex()}") == (b"", 0x6100)
    data, sw = _send(card, "00 C0 00 00 00")
    assert sw == 0x9000 and len(data) == 256


def test_contactless_atr_card_is_found_by_aid(adult_state: dict) -> None:
    import copy

    card = MyNumberCard.from_state(copy.deepcopy(adult_state))
    contactless = MyNumberCard(card.jpki, card.kenhojo, atr=Atr.CONTACTLESS)
    assert contactless.power_on() == bytes(Atr.CONTACTLESS)
    assert _send(contactless, f"00 A4 04 0C 0A {JPKI_AID}")[1] == 0x9000
