"""What a reader needs from a chip: the seam between an emulated card/SE and transports."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

#: Why the current thread talks to a chip, when it is not the learner's own action (e.g.
#: ``"device-proof"``: the phone proving itself to J-LIS before each poll). Traces may fold
#: such background exchanges away (and say how many); nothing else depends on it.
_PURPOSE: ContextVar[str | None] = ContextVar("labkit_apdu_purpose", default=None)


@contextmanager
def background(purpose: str) -> Iterator[None]:
    """Mark the APDUs exchanged in this block (this thread or task) as background work."""
    token = _PURPOSE.set(purpose)
    try:
        yield
    finally:
        _PURPOSE.reset(token)


def current_purpose() -> str | None:
    return _PURPOSE.get()


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
    purpose: str | None = None  # set for background work (:func:`background`)

    @property
    def sw(self) -> int:
        return int.from_bytes(self.response[-2:], "big") if len(self.response) >= 2 else 0
