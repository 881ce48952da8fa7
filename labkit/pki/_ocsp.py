"""The OCSP responder (RFC 6960), answering for both lab CAs through delegated responders.

Choices:

* One CertID per request (``cryptography`` parses no more); anything it cannot parse,
  including multi-certificate requests, gets ``malformedRequest``; so does a negative
  serial number (the fuzzer's find: no response can even be signed for one).
* A CertID whose issuer hashes match neither lab CA gets ``unauthorized`` (RFC 6960 §2.3:
  the responder is not authoritative for it), not a signed ``unknown``.
* A serial the CA never issued is ``unknown``; 一時保留 is ``revoked`` with reason
  certificateHold (RFC 6960 §2.2), and reverts to ``good`` once the hold is lifted.
* ``nextUpdate`` is omitted: the answer comes live from the store, which RFC 6960 §4.2.2.1
  expresses as "newer information is always available". The nonce is echoed.
* Store failures yield ``internalError`` so the HTTP server never has to catch anything.
* ``producedAt``: ``cryptography`` always stamps the wall-clock time and has no setter, which
  would leak real time into a lab running on a simulated clock; :func:`_restamp` rewrites
  it to the lab clock and signs the ResponseData again (the only hand-made DER here). This
  costs a second RSA signature per response: the builder refuses any key but the responder's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import ocsp

from ..errors import LabkitError
from . import _der as der
from .constants import CaKind, Reason
from .store import CertRecord


@dataclass(frozen=True, slots=True)
class OcspAuthority:
    """What the responder needs to know about one CA."""

    kind: CaKind
    certificate: x509.Certificate
    responder: Callable[[], tuple[x509.Certificate, rsa.RSAPrivateKey]]
    lookup: Callable[[int], CertRecord | None]


def issuer_hashes(issuer: x509.Certificate, algorithm: hashes.HashAlgorithm) -> tuple[bytes, bytes]:
    """CertID ``issuerNameHash`` and ``issuerKeyHash`` (hash of the subjectPublicKey bits)."""
    def digest(data: bytes) -> bytes:
        h = hashes.Hash(algorithm)
        h.update(data)
        return h.finalize()

    key = issuer.public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    key_bits = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    return digest(issuer.subject.public_bytes()), digest(key_bits)


@functools.lru_cache(maxsize=64)
def _issuer_hashes(issuer: x509.Certificate, algorithm: str) -> tuple[bytes, bytes]:
    """:func:`issuer_hashes` once per CA and algorithm (it was half the cost of a request)."""
    return issuer_hashes(issuer, _HASHES[algorithm]())


_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "sha1": hashes.SHA1, "sha224": hashes.SHA224, "sha256": hashes.SHA256, "sha384": hashes.SHA384,
    "sha512": hashes.SHA512}


def unsuccessful(status: ocsp.OCSPResponseStatus) -> bytes:
    return ocsp.OCSPResponseBuilder.build_unsuccessful(status).public_bytes(serialization.Encoding.DER)


@dataclass(frozen=True, slots=True)
class ParsedRequest:
    """One CertID this responder is authoritative for."""

    authority: OcspAuthority
    request: ocsp.OCSPRequest
    algorithm: hashes.HashAlgorithm
    nonce: bytes | None


#: (status, revocation time, reason) as a response states them.
CertStatus = tuple[ocsp.OCSPCertStatus, datetime | None, x509.ReasonFlags | None]


def parse(request_der: bytes, authorities: Sequence[OcspAuthority]) -> ParsedRequest | bytes:
    """The request, or the unsuccessful response (DER) that answers it."""
    try:
        request = ocsp.load_der_ocsp_request(bytes(request_der))
        algorithm = request.hash_algorithm
        nonce = _nonce(request)
    except (ValueError, TypeError, UnsupportedAlgorithm, NotImplementedError):  # NotImplemented: >1 CertID
        return unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    if request.serial_number < 0:  # no certificate has one (RFC 5280 §4.1.2.2), none can be answered
        return unsuccessful(ocsp.OCSPResponseStatus.MALFORMED_REQUEST)
    for authority in authorities:
        known = (_issuer_hashes(authority.certificate, algorithm.name) if algorithm.name in _HASHES
                 else issuer_hashes(authority.certificate, algorithm))
        if known == (request.issuer_name_hash, request.issuer_key_hash):
            return ParsedRequest(authority, request, algorithm, nonce)
    return unsuccessful(ocsp.OCSPResponseStatus.UNAUTHORIZED)


def cert_status(record: CertRecord | None, kind: CaKind) -> CertStatus:
    if record is None or record.ca is not kind:
        return ocsp.OCSPCertStatus.UNKNOWN, None, None
    if record.revocation is None:
        return ocsp.OCSPCertStatus.GOOD, None, None
    reason = None if record.revocation.reason is Reason.UNSPECIFIED else record.revocation.reason.flag
    return ocsp.OCSPCertStatus.REVOKED, record.revocation.revoked_at, reason


def build(parsed: ParsedRequest, status: CertStatus, responder: x509.Certificate, key: rsa.RSAPrivateKey,
          now: datetime, next_update: datetime | None = None, *, nonce: bool = True) -> bytes:
    """The signed response for ``parsed`` (nonce echoed unless ``nonce`` is False)."""
    request = parsed.request
    builder = (ocsp.OCSPResponseBuilder()
               .add_response_by_hash(request.issuer_name_hash, request.issuer_key_hash, request.serial_number,
                                     parsed.algorithm, status[0], now, next_update, status[1], status[2])
               .responder_id(ocsp.OCSPResponderEncoding.HASH, responder)
               .certificates([responder]))
    if nonce and parsed.nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(parsed.nonce), critical=False)
    return _restamp(builder.sign(key, hashes.SHA256()).public_bytes(serialization.Encoding.DER), now, key)


def respond(request_der: bytes, authorities: Sequence[OcspAuthority], now: datetime) -> bytes:
    """Answer one DER OCSPRequest with a DER OCSPResponse; never raises for bad input."""
    parsed = parse(request_der, authorities)
    if isinstance(parsed, bytes):
        return parsed
    try:
        record = parsed.authority.lookup(parsed.request.serial_number)
        responder, key = parsed.authority.responder()
    except LabkitError:
        return unsuccessful(ocsp.OCSPResponseStatus.INTERNAL_ERROR)
    return build(parsed, cert_status(record, parsed.authority.kind), responder, key, now)


def _restamp(response_der: bytes, now: datetime, key: rsa.RSAPrivateKey) -> bytes:
    """Set ResponseData.producedAt to ``now`` and re-sign (RFC 6960 §4.2.1 structures)."""
    status, response_bytes = der.parse(response_der).children()
    response_type, octets = response_bytes.children()[0].children()
    tbs, sig_alg, _signature, *certs = der.parse(octets.as_octets()).children()
    fields = [der.generalized_time(now) if f.tag == der.Tag.GENERALIZED_TIME else f.encoded
              for f in tbs.children()]  # producedAt is ResponseData's only direct GeneralizedTime
    new_tbs = der.sequence(*fields)
    signature = key.sign(new_tbs, padding.PKCS1v15(), hashes.SHA256())
    basic = der.sequence(new_tbs, sig_alg.encoded, der.bit_string(signature), *(c.encoded for c in certs))
    body = der.sequence(response_type.encoded, der.octet_string(basic))
    return der.sequence(status.encoded, der.explicit(0, body))


def _nonce(request: ocsp.OCSPRequest) -> bytes | None:
    try:
        return request.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce
    except x509.ExtensionNotFound:
        return None
