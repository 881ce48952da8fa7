"""CommandAPDU / ResponseAPDU: ISO 7816-4 cases 1–4, short and extended, and malformed input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from labkit.apdu import SW, ApduFormatError, CommandAPDU, ResponseAPDU, StatusWordError
from labkit.errors import CardError


@pytest.mark.parametrize(("hex_", "case", "data", "ne", "extended"), [
    ("00A40000", 1, b"", None, False),
    ("00B0000004", 2, b"", 4, False),
    ("00B0000000", 2, b"", 256, False),
    ("00A4020C020018", 3, b"\x00\x18", None, False),
    ("802A0080033031320A", 4, b"012", 10, False),
    ("802A008003303132" + "00", 4, b"012", 256, False),
    ("00B0000000FFFF", 2, b"", 0xFFFF, True),
    ("00B0000000" + "0000", 2, b"", 65536, True),
    ("00A4020C000002" + "0018", 3, b"\x00\x18", None, True),
    ("802A0080000003303132" + "0100", 4, b"012", 256, True),
    ("802A0080000003303132" + "0000", 4, b"012", 65536, True),
])
def test_cases_parse_and_round_trip(hex_: str, case: int, data: bytes, ne: int | None, extended: bool) -> None:
    raw = bytes.fromhex(hex_)
    apdu = CommandAPDU.from_bytes(raw)
    assert (apdu.case, apdu.data, apdu.ne, apdu.extended) == (case, data, ne, extended)
    assert apdu.to_bytes() == raw
    assert apdu.header == raw[:4]


def test_long_data_or_le_switches_to_extended_encoding() -> None:
    assert CommandAPDU(0, 0xB0, 0, 0, ne=257).to_bytes() == bytes.fromhex("00B00000000101")
    long = CommandAPDU(0x80, 0x2A, 0, 0x80, b"\x01" * 300, ne=256)
    assert long.to_bytes()[4:7] == bytes.fromhex("00012C") and long.to_bytes()[-2:] == b"\x01\x00"
    assert CommandAPDU.from_bytes(long.to_bytes()) == CommandAPDU(0x80, 0x2A, 0, 0x80, b"\x01" * 300, 256, True)


@pytest.mark.parametrize("hex_", [
    "", "00", "00A4", "00A400",  # shorter than a header
    "00A4020C0300",  # Lc 3 but 1 byte
    "00A4020C02001800FF",  # two bytes after the data
    "00B000000000",  # 6 bytes starting with 00: neither short nor extended
    "00B00000000000000",  # odd
    "802A0080000000",  # extended Lc 0 with data expected? (7 bytes = extended Le 0) handled below
    "802A008000000031",  # extended Lc 0
    "802A00800000023031FF",  # extended Lc 2, one stray byte
])
def test_malformed_input_is_6700_never_another_exception(hex_: str) -> None:
    raw = bytes.fromhex(hex_) if len(hex_) % 2 == 0 else bytes.fromhex(hex_ + "0")
    try:
        apdu = CommandAPDU.from_bytes(raw)
    except ApduFormatError as exc:
        assert exc.sw == SW.WRONG_LENGTH and isinstance(exc, StatusWordError) and isinstance(exc, CardError)
    else:  # a few of these are in fact well-formed extended case 2
        assert apdu.to_bytes() == raw


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_6700(raw: bytes) -> None:
    try:
        apdu = CommandAPDU.from_bytes(raw)
    except ApduFormatError as exc:
        assert exc.sw == SW.WRONG_LENGTH
    else:
        assert apdu.to_bytes() == raw


@given(cla=st.integers(0, 255), ins=st.integers(0, 255), p1=st.integers(0, 255), p2=st.integers(0, 255),
       data=st.binary(max_size=400), ne=st.none() | st.integers(1, 65536), extended=st.booleans())
@settings(max_examples=200, deadline=None, derandomize=True)
def test_round_trip_any_command(cla: int, ins: int, p1: int, p2: int, data: bytes, ne: int | None,
                                extended: bool) -> None:
    apdu = CommandAPDU(cla, ins, p1, p2, data, ne, extended)
    parsed = CommandAPDU.from_bytes(apdu.to_bytes())
    assert (parsed.cla, parsed.ins, parsed.p1, parsed.p2, parsed.data, parsed.ne) == (cla, ins, p1, p2, data, ne)


@pytest.mark.parametrize("kwargs", [{"cla": 256}, {"ins": -1}, {"ne": 0}, {"ne": 65537},
                                    {"data": b"\x00" * 65536}])
def test_invalid_fields_are_value_errors(kwargs: dict) -> None:
    fields = {"cla": 0, "ins": 0xA4, "p1": 0, "p2": 0, **kwargs}
    with pytest.raises(ValueError):
        CommandAPDU(**fields)


def test_response_apdu() -> None:
    r = ResponseAPDU.from_bytes(bytes.fromhex("0102039000"))
    assert (r.data, r.sw, r.sw1, r.sw2) == (b"\x01\x02\x03", 0x9000, 0x90, 0x00)
    assert r.check() == b"\x01\x02\x03" and r.to_bytes() == bytes.fromhex("0102039000")
    with pytest.raises(StatusWordError) as info:
        ResponseAPDU(b"", 0x6982).check()
    assert info.value.sw == 0x6982 and "6982" in str(info.value)
    with pytest.raises(ApduFormatError):
        ResponseAPDU.from_bytes(b"\x90")
    with pytest.raises(ValueError):
        ResponseAPDU(b"", 0x10000)
    assert "9000" in repr(r) and "00 B0" in repr(CommandAPDU(0, 0xB0, 0, 0, ne=4))
