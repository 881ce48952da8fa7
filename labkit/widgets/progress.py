"""Progress of long operations (key generation in the SE, batch issuance): a progress bar fed
by a callback, generic enough for any loop.

The model is a callable ``progress(done, total=None, message=None)`` that any labkit
function taking a progress callback can call; :meth:`Progress.track` wraps an iterable::

    bar = Progress(Text("鍵ペアを生成しています", "Generating key pairs"), lang=ctx.lang)
    for holder in bar.track(holders):        # or: issue_batch(..., progress=bar)
        jpki.issue(...)
    bar
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sized
from typing import Any, TypeVar

from ..i18n import Text
from ._base import ViewMixin, error_text, esc, resolve_lang

__all__ = ["Progress", "ProgressModel"]

T = TypeVar("T")


class ProgressModel:
    """``done`` of ``total`` steps (total may be unknown), the last message, and the end
    state (finished or failed). ``clock`` gives seconds (monotonic) for the elapsed time."""

    def __init__(self, label: Text | str = "", *, total: int | None = None, lang: str | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.lang = resolve_lang(lang)
        self.label = label if isinstance(label, Text) else Text(label, label)
        self.total = total
        self.done = 0
        self.message: Text | None = None
        self.finished = False
        self.error: Text | None = None
        self._clock = clock
        self._started: float | None = None
        self._ended: float | None = None
        self._listeners: list[Callable[[], None]] = []

    def add_listener(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    def start(self, total: int | None = None) -> None:
        self.total = total if total is not None else self.total
        self.done, self.finished, self.error, self.message = 0, False, None, None
        self._started, self._ended = self._clock(), None
        self._changed()

    def __call__(self, done: int, total: int | None = None, message: Text | str | None = None) -> None:
        """The callback: ``done`` steps so far (of ``total``), optionally what is happening."""
        if self._started is None:
            self._started = self._clock()
        if total is not None:
            self.total = total
        self.done = done
        if message is not None:
            self.message = message if isinstance(message, Text) else Text(message, message)
        if self.total is not None and done >= self.total:
            self.finished = True
            self._ended = self._clock()
        self._changed()

    def step(self, message: Text | str | None = None) -> None:
        self(self.done + 1, None, message)

    def finish(self, message: Text | str | None = None) -> None:
        if message is not None:
            self.message = message if isinstance(message, Text) else Text(message, message)
        self.finished = True
        if self.total is None:
            self.total = self.done
        self._ended = self._clock()
        self._changed()

    def fail(self, exc: BaseException) -> None:
        self.error = error_text(exc)
        self._ended = self._clock()
        self._changed()

    @property
    def fraction(self) -> float | None:
        if not self.total:
            return None
        return min(1.0, self.done / self.total)

    @property
    def elapsed(self) -> float:
        if self._started is None:
            return 0.0
        return (self._ended if self._ended is not None else self._clock()) - self._started

    def status_text(self) -> str:
        lang = self.lang
        if self.error is not None:
            return ("失敗: " if lang == "ja" else "failed: ") + self.error.get(lang)
        count = f"{self.done}/{self.total}" if self.total is not None else str(self.done)
        state = ("完了" if lang == "ja" else "done") if self.finished else ""
        secs = f"{self.elapsed:.1f} 秒" if lang == "ja" else f"{self.elapsed:.1f} s"
        parts = [p for p in (self.label.get(lang), count, state, secs,
                             self.message.get(lang) if self.message else "") if p]
        return " — ".join(parts)

    def track(self, items: Iterable[T], total: int | None = None) -> Iterator[T]:
        """Yield ``items`` and count them (``total`` from ``len`` when possible)."""
        if total is None and isinstance(items, Sized):
            total = len(items)
        self.start(total)
        try:
            for item in items:
                yield item
                self.step()
        except BaseException as exc:
            if not isinstance(exc, GeneratorExit):
                self.fail(exc)
            raise
        self.finish()


class Progress(ViewMixin):
    """An ipywidgets progress bar and a status line, driven by :class:`ProgressModel`.
    Call it like the model (``bar(done, total, message)``) or use :meth:`track`/:meth:`run`."""

    def __init__(self, label: Text | str = "", *, total: int | None = None, lang: str | None = None) -> None:
        import ipywidgets as w

        self.model = ProgressModel(label, total=total, lang=lang)
        self.bar = w.IntProgress(value=0, min=0, max=max(total or 1, 1), layout=w.Layout(width="24em"),
                                 _dom_classes=("labkit-progress-bar",))
        self.status = w.HTML(_dom_classes=("labkit-progress-status",))
        self.widget = w.VBox([self.bar, self.status], _dom_classes=("labkit-progress",))
        self.model.add_listener(self.redraw)
        self.redraw()

    def __call__(self, done: int, total: int | None = None, message: Text | str | None = None) -> None:
        self.model(done, total, message)

    def track(self, items: Iterable[T], total: int | None = None) -> Iterator[T]:
        return self.model.track(items, total)

    def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call ``function(*args, progress=self, **kwargs)``; failures are shown and re-raised."""
        self.model.start()
        try:
            result = function(*args, progress=self, **kwargs)
        except Exception as exc:
            self.model.fail(exc)
            raise
        self.model.finish()
        return result

    def redraw(self) -> None:
        m = self.model
        self.bar.max = max(m.total or 1, 1)
        self.bar.value = min(m.done, self.bar.max) if m.total else (self.bar.max if m.finished else 0)
        self.bar.bar_style = "danger" if m.error else ("success" if m.finished else "info")
        state = "error" if m.error else ("done" if m.finished else "running")
        self.status.value = (f'<span class="labkit-progress-text" data-state="{state}" data-done="{m.done}" '
                             f'style="font-size:13px">{esc(m.status_text())}</span>')
