"""The Mynaportal app's screens as an explicit state machine: the states, and one table of
every allowed (state, action) → effect → possible next states.

Actions are button ids (``press``) or phone events (``event:card`` when a My Number Card is
held to the NFC antenna, ``event:removed`` when it is taken away). An effect is the name of
a method of :class:`~labkit.phone.mynaportal.MynaportalApp`; it returns the next state (one
of the listed targets) or raises a :class:`~labkit.errors.LabkitError`, in which case the
state does not change and the error is shown on the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["TRANSITIONS", "AppState", "Transition", "transitions_from"]


class AppState(StrEnum):
    HOME = "home"                          # トップ
    MENU = "menu"                          # メニュー (画面右下)
    FORM = "form"                          # 2-3 ④⑤⑥ / 2-5 ③④ / 2-6: password, certificates, 確認しました
    READ_CARD = "read_card"                # 2-3 ⑦ hold the card
    READ_SUCCESS = "read_success"          # 2-3 ⑧ remove the card
    READ_DONE = "read_done"                # 2-3 ⑨ 「次へ」
    CONFIRM_OLD = "confirm_old"            # 2-5 ⑥ 「同意して次へ」
    SIGN_PASSWORD = "sign_password"        # smartphone signing password
    AUTH_PIN = "auth_pin"                  # 4 digits, twice
    APPLIED = "applied"                    # 申請完了 → wait for the push
    FAILED = "failed"                      # J-LIS refused the application
    REGISTER = "register"                  # 2-4 / 2-5 ⑪ 「登録する」
    REGISTERED = "registered"              # 登録完了 (+ 「生体認証などを利用登録する」)
    CERT_INFO = "cert_info"                # 1-5 「スマホ電子証明書の確認」
    REVOKE_START = "revoke_start"          # 2-7 ③ check + 「はじめる」
    REVOKE_PASSWORD = "revoke_password"    # 2-7 ④⑤ notes, password, 「失効」
    REVOKED = "revoked"                    # 2-7 ⑥ 失効完了
    BIOMETRIC = "biometric"                # 生体認証などを利用登録する
    BIOMETRIC_DONE = "biometric_done"
    LOGIN = "login"                        # マイナポータルにログイン
    PORTAL = "portal"                      # logged in
    HISTORY = "history"                    # 利用履歴


@dataclass(frozen=True, slots=True)
class Transition:
    targets: tuple[AppState, ...]
    effect: str | None = None


S = AppState

#: Every allowed action. Anything not listed is an invalid action: a bilingual error, no change.
TRANSITIONS: dict[tuple[AppState, str], Transition] = {
    (S.HOME, "menu"): Transition((S.MENU,)),
    (S.HOME, "register"): Transition((S.REGISTER,)),
    (S.HOME, "login"): Transition((S.LOGIN,)),
    (S.MENU, "apply"): Transition((S.FORM,), "start_apply"),
    (S.MENU, "register"): Transition((S.REGISTER,)),
    (S.MENU, "change"): Transition((S.FORM,), "start_change"),
    (S.MENU, "check"): Transition((S.CERT_INFO,), "load_info"),
    (S.MENU, "revoke"): Transition((S.REVOKE_START,), "start_revoke"),
    (S.MENU, "biometric"): Transition((S.BIOMETRIC,)),
    (S.MENU, "card_found"): Transition((S.FORM,), "start_card_found"),
    (S.MENU, "close"): Transition((S.HOME,)),
    (S.FORM, "submit"): Transition((S.READ_CARD,), "check_form"),
    (S.FORM, "back"): Transition((S.MENU,), "drop_draft"),
    (S.READ_CARD, "event:card"): Transition((S.READ_SUCCESS, S.FORM), "read_card"),
    (S.READ_CARD, "back"): Transition((S.FORM,)),
    (S.READ_SUCCESS, "event:removed"): Transition((S.READ_DONE,)),
    (S.READ_DONE, "next"): Transition((S.CONFIRM_OLD, S.SIGN_PASSWORD, S.AUTH_PIN, S.APPLIED, S.FAILED),
                                      "after_read"),
    (S.CONFIRM_OLD, "agree"): Transition((S.SIGN_PASSWORD, S.AUTH_PIN, S.APPLIED, S.FAILED), "next_password_step"),
    (S.CONFIRM_OLD, "cancel"): Transition((S.HOME,), "abandon"),
    (S.SIGN_PASSWORD, "next"): Transition((S.AUTH_PIN, S.APPLIED, S.FAILED), "set_sign_password"),
    (S.SIGN_PASSWORD, "cancel"): Transition((S.HOME,), "abandon"),
    (S.AUTH_PIN, "next"): Transition((S.APPLIED, S.FAILED), "set_auth_pin"),
    (S.AUTH_PIN, "cancel"): Transition((S.HOME,), "abandon"),
    (S.APPLIED, "close"): Transition((S.HOME,)),
    (S.FAILED, "close"): Transition((S.HOME,)),
    (S.REGISTER, "register"): Transition((S.REGISTERED,), "register"),
    (S.REGISTER, "back"): Transition((S.MENU,)),
    (S.REGISTERED, "biometric"): Transition((S.BIOMETRIC,)),
    (S.REGISTERED, "close"): Transition((S.HOME,)),
    (S.CERT_INFO, "back"): Transition((S.MENU,)),
    (S.REVOKE_START, "start"): Transition((S.REVOKE_PASSWORD,)),
    (S.REVOKE_START, "back"): Transition((S.MENU,)),
    (S.REVOKE_PASSWORD, "revoke"): Transition((S.REVOKED,), "revoke_now"),
    (S.REVOKE_PASSWORD, "back"): Transition((S.MENU,)),
    (S.REVOKED, "close"): Transition((S.HOME,)),
    (S.BIOMETRIC, "enroll"): Transition((S.BIOMETRIC_DONE,), "enroll"),
    (S.BIOMETRIC, "back"): Transition((S.MENU,)),
    (S.BIOMETRIC_DONE, "close"): Transition((S.HOME,)),
    (S.LOGIN, "login"): Transition((S.PORTAL,), "login_pin"),
    (S.LOGIN, "login_bio"): Transition((S.PORTAL,), "login_biometric"),
    (S.LOGIN, "back"): Transition((S.HOME,)),
    (S.PORTAL, "history"): Transition((S.HISTORY,), "load_history"),
    (S.PORTAL, "logout"): Transition((S.HOME,), "logout"),
    (S.HISTORY, "back"): Transition((S.PORTAL,)),
}


def transitions_from(state: AppState) -> dict[str, Transition]:
    """The actions allowed in ``state`` (for diagrams and widgets)."""
    return {action: t for (s, action), t in TRANSITIONS.items() if s is state}
