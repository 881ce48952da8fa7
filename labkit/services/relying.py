"""What every relying service does with a JPKI certificate (lecture 1-2, 1-4): check the
signature, the chain to the lab J-LIS roots, the validity period and the revocation status
— the last through OCSP, asked of J-LIS through its API (over HTTP when the world uses a
server) — and record the use in the holder's usage history (利用履歴).

A refusal is a :class:`~labkit.errors.ServiceError` whose ``reason`` is the J-LIS refusal
code (``revoked``, ``held``, ``expired``, ``bad_signature`` …) and whose text lists every
problem found, in Japanese and English.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Sequence
from contextlib import suppress
from datetime import datetime

from cryptography import x509

from ..clock import Clock
from ..errors import LabkitError, ServiceError
from ..i18n import Text
from ..jlis.verify import verify_signature
from ..office.contract import JlisApi, UsageKind, UsageRecord
from ..office.refusals import Refusal, refuse
from ..pki import CaKind, Failure, OcspChecker, Problem, check_certificate
from .protocol import Assertion, Challenge, Purpose

__all__ = ["FAILURE_REFUSALS", "RelyingParty", "refusal_for"]

#: Which refusal a verification problem becomes, most important first.
FAILURE_REFUSALS: tuple[tuple[Failure, Refusal], ...] = (
    (Failure.REVOKED, Refusal.CERT_REVOKED),
    (Failure.HELD, Refusal.CERT_HELD),
    (Failure.EXPIRED, Refusal.CERT_EXPIRED),
    (Failure.NOT_YET_VALID, Refusal.CERT_EXPIRED),
    (Failure.NOT_VALID_AT_SIGNING_TIME, Refusal.CERT_EXPIRED),
    (Failure.UNTRUSTED, Refusal.CERT_UNKNOWN),
    (Failure.WRONG_PURPOSE, Refusal.CERT_UNKNOWN),
    (Failure.SIGNER_NOT_FOUND, Refusal.BAD_SIGNATURE),
    (Failure.DIGEST_MISMATCH, Refusal.BAD_SIGNATURE),
    (Failure.BAD_SIGNATURE, Refusal.BAD_SIGNATURE),
    (Failure.CERT_MISMATCH, Refusal.BAD_SIGNATURE),
    (Failure.REVOCATION_UNKNOWN, Refusal.UNAVAILABLE),
    (Failure.MALFORMED, Refusal.MALFORMED),
    (Failure.UNSUPPORTED, Refusal.MALFORMED),
)


def refusal_for(problems: Sequence[Problem], service: Text) -> ServiceError:
    """The refusal for a non-empty list of problems: the most important one's code, every
    problem in the text."""
    failures = {p.failure for p in problems}
    failure, reason = next(((f, r) for f, r in FAILURE_REFUSALS if f in failures), (None, Refusal.MALFORMED))
    primary = next((p for p in problems if p.failure is failure), None)
    parts = ([primary.detail] if primary is not None and primary.detail is not None else []) + \
        [p.text for p in problems if p is not primary]
    ja = service.ja + ("" if not parts else ": " + "、".join(t.ja for t in parts))
    en = service.en + ("" if not parts else ": " + "; ".join(t.en for t in parts))
    return refuse(reason, Text(ja, en), failures=[p.failure.value for p in problems])


class RelyingParty:
    """A service that accepts JPKI certificates issued by the lab J-LIS."""

    def __init__(self, service_id: str, name: Text, jlis: JlisApi, clock: Clock, *, host: str | None = None) -> None:
        self.service_id = service_id
        self.name = name
        self.jlis = jlis
        self.clock = clock
        self.host = host
        self.revocation = OcspChecker(jlis.ocsp, clock)
        self._anchors: tuple[x509.Certificate, ...] | None = None
        self._pending: dict[bytes, Challenge] = {}
        self._lock = threading.Lock()

    @property
    def anchors(self) -> tuple[x509.Certificate, ...]:
        """The lab J-LIS roots (fetched once from J-LIS; a real service pins them)."""
        if self._anchors is None:
            self._anchors = tuple(x509.load_der_x509_certificate(d) for d in self.jlis.ca_certificates().values())
        return self._anchors

    def now(self) -> datetime:
        return self.clock.now()

    def check(self, cert: x509.Certificate, purpose: CaKind) -> list[Problem]:
        """Chain, validity now, purpose and revocation (OCSP via J-LIS)."""
        problems, _, _ = check_certificate(cert, anchors=self.anchors, at=self.now(), purpose=purpose,
                                           revocation=self.revocation)
        return problems

    def record(self, kind: UsageKind, serial: int, *, device_id: str | None, outcome: str = "ok",
               detail: Text | None = None) -> None:
        """Add the event to the holder's 利用履歴 (unknown certificates are not recorded)."""
        with suppress(LabkitError):
            self.jlis.record_usage(UsageRecord(kind, serial, self.service_id, device_id, outcome, detail))

    # -- challenge-response login ------------------------------------------------------------
    def challenge(self, purpose: Purpose = Purpose.LOGIN) -> Challenge:
        ch = Challenge(self.service_id, self.name, self.host, secrets.token_bytes(32), self.now(), purpose)
        with self._lock:
            self._pending[ch.nonce] = ch
        return ch

    def verify_login(self, assertion: Assertion) -> x509.Certificate:
        """Check an app's answer: our own unused challenge, the signature over it, then the
        user-auth certificate (chain, validity, OCSP). Records the attempt either way."""
        with self._lock:
            issued = self._pending.pop(assertion.challenge.nonce, None)
        if issued is None or issued != assertion.challenge:
            raise refuse(Refusal.REPLAYED, Text(f"{self.name.ja}: 未発行または使用済みのチャレンジ",
                                                f"{self.name.en}: unknown or already used challenge"))
        try:
            cert = x509.load_der_x509_certificate(assertion.certificate)
        except ValueError:
            raise refuse(Refusal.MALFORMED, Text("証明書が読めません", "unreadable certificate")) from None
        kind = UsageKind.LOGIN
        if not verify_signature(cert, issued.to_be_signed(), assertion.signature):
            self.record(kind, cert.serial_number, device_id=assertion.device_id, outcome=Refusal.BAD_SIGNATURE.value)
            raise refuse(Refusal.BAD_SIGNATURE)
        problems = self.check(cert, CaKind.AUTH)
        if problems:
            error = refusal_for(problems, self.name)
            self.record(kind, cert.serial_number, device_id=assertion.device_id, outcome=error.reason,
                        detail=Text(f"{self.name.ja}へのログインを拒否", f"login to {self.name.en} refused"))
            raise error
        self.record(kind, cert.serial_number, device_id=assertion.device_id,
                    detail=Text(f"{self.name.ja}にログイン ({_method(assertion)})",
                                f"logged in to {self.name.en} ({assertion.method.value})"))
        return cert


def _method(assertion: Assertion) -> str:
    return "生体認証" if assertion.method.value == "biometric" else "暗証番号"
