"""PIN behaviour (reference §3): queries, counters, blocking, change, security state."""

from __future__ import annotations

import logging

import pytest
from card_support import AUTH_PIN, JPKI_AID, SIGN_PIN

from labkit.apdu import StatusWordError
from labkit.card import CardQuirks, JpkiApplet, KeyRole, MyNumberCard, PinPolicy
from labkit.card._pin import AUTH_PIN_POLICY, SIGN_PIN_POLICY, PinCounter
from labkit.errors import InputError

SELECT_JPKI = f"00 A4 04 0C 0A {JPKI_AID}"


def _verify(pin: str) -> str:
    return f"00 20 00 80 {len(pin):02X} {pin.encode().hex()}"


def test_empty_verify_reports_tries_without_using_one(card: MyNumberCard, tx) -> None:
    tx(SELECT_JPKI)
    tx("00 A4 02 0C 02 0018")
    for _ in range(5):
        assert tx("00 20 00 80") == (b"", 0x63C3)
    assert tx("00 20 00 80 00")[1] == 0x63C3  # a stray Le byte is still a query
    assert card.jpki.pin_status(KeyRole.AUTH).remaining == 3


def test_auth_pin_counts_down_blocks_and_stays_blocked(card: MyNumberCard, tx) -> None:
    tx(SELECT_JPKI)
    tx("00 A4 02 0C 02 0018")
    assert tx(_verify("0000")) == (b"", 0x63C2)
    assert tx("00 20 00 80") == (b"", 0x63C2)
    assert tx(_verify("1111")) == (b"", 0x63C1)
    assert tx(_verify("2222")) == (b"", 0x63C0)  # the exhausting try answers 63C0
    assert tx(_verify(AUTH_PIN)) == (b"", 0x6984)  # even the right PIN
    assert tx(_verify("0000")) == (b"", 0x6984)
    assert tx("00 20 00 80") == (b"", 0x63C0)
    status = card.jpki.pin_status(KeyRole.AUTH)
    assert status.blocked and status.remaining == 0 and status.max_tries == 3
    # Blocked also after a power cycle; the municipal office resets it.
    card.power_off()
    card.power_on()
    tx(SELECT_JPKI)
    tx("00 A4 02 0C 02 0018")
    assert tx(_verify(AUTH_PIN)) == (b"", 0x6984)
    card.jpki.set_pin(KeyRole.AUTH, "5678")
    assert tx("00 20 00 80") == (b"", 0x63C3)
    assert tx(_verify("5678"))[1] == 0x9000


def test_success_restores_the_maximum(card: MyNumberCard, tx) -> None:
    tx(SELECT_JPKI)
    tx("00 A4 02 0C 02 001B")
    assert tx(_verify("WRONG1")) == (b"", 0x63C4)
    assert tx(_verify("WRONG2")) == (b"", 0x63C3)
    assert tx(_verify(SIGN_PIN)) == (b"", 0x9000)
    assert tx("00 20 00 80") == (b"", 0x63C5)


def test_signing_password_has_five_tries_and_is_case_sensitive(tx) -> None:
    tx(SELECT_JPKI)
    tx("00 A4 02 0C 02 001B")
    assert tx(_verify(SIGN_PIN.lower())) == (b"", 0x63C4)


def test_verify_by_sfi(tx) -> None:
    tx(SELECT_JPKI)
    assert tx(f"00 20 00 98 04 {AUTH_PIN.encode().hex()}") == (b"", 0x9000)
    assert tx("00 20 00 9B") == (b"", 0x63C5)
    assert tx("00 20 00 8A") == (b"", 0x6A88)  # 000A is not a PIN
    assert tx("00 20 00 80") == (b"", 0x6986)  # no current EF
    assert tx("00 20 00 00") == (b"", 0x6A86)
    assert tx("00 20 01 98") == (b"", 0x6A86)


def test_security_state_cleared_by_reselect_and_reset(card: MyNumberCard, tx) -> None:
    sign_cert = "00 B0 81 00 04"
    tx(SELECT_JPKI)
    tx("00 A4 02 0C 02 001B")
    tx(_verify(SIGN_PIN))
    assert tx(sign_cert)[1] == 0x9000
    tx(SELECT_JPKI)
    assert tx(sign_cert)[1] == 0x6982
    tx("00 A4 02 0C 02 001B")
    tx(_verify(SIGN_PIN))
    card.reset()
    tx(SELECT_JPKI)
    assert tx(sign_cert)[1] == 0x6982
    tx("00 A4 02 0C 02 001B")
    tx(_verify(SIGN_PIN))
    card.power_off()
    card.power_on()
    tx(SELECT_JPKI)
    assert tx(sign_cert)[1] == 0x6982


def test_a_failed_verify_ends_an_earlier_success(tx) -> None:
    tx(SELECT_JPKI)
    tx("00 A4 02 0C 02 001B")
    tx(_verify(SIGN_PIN))
    tx(_verify("NOTIT1"))
    assert tx("00 B0 81 00 04")[1] == 0x6982


def test_quirk_empty_verify_ok_when_verified(adult_state: dict) -> None:
    import copy

    plain = MyNumberCard.from_state(copy.deepcopy(adult_state))
    quirky = MyNumberCard.from_state(copy.deepcopy(adult_state),
                                     quirks=CardQuirks(empty_verify_ok_when_verified=True))
    for card, expected in ((plain, "63C3"), (quirky, "9000")):
        for apdu in (SELECT_JPKI, "00A4020C020018", _verify(AUTH_PIN)):
            card.transmit(bytes.fromhex(apdu.replace(" ", "")))
        assert card.transmit(bytes.fromhex("00200080")).hex().upper() == expected
        # Before a successful VERIFY both answer 63Cx.
        card.transmit(bytes.fromhex(SELECT_JPKI.replace(" ", "")))
        card.transmit(bytes.fromhex("00A4020C020018"))
        assert card.transmit(bytes.fromhex("00200080")).hex().upper() == "63C3"


def test_change_reference_data(card: MyNumberCard, tx) -> None:
    tx(SELECT_JPKI)
    tx("00 A4 02 0C 02 0018")
    assert tx("00 24 01 80 04 39393939") == (b"", 0x6982)  # not verified yet
    tx(_verify(AUTH_PIN))
    assert tx("00 24 01 80 05 3939393939") == (b"", 0x6A80)  # 5 digits
    assert tx("00 24 01 80 04 3939393A") == (b"", 0x6A80)  # not a digit
    assert tx("00 24 01 80 04 FF393939") == (b"", 0x6A80)
    assert tx("00 24 00 80 04 39393939") == (b"", 0x6A86)  # P1 00 (old+new) not offered
    assert tx("00 24 01 80") == (b"", 0x6700)
    assert card.jpki.pins[KeyRole.AUTH].value == AUTH_PIN
    assert tx("00 24 01 80 04 39393939") == (b"", 0x9000)
    tx(SELECT_JPKI)
    tx("00 A4 02 0C 02 0018")
    assert tx(_verify(AUTH_PIN)) == (b"", 0x63C2)
    assert tx(_verify("9999")) == (b"", 0x9000)


def test_change_signing_password_format(card: MyNumberCard, tx) -> None:
    tx(SELECT_JPKI)
    tx(f"00 20 00 9B 06 {SIGN_PIN.encode().hex()}")
    for bad in ("ABCDE", "abcdef", "ABCDEFGHIJKLMNOPQ", "ABC-123"):
        assert tx(f"00 24 01 9B {len(bad):02X} {bad.encode().hex()}") == (b"", 0x6A80)
    assert tx(f"00 24 01 9B 10 {b'ABCDEFGHIJ123456'.hex()}") == (b"", 0x9000)
    assert card.jpki.pins[KeyRole.SIGN].value == "ABCDEFGHIJ123456"


def test_change_on_a_blocked_pin_is_refused(tx) -> None:
    tx(SELECT_JPKI)
    tx("00 A4 02 0C 02 0018")
    tx(_verify(AUTH_PIN))
    for wrong in ("0000", "0001", "0002"):
        tx(_verify(wrong))
    assert tx("00 24 01 80 04 39393939") == (b"", 0x6984)


def test_pin_policy_messages_are_bilingual() -> None:
    with pytest.raises(InputError) as info:
        SIGN_PIN_POLICY.check("abc")
    assert "署名用パスワード" in str(info.value) and "upper-case" in str(info.value)
    with pytest.raises(InputError):
        JpkiApplet().set_pin(KeyRole.AUTH, "12345")
    assert AUTH_PIN_POLICY.describe().en == "4 digits, 3 tries"
    with pytest.raises(ValueError):
        PinPolicy(AUTH_PIN_POLICY.name, 4, 4, AUTH_PIN_POLICY.alphabet, 16)


def test_pins_are_never_logged_or_shown(card: MyNumberCard, tx, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    tx(SELECT_JPKI)
    tx("00 A4 02 0C 02 001B")
    tx(_verify(SIGN_PIN))
    tx(_verify("ZZ9999"))
    assert SIGN_PIN not in caplog.text and "ZZ9999" not in caplog.text
    assert SIGN_PIN not in repr(card.jpki.pins[KeyRole.SIGN]) and SIGN_PIN not in repr(card)


def test_pin_counter_is_not_fooled_by_prefixes() -> None:
    counter = PinCounter(AUTH_PIN_POLICY, "1234")
    for candidate in (b"123", b"12345", b"1234\x00", b"\xff"):
        with pytest.raises(StatusWordError) as info:
            counter.verify(candidate)
        assert info.value.sw == 0x63C2
        counter.set("1234")
