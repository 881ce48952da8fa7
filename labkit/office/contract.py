"""The back office's contracts: the J-LIS API that the phone (Mynaportal app), the relying
services and notebooks call (:class:`JlisApi`), and the municipal counter's
(:class:`CounterApi`). Their value objects (:mod:`labkit.office.jlis_forms`,
:mod:`labkit.office.counter_forms`) are re-exported here.

Two implementations of each behave identically: in process (:class:`~labkit.jlis.JlisService`,
:class:`~labkit.municipality.CounterService`) and over the JSON/HTTP server of ``labkit jlis
serve`` (:mod:`labkit.office.http`); :mod:`labkit.office.compose` picks them. Refusals are
:class:`~labkit.errors.ServiceError` with a stable
``reason`` (:class:`~labkit.office.refusals.Refusal`) and Japanese + English text; over HTTP
they travel as ``{"error": {"reason", "ja", "en", "details"}}`` and are raised again, as
the same class, by the client. Bad input is ``MalformedRequestError`` (reason
``malformed``; also an ``InputError``).

Operations (:class:`JlisApi`; value objects in :mod:`labkit.office.jlis_forms`):

===============================  ===========================================================
``now()``                        J-LIS time (the lab clock; simulated in class).
``submit_application(req)``      2-3 / 2-5: an :class:`ApplicationRequest` signed by the
                                 card → :class:`ApplicationReceipt` with ``push_at``.
``lift_suspension_by_card(req)`` 2-6 card found: the same request shape with kind
                                 ``card_found``; the phone user-auth certificate resumes,
                                 the held phone signing certificate is revoked and a new one
                                 is applied for (``public_keys["sign"]``, register again).
``poll(device_id, proof)``       push notifications due by the clock, each delivered once:
                                 ``registration_ready``, ``application_refused``,
                                 ``delete_certificates`` (old phone, 48 h), ``suspended``,
                                 ``resumed``, ``revoked``.
``fetch_registration(app, dev, proof)`` 2-4: the issued certificates and CA certificates;
                                 refused with ``before_push`` until the push is due.
``confirm_registration(app, dev, proof)`` the phone wrote them into its SE → :class:`DeviceStatus`.
``device_status(device_id, proof)`` what J-LIS knows about one phone (without a proof: only
                                 its state and certificates).
``revoke_by_user(req)``          2-7: a :class:`RevocationRequest` signed in the SE with a
                                 phone key → both phone certificates revoked
                                 (cessationOfOperation); the phone then erases its SE data.
``report_loss(report)``          2-6 hotline (24時間365日): suspend (certificateHold) the
                                 phone's, or the card's and the phone's, certificates.
``record_usage(record)``         relying services log a login / signature (利用履歴).
``usage_history(serial=|holder_id=)``  the holder's history, newest first.
``status(serial)``               good / held / revoked / expired / unknown.
``certificate(serial)``, ``ca_certificates()``, ``crl(kind)``, ``ocsp(der)``  publication.
===============================  ===========================================================

Device proof (lab assumption; the lecture does not say how J-LIS authenticates the phone):
the application carries the phone's SE device key (``device_key``, card-signed); the four
device calls then take a :class:`DeviceProof` signed by that key with the SE's counter, and
are refused with ``unauthenticated`` (HTTP 401) without a fresh one (:mod:`labkit.jlis.devices`).

Timing: J-LIS issues the phone certificates when the push is due (notBefore = ``push_at``,
see :mod:`labkit.jlis._core`), so ``fetch_registration`` before then says ``before_push``.
``HttpJlis`` adds teaching extras: ``advance_clock(seconds)``, ``set_clock(when)``, ``demo()``.
The privileged operations (counter, hotline) are not here: :class:`~labkit.jlis.CounterOps`.

What the card signs (2-3 ④–⑧): the app builds :meth:`ApplicationRequest.to_be_signed`
(canonical JSON of every field but the signature, prefixed with a domain label), the card
signs its SHA-256 DigestInfo with ``80 2A`` after VERIFY of the card's signing password;
``request.sign_with(signer)`` does that given ``signer(digest_info) -> signature``. The
revocation request is signed the same way by the SE with the phone's user-auth (or
signing) key. ``nonce`` (16+ random bytes) makes each request single-use.

Certificate kinds are :class:`~labkit.pki.CaKind` values: ``"sign"`` (スマホ用署名用) and
``"auth"`` (スマホ用利用者証明用). Public keys are SubjectPublicKeyInfo DER generated in
the SE. In JSON, bytes are base64 and serial numbers lower-case hex.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol, runtime_checkable

from ..card import MyNumberCard
from ..pki import CaKind, CertificateStatus, Holder
from . import counter_forms, jlis_forms
from .counter_forms import *  # the value objects are part of the contract
from .jlis_forms import *
from .wire import Serial

__all__ = ["CaKind", "CounterApi", "JlisApi", "JlisCounterOps", "Serial", *jlis_forms.__all__,
           *counter_forms.__all__]


@runtime_checkable
class JlisApi(Protocol):
    """What the phone, the services and notebooks may ask J-LIS (see the module docstring)."""

    def now(self) -> datetime: ...

    def submit_application(self, request: ApplicationRequest) -> ApplicationReceipt: ...

    def lift_suspension_by_card(self, request: ApplicationRequest) -> ApplicationReceipt: ...

    def poll(self, device_id: str, proof: DeviceProof | None = None) -> list[Notification]: ...

    def fetch_registration(self, application_id: str, device_id: str,
                           proof: DeviceProof | None = None) -> RegistrationPackage: ...

    def confirm_registration(self, application_id: str, device_id: str,
                             proof: DeviceProof | None = None) -> DeviceStatus: ...

    def device_status(self, device_id: str, proof: DeviceProof | None = None) -> DeviceStatus: ...

    def revoke_by_user(self, request: RevocationRequest) -> RevocationReceipt: ...

    def report_loss(self, report: LossReport) -> LossReceipt: ...

    def record_usage(self, record: UsageRecord) -> UsageEvent: ...

    def usage_history(self, *, serial: int | None = None, holder_id: str | None = None,
                      limit: int = 100) -> list[UsageEvent]: ...

    def status(self, serial: int) -> CertificateStatus: ...

    def certificate(self, serial: int) -> bytes: ...

    def ca_certificates(self) -> dict[CaKind, bytes]: ...

    def crl(self, kind: CaKind) -> bytes: ...

    def ocsp(self, request_der: bytes) -> bytes: ...


@runtime_checkable
class CounterApi(Protocol):
    """What a notebook may ask the municipal counter (see :mod:`labkit.office.forms`)."""

    def register_resident(self, request: ResidentRequest) -> Resident: ...

    def find_resident(self, query: ResidentQuery) -> Resident: ...

    def issue_card(self, request: CardRequest) -> CounterReceipt: ...

    def report_card_loss(self, my_number: str) -> CounterReceipt: ...

    def phone_found(self, my_number: str) -> CounterReceipt: ...

    def card_found(self, request: CardFoundRequest) -> CounterReceipt: ...

    def change_attributes(self, request: AttributeChange) -> CounterReceipt: ...

    def reset_pin(self, request: PinReset) -> CounterReceipt: ...

    def card_certificates(self, my_number: str) -> tuple[CertificateInfo, ...]: ...


class JlisCounterOps(Protocol):
    """The privileged J-LIS operations a municipal counter (and the hotline) may call, and
    nothing a phone may: implemented by :class:`~labkit.jlis.CounterOps`, which the
    composition root hands to the municipality only."""

    def now(self) -> datetime: ...

    def issue_card(self, holder: Holder, *, my_number: str, auth_pin: str, sign_password: str | None,
                   on_issued: Callable[[MyNumberCard], None] | None = None) -> MyNumberCard: ...

    def reissue_card_signing(self, holder: Holder, card: MyNumberCard, password: str) -> int: ...

    def suspend(self, holder_id: str, item: LossItem) -> tuple[int, ...]: ...

    def phone_found(self, holder_id: str) -> tuple[tuple[int, ...], tuple[int, ...]]: ...

    def card_found(self, holder_id: str) -> tuple[tuple[int, ...], tuple[int, ...]]: ...

    def change_attributes(self, holder: Holder) -> tuple[int, ...]: ...

    def cert_status(self, serial: int) -> CertificateStatus: ...

    def live_signing(self, holder_id: str) -> set[int]: ...

    def card_certificates(self, holder_id: str, *, live_only: bool = True) -> list[int]: ...

    def certificate_info(self, serial: int) -> CertificateInfo: ...
