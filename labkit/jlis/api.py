"""The J-LIS API that the phone (Mynaportal app), the relying services and notebooks call.

Two implementations behave identically: :class:`~labkit.jlis.service.JlisService` (in
process) and :class:`~labkit.jlis.http_client.HttpJlis` (over the JSON/HTTP server of
``labkit jlis serve``). Refusals are :class:`~labkit.errors.ServiceError` with a stable
``reason`` (:class:`~labkit.jlis.reasons.Refusal`) and Japanese + English text; over HTTP
they travel as ``{"error": {"reason", "ja", "en", "details"}}`` and are raised again, as
the same class, by the client. Bad input is ``MalformedRequestError`` (reason
``malformed``; also an ``InputError``).

Operations (:class:`JlisApi`):

===============================  ===========================================================
``now()``                        J-LIS time (the lab clock; simulated in class).
``submit_application(req)``      2-3 / 2-5: an :class:`ApplicationRequest` signed by the
                                 card → :class:`ApplicationReceipt` with ``push_at``.
``lift_suspension_by_card(req)`` 2-6 card found: the same request shape with kind
                                 ``card_found``; the phone user-auth certificate resumes,
                                 the held phone signing certificate is revoked and a new one
                                 is applied for (``public_keys["sign"]``, register again).
``poll(device_id)``              push notifications due by the clock, each delivered once:
                                 ``registration_ready``, ``application_refused``,
                                 ``delete_certificates`` (old phone, 48 h), ``suspended``,
                                 ``resumed``, ``revoked``.
``fetch_registration(app, dev)`` 2-4: the issued certificates and CA certificates; refused
                                 with ``before_push`` until the push is due.
``confirm_registration(app,dev)`` the phone wrote them into its SE → :class:`DeviceStatus`.
``device_status(device_id)``     what J-LIS knows about one phone.
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

Timing: J-LIS issues the phone certificates when the push is due (notBefore = ``push_at``,
see :mod:`labkit.jlis._core`), so ``fetch_registration`` before then says ``before_push``.
``HttpJlis`` adds teaching extras: ``advance_clock(seconds)``, ``set_clock(when)``, ``demo()``.

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

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from ..i18n import Text
from ..pki import CaKind, CertificateStatus, CertState, Reason
from ..pki.signer import HashAlg, digest_info
from ._codec import Serial, canonical, decode, encode
from .reasons import MalformedRequestError

__all__ = [
    "ApplicationKind",
    "ApplicationReceipt",
    "ApplicationRequest",
    "ApplicationState",
    "CaKind",
    "CertificateInfo",
    "DeviceState",
    "DeviceStatus",
    "JlisApi",
    "LossItem",
    "LossReceipt",
    "LossReport",
    "Notification",
    "NotificationKind",
    "RegistrationPackage",
    "RevocationReceipt",
    "RevocationRequest",
    "Serial",
    "UsageEvent",
    "UsageKind",
    "UsageRecord",
    "decode",
    "encode",
    "status_from_json",
    "status_to_json",
]

_ID = re.compile(r"[A-Za-z0-9._:\-]{1,64}")
MIN_NONCE = 16


def _check_id(value: object, field: str) -> None:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise MalformedRequestError(Text(f"{field} は英数字と . _ : - の64文字以内です",
                                         f"{field} must be 1-64 characters of A-Z a-z 0-9 . _ : -"), field=field)


class ApplicationKind(StrEnum):
    NEW = "new"                      # 2-3 申請
    DEVICE_CHANGE = "device_change"  # 2-5 機種変更 (revokes the old phone's certificates)
    REISSUE = "reissue"              # 再発行 on the same phone (e.g. signing after phone found)
    CARD_FOUND = "card_found"        # 2-6 カード発見: lift_suspension_by_card only


class ApplicationState(StrEnum):
    PENDING = "pending"        # accepted; waiting for the push time
    READY = "ready"            # issued; the push says registration is possible
    REGISTERED = "registered"  # the phone confirmed it wrote the certificates
    REFUSED = "refused"        # J-LIS refused it when processing (e.g. card suspended meanwhile)
    CANCELLED = "cancelled"    # replaced by a newer application before registration


class DeviceState(StrEnum):
    UNKNOWN = "unknown"  # J-LIS has never seen this phone
    PENDING = "pending"  # an application is under way, nothing registered
    ACTIVE = "active"    # holds registered phone certificates
    RETIRED = "retired"  # device change or stop-using: its certificates are revoked


class NotificationKind(StrEnum):
    REGISTRATION_READY = "registration_ready"    # 「登録できます」
    APPLICATION_REFUSED = "application_refused"
    DELETE_CERTIFICATES = "delete_certificates"  # old phone after a device change (48 h)
    SUSPENDED = "suspended"                      # 一時利用停止 (hotline)
    RESUMED = "resumed"                          # 一時利用停止の解除
    REVOKED = "revoked"                          # revoked at the counter (attributes changed …)


class UsageKind(StrEnum):
    APPLICATION = "application"
    ISSUANCE = "issuance"
    REGISTRATION = "registration"
    LOGIN = "login"
    SIGNATURE = "signature"
    SUSPENSION = "suspension"
    RESUMPTION = "resumption"
    REVOCATION = "revocation"
    DELETION_ORDER = "deletion_order"
    CARD_ISSUANCE = "card_issuance"
    ATTRIBUTE_CHANGE = "attribute_change"


class LossItem(StrEnum):
    PHONE = "phone"  # スマホを紛失: the phone certificates
    CARD = "card"    # カードを紛失: the card's and the phone's certificates


@dataclass(frozen=True, slots=True)
class ApplicationRequest:
    """One application from the Mynaportal app, signed with the card's signing key."""

    device_id: str
    se_id: str
    kind: ApplicationKind
    certificates: tuple[CaKind, ...]
    public_keys: dict[CaKind, bytes]
    card_certificate: bytes | None
    device_model: str
    app_version: str
    nonce: bytes
    signature: bytes = b""

    def __post_init__(self) -> None:
        _check_id(self.device_id, "device_id")
        _check_id(self.se_id, "se_id")
        object.__setattr__(self, "kind", ApplicationKind(self.kind))
        object.__setattr__(self, "certificates", tuple(CaKind(k) for k in self.certificates))
        object.__setattr__(self, "public_keys", {CaKind(k): bytes(v) for k, v in self.public_keys.items()})
        if not isinstance(self.nonce, bytes) or len(self.nonce) < MIN_NONCE:
            raise MalformedRequestError(Text("nonce は16バイト以上の乱数です", "the nonce must be 16+ random bytes"),
                                        field="nonce")

    def to_be_signed(self) -> bytes:
        return b"labkit-jlis-application-v1\n" + canonical(replace(self, signature=b""))

    def digest_info(self) -> bytes:
        """The SHA-256 DigestInfo the card signs (``80 2A 00 80``)."""
        return digest_info(HashAlg.SHA256, hashlib.sha256(self.to_be_signed()).digest())

    def sign_with(self, signer: Callable[[bytes], bytes]) -> ApplicationRequest:
        return replace(self, signature=signer(self.digest_info()))


@dataclass(frozen=True, slots=True)
class ApplicationReceipt:
    application_id: str
    device_id: str
    kind: ApplicationKind
    certificates: tuple[CaKind, ...]
    state: ApplicationState
    applied_at: datetime
    push_at: datetime
    #: Device change: the old phone's certificates revoked now (reason superseded).
    revoked_serials: tuple[Serial, ...]
    old_device_id: str | None
    message: Text


@dataclass(frozen=True, slots=True)
class Notification:
    notification_id: int
    device_id: str
    kind: NotificationKind
    due_at: datetime
    application_id: str | None
    serials: tuple[Serial, ...]
    message: Text
    #: Deletion orders lapse 48 hours after the device change (2-5).
    expires_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class RegistrationPackage:
    application_id: str
    device_id: str
    certificates: dict[CaKind, bytes]     # DER, to write into the SE
    ca_certificates: dict[CaKind, bytes]  # DER of the issuing roots


@dataclass(frozen=True, slots=True)
class CertificateInfo:
    serial: Serial
    kind: CaKind
    profile: str
    state: CertState
    not_before: datetime
    not_after: datetime
    reason: Reason | None
    revoked_at: datetime | None
    message: Text


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    device_id: str
    state: DeviceState
    holder_id: str | None
    se_id: str | None
    certificates: tuple[CertificateInfo, ...]
    pending_application: str | None


@dataclass(frozen=True, slots=True)
class RevocationRequest:
    """2-7 stop using: signed in the SE with a phone key after its PIN/password."""

    device_id: str
    serial: Serial
    nonce: bytes
    signature: bytes = b""

    def __post_init__(self) -> None:
        _check_id(self.device_id, "device_id")
        if not isinstance(self.nonce, bytes) or len(self.nonce) < MIN_NONCE:
            raise MalformedRequestError(Text("nonce は16バイト以上の乱数です", "the nonce must be 16+ random bytes"),
                                        field="nonce")

    def to_be_signed(self) -> bytes:
        return b"labkit-jlis-revocation-v1\n" + canonical(replace(self, signature=b""))

    def digest_info(self) -> bytes:
        return digest_info(HashAlg.SHA256, hashlib.sha256(self.to_be_signed()).digest())

    def sign_with(self, signer: Callable[[bytes], bytes]) -> RevocationRequest:
        return replace(self, signature=signer(self.digest_info()))


@dataclass(frozen=True, slots=True)
class RevocationReceipt:
    device_id: str
    revoked: tuple[Serial, ...]
    revoked_at: datetime
    message: Text


@dataclass(frozen=True, slots=True)
class LossReport:
    """A call to the hotline: who is calling (checked against J-LIS records) and what is lost.
    ``address`` is asked only when name and date of birth match more than one person."""

    name: str
    birth_date: date
    item: LossItem
    address: str = ""


@dataclass(frozen=True, slots=True)
class LossReceipt:
    reference: str
    held: tuple[Serial, ...]
    at: datetime
    message: Text


@dataclass(frozen=True, slots=True)
class UsageRecord:
    """What a relying service reports after a login or signature check."""

    kind: UsageKind
    serial: Serial
    service: str
    device_id: str | None = None
    outcome: str = "ok"  # "ok" or a Refusal code
    detail: Text | None = None


@dataclass(frozen=True, slots=True)
class UsageEvent:
    event_id: int
    at: datetime
    kind: UsageKind
    holder_id: str | None
    serial: Serial | None
    device_id: str | None
    service: str
    outcome: str
    detail: Text


def status_to_json(status: CertificateStatus) -> dict[str, Any]:
    return {"serial": f"{status.serial:x}", "state": status.state.value, "profile": status.profile,
            "holder_id": status.holder_id, "not_after": encode(status.not_after),
            "reason": None if status.reason is None else int(status.reason),
            "revoked_at": encode(status.revoked_at), "text": encode(status.text)}


def status_from_json(data: Any) -> CertificateStatus:
    if not isinstance(data, dict):
        raise MalformedRequestError(field="status")
    return CertificateStatus(decode(Serial, data.get("serial"), "serial"),
                             decode(CertState, data.get("state"), "state"),
                             decode(str | None, data.get("profile"), "profile"),
                             decode(str | None, data.get("holder_id"), "holder_id"),
                             decode(datetime | None, data.get("not_after"), "not_after"),
                             decode(Reason | None, data.get("reason"), "reason"),
                             decode(datetime | None, data.get("revoked_at"), "revoked_at"))


@runtime_checkable
class JlisApi(Protocol):
    """What the phone, the services and notebooks may ask J-LIS (see the module docstring)."""

    def now(self) -> datetime: ...

    def submit_application(self, request: ApplicationRequest) -> ApplicationReceipt: ...

    def lift_suspension_by_card(self, request: ApplicationRequest) -> ApplicationReceipt: ...

    def poll(self, device_id: str) -> list[Notification]: ...

    def fetch_registration(self, application_id: str, device_id: str) -> RegistrationPackage: ...

    def confirm_registration(self, application_id: str, device_id: str) -> DeviceStatus: ...

    def device_status(self, device_id: str) -> DeviceStatus: ...

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
