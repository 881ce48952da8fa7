"""A private service (lecture 1-2 ②): opening a bank account online with the smartphone
signing certificate. The bank's app asks the Mynaportal app — as a registered service — for
a signature over the application; the bank verifies it (chain, validity, OCSP via J-LIS) and
takes the customer's four basic attributes from the signing certificate itself, so no copy
of an ID card is needed.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from ..clock import Clock, to_jst
from ..i18n import Text
from ..office.contract import JlisApi, UsageKind
from ..pki import Sex, verify_detached
from .relying import RelyingParty, refusal_for
from .webpki import BANK_HOST

__all__ = ["Account", "LabBank"]


class _BankApp(Protocol):
    """The bank's app on the phone: it forwards the request to the Mynaportal app."""

    def request_signature(self, data: bytes, *, password: str) -> bytes: ...

    @property
    def device_id(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Account:
    number: str
    name: str
    address: str
    birth_date: date
    sex: Sex
    opened_at: datetime
    certificate_serial: int

    def text(self, lang: str = "ja") -> str:
        sex = {Sex.MALE: ("男", "male"), Sex.FEMALE: ("女", "female")}.get(self.sex, ("—", "—"))
        if lang == "ja":
            return (f"口座番号 {self.number} / 氏名 {self.name} / 住所 {self.address} / "
                    f"生年月日 {self.birth_date.isoformat()} / 性別 {sex[0]}")
        return (f"account {self.number} / name {self.name} / address {self.address} / "
                f"born {self.birth_date.isoformat()} / sex {sex[1]}")


class LabBank(RelyingParty):
    """ラボ銀行: online account opening (公的個人認証による本人確認)."""

    def __init__(self, jlis: JlisApi, clock: Clock) -> None:
        super().__init__("lab-bank", Text("ラボ銀行", "Lab Bank"), jlis, clock, host=BANK_HOST)
        self.accounts: dict[str, Account] = {}

    def application(self, purpose: str = "口座開設") -> bytes:
        body: dict[str, Any] = {"bank": self.name.ja, "purpose": purpose, "nonce": secrets.token_hex(16),
                                "at": to_jst(self.now()).isoformat()}
        return json.dumps(body, ensure_ascii=False, sort_keys=True).encode("utf-8")

    def open_account(self, app: _BankApp, *, password: str) -> Account:
        """The customer signs the account application in the bank's app (smartphone signing
        password); the bank checks the signature and reads the basic attributes."""
        document = self.application()
        signature = app.request_signature(document, password=password)
        result = verify_detached(signature, document, anchors=self.anchors, clock=self.clock,
                                 revocation=self.revocation)
        serial = result.certificate.serial_number if result.certificate is not None else None
        if not result.ok or result.signer is None or serial is None:
            error = refusal_for(result.problems, self.name)
            if serial is not None:
                self.record(UsageKind.SIGNATURE, serial, device_id=app.device_id, outcome=error.reason,
                            detail=Text("ラボ銀行: 口座開設を拒否", "Lab Bank: account opening refused"))
            raise error
        attrs = result.signer
        number = f"{int(hashlib.sha256(str(serial).encode()).hexdigest(), 16) % 10_000_000:07d}"
        account = Account(number, attrs.name, attrs.address, attrs.birth_date, attrs.sex, self.now(), serial)
        self.accounts[number] = account
        self.record(UsageKind.SIGNATURE, serial, device_id=app.device_id,
                    detail=Text("ラボ銀行: 口座開設の本人確認 (電子署名)", "Lab Bank: identity check for an account"))
        return account
