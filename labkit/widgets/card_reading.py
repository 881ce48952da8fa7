"""The card-reading step of lecture 2-3 ⑦⑧: the back of the phone with the
「モバイル非接触ICマーク」, the card held with its centre on the mark, the success message and
"remove the card". The stage is derived from the phone (is a card on the NFC antenna?) and
the app's screen (``read_card`` / ``read_success`` / ``read_done``); the buttons hold and
remove the card through :meth:`Phone.hold_card` / :meth:`Phone.remove_card`, so the app's
state machine reacts exactly as to a real card.

Notebook use (also embedded in :class:`~labkit.widgets.PhoneMockup` when it gets a card)::

    CardReadingStep(phone, person.card, lang=ctx.lang)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..i18n import Text
from ._base import ViewMixin, error_text, esc, resolve_lang, shared

__all__ = ["STAGES", "CardReadingModel", "CardReadingStep"]

MARK = Text("モバイル非接触ICマーク", "mobile contactless IC mark")
#: stage -> (message, colour)
STAGES: dict[str, tuple[Text, str]] = {
    "idle": (Text("カードの読み取り画面ではありません", "the app is not asking for the card"), "#6b7280"),
    "waiting": (Text("カードの中心を「モバイル非接触ICマーク」に当てて、動かさずに待ってください",
                     "hold the card with its centre on the mobile contactless IC mark and keep it still"),
                "#1d4ed8"),
    "held": (Text("カードをかざしています", "the card is held to the phone"), "#1d4ed8"),
    "success": (Text("読み取りに成功しました。マイナンバーカードを取り外してください",
                     "the card was read; remove the My Number Card"), "#15803d"),
    "done": (Text("読み取り完了。「次へ」を押してください", "reading complete; press \"Next\""), "#15803d"),
    "failed": (Text("読み取りに失敗しました", "the card could not be read"), "#b91c1c"),
}
_L = {"hold": Text("カードをかざす", "Hold the card"), "remove": Text("カードを離す", "Remove the card"),
      "title": Text("カードの読み取り", "Reading the card")}


class CardReadingModel:
    """``screen`` returns the app's current screen (or None without the app)."""

    def __init__(self, phone: Any, card: Any, *, screen: Callable[[], Any] | None = None,
                 lang: str | None = None) -> None:
        self.lang = resolve_lang(lang)
        self.phone = phone
        self.card = card
        self._screen = screen or self._app_screen
        self.failure: Text | None = None
        self._tried = False

    def _app_screen(self) -> Any:
        return self.phone.mynaportal.screen if self.phone.installed() else None

    @property
    def held(self) -> bool:
        return self.phone.nfc.card is not None

    def stage(self) -> str:
        screen = self._screen()
        state = getattr(screen, "state", None)
        if state == "read_success":
            return "success"
        if state == "read_done":
            return "done"
        if state == "read_card":
            return "held" if self.held else "waiting"
        if self._tried and getattr(screen, "error", None) is not None and state == "form":
            return "failed"
        return "held" if self.held else "idle"

    def message(self) -> Text:
        stage = self.stage()
        text = STAGES[stage][0]
        screen = self._screen()
        if stage == "failed" and screen is not None and screen.error is not None:
            text = Text(f"{text.ja}: {screen.error.ja}", f"{text.en}: {screen.error.en}")
        return text

    def hold(self) -> None:
        self.failure = None
        self._tried = True
        try:
            self.phone.hold_card(self.card)
        except Exception as exc:
            self.failure = error_text(exc)

    def remove(self) -> None:
        self.failure = None
        try:
            self.phone.remove_card()
        except Exception as exc:
            self.failure = error_text(exc)
        if self.stage() != "failed":
            self._tried = False

    def svg(self) -> str:
        """The back of the phone, the mark, and the card where it is now."""
        stage = self.stage()
        lang = self.lang
        colour = STAGES[stage][1]
        card_x, card_y = (105, 113) if self.held else (232, 170)
        # screen readers get the picture in words: the card, the mark and the stage
        held = Text("カードをかざしています", "card held to the phone") if self.held else \
            Text("カードは離れています", "card away from the phone")
        spoken = f"{MARK.get(lang)}: {held.get(lang)}. {self.message().get(lang)}"
        parts = ['<svg class="labkit-cardread-svg" xmlns="http://www.w3.org/2000/svg" width="300" height="240" '
                 f'viewBox="0 0 300 240" font-family="Noto Sans CJK JP, sans-serif" font-size="11" role="img" '
                 f'aria-label="{esc(spoken)}" style="max-width:100%;height:auto">',
                 '<rect x="40" y="10" width="130" height="220" rx="18" fill="#1f2937"/>',
                 '<circle cx="70" cy="38" r="9" fill="#374151"/>',
                 '<g class="labkit-cardread-mark"><rect x="84" y="92" width="42" height="42" rx="8" fill="none" '
                 'stroke="#fbbf24" stroke-width="2"/>',
                 '<path d="M99 104 q8 9 0 18 M106 100 q12 13 0 26 M113 96 q16 17 0 34" fill="none" '
                 'stroke="#fbbf24" stroke-width="2"/>',
                 f'<text x="105" y="150" text-anchor="middle" fill="#fbbf24" font-size="9">'
                 f"{esc(MARK.get(lang))}</text></g>"]
        opacity = "0.85" if self.held else "1"
        parts.append(f'<g class="labkit-cardread-card" data-held="{str(self.held).lower()}" opacity="{opacity}">'
                     f'<rect x="{card_x - 64}" y="{card_y - 40}" width="128" height="80" rx="6" fill="#e0f2fe" '
                     f'stroke="#0369a1"/><text x="{card_x}" y="{card_y - 20}" text-anchor="middle" fill="#0c4a6e">'
                     f'{esc(Text("マイナンバーカード", "My Number Card").get(lang))}</text>'
                     f'<circle cx="{card_x}" cy="{card_y}" r="3" fill="#0369a1"/></g>')
        if stage in ("success", "done"):
            parts.append('<g class="labkit-cardread-ok"><circle cx="250" cy="40" r="18" fill="#15803d"/>'
                         '<path d="M240 40 l7 7 l13 -14" stroke="white" stroke-width="4" fill="none"/></g>')
        parts.append(f'<rect x="0" y="0" width="300" height="4" fill="{colour}"/></svg>')
        return "".join(parts)

    def html(self) -> str:
        stage = self.stage()
        colour = STAGES[stage][1]
        failure = (f'<div class="labkit-cardread-failure" style="color:#b91c1c">{esc(self.failure.get(self.lang))}'
                   "</div>" if self.failure is not None else "")
        return (f'<div class="labkit-cardread-view" data-stage="{stage}" lang="{self.lang}">{self.svg()}'
                f'<div class="labkit-cardread-message" style="color:{colour};max-width:300px">'
                f"{esc(self.message().get(self.lang))}</div>{failure}</div>")


class CardReadingStep(ViewMixin):
    """The visual plus 「カードをかざす」 / 「カードを離す」. ``on_change`` is called after each
    action (the phone mock-up redraws then)."""

    def __init__(self, phone: Any, card: Any, *, lang: str | None = None, screen: Callable[[], Any] | None = None,
                 on_change: Callable[[], None] | None = None) -> None:
        import ipywidgets as w

        self.model = CardReadingModel(phone, card, screen=screen, lang=lang)
        lang = self.model.lang
        self.on_change = on_change
        self.view = w.HTML(**shared(w.HTML), _dom_classes=("labkit-cardread-box",))
        self.hold_button = w.Button(description=_L["hold"].get(lang), button_style="primary",
                                    _dom_classes=("labkit-cardread-hold",))
        self.remove_button = w.Button(description=_L["remove"].get(lang), **shared(w.Button),
                                      _dom_classes=("labkit-cardread-remove",))
        self.hold_button.on_click(lambda _b: self.hold())
        self.remove_button.on_click(lambda _b: self.remove())
        self.widget = w.VBox([w.HTML(f"<b>{esc(_L['title'].get(lang))}</b>", **shared(w.HTML)), self.view,
                              w.HBox([self.hold_button, self.remove_button], **shared(w.HBox))],
                             _dom_classes=("labkit-cardread",))
        self.redraw()

    def hold(self) -> None:
        self.model.hold()
        self._changed()

    def remove(self) -> None:
        self.model.remove()
        self._changed()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()
        else:
            self.redraw()

    def redraw(self) -> None:
        self.view.value = self.model.html()
        self.hold_button.disabled = self.model.held or self.model.card is None
        self.remove_button.disabled = not self.model.held
