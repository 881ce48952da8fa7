"""The Mynaportal app with its screens: :class:`MynaportalApp` = the operations of
:class:`~.core.MynaportalCore` + the state machine of :mod:`.machine`.

A learner (or a widget, or a test) acts only through ``press(label)``, ``enter(field,
value)``, ``check(label, on)`` and the phone's NFC (``phone.hold_card`` / ``remove_card``);
``screen`` says what is shown. An invalid action leaves the state unchanged and puts a
bilingual error on the screen; so does a refusal from the SE, the card or J-LIS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ...card import KeyRole
from ...clock import to_jst
from ...errors import LabkitError, ServiceError
from ...i18n import Text
from ...office.contract import ApplicationKind, DeviceAction
from ...office.refusals import Refusal, refuse
from ...pki import CaKind
from ...se import SENSITIVE
from ...services.webpki import PORTAL_HOST
from ..screen import Screen, match_label
from .core import Draft
from .machine import TRANSITIONS, AppState
from .screens import build_screen
from .texts import CERT_LABEL, T
from .use import CertificateUse

if TYPE_CHECKING:
    from ..device import Phone

__all__ = ["MynaportalApp", "Outcome"]

S = AppState


@dataclass(frozen=True, slots=True)
class Outcome:
    """An effect's result when it wants to show something on the next screen."""

    state: AppState
    error: Text | None = None
    notice: Text | None = None


class MynaportalApp(CertificateUse):
    """マイナポータルアプリ (lab edition) on one phone."""

    def __init__(self, phone: Phone) -> None:
        super().__init__(phone)
        self.state = S.HOME
        self.inputs: dict[str, str] = {}
        self.checks: dict[str, bool] = {}
        self.error: Text | None = None
        self.notice: Text | None = None
        self.draft: Draft | None = None
        self.failure: Text | None = None
        self.session: Any = None
        self.info_body: tuple[Text, ...] = ()
        self.info_rows: tuple[dict[str, Text], ...] = ()
        self.history_rows: tuple[dict[str, Text], ...] = ()
        self.history: list[Any] = []
        phone.subscribe_push(self.package.package, self.on_push,
                             prove=lambda: self.device_proof(DeviceAction.POLL))
        phone.listen_nfc(self.package.package, self)

    # -- what is shown -------------------------------------------------------------------------
    @property
    def screen(self) -> Screen:
        return build_screen(self)

    def __repr__(self) -> str:
        return f"<MynaportalApp on {self.phone.name!r}: {self.state.value}>"

    # -- actions --------------------------------------------------------------------------------
    def open(self) -> Screen:
        """Tap the app icon: the top screen (pending pushes are fetched first)."""
        self.phone.sync()
        self._go(S.HOME)
        return self.screen

    def press(self, label: str | Text) -> Screen:
        """Press a button (or toggle a check box) by its label, in Japanese or English."""
        self.phone.sync()
        screen = self.screen
        box = next((c for c in screen.checks if c.id == label or match_label(c.label, label)), None)
        if box is not None:
            return self.check(box.id, not box.checked)
        button = screen.button(label)
        if button is None:
            shown = "、".join(f"「{x}」" for x in screen.labels("ja"))
            return self._refuse(Text(f"この画面に「{label}」はありません。押せるのは {shown} です",
                                     f"there is no {label!r} on this screen; you can press: "
                                     f"{', '.join(screen.labels('en'))}"))
        if not button.enabled:
            return self._refuse(button.hint or Text(f"「{button.label.ja}」は今は押せません",
                                                    f"\"{button.label.en}\" cannot be pressed now"))
        return self._act(button.id)

    def enter(self, field: str | Text, value: str) -> Screen:
        """Type ``value`` into an input of the current screen (by id or label)."""
        target = next((i for i in self.screen.inputs if i.id == field or match_label(i.label, field)), None)
        if target is None:
            return self._refuse(Text(f"この画面に入力欄「{field}」はありません", f"there is no field {field!r} here"))
        if not isinstance(value, str):
            return self._refuse(Text("文字で入力してください", "type text"))
        self.inputs[target.id] = value
        self.error = None
        return self.screen

    def check(self, box: str | Text, on: bool = True) -> Screen:
        """Tick (or untick) a check box of the current screen."""
        target = next((c for c in self.screen.checks if c.id == box or match_label(c.label, box)), None)
        if target is None:
            return self._refuse(Text(f"この画面にチェック欄「{box}」はありません",
                                     f"there is no check box {box!r} here"))
        self.checks[target.id] = bool(on)
        self.error = None
        return self.screen

    def card_held(self) -> None:
        """NFC: a card came into the field (only a reading screen reacts)."""
        if (self.state, "event:card") in TRANSITIONS:
            self._act("event:card")

    def card_removed(self) -> None:
        if (self.state, "event:removed") in TRANSITIONS:
            self._act("event:removed")

    # -- the machine -------------------------------------------------------------------------------
    def _refuse(self, text: Text) -> Screen:
        self.error, self.notice = text, None
        return self.screen

    def _go(self, state: AppState, error: Text | None = None, notice: Text | None = None) -> None:
        if state is not self.state:
            self.inputs.clear()
            self.checks = self._default_checks(state)
        self.state, self.error, self.notice = state, error, notice

    def _default_checks(self, state: AppState) -> dict[str, bool]:
        if state is S.FORM and self.draft is not None:
            return {"sign": self.draft.wants(CaKind.SIGN), "auth": self.draft.wants(CaKind.AUTH)}
        if state is S.REVOKE_START:
            return {"target": True}
        return {}

    def _act(self, action: str) -> Screen:
        transition = TRANSITIONS.get((self.state, action))
        if transition is None:
            return self._refuse(Text("この画面ではその操作はできません", "that action is not possible on this screen"))
        if transition.effect is None:
            self._go(transition.targets[0])
            return self.screen
        try:
            result = getattr(self, "_" + transition.effect)()
        except LabkitError as exc:
            return self._refuse(exc.text)
        outcome = result if isinstance(result, Outcome) else Outcome(result or transition.targets[0])
        assert outcome.state in transition.targets, (self.state, action, outcome.state)
        self._go(outcome.state, outcome.error, outcome.notice)
        return self.screen

    # -- effects: applying ------------------------------------------------------------------------
    def _start_apply(self) -> AppState:
        live = self._live_kinds()
        if live >= {CaKind.SIGN, CaKind.AUTH}:
            raise refuse(Refusal.ALREADY_REGISTERED)
        missing = tuple(k for k in (CaKind.SIGN, CaKind.AUTH) if k not in live)
        self.draft = Draft(ApplicationKind.REISSUE if live else ApplicationKind.NEW, missing)
        return S.FORM

    def _start_change(self) -> AppState:
        self.draft = Draft(ApplicationKind.DEVICE_CHANGE, (CaKind.SIGN, CaKind.AUTH))
        return S.FORM

    def _start_card_found(self) -> AppState:
        self.phone.jlis()  # the network is needed
        kinds = (CaKind.SIGN,) if self.present()[KeyRole.SIGN] else ()
        self.draft = Draft(ApplicationKind.CARD_FOUND, kinds)
        return S.FORM

    def _drop_draft(self) -> AppState:
        self.draft = None
        return S.MENU

    def _check_form(self) -> AppState:
        assert self.draft is not None
        if self.draft.kind is not ApplicationKind.CARD_FOUND:
            self.draft.certificates = tuple(k for k in (CaKind.SIGN, CaKind.AUTH) if self.checks.get(k.value))
        self.draft.card_password = self.inputs.get("password", "")
        self.check_form(self.draft)
        return S.READ_CARD

    def _read_card(self) -> AppState | Outcome:
        assert self.draft is not None and self.phone.nfc.transport is not None
        try:
            self.read_card(self.draft, self.phone.nfc.transport)
        except ServiceError as exc:
            if exc.reason in ("wrong_pin", "locked"):
                return Outcome(S.FORM, error=exc.text)
            raise
        return S.READ_SUCCESS

    def _after_read(self) -> AppState | Outcome:
        assert self.draft is not None
        if self.draft.kind is ApplicationKind.DEVICE_CHANGE:
            return S.CONFIRM_OLD
        return self._next_password_step()

    def _next_password_step(self, after: KeyRole | None = None) -> AppState | Outcome:
        assert self.draft is not None
        if after is None and self.draft.wants(CaKind.SIGN):
            return S.SIGN_PASSWORD
        if after is not KeyRole.AUTH and self.draft.wants(CaKind.AUTH):
            return S.AUTH_PIN
        return self._submit()

    def _set_sign_password(self) -> AppState | Outcome:
        assert self.draft is not None
        self.set_sign_password(self.draft, self.inputs.get("password", ""))
        return self._next_password_step(after=KeyRole.SIGN)

    def _set_auth_pin(self) -> AppState | Outcome:
        assert self.draft is not None
        self.set_auth_pin(self.draft, self.inputs.get("pin", ""), self.inputs.get("pin_again", ""))
        return self._next_password_step(after=KeyRole.AUTH)

    def _submit(self) -> Outcome:
        assert self.draft is not None
        try:
            receipt = self.submit(self.draft)
        except ServiceError as exc:
            if exc.reason in ("offline", "unavailable"):
                raise  # stay: the user can retry once online
            self.failure, self.draft = exc.text, None
            return Outcome(S.FAILED, error=exc.text)
        self.draft = None
        return Outcome(S.APPLIED, notice=receipt.message)

    def _abandon(self) -> AppState:
        if self.draft is not None:
            self.abandon(self.draft)
            self.draft = None
        return S.HOME

    # -- effects: registration, checking, revocation, biometrics -----------------------------------
    def _register(self) -> AppState:
        self.register()
        return S.REGISTERED

    def _load_info(self) -> AppState:
        items = self.inventory()
        rows = [{"category": i.category.label, "name": i.name, "detail": i.detail} for i in items]
        states: list[Text] = []
        if self.phone.online:
            for info in self.live_certificates():
                until = f"{to_jst(info.not_after):%Y-%m-%d}"
                states.append(Text(f"{_label(info.kind).ja}: {info.message.ja} (有効期限 {until})",
                                   f"{_label(info.kind).en}: {info.message.en} (valid until {until})"))
        not_stored = [c for c in SENSITIVE if all(i.category is not c for i in items)]
        absent = "、".join(c.label.ja for c in not_stored)
        absent_en = ", ".join(c.label.en for c in not_stored)
        self.info_rows = tuple(rows)
        self.info_body = (T.INFO_BODY, *states,
                          Text(f"スマホに記録されていない情報: {absent}", f"not recorded on the phone: {absent_en}"))
        return S.CERT_INFO

    def _start_revoke(self) -> AppState:
        if not any(self.present().values()):
            raise refuse(Refusal.NOT_REGISTERED)
        return S.REVOKE_START

    def _revoke_now(self) -> Outcome:
        receipt = self.revoke(self.inputs.get("password", ""))
        note = None if receipt is not None else Text("既に失効していた証明書をスマホから削除しました",
                                                     "the certificates were already revoked; deleted from the phone")
        return Outcome(S.REVOKED, notice=note)

    def _enroll(self) -> AppState:
        self.enroll_biometrics(self.inputs.get("pin", ""))
        return S.BIOMETRIC_DONE

    # -- effects: the portal ------------------------------------------------------------------------
    def _portal(self) -> Any:
        portal = self.phone.network.services.get(PORTAL_HOST)
        if portal is None:
            raise ServiceError(Text("マイナポータルのサービスが見つかりません",
                                    "the Mynaportal service is not available"), reason="unavailable")
        return portal

    def _login_pin(self) -> AppState:
        self.session = self._portal().login(self, pin=self.inputs.get("pin", ""))
        return S.PORTAL

    def _login_biometric(self) -> AppState:
        self.session = self._portal().login(self, biometric=True)
        return S.PORTAL

    def _load_history(self) -> AppState:
        self.history = self.session.history()
        self.history_rows = tuple({"at": Text(f"{to_jst(e.at):%Y-%m-%d %H:%M}", f"{to_jst(e.at):%Y-%m-%d %H:%M}"),
                                   "what": e.detail, "service": Text(e.service, e.service),
                                   "device": Text(e.device_id or "—", e.device_id or "—"),
                                   "outcome": Text("成功" if e.outcome == "ok" else f"拒否 ({e.outcome})",
                                                   "ok" if e.outcome == "ok" else f"refused ({e.outcome})")}
                                  for e in self.history)
        return S.HISTORY

    def _logout(self) -> AppState:
        self.session = None
        return S.HOME


def _label(kind: CaKind) -> Text:
    return CERT_LABEL[kind.value]
