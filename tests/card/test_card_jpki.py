"""JPKI AP behaviour: selection, files, READ BINARY forms, token info, signing."""

from __future__ import annotations

import hashlib

import pytest
from card_support import AUTH_PIN, JPKI_AID, SHA256_PREFIX, SIGN_PIN
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from labkit.card import JpkiApplet, KeyRole, MyNumberCard, pad_type1, token_info
from labkit.card._rsa import sign_raw
from labkit.errors import InputError

SELECT_JPKI = f"00 A4 04 0C 0A {JPKI_AID}"


def _pin_hex(pin: str) -> str:
    return f"{len(pin):02X} {pin.encode().hex()}"


# -- selection --------------------------------------------------------------------------------
def test_mf_level_answers_as_reported(tx) -> None:
    assert tx("00 A4 00 00") == (b"", 0x6A86)
    assert tx("00 A4 00 00 02 3F00") == (b"", 0x6A82)
    assert tx("00 A4 00 0C 02 3F00") == (b"", 0x6A82)
    assert tx("00 B0 00 00 00")[1] == 0x6986
    assert tx("00 20 00 80")[1] == 0x6A88
    assert tx("80 2A 00 80 01 00 00")[1] == 0x6D00


@pytest.mark.parametrize("aid", ["A0000000031010", "A000000308000010000100", "A0000001510000",
                                 "D392F000260100000002", "D392F00026010000000100"])
def test_unknown_aids_are_not_found(tx, aid: str) -> None:
    assert tx(f"00 A4 04 0C {len(aid) // 2:02X} {aid}") == (b"", 0x6A82)


def test_failed_select_keeps_the_current_ap(tx) -> None:
    tx(SELECT_JPKI)
    assert tx("00 A4 04 0C 07 A0000000031010")[1] == 0x6A82
    assert tx("00 A4 02 0C 02 000B")[1] == 0x9000


def test_only_the_basic_channel(tx) -> None:
    assert tx("00 70 00 00 01")[1] == 0x6881
    assert tx("00 70 80 01")[1] == 0x6881
    assert tx(f"01 A4 04 0C 0A {JPKI_AID}")[1] == 0x6881
    assert tx(f"41 A4 04 0C 0A {JPKI_AID}")[1] == 0x6881


def test_secure_messaging_cla_is_refused(tx) -> None:
    tx(SELECT_JPKI)
    assert tx("0C A4 02 0C 02 000A")[1] == 0x6882
    assert tx("8C 2A 00 97 01 00 00")[1] == 0x6882
    assert tx("00 A4 02 0C 02 000A")[1] == 0x9000


def test_select_ef_errors(tx) -> None:
    tx(SELECT_JPKI)
    assert tx("00 A4 02 0C 02 0003")[1] == 0x6A82
    assert tx("00 A4 02 0C 02 3F00")[1] == 0x6A82
    assert tx("00 A4 02 0C 03 00000A")[1] == 0x6700
    assert tx("00 A4 01 0C 02 000A")[1] == 0x6A86
    assert tx("00 A4 08 0C 02 000A")[1] == 0x6A86
    assert tx("00 A4 02 0C")[1] == 0x6A86
    assert tx("00 A4 00 0C 02 000A")[1] == 0x9000


# -- READ BINARY --------------------------------------------------------------------------------
def test_read_binary_chunks_and_eof_rules(card: MyNumberCard, tx) -> None:
    der = card.jpki.certificate(KeyRole.AUTH)
    assert der is not None
    tx(SELECT_JPKI)
    tx("00 A4 02 0C 02 000A")
    header, sw = tx("00 B0 00 00 04")
    assert sw == 0x9000 and header == der[:4]
    assert int.from_bytes(header[2:4], "big") + 4 == len(der)
    assert tx("00 B0 00 00 00") == (der[:256], 0x9000)  # Le 00 = 256
    assert tx("00 B0 01 00 00") == (der[256:512], 0x9000)
    last = len(der) - 10
    # Le past EOF: the remaining bytes with 9000.
    assert tx(f"00 B0 {last >> 8:02X} {last & 0xFF:02X} 00") == (der[last:], 0x9000)
    # Offset at or beyond EOF: 6B00.
    end = len(der)
    assert tx(f"00 B0 {end >> 8:02X} {end & 0xFF:02X} 01")[1] == 0x6B00
    assert tx("00 B0 7F FF 01")[1] == 0x6B00
    # Extended Le returns the whole file at once.
    assert tx("00 B0 00 00 00 00 00") == (der, 0x9000)
    assert tx(f"00 B0 00 00 00 {end:04X}") == (der, 0x9000)
    # No Le or a data field: wrong length.
    assert tx("00 B0 00 00")[1] == 0x6700
    assert tx("00 B0 00 00 01 00 00")[1] == 0x6700


def test_read_binary_with_sfi(card: MyNumberCard, tx) -> None:
    der = card.jpki.certificate(KeyRole.AUTH)
    ca = card.jpki.ca_certificate(KeyRole.AUTH)
    assert der is not None and ca is not None
    tx(SELECT_JPKI)
    assert tx("00 B0 8A 00 04") == (der[:4], 0x9000)
    assert tx("00 B0 8A 04 00") == (der[4:260], 0x9000)
    assert tx("00 B0 8A 00 00 00 00") == (der, 0x9000)  # nm004 / jsapdu style, extended Le
    assert tx("00 B0 00 00 04") == (der[:4], 0x9000)  # the SFI read made 000A current
    assert tx("00 B0 8B 00 00 00 00") == (ca, 0x9000)
    assert tx("00 B0 83 00 01")[1] == 0x6A82  # no EF with SFI 3
    assert tx("00 B0 80 00 01")[1] == 0x6A86  # SFI 0 is not an SFI
    assert tx("00 B0 A1 00 01")[1] == 0x6A86  # bits 6–7 must be 0


def test_read_needs_a_current_ef(tx) -> None:
    tx(SELECT_JPKI)
    assert tx("00 B0 00 00 04")[1] == 0x6986


@pytest.mark.parametrize("fid", ["0017", "001A", "0018", "001B"])
def test_key_and_pin_efs_are_never_readable(card: MyNumberCard, tx, fid: str) -> None:
    tx(SELECT_JPKI)
    tx("00 A4 02 0C 02 0018")
    tx(f"00 20 00 80 {_pin_hex(AUTH_PIN)}")
    tx("00 A4 02 0C 02 001B")
    tx(f"00 20 00 80 {_pin_hex(SIGN_PIN)}")
    assert tx(f"00 A4 02 0C 02 {fid}")[1] == 0x9000
    assert tx("00 B0 00 00 00") == (b"", 0x6981)
    assert tx(f"00 B0 {0x80 | int(fid, 16):02X} 00 00") == (b"", 0x6981)


def test_signing_certificate_needs_the_signing_password(card: MyNumberCard, tx) -> None:
    tx(SELECT_JPKI)
    tx("00 A4 02 0C 02 0001")
    assert tx("00 B0 00 00 04") == (b"", 0x6982)
    assert tx("00 B0 81 00 04") == (b"", 0x6982)
    tx("00 A4 02 0C 02 0018")
    tx(f"00 20 00 80 {_pin_hex(AUTH_PIN)}")  # the auth PIN does not open it
    assert tx("00 B0 81 00 04") == (b"", 0x6982)
    tx("00 A4 02 0C 02 001B")
    assert tx(f"00 20 00 80 {_pin_hex(SIGN_PIN)}")[1] == 0x9000
    assert tx("00 B0 81 00 00 00 00") == (card.jpki.certificate(KeyRole.SIGN), 0x9000)


def test_token_info_and_availability(card: MyNumberCard, tx) -> None:
    tx(SELECT_JPKI)
    tx("00 A4 02 0C 02 0006")
    info, sw = tx("00 B0 00 00 00")
    assert sw == 0x9000 and len(info) == 160
    assert info[:32] == b"JPKIAPICCTOKEN2" + b" " * 17
    assert info[64:80].rstrip() == b"MyNumberCard" and info[80:96] == card.jpki.serial.encode()
    assert info == token_info(card.jpki.profile, card.jpki.serial)
    tx("00 A4 02 0C 02 0008")
    assert tx("00 B0 00 00 00") == (bytes.fromhex("8F8F00"), 0x9000)


def test_ca_certificates_are_free(card: MyNumberCard, tx) -> None:
    tx(SELECT_JPKI)
    for fid, role in (("000B", KeyRole.AUTH), ("0002", KeyRole.SIGN)):
        tx(f"00 A4 02 0C 02 {fid}")
        assert tx("00 B0 00 00 00 00 00") == (card.jpki.ca_certificate(role), 0x9000)


# -- signing -------------------------------------------------------------------------------------
def _login(tx, role: KeyRole) -> None:
    tx(SELECT_JPKI)
    if role is KeyRole.AUTH:
        tx("00 A4 02 0C 02 0018")
        assert tx(f"00 20 00 80 {_pin_hex(AUTH_PIN)}")[1] == 0x9000
    else:
        tx("00 A4 02 0C 02 001B")
        assert tx(f"00 20 00 80 {_pin_hex(SIGN_PIN)}")[1] == 0x9000


@pytest.mark.parametrize("role", list(KeyRole))
def test_signature_verifies_with_the_certificate(card: MyNumberCard, tx, role: KeyRole) -> None:
    _login(tx, role)
    digest_info = bytes.fromhex(SHA256_PREFIX) + hashlib.sha256(b"message").digest()
    tx(f"00 A4 02 0C 02 {role.key_file:04X}")
    signature, sw = tx(f"80 2A 00 80 33 {digest_info.hex()} 00")
    assert sw == 0x9000 and len(signature) == 256
    der = card.jpki.certificate(role)
    assert der is not None
    x509.load_der_x509_certificate(der).public_key().verify(  # type: ignore[union-attr]
        signature, b"message", padding.PKCS1v15(), hashes.SHA256())


def test_sign_with_sfi_and_raw_input(card: MyNumberCard, tx) -> None:
    _login(tx, KeyRole.AUTH)
    nonce = bytes(range(32))
    signature, sw = tx(f"80 2A 00 97 20 {nonce.hex()} 00")  # key 0017 by SFI, a raw nonce
    assert sw == 0x9000
    public = card.jpki.public_key(KeyRole.AUTH)
    assert public is not None
    numbers = public.public_numbers()
    recovered = pow(int.from_bytes(signature, "big"), numbers.e, numbers.n).to_bytes(256, "big")
    assert recovered == pad_type1(nonce)


def test_sign_needs_the_matching_pin(tx) -> None:
    _login(tx, KeyRole.AUTH)
    digest_info = bytes.fromhex(SHA256_PREFIX) + bytes(32)
    tx("00 A4 02 0C 02 001A")
    assert tx(f"80 2A 00 80 33 {digest_info.hex()} 00") == (b"", 0x6982)
    assert tx(f"80 2A 00 9A 33 {digest_info.hex()} 00") == (b"", 0x6982)
    assert tx(f"80 2A 00 97 33 {digest_info.hex()} 00")[1] == 0x9000


def test_sign_input_limits_and_parameters(tx) -> None:
    _login(tx, KeyRole.AUTH)
    tx("00 A4 02 0C 02 0017")
    assert tx(f"80 2A 00 80 F5 {'AB' * 245} 00")[1] == 0x9000
    assert tx(f"80 2A 00 80 F6 {'AB' * 246} 00") == (b"", 0x6700)
    assert tx(f"80 2A 00 80 00 01 00 {'AB' * 300} 00 00") == (b"", 0x6700)
    assert tx("80 2A 00 80 00") == (b"", 0x6700)
    for p1 in ("01", "02", "05", "FF"):
        assert tx(f"80 2A {p1} 80 20 {'00' * 32} 00") == (b"", 0x6A86)
    assert tx(f"80 2A 00 00 20 {'00' * 32} 00") == (b"", 0x6A86)
    assert tx(f"00 2A 00 80 20 {'00' * 32} 00") == (b"", 0x6E00)  # ISO CLA: not this command
    tx("00 A4 02 0C 02 000A")  # current EF is a certificate, not a key
    assert tx(f"80 2A 00 80 20 {'00' * 32} 00") == (b"", 0x6A88)
    assert tx(f"80 2A 00 8A 20 {'00' * 32} 00") == (b"", 0x6A88)


def test_sign_with_short_le_chains_with_get_response(tx) -> None:
    _login(tx, KeyRole.AUTH)
    tx("00 A4 02 0C 02 0017")
    first, sw = tx(f"80 2A 00 80 20 {'11' * 32} 80")
    assert len(first) == 128 and sw == 0x6180
    rest, sw = tx("00 C0 00 00 80")
    assert len(rest) == 128 and sw == 0x9000
    whole, sw = tx(f"80 2A 00 80 00 00 20 {'11' * 32} 01 00")  # extended Lc and Le
    assert whole == first + rest and sw == 0x9000


def test_raw_signature_matches_a_reference_computation(card: MyNumberCard) -> None:
    key = card.jpki._keys[KeyRole.AUTH]
    data = b"\x01" * 51
    expected = pow(int.from_bytes(pad_type1(data), "big"), key.private_numbers().d,
                   key.public_key().public_numbers().n).to_bytes(256, "big")
    assert sign_raw(key, data) == expected


# -- issuer side ------------------------------------------------------------------------------
def test_certificate_must_certify_the_card_key(card: MyNumberCard) -> None:
    sign_der = card.jpki.certificate(KeyRole.SIGN)
    assert sign_der is not None
    with pytest.raises(InputError) as info:
        card.jpki.write_certificate(KeyRole.AUTH, sign_der)
    assert "一致しません" in str(info.value) and "does not certify" in str(info.value)
    with pytest.raises(InputError):
        card.jpki.write_ca_certificate(KeyRole.AUTH, b"\x30\x03\x02\x01\x00")


def test_new_key_drops_the_old_certificate() -> None:
    applet = JpkiApplet()
    applet.generate_key(KeyRole.AUTH)
    assert applet.certificate(KeyRole.AUTH) is None and applet.public_key(KeyRole.SIGN) is None
