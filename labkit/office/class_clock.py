"""The clock J-LIS runs on in class mode (issue 12): the class time (moved by the lecturer)
plus the offset of the student the current request acts for
(:data:`~labkit.office.classroom.CLOCK_OF`, a ``ContextVar`` the class guard sets; Starlette's
``run_in_threadpool`` copies the context into the worker thread, so J-LIS work for a request
runs on that student's time). Offsets are >= 0 and only grow until the lecturer resets the
student. No move may take any clock to or past :attr:`ClassClock.limit`, one CRL lifetime
before the first lab root expires (review F2); a step too large for ``timedelta`` is refused
the same way, never a 500.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from ..clock import LabClock, SimulatedClock, parse_time
from ..i18n import Text
from .classroom import CLOCK_OF, ClassStore
from .refusals import Refusal, refuse

__all__ = ["ClassClock"]


class ClassClock:
    """The class time (``base``, moved by the lecturer) plus the acting student's offset.

    ``limit``: no clock may reach it (the lab roots' end, one CRL lifetime early)."""

    def __init__(self, base: LabClock, store: ClassStore, limit: Callable[[], datetime] | None = None,
                 on_change: Callable[[], None] | None = None) -> None:
        self.base = base
        self.store = store
        self._limit = limit
        self._on_change = on_change
        self._lock = threading.Lock()

    @property
    def limit(self) -> datetime | None:
        return self._limit() if self._limit is not None else None

    def class_now(self) -> datetime:
        return self.base.now()

    def now_of(self, sid: str | None) -> datetime:
        return self.base.now() + timedelta(seconds=self.store.offset(sid))

    def now(self) -> datetime:
        return self.now_of(CLOCK_OF.get())

    def _check(self, when: datetime) -> None:
        limit = self.limit
        if limit is not None and when >= limit:
            raise refuse(Refusal.CLOCK_OUT_OF_RANGE, Text(f"上限 {limit.isoformat()}", f"limit {limit.isoformat()}"),
                         limit=limit.isoformat())

    @staticmethod
    def step(seconds: object) -> timedelta:
        """``advance_seconds`` as a forward step, refusing what is not one (never a 500)."""
        if not isinstance(seconds, int) or isinstance(seconds, bool) or seconds < 0:
            raise refuse(Refusal.MALFORMED, Text("advance_seconds は 0 以上の整数です",
                                                 "advance_seconds is an integer >= 0"), field="advance_seconds")
        try:
            return timedelta(seconds=seconds)
        except OverflowError:
            raise refuse(Refusal.CLOCK_OUT_OF_RANGE) from None

    def advance_student(self, sid: str, delta: timedelta) -> datetime:
        """Move one student's own time forward (its residents and phones only)."""
        with self._lock:
            try:
                target = self.now_of(sid) + delta
            except OverflowError:
                raise refuse(Refusal.CLOCK_OUT_OF_RANGE) from None
            self._check(target)
            self.store.set_offset(sid, int((target - self.base.now()).total_seconds()))
            return target

    def set_student(self, sid: str, when: datetime | str) -> datetime:
        target = parse_time(when)
        if target < self.now_of(sid):
            raise refuse(Refusal.MALFORMED, Text("時計は進めることしかできません", "the clock only moves forward"))
        return self.advance_student(sid, target - self.now_of(sid))

    def advance_class(self, delta: timedelta) -> datetime:
        """Move the class time (every student with it)."""
        if not isinstance(self.base, SimulatedClock):
            raise refuse(Refusal.CLOCK_NOT_SIMULATED)
        with self._lock:
            try:
                target = self.base.now() + delta
                self._check(target + timedelta(seconds=self.store.max_offset()))
            except OverflowError:
                raise refuse(Refusal.CLOCK_OUT_OF_RANGE) from None
            self.base.set(target)
        if self._on_change is not None:
            self._on_change()
        return target

    # -- LabClock (in process: moves the acting student's time, else the class time) ---------
    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        step = delta if delta is not None else timedelta(**kwargs)
        sid = CLOCK_OF.get()
        return self.advance_student(sid, step) if sid else self.advance_class(step)

    def set(self, when: datetime | str) -> None:
        sid = CLOCK_OF.get()
        target = parse_time(when)
        if sid:
            self.set_student(sid, target)
            return
        if target < self.class_now():
            raise refuse(Refusal.MALFORMED, Text("時計は進めることしかできません", "the clock only moves forward"))
        self.advance_class(target - self.class_now())
