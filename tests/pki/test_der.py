from __future__ import annotations

from datetime import UTC, datetime

import pytest
from cryptography import x509

from labkit.errors import InputError
from labkit.pki import _der as der


@pytest.mark.parametrize(("dotted", "hex_der"), [
    ("1.2.840.113549.1.7.2", "06092a864886f70d010702"),       # id-signedData (RFC 5652)
    ("2.999.3", "0603883703"),                                 # X.690 §8.19.5 example
    ("2.16.840.1.101.3.4.2.1", "0609608648016503040201"),      # sha256
])
def test_oid_known_encodings(dotted: str, hex_der: str) -> None:
    assert der.oid(dotted).hex() == hex_der
    assert der.parse(bytes.fromhex(hex_der)).as_oid() == dotted


def test_oid_round_trips_the_lab_arc() -> None:
    from labkit.pki import LAB_ARC

    encoded = der.oid(LAB_ARC + ".1.4")
    assert der.parse(encoded).as_oid() == LAB_ARC + ".1.4"
    assert x509.ObjectIdentifier(LAB_ARC)  # cryptography accepts it too


@pytest.mark.parametrize(("n", "hex_der"), [
    (0, "020100"), (127, "02017f"), (128, "02020080"), (256, "02020100"), (-1, "0201ff"), (-129, "0202ff7f"),
])
def test_integer_minimal_twos_complement(n: int, hex_der: str) -> None:
    assert der.integer(n).hex() == hex_der
    assert der.parse(bytes.fromhex(hex_der)).as_int() == n


def test_long_form_length() -> None:
    encoded = der.octet_string(b"x" * 200)
    assert encoded[:3] == bytes.fromhex("0481c8")
    assert der.parse(encoded).as_octets() == b"x" * 200
    assert der.octet_string(b"y" * 300)[:4] == bytes.fromhex("0482012c")


def test_set_of_is_sorted_by_encoding() -> None:
    a, b, c = der.integer(2), der.integer(1), der.octet_string(b"")
    assert der.set_of(a, b, c) == bytes.fromhex("3108") + b + a + c
    assert der.sort_set([b"\x01\x02", b"\x01"]) == [b"\x01", b"\x01\x02"]


def test_explicit_and_implicit_tags() -> None:
    assert der.explicit(0, der.null()) == bytes.fromhex("a0020500")
    assert der.implicit(0, b"\x05\x00") == bytes.fromhex("a0020500")
    assert der.implicit(1, b"ab", constructed=False) == bytes.fromhex("81026162")


def test_times_switch_to_generalized_in_2050() -> None:
    t49 = datetime(2049, 12, 31, 23, 59, 59, tzinfo=UTC)
    t50 = datetime(2050, 1, 1, tzinfo=UTC)
    assert der.time(t49) == b"\x17\x0d491231235959Z"
    assert der.time(t50) == b"\x18\x0f20500101000000Z"
    assert der.parse(der.time(t49)).as_time() == t49
    assert der.parse(der.time(t50)).as_time() == t50
    with pytest.raises(ValueError):
        der.time(datetime(2026, 1, 1))


def test_children_of_a_sequence() -> None:
    seq = der.sequence(der.integer(1), der.utf8_string("花子"))
    first, second = der.parse(seq).children()
    assert first.as_int() == 1 and second.as_text() == "花子"
    assert second.encoded == der.utf8_string("花子")


@pytest.mark.parametrize(("bad", "read"), [
    ("30800201000000", der.Element.children),   # indefinite length (BER, not DER)
    ("300302010100", der.Element.children),     # trailing data
    ("300502", der.Element.children),           # truncated
    ("04810141", der.Element.as_octets),        # long form for a short length
    ("02020001", der.Element.as_int),           # non-minimal INTEGER
    ("0603883783", der.Element.as_oid),         # OID ends inside an arc
    ("1f2200", der.Element.as_int),             # multi-byte tag
])
def test_malformed_input_is_rejected_bilingually(bad: str, read: object) -> None:
    with pytest.raises(InputError) as info:
        read(der.parse(bytes.fromhex(bad)))  # type: ignore[operator]
    assert "DER" in info.value.message("ja") and "DER" in info.value.message("en")


def test_expect_reports_the_wrong_tag() -> None:
    with pytest.raises(der.DerError):
        der.parse(der.null()).expect(der.Tag.SEQUENCE)
