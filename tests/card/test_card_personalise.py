"""Personalisation at the municipal counter against the lab J-LIS (labkit.pki)."""

from __future__ import annotations

from datetime import date

import pytest
from card_support import JPKI_AID, KENHOJO_AID, MY_NUMBER
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from labkit.card import JpkiFile, KenhojoRecord, KeyRole, MyNumberCard
from labkit.card.personalise import personalise
from labkit.clock import SimulatedClock
from labkit.errors import InputError
from labkit.pki import BasicAttributes, CaKind, Holder, Jpki, MemoryStore, Sex, basic_attributes_of


@pytest.fixture(scope="session")
def lab_jpki() -> Jpki:
    return Jpki.create(MemoryStore(), SimulatedClock("2026-04-01T10:00:00+09:00"))


def _holder(birth: date, holder_id: str = "resident-1") -> Holder:
    return Holder(holder_id, BasicAttributes("番号\u3000太郎", Sex.MALE, birth, "東京都清瀬市中里５丁目８４２番地"),
                  "Tokyo", "Kiyose-shi", date(2035, 4, 1))


@pytest.fixture(scope="session")
def adult(lab_jpki: Jpki) -> MyNumberCard:
    return personalise(lab_jpki, _holder(date(1980, 2, 17)), my_number=MY_NUMBER,
                       auth_pin="4321", sign_password="PASS2026")


def _tx(card: MyNumberCard, apdu: str) -> tuple[bytes, int]:
    r = card.transmit(bytes.fromhex(apdu.replace(" ", "")))
    return r[:-2], int.from_bytes(r[-2:], "big")


def test_adult_card_carries_both_certificates(adult: MyNumberCard, lab_jpki: Jpki) -> None:
    _tx(adult, f"00 A4 04 0C 0A {JPKI_AID}")
    auth_der, sw = _tx(adult, "00 B0 8A 00 00 00 00")
    assert sw == 0x9000
    auth = x509.load_der_x509_certificate(auth_der)
    assert auth.issuer == lab_jpki.ca(CaKind.AUTH).certificate.subject
    assert _tx(adult, "00 B0 8B 00 00 00 00")[0] == lab_jpki.ca(CaKind.AUTH).der
    assert _tx(adult, "00 B0 82 00 00 00 00")[0] == lab_jpki.ca(CaKind.SIGN).der
    assert _tx(adult, "00 B0 88 00 03") == (bytes.fromhex("8F8F00"), 0x9000)
    # The public keys in the certificates are the card's own.
    assert auth.public_key() == adult.jpki.public_key(KeyRole.AUTH)
    _tx(adult, "00 20 00 9B 08 " + b"PASS2026".hex())
    sign = x509.load_der_x509_certificate(_tx(adult, "00 B0 81 00 00 00 00")[0])
    attrs = basic_attributes_of(sign)
    assert attrs is not None and attrs.name == "番号\u3000太郎" and attrs.sex is Sex.MALE
    # And the card signs with them (sign key: password verified above).
    info = bytes.fromhex("3031300D060960864801650304020105000420") + hashes.Hash(hashes.SHA256()).finalize()
    signature, sw = _tx(adult, f"80 2A 00 9A 33 {info.hex()} 00")
    assert sw == 0x9000
    sign.public_key().verify(signature, b"", padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr]


def test_kenhojo_holds_the_register_data(adult: MyNumberCard) -> None:
    _tx(adult, f"00 A4 04 0C 0A {KENHOJO_AID}")
    _tx(adult, "00 20 00 91 04 " + b"4321".hex())  # kenhojo PIN defaults to the auth PIN
    record = KenhojoRecord.from_efs(_tx(adult, "00 B0 81 00 11")[0], _tx(adult, "00 B0 82 00 00")[0])
    assert record.my_number == MY_NUMBER and record.birth_date == date(1980, 2, 17) and record.sex == "1"
    assert record.address == "東京都清瀬市中里５丁目８４２番地"


def test_under_15_gets_no_signing_certificate(lab_jpki: Jpki) -> None:
    child = _holder(date(2015, 6, 1), "child-1")
    with pytest.raises(InputError) as info:
        personalise(lab_jpki, child, my_number=MY_NUMBER, auth_pin="1111", sign_password="CHILD1")
    assert "15" in info.value.message("ja") and "under 15" in info.value.message("en")
    assert lab_jpki.certificates_of("child-1") == []  # refused before anything was issued
    card = personalise(lab_jpki, child, my_number=MY_NUMBER, auth_pin="1111", kenhojo_pin="2222")
    assert card.jpki.certificate(KeyRole.SIGN) is None and card.jpki.public_key(KeyRole.SIGN) is None
    _tx(card, f"00 A4 04 0C 0A {JPKI_AID}")
    assert _tx(card, f"00 B0 {0x80 | JpkiFile.CERT_AVAILABILITY:02X} 00 03") == (bytes.fromhex("008F00"), 0x9000)
    assert card.kenhojo is not None and card.kenhojo.pin_counter.value == "2222"


@pytest.mark.parametrize("kwargs", [
    {"auth_pin": "12345"},
    {"auth_pin": "1234", "sign_password": "abc123"},
    {"auth_pin": "1234", "kenhojo_pin": "12"},
    {"auth_pin": "1234", "my_number": "123456789012"},
])
def test_bad_inputs_issue_nothing(lab_jpki: Jpki, kwargs: dict) -> None:
    holder = _holder(date(1990, 1, 1), "refused-1")
    with pytest.raises(InputError):
        personalise(lab_jpki, holder, **{"my_number": MY_NUMBER, **kwargs})
    assert lab_jpki.certificates_of("refused-1") == []
