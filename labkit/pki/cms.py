"""CMS (RFC 5652) detached SignedData for electronic documents (電子申請の署名).

The SignedData is assembled here with the small DER helper because ``cryptography``'s
PKCS7SignatureBuilder needs a private-key object, while a card or GP-SE only signs a
DigestInfo. Signing therefore computes the signed attributes, hands
``DigestInfo(hash(DER(signedAttrs)))`` to the :class:`~labkit.pki.signer.Signer`, and wraps
the returned value. Signed attributes: contentType, signingTime, messageDigest and
signingCertificateV2 (RFC 5035, binds the signer certificate as CAdES-BES does).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ..clock import Clock
from ..errors import LabkitError
from ..i18n import Text
from . import _der as der
from .constants import CaKind
from .profiles import Profile, basic_attributes_of
from .revocation import RevocationChecker, RevocationStatus
from .signer import HashAlg, Signer, digest_info
from .subject import BasicAttributes
from .verify import Failure, Problem, check_certificate

ID_DATA = "1.2.840.113549.1.7.1"
ID_SIGNED_DATA = "1.2.840.113549.1.7.2"
ID_CONTENT_TYPE = "1.2.840.113549.1.9.3"
ID_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
ID_SIGNING_TIME = "1.2.840.113549.1.9.5"
ID_SIGNING_CERTIFICATE_V2 = "1.2.840.113549.1.9.16.2.47"
RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
_RSA_SIGNATURE_OIDS = {RSA_ENCRYPTION, "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13"}


def _attribute(oid: str, value: bytes) -> bytes:
    return der.sequence(der.oid(oid), der.set_of(value))


def _hash_alg_id(alg: HashAlg) -> bytes:
    return der.sequence(der.oid(alg.value))  # RFC 5754 §2: parameters absent


def sign_detached(data: bytes, signer: Signer, *, clock: Clock, hash_alg: HashAlg = HashAlg.SHA256,
                  extra_certificates: Sequence[x509.Certificate] = ()) -> bytes:
    """DER ContentInfo(SignedData) over ``data``, which is not embedded (detached)."""
    cert = signer.certificate
    cert_der = cert.public_bytes(serialization.Encoding.DER)
    ess_cert_id = der.sequence(der.octet_string(HashAlg.SHA256.digest(cert_der)))  # hashAlgorithm DEFAULT sha256
    attrs = der.sort_set([
        _attribute(ID_CONTENT_TYPE, der.oid(ID_DATA)),
        _attribute(ID_SIGNING_TIME, der.time(clock.now().replace(microsecond=0))),
        _attribute(ID_MESSAGE_DIGEST, der.octet_string(hash_alg.digest(data))),
        _attribute(ID_SIGNING_CERTIFICATE_V2, der.sequence(der.sequence(ess_cert_id))),
    ])
    signed_attrs = b"".join(attrs)
    to_sign = der.tlv(der.Tag.SET, signed_attrs)  # RFC 5652 §5.4: signed as an explicit SET OF
    signature = signer.sign_digest_info(digest_info(hash_alg, hash_alg.digest(to_sign)))
    signer_info = der.sequence(
        der.integer(1),
        der.sequence(cert.issuer.public_bytes(), der.integer(cert.serial_number)),
        _hash_alg_id(hash_alg),
        der.implicit(0, signed_attrs),
        der.sequence(der.oid(RSA_ENCRYPTION), der.null()),
        der.octet_string(signature),
    )
    certs = [cert_der, *(c.public_bytes(serialization.Encoding.DER) for c in extra_certificates)]
    signed_data = der.sequence(
        der.integer(1),
        der.set_of(_hash_alg_id(hash_alg)),
        der.sequence(der.oid(ID_DATA)),
        der.implicit(0, b"".join(der.sort_set(certs))),
        der.set_of(signer_info),
    )
    return der.sequence(der.oid(ID_SIGNED_DATA), der.explicit(0, signed_data))


@dataclass(frozen=True, slots=True)
class VerificationResult:
    """Outcome of :func:`verify_detached`: who signed, when, and every reason it fails."""

    problems: tuple[Problem, ...]
    certificate: x509.Certificate | None = None
    signer: BasicAttributes | None = None
    profile: Profile | None = None
    signing_time: datetime | None = None
    revocation: RevocationStatus | None = None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def failures(self) -> frozenset[Failure]:
        return frozenset(p.failure for p in self.problems)

    @property
    def text(self) -> Text:
        if self.ok:
            name = self.signer.name if self.signer else "?"
            return Text(f"署名は有効です (署名者: {name})", f"the signature is valid (signed by {name})")
        return Text("; ".join(p.text.ja for p in self.problems), "; ".join(p.text.en for p in self.problems))

    def message(self, lang: str = "ja") -> str:
        return self.text.get(lang)


class _Bad(Exception):
    def __init__(self, failure: Failure, detail: Text | None = None) -> None:
        self.problem = Problem(failure, detail)


def _signer_info(content_info: bytes) -> tuple[der.Element, list[x509.Certificate]]:
    top = der.parse(content_info).expect(der.Tag.SEQUENCE).children()
    if len(top) != 2 or top[0].as_oid() != ID_SIGNED_DATA or top[1].tag != 0xA0:
        raise _Bad(Failure.MALFORMED, Text("SignedData ではありません", "not a SignedData"))
    parts = top[1].children()[0].expect(der.Tag.SEQUENCE).children()
    encap = parts[2].expect(der.Tag.SEQUENCE).children()
    if encap[0].as_oid() != ID_DATA or len(encap) != 1:
        raise _Bad(Failure.UNSUPPORTED, Text("分離署名 (detached) のみ対応します", "only detached id-data signatures"))
    certs = []
    for part in parts[3:-1]:
        if part.tag == 0xA0:
            certs = [x509.load_der_x509_certificate(c.encoded) for c in part.children()]
    infos = parts[-1].expect(der.Tag.SET).children()
    if len(infos) != 1:
        raise _Bad(Failure.UNSUPPORTED, Text("署名者は1人のみ対応します", "exactly one signer is supported"))
    return infos[0], certs


def _find_signer(sid: der.Element, certs: list[x509.Certificate]) -> x509.Certificate:
    for cert in certs:
        if sid.tag == der.Tag.SEQUENCE:
            issuer, serial = sid.children()
            if issuer.encoded == cert.issuer.public_bytes() and serial.as_int() == cert.serial_number:
                return cert
        elif sid.tag == 0x80:
            try:
                ski = cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
            except x509.ExtensionNotFound:
                continue
            if ski == sid.content:
                return cert
    raise _Bad(Failure.SIGNER_NOT_FOUND)


def _attributes(signed_attrs: der.Element) -> dict[str, der.Element]:
    out: dict[str, der.Element] = {}
    for attr in signed_attrs.children():
        oid, values = attr.expect(der.Tag.SEQUENCE).children()
        items = values.expect(der.Tag.SET).children()
        if oid.as_oid() in out or len(items) != 1:
            raise _Bad(Failure.MALFORMED,
                       Text("署名属性が重複しています", "duplicate or multi-valued signed attribute"))
        out[oid.as_oid()] = items[0]
    return out


def _check_signature(info: der.Element, data: bytes, certs: list[x509.Certificate]
                     ) -> tuple[x509.Certificate, datetime | None, list[Problem]]:
    fields = info.expect(der.Tag.SEQUENCE).children()
    if len(fields) not in (6, 7) or fields[3].tag != 0xA0:
        raise _Bad(Failure.UNSUPPORTED, Text("署名属性 (signedAttrs) が必要です", "signed attributes are required"))
    _, sid, digest_alg, signed_attrs, sig_alg, signature = fields[:6]
    cert = _find_signer(sid, certs)
    try:
        alg = HashAlg.from_oid(digest_alg.children()[0].as_oid())
    except LabkitError as exc:
        raise _Bad(Failure.UNSUPPORTED, exc.text) from None
    if sig_alg.children()[0].as_oid() not in _RSA_SIGNATURE_OIDS:
        raise _Bad(Failure.UNSUPPORTED, Text("RSA 署名のみ対応します", "RSA signatures only"))
    attrs = _attributes(signed_attrs)
    problems = []
    if ID_CONTENT_TYPE not in attrs or attrs[ID_CONTENT_TYPE].as_oid() != ID_DATA or ID_MESSAGE_DIGEST not in attrs:
        raise _Bad(Failure.MALFORMED, Text("contentType / messageDigest 属性がありません",
                                           "contentType or messageDigest attribute missing"))
    if attrs[ID_MESSAGE_DIGEST].as_octets() != alg.digest(data):
        problems.append(Problem(Failure.DIGEST_MISMATCH))
    ess = attrs.get(ID_SIGNING_CERTIFICATE_V2)
    if ess is not None:
        first = ess.children()[0].children()[0].children()
        explicit_alg = first[0].tag == der.Tag.SEQUENCE  # hashAlgorithm DEFAULT sha256
        hash_alg = HashAlg.from_oid(first[0].children()[0].as_oid()) if explicit_alg else HashAlg.SHA256
        cert_hash = next(e for e in first if e.tag == der.Tag.OCTET_STRING).content
        if cert_hash != hash_alg.digest(cert.public_bytes(serialization.Encoding.DER)):
            problems.append(Problem(Failure.CERT_MISMATCH))
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise _Bad(Failure.UNSUPPORTED, Text("RSA 署名のみ対応します", "RSA signatures only"))
    try:
        key.verify(signature.as_octets(), b"\x31" + signed_attrs.encoded[1:], padding.PKCS1v15(), alg.new())
    except InvalidSignature:
        problems.append(Problem(Failure.BAD_SIGNATURE))
    signing_time = attrs[ID_SIGNING_TIME].as_time() if ID_SIGNING_TIME in attrs else None
    return cert, signing_time, problems


def verify_detached(
    signature: bytes,
    data: bytes,
    *,
    anchors: Sequence[x509.Certificate],
    clock: Clock,
    revocation: RevocationChecker | None = None,
    at: datetime | None = None,
) -> VerificationResult:
    """Check a detached CMS signature over ``data`` as a JPKI signature verifier would:
    signature and digest, a lab signing certificate chaining to ``anchors``, valid at the
    signing time and at ``at`` (default now), and not revoked or held per ``revocation``."""
    at = at or clock.now()
    try:
        info, certs = _signer_info(signature)
        cert, signing_time, problems = _check_signature(info, data, certs)
    except _Bad as bad:
        return VerificationResult((bad.problem,))
    except (LabkitError, ValueError, IndexError, StopIteration) as exc:
        detail = exc.text if isinstance(exc, LabkitError) else None
        return VerificationResult((Problem(Failure.MALFORMED, detail),))
    if signing_time is not None and not cert.not_valid_before_utc <= signing_time <= cert.not_valid_after_utc:
        problems.append(Problem(Failure.NOT_VALID_AT_SIGNING_TIME))
    cert_problems, profile, status = check_certificate(cert, anchors=anchors, at=at, purpose=CaKind.SIGN,
                                                       revocation=revocation)
    problems.extend(cert_problems)
    try:
        signer = basic_attributes_of(cert)
    except LabkitError as exc:
        signer = None
        problems.append(Problem(Failure.MALFORMED, exc.text))
    return VerificationResult(tuple(problems), cert, signer, profile, signing_time, status)
