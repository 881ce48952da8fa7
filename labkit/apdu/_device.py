"""What a reader needs from a chip: the seam between an emulated card/SE and transports."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable


@runtime_checkable
class CardDevice(Protocol):
    """A chip in a reader field. ``transmit`` never raises: every APDU, however malformed,
    gets a response ending in a status word."""

    @property
    def atr(self) -> bytes: ...

    def power_on(self) -> bytes:
        """Cold start: clears every volatile state; returns the ATR."""
        ...

    def power_off(self) -> None: ...

    def reset(self) -> bytes:
        """Warm reset; returns the ATR."""
        ...

    def transmit(self, command: bytes) -> bytes: ...


@dataclass(frozen=True, slots=True)
class ApduExchange:
    """One command/response pair, as observers and traces see it."""

    command: bytes
    response: bytes
    channel: int | None = None

    @property
    def sw(self) -> int:
        return int.from_bytes(self.response[-2:], "big") if len(self.response) >= 2 else 0
