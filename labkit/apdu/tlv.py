"""BER-TLV (ISO/IEC 7816-4 §5.2 / ISO 8825-1): multi-byte tags, definite lengths."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..errors import InputError


class TlvError(InputError):
    """Malformed BER-TLV."""


@dataclass(frozen=True, slots=True)
class Tlv:
    tag: int
    value: bytes

    @property
    def constructed(self) -> bool:
        first = self.tag.to_bytes(tag_length(self.tag), "big")[0]
        return bool(first & 0x20)

    def children(self) -> list[Tlv]:
        return decode(self.value)

    def to_bytes(self) -> bytes:
        return encode(self.tag, self.value)


def tag_length(tag: int) -> int:
    return max(1, (tag.bit_length() + 7) // 8)


def encode_length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    if len(body) > 4:
        raise ValueError("TLV length too large")
    return bytes((0x80 | len(body),)) + body


def encode(tag: int, value: bytes | Tlv | list[Tlv] | tuple[Tlv, ...]) -> bytes:
    """Encode one TLV; ``value`` may be bytes or nested TLVs."""
    if isinstance(value, Tlv):
        value = value.to_bytes()
    elif isinstance(value, list | tuple):
        value = b"".join(v.to_bytes() for v in value)
    return tag.to_bytes(tag_length(tag), "big") + encode_length(len(value)) + bytes(value)


def _read_tag(data: bytes, i: int) -> tuple[int, int]:
    if i >= len(data):
        raise TlvError("TLV のタグがない", "missing TLV tag")
    start = i
    i += 1
    if data[start] & 0x1F == 0x1F:
        while True:
            if i >= len(data):
                raise TlvError("TLV のタグが途中で切れている", "truncated multi-byte tag")
            i += 1
            if not data[i - 1] & 0x80:
                break
            if i - start > 4:
                raise TlvError("TLV のタグが長すぎる", "tag longer than 4 bytes")
    return int.from_bytes(data[start:i], "big"), i


def _read_length(data: bytes, i: int) -> tuple[int, int]:
    if i >= len(data):
        raise TlvError("TLV の長さがない", "missing TLV length")
    first = data[i]
    i += 1
    if first < 0x80:
        return first, i
    count = first & 0x7F
    if count == 0 or count > 4:
        raise TlvError("TLV の長さ形式が不正 (不定長は不可)", "invalid TLV length form (no indefinite)")
    if i + count > len(data):
        raise TlvError("TLV の長さが途中で切れている", "truncated TLV length")
    return int.from_bytes(data[i:i + count], "big"), i + count


def iter_decode(data: bytes, padding: bytes = b"\x00") -> Iterator[Tlv]:
    """ISO 7816-4 §5.2.2.1 allows ``00`` or ``FF`` filler between objects, but GlobalPlatform
    uses ``FFxx`` tags (ARA-M's ``FF40``), so only ``00`` is skipped unless asked."""
    i = 0
    data = bytes(data)
    while i < len(data):
        if data[i] in padding:
            i += 1
            continue
        tag, i = _read_tag(data, i)
        length, i = _read_length(data, i)
        if i + length > len(data):
            raise TlvError(f"TLV {tag:X} の値が途中で切れている", f"TLV {tag:X} value truncated")
        yield Tlv(tag, data[i:i + length])
        i += length


def decode(data: bytes, padding: bytes = b"\x00") -> list[Tlv]:
    """Decode a sequence of TLVs (one level)."""
    return list(iter_decode(data, padding))


def find(data: bytes | list[Tlv], tag: int) -> Tlv | None:
    """First TLV with ``tag`` at this level, or None."""
    items = decode(data) if isinstance(data, bytes | bytearray) else data
    return next((t for t in items if t.tag == tag), None)
