"""The lab J-LIS PKI: two CAs (署名用 / 利用者証明用), card and smartphone certificate
profiles, revocation with CRLs and OCSP, and CMS signatures through a card-friendly
:class:`Signer`. Everything is clearly a lab (``O=JPKI-LAB``); no real J-LIS root is ever
an anchor here.

Typical use::

    jpki = Jpki.create(MemoryStore(), clock, base_url="http://127.0.0.1:8470")
    cert = jpki.issue(PHONE_SIGN, se_public_key, holder)
    jpki.hold(cert.serial_number)
    der = jpki.ocsp_respond(request_der)
"""

from .cms import VerificationResult, sign_detached, verify_detached
from .constants import (
    LAB_ARC,
    SAN_ORDER,
    BasicAttributeOid,
    CaKind,
    CertState,
    Era,
    Form,
    LabPolicy,
    Reason,
    Sex,
)
from .errors import NotEligibleError, RevocationStateError, UnknownCertificateError
from .jpki import CertificateAuthority, CertificateStatus, Jpki
from .profiles import (
    CARD_AUTH,
    CARD_SIGN,
    PHONE_AUTH,
    PHONE_SIGN,
    PROFILES,
    Profile,
    basic_attributes_of,
    profile_of,
)
from .revocation import CrlChecker, OcspChecker, RevocationChecker, RevocationStatus, StoreChecker
from .signer import HashAlg, Signer, SoftwareSigner, digest_info, parse_digest_info, sign_message
from .sqlite_store import SqliteStore
from .store import CaRecord, CertRecord, MemoryStore, Revocation, Store
from .subject import BasicAttributes, Holder
from .urls import DEFAULT_BASE_URL, OCSP_PATH, LabUrls, ca_path, cert_path, crl_path
from .validity import age_on, certificate_not_after, nth_birthday_after
from .verify import Failure, Problem, check_certificate

__all__ = [
    "CARD_AUTH",
    "CARD_SIGN",
    "DEFAULT_BASE_URL",
    "LAB_ARC",
    "OCSP_PATH",
    "PHONE_AUTH",
    "PHONE_SIGN",
    "PROFILES",
    "SAN_ORDER",
    "BasicAttributeOid",
    "BasicAttributes",
    "CaKind",
    "CaRecord",
    "CertRecord",
    "CertState",
    "CertificateAuthority",
    "CertificateStatus",
    "CrlChecker",
    "Era",
    "Failure",
    "Form",
    "HashAlg",
    "Holder",
    "Jpki",
    "LabPolicy",
    "LabUrls",
    "MemoryStore",
    "NotEligibleError",
    "OcspChecker",
    "Problem",
    "Profile",
    "Reason",
    "Revocation",
    "RevocationChecker",
    "RevocationStateError",
    "RevocationStatus",
    "Sex",
    "Signer",
    "SoftwareSigner",
    "SqliteStore",
    "Store",
    "StoreChecker",
    "UnknownCertificateError",
    "VerificationResult",
    "age_on",
    "basic_attributes_of",
    "ca_path",
    "cert_path",
    "certificate_not_after",
    "check_certificate",
    "crl_path",
    "digest_info",
    "nth_birthday_after",
    "parse_digest_info",
    "profile_of",
    "sign_detached",
    "sign_message",
    "verify_detached",
]
