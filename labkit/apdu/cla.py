"""Class byte (CLA) coding, ISO/IEC 7816-4 §5.4.1 and GlobalPlatform 2.3.1 §11.1.4.

First interindustry (and GP proprietary ``8x``): ``b8 0 0 b5 b4b3 b2b1`` = chaining, secure
messaging, channel 0–3. Further interindustry (and GP ``Cx``/``Ex``): ``b8 1 b6 b5 b4..b1`` =
secure messaging, chaining, channel 4 + 0–15."""

from __future__ import annotations

from dataclasses import dataclass

MAX_CHANNELS = 20


@dataclass(frozen=True, slots=True)
class ClassByte:
    channel: int
    secure_messaging: bool
    chaining: bool
    proprietary: bool


def parse_cla(cla: int) -> ClassByte | None:
    """Decode CLA; None for an invalid or reserved class (``FF``, ``2x``/``3x``, ``Ax``/``Bx``)."""
    if cla == 0xFF:
        return None
    proprietary = bool(cla & 0x80)
    if cla & 0x60 == 0x00:  # 000x xxxx / 100x xxxx
        return ClassByte(cla & 0x03, bool(cla & 0x0C), bool(cla & 0x10), proprietary)
    if cla & 0x40:  # 01xx xxxx / 11xx xxxx
        return ClassByte(4 + (cla & 0x0F), bool(cla & 0x20), bool(cla & 0x10), proprietary)
    return None  # 001x xxxx / 101x xxxx are reserved


def with_channel(cla: int, channel: int) -> int:
    """Re-encode ``cla`` (written for channel 0) for ``channel``, keeping SM and chaining."""
    if not 0 <= channel < MAX_CHANNELS:
        raise ValueError(f"channel must be 0..{MAX_CHANNELS - 1}, got {channel}")
    base = cla & 0x80
    info = parse_cla(cla)
    if info is None:
        raise ValueError(f"invalid CLA {cla:02X}")
    if channel < 4:
        return base | (0x10 if info.chaining else 0) | (0x04 if info.secure_messaging else 0) | channel
    return (base | 0x40 | (0x20 if info.secure_messaging else 0)
            | (0x10 if info.chaining else 0) | (channel - 4))
