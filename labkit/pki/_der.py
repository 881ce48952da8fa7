"""A tiny DER (X.690) encoder/decoder for what ``cryptography`` has no builder for: CMS
SignedData and DigestInfo. Single-byte tags and definite lengths only, which is all DER
ever needs here; decoding is strict so malformed input fails loudly, never half-parses.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum

from cryptography.x509.oid import ObjectIdentifier

from ..errors import InputError
from ..i18n import Text


class DerError(InputError):
    """Input is not the DER structure expected."""


class Tag(IntEnum):
    """Universal tags used here (X.680 §8.4)."""

    INTEGER = 0x02
    BIT_STRING = 0x03
    OCTET_STRING = 0x04
    NULL = 0x05
    OID = 0x06
    UTF8_STRING = 0x0C
    PRINTABLE_STRING = 0x13
    UTC_TIME = 0x17
    GENERALIZED_TIME = 0x18
    SEQUENCE = 0x30
    SET = 0x31


def _fail(ja: str, en: str) -> DerError:
    return DerError(Text(f"DER の形式が正しくありません: {ja}", f"malformed DER: {en}"))


# --- encoding ------------------------------------------------------------------------------

def encode_length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(body),)) + body


def tlv(tag: int, content: bytes) -> bytes:
    if not 0 <= tag <= 0xFF or tag & 0x1F == 0x1F:
        raise ValueError(f"only single-byte tags are supported, got {tag:#x}")
    return bytes((tag,)) + encode_length(len(content)) + content


def sequence(*parts: bytes) -> bytes:
    return tlv(Tag.SEQUENCE, b"".join(parts))


def sort_set(parts: Iterable[bytes]) -> list[bytes]:
    """DER SET OF order: encodings compared as octet strings, shorter ones 0-padded (X.690 §11.6)."""
    items = list(parts)
    width = max((len(p) for p in items), default=0)
    return sorted(items, key=lambda p: p.ljust(width, b"\0"))


def set_of(*parts: bytes) -> bytes:
    return tlv(Tag.SET, b"".join(sort_set(parts)))


def explicit(number: int, inner: bytes) -> bytes:
    """``[number] EXPLICIT``: a constructed context tag around a whole TLV."""
    return tlv(0xA0 | number, inner)


def implicit(number: int, content: bytes, *, constructed: bool = True) -> bytes:
    """``[number] IMPLICIT``: the context tag replaces the original tag; ``content`` is the value."""
    return tlv((0xA0 if constructed else 0x80) | number, content)


def integer(n: int) -> bytes:
    length = n.bit_length() // 8 + 1  # room for the sign bit
    return tlv(Tag.INTEGER, n.to_bytes(length, "big", signed=True))


def octet_string(data: bytes) -> bytes:
    return tlv(Tag.OCTET_STRING, data)


def null() -> bytes:
    return tlv(Tag.NULL, b"")


def utf8_string(text: str) -> bytes:
    return tlv(Tag.UTF8_STRING, text.encode("utf-8"))


def oid(value: str | ObjectIdentifier) -> bytes:
    dotted = value.dotted_string if isinstance(value, ObjectIdentifier) else value
    arcs = [int(a) for a in dotted.split(".")]
    if len(arcs) < 2 or arcs[0] > 2 or (arcs[0] < 2 and arcs[1] > 39) or min(arcs) < 0:
        raise ValueError(f"not an OID: {dotted}")
    out = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out.extend(reversed(chunk))
    return tlv(Tag.OID, bytes(out))


def time(when: datetime) -> bytes:
    """UTCTime for 1950-2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5, RFC 5652 §11.3)."""
    if when.tzinfo is None:
        raise ValueError("an aware datetime is required")
    when = when.astimezone(UTC)
    if 1950 <= when.year < 2050:
        return tlv(Tag.UTC_TIME, when.strftime("%y%m%d%H%M%SZ").encode())
    return tlv(Tag.GENERALIZED_TIME, when.strftime("%Y%m%d%H%M%SZ").encode())


def generalized_time(when: datetime) -> bytes:
    """GeneralizedTime in whole seconds, always (OCSP uses it for every date, RFC 6960)."""
    if when.tzinfo is None:
        raise ValueError("an aware datetime is required")
    return tlv(Tag.GENERALIZED_TIME, when.astimezone(UTC).strftime("%Y%m%d%H%M%SZ").encode())


def bit_string(data: bytes) -> bytes:
    return tlv(Tag.BIT_STRING, b"\0" + data)


# --- decoding ------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Element:
    """One decoded TLV; ``encoded`` is the exact input bytes (signatures need them)."""

    tag: int
    content: bytes
    encoded: bytes

    @property
    def constructed(self) -> bool:
        return bool(self.tag & 0x20)

    def children(self) -> list[Element]:
        if not self.constructed:
            raise _fail("構造型ではありません", f"tag {self.tag:#04x} is not constructed")
        return parse_all(self.content)

    def expect(self, tag: int) -> Element:
        if self.tag != tag:
            raise _fail(f"タグ {tag:#04x} が必要です", f"expected tag {tag:#04x}, got {self.tag:#04x}")
        return self

    def as_int(self) -> int:
        self.expect(Tag.INTEGER)
        c = self.content
        padded = len(c) > 1 and ((c[0] == 0 and c[1] < 0x80) or (c[0] == 0xFF and c[1] >= 0x80))
        if not c or padded:
            raise _fail("INTEGER が最小長ではありません", "non-minimal INTEGER")
        return int.from_bytes(c, "big", signed=True)

    def as_oid(self) -> str:
        self.expect(Tag.OID)
        c = self.content
        if not c or c[-1] & 0x80:
            raise _fail("OID が途中で終わっています", "truncated OID")
        arcs: list[int] = []
        value = 0
        for i, byte in enumerate(c):
            if value == 0 and byte == 0x80 and (i == 0 or not c[i - 1] & 0x80):
                raise _fail("OID に余分な 0x80 があります", "non-minimal OID arc")
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                arcs.append(value)
                value = 0
        first = min(arcs[0] // 40, 2)
        return ".".join(str(a) for a in (first, arcs[0] - 40 * first, *arcs[1:]))

    def as_octets(self) -> bytes:
        return self.expect(Tag.OCTET_STRING).content

    def as_text(self) -> str:
        if self.tag not in (Tag.UTF8_STRING, Tag.PRINTABLE_STRING):
            raise _fail("文字列ではありません", f"tag {self.tag:#04x} is not a string")
        try:
            return self.content.decode("utf-8")
        except UnicodeDecodeError:
            raise _fail("UTF-8 ではありません", "invalid UTF-8") from None

    def as_time(self) -> datetime:
        formats = {Tag.UTC_TIME: "%y%m%d%H%M%SZ", Tag.GENERALIZED_TIME: "%Y%m%d%H%M%SZ"}
        if self.tag not in formats:
            raise _fail("時刻ではありません", f"tag {self.tag:#04x} is not a time")
        try:
            when = datetime.strptime(self.content.decode("ascii"), formats[Tag(self.tag)])
        except (UnicodeDecodeError, ValueError):
            raise _fail("時刻の形式が違います", "bad time format") from None
        if self.tag == Tag.UTC_TIME and when.year >= 2050:
            when = when.replace(year=when.year - 100)
        return when.replace(tzinfo=UTC)


def _read(data: bytes, pos: int) -> tuple[Element, int]:
    if pos + 2 > len(data):
        raise _fail("データが短すぎます", "truncated header")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise _fail("複数バイトのタグは扱いません", "multi-byte tags are not supported")
    first = data[pos + 1]
    head = pos + 2
    if first < 0x80:
        length = first
    elif first == 0x80:
        raise _fail("不定長 (BER) は DER で使えません", "indefinite length is not DER")
    else:
        count = first & 0x7F
        if count > 4 or head + count > len(data):
            raise _fail("長さが不正です", "bad length")
        length = int.from_bytes(data[head:head + count], "big")
        if length < 0x80 or data[head] == 0:
            raise _fail("長さが最小形式ではありません", "non-minimal length")
        head += count
    end = head + length
    if end > len(data):
        raise _fail("内容が途中で終わっています", "truncated content")
    return Element(tag, data[head:end], data[pos:end]), end


def parse_all(data: bytes) -> list[Element]:
    out, pos = [], 0
    while pos < len(data):
        element, pos = _read(data, pos)
        out.append(element)
    return out


def parse(data: bytes) -> Element:
    """Exactly one element, nothing after it."""
    element, end = _read(bytes(data), 0)
    if end != len(data):
        raise _fail("末尾に余分なデータがあります", "trailing data")
    return element
