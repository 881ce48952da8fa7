"""The J-LIS API's value objects (:class:`~labkit.office.contract.JlisApi`): the requests the
Mynaportal app signs and the receipts, notifications and records J-LIS answers with. Frozen
and checked on construction, so a malformed request fails the same way in process and over
HTTP (:mod:`labkit.office.wire` builds them from JSON)."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum

from ..i18n import Text
from ..pki import CaKind, CertState, Reason
from ..pki.signer import HashAlg, digest_info
from ..se.device_key import MAX_COUNTER, proof_message
from .refusals import MalformedRequestError
from .wire import Serial, canonical

__all__ = [
    "DEVICE_PROOF_HEADER",
    "ApplicationKind",
    "ApplicationReceipt",
    "ApplicationRequest",
    "ApplicationState",
    "CertificateInfo",
    "DeviceAction",
    "DeviceProof",
    "DeviceState",
    "DeviceStatus",
    "LossItem",
    "LossReceipt",
    "LossReport",
    "Notification",
    "NotificationKind",
    "RegistrationPackage",
    "RevocationReceipt",
    "RevocationRequest",
    "UsageEvent",
    "UsageKind",
    "UsageRecord",
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
    """What an entry of the usage history (利用履歴) records; ``text`` names it."""

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

    @property
    def text(self) -> Text:
        return _USED[self]


_USED = {
    UsageKind.APPLICATION: Text("申請", "application"),
    UsageKind.ISSUANCE: Text("発行", "issuance"),
    UsageKind.REGISTRATION: Text("登録", "registration"),
    UsageKind.LOGIN: Text("ログイン", "login"),
    UsageKind.SIGNATURE: Text("電子署名", "signature"),
    UsageKind.SUSPENSION: Text("一時利用停止", "suspension"),
    UsageKind.RESUMPTION: Text("一時利用停止の解除", "suspension lifted"),
    UsageKind.REVOCATION: Text("失効", "revocation"),
    UsageKind.DELETION_ORDER: Text("削除指示", "deletion order"),
    UsageKind.CARD_ISSUANCE: Text("カード発行", "card issuance"),
    UsageKind.ATTRIBUTE_CHANGE: Text("基本4情報の変更", "change of basic attributes"),
}


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
    #: The phone's device key (SubjectPublicKeyInfo DER, made in the SE): J-LIS binds it to
    #: ``device_id`` and wants a :class:`DeviceProof` by it on the device endpoints (lab
    #: assumption, :mod:`labkit.se.device_key`). Inside the card-signed data.
    device_key: bytes | None = None

    def __post_init__(self) -> None:
        _check_id(self.device_id, "device_id")
        _check_id(self.se_id, "se_id")
        if self.device_key is not None and (not isinstance(self.device_key, bytes)
                                            or not 0 < len(self.device_key) <= _MAX_KEY):
            raise MalformedRequestError(Text("device_key は公開鍵 (DER) です", "device_key must be a DER public key"),
                                        field="device_key")
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


class DeviceAction(StrEnum):
    """What a device proof authorises (one proof, one action)."""

    POLL = "poll"
    STATUS = "status"
    FETCH_REGISTRATION = "fetch_registration"
    CONFIRM_REGISTRATION = "confirm_registration"


#: The HTTP header that carries a :class:`DeviceProof`.
DEVICE_PROOF_HEADER = "X-Device-Proof"
_MAX_KEY = 2048
_MAX_SIGNATURE = 1024


@dataclass(frozen=True, slots=True)
class DeviceProof:
    """Proof that a call comes from the phone itself: the SE's device key signed the
    :meth:`challenge` of (action, device id, application id) together with the SE's counter,
    which J-LIS wants strictly higher than the last one it accepted from that phone (so a
    proof works once). Lab assumption: the lecture does not say how J-LIS authenticates the
    phone (:mod:`labkit.se.device_key`)."""

    action: DeviceAction
    device_id: str
    application_id: str | None
    counter: int
    signature: bytes

    def __post_init__(self) -> None:
        object.__setattr__(self, "action", DeviceAction(self.action))
        _check_id(self.device_id, "device_id")
        if self.application_id is not None:
            _check_id(self.application_id, "application_id")
        if not isinstance(self.counter, int) or isinstance(self.counter, bool) \
                or not 0 < self.counter <= MAX_COUNTER:
            raise MalformedRequestError(Text("counter は正の整数です", "counter must be a positive integer"),
                                        field="counter")
        if not isinstance(self.signature, bytes) or not 0 < len(self.signature) <= _MAX_SIGNATURE:
            raise MalformedRequestError(Text("署名がありません", "the signature is missing"), field="signature")

    @staticmethod
    def challenge(action: DeviceAction, device_id: str, application_id: str | None = None) -> bytes:
        """The 32 bytes the app hands the SE (``80 2A 00 9D``) for this action."""
        body = canonical({"action": DeviceAction(action).value, "application_id": application_id,
                          "device_id": device_id})
        return hashlib.sha256(b"labkit-jlis-device-v1\n" + body).digest()

    def message(self) -> bytes:
        """What the SE signed (J-LIS verifies the signature over it)."""
        return proof_message(self.counter, self.challenge(self.action, self.device_id, self.application_id))

    @classmethod
    def make(cls, action: DeviceAction, device_id: str, application_id: str | None,
             sign: Callable[[bytes], tuple[int, bytes]]) -> DeviceProof:
        """``sign(challenge) -> (counter, signature)``: the SE's DEVICE SIGN (or a stand-in)."""
        counter, signature = sign(cls.challenge(action, device_id, application_id))
        return cls(DeviceAction(action), device_id, application_id, counter, signature)

    # -- over HTTP: the header DEVICE_PROOF_HEADER (the action and ids come from the route) --------
    def to_header(self) -> str:
        return f"{self.counter}.{base64.urlsafe_b64encode(self.signature).decode('ascii').rstrip('=')}"

    @classmethod
    def from_header(cls, value: str | None, action: DeviceAction, device_id: str,
                    application_id: str | None = None) -> DeviceProof | None:
        """The proof sent with a request (None if the header is absent)."""
        if value is None:
            return None
        counter, _, sig = value.strip().partition(".")
        try:
            if not counter.isdigit() or len(counter) > 16 or not sig or len(sig) > 2 * _MAX_SIGNATURE:
                raise ValueError(value)
            signature = base64.urlsafe_b64decode(sig + "=" * (-len(sig) % 4))
        except (ValueError, binascii.Error):
            raise MalformedRequestError(Text(f"{DEVICE_PROOF_HEADER} ヘッダは <カウンタ>.<署名 base64url> です",
                                             f"the {DEVICE_PROOF_HEADER} header is <counter>.<base64url signature>"),
                                        field=DEVICE_PROOF_HEADER) from None
        return cls(action, device_id, application_id, int(counter), signature)


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
