"""The phone mock-up's model: which app is on screen, the status bar (time, network, NFC),
the notification shade, and the forwarding of presses, inputs and ticks to the app's state
machine (:class:`~labkit.phone.mynaportal.MynaportalApp`, the launcher/Play Store, or any
object with ``screen``, ``press``, ``enter``). Pure Python: the view in
:mod:`labkit.widgets.phone` only draws what this says.

The apps turn labkit errors into a bilingual error on their screen themselves; anything else
that goes wrong while forwarding (a bug, a lost connection) is kept in :attr:`failure` and
shown on the screen too — never swallowed silently.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ..clock import to_jst
from ..i18n import Text
from ..phone.screen import Button, Screen
from ._base import error_text, resolve_lang

__all__ = ["ROW_HEADERS", "PhoneMockupModel", "PhoneStatus"]

#: Column names for the table rows some screens carry (inventory, usage history).
ROW_HEADERS: dict[str, Text] = {
    "category": Text("種類", "Kind"), "name": Text("名前", "Name"), "detail": Text("内容", "Detail"),
    "at": Text("日時", "When"), "what": Text("操作", "What"), "service": Text("サービス", "Service"),
    "device": Text("端末", "Device"), "outcome": Text("結果", "Result"),
}
_WEEKDAYS = "月火水木金土日"
_NO_SCREEN = Text("このアプリの画面はラボにはありません", "this app has no screens in the lab")
PUSH_ARRIVED = Text("プッシュ通知が届きました", "A push notification has arrived")


@dataclass(frozen=True, slots=True)
class PhoneStatus:
    """The status bar."""

    time: datetime
    online: bool
    card_on_nfc: bool
    unread: int
    model: str
    name: str

    def clock_text(self, lang: str) -> str:
        t = to_jst(self.time)
        if lang == "ja":
            return f"{t.month}/{t.day}({_WEEKDAYS[t.weekday()]}) {t:%H:%M}"
        return f"{t:%a %d %b} {t:%H:%M}"

    def network_text(self) -> Text:
        return Text("オンライン", "online") if self.online else Text("機内モード", "airplane mode")

    def nfc_text(self) -> Text:
        return Text("NFC カードあり", "NFC card") if self.card_on_nfc else Text("NFC オン", "NFC on")


class _Placeholder:
    """An installed app without screens in the lab (the bank app, a game)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    @property
    def screen(self) -> Screen:
        title = getattr(getattr(self.app, "package", None), "title", Text("アプリ", "app"))
        return Screen("other", "other", title, (_NO_SCREEN,))

    def press(self, label: Any) -> Screen:
        return self.screen

    def enter(self, field: Any, value: str) -> Screen:
        return self.screen


class PhoneMockupModel:
    """One phone and the app it shows. ``app`` defaults to the Mynaportal app when it is
    installed, else the home screen (launcher + Play Store). ``advance`` (e.g.
    ``world.advance``) lets the mock-up move the simulated clock; ``card`` is what the
    card-reading step holds to the phone."""

    def __init__(self, phone: Any, app: Any = None, *, card: Any = None, advance: Any = None,
                 lang: str | None = None) -> None:
        self.lang = resolve_lang(lang)
        self.phone = phone
        self.card = card
        self.advance_clock = advance
        self.failure: Text | None = None
        self.last_exception: BaseException | None = None
        self.seen_notifications = 0
        self._handled: Any = None  # the launcher's last opened app, already followed
        if app is None:
            app = phone.mynaportal if phone.installed() else self._launcher()
        self.app = app

    def _launcher(self) -> Any:
        from ..phone.playstore import PlayStore

        return PlayStore(self.phone)

    # -- what is shown ----------------------------------------------------------------------
    @property
    def screen(self) -> Screen:
        return self.app.screen if hasattr(self.app, "screen") else _Placeholder(self.app).screen

    def status(self) -> PhoneStatus:
        phone = self.phone
        return PhoneStatus(phone.clock.now(), bool(phone.online), phone.nfc.card is not None,
                           len(phone.inbox) - self.seen_notifications, phone.model, phone.name)

    def notifications(self) -> list[Any]:
        """The push notifications the phone received, newest first. A 「登録できます」 push goes
        once it was acted on (nothing waits to register), as a tapped notification does: a
        registered phone never tells the learner to press 「登録する」 again."""
        phone = self.phone
        waiting = phone.installed() and phone.mynaportal.data.ready
        return [n for n in reversed(phone.inbox)
                if waiting or n.notification.kind.value != "registration_ready"]

    def push_announcement(self, unread_before: int) -> Text | None:
        """What a screen reader says when notifications arrived since the last redraw
        (unread count was ``unread_before``): 「プッシュ通知が届きました: <newest>」; else None."""
        notifications = self.notifications()
        if self.status().unread <= unread_before or not notifications:
            return None
        newest = notifications[0].text
        return Text(f"{PUSH_ARRIVED.ja}: {newest.ja}", f"{PUSH_ARRIVED.en}: {newest.en}")

    def mark_read(self) -> None:
        self.seen_notifications = len(self.phone.inbox)

    def fingerprint(self) -> tuple[Any, ...]:
        """Changes whenever something visible may have changed (for watching)."""
        s = self.screen
        return (id(self.app), s.state, s.error, s.notice, len(s.rows), len(self.phone.inbox),
                self.phone.online, self.phone.nfc.card is not None, to_jst(self.phone.clock.now()).strftime("%H:%M"),
                self.failure)

    def render_text(self) -> str:
        """The whole phone as text (tests, logs): status, then the screen."""
        st = self.status()
        head = (f"[{st.clock_text(self.lang)} | {st.network_text().get(self.lang)} | "
                f"{st.nfc_text().get(self.lang)}]")
        lines = [head, self.screen.render(self.lang)]
        if self.failure is not None:
            lines.append(f"  !! {self.failure.get(self.lang)}")
        return "\n".join(lines)

    # -- forwarding ---------------------------------------------------------------------------
    def _run(self, action: Any, *args: Any) -> Screen:
        self.failure, self.last_exception = None, None
        try:
            action(*args)
        except Exception as exc:  # the apps handle labkit errors; this is everything else
            self.failure, self.last_exception = error_text(exc), exc
        self._follow_launcher()
        return self.screen

    def _follow_launcher(self) -> None:
        opened = getattr(self.app, "opened", None)
        if opened is not None and opened is not self._handled:
            self._handled = opened
            self.switch_to(opened)

    def switch_to(self, app: Any) -> None:
        """Show ``app`` (tapping its icon: the Mynaportal app opens on its top screen)."""
        self.app = app if hasattr(app, "screen") else _Placeholder(app)
        opener = getattr(app, "open", None)
        if callable(opener):
            opener()

    def press(self, button: Button | str) -> Screen:
        """Press a button (by :class:`Button`, id or label); forwarded to the app."""
        ident = button.id if isinstance(button, Button) else button
        return self._run(self.app.press, ident)

    def enter(self, field: str, value: str) -> Screen:
        return self._run(self.app.enter, field, value)

    def check(self, box: str, on: bool) -> Screen:
        checker = getattr(self.app, "check", None)
        if checker is None:
            return self.press(box)
        return self._run(checker, box, on)

    def home(self) -> Screen:
        """The phone's home button: back to the launcher."""
        self.app, self._handled = self._launcher(), None
        return self.screen

    def open_mynaportal(self) -> Screen:
        """Tap the Mynaportal notification or icon."""
        self.mark_read()
        return self._run(lambda: self.switch_to(self.phone.mynaportal))

    def hold_card(self, card: Any = None) -> Screen:
        card = card if card is not None else self.card
        if card is None:
            self.failure = Text("かざすカードが渡されていません (card=...)", "no card was given to hold (card=...)")
            return self.screen
        return self._run(self.phone.hold_card, card)

    def remove_card(self) -> Screen:
        return self._run(self.phone.remove_card)

    def set_online(self, online: bool) -> Screen:
        return self._run(self.phone.set_online, online)

    def advance(self, delta: timedelta) -> Screen:
        """Move the simulated clock (through ``advance``) and fetch pushes."""
        if self.advance_clock is None:
            self.failure = Text("時計を進める方法が渡されていません (advance=world.advance)",
                                "no way to move the clock was given (advance=world.advance)")
            return self.screen
        return self._run(lambda: (self.advance_clock(delta), self.phone.sync()))
