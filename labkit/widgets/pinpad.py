"""PIN pad: the 4-digit PIN (利用者証明用) on a keypad, or the alphanumeric signing password
in a password field; the entry is masked, tries left and the lock are shown, and the value
goes to a callback the notebook passes (the app's or the card client's verify). The
brute-force button of lab 1-5 keeps guessing until the PIN locks.

The callback gets the entered string. It returns normally when the PIN was right (``False``
means wrong), or raises: :class:`~labkit.reader.WrongPinError` (``tries_left``),
:class:`~labkit.reader.PinBlockedError`, :class:`~labkit.reader.LastTryRefusedError`,
:class:`~labkit.errors.InputError`, or any other labkit error (shown as it is)::

    PinPad(lambda pin: client.verify(KeyRole.AUTH, pin, allow_last_try=True),
           tries=lambda: client.pin_tries(KeyRole.AUTH), brute_force=True, lang=ctx.lang)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from ..card import KeyRole
from ..errors import InputError, LabkitError
from ..i18n import Text
from ..reader import LastTryRefusedError, PinBlockedError, WrongPinError, normalize_pin
from ..rules import tries_left
from ._base import ViewMixin, error_text, esc, resolve_lang, shared

__all__ = ["PinAttempt", "PinOutcome", "PinPad", "PinPadModel"]

_ROLE = {"auth_pin": KeyRole.AUTH, "signing": KeyRole.SIGN}
_MAX_TRIES = {"auth_pin": 3, "signing": 5}
_MAX_LENGTH = {"auth_pin": 4, "signing": 16}
_TITLES = {
    "auth_pin": Text("利用者証明用の暗証番号 (数字4桁)", "User-authentication PIN (4 digits)"),
    "signing": Text("署名用パスワード (英大文字と数字 6〜16 文字)", "Signing password (6-16 A-Z and 0-9)"),
}
L = {
    "ok_button": Text("確認", "OK"),
    "clear": Text("クリア", "Clear"),
    "back": Text("← 消す", "← Delete"),  # a name a screen reader can say, not only "←"
    "brute": Text("ロックするまで試す", "Guess until it locks"),
    "ok": Text("暗証番号が一致しました", "the PIN is correct"),
    "wrong": Text("暗証番号が違います", "wrong PIN"),
    # Neutral: who unlocks depends on the card or phone, and the verify callback's own
    # PinBlockedError says it (the card: the counter; the phone: the toll-free line).
    "locked": Text("ロックされました。これ以上は入力できません", "it is locked: no more tries"),
}


class PinOutcome(StrEnum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    REFUSED = "refused"  # the client refused to send (e.g. the last try); nothing sent
    INVALID = "invalid"  # wrong format; nothing sent
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class PinAttempt:
    """One submission. The value itself is never kept: only its length."""

    outcome: PinOutcome
    tries_left: int | None
    message: Text
    length: int
    error: BaseException | None = None


class PinPadModel:
    """Entry buffer, tries and lock state, and the submission logic (no widgets)."""

    def __init__(self, verify: Callable[[str], Any], *, kind: str = "auth_pin",
                 tries: Callable[[], Any] | None = None, max_tries: int | None = None,
                 lang: str | None = None) -> None:
        if kind not in _ROLE:
            raise ValueError(f"kind must be one of {sorted(_ROLE)} (got {kind!r})")
        self.lang = resolve_lang(lang)
        self.kind = kind
        self.verify = verify
        self.tries = tries
        self.max_tries = max_tries or _MAX_TRIES[kind]
        self._buffer = ""
        self.attempts: list[PinAttempt] = []
        self.tries_left: int | None = None
        self.refresh_tries()

    def __repr__(self) -> str:  # never the buffer
        return f"<PinPadModel {self.kind} typed={len(self._buffer)} tries_left={self.tries_left}>"

    @property
    def digits(self) -> bool:
        return self.kind == "auth_pin"

    @property
    def locked(self) -> bool:
        return self.tries_left == 0

    @property
    def typed(self) -> int:
        return len(self._buffer)

    def refresh_tries(self) -> int | None:
        """Ask the ``tries`` callback (an int, or anything with ``remaining``)."""
        if self.tries is None:
            return self.tries_left
        try:
            answer = self.tries()
        except LabkitError:
            return self.tries_left
        self.tries_left = getattr(answer, "remaining", answer)
        return self.tries_left

    # -- typing -------------------------------------------------------------------------------
    def press(self, key: str) -> None:
        """A keypad key: a digit, ``back`` or ``clear``."""
        if key == "back":
            self._buffer = self._buffer[:-1]
        elif key == "clear":
            self._buffer = ""
        elif key.isdigit() and len(key) == 1:
            if len(self._buffer) < _MAX_LENGTH[self.kind]:
                self._buffer += key
        else:
            raise ValueError(f"unknown key {key!r}")

    def set_value(self, value: str) -> None:
        """The password field's content (alphanumeric kind)."""
        self._buffer = value[: _MAX_LENGTH[self.kind]]

    def masked(self) -> str:
        """``●●○○`` for the 4-digit PIN, ``●`` per character for a password."""
        if self.digits:
            return "●" * len(self._buffer) + "○" * (4 - len(self._buffer))
        return "●" * len(self._buffer)

    # -- submitting ---------------------------------------------------------------------------
    def submit(self, value: str | None = None) -> PinAttempt:
        """Check the format, call ``verify`` and classify the answer; the buffer is cleared."""
        entered = self._buffer if value is None else value
        self._buffer = ""
        attempt = self._attempt(entered)
        self.attempts.append(attempt)
        if attempt.tries_left is not None:
            self.tries_left = attempt.tries_left
        if attempt.outcome in (PinOutcome.OK, PinOutcome.WRONG, PinOutcome.ERROR):
            self.refresh_tries()
        return attempt

    def _attempt(self, entered: str) -> PinAttempt:
        n = len(entered)
        try:
            value = normalize_pin(_ROLE[self.kind], entered)
        except InputError as exc:
            return PinAttempt(PinOutcome.INVALID, None, exc.text, n, exc)
        try:
            answer = self.verify(value)
        except WrongPinError as exc:
            return PinAttempt(PinOutcome.WRONG, exc.tries_left, exc.text, n, exc)
        except PinBlockedError as exc:
            return PinAttempt(PinOutcome.LOCKED, 0, exc.text, n, exc)
        except LastTryRefusedError as exc:
            return PinAttempt(PinOutcome.REFUSED, 1, exc.text, n, exc)
        except InputError as exc:
            return PinAttempt(PinOutcome.INVALID, None, exc.text, n, exc)
        except Exception as exc:  # shown on the pad, kept for the notebook: never swallowed silently
            return PinAttempt(PinOutcome.ERROR, None, error_text(exc), n, exc)
        if answer is False:
            left = self.refresh_tries()
            if left == 0:
                return PinAttempt(PinOutcome.LOCKED, 0, L["locked"], n)
            if left is None:
                return PinAttempt(PinOutcome.WRONG, left, L["wrong"], n)
            suffix = tries_left(left)
            return PinAttempt(PinOutcome.WRONG, left, Text(f"{L['wrong'].ja} ({suffix.ja})",
                                                            f"{L['wrong'].en} ({suffix.en})"), n)
        return PinAttempt(PinOutcome.OK, None, L["ok"], n)

    def candidates(self) -> Iterator[str]:
        """What the brute-force helper tries, in order: 0000, 0001, ... / A00000, A00001, ..."""
        i = 0
        while True:
            yield f"{i:04d}" if self.digits else f"A{i:05d}"
            i += 1

    def brute_force(self, *, max_attempts: int = 20, candidates: Iterable[str] | None = None,
                    on_attempt: Callable[[PinAttempt], None] | None = None) -> list[PinAttempt]:
        """Submit guesses until the PIN locks (or is found, refused, or fails otherwise)."""
        done: list[PinAttempt] = []
        for guess in candidates if candidates is not None else self.candidates():
            if len(done) >= max_attempts:
                break
            attempt = self.submit(guess)
            done.append(attempt)
            if on_attempt is not None:
                on_attempt(attempt)
            if attempt.outcome is not PinOutcome.WRONG:
                break
        return done

    # -- HTML ---------------------------------------------------------------------------------
    def tries_html(self) -> str:
        lang = self.lang
        if self.locked:
            text, state = Text("ロック中", "locked").get(lang), "locked"
        elif self.tries_left is None:
            text, state = Text(f"最大 {self.max_tries} 回 (ラボの想定)",
                               f"at most {self.max_tries} tries (lab assumption)").get(lang), "unknown"
        else:
            text = Text(f"残り {self.tries_left}/{self.max_tries} 回 (上限の回数はラボの想定)",
                        f"{self.tries_left}/{self.max_tries} tries left (the limit is a lab assumption)").get(lang)
            state = "open"
        colour = "#b91c1c" if self.locked else "#374151"
        return (f'<span class="labkit-pinpad-tries-text" data-state="{state}" data-left="{self.tries_left}" '
                f'style="color:{colour}">{esc(text)}</span>')

    def message_html(self) -> str:
        if not self.attempts:
            return '<div class="labkit-pinpad-msg" data-outcome="none"></div>'
        a = self.attempts[-1]
        colours = {PinOutcome.OK: "#14532d", PinOutcome.WRONG: "#92400e", PinOutcome.LOCKED: "#7f1d1d"}
        return (f'<div class="labkit-pinpad-msg" data-outcome="{a.outcome.value}" '
                f'style="color:{colours.get(a.outcome, "#7f1d1d")}">{esc(a.message.get(self.lang))}</div>')


class PinPad(ViewMixin):
    """Keypad (4 digits) or password field, masked display, tries, message and, with
    ``brute_force=True``, the "guess until it locks" button."""

    def __init__(self, verify: Callable[[str], Any], *, kind: str = "auth_pin",
                 tries: Callable[[], Any] | None = None, max_tries: int | None = None,
                 brute_force: bool = False, max_guesses: int = 20, title: Text | None = None,
                 lang: str | None = None) -> None:
        import ipywidgets as w

        self.model = PinPadModel(verify, kind=kind, tries=tries, max_tries=max_tries, lang=lang)
        self.max_guesses = max_guesses
        m, lang = self.model, self.model.lang
        self.display = w.HTML(**shared(w.HTML), _dom_classes=("labkit-pinpad-display",))
        # labkit-live: a lock and a PIN refused are read out
        self.tries_label = w.HTML(**shared(w.HTML), _dom_classes=("labkit-pinpad-tries", "labkit-live"))
        self.message = w.HTML(**shared(w.HTML), _dom_classes=("labkit-pinpad-message", "labkit-live"))
        self.ok_button = w.Button(description=L["ok_button"].get(lang), button_style="primary",
                                  **shared(w.Button), _dom_classes=("labkit-pinpad-ok",))
        self.ok_button.on_click(lambda _b: self.submit())
        self.keys: dict[str, Any] = {}
        rows: list[Any] = []
        self.password: Any = None
        if m.digits:
            layout = [["1", "2", "3"], ["4", "5", "6"], ["7", "8", "9"], ["clear", "0", "back"]]
            for line in layout:
                buttons = []
                for key in line:
                    label = L[key].get(lang) if key in ("clear", "back") else key
                    button = w.Button(description=label, **shared(w.Button, width="5.5em", height="2.6em"),
                                      _dom_classes=("labkit-pinpad-key", f"labkit-pinpad-key-{key}"))
                    button.on_click(lambda _b, key=key: self.press(key))
                    self.keys[key] = button
                    buttons.append(button)
                rows.append(w.HBox(buttons, **shared(w.HBox)))
        else:
            self.password = w.Password(value="", placeholder="A〜Z, 0〜9",
                                       layout=w.Layout(width="100%", max_width="24em"),
                                       description=(title or _TITLES[kind]).get(lang),  # its label
                                       style={"description_width": "initial"}, _dom_classes=("labkit-pinpad-password",))
            self.password.observe(lambda change: self.model.set_value(change["new"]), names="value")
            rows.append(self.password)
        heading = [w.HTML(f"<b>{esc((title or _TITLES[kind]).get(lang))}</b>", **shared(w.HTML))] if m.digits else []
        children = [*heading, self.display, *rows,
                    w.HBox([self.ok_button, self.tries_label], **shared(w.HBox))]
        self.brute_button: Any = None
        if brute_force:
            self.brute_button = w.Button(description=L["brute"].get(lang), button_style="danger",
                                         **shared(w.Button), _dom_classes=("labkit-pinpad-bruteforce",))
            self.brute_button.on_click(lambda _b: self.brute_force())
            children.append(self.brute_button)
        children.append(self.message)
        self.widget = w.VBox(children, _dom_classes=("labkit-pinpad", f"labkit-pinpad-{kind}"))
        self.redraw()

    def press(self, key: str) -> None:
        self.model.press(key)
        self.redraw()

    def type(self, value: str) -> None:
        """What a learner does: press the keys (or fill the password field)."""
        if self.password is not None:
            self.password.value = value
        else:
            for ch in value:
                self.keys[ch].click()

    def refresh(self) -> None:
        """Ask the tries callback again (e.g. after the PIN was reset at the counter)."""
        self.model.refresh_tries()
        self.redraw()

    def submit(self) -> PinAttempt:
        attempt = self.model.submit()
        if self.password is not None:
            self.password.value = ""
        self.redraw()
        return attempt

    def brute_force(self) -> list[PinAttempt]:
        return self.model.brute_force(max_attempts=self.max_guesses, on_attempt=lambda _a: self.redraw())

    def redraw(self) -> None:
        m = self.model
        size = "28px" if m.digits else "20px"
        typed = Text(f"{m.typed} 文字入力済み", f"{m.typed} typed").get(m.lang)
        self.display.value = (f'<div class="labkit-pinpad-mask" data-typed="{m.typed}" role="img" '
                              f'aria-label="{esc(typed)}" '
                              f'style="font-size:{size};letter-spacing:.3em;min-height:1.4em">{m.masked()}</div>')
        self.tries_label.value = m.tries_html()
        self.message.value = m.message_html()
        locked = m.locked
        self.ok_button.disabled = locked
        for button in self.keys.values():
            button.disabled = locked
        if self.brute_button is not None:
            self.brute_button.disabled = locked
