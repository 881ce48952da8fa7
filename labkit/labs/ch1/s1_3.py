"""1-3 メリット: biometrics vs PIN."""


from __future__ import annotations

from typing import Any

from ...clock import to_jst
from ...errors import AccessDeniedError
from ...i18n import Text
from ...jlis import UsageEvent, UsageKind
from ...phone import GAME, Phone
from ...widgets._base import esc
from ...world import Person, World
from ..kit import (
    TD,
    TD_NOWRAP,
    TH,
    InLanguage,
    Lab,
    beside,
    button,
    button_row,
    hint,
    html_view,
    lab_phone,
    listing,
    panel,
    require_registered,
    verdict,
)
from .texts import ROLE_CERT

_FINGERS = (("owner", Text("本人の指", "the owner's finger")), ("other", Text("別の人の指", "someone else's finger")))


class Benefits(InLanguage):
    """1-3's model: whose finger is on the sensor, the logins of the usage history, and which
    app reaches the certificate (HTML of each). No widgets."""

    def __init__(self, world: World, person: Person, phone: Phone) -> None:
        require_registered(phone)
        self.world, self.person, self.phone = world, person, phone
        self.lang = world.lang
        self.game = phone.install(GAME)
        self.apps_html = verdict(None, esc(self.t(Text("まだ試していません", "not tried yet"))))

    def set_finger(self, who: str) -> None:
        """Whose finger is on the sensor: ``owner`` or ``other``."""
        self.phone.biometrics.user = self.phone.biometrics.enrolled if who == "owner" else "someone else"

    def logins(self) -> list[UsageEvent]:
        """The login events of the usage history (newest first)."""
        events = self.world.jlis.usage_history(holder_id=self.person.holder_id)
        return [e for e in events if e.kind is UsageKind.LOGIN]

    def logins_html(self) -> str:
        lang = self.lang
        rows = self.logins()
        if not rows:
            return hint(esc(self.t(Text("ログインの記録はまだありません", "no logins yet"))))
        head = (self.t(Text("日時", "When")), self.t(Text("ログインの記録", "Login")), self.t(Text("結果", "Result")))
        body = "".join(
            f'<tr data-outcome="{esc(e.outcome)}">{TD_NOWRAP}{esc(f"{to_jst(e.at):%H:%M}")}</td>'
            f"{TD}{esc(e.detail.get(lang))}</td>"
            f"{TD_NOWRAP}{esc(self.t(Text('成功', 'ok')) if e.outcome == 'ok' else e.outcome)}</td></tr>"
            for e in rows)
        return (
            f'<b>{esc(self.t(Text("ログインの記録 (利用履歴から)", "Logins (from the usage history)")))}</b>'
            f'<table class="labkit-lab-login-table" cellpadding="3" border="1" style="border-collapse:collapse;'
            f'font-size:13px;border-color:#d1d5db"><thead><tr>{"".join(TH + esc(h) + "</th>" for h in head)}'
            f"</tr></thead><tbody>{body}</tbody></table>")

    def try_mynaportal(self) -> bool:
        """The Mynaportal app looks into the SE: allowed by the SE's access rules."""
        present = self.phone.mynaportal.present()
        names = listing(self.lang, [self.t(ROLE_CERT[r]) for r, ok in present.items() if ok])
        self.apps_html = verdict(True, esc(self.t(Text(
            f"マイナポータルアプリ: GP-SE に届きました (スマホ用の{names}があります)",
            f"Mynaportal app: reached the GP-SE (it holds the smartphone {names})"))))
        return True

    def try_game(self) -> bool:
        """Another app opens the SE's JPKI AP directly: the SE's access rules refuse it."""
        try:
            channel = self.game.open_jpki_channel()
        except AccessDeniedError as exc:
            self.apps_html = verdict(False, esc(self.t(Text(
                f"パズルゲーム: 拒否されました ({exc.text.ja})", f"Puzzle game: refused ({exc.text.en})"))))
            return False
        channel.close()  # pragma: no cover - the SE never lets it in
        self.apps_html = verdict(True, "?")  # pragma: no cover
        return True  # pragma: no cover


class BenefitsLab(Lab):
    """1-3's view over :class:`Benefits` (``model``): ``phone`` (log in with the PIN, register
    biometrics, log in with a finger; the card stays at home), ``logins`` (every login with its
    method), ``apps`` (only the Mynaportal app reaches the certificate)."""

    def __init__(self, model: Benefits) -> None:
        import ipywidgets as w

        self.model = m = model
        self.world, self.person, self.phone, self.lang = m.world, m.person, m.phone, m.lang
        person, phone, lang = m.person, m.phone, m.lang
        self.phone_view = lab_phone(phone, lang=lang)
        self.finger = w.ToggleButtons(options=[(t.get(lang), key) for key, t in _FINGERS], value="owner",
                                      description=self.t(Text("センサーに触れる指", "Finger on the sensor")),
                                      style={"description_width": "initial"}, _dom_classes=("labkit-lab-finger",))
        self.finger.observe(lambda change: self.set_finger(change["new"]), names="value")
        self.login_table = html_view("", "labkit-lab-logins")
        self.phone_view.title.observe(lambda _change: self.redraw(), names="value")
        steps = self.t(Text(
            "1. 「ログイン」→ 暗証番号 (数字4桁) を入力 →「ログイン」。<br>"
            "2. 「ログアウト」→「メニュー」→「生体認証などを利用登録する」→ 暗証番号を入力 →「登録する」"
            "→「閉じる」。<br>"
            "3. 「ログイン」→「生体認証でログイン」。指を「別の人の指」に変えて、もう一度試してみましょう。",
            "1. “Log in” → type the 4-digit PIN → “Log in”.<br>"
            "2. “Log out” → “Menu” → “Register biometrics etc.” → type the PIN → “Register” → “Close”.<br>"
            "3. “Log in” → “Log in with biometrics”. Then switch to someone else's finger and try again."))
        status = self.t(Text(
            f"マイナンバーカード: 家に置いたまま (スマホにかざしていません) / カードリーダー: なし / "
            f"暗証番号: {person.phone_pin}",
            f"My Number Card: left at home (not held to the phone) / card reader: none / PIN: {person.phone_pin}"))
        side = w.VBox([self.finger, self.login_table], layout=w.Layout(margin="0 0 0 1em"))
        self.finger.layout.width = "auto"
        self.login_panel = panel([html_view(hint(steps) + hint(esc(status)), "labkit-lab-note"),
                                 beside(self.phone_view, side)], "labkit-lab-benefits",
                                self.t(Text("暗証番号と生体認証でログイン", "Log in with the PIN and with biometrics")))
        self.apps_result = html_view(m.apps_html, "labkit-lab-apps-result")
        self.apps = panel([
            button_row(button(self.t(Text("マイナポータルアプリから確かめる", "Check from the Mynaportal app")),
                            "labkit-lab-app-mynaportal", self.try_mynaportal),
                    button(self.t(Text("パズルゲームから読み出そうとする", "Try to read it from a puzzle game")),
                            "labkit-lab-app-game", self.try_game, button_style="danger")),
            self.apps_result], "labkit-lab-apps",
            self.t(Text("証明書に届くのはマイナポータルアプリだけ", "Only the Mynaportal app reaches the certificate")))
        self.redraw()

    def set_finger(self, who: str) -> None:
        """Whose finger is on the sensor: ``owner`` or ``other``."""
        self.model.set_finger(who)
        if self.finger.value != who:
            self.finger.value = who
        self.redraw()

    def redraw(self) -> None:
        self.login_table.value = self.model.logins_html()

    def try_mynaportal(self) -> bool:
        return self._show(self.model.try_mynaportal())

    def try_game(self) -> bool:
        return self._show(self.model.try_game())

    def _show(self, result: bool) -> bool:
        self.apps_result.value = self.model.apps_html
        return result

    @property
    def widget(self) -> Any:
        import ipywidgets as w

        return w.VBox([self.login_panel, self.apps])


def benefits_lab(world: World, person: Person, phone: Phone) -> BenefitsLab:
    """1-3 lab: ``lab.login_panel`` (PIN vs biometrics) and ``lab.apps`` (only the app)."""
    return BenefitsLab(Benefits(world, person, phone))


