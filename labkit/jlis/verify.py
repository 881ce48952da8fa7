"""How J-LIS checks what a phone sends: the card-signed application and the SE-signed
revocation request.

An application is accepted only if (in this order, first failure wins):

1. the device and app meet the prerequisites (compatible Android model, app up to date);
2. a card signing certificate is present and parses, and its policy is the card signing one;
3. it chains to the lab signing CA (``card_untrusted`` otherwise);
4. the card's signature over :meth:`~labkit.office.jlis_forms.ApplicationRequest.to_be_signed`
   verifies with that certificate (``bad_signature``);
5. it is within validity and neither revoked nor held, by J-LIS's own store (the OCSP
   answer's source), and J-LIS issued exactly this certificate (``card_unknown``).

The four basic attributes for the phone signing certificate are taken from the card's
signing certificate (its subjectAltName), the romaji locality from its subject.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.oid import NameOID

from ..clock import to_jst
from ..errors import PkiError
from ..i18n import Text
from ..office.contract import ApplicationRequest
from ..office.refusals import MalformedRequestError, Refusal, refuse
from ..pki import (
    CARD_SIGN,
    BasicAttributes,
    CaKind,
    Failure,
    Holder,
    Jpki,
    basic_attributes_of,
    check_certificate,
    profile_of,
)
from ..pki.store import CertRecord
from .prerequisites import DevicePolicy

__all__ = ["CardCheck", "card_holder", "check_keys", "check_serial", "load_public_key", "verify_card_request",
           "verify_signature"]

_CARD_FAILURES = {
    Failure.UNTRUSTED: Refusal.CARD_UNTRUSTED,
    Failure.NOT_YET_VALID: Refusal.CARD_NOT_YET_VALID,
    Failure.EXPIRED: Refusal.CARD_EXPIRED,
    Failure.WRONG_PURPOSE: Refusal.NOT_CARD_SIGNING,
    Failure.REVOKED: Refusal.CARD_REVOKED,
    Failure.HELD: Refusal.CARD_HELD,
    Failure.REVOCATION_UNKNOWN: Refusal.CARD_UNKNOWN,
}


@dataclass(frozen=True, slots=True)
class CardCheck:
    """What an accepted card tells J-LIS."""

    record: CertRecord
    holder_id: str
    attributes: BasicAttributes
    prefecture: str
    municipality: str


def verify_signature(certificate: x509.Certificate, data: bytes, signature: bytes) -> bool:
    """``sha256WithRSAEncryption`` over ``data`` (what a card or SE makes from a DigestInfo)."""
    key = certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey) or not signature:
        return False
    try:
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def load_public_key(der: bytes, kind: CaKind) -> rsa.RSAPublicKey:
    """An SE-generated SubjectPublicKeyInfo: RSA, 2048–4096 bits."""
    try:
        key = serialization.load_der_public_key(der)
    except (ValueError, TypeError):
        key = None
    if not isinstance(key, rsa.RSAPublicKey) or not 2048 <= key.key_size <= 4096:
        raise refuse(Refusal.MALFORMED, Text(f"{kind.label.ja}の公開鍵は RSA 2048〜4096 ビットの SPKI (DER) です",
                                             f"the {kind.label.en} public key must be an RSA 2048-4096 SPKI (DER)"),
                     field=f"public_keys.{kind.value}")
    return key


def verify_card_request(jpki: Jpki, request: ApplicationRequest, now: datetime,
                        policy: DevicePolicy) -> CardCheck:
    """Run checks 1–5 of the module docstring; raises the first refusal."""
    for prerequisite in (policy.device_refusal(request.device_model), policy.app_refusal(request.app_version)):
        if prerequisite is not None:
            raise prerequisite
    if not request.card_certificate:
        raise refuse(Refusal.NO_SIGNING_CERTIFICATE)
    try:
        cert = x509.load_der_x509_certificate(request.card_certificate)
        cert.extensions  # noqa: B018 - parsed lazily: a corrupt extension raises here, not later
    except ValueError:
        raise refuse(Refusal.MALFORMED, Text("カードの証明書が DER として読めません",
                                             "the card certificate is not DER"), field="card_certificate") from None
    problems, profile, _ = check_certificate(cert, anchors=jpki.anchors, at=now, purpose=CaKind.SIGN,
                                             revocation=jpki.checker())
    failures = {p.failure: p for p in problems}
    if Failure.UNTRUSTED in failures:
        raise refuse(Refusal.CARD_UNTRUSTED)
    if profile is not CARD_SIGN:
        raise refuse(Refusal.NOT_CARD_SIGNING, Text(f"種類: {_label(profile_of(cert), 'ja')}",
                                                    f"kind: {_label(profile_of(cert), 'en')}"))
    if not verify_signature(cert, request.to_be_signed(), request.signature):
        raise refuse(Refusal.BAD_SIGNATURE)
    for failure, refusal in _CARD_FAILURES.items():
        if failure in failures:
            raise refuse(refusal, failures[failure].detail)
    record = jpki.store.get(cert.serial_number)
    if record is None or record.holder_id is None:
        raise refuse(Refusal.CARD_UNKNOWN)
    localities = [a.value for a in cert.subject.get_attributes_for_oid(NameOID.LOCALITY_NAME)]
    try:
        attributes = basic_attributes_of(cert)
    except PkiError:
        attributes = None
    if len(localities) != 2 or attributes is None:
        raise refuse(Refusal.NOT_CARD_SIGNING, Text("基本4情報がありません", "no basic attributes"))
    return CardCheck(record, record.holder_id, attributes, str(localities[0]), str(localities[1]))


def card_holder(card: CertRecord, registered: Holder | None) -> Holder:
    """The holder as phone certificates show them: the four basic attributes and locality of
    the card's signing certificate; the card's expiry from J-LIS's records when it has them,
    else the last day of the card certificate (never beyond the card)."""
    cert = card.certificate
    attributes = basic_attributes_of(cert)
    localities = [str(a.value) for a in cert.subject.get_attributes_for_oid(NameOID.LOCALITY_NAME)]
    if attributes is None or len(localities) != 2 or card.holder_id is None:
        raise refuse(Refusal.NOT_CARD_SIGNING, Text("基本4情報がありません", "no basic attributes"))
    expiry = registered.card_expiry if registered is not None else to_jst(card.not_after).date()
    return Holder(card.holder_id, attributes, localities[0], localities[1], expiry)


def _label(profile: object, lang: str) -> str:
    label = getattr(profile, "label", None)
    return label.get(lang) if label is not None else ("不明" if lang == "ja" else "unknown")


def check_keys(request: ApplicationRequest, *, required: bool) -> None:
    """One distinct public key per requested certificate kind."""
    kinds = request.certificates
    if (required and not kinds) or len(set(kinds)) != len(kinds) or set(request.public_keys) != set(kinds):
        raise refuse(Refusal.MALFORMED, Text("申請する証明書 (sign/auth) と同じ種類の公開鍵が必要です",
                                             "give one public key per requested certificate (sign/auth)"))
    keys = [load_public_key(request.public_keys[k], k).public_numbers() for k in kinds]
    if len(keys) == 2 and keys[0] == keys[1]:
        raise refuse(Refusal.MALFORMED, Text("署名用と利用者証明用の鍵は別々です",
                                             "the signing and user-auth keys must differ"))


def check_serial(serial: object) -> None:
    if not isinstance(serial, int) or isinstance(serial, bool) or not 0 < serial < 1 << 160:
        raise MalformedRequestError(Text("シリアル番号は正の整数です", "a serial number is a positive integer"),
                                    field="serial")
