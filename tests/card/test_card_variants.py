"""Under-15 card, the smartphone profile, and the 券面事項入力補助AP."""

from __future__ import annotations

from datetime import date

import pytest
from card_support import AUTH_PIN, JPKI_AID, KENHOJO_AID, MY_NUMBER

from labkit.card import (
    JpkiApplet,
    JpkiProfile,
    KenhojoRecord,
    KeyRole,
    MyNumberCard,
    check_my_number,
    my_number_check_digit,
)
from labkit.errors import InputError

SELECT_JPKI = f"00 A4 04 0C 0A {JPKI_AID}"
SELECT_KENHOJO = f"00 A4 04 0C 0A {KENHOJO_AID}"
VERIFY_AUTH = f"00 20 00 80 04 {AUTH_PIN.encode().hex()}"


# -- under 15 ---------------------------------------------------------------------------
def test_under_15_card_has_no_signing_certificate(child_card: MyNumberCard, tx) -> None:
    tx(SELECT_JPKI, on=child_card)
    tx("00 A4 02 0C 02 0008", on=child_card)
    availability, sw = tx("00 B0 00 00 00", on=child_card)
    assert sw == 0x9000 and availability[0] != 0x8F and availability[1] == 0x8F
    assert tx("00 A4 02 0C 02 0001", on=child_card)[1] == 0x6A82
    assert tx("00 A4 02 0C 02 001A", on=child_card)[1] == 0x6A82
    # The signing password EF exists (OpenSC's bind queries it) but has no reference data.
    assert tx("00 A4 02 0C 02 001B", on=child_card)[1] == 0x9000
    assert tx("00 20 00 80", on=child_card) == (b"", 0x63C0)
    assert tx("00 20 00 80 06 414243313233", on=child_card) == (b"", 0x6984)
    assert child_card.jpki.pin_status(KeyRole.SIGN).is_set is False
    assert tx("00 A4 02 0C 02 0018", on=child_card)[1] == 0x9000
    assert tx("00 20 00 80", on=child_card) == (b"", 0x63C3)


# -- smartphone profile --------------------------------------------------------------------
def test_smartphone_profile(phone_card: MyNumberCard, tx) -> None:
    assert phone_card.kenhojo is None
    assert tx(SELECT_KENHOJO, on=phone_card)[1] == 0x6A82
    tx(SELECT_JPKI, on=phone_card)
    tx("00 A4 02 0C 02 0006", on=phone_card)
    assert tx("00 B0 00 00 20", on=phone_card) == (b"JPKIAPGPSETOKEN".ljust(32), 0x9000)
    tx("00 A4 02 0C 02 000A", on=phone_card)
    assert tx("00 B0 00 00 04", on=phone_card) == (b"", 0x6982)  # auth cert behind the PIN
    assert tx("00 B0 8B 00 04", on=phone_card)[1] == 0x9000  # its CA cert is free
    tx("00 A4 02 0C 02 0018", on=phone_card)
    assert tx(VERIFY_AUTH, on=phone_card)[1] == 0x9000
    assert tx("00 B0 8A 00 04", on=phone_card)[1] == 0x9000


def test_the_se_reuses_the_applet_class() -> None:
    from labkit.cardos import CardOS

    applet = JpkiApplet(JpkiProfile.SMARTPHONE)
    os = CardOS(applets=[applet], max_channels=4)  # an SE with logical channels
    assert os.transmit(bytes.fromhex("0070000001")) == bytes.fromhex("019000")
    assert os.transmit(bytes.fromhex(f"01A4040C0A{JPKI_AID}")) == bytes.fromhex("9000")
    assert os.transmit(bytes.fromhex("01A4020C02001B")) == bytes.fromhex("9000")
    assert os.transmit(bytes.fromhex("01200080")) == bytes.fromhex("63C0")  # not set yet
    applet.set_pin(KeyRole.SIGN, "SE1234")
    assert os.transmit(bytes.fromhex("01200080")) == bytes.fromhex("63C5")
    assert JpkiProfile.by_name("smartphone") is JpkiProfile.SMARTPHONE
    with pytest.raises(ValueError):
        JpkiProfile.by_name("iphone")


# -- kenhojo ---------------------------------------------------------------------------------
def test_kenhojo_reads_after_its_own_pin(card: MyNumberCard, tx) -> None:
    assert tx(SELECT_KENHOJO) == (b"", 0x9000)
    assert tx("00 A4 02 0C 02 0001")[1] == 0x9000
    assert tx("00 B0 00 00 11") == (b"", 0x6982)
    tx("00 A4 02 0C 02 0011")
    assert tx("00 20 00 80") == (b"", 0x63C3)
    assert tx(VERIFY_AUTH) == (b"", 0x9000)  # same value as the JPKI auth PIN by default
    tx("00 A4 02 0C 02 0001")
    number, sw = tx("00 B0 00 00 11")  # 17 bytes as jpki-rs asks: the rest, 9000
    assert sw == 0x9000 and number == bytes.fromhex("FF100C") + MY_NUMBER.encode()
    attributes, sw = tx("00 B0 82 00 00")
    assert sw == 0x9000 and attributes[:2] == bytes.fromhex("FF20")
    record = KenhojoRecord.from_efs(number, attributes)
    assert record == card.kenhojo.record  # type: ignore[union-attr]
    assert record.name == "試験\u3000花子" and record.birth_date == date(1990, 2, 17) and record.sex == "2"


def test_kenhojo_counter_is_separate(card: MyNumberCard, tx) -> None:
    tx(SELECT_KENHOJO)
    tx("00 A4 02 0C 02 0011")
    assert tx("00 20 00 80 04 30303030") == (b"", 0x63C2)
    tx(SELECT_JPKI)
    tx("00 A4 02 0C 02 0018")
    assert tx("00 20 00 80") == (b"", 0x63C3)
    assert card.kenhojo is not None and card.kenhojo.pin_counter.remaining == 2


def test_kenhojo_security_state_is_per_ap(tx) -> None:
    tx(SELECT_KENHOJO)
    tx(f"00 20 00 91 04 {AUTH_PIN.encode().hex()}")  # SFI form, as nm004 sends it
    assert tx("00 B0 81 00 03")[1] == 0x9000
    tx(SELECT_JPKI)
    tx(SELECT_KENHOJO)
    assert tx("00 B0 81 00 03")[1] == 0x6982


def test_attributes_offset_table_points_at_each_field() -> None:
    record = KenhojoRecord(MY_NUMBER, "山田\u3000太郎" * 8, "東京都" * 30, date(2001, 12, 31), "1")
    ef = record.attributes_ef()
    assert ef[:3] == bytes.fromhex("FF2082")  # long form length
    table = ef[ef.index(bytes.fromhex("DF2108")) + 3:][:8]
    for i, tag in enumerate(("DF22", "DF23", "DF24", "DF25")):
        offset = int.from_bytes(table[2 * i:2 * i + 2], "big")
        assert ef[offset:offset + 2] == bytes.fromhex(tag)
    assert KenhojoRecord.from_efs(record.my_number_ef(), ef) == record


def test_my_number_check_digit() -> None:
    assert my_number_check_digit("12345678901") == 8
    assert check_my_number(MY_NUMBER) == MY_NUMBER
    for bad in ("123456789012", "12345678901", "12345678901a", 123456789018):
        with pytest.raises(InputError):
            check_my_number(bad)  # type: ignore[arg-type]


def test_record_validation_and_malformed_efs() -> None:
    with pytest.raises(InputError):
        KenhojoRecord(MY_NUMBER, "名前", "住所", date(2000, 1, 1), "3")
    with pytest.raises(InputError) as info:
        KenhojoRecord.from_efs(b"\xff\x10\x0c123", b"")
    assert "malformed" in str(info.value)
