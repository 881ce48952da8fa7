"""What a relying service and the Mynaportal app exchange for a login (challenge–response
with the smartphone user-authentication certificate, lecture 1-4 「高いレベルの本人確認」).

The service sends a :class:`Challenge` (a fresh random nonce, who is asking, and the host
the app must reach over TLS); the app has the SE sign :meth:`Challenge.to_be_signed` after
the 4-digit PIN or biometrics, and answers with an :class:`Assertion` (the certificate and
the signature). A replayed or altered answer fails: the nonce is single-use and signed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from ..i18n import Text
from ..se.access import AppIdentity

__all__ = ["Assertion", "AuthMethod", "Authenticator", "Challenge", "Purpose"]


class Purpose(StrEnum):
    LOGIN = "login"            # マイナポータル等へのログイン
    KIOSK = "kiosk"            # コンビニ交付の本人確認


class AuthMethod(StrEnum):
    PIN = "pin"                # 4 桁の暗証番号
    BIOMETRIC = "biometric"    # 生体認証 (the app unlocks the stored PIN)


@dataclass(frozen=True, slots=True)
class Challenge:
    """One login attempt. ``host`` None means no network is involved (a kiosk's NFC reader)."""

    service: str
    service_name: Text
    host: str | None
    nonce: bytes
    issued_at: datetime
    purpose: Purpose = Purpose.LOGIN

    def to_be_signed(self) -> bytes:
        """Canonical bytes: a domain label, then sorted JSON (nonce in hex)."""
        body = {"service": self.service, "host": self.host, "nonce": self.nonce.hex(),
                "issued_at": self.issued_at.isoformat(), "purpose": self.purpose.value}
        return b"labkit-login-v1\n" + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


@dataclass(frozen=True, slots=True)
class Assertion:
    """The app's answer: the SE's user-auth certificate and its signature over the challenge."""

    challenge: Challenge
    certificate: bytes
    signature: bytes
    device_id: str
    method: AuthMethod


class Authenticator(Protocol):
    """What a relying service needs from the phone side (the Mynaportal app)."""

    @property
    def device_id(self) -> str: ...

    def authenticate(self, challenge: Challenge, *, pin: str | None = None, biometric: bool = False,
                     caller: AppIdentity | None = None) -> Assertion: ...

    def sign_document(self, data: bytes, *, password: str, caller: AppIdentity | None = None) -> bytes: ...
