"""ISO/IEC 7816-4 command and response APDUs as immutable values (``bytes`` inside)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import CardError
from ..i18n import Text
from .sw import SW, describe_sw


class StatusWordError(CardError):
    """Raised inside a card or SE to answer with ``sw``; the card OS turns it into the
    response. Host-side code raises it when a card answers with an error status word."""

    def __init__(self, sw: int, text: Text | None = None) -> None:
        text = text or describe_sw(sw)
        super().__init__(Text(f"{text.ja} (SW {sw:04X})", f"{text.en} (SW {sw:04X})"), sw=sw)


class ApduFormatError(StatusWordError):
    """Malformed bytes; carries the status word a card answers with (usually 6700)."""


@dataclass(frozen=True, slots=True)
class CommandAPDU:
    """One command. ``ne`` is the expected response length: None (no Le field),
    1–256 for short Le (``00`` = 256), up to 65536 for extended Le (``0000`` = 65536)."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    ne: int | None = None
    extended: bool = False

    def __post_init__(self) -> None:
        for name in ("cla", "ins", "p1", "p2"):
            value = getattr(self, name)
            if not 0 <= value <= 0xFF:
                raise ValueError(f"{name} must be a byte, got {value!r}")
        if len(self.data) > 65535:
            raise ValueError("data longer than 65535 bytes")
        if self.ne is not None and not 1 <= self.ne <= 65536:
            raise ValueError(f"ne must be 1..65536 or None, got {self.ne}")

    @property
    def case(self) -> int:
        """ISO case 1–4 (no data/no Le, Le only, data only, data and Le)."""
        return 1 + (self.ne is not None) + 2 * bool(self.data)

    @property
    def header(self) -> bytes:
        return bytes((self.cla, self.ins, self.p1, self.p2))

    @property
    def le_or_zero(self) -> int:
        return self.ne or 0

    def to_bytes(self) -> bytes:
        ext = self.extended or len(self.data) > 255 or (self.ne or 0) > 256
        out = bytearray(self.header)
        if ext:
            if self.data:
                out += b"\x00" + len(self.data).to_bytes(2, "big") + self.data
            if self.ne is not None:
                le = self.ne.to_bytes(2, "big") if self.ne < 65536 else b"\x00\x00"
                out += le if self.data else b"\x00" + le
        else:
            if self.data:
                out += bytes((len(self.data),)) + self.data
            if self.ne is not None:
                out.append(self.ne & 0xFF)  # 256 -> 00
        return bytes(out)

    @classmethod
    def from_bytes(cls, raw: bytes) -> CommandAPDU:
        """Parse cases 1–4, short and extended; malformed input raises ApduFormatError(6700)."""
        raw = bytes(raw)
        n = len(raw)
        if n < 4:
            raise ApduFormatError(SW.WRONG_LENGTH, Text("APDU が 4 バイト未満", "APDU shorter than 4 bytes"))
        cla, ins, p1, p2 = raw[:4]
        if n == 4:
            return cls(cla, ins, p1, p2)
        if n == 5:
            return cls(cla, ins, p1, p2, ne=raw[4] or 256)
        if raw[4] != 0:
            lc = raw[4]
            if n == 5 + lc:
                return cls(cla, ins, p1, p2, raw[5:])
            if n == 6 + lc:
                return cls(cla, ins, p1, p2, raw[5:-1], ne=raw[-1] or 256)
            raise _length_error(n, lc)
        # First byte after the header is 00: extended length.
        if n == 7:
            return cls(cla, ins, p1, p2, ne=int.from_bytes(raw[5:7], "big") or 65536, extended=True)
        if n < 8:
            raise _length_error(n, None)
        lc = int.from_bytes(raw[5:7], "big")
        if lc == 0:
            raise ApduFormatError(SW.WRONG_LENGTH, Text("拡張 Lc が 0", "extended Lc of zero"))
        if n == 7 + lc:
            return cls(cla, ins, p1, p2, raw[7:], extended=True)
        if n == 9 + lc:
            ne = int.from_bytes(raw[-2:], "big") or 65536
            return cls(cla, ins, p1, p2, raw[7:-2], ne=ne, extended=True)
        raise _length_error(n, lc)

    def __repr__(self) -> str:
        le = "" if self.ne is None else f" Le={self.ne}"
        return f"<CommandAPDU {self.header.hex(' ').upper()} Lc={len(self.data)}{le}>"


def _length_error(n: int, lc: int | None) -> ApduFormatError:
    detail = f"Lc={lc}, " if lc is not None else ""
    return ApduFormatError(SW.WRONG_LENGTH, Text(
        f"APDU の長さ {n} バイトが Lc/Le と合わない ({detail}ISO 7816-4 case 1–4 のみ)",
        f"APDU length {n} does not match Lc/Le ({detail}only ISO 7816-4 cases 1–4)"))


@dataclass(frozen=True, slots=True)
class ResponseAPDU:
    """Response data and the status word."""

    data: bytes = b""
    sw: int = SW.OK

    def __post_init__(self) -> None:
        if not 0 <= self.sw <= 0xFFFF:
            raise ValueError(f"sw must be 16 bits, got {self.sw!r}")

    @property
    def sw1(self) -> int:
        return self.sw >> 8

    @property
    def sw2(self) -> int:
        return self.sw & 0xFF

    def to_bytes(self) -> bytes:
        return self.data + self.sw.to_bytes(2, "big")

    @classmethod
    def from_bytes(cls, raw: bytes) -> ResponseAPDU:
        if len(raw) < 2:
            raise ApduFormatError(SW.WRONG_LENGTH,
                                  Text("応答が 2 バイト未満", "response shorter than 2 bytes"))
        return cls(bytes(raw[:-2]), int.from_bytes(raw[-2:], "big"))

    def check(self) -> bytes:
        """Return the data, or raise StatusWordError for anything but 9000."""
        if self.sw != SW.OK:
            raise StatusWordError(self.sw)
        return self.data

    def __repr__(self) -> str:
        return f"<ResponseAPDU {len(self.data)} bytes SW={self.sw:04X}>"
