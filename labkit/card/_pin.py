"""PIN reference data with a persistent retry counter (reference §3).

A :class:`PinPolicy` is static (format and try limit); a :class:`PinCounter` is the chip's
EEPROM record (value and tries left). Nothing here logs or ``repr``s a PIN value."""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from ..apdu import SW, StatusWordError, sw_tries_left
from ..errors import InputError
from ..i18n import Text


class PinAlphabet(StrEnum):
    DIGITS = "0-9"
    UPPER_ALNUM = "A-Z0-9"


@dataclass(frozen=True, slots=True)
class PinPolicy:
    """Format and try limit of one PIN. ``name`` is for messages and traces."""

    name: Text
    min_length: int
    max_length: int
    alphabet: PinAlphabet
    max_tries: int

    def __post_init__(self) -> None:
        if not 1 <= self.max_tries <= 15:
            raise ValueError("max_tries must fit in 63Cx (1..15)")

    def is_valid(self, value: bytes | str) -> bool:
        text = value.decode("ascii", "replace") if isinstance(value, bytes) else value
        pattern = r"[0-9]" if self.alphabet is PinAlphabet.DIGITS else r"[A-Z0-9]"
        return bool(re.fullmatch(f"{pattern}{{{self.min_length},{self.max_length}}}", text))

    def check(self, value: str) -> str:
        """Return ``value`` if it matches the policy, else raise a bilingual InputError."""
        if not isinstance(value, str) or not self.is_valid(value):
            length = (f"{self.min_length}" if self.min_length == self.max_length
                      else f"{self.min_length}–{self.max_length}")
            chars = ("数字" if self.alphabet is PinAlphabet.DIGITS else "英大文字 A–Z と数字")
            chars_en = ("digits" if self.alphabet is PinAlphabet.DIGITS
                        else "upper-case letters A–Z and digits")
            raise InputError(Text(f"{self.name.ja}は{chars} {length} 桁です",
                                  f"the {self.name.en} must be {length} {chars_en}"))
        return value

    def describe(self) -> Text:
        length = (str(self.min_length) if self.min_length == self.max_length
                  else f"{self.min_length}–{self.max_length}")
        if self.alphabet is PinAlphabet.DIGITS:
            return Text(f"数字 {length} 桁・{self.max_tries} 回まで",
                        f"{length} digits, {self.max_tries} tries")
        return Text(f"英大文字と数字 {length} 文字・{self.max_tries} 回まで",
                    f"{length} upper-case letters/digits, {self.max_tries} tries")


AUTH_PIN_POLICY = PinPolicy(Text("利用者証明用暗証番号", "user authentication PIN"), 4, 4, PinAlphabet.DIGITS, 3)
SIGN_PIN_POLICY = PinPolicy(Text("署名用パスワード", "digital signature password"), 6, 16,
                            PinAlphabet.UPPER_ALNUM, 5)
KENHOJO_PIN_POLICY = PinPolicy(Text("券面事項入力補助用暗証番号", "text-AP PIN"), 4, 4, PinAlphabet.DIGITS, 3)


@dataclass(frozen=True, slots=True)
class PinStatus:
    """What a learner may see: tries left, the limit, blocked or not set."""

    remaining: int
    max_tries: int
    is_set: bool = True

    @property
    def blocked(self) -> bool:
        return self.remaining == 0


class PinCounter:
    """The non-volatile record of one PIN. ``value`` None = no reference data (e.g. an
    under-15 card has no signing password): every VERIFY then answers as blocked.
    ``remaining`` None = the policy's maximum. ``repr`` never shows the value."""

    __slots__ = ("on_change", "policy", "remaining", "value")

    def __init__(self, policy: PinPolicy, value: str | None = None, remaining: int | None = None, *,
                 on_change: Callable[[], None] | None = None) -> None:
        if value is not None:
            policy.check(value)
        if remaining is None:
            remaining = policy.max_tries
        if not isinstance(remaining, int) or isinstance(remaining, bool) \
                or not 0 <= remaining <= policy.max_tries:
            raise InputError(Text("残り回数が範囲外", "tries left out of range"))
        self.policy = policy
        self.value = value
        self.remaining: int = remaining
        #: Called after every change of value or counter (the card persists its EEPROM).
        self.on_change = on_change

    def __repr__(self) -> str:
        return f"<PinCounter {self.policy.name.en}: {self.remaining}/{self.policy.max_tries} tries>"

    @property
    def status(self) -> PinStatus:
        return PinStatus(self.remaining if self.value is not None else 0,
                         self.policy.max_tries, self.value is not None)

    @property
    def usable(self) -> bool:
        return self.value is not None and self.remaining > 0

    def query_sw(self) -> int:
        """Empty VERIFY: 63Cx without using a try (63C0 when blocked or not set)."""
        return sw_tries_left(self.remaining if self.value is not None else 0)

    def verify(self, candidate: bytes) -> None:
        """Compare, update the counter, and raise StatusWordError unless it matched.

        Blocked or not set → 6984 (no try used). Wrong → 63Cx with x decremented, so the
        try that exhausts the counter answers 63C0. Right → tries restored to the maximum."""
        if not self.usable:
            raise StatusWordError(SW.REFERENCE_DATA_BLOCKED)
        assert self.value is not None
        if hmac.compare_digest(candidate, self.value.encode("ascii")):
            if self.remaining != self.policy.max_tries:
                self.remaining = self.policy.max_tries
                self._changed()
            return
        self.remaining -= 1
        self._changed()
        raise StatusWordError(sw_tries_left(self.remaining))

    def change(self, new_value: bytes) -> None:
        """CHANGE REFERENCE DATA after VERIFY; a value not matching the policy → 6A80."""
        if not self.usable:
            raise StatusWordError(SW.REFERENCE_DATA_BLOCKED)
        try:
            text = new_value.decode("ascii")
        except UnicodeDecodeError:
            raise StatusWordError(SW.WRONG_DATA) from None
        if not self.policy.is_valid(text):
            raise StatusWordError(SW.WRONG_DATA)
        self.value, self.remaining = text, self.policy.max_tries
        self._changed()

    def set(self, value: str | None) -> None:
        """Issuer-side (personalisation or a municipal reset): new value, full tries."""
        if value is not None:
            self.policy.check(value)
        self.value, self.remaining = value, self.policy.max_tries
        self._changed()

    def _changed(self) -> None:
        if self.on_change is not None:
            self.on_change()
