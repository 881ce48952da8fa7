"""Property tests: random and mutated APDUs never crash the card, never raise a retry
counter except by a successful VERIFY, never unblock a PIN, never leak key material."""

from __future__ import annotations

import copy

import pytest
from card_support import AUTH_PIN, JPKI_AID, KENHOJO_AID, SIGN_PIN
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from labkit.card import KeyRole, MyNumberCard

FUZZ = settings(max_examples=200, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

VALID = [bytes.fromhex(h.replace(" ", "")) for h in (
    f"00 A4 04 0C 0A {JPKI_AID}", f"00 A4 04 0C 0A {KENHOJO_AID}", "00 A4 02 0C 02 0018",
    "00 A4 02 0C 02 001B", "00 A4 02 0C 02 0017", "00 A4 02 0C 02 001A", "00 A4 02 0C 02 000A",
    "00 A4 02 0C 02 0001", "00 A4 02 0C 02 0011", "00 B0 00 00 04", "00 B0 00 04 00", "00 B0 8A 00 00 00 00",
    "00 B0 81 00 00", "00 B0 97 00 00", "00 20 00 80", f"00 20 00 80 04 {AUTH_PIN.encode().hex()}",
    f"00 20 00 9B 06 {SIGN_PIN.encode().hex()}", f"00 20 00 98 04 {AUTH_PIN.encode().hex()}",
    "00 20 00 80 04 30303030", "00 24 01 80 04 39393939", "00 24 01 9B 06 " + b"QWERTY".hex(),
    "80 2A 00 80 33 3031300D060960864801650304020105000420" + "AB" * 32 + " 00",
    "80 2A 00 97 20" + "CD" * 32 + " 00", "80 2A 00 9A 20" + "CD" * 32, "00 C0 00 00 00",
    "00 70 00 00 01", "00 A4 00 00", "00 A4 00 00 02 3F00",
)]


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    apdu = bytearray(draw(st.sampled_from(VALID)))
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["flip", "set", "truncate", "extend", "length"]))
        if kind == "flip" and apdu:
            i = draw(st.integers(0, len(apdu) - 1))
            apdu[i] ^= 1 << draw(st.integers(0, 7))
        elif kind == "set" and apdu:
            apdu[draw(st.integers(0, min(4, len(apdu) - 1)))] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del apdu[draw(st.integers(0, len(apdu))):]
        elif kind == "extend":
            apdu += draw(st.binary(min_size=1, max_size=8))
        elif kind == "length" and len(apdu) > 4:
            apdu[4] = draw(st.sampled_from([0x00, 0x01, 0x04, 0x06, 0xFF, apdu[4] + 1 & 0xFF, apdu[4] - 1 & 0xFF]))
    return bytes(apdu)


APDUS = st.lists(st.one_of(mutated(), st.binary(max_size=300)), min_size=1, max_size=25)


def _secret_windows(card: MyNumberCard, width: int = 12) -> set[bytes]:
    windows: set[bytes] = set()
    for role in KeyRole:
        numbers = card.jpki._keys[role].private_numbers()
        for value in (numbers.d, numbers.p, numbers.q, numbers.dmp1, numbers.dmq1, numbers.iqmp):
            raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
            windows.update(raw[i:i + width] for i in range(len(raw) - width + 1))
    return windows


def _counters(card: MyNumberCard) -> dict[str, int]:
    out = {role.value: card.jpki.pins[role].remaining for role in KeyRole}
    assert card.kenhojo is not None
    out["kenhojo"] = card.kenhojo.pin_counter.remaining
    return out  # type: ignore[return-value]


def _check_run(card: MyNumberCard, apdus: list[bytes], windows: set[bytes]) -> None:
    blocked = {name for name, left in _counters(card).items() if left == 0}
    for apdu in apdus:
        before = _counters(card)
        response = card.transmit(apdu)
        assert isinstance(response, bytes) and len(response) >= 2
        sw = int.from_bytes(response[-2:], "big")
        assert sw >> 8 in (0x61, 0x63, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6D, 0x6E, 0x90), f"{sw:04X}"
        data = response[:-2]
        assert not any(data[i:i + 12] in windows for i in range(max(0, len(data) - 11)))
        assert AUTH_PIN.encode() not in data and SIGN_PIN.encode() not in data
        after = _counters(card)
        for name, left in after.items():
            if left > before[name]:  # only a successful VERIFY/CHANGE restores tries
                assert sw == 0x9000 and len(apdu) > 1 and apdu[1] in (0x20, 0x24), apdu.hex()
        for name in blocked:
            assert after[name] == 0


@pytest.fixture(scope="module")
def windows(adult_state: dict) -> set[bytes]:
    return _secret_windows(MyNumberCard.from_state(copy.deepcopy(adult_state)))


@FUZZ
@given(apdus=APDUS)
def test_fuzzed_apdus_on_a_fresh_card(adult_state: dict, windows: set[bytes], apdus: list[bytes]) -> None:
    _check_run(MyNumberCard.from_state(copy.deepcopy(adult_state)), apdus, windows)


@FUZZ
@given(apdus=APDUS, reset_between=st.booleans())
def test_fuzzed_apdus_on_a_card_with_blocked_pins(adult_state: dict, windows: set[bytes], apdus: list[bytes],
                                                  reset_between: bool) -> None:
    state = copy.deepcopy(adult_state)
    state["jpki"]["pins"]["auth"]["remaining"] = 0
    state["jpki"]["pins"]["sign"]["remaining"] = 0
    state["kenhojo"]["pin"]["remaining"] = 0
    card = MyNumberCard.from_state(state)
    _check_run(card, apdus, windows)
    if reset_between:
        card.reset()
    _check_run(card, VALID, windows)
    assert set(_counters(card).values()) == {0}


@FUZZ
@given(apdus=APDUS)
def test_key_efs_never_read_whatever_comes_before(adult_state: dict, apdus: list[bytes]) -> None:
    card = MyNumberCard.from_state(copy.deepcopy(adult_state))
    for apdu in apdus:
        card.transmit(apdu)
    for read in ("00A4020C020017", "00B0000000", "00B0000000FFFF", "00B0970000", "00B09A000000"):
        response = card.transmit(bytes.fromhex(read))
        assert len(response) == 2 or (response[-2:] == b"\x90\x00" and read.startswith("00A4"))
