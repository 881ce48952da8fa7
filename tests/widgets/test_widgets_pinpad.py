"""PIN pad: masking, format checks before sending, tries and lock, brute force, errors."""

from __future__ import annotations

import pytest

from labkit.apdu import SW
from labkit.card import KeyRole, MyNumberCard
from labkit.i18n import Text
from labkit.reader import InProcessTransport, JpkiClient, PinBlockedError, WrongPinError
from labkit.widgets import PinOutcome, PinPad, PinPadModel


class FakePin:
    """A PIN counter with the JpkiClient error behaviour, without a card."""

    def __init__(self, value: str = "1234", tries: int = 3) -> None:
        self.value, self.left, self.calls = value, tries, 0

    def verify(self, pin: str) -> None:
        self.calls += 1
        if self.left == 0:
            raise PinBlockedError(Text("ロック中", "blocked"), sw=SW.REFERENCE_DATA_BLOCKED)
        if pin == self.value:
            self.left = 3
            return
        self.left -= 1
        if self.left == 0:
            raise PinBlockedError(Text("ロックされました", "now blocked"), sw=0x63C0)
        raise WrongPinError(Text(f"違います (残り {self.left} 回)", "wrong"), sw=0x63C0 | self.left,
                            tries_left=self.left)


def test_keypad_masks_and_edits() -> None:
    model = PinPadModel(FakePin().verify, lang="ja")
    assert model.masked() == "○○○○"
    for key in "12":
        model.press(key)
    assert model.masked() == "●●○○" and model.typed == 2
    model.press("back")
    assert model.typed == 1
    for key in "99999":
        model.press(key)
    assert model.typed == 4  # never more than 4 digits
    model.press("clear")
    assert model.typed == 0
    with pytest.raises(ValueError):
        model.press("x")
    model.press("7")
    assert "7" not in repr(model)


def test_wrong_format_is_not_sent() -> None:
    pin = FakePin()
    model = PinPadModel(pin.verify, lang="ja")
    attempt = model.submit("12")
    assert attempt.outcome is PinOutcome.INVALID and pin.calls == 0
    assert "送っていません" in attempt.message.ja


def test_tries_and_lock() -> None:
    pin = FakePin()
    model = PinPadModel(pin.verify, tries=lambda: pin.left, lang="en")
    assert model.tries_left == 3
    assert model.submit("0000").outcome is PinOutcome.WRONG and model.tries_left == 2
    assert model.submit("1234").outcome is PinOutcome.OK and model.tries_left == 3
    model.submit("0000")
    model.submit("0000")
    last = model.submit("0000")
    assert last.outcome is PinOutcome.LOCKED and model.locked and model.tries_left == 0
    assert 'data-state="locked"' in model.tries_html()
    assert 'data-outcome="locked"' in model.message_html()


def test_brute_force_until_it_locks() -> None:
    pin = FakePin("9999")
    model = PinPadModel(pin.verify, lang="ja")
    attempts = model.brute_force(max_attempts=50)
    assert [a.outcome for a in attempts] == [PinOutcome.WRONG, PinOutcome.WRONG, PinOutcome.LOCKED]
    assert pin.calls == 3 and model.locked
    lucky = FakePin("0001")
    found = PinPadModel(lucky.verify).brute_force()
    assert [a.outcome for a in found] == [PinOutcome.WRONG, PinOutcome.OK]
    assert len(PinPadModel(FakePin(tries=15).verify).brute_force(max_attempts=5)) == 5


def test_callback_results_and_errors() -> None:
    left = {"n": 3}

    def answer_false(pin: str) -> bool:
        left["n"] -= 1
        return False
    model = PinPadModel(answer_false, tries=lambda: left["n"], lang="ja")
    attempt = model.submit("1111")
    assert attempt.outcome is PinOutcome.WRONG and attempt.tries_left == 2 and "残り 2 回" in attempt.message.ja

    def broken(pin: str) -> None:
        raise RuntimeError("reader unplugged")
    failed = PinPadModel(broken, lang="en").submit("1111")
    assert failed.outcome is PinOutcome.ERROR and isinstance(failed.error, RuntimeError)
    assert "reader unplugged" in failed.message.en


def test_signing_password_kind(jpki_card: MyNumberCard) -> None:
    client = JpkiClient(InProcessTransport(jpki_card))
    pad = PinPad(lambda pw: client.verify(KeyRole.SIGN, pw), kind="signing",
                 tries=lambda: client.pin_tries(KeyRole.SIGN), lang="ja")
    assert pad.password is not None and not pad.keys
    # a password input with its label (the field's title), not a bare box
    assert type(pad.password).__name__ == "Password" and pad.password.description.startswith("署名用パスワード")
    pad.type("abc123")  # lower case is normalised, as JpkiClient does
    assert pad.model.masked() == "●" * 6
    pad.ok_button.click()
    assert pad.model.attempts[-1].outcome is PinOutcome.OK
    assert pad.password.value == ""
    pad.type("WRONG1")
    pad.ok_button.click()
    assert pad.model.tries_left == 4 and "残り 4/5 回" in pad.tries_label.value


def test_view_with_a_real_card(jpki_card: MyNumberCard) -> None:
    client = JpkiClient(InProcessTransport(jpki_card))
    pad = PinPad(lambda pin: client.verify(KeyRole.AUTH, pin, allow_last_try=True),
                 tries=lambda: client.pin_tries(KeyRole.AUTH), brute_force=True, lang="ja")
    assert "残り 3/3 回" in pad.tries_label.value
    pad.keys["1"].click()
    pad.keys["2"].click()
    assert 'data-typed="2"' in pad.display.value and "●●○○" in pad.display.value
    for key in "34":
        pad.keys[key].click()
    pad.ok_button.click()
    assert 'data-outcome="ok"' in pad.message.value
    pad.brute_button.click()
    assert pad.model.locked and client.pin_tries(KeyRole.AUTH).blocked
    assert all(b.disabled for b in pad.keys.values()) and pad.ok_button.disabled and pad.brute_button.disabled
    assert "ロック" in pad.message.value
    # the refusal and the lock are announced: message and tries are polite live regions
    assert "labkit-live" in pad.message._dom_classes and "labkit-live" in pad.tries_label._dom_classes
    assert 'aria-label="0 文字入力済み"' in pad.display.value and pad.keys["back"].description == "← 消す"
    assert {"labkit-pinpad", "labkit-pinpad-auth_pin"} <= set(pad.widget._dom_classes)
