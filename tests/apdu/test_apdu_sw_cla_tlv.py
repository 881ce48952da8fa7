"""Status-word descriptions, CLA channel decoding, BER-TLV round trips."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labkit.apdu import (
    SW,
    describe_sw,
    is_success,
    parse_cla,
    sw_more_data,
    sw_tries_left,
    tlv,
    tries_from_sw,
    with_channel,
)
from labkit.apdu.tlv import TlvError


# -- status words ---------------------------------------------------------------------------
@pytest.mark.parametrize("sw", list(SW))
def test_every_fixed_sw_is_described_in_both_languages(sw: SW) -> None:
    text = describe_sw(sw)
    assert text.ja and text.en and text.ja != text.en
    assert not text.en.startswith("unknown")


@pytest.mark.parametrize(("sw", "ja", "en"), [
    (0x63C2, "残り 2 回", "2 tries left"),
    (0x63C0, "ロック", "blocked"),
    (0x6100, "256", "256 more bytes"),
    (0x6110, "16", "16 more bytes"),
    (0x6C20, "32", "exact length is 32"),
    (0x6F12, "未定義", "unknown status 6F12"),
])
def test_variable_sws(sw: int, ja: str, en: str) -> None:
    text = describe_sw(sw)
    assert ja in text.ja and en in text.en


def test_sw_helpers() -> None:
    assert sw_tries_left(3) == 0x63C3 and tries_from_sw(0x63C3) == 3 and tries_from_sw(0x6983) is None
    assert sw_more_data(300) == 0x6100 and sw_more_data(5) == 0x6105
    assert is_success(0x9000) and is_success(0x6110) and not is_success(0x63C1)
    with pytest.raises(ValueError):
        sw_tries_left(16)


# -- CLA --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("cla", "channel", "sm", "chaining", "proprietary"), [
    (0x00, 0, False, False, False), (0x03, 3, False, False, False), (0x0C, 0, True, False, False),
    (0x10, 0, False, True, False), (0x80, 0, False, False, True), (0x81, 1, False, False, True),
    (0x84, 0, True, False, True), (0x40, 4, False, False, False), (0x4F, 19, False, False, False),
    (0x60, 4, True, False, False), (0x50, 4, False, True, False), (0xC1, 5, False, False, True),
    (0xE0, 4, True, False, True),
])
def test_cla_decoding(cla: int, channel: int, sm: bool, chaining: bool, proprietary: bool) -> None:
    info = parse_cla(cla)
    assert info is not None
    decoded = (info.channel, info.secure_messaging, info.chaining, info.proprietary)
    assert decoded == (channel, sm, chaining, proprietary)


@pytest.mark.parametrize("cla", [0xFF, 0x20, 0x3F, 0xA0, 0xB5])
def test_invalid_cla(cla: int) -> None:
    assert parse_cla(cla) is None


@given(st.sampled_from([0x00, 0x80, 0x0C, 0x84, 0x10]), st.integers(0, 19))
def test_with_channel_round_trips(cla: int, channel: int) -> None:
    encoded = with_channel(cla, channel)
    info, base = parse_cla(encoded), parse_cla(cla)
    assert info is not None and base is not None
    assert info.channel == channel and info.proprietary == base.proprietary
    assert info.secure_messaging == base.secure_messaging and info.chaining == base.chaining


def test_with_channel_rejects() -> None:
    with pytest.raises(ValueError):
        with_channel(0x00, 20)
    with pytest.raises(ValueError):
        with_channel(0xFF, 1)


# -- BER-TLV ----------------------------------------------------------------------------------
TAGS = st.one_of(st.integers(0x01, 0x1E), st.integers(0x1F20, 0x1F7F), st.sampled_from([0x5F51, 0xDF22, 0x7F49]))


@settings(max_examples=150, deadline=None, derandomize=True)
@given(st.lists(st.tuples(TAGS, st.binary(max_size=300)), max_size=5))
def test_tlv_round_trip(items: list[tuple[int, bytes]]) -> None:
    encoded = b"".join(tlv.encode(tag, value) for tag, value in items)
    assert [(t.tag, t.value) for t in tlv.decode(encoded)] == items


def test_tlv_nested_lengths_and_find() -> None:
    inner = [tlv.Tlv(0x80, b"\x01"), tlv.Tlv(0x5F51, b"\x3b" * 200)]
    outer = tlv.encode(0x7F49, inner)
    assert outer[:5] == bytes.fromhex("7F4981CF80")
    (parsed,) = tlv.decode(outer)
    assert parsed.constructed and parsed.children() == inner
    assert tlv.find(parsed.value, 0x5F51) == inner[1] and tlv.find(parsed.value, 0x99) is None
    assert tlv.encode_length(0x7F) == b"\x7f" and tlv.encode_length(0x100) == b"\x82\x01\x00"
    assert tlv.decode(b"\x00\xff" + tlv.encode(0x80, b"x") + b"\x00", padding=b"\x00\xff") == [
        tlv.Tlv(0x80, b"x")]
    assert tlv.decode(b"\x00" + tlv.encode(0x80, b"x")) == [tlv.Tlv(0x80, b"x")]


def test_tlv_ff_tags_are_tags_by_default() -> None:
    """GlobalPlatform's ARA-M answers with FF40; FF is not filler there."""
    encoded = tlv.encode(0xFF40, tlv.encode(0xE2, b"\x01"))
    (outer,) = tlv.decode(encoded)
    assert outer.tag == 0xFF40 and outer.constructed
    assert outer.children() == [tlv.Tlv(0xE2, b"\x01")]


@pytest.mark.parametrize("raw", ["80", "8005AB", "1F", "1F8080", "8080", "8085FFFFFFFFFF"])
def test_tlv_malformed(raw: str) -> None:
    with pytest.raises(TlvError) as info:
        tlv.decode(bytes.fromhex(raw))
    assert info.value.text.ja and info.value.text.en
