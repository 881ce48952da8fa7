"""Revocation checking for relying parties: from the store (in-process J-LIS), from a CRL,
or over OCSP. All three answer the same :class:`RevocationChecker` question so verification
code does not care which one a notebook or service picked.

A checker raises :class:`~labkit.errors.PkiError` when it cannot give a trustworthy answer
(stale CRL, bad OCSP signature, nonce mismatch); verifiers treat that as "status unknown"
and fail closed.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import ExtendedKeyUsageOID

from ..clock import Clock
from ..errors import PkiError
from ..i18n import Text
from ._ca import is_issued_by
from .constants import CertState, Reason
from .store import Store

#: Clock skew tolerated on OCSP thisUpdate.
SKEW = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class RevocationStatus:
    """``state`` is GOOD, HELD, REVOKED or UNKNOWN; ``source`` says who answered."""

    state: CertState
    source: str
    reason: Reason | None = None
    revoked_at: datetime | None = None


class RevocationChecker(Protocol):
    def check(self, cert: x509.Certificate, issuer: x509.Certificate) -> RevocationStatus: ...


def _from_reason(reason: Reason, revoked_at: datetime | None, source: str) -> RevocationStatus:
    state = CertState.HELD if reason is Reason.CERTIFICATE_HOLD else CertState.REVOKED
    return RevocationStatus(state, source, reason, revoked_at)


def _fail(ja: str, en: str, **details: object) -> PkiError:
    return PkiError(Text(ja, en), **details)


class StoreChecker:
    """Ask the CA's own store (what J-LIS itself, or a notebook, would do)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def check(self, cert: x509.Certificate, issuer: x509.Certificate) -> RevocationStatus:
        record = self._store.get(cert.serial_number)
        if record is None or record.der != cert.public_bytes(serialization.Encoding.DER):
            return RevocationStatus(CertState.UNKNOWN, "store")
        if record.revocation is None:
            return RevocationStatus(CertState.GOOD, "store")
        return _from_reason(record.revocation.reason, record.revocation.revoked_at, "store")


class CrlChecker:
    """Look the serial up in a CRL signed by the issuer and current at the clock's time."""

    def __init__(self, crls: Iterable[bytes | x509.CertificateRevocationList], clock: Clock) -> None:
        self._crls = [c if isinstance(c, x509.CertificateRevocationList) else x509.load_der_x509_crl(c)
                      for c in crls]
        self._clock = clock

    def check(self, cert: x509.Certificate, issuer: x509.Certificate) -> RevocationStatus:
        now = self._clock.now()
        key = issuer.public_key()
        assert isinstance(key, rsa.RSAPublicKey)
        usable = [c for c in self._crls if c.issuer == issuer.subject and c.is_signature_valid(key)]
        if not usable:
            raise _fail("発行者の CRL がありません", "no CRL signed by the issuer")
        crl = max(usable, key=lambda c: c.last_update_utc)
        if crl.last_update_utc > now + SKEW or crl.next_update_utc is None or crl.next_update_utc <= now:
            raise _fail("CRL が有効期間外です (古い CRL)", "the CRL is not current (stale or not yet valid)",
                        this_update=crl.last_update_utc.isoformat())
        entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if entry is None:
            return RevocationStatus(CertState.GOOD, "crl")
        try:
            flag = entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
        except x509.ExtensionNotFound:
            flag = None
        return _from_reason(Reason.from_flag(flag), entry.revocation_date_utc, "crl")


class OcspChecker:
    """Ask an OCSP responder; ``send`` posts a DER request and returns the DER response."""

    def __init__(self, send: Callable[[bytes], bytes], clock: Clock) -> None:
        self._send = send
        self._clock = clock

    def check(self, cert: x509.Certificate, issuer: x509.Certificate) -> RevocationStatus:
        nonce = secrets.token_bytes(16)
        request = (ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA256())
                   .add_extension(x509.OCSPNonce(nonce), critical=False).build())
        try:
            response = ocsp.load_der_ocsp_response(self._send(request.public_bytes(serialization.Encoding.DER)))
        except ValueError as exc:
            raise _fail("OCSP 応答が読めません", "unreadable OCSP response") from exc
        if response.response_status is not ocsp.OCSPResponseStatus.SUCCESSFUL:
            raise _fail(f"OCSP レスポンダが拒否しました ({response.response_status.name})",
                        f"the OCSP responder refused: {response.response_status.name}")
        signer = self._responder(response, issuer)
        public, algorithm = signer.public_key(), response.signature_hash_algorithm
        if not isinstance(public, rsa.RSAPublicKey) or algorithm is None:
            raise _fail("OCSP 応答の署名方式が RSA ではありません", "the OCSP response is not RSA-signed")
        try:
            public.verify(response.signature, response.tbs_response_bytes, padding.PKCS1v15(), algorithm)
        except InvalidSignature:
            raise _fail("OCSP 応答の署名が正しくありません", "bad OCSP response signature") from None
        try:
            echoed = response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
        except x509.ExtensionNotFound:
            echoed = None
        if echoed != nonce:
            raise _fail("OCSP の nonce が一致しません (再送攻撃の恐れ)", "OCSP nonce mismatch (possible replay)")
        now = self._clock.now()
        if (response.serial_number != cert.serial_number or response.this_update_utc > now + SKEW
                or (response.next_update_utc is not None and response.next_update_utc <= now)):
            raise _fail("OCSP 応答が要求と合いません", "the OCSP response does not answer the request")
        if response.certificate_status is ocsp.OCSPCertStatus.GOOD:
            return RevocationStatus(CertState.GOOD, "ocsp")
        if response.certificate_status is ocsp.OCSPCertStatus.UNKNOWN:
            return RevocationStatus(CertState.UNKNOWN, "ocsp")
        return _from_reason(Reason.from_flag(response.revocation_reason), response.revocation_time_utc, "ocsp")

    def _responder(self, response: ocsp.OCSPResponse, issuer: x509.Certificate) -> x509.Certificate:
        """The issuer itself, or a certificate it issued with id-kp-OCSPSigning (RFC 6960 §4.2.2.2)."""
        now = self._clock.now()
        for cand in [*response.certificates, issuer]:
            if cand == issuer:
                return issuer
            try:
                eku = cand.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
            except x509.ExtensionNotFound:
                continue
            if (ExtendedKeyUsageOID.OCSP_SIGNING in eku and is_issued_by(cand, issuer)
                    and cand.not_valid_before_utc <= now <= cand.not_valid_after_utc):
                return cand
        raise _fail("OCSP 応答の署名者が認可されていません", "the OCSP response signer is not authorised")
