"""The phone screens of the lecture's numbered steps, made from the apps' own states: each
walk drives the Mynaportal app (or the Play Store) headless through a lab world, exactly as a
learner would press, and keeps the :class:`~labkit.phone.screen.Screen` it showed at each
step; :func:`screen_svg` draws one screen model as a phone."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..i18n import Text
from ..phone.screen import Screen
from ._svg import BLUE, GREEN, INK, LINE, MUTED, PALE, RED, Canvas, wrap
from .flows import figure_world, registered_phone

__all__ = ["WALKS", "Step", "screen_svg", "steps"]


@dataclass(frozen=True, slots=True)
class Step:
    mark: Text  # the lecture's step number(s): "①", "④⑤⑥", "パスワード ②" / "password ②"
    caption: Text  # what the learner does, in the lecture's words
    screen: Screen


class _Walk:
    def __init__(self) -> None:
        self.steps: list[Step] = []

    def keep(self, mark: str | Text, caption: Text, screen: Screen) -> None:
        self.steps.append(Step(mark if isinstance(mark, Text) else Text(mark, mark), caption, screen))


def _registered(world: Any) -> tuple[Any, Any, Any]:
    """The sample resident with a phone whose certificates are registered (2-3, 2-4 done)."""
    person = world.resident("sample")
    phone = registered_phone(world, person)
    return person, phone, phone.mynaportal


def _fill_form(app: Any, person: Any) -> None:
    app.enter("password", person.card_password)
    for kind in ("sign", "auth"):
        if any(c.id == kind for c in app.screen.checks):
            app.check(kind, True)
    app.check("confirmed")


def _passwords(w: _Walk, app: Any, person: Any, marks: tuple[str | Text, str | Text]) -> None:
    from ..phone.mynaportal import B

    app.enter("password", person.phone_password)
    w.keep(
        marks[0],
        Text(
            "スマホ用署名用電子証明書のパスワードを入力して「次へ」",
            "enter the smartphone signing password, then \"Next\"",
        ),
        app.screen,
    )
    app.press(B.NEXT)
    app.enter("pin", person.phone_pin)
    app.enter("pin_again", person.phone_pin)
    w.keep(
        marks[1],
        Text(
            "利用者証明用のパスワード (数字4桁) を2回入力して「次へ」",
            "enter the user-authentication PIN (4 digits) twice, then \"Next\"",
        ),
        app.screen,
    )
    app.press(B.NEXT)


def _walk_install(w: _Walk) -> None:
    from ..phone.playstore import INSTALL, PLAY_STORE, SEARCH_BOX

    with figure_world() as world:
        phone = world.new_phone(world.resident("sample"), install=False)
        store = world.play_store(phone)
        w.keep("①", Text("ホーム画面で「Playストア」を押す", "press 「Playストア」 on the home screen"), store.screen)
        store.press(PLAY_STORE)
        w.keep("②", Text("「アプリとゲームを検索」の枠を押す", "press the 「アプリとゲームを検索」 box"), store.screen)
        store.press(SEARCH_BOX)
        store.enter("query", "マイナポータル")
        w.keep(
            "③", Text("「マイナポータル」と入力し、検索結果から選ぶ", "type マイナポータル and choose it"), store.screen
        )
        store.press("マイナポータル")
        w.keep("④", Text("「インストール」を押す", "press 「インストール」"), store.screen)
        store.press(INSTALL)
        w.keep(
            "④",
            Text("インストールが終わるとボタンが「開く」に変わる", "when installed the button becomes 「開く」"),
            store.screen,
        )


def _walk_apply(w: _Walk) -> None:
    from ..phone.mynaportal import B

    with figure_world() as world:
        person = world.resident("sample")
        phone = world.new_phone(person)
        app = phone.mynaportal
        w.keep("①", Text("ホーム画面からマイナポータルアプリを開く", "open the Mynaportal app"), app.open())
        w.keep("②", Text("画面右下の「メニュー」を押す", "press \"Menu\" at the bottom right"), app.press(B.MENU))
        w.keep(
            "③",
            Text("「スマホ用電子証明書を申請する」を押す", "press \"Apply for the smartphone e-certificate\""),
            app.press(B.APPLY),
        )
        _fill_form(app, person)
        w.keep(
            "④⑤⑥",
            Text(
                "カードのパスワードを入力し、証明書を選び、「確認しました」にチェック",
                "card password, choose the certificates, tick \"I have read this\"",
            ),
            app.screen,
        )
        w.keep(
            "⑦",
            Text("「申請する」→ カードを読み取り位置に当てる", "\"Apply\", then hold the card to the phone"),
            app.press(B.SUBMIT),
        )
        phone.hold_card(person.card)
        w.keep("⑧", Text("読み取り成功: カードを取り外す", "card read: remove it"), app.screen)
        phone.remove_card()
        w.keep("⑨", Text("読み取り完了: 「次へ」を押す", "reading complete: press \"Next\""), app.screen)
        app.press(B.NEXT)
        _passwords(w, app, person, (Text("パスワード ①", "password ①"), Text("パスワード ②", "password ②")))
        w.keep(
            Text("パスワード ③", "password ③"),
            Text("申請完了: プッシュ通知を待つ", "application complete: wait for the push"),
            app.screen,
        )


def _walk_register(w: _Walk) -> None:
    from ..phone.mynaportal import B

    with figure_world() as world:
        person = world.resident("sample")
        phone = world.new_phone(person)
        world.apply(person, phone, register=False)
        world.advance_to(phone.mynaportal.data.receipt.push_at)
        app = phone.mynaportal
        w.keep(
            Text("通知", "push"),
            Text("プッシュ通知が届いたらアプリを開く", "the push has come: open the app"),
            app.open(),
        )
        app.press(B.MENU)
        w.keep("①", Text("「登録する」を押す", "press \"Register\""), app.press(B.REGISTER))
        w.keep("③", Text("登録完了", "registration complete"), app.press(B.REGISTER))


def _walk_device_change(w: _Walk) -> None:
    from ..phone.mynaportal import B

    with figure_world() as world:
        person = world.resident("sample")
        world.apply(person, world.new_phone(person, name="old"))
        phone = world.new_phone(person, name="new")
        app = phone.mynaportal
        app.open()
        w.keep("②", Text("「メニュー」→「機種変更」", "\"Menu\", then \"Device change\""), app.press(B.MENU))
        app.press(B.CHANGE)
        _fill_form(app, person)
        w.keep(
            "③④",
            Text(
                "カードのパスワード、申請する項目、「確認しました」→「申請する」",
                "card password, items, \"I have read this\", then \"Apply\"",
            ),
            app.screen,
        )
        w.keep("⑤", Text("マイナンバーカードを読み取る", "read the My Number Card"), app.press(B.SUBMIT))
        phone.hold_card(person.card)
        phone.remove_card()
        app.press(B.NEXT)
        w.keep(
            "⑥",
            Text(
                "旧スマホ用電子証明書の失効確認:「同意して次へ」",
                "old certificates will be revoked: \"Agree and continue\"",
            ),
            app.screen,
        )
        app.press(B.AGREE)
        _passwords(w, app, person, ("⑦", "⑧"))
        w.keep("⑨", Text("申請完了", "application complete"), app.screen)
        world.advance_to(app.data.receipt.push_at)
        app.open()
        w.keep("⑩", Text("メニュー画面の「登録する」を押す", "press \"Register\" in the menu"), app.press(B.MENU))
        w.keep(
            "⑪",
            Text("登録画面で「登録する」を押す", "press \"Register\" on the registration screen"),
            app.press(B.REGISTER),
        )
        w.keep(
            "⑫",
            Text(
                "登録完了 (生体認証は「生体認証などを利用登録する」)",
                "done (biometrics: \"Register biometrics etc.\")",
            ),
            app.press(B.REGISTER),
        )


def _walk_stop(w: _Walk) -> None:
    from ..phone.mynaportal import B

    with figure_world() as world:
        person, _, app = _registered(world)
        app.open()
        w.keep(
            "①②",
            Text("右下の「メニュー」→ スマホ電子証明書の項目の「失効」", "\"Menu\", then \"Revoke\""),
            app.press(B.MENU),
        )
        w.keep("③", Text("チェックを確認して「はじめる」", "check the tick, press \"Start\""), app.press(B.REVOKE))
        app.press(B.START)
        app.enter("password", person.phone_pin)
        w.keep(
            "④⑤",
            Text("注意事項を確認し、パスワードを入力して「失効」", "read the notes, password, \"Revoke\""),
            app.screen,
        )
        w.keep("⑥", Text("失効完了", "revocation complete"), app.press(B.REVOKE))


def _walk_card_found(w: _Walk) -> None:
    from ..phone.mynaportal import B

    with figure_world() as world:
        person, _, app = _registered(world)
        world.report_loss(person, "card")
        w.keep(
            Text("カード紛失", "card lost"),
            Text("フリーダイヤルに連絡: スマホにも一時利用停止の通知", "reported by phone call: the phone is told"),
            app.open(),
        )
        world.card_found(person, new_sign_password="XYZ789")
        app.press(B.MENU)
        w.keep(
            Text("カード発見", "card found"),
            Text("アプリの「一時利用停止の解除」で本人確認", "\"Lift the suspension\" in the app, with the card"),
            app.press(B.CARD_FOUND),
        )


def _walk_portal(w: _Walk) -> None:
    from ..phone.mynaportal import B

    with figure_world() as world:
        person, _, app = _registered(world)
        app.open()
        app.press(B.LOGIN)
        app.enter("pin", person.phone_pin)
        w.keep(
            Text("ログイン", "log in"),
            Text("利用者証明用のパスワード (数字4桁) でログイン", "log in with the 4-digit PIN"),
            app.screen,
        )
        w.keep(Text("ログイン後", "logged in"), Text("ログインできた", "logged in"), app.press(B.LOGIN))
        w.keep(
            Text("利用履歴", "history"),
            Text("利用履歴で身に覚えのない操作がないか確認", "check the usage history"),
            app.press(B.HISTORY),
        )
        app.press(B.BACK)
        app.press(B.LOGOUT)
        app.press(B.MENU)
        w.keep(
            Text("確認", "check"),
            Text("「スマホ電子証明書の確認」: SE に何が入っているか",
                 "\"Check the smartphone e-certificate\": what the SE holds"),
            app.press(B.CHECK),
        )


WALKS: dict[str, Callable[[_Walk], None]] = {
    "install": _walk_install,
    "apply": _walk_apply,
    "register": _walk_register,
    "device_change": _walk_device_change,
    "stop": _walk_stop,
    "card_found": _walk_card_found,
    "portal": _walk_portal,
}
_LOCK = threading.Lock()


@cache
def steps(walk: str) -> tuple[Step, ...]:
    """Run one walk (deterministic: weekday 10:00, seed 0) and return its screens."""
    w = _Walk()
    with _LOCK:
        WALKS[walk](w)
    for step in w.steps:
        if step.screen.error is not None:  # a walk that went wrong must not become a picture
            raise AssertionError(f"{walk} {step.mark}: {step.screen.error}")
    return tuple(w.steps)


# =========================================================================== drawing

PHONE_W = 250.0


def screen_svg(screen: Screen, lang: str, uid: str, *, mark: str = "") -> str:
    """One screen model as a phone: title bar, body, table rows, check boxes, inputs (secret
    values as dots), buttons (disabled ones greyed), notice and error."""
    t = lambda x: x.get(lang)  # noqa: E731
    inner = PHONE_W - 36
    c = Canvas(PHONE_W + 20, 10, uid)
    x0 = 28.0
    y = 62.0
    c.add("")  # the frame is inserted at index 0 once the height is known
    if mark:
        c.rect(10, 8, PHONE_W, 24, fill=BLUE, stroke=BLUE, rx=12)
        c.text(22, 25, mark, size=13, fill="#ffffff", weight="bold", cls="labkit-step-mark")
    y = c.block(x0, y, t(screen.title), inner, size=13.5, weight="bold", max_lines=3, cls="labkit-screen-title") + 4
    c.line(x0, y - 8, x0 + inner, y - 8, stroke=LINE)
    for body in screen.body:
        y = c.block(x0, y + 6, t(body), inner, size=10.5, fill=INK, max_lines=7, cls="labkit-screen-body") + 2
    for row in screen.rows[:6]:
        text = " | ".join(t(v) for v in list(row.values())[:2])
        y = c.block(x0 + 4, y + 6, "・" + text, inner - 4, size=9.5, fill=MUTED, max_lines=2) + 1
    for box in screen.checks:
        c.rect(x0, y + 4, 12, 12, fill="#ffffff", stroke=INK, rx=2)
        if box.checked:
            c.text(x0 + 6, y + 14, "✓", size=11, anchor="middle", fill=GREEN, weight="bold")
        y = c.block(x0 + 18, y + 14, t(box.label), inner - 18, size=10.5, max_lines=3, cls="labkit-screen-check") + 2
    for inp in screen.inputs:
        c.text(x0, y + 14, t(inp.label), size=10, fill=MUTED)
        c.rect(x0, y + 19, inner, 22, fill="#ffffff", stroke=LINE, rx=4)
        shown = inp.value if not inp.secret else "●" * inp.filled
        c.text(x0 + 6, y + 35, shown, size=11, cls="labkit-screen-input")
        y += 46
    for button in screen.buttons:
        lines = wrap(t(button.label), 11, inner - 16, 2)
        h = 10 + 14 * len(lines)
        fill, ink = (BLUE, "#ffffff") if button.enabled else ("#e5e7eb", MUTED)
        c.rect(x0, y + 6, inner, h, fill=fill, stroke=fill, rx=h / 2)
        for i, line in enumerate(lines):
            c.text(
                x0 + inner / 2,
                y + 20 + 14 * i,
                line,
                size=11,
                anchor="middle",
                fill=ink,
                weight="bold",
                cls="labkit-screen-button",
            )
        y += h + 6
    if screen.notice is not None:
        y = c.block(x0, y + 16, "✓ " + t(screen.notice), inner, size=10, fill=GREEN, max_lines=4) + 2
    if screen.error is not None:
        y = c.block(x0, y + 16, "! " + t(screen.error), inner, size=10, fill=RED, max_lines=4) + 2
    bottom = max(y + 26, 420.0)
    c.parts[0] = (
        f'<rect x="10" y="0" width="{PHONE_W}" height="{bottom:.0f}" rx="26" fill="#111827"/>'
        f'<rect x="18" y="38" width="{PHONE_W - 16}" height="{bottom - 52:.0f}" rx="8" fill="#ffffff"/>'
        f'<rect x="18" y="38" width="{PHONE_W - 16}" height="6" fill="{PALE["blue"]}"/>'
    )
    c.height = bottom + 6
    app = Text("スマホの画面", "Phone screen").get(lang)
    title = f"{app} {mark}: {t(screen.title)}" if mark else f"{app}: {t(screen.title)}"
    return c.document(title=title, desc=screen.render(lang), lang=lang)
