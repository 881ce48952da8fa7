"""Password and PIN rules a learner meets before and during the application (lecture 2-1, 2-3).

- The My Number Card's signing-certificate password (署名用電子証明書のパスワード), set at the
  municipal counter: 6 to 16 characters, half-width upper-case letters A-Z and digits 0-9
  only, containing at least one of each.
- The smartphone user-authentication password (スマホ用利用者証明用電子証明書のパスワード):
  4 digits.

Each check returns a :class:`RuleResult`: ``ok`` plus the reasons, each a bilingual
:class:`~labkit.i18n.Text` saying what is wrong, and the rule itself (what is allowed).
Nothing here raises on a bad candidate; a non-string raises :class:`~labkit.errors.InputError`.
"""

from __future__ import annotations

import string
import unicodedata
from dataclasses import dataclass

from .errors import InputError
from .i18n import DEFAULT_LANG, Text

UPPER = frozenset(string.ascii_uppercase)
DIGITS = frozenset(string.digits)
LOWER = frozenset(string.ascii_lowercase)

SIGNING_MIN = 6
SIGNING_MAX = 16
AUTH_PIN_LENGTH = 4

SIGNING_RULE = Text(
    "6〜16文字の半角英大文字 (A〜Z) と半角数字 (0〜9) だけを使い、"
    "英大文字と数字をそれぞれ1文字以上含めます。",
    "6 to 16 characters, using only half-width upper-case letters (A-Z) and digits (0-9), "
    "with at least one letter and at least one digit.",
)
AUTH_PIN_RULE = Text(
    "半角数字 (0〜9) 4桁です。",
    "exactly 4 half-width digits (0-9).",
)

#: What to do once a PIN locks. The lecture says only that a PIN locks after 一定回数以上 wrong
#: tries (1-5). A My Number Card's locked PIN is reset at the municipal counter (暗証番号の初期化,
#: the card's procedure). For the smartphone certificates the lecture's one contact is the
#: toll-free line (1-6, voice guidance 4): a locked phone PIN is never sent to the counter.
CARD_LOCK_ADVICE = Text("市区町村の窓口で暗証番号の初期化の手続をしてください",
                        "have it reset at the municipal counter")
PHONE_LOCK_ADVICE = Text(
    "スマホ用電子証明書のことは、マイナンバー総合フリーダイヤル (音声ガイダンス4番) にお問い合わせください",
    "for the smartphone certificates, ask the My Number general toll-free line (voice guidance 4)")


def tries_left(n: int) -> Text:
    """残り n 回 / "1 try left", "2 tries left"."""
    return Text(f"残り {n} 回", f"{n} try left" if n == 1 else f"{n} tries left")


#: The try limits are the lab's assumption: the lecture says only 一定回数以上 (1-5).
TRY_LIMITS_ASSUMPTION = Text(
    "ラボの想定: 利用者証明用は3回、署名用は5回間違えるとロックします (講義は「一定回数以上」とだけ述べています)",
    "lab assumption: 3 wrong tries lock the user-authentication PIN, 5 the signing password "
    "(the lecture says only \"a set number of times\")")


@dataclass(frozen=True, slots=True)
class Reason:
    """One thing wrong with a candidate: a stable ``code`` for programs, ``text`` for people."""

    code: str
    text: Text


@dataclass(frozen=True, slots=True)
class RuleResult:
    """The verdict on one candidate password or PIN."""

    ok: bool
    reasons: tuple[Reason, ...]
    rule: Text

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r.code for r in self.reasons)

    def messages(self, lang: str = DEFAULT_LANG) -> list[str]:
        """The reasons in one language (empty when ``ok``)."""
        return [r.text.get(lang) for r in self.reasons]

    def summary(self, lang: str = DEFAULT_LANG) -> str:
        """One paragraph: the verdict, what is wrong, and what is allowed."""
        if self.ok:
            head = Text("使えます。", "Allowed.").get(lang)
            return f"{head} ({self.rule.get(lang)})"
        head = Text("使えません。", "Not allowed.").get(lang)
        allowed = Text("使えるのは: ", "Allowed: ").get(lang)
        return " ".join([head, *self.messages(lang), allowed + self.rule.get(lang)])


def _show(chars: list[str], lang: str = "ja") -> str:
    """Quote offending characters so that spaces and look-alikes stay visible."""
    open_q, close_q = ("「", "」") if lang == "ja" else ('"', '"')
    shown = []
    for ch in chars[:5]:
        if ch == " ":
            shown.append(f"{open_q} {close_q}" + ("(半角スペース)" if lang == "ja" else " (space)"))
        elif ch == "\u3000":
            shown.append(f"{open_q}\u3000{close_q}"
                         + ("(全角スペース)" if lang == "ja" else " (full-width space)"))
        elif not ch.isprintable():
            shown.append(f"U+{ord(ch):04X}")
        else:
            shown.append(f"{open_q}{ch}{close_q}")
    more = " …" if len(chars) > 5 else ""
    return (" " if lang == "ja" else ", ").join(shown) + more


def _unique(chars: str) -> list[str]:
    return list(dict.fromkeys(chars))


def _require_str(value: object) -> str:
    if not isinstance(value, str):
        raise InputError(
            Text(
                f"文字列で入力してください (受け取った型: {type(value).__name__})",
                f"enter text (got {type(value).__name__})",
            )
        )
    return value


def _fullwidth(chars: list[str], wanted: frozenset[str]) -> list[str]:
    """Characters that are full-width forms of ``wanted`` ASCII characters (Ａ, １, ...)."""
    return [c for c in chars if c not in wanted and unicodedata.normalize("NFKC", c) in wanted]


def check_signing_password(password: str) -> RuleResult:
    """Check a candidate for the card's signing-certificate password (6-16, A-Z and 0-9, both)."""
    pw = _require_str(password)
    reasons: list[Reason] = []
    if pw == "":
        return RuleResult(False, (Reason("empty", Text(
            "パスワードが入力されていません。", "No password was entered.")),), SIGNING_RULE)

    n = len(pw)
    if n < SIGNING_MIN:
        reasons.append(Reason("too_short", Text(
            f"{n}文字です。{SIGNING_MIN}文字以上にしてください。",
            f"It has {n} characters; use at least {SIGNING_MIN}.")))
    elif n > SIGNING_MAX:
        reasons.append(Reason("too_long", Text(
            f"{n}文字です。{SIGNING_MAX}文字以下にしてください。",
            f"It has {n} characters; use at most {SIGNING_MAX}.")))

    others = _unique("".join(c for c in pw if c not in UPPER and c not in DIGITS))
    lower = [c for c in others if c in LOWER]
    wide = _fullwidth(others, UPPER | DIGITS | LOWER)
    rest = [c for c in others if c not in lower and c not in wide]
    if lower:
        reasons.append(Reason("lowercase", Text(
            f"英小文字 {_show(lower)} は使えません。英大文字 (A〜Z) にしてください。",
            f"Lower-case letters {_show(lower, 'en')} are not allowed; use upper-case A-Z.")))
    if wide:
        reasons.append(Reason("fullwidth", Text(
            f"全角文字 {_show(wide)} は使えません。半角で入力してください。",
            f"Full-width characters {_show(wide, 'en')} are not allowed; type them half-width.")))
    if rest:
        reasons.append(Reason("invalid_char", Text(
            f"使えない文字 {_show(rest)} が含まれています。"
            "記号・空白・かな・漢字は使えません。",
            f"It contains characters that are not allowed: {_show(rest, 'en')}. "
            "Symbols, spaces, kana and kanji cannot be used.")))

    # "Contains both": a lower-case or full-width letter/digit already has its own message
    # telling the learner how to fix it, so do not also say the class is missing.
    fixed = {unicodedata.normalize("NFKC", c).upper() for c in lower + wide}
    if not any(c in UPPER for c in pw) and not (fixed & UPPER):
        reasons.append(Reason("no_upper", Text(
            "英大文字 (A〜Z) が含まれていません。1文字以上含めてください。",
            "It has no upper-case letter (A-Z); include at least one.")))
    if not any(c in DIGITS for c in pw) and not (fixed & DIGITS):
        reasons.append(Reason("no_digit", Text(
            "数字 (0〜9) が含まれていません。1文字以上含めてください。",
            "It has no digit (0-9); include at least one.")))
    return RuleResult(not reasons, tuple(reasons), SIGNING_RULE)


def check_auth_pin(pin: str) -> RuleResult:
    """Check a candidate for the smartphone user-authentication password: 4 digits."""
    value = _require_str(pin)
    reasons: list[Reason] = []
    if value == "":
        return RuleResult(False, (Reason("empty", Text(
            "暗証番号が入力されていません。", "No PIN was entered.")),), AUTH_PIN_RULE)
    n = len(value)
    if n != AUTH_PIN_LENGTH:
        reasons.append(Reason("wrong_length", Text(
            f"{n}桁です。ちょうど{AUTH_PIN_LENGTH}桁にしてください。",
            f"It has {n} characters; use exactly {AUTH_PIN_LENGTH} digits.")))
    others = _unique("".join(c for c in value if c not in DIGITS))
    wide = _fullwidth(others, DIGITS)
    rest = [c for c in others if c not in wide]
    if wide:
        reasons.append(Reason("fullwidth", Text(
            f"全角数字 {_show(wide)} は使えません。半角で入力してください。",
            f"Full-width digits {_show(wide, 'en')} are not allowed; type them half-width.")))
    if rest:
        reasons.append(Reason("not_digit", Text(
            f"数字以外の文字 {_show(rest)} は使えません。",
            f"Only digits are allowed; remove {_show(rest, 'en')}.")))
    return RuleResult(not reasons, tuple(reasons), AUTH_PIN_RULE)


CHECKS = {"signing": check_signing_password, "auth_pin": check_auth_pin}
