"""What each state of the Mynaportal app shows: title, text, inputs, check boxes and buttons
(labels from :mod:`.texts`), built from the app's current context. Pure functions of the app:
rendering never changes anything."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ...clock import to_jst
from ...i18n import Text
from ...office.contract import ApplicationKind
from ..screen import Button, Checkbox, Input, InputKind, Screen
from .machine import AppState
from .texts import CERT_HELP, CERT_LABEL, B, T

if TYPE_CHECKING:
    from .app import MynaportalApp

__all__ = ["build_screen"]

S = AppState


def _inp(app: MynaportalApp, id: str, label: Text, kind: InputKind) -> Input:
    value = app.inputs.get(id, "")
    return Input(id, label, kind, value if kind is InputKind.TEXT else "", len(value))


def _home(app: MynaportalApp) -> tuple[Text, tuple[Text, ...], tuple[Button, ...], str | None]:
    buttons = [Button("login", B.LOGIN), Button("menu", B.MENU)]
    if app.data.ready:
        buttons.insert(0, Button("register", B.REGISTER))
    body = [T.HOME_BODY] + [n.message for n in app.data.notices[-3:]]
    return T.HOME, tuple(body), tuple(buttons), None


def _menu(app: MynaportalApp) -> tuple[Text, tuple[Text, ...], tuple[Button, ...], str | None]:
    items = (("apply", B.APPLY), ("register", B.REGISTER), ("change", B.CHANGE), ("check", B.CHECK),
             ("revoke", B.REVOKE), ("biometric", B.BIOMETRIC), ("card_found", B.CARD_FOUND), ("close", B.CLOSE))
    return T.MENU, (), tuple(Button(i, label) for i, label in items), "2-3 ②"


def _form_title(app: MynaportalApp) -> tuple[Text, str]:
    kind = app.draft.kind if app.draft else ApplicationKind.NEW
    if kind is ApplicationKind.DEVICE_CHANGE:
        return B.CHANGE, "2-5 ③④"
    if kind is ApplicationKind.CARD_FOUND:
        return T.CARD_FOUND, "2-6"
    return B.APPLY, "2-3 ④⑤⑥"


def build_screen(app: MynaportalApp) -> Screen:
    """The :class:`Screen` for the app's current state."""
    s = app.state
    title: Text
    body: tuple[Text, ...] = ()
    buttons: tuple[Button, ...] = ()
    inputs: tuple[Input, ...] = ()
    checks: tuple[Checkbox, ...] = ()
    rows: tuple[dict[str, Text], ...] = ()
    step: str | None = None
    if s in _SIMPLE:
        title, body, buttons, step = _SIMPLE[s](app)
    elif s is S.FORM:
        title, step = _form_title(app)
        card_found = app.draft is not None and app.draft.kind is ApplicationKind.CARD_FOUND
        inputs = (_inp(app, "password", T.PW, InputKind.PASSWORD),)
        boxes = [] if card_found else [Checkbox(k, CERT_LABEL[k], app.checks.get(k, False), CERT_HELP[k])
                                       for k in ("sign", "auth")]
        checks = (*boxes, Checkbox("confirmed", B.CONFIRMED, app.checks.get("confirmed", False), T.NOTES))
        ready = app.checks.get("confirmed", False) and bool(app.inputs.get("password")) and (
            card_found or app.checks.get("sign", False) or app.checks.get("auth", False))
        body = (T.CARD_FOUND_BODY, T.FORM_PASSWORD) if card_found else (T.FORM_PASSWORD, T.FORM_CHOOSE)
        hint = Text("パスワードを入力し、「確認しました」にチェックを入れてください",
                    "enter the password and tick \"I have read this\"")
        buttons = (Button("submit", B.SUBMIT, ready, None if ready else hint), Button("back", B.BACK))
    elif s is S.SIGN_PASSWORD:
        title, body, step = T.SIGN_PW, (T.SIGN_PW_BODY,), "2-3 / 2-5 ⑦"
        inputs = (_inp(app, "password", T.PW, InputKind.PASSWORD),)
        buttons = (Button("next", B.NEXT), Button("cancel", B.CANCEL))
    elif s is S.AUTH_PIN:
        title, body, step = T.AUTH_PIN, (T.AUTH_PIN_BODY,), "2-3 / 2-5 ⑧"
        inputs = (_inp(app, "pin", T.PW, InputKind.DIGITS), _inp(app, "pin_again", T.PW_AGAIN, InputKind.DIGITS))
        buttons = (Button("next", B.NEXT), Button("cancel", B.CANCEL))
    elif s is S.CERT_INFO:
        title, body, step = T.INFO, app.info_body, "1-5"
        rows, buttons = app.info_rows, (Button("back", B.BACK),)
    elif s is S.REVOKE_START:
        title, body, step = T.REVOKE, (T.REVOKE_BODY,), "2-7 ③"
        checks = (Checkbox("target", T.REVOKE_TARGET, app.checks.get("target", True)),)
        buttons = (Button("start", B.START, app.checks.get("target", True)), Button("back", B.BACK))
    elif s is S.REVOKE_PASSWORD:
        title, body, step = T.REVOKE, (T.REVOKE_NOTES,), "2-7 ④⑤"
        inputs = (_inp(app, "password", T.PW, InputKind.PASSWORD),)
        buttons = (Button("revoke", B.REVOKE), Button("back", B.BACK))
    elif s is S.BIOMETRIC:
        title, body = T.BIO, (T.BIO_BODY,)
        inputs = (_inp(app, "pin", T.PIN, InputKind.DIGITS),)
        buttons = (Button("enroll", B.REGISTER), Button("back", B.BACK))
    elif s is S.LOGIN:
        title, body, step = T.LOGIN, (T.LOGIN_BODY,), "1-2 ①"
        inputs = (_inp(app, "pin", T.PIN, InputKind.DIGITS),)
        bio = app.data.biometric_pin is not None
        buttons = (Button("login", B.LOGIN), Button("login_bio", B.LOGIN_BIO, bio,
                                                    None if bio else Text("生体認証が未登録です",
                                                                          "biometrics not registered")),
                   Button("back", B.BACK))
    elif s is S.HISTORY:
        title, body, rows, step = T.HISTORY, (T.HISTORY_BODY,), app.history_rows, "1-4 3."
        buttons = (Button("back", B.BACK),)
    else:  # pragma: no cover - every state has a builder
        raise AssertionError(s)
    return Screen("mynaportal", s.value, title, body, buttons, inputs, checks, step, app.error, app.notice, rows)


def _fixed(title: Text, body: tuple[Text, ...], buttons: tuple[Button, ...], step: str | None
           ) -> Callable[[MynaportalApp], tuple[Text, tuple[Text, ...], tuple[Button, ...], str | None]]:
    return lambda app: (title, body, buttons, step)


def _applied(app: MynaportalApp) -> tuple[Text, tuple[Text, ...], tuple[Button, ...], str | None]:
    receipt = app.data.receipt
    # The receipt's message is already shown as the screen's notice right after applying: once only.
    extra = () if receipt is None or receipt.message == app.notice else (receipt.message,)
    return T.APPLIED, (T.APPLIED_BODY, *extra), (Button("close", B.CLOSE),), "2-3 ③ / 2-5 ⑨"


def _failed(app: MynaportalApp) -> tuple[Text, tuple[Text, ...], tuple[Button, ...], str | None]:
    return T.FAILED, (app.failure,) if app.failure else (), (Button("close", B.CLOSE),), None


def _portal(app: MynaportalApp) -> tuple[Text, tuple[Text, ...], tuple[Button, ...], str | None]:
    session = app.session
    body: tuple[Text, ...] = ()
    if session is not None:
        when = f"{to_jst(session.logged_in_at):%Y-%m-%d %H:%M}"
        body = (Text(f"{when} にスマホ用利用者証明用電子証明書でログインしました",
                     f"logged in at {when} with the smartphone user-authentication certificate"),)
    return T.PORTAL, body, (Button("history", B.HISTORY), Button("logout", B.LOGOUT)), "1-2 ①"


_SIMPLE: dict[AppState, Callable[[MynaportalApp], tuple[Text, tuple[Text, ...], tuple[Button, ...], str | None]]] = {
    S.HOME: _home,
    S.MENU: _menu,
    S.READ_CARD: _fixed(T.READ, (T.READ_BODY,), (Button("back", B.BACK),), "2-3 ⑦ / 2-5 ⑤"),
    S.READ_SUCCESS: _fixed(T.READ_OK, (T.READ_OK_BODY,), (), "2-3 ⑧"),
    S.READ_DONE: _fixed(T.READ_DONE, (T.READ_DONE_BODY,), (Button("next", B.NEXT),), "2-3 ⑨"),
    S.CONFIRM_OLD: _fixed(T.OLD_REVOKE, (T.OLD_REVOKE_BODY,), (Button("agree", B.AGREE), Button("cancel", B.CANCEL)),
                          "2-5 ⑥"),
    S.APPLIED: _applied,
    S.FAILED: _failed,
    S.REGISTER: _fixed(T.REGISTER, (T.REGISTER_BODY,), (Button("register", B.REGISTER), Button("back", B.BACK)),
                       "2-4 ① / 2-5 ⑪"),
    S.REGISTERED: _fixed(T.REGISTERED, (T.REGISTERED_BODY,),
                         (Button("biometric", B.BIOMETRIC), Button("close", B.CLOSE)), "2-4 ③ / 2-5 ⑫"),
    S.REVOKED: _fixed(T.REVOKED, (T.REVOKED_BODY,), (Button("close", B.CLOSE),), "2-7 ⑥"),
    S.BIOMETRIC_DONE: _fixed(T.BIO_DONE, (Text("次回から生体認証でログインできます",
                                                 "from now on you can log in with biometrics"),),
                             (Button("close", B.CLOSE),), None),
    S.PORTAL: _portal,
}
