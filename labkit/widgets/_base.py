"""Small helpers shared by the course widgets: the run's language, HTML building blocks,
JST formatting and the "displays as its view" mix-in. No ipywidgets import at module level,
so models stay importable (and testable) without a frontend."""

from __future__ import annotations

import functools
import html
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from ..clock import Clock, to_jst
from ..errors import LabkitError
from ..i18n import Text, check_lang

__all__ = [
    "ViewMixin",
    "default_clock",
    "default_lang",
    "error_text",
    "esc",
    "fmt_date",
    "fmt_jst",
    "html_table",
    "resolve_lang",
    "scroll_region",
    "shared",
]


def default_lang() -> str:
    """The language of the current course run (``ja`` before ``course.setup``)."""
    from .. import course

    return course.current().lang


def resolve_lang(lang: str | None) -> str:
    return check_lang(lang or default_lang())


def default_clock() -> Clock:
    """The simulated clock of the current course run."""
    from .. import course

    return course.current().clock


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def fmt_jst(value: datetime, *, seconds: bool = True) -> str:
    """``2026-04-01 10:00:00 JST``: every time a learner sees is Japan time."""
    local = to_jst(value)
    return local.strftime("%Y-%m-%d %H:%M:%S JST" if seconds else "%Y-%m-%d %H:%M JST")


_WEEKDAYS = ("月", "火", "水", "木", "金", "土", "日")


def fmt_date(value: date, lang: str) -> str:
    """``2031年2月28日 (金)`` / ``2031-02-28 (Fri)``."""
    if lang == "ja":
        return f"{value.year}年{value.month}月{value.day}日 ({_WEEKDAYS[value.weekday()]})"
    return f"{value.isoformat()} ({value:%a})"


def error_text(exc: BaseException) -> Text:
    """A bilingual message for any exception: labkit errors carry one; others are shown as
    they are (never swallowed)."""
    if isinstance(exc, LabkitError):
        return exc.text
    detail = f"{type(exc).__name__}: {exc}"
    return Text(f"エラー: {detail}", f"Error: {detail}")


def html_table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, css: str,
               raw: bool = False, row_classes: Sequence[str] | None = None) -> str:
    """A plain table. Cells are escaped unless ``raw`` (then the caller escaped them)."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for i, row in enumerate(rows):
        cells = "".join(f"<td>{c if raw else esc(c)}</td>" for c in row)
        cls = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        body.append(f"<tr{cls}>{cells}</tr>")
    style = ('style="border-collapse:collapse;font-size:13px" '
             'cellpadding="4" border="1" bordercolor="#d1d5db"')
    return (f'<table class="{css}" {style}><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>")


def scroll_region(inner: str, label: str, *, max_height: str | None = None) -> str:
    """Wrap something wide (a table, a trace) so that it scrolls inside itself, not the page
    (a phone at 390 px), in a region keyboard users can focus and scroll, with a name."""
    height = f' style="max-height:{max_height};overflow-y:auto"' if max_height else ""
    return (f'<div class="labkit-scroll" role="region" tabindex="0" aria-label="{esc(label)}"{height}>'
            f"{inner}</div>")


class ViewMixin:
    """The object displays as its ``widget`` (an ipywidgets container)."""

    widget: Any

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)


def shared(widget_class: type[Any], **layout: str) -> dict[str, Any]:
    """``layout=`` and ``style=`` for a new ``widget_class`` widget: the kernel's one Layout with
    these settings and its one default style of that class, instead of two new models per
    widget. A page's browser builds every model before it shows the first widget (~1 ms
    each; a lab page has 300-400), so only widgets whose layout and style never change take
    these (a shared layout or style refuses changes)."""
    parts = {"layout": _shared_layout(tuple(sorted(layout.items())))}
    style = widget_class.class_traits().get("style")
    if style is not None:
        parts["style"] = _shared_style(style.klass)
    return parts


@functools.cache
def _shared_layout(settings: tuple[tuple[str, str], ...]) -> Any:
    import ipywidgets as w

    return _sealed(w.Layout(**dict(settings)))


@functools.cache
def _shared_style(style_class: type) -> Any:
    return _sealed(style_class())


def _sealed(model: Any) -> Any:
    """A layout or style model many widgets share: changing it would change all of them, so a
    change is undone and refused."""
    undoing: list[bool] = []

    def refuse(change: Any) -> None:
        if undoing:
            return
        undoing.append(True)
        try:
            setattr(model, change["name"], change["old"])
        finally:
            undoing.clear()
        raise TypeError(f"a shared {type(model).__name__} is never changed (tried {change['name']}): "
                        "give the widget its own")

    model.observe(refuse, names=[key for key in model.keys if not key.startswith("_")])
    return model
