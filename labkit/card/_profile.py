"""Where the JPKI AP runs: on the My Number Card or in a phone's GP secure element.

The applet code is the same; a :class:`JpkiProfile` carries what differs (reference §9)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ..i18n import Text
from ._pin import AUTH_PIN_POLICY, SIGN_PIN_POLICY, PinAlphabet, PinPolicy
from .constants import TOKEN_LABEL_CARD, TOKEN_LABEL_SMARTPHONE


@dataclass(frozen=True, slots=True)
class JpkiProfile:
    """Static configuration of one JPKI AP instance."""

    #: Short identifier, stored in state files ("card" / "smartphone").
    name: str
    #: First 32 bytes of EF 0006 (space padded).
    token_label: str
    #: PKCS#11 ``model`` field of EF 0006 (16 bytes).
    token_model: str
    auth_pin: PinPolicy
    sign_pin: PinPolicy
    #: Is EF 000A (user-auth certificate) readable only after the user-auth PIN?
    auth_cert_needs_pin: bool
    #: Does the chip also carry the 券面事項入力補助AP? (Only the card does.)
    has_kenhojo: bool

    CARD: ClassVar[JpkiProfile]
    SMARTPHONE: ClassVar[JpkiProfile]

    @classmethod
    def by_name(cls, name: str) -> JpkiProfile:
        for profile in (cls.CARD, cls.SMARTPHONE):
            if profile.name == name:
                return profile
        raise ValueError(f"unknown JPKI profile {name!r}")


JpkiProfile.CARD = JpkiProfile(
    name="card", token_label=TOKEN_LABEL_CARD, token_model="MyNumberCard",
    auth_pin=AUTH_PIN_POLICY, sign_pin=SIGN_PIN_POLICY,
    auth_cert_needs_pin=False, has_kenhojo=True)

#: スマホ用電子証明書 on an Android GP-SE: token JPKIAPGPSETOKEN, no kenhojo AP, the auth
#: certificate behind the 4-digit 利用者証明用暗証番号 (jpki/myna). Try limits are not
#: published for the phone; the card's (3 and 5) are assumed.
JpkiProfile.SMARTPHONE = JpkiProfile(
    name="smartphone", token_label=TOKEN_LABEL_SMARTPHONE, token_model="GP-SE",
    auth_pin=PinPolicy(Text("スマホ用利用者証明用暗証番号", "smartphone user authentication PIN"),
                       4, 4, PinAlphabet.DIGITS, 3),
    sign_pin=PinPolicy(Text("スマホ用署名用パスワード", "smartphone digital signature password"),
                       6, 16, PinAlphabet.UPPER_ALNUM, 5),
    auth_cert_needs_pin=True, has_kenhojo=False)


@dataclass(frozen=True, slots=True)
class CardQuirks:
    """Switchable deviations seen on some real cards. Defaults keep OpenSC working."""

    #: Answer an empty VERIFY with 9000 once the PIN is verified in this session (reported
    #: for some cards; OpenSC's bind aborts on it, hence off by default).
    empty_verify_ok_when_verified: bool = False
