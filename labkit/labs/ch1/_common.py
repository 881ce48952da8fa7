"""Shared pieces of the Chapter 1 labs."""


from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from ...card import KeyRole
from ...clock import to_jst
from ...errors import InputError, LabkitError, ServiceError
from ...i18n import Text
from ...pki import Sex
from ...reader import PinBlockedError, WrongPinError


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


_WEEKDAYS = ("月", "火", "水", "木", "金", "土", "日")


def _when(value: datetime, lang: str) -> str:
    """``2026年4月1日 (水) 10:00`` / ``Wed 2026-04-01 10:00`` (JST)."""
    t = to_jst(value)
    if lang == "ja":
        return f"{t.year}年{t.month}月{t.day}日 ({_WEEKDAYS[t.weekday()]}) {t:%H:%M}"
    return f"{t:%a} {t:%Y-%m-%d %H:%M}"


def _hm(value: Any) -> str:
    """``9:30``, ``20:00``."""
    return f"{value.hour}:{value.minute:02d}"


def _day(value: date, lang: str) -> str:
    if lang == "ja":
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


_SEX = {Sex.MALE: Text("男性", "male"), Sex.FEMALE: Text("女性", "female"),
        Sex.NOT_APPLICABLE: Text("—", "—")}
_ROLE_CERT = {KeyRole.SIGN: Text("署名用電子証明書", "signing certificate"),
              KeyRole.AUTH: Text("利用者証明用電子証明書", "user-authentication certificate")}


class HtmlBlock:
    """A deterministic output: HTML for Voilà and JupyterLab, plain text as its repr (both
    are compared by nbval, so neither may contain keys, serials or signatures)."""

    def __init__(self, html_text: str, plain: str) -> None:
        self.html = html_text
        self.plain = plain

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.plain


#: Table cells align left (JupyterLab's stylesheet right-aligns table cells).
_TD = '<td style="text-align:left;vertical-align:top">'
_TD_NOWRAP = '<td style="text-align:left;vertical-align:top;white-space:nowrap">'
_TH = '<th style="text-align:left;white-space:nowrap">'


def _table(css: str, lang: str, rows: Sequence[tuple[str, str]], heads: tuple[str, str] | None = None) -> str:
    head = "" if heads is None else ("<thead><tr>" + "".join(f'<th style="text-align:left">{_esc(h)}</th>'
                                                             for h in heads) + "</tr></thead>")
    body = "".join(f'<tr><th style="text-align:left;white-space:nowrap;vertical-align:top">{_esc(k)}</th>'
                   f"{_TD}{v}</td></tr>" for k, v in rows)
    return (f'<table class="{css}" lang="{lang}" cellpadding="4" border="1" '
            f'style="border-collapse:collapse;font-size:14px;border-color:#d1d5db">{head}<tbody>{body}</tbody></table>')


def _verdict(ok: bool | None, text: str, *, css: str = "") -> str:
    """A green (ok), red (refused) or grey (None: nothing yet) box; ``data-outcome`` for tests."""
    outcome = "none" if ok is None else ("ok" if ok else "ng")
    style = {"ok": "", "ng": "", "none": "color:#6b7280;padding:.4em .8em"}[outcome]
    cls = "labkit-verdict" + ("" if ok is None else f" labkit-verdict-{outcome}")
    return (f'<div class="{cls} labkit-lab-result {css}" data-outcome="{outcome}" style="{style}">'
            f"{text}</div>")


def _hint(text: str) -> str:
    return f'<div class="labkit-lab-hint" style="color:#4b5563;font-size:13px">{text}</div>'


class _Lab:
    """A lab displays as its whole ``widget``; its parts display on their own too."""

    lang: str

    @property
    def widget(self) -> Any:
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def t(self, text: Text) -> str:
        return text.get(self.lang)


def _box(children: Sequence[Any], css: str, title: str | None = None) -> Any:
    """A titled lab panel (VBox) with a stable CSS class."""
    import ipywidgets as w

    items = list(children)
    if title is not None:
        items.insert(0, w.HTML(f'<div style="font-weight:bold;font-size:15px;margin:.3em 0">{_esc(title)}</div>'))
    box = w.VBox(items, layout=w.Layout(border="1px solid #d1d5db", padding=".5em .8em", margin=".4em 0",
                                        max_width="64em", overflow="auto"))
    box.add_class("labkit-lab")
    box.add_class(css)
    return box


def _row(*children: Any) -> Any:
    """Buttons side by side at their natural width (a VBox would stretch them)."""
    import ipywidgets as w

    return w.HBox(list(children), layout=w.Layout(flex_flow="row wrap", align_items="center"))


def _beside(phone_view: Any, side: Any) -> Any:
    """The phone mock-up at its full width, instructions and results beside it."""
    import ipywidgets as w

    phone_view.widget.layout.flex = "0 0 auto"
    side.layout.flex = "1 1 16em"
    side.layout.min_width = "16em"  # below the phone when the page is narrow
    return w.HBox([phone_view.widget, side], layout=w.Layout(flex_flow="row wrap"))


def _html(value: str, css: str) -> Any:
    import ipywidgets as w

    widget = w.HTML(value)
    widget.add_class(css)
    return widget


def _button(label: str, css: str, on_click: Callable[[], Any], *, style: str = "") -> Any:
    import ipywidgets as w

    button = w.Button(description=label, button_style=style, layout=w.Layout(width="auto"))
    button.add_class("labkit-lab-button")
    button.add_class(css)
    button.on_click(lambda _b: on_click())
    return button


def _pin_errors(action: Callable[[], Any]) -> Any:
    """Run an app action for a PIN pad: the app's wrong-PIN and locked refusals become the
    card errors the pad understands (tries left, lock); everything else passes through."""
    try:
        return action()
    except ServiceError as exc:
        if exc.reason == "wrong_pin":
            left = int(exc.details.get("tries_left") or 0)
            raise WrongPinError(exc.text, sw=0x63C0 | left, tries_left=left) from None
        if exc.reason == "locked":
            raise PinBlockedError(exc.text, sw=0x6983) from None
        raise


def _tries(phone: Any, role: KeyRole) -> Callable[[], int | None]:
    """Tries left of a smartphone PIN/password, read from the phone's SE."""
    def tries() -> int | None:
        applet = phone.se.jpki
        if applet is None:
            return None
        status = applet.pin_status(role)
        return status.remaining if status.is_set else None
    return tries


def _phone_view(phone: Any, lang: str, **options: Any) -> Any:
    from ...widgets import PhoneMockup

    return PhoneMockup(phone, lang=lang, **options)


def _registered(phone: Any) -> bool:
    try:
        return all(phone.mynaportal.present().values())
    except LabkitError:
        return False


def _require_registered(phone: Any) -> None:
    if not _registered(phone):
        raise InputError(Text("この実習はスマホ用電子証明書を登録したスマホで行います (world.apply(person, phone))",
                              "this lab needs a phone with registered smartphone certificates "
                              "(world.apply(person, phone))"))


