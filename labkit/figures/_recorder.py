"""The listening half of :mod:`.flows`: patches the real seams (J-LIS operations, card and SE
APDUs, OCSP, the hotline, the counter and the services) for the duration of a recording and
turns what passes through them into :class:`Message` objects. The caller of an operation is
the nearest phone, app, relying service, counter or hotline object on the call stack."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ..i18n import Text
from ..se.device_key import DEVICE_KEY_P2

__all__ = ["CARD_INS", "ENTRY_POINTS", "JLIS_OPS", "SE_INS", "Message", "Recorder", "listening"]


@dataclass(frozen=True, slots=True)
class Message:
    src: str
    dst: str
    label: Text
    kind: str  # "call" (a request), "push" (a notification), "apdu" (commands to a chip)


JLIS_OPS: dict[str, Text] = {
    "submit_application": Text("申請 (カードの署名用電子証明書で署名)", "application (signed with the card)"),
    "lift_suspension_by_card": Text(
        "一時利用停止の解除 (カードで本人確認)", "lift the suspension (card proves identity)"
    ),
    "fetch_registration": Text("発行された証明書を受け取る", "fetch the issued certificates"),
    "confirm_registration": Text("登録完了を知らせる", "confirm the registration"),
    "revoke_by_user": Text("失効の申請 (スマホの鍵で署名)", "revocation request (signed in the SE)"),
    "report_loss": Text("一時利用停止 (一時保留)", "temporary suspension (hold)"),
    "suspend": Text("一時利用停止 (一時保留)", "temporary suspension (hold)"),
    "phone_found": Text(
        "スマホ発見: 利用者証明用は解除、署名用は失効", "phone found: user-auth resumes, signing revoked"
    ),
    "card_found": Text("カード発見: 停止の解除", "card found: lift the suspension"),
    "reissue_card_signing": Text("カードの署名用電子証明書を再発行", "re-issue the card's signing certificate"),
    "ocsp": Text("失効していないか確認 (OCSP)", "is it revoked? (OCSP)"),
    "status": Text("証明書の状態を確認", "certificate status"),
    "record_usage": Text("利用履歴に記録", "record in the usage history"),
}
#: What the phone asks of the card (NFC) and of its SE, by instruction byte.
CARD_INS = {
    0x20: Text("パスワード照合", "verify password"),
    0xB0: Text("証明書の読み出し", "read certificate"),
    0x2A: Text("電子署名", "signature"),
}
SE_INS = {
    0x46: Text("鍵ペアの生成", "generate key pair"),
    0x2C: Text("パスワードの設定", "set password"),
    0xE2: Text("証明書の書き込み", "write certificates"),
    0xE4: Text("データの削除", "erase data"),
    0x20: Text("パスワード照合", "verify password"),
    0x2A: Text("電子署名", "signature"),
}
#: Entry points that a person or the phone calls on the counter, the hotline and the services:
#: (the world's attribute holding the object, method) -> (who calls: "person" or "phone", label).
ENTRY_POINTS: dict[tuple[str, str], tuple[str, Text]] = {
    ("hotline", "report_loss"): ("person", Text("紛失の連絡 (24時間365日)", "report the loss (24 h, 365 days)")),
    ("municipality", "report_card_loss"): ("person", Text("紛失届", "report the lost card")),
    ("municipality", "phone_found"): ("person", Text("スマホが見つかった", "the phone was found")),
    ("municipality", "card_found"): ("person", Text("カードが見つかった", "the card was found")),
    ("portal", "login"): ("phone", Text("ログイン (利用者証明用)", "log in (user authentication)")),
    ("bank", "open_account"): ("phone", Text("口座開設 (署名用で署名)", "open an account (signed)")),
    ("kiosk", "print_juminhyo"): ("phone", Text("住民票の写しを交付", "print a residence record")),
}


class Recorder:
    def __init__(self, world: Any, phones: dict[str, Text]) -> None:
        self.world = world
        self.phone_labels = phones
        self.messages: list[Message] = []
        self.burst: tuple[str, str, str, list[Text]] | None = None
        self.local = threading.local()

    # -- who is calling ----------------------------------------------------------------------
    def phone_key(self, phone: Any) -> str:
        return f"phone:{phone.name}"

    def caller(self, frame: Any) -> str | None:
        from ..jlis.hotline import Hotline
        from ..phone.device import Phone
        from ..services.relying import RelyingParty

        counter = self.world.counter  # the desk, the counter service and the city office behind it
        desks = {id(self.world.municipality), id(counter), id(getattr(counter, "municipality", None))}
        while frame is not None:
            obj = frame.f_locals.get("self")
            if isinstance(obj, Phone):
                return self.phone_key(obj)
            if isinstance(getattr(obj, "phone", None), Phone):
                return self.phone_key(obj.phone)
            if isinstance(obj, RelyingParty):
                return f"service:{obj.service_id}"
            if id(obj) in desks:
                return "municipality"
            if isinstance(obj, Hotline):
                return "hotline"
            frame = frame.f_back
        return None

    # -- what is said ------------------------------------------------------------------------
    def add(self, message: Message) -> None:
        self.flush()
        if self.messages and self.messages[-1] == message:
            return  # the same request again (e.g. one per certificate): one arrow
        self.messages.append(message)

    def apdu(self, src: str, dst: str, command: bytes, table: dict[int, Text]) -> None:
        if table is SE_INS and len(command) >= 4 and command[3] == DEVICE_KEY_P2:
            return  # the device key and its proofs: a lab assumption, not a step of the lecture's flows
        op = table.get(command[1]) if len(command) >= 4 else None
        if self.burst is None or self.burst[:2] != (src, dst):
            self.flush()
            self.burst = (src, dst, "apdu", [])
        if op is not None and op not in self.burst[3]:
            self.burst[3].append(op)

    def flush(self) -> None:
        burst, self.burst = self.burst, None
        if burst is None or not burst[3]:
            return
        src, dst, kind, ops = burst
        # add() drops a repeat of the last arrow; its own flush finds no burst (taken above)
        self.add(Message(src, dst, Text("・".join(o.ja for o in ops), ", ".join(o.en for o in ops)), kind))


def _patch(
    obj: Any, name: str, wrapper: Callable[[Callable[..., Any]], Callable[..., Any]], undo: list[Callable[[], None]]
) -> None:
    """Wrap ``obj.name``: a class's method for every instance, else the one object's method
    (its instance attribute, removed again by ``undo``)."""
    if isinstance(obj, type):
        original = obj.__dict__[name]
        setattr(obj, name, wrapper(original))
        undo.append(lambda: setattr(obj, name, original))
        return
    unbound = getattr(type(obj), name)
    setattr(obj, name, wrapper(unbound).__get__(obj))
    undo.append(lambda: delattr(obj, name))


@contextmanager
def listening(rec: Recorder) -> Iterator[None]:
    """Listen to the recorded world's own back office (the J-LIS service and its counter
    operations that :meth:`labkit.office.compose.Office.in_process` built for it), its
    hotline, counter desk and services, and to every card, SE and OCSP check."""
    from ..card import MyNumberCard
    from ..pki.revocation import OcspChecker
    from ..se import SecureElement

    undo: list[Callable[[], None]] = []
    busy = rec.local
    world = rec.world

    def jlis_op(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def wrapper(original: Callable[..., Any]) -> Callable[..., Any]:
            def call(self: Any, *args: Any, **kwargs: Any) -> Any:
                if getattr(busy, "inside", False):
                    return original(self, *args, **kwargs)
                who = rec.caller(sys._getframe(1))
                busy.inside = True
                try:
                    result = original(self, *args, **kwargs)
                finally:
                    busy.inside = False
                if name == "poll":
                    phone = next((p for p in world.phones if p.device_id == args[0]), None)
                    for note in result:
                        if phone is not None:
                            rec.add(Message("push", rec.phone_key(phone), note.message, "push"))
                elif who is not None:
                    rec.add(Message(who, "jlis", JLIS_OPS[name], "call"))
                return result

            return call

        return wrapper

    service = world.office.jlis  # in process: the J-LIS service, which has the counter operations
    for obj in (service, getattr(service, "counter", None)):
        for name in (*JLIS_OPS, "poll"):
            if obj is not None and name in type(obj).__dict__:
                _patch(obj, name, jlis_op(name), undo)

    def card_tx(original: Callable[..., Any]) -> Callable[..., Any]:
        def transmit(self: Any, command: bytes) -> bytes:
            who = rec.caller(sys._getframe(1))
            if who is not None:
                rec.apdu(who, "card", bytes(command), CARD_INS)
            return bytes(original(self, command))

        return transmit

    def se_tx(original: Callable[..., Any]) -> Callable[..., Any]:
        def transmit(self: Any, command: bytes) -> bytes:
            phone = next((p for p in world.phones if p.se is self), None)
            if phone is not None:
                rec.apdu(rec.phone_key(phone), f"se:{phone.name}", bytes(command), SE_INS)
            return bytes(original(self, command))

        return transmit

    _patch(MyNumberCard, "transmit", card_tx, undo)

    def ocsp_check(original: Callable[..., Any]) -> Callable[..., Any]:
        def check(self: Any, *args: Any, **kwargs: Any) -> Any:
            who = rec.caller(sys._getframe(1))
            if who is not None:  # the service bound J-LIS's ocsp() before we listened
                rec.add(Message(who, "jlis", JLIS_OPS["ocsp"], "call"))
            return original(self, *args, **kwargs)

        return check

    _patch(OcspChecker, "check", ocsp_check, undo)
    _patch(SecureElement, "transmit", se_tx, undo)

    def entry(target: str, dst: str, label: Text) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        def wrapper(original: Callable[..., Any]) -> Callable[..., Any]:
            def call(self: Any, *args: Any, **kwargs: Any) -> Any:
                src = rec.caller(sys._getframe(1)) if target == "phone" else "person"
                if target == "phone" and args:  # the app or installed app is the first argument
                    phone = getattr(args[0], "phone", None)
                    src = rec.phone_key(phone) if phone is not None else src
                rec.add(Message(src or "person", dst, label, "call"))
                return original(self, *args, **kwargs)

            return call

        return wrapper

    for (attr, name), (target, label) in ENTRY_POINTS.items():
        obj = getattr(world, attr)
        dst = {"hotline": "hotline", "municipality": "municipality"}.get(attr) or f"service:{obj.service_id}"
        _patch(obj, name, entry(target, dst, label), undo)
    try:
        yield
    finally:
        rec.flush()
        for restore in reversed(undo):
            restore()
