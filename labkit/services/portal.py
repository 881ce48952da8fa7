"""マイナポータル (the portal service) and the offices that receive electronic applications.

* **Login** (1-2 ①, 1-4 1.): challenge–response with the phone's user-authentication
  certificate; the portal verifies the signature, the chain and the revocation status (OCSP
  via J-LIS) and records the login in the usage history.
* **利用履歴** (1-4 3.): every login, signature, issuance and suspension, with time and device.
* **Electronic applications** (引越し, 確定申告): a document signed in the phone's SE with the
  smartphone signing certificate (CMS detached SignedData), forwarded to the receiving
  office, which verifies that "the document is genuine, made and sent by the user".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from cryptography import x509

from ..clock import Clock, to_jst
from ..i18n import Text
from ..office.contract import JlisApi, UsageEvent, UsageKind
from ..pki import BasicAttributes, VerificationResult, verify_detached
from .protocol import Authenticator
from .relying import RelyingParty, refusal_for
from .webpki import PORTAL_HOST

__all__ = ["MynaportalService", "OfficeReceipt", "PortalSession", "Procedure", "ReceivingOffice"]


class Procedure(StrEnum):
    MOVING = "moving"          # 引越し (転出届)
    TAX_RETURN = "tax_return"  # 確定申告

    @property
    def label(self) -> Text:
        return _PROCEDURES[self]


_PROCEDURES = {Procedure.MOVING: Text("引越し (転出届)", "moving house (notice of moving out)"),
               Procedure.TAX_RETURN: Text("確定申告", "tax return")}


@dataclass(frozen=True, slots=True)
class OfficeReceipt:
    """What the receiving office concluded about one signed document."""

    office: Text
    procedure: Procedure
    received_at: datetime
    signer: BasicAttributes | None
    verification: VerificationResult

    @property
    def ok(self) -> bool:
        return self.verification.ok

    @property
    def statement(self) -> Text:
        if not self.ok or self.signer is None:
            return self.verification.text
        return Text(f"この文書は {self.signer.name} さんが作成・送信した真正なものです (改ざんなし)",
                    f"this document is genuine, made and sent by {self.signer.name} (not altered)")


class ReceivingOffice(RelyingParty):
    """A 市区町村 or 税務署 receiving signed electronic applications."""

    def __init__(self, service_id: str, name: Text, procedure: Procedure, jlis: JlisApi, clock: Clock) -> None:
        super().__init__(service_id, name, jlis, clock)
        self.procedure = procedure
        self.received: list[OfficeReceipt] = []

    def receive(self, document: bytes, signature: bytes, *, device_id: str | None = None) -> OfficeReceipt:
        """Verify the CMS signature (digest, signature, chain, validity, OCSP) and read the
        signer's four basic attributes from the signing certificate."""
        result = verify_detached(signature, document, anchors=self.anchors, clock=self.clock,
                                 revocation=self.revocation)
        receipt = OfficeReceipt(self.name, self.procedure, self.now(), result.signer, result)
        if result.certificate is not None:
            outcome = "ok" if result.ok else refusal_for(result.problems, self.name).reason
            self.record(UsageKind.SIGNATURE, result.certificate.serial_number, device_id=device_id, outcome=outcome,
                        detail=Text(f"{self.name.ja}: {self.procedure.label.ja}の電子署名",
                                    f"{self.name.en}: signature on a {self.procedure.label.en}"))
        self.received.append(receipt)
        return receipt


@dataclass
class PortalSession:
    """One logged-in session of the portal."""

    portal: MynaportalService
    certificate: x509.Certificate
    device_id: str
    logged_in_at: datetime
    method: str

    @property
    def serial(self) -> int:
        return self.certificate.serial_number

    def history(self, limit: int = 50) -> list[UsageEvent]:
        """利用履歴: the holder's events, newest first."""
        return self.portal.jlis.usage_history(serial=self.serial, limit=limit)

    def submit(self, procedure: Procedure | str, form: dict[str, Any], *, app: Authenticator,
               password: str) -> OfficeReceipt:
        """Fill in ``form``, have the phone sign it (smartphone signing password) and send it
        to the office; refused (with every reason) if the office cannot verify it."""
        procedure = Procedure(procedure)
        document = self.portal.document(procedure, form)
        signature = app.sign_document(document, password=password)
        office = self.portal.offices[procedure]
        receipt = office.receive(document, signature, device_id=self.device_id)
        if not receipt.ok:
            raise refusal_for(receipt.verification.problems, office.name)
        return receipt


class MynaportalService(RelyingParty):
    """The portal at ``myna.go.jp.test`` with its receiving offices."""

    def __init__(self, jlis: JlisApi, clock: Clock, *, city: Text | None = None) -> None:
        super().__init__("mynaportal", Text("マイナポータル", "Mynaportal"), jlis, clock, host=PORTAL_HOST)
        city = city or Text("清瀬市役所", "Kiyose City Office")
        self.offices = {
            Procedure.MOVING: ReceivingOffice("city-office", city, Procedure.MOVING, jlis, clock),
            Procedure.TAX_RETURN: ReceivingOffice("tax-office", Text("税務署 (e-Tax ラボ)", "tax office (lab e-Tax)"),
                                                  Procedure.TAX_RETURN, jlis, clock),
        }

    def login(self, app: Authenticator, *, pin: str | None = None, biometric: bool = False) -> PortalSession:
        """Challenge → the app signs in its SE (after TLS, PIN or biometrics) → verify."""
        challenge = self.challenge()
        assertion = app.authenticate(challenge, pin=pin, biometric=biometric)
        cert = self.verify_login(assertion)
        return PortalSession(self, cert, assertion.device_id, self.now(), assertion.method.value)

    def document(self, procedure: Procedure, form: dict[str, Any]) -> bytes:
        """The electronic application as bytes (canonical JSON; what is signed)."""
        body = {"procedure": procedure.value, "title": procedure.label.ja, "form": form,
                "created_at": to_jst(self.now()).isoformat()}
        return json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1).encode("utf-8")
