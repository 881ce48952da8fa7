"""Phone mock-up: draws the current screen of the app on a simulated Android phone (title,
text, the lecture's buttons, inputs, check boxes), the status bar (time, network, NFC), the
notification shade with the push notifications, and forwards every click and input to the
app's state machine; it redraws after each action. Errors are shown on the screen in the
run's language. With a ``card`` the card-reading step (「モバイル非接触ICマーク」) sits beside it.

Notebook use::

    PhoneMockup(phone, card=hanako.card, advance=world.advance, lang=ctx.lang)
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from ..i18n import Text
from ..phone.screen import InputKind, Screen
from ._base import ViewMixin, esc, shared
from .card_reading import CardReadingStep
from .phone_model import ROW_HEADERS, PhoneMockupModel

__all__ = ["PhoneMockup"]

_L = {
    "home": Text("ホーム", "Home"),
    "airplane": Text("機内モード", "Airplane mode"),
    "shade": Text("通知", "Notifications"),
    "open": Text("マイナポータルを開く", "Open Mynaportal"),
    "none": Text("通知はありません", "no notifications"),
    "clock": Text("時計を進める", "Move the clock"),
}
_STEPS = ((Text("+10分", "+10 min"), timedelta(minutes=10), "10m"),
          (Text("+1時間", "+1 hour"), timedelta(hours=1), "1h"),
          (Text("+12時間", "+12 hours"), timedelta(hours=12), "12h"),
          (Text("+1日", "+1 day"), timedelta(days=1), "1d"))


class PhoneMockup(ViewMixin):
    """The phone as widgets. ``app``: what to show (default: Mynaportal, or the home screen
    when it is not installed). ``advance``: a callable taking a timedelta (``world.advance``)
    to show clock buttons. ``watch``: seconds between checks for changes made elsewhere
    (another cell moved the clock); None = redraw only after actions and :meth:`refresh`."""

    def __init__(self, phone: Any, app: Any = None, *, card: Any = None, advance: Any = None,
                 lang: str | None = None, watch: float | None = None) -> None:
        import ipywidgets as w

        self.w = w
        self.model = PhoneMockupModel(phone, app, card=card, advance=advance, lang=lang)
        lang = self.model.lang
        self._key: tuple[int, str] | None = None
        self._syncing = False
        self.buttons: dict[str, Any] = {}
        self.inputs: dict[str, Any] = {}
        self.checks: dict[str, Any] = {}

        self.status = w.HTML(**shared(w.HTML), _dom_classes=("labkit-phone-status",))
        self.shade_toggle = w.ToggleButton(value=False, description=_L["shade"].get(lang),
                                           **shared(w.ToggleButton, width="100%"),
                                           _dom_classes=("labkit-phone-shade-toggle",))
        self.shade_list = w.HTML(**shared(w.HTML), _dom_classes=("labkit-phone-shade-list",))
        self.shade_open = w.Button(description=_L["open"].get(lang), **shared(w.Button, width="100%"),
                                   _dom_classes=("labkit-phone-shade-open",))
        self.shade = w.VBox([self.shade_list, self.shade_open], layout=w.Layout(display="none"),
                            _dom_classes=("labkit-phone-shade",))
        self.title = w.HTML(**shared(w.HTML), _dom_classes=("labkit-phone-title",))
        self.body = w.HTML(**shared(w.HTML), _dom_classes=("labkit-phone-body",))
        self.rows = w.HTML(**shared(w.HTML), _dom_classes=("labkit-phone-rows",))
        self.form = w.VBox(**shared(w.VBox), _dom_classes=("labkit-phone-form",))
        # errors (a PIN refused, a lock) and notices are read out politely when they change
        self.error = w.HTML(**shared(w.HTML), _dom_classes=("labkit-phone-error", "labkit-live"))
        self.notice = w.HTML(**shared(w.HTML), _dom_classes=("labkit-phone-notice", "labkit-live"))
        # 「プッシュ通知が届きました」 for screen readers
        self.announce = w.HTML(**shared(w.HTML), _dom_classes=("labkit-phone-live", "labkit-live", "labkit-sr-only"))
        self._unread = 0
        self.button_box = w.VBox(**shared(w.VBox), _dom_classes=("labkit-phone-buttons",))
        self.screen_box = w.VBox([self.title, self.body, self.rows, self.form, self.error, self.notice,
                                  self.button_box], **shared(w.VBox, min_height="26em", padding="0 .4em"),
                                  _dom_classes=("labkit-phone-screen",))
        self.home_button = w.Button(description=_L["home"].get(lang), **shared(w.Button, width="100%"),
                                    _dom_classes=("labkit-phone-home",))
        frame = w.VBox([self.status, self.announce, self.shade_toggle, self.shade, self.screen_box,
                        self.home_button],
                       **shared(w.VBox, width="24em", border="10px solid #1f2937", padding=".3em", margin="0 1em 0 0"),
                       _dom_classes=("labkit-phone-frame",))
        self.airplane = w.ToggleButton(value=not phone.online, description=_L["airplane"].get(lang),
                                       **shared(w.ToggleButton), _dom_classes=("labkit-phone-airplane",))
        controls: list[Any] = [self.airplane]
        self.clock_buttons: dict[str, Any] = {}
        if advance is not None:
            for label, delta, key in _STEPS:
                button = w.Button(description=label.get(lang), **shared(w.Button, width="auto"),
                                  _dom_classes=("labkit-phone-advance", f"labkit-phone-advance-{key}"))
                button.on_click(lambda _b, delta=delta: self._do(self.model.advance, delta))
                self.clock_buttons[key] = button
                controls.append(button)
        side: list[Any] = [w.HBox(controls, **shared(w.HBox, flex_flow="row wrap"))]
        self.card_step: CardReadingStep | None = None
        if card is not None:
            self.card_step = CardReadingStep(phone, card, lang=lang, screen=lambda: self.model.screen,
                                             on_change=self.redraw)
            side.append(self.card_step.widget)
        # labkit-focus-home: focus returns to the screen title
        self.widget = w.HBox([frame, w.VBox(side)], _dom_classes=("labkit-phone", "labkit-focus-home"))

        self.shade_toggle.observe(self._on_shade, names="value")
        self.shade_open.on_click(lambda _b: self._do(self.model.open_mynaportal))
        self.home_button.on_click(lambda _b: self._do(self.model.home))
        self.airplane.observe(self._on_airplane, names="value")
        self._stop = threading.Event()
        self._lock = threading.RLock()  # the watcher thread and clicks may both redraw
        self._watcher: threading.Thread | None = None
        self.redraw()
        if watch:
            self._watcher = threading.Thread(target=self._watch, args=(watch,), daemon=True, name="phone-watch")
            self._watcher.start()

    # -- actions ------------------------------------------------------------------------------
    def _do(self, action: Any, *args: Any) -> Screen:
        screen: Screen = action(*args)
        self.redraw()
        return screen

    def press(self, label: str) -> Screen:
        """Press a button of the current screen by id or label (tests, demos)."""
        return self._do(self.model.press, label)

    def _on_shade(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self.model.mark_read()
        self.redraw()

    def _on_airplane(self, change: dict[str, Any]) -> None:
        if not self._syncing:
            self._do(self.model.set_online, not change["new"])

    def _on_input(self, field: str, change: dict[str, Any]) -> None:
        if not self._syncing:
            self.model.enter(field, change["new"])
            self.redraw()

    def _on_check(self, box: str, change: dict[str, Any]) -> None:
        if not self._syncing:
            self.model.check(box, bool(change["new"]))
            self.redraw()

    def refresh(self) -> None:
        """Redraw after changes made elsewhere (pushes fetched, clock moved in another cell)."""
        self.model.phone.sync()
        self.redraw()

    def _watch(self, interval: float) -> None:
        last = None
        while not self._stop.wait(interval):
            try:
                now = self.model.fingerprint()
                if now != last:
                    last = now
                    self.redraw()
            except Exception:  # the next tick tries again; actions show their own errors
                continue

    def close(self) -> None:
        """Stop watching (if ``watch`` was given)."""
        self._stop.set()

    # -- drawing -------------------------------------------------------------------------------
    def redraw(self) -> None:
        with self._lock:
            self._redraw()

    def _redraw(self) -> None:
        m, lang = self.model, self.model.lang
        screen = m.screen
        status = m.status()
        self.status.value = (
            f'<div class="labkit-phone-statusbar" data-online="{str(status.online).lower()}" '
            f'data-nfc="{str(status.card_on_nfc).lower()}" style="display:flex;gap:.8em;font-size:12px;'
            f'background:#111827;color:#f9fafb;padding:.2em .5em"><b>{esc(status.clock_text(lang))}</b>'
            f"<span>{esc(status.network_text().get(lang))}</span><span>{esc(status.nfc_text().get(lang))}</span>"
            "</div>")
        self._draw_shade(status.unread)
        self._announce(status.unread)
        key = (id(m.app), screen.state)
        if key != self._key:
            self._key = key
            self._build_form(screen)
        self._update(screen)
        self._syncing = True
        try:
            self.airplane.value = not status.online
        finally:
            self._syncing = False
        if self.card_step is not None:
            self.card_step.redraw()

    def _draw_shade(self, unread: int) -> None:
        lang = self.model.lang
        label = _L["shade"].get(lang)
        self.shade_toggle.description = f"{label} ({unread})" if unread else label
        self.shade_toggle.button_style = "warning" if unread else ""
        self.shade.layout.display = None if self.shade_toggle.value else "none"
        items = [f'<li class="labkit-phone-notification" data-kind="{esc(n.notification.kind.value)}">'
                 f'<span style="color:#6b7280">{esc(_hm(n.received_at))}</span> {esc(n.text.get(lang))}</li>'
                 for n in self.model.notifications()]
        self.shade_list.value = (f'<ul style="margin:.2em 0;padding-left:1.2em;font-size:13px">{"".join(items)}</ul>'
                                 if items else f'<div style="color:#6b7280">{esc(_L["none"].get(lang))}</div>')

    def _announce(self, unread: int) -> None:
        """Said once by screen readers (polite live region); stays until the next push."""
        said = self.model.push_announcement(self._unread)
        if said is not None:
            self.announce.value = f"<p>{esc(said.get(self.model.lang))}</p>"
        self._unread = unread

    def _build_form(self, screen: Screen) -> None:
        w, lang = self.w, self.model.lang
        children: list[Any] = []
        self.checks, self.inputs = {}, {}
        for box in screen.checks:
            check = w.Checkbox(value=box.checked, description=box.label.get(lang), indent=False,
                               **shared(w.Checkbox, width="auto"),
                               _dom_classes=("labkit-phone-check", f"labkit-phone-check-{box.id}"))
            check.observe(lambda change, box=box.id: self._on_check(box, change), names="value")
            self.checks[box.id] = check
            children.append(check)
            if box.help is not None:
                children.append(w.HTML(f'<div style="font-size:12px;color:#4b5563;margin:0 0 .4em 1.6em">'
                                       f"{esc(box.help.get(lang))}</div>", **shared(w.HTML)))
        for field in screen.inputs:
            kind = w.Text if field.kind is InputKind.TEXT else w.Password
            widget = kind(value=field.value if field.kind is InputKind.TEXT else "",
                          placeholder=field.placeholder.get(lang) if field.placeholder else "",
                          description=field.label.get(lang), style={"description_width": "initial"},
                          layout=w.Layout(width="95%"),
                          _dom_classes=("labkit-phone-input", f"labkit-phone-input-{field.id}"))
            widget.observe(lambda change, field=field.id: self._on_input(field, change), names="value")
            self.inputs[field.id] = widget
            children.append(widget)
        self.form.children = tuple(children)

    def _update(self, screen: Screen) -> None:
        m, lang = self.model, self.model.lang
        step = f' <span style="color:#6b7280;font-size:11px">{esc(screen.step)}</span>' if screen.step else ""
        # the screen title is a heading; the focus comes back to it after a screen change
        self.title.value = (f'<h3 class="labkit-phone-titlebar labkit-focus-target" tabindex="-1" '
                            f'data-app="{esc(screen.app)}" data-state="{esc(screen.state)}" '
                            f'style="font-size:16px;font-weight:bold;margin:0;line-height:1.4;'
                            f'border-bottom:1px solid #e5e7eb;padding:.3em 0">'
                            f"{esc(screen.title.get(lang))}{step}</h3>")
        self.body.value = "".join(f'<p style="font-size:13px;margin:.3em 0">{esc(t.get(lang))}</p>'
                                  for t in screen.body)
        self.rows.value = _rows_html(screen, lang)
        errors = [e for e in (screen.error, m.failure) if e is not None]
        self.error.value = "".join(f'<div class="labkit-phone-error-text" style="background:#fee2e2;'
                                   f'color:#7f1d1d;padding:.3em .5em;border-radius:4px;font-size:13px">'
                                   f"{esc(e.get(lang))}</div>" for e in errors)
        self.notice.value = ("" if screen.notice is None else
                             f'<div class="labkit-phone-notice-text" style="background:#dcfce7;color:#14532d;'
                             f'padding:.3em .5em;border-radius:4px;font-size:13px">'
                             f"{esc(screen.notice.get(lang))}</div>")
        self._syncing = True
        try:
            for box in screen.checks:
                if box.id in self.checks and self.checks[box.id].value != box.checked:
                    self.checks[box.id].value = box.checked
        finally:
            self._syncing = False
        self._update_buttons(screen)

    def _update_buttons(self, screen: Screen) -> None:
        """Rebuild the buttons only when the set of buttons changes. Typing re-renders the
        screen on every keystroke; recreating the DOM buttons then would swallow a click made
        right after typing, so enabling/disabling updates the existing buttons in place."""
        w, lang = self.w, self.model.lang
        layout = tuple((b.id, b.label.get(lang), b.hint.get(lang) if b.hint is not None else None, b.enabled)
                       for b in screen.buttons)
        shape = tuple((ident, label, hint if not enabled else None) for ident, label, hint, enabled in layout)
        if shape == getattr(self, "_button_shape", None):
            for b in screen.buttons:
                button = self.buttons[b.id]
                if button.disabled == b.enabled:
                    button.disabled = not b.enabled
                    button.button_style = "primary" if b.enabled else ""
            return
        self._button_shape = shape
        buttons: list[Any] = []
        self.buttons = {}
        for b in screen.buttons:
            button = w.Button(description=b.label.get(lang), disabled=not b.enabled,
                              tooltip=b.hint.get(lang) if b.hint is not None and not b.enabled else "",
                              button_style="primary" if b.enabled else "", **shared(w.Button, width="95%"),
                              _dom_classes=("labkit-phone-button", f"labkit-phone-button-{_css(b.id)}"))
            button.on_click(lambda _b, ident=b.id: self._do(self.model.press, ident))
            self.buttons[b.id] = button
            buttons.append(button)
            if b.hint is not None and not b.enabled:
                buttons.append(w.HTML(f'<div class="labkit-phone-hint" style="font-size:11px;color:#6b7280">'
                                      f"{esc(b.hint.get(lang))}</div>", **shared(w.HTML)))
        self.button_box.children = tuple(buttons)


def _css(ident: str) -> str:
    """A button id as a CSS class suffix (``app:jp.lab.bank`` → ``app-jp-lab-bank``)."""
    return "".join(c if c.isalnum() or c in "-_" else "-" for c in ident)


def _hm(value: Any) -> str:
    from ..clock import to_jst

    return f"{to_jst(value):%m/%d %H:%M}"


def _rows_html(screen: Screen, lang: str) -> str:
    if not screen.rows:
        return ""
    keys = list(screen.rows[0].keys())
    head = "".join(f"<th>{esc(ROW_HEADERS.get(k, Text(k, k)).get(lang))}</th>" for k in keys)
    body = "".join("<tr>" + "".join(f"<td>{esc(row[k].get(lang)) if k in row else ''}</td>" for k in keys) + "</tr>"
                   for row in screen.rows)
    return (f'<table class="labkit-phone-table" style="font-size:11px;border-collapse:collapse" border="1" '
            f'cellpadding="2"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
