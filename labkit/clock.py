"""One injectable clock. Every time-dependent rule (push window, 48 hours, 5th birthday,
CRL/OCSP times) reads a Clock; nothing calls ``datetime.now()`` directly."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta, timezone
from typing import Protocol

from .errors import InputError
from .i18n import Text

#: Japan has had no daylight saving time since 1951, so a fixed offset is exact.
JST = timezone(timedelta(hours=9), "JST")


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime."""
        ...


class LabClock(Clock, Protocol):
    """A clock the lab may move: simulated, or a shared server's (``advance`` returns the new time)."""

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime: ...

    def set(self, when: datetime | str) -> None: ...


class SystemClock:
    """Wall-clock time (servers in production mode); it cannot be moved."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        raise InputError(Text("システム時計は動かせません", "the system clock cannot be moved"))

    def set(self, when: datetime | str) -> None:
        self.advance()


class SimulatedClock:
    """A clock a lecturer or test moves by hand; thread-safe."""

    def __init__(self, start: datetime | str) -> None:
        self._lock = threading.Lock()
        self._now = parse_time(start)

    def now(self) -> datetime:
        with self._lock:
            return self._now

    def set(self, when: datetime | str) -> None:
        when = parse_time(when)
        with self._lock:
            self._now = when

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        """Move forward (never backward) by ``delta`` or ``timedelta(**kwargs)``."""
        step = delta if delta is not None else timedelta(**kwargs)
        if step < timedelta(0):
            raise ValueError("時計は戻せません / the simulated clock cannot go backwards")
        with self._lock:
            self._now += step
            return self._now


def parse_time(value: datetime | str) -> datetime:
    """Accept an aware datetime, or ISO 8601 text; naive values are taken as JST."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise ValueError(
                f"日時の形式が正しくありません: {value!r} (例 2026-04-01T09:00:00+09:00) / "
                f"not an ISO 8601 date-time: {value!r}"
            ) from exc
    if value.tzinfo is None:
        value = value.replace(tzinfo=JST)
    return value


def to_jst(value: datetime) -> datetime:
    return value.astimezone(JST)


def jst_hm(value: datetime) -> str:
    """A time as the refusals and receipts print it: JST to the minute."""
    return f"{to_jst(value):%Y-%m-%d %H:%M} JST"
