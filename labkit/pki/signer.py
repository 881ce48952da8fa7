"""The one signing seam. A card or GP-SE only pads and signs a PKCS#1 v1.5 DigestInfo
(INS 2A with P1=00), so everything above — CMS, login challenges — hands a DigestInfo to a
:class:`Signer` and never touches a private key. :class:`SoftwareSigner` is the in-process
stand-in; the card and SE packages provide signers that send APDUs instead.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Protocol, runtime_checkable

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa, utils

from ..errors import InputError
from ..i18n import Text


class HashAlg(Enum):
    """Hashes JPKI relying parties accept (CRYPTREC SHA-2 family); value = hash OID."""

    SHA256 = "2.16.840.1.101.3.4.2.1"
    SHA384 = "2.16.840.1.101.3.4.2.2"
    SHA512 = "2.16.840.1.101.3.4.2.3"

    def new(self) -> hashes.HashAlgorithm:
        factories: dict[HashAlg, Callable[[], hashes.HashAlgorithm]] = {
            HashAlg.SHA256: hashes.SHA256, HashAlg.SHA384: hashes.SHA384, HashAlg.SHA512: hashes.SHA512}
        return factories[self]()

    @property
    def digest_size(self) -> int:
        return self.new().digest_size

    @property
    def digest_info_prefix(self) -> bytes:
        """DER of ``DigestInfo`` up to the digest (RFC 8017 §9.2 note 1)."""
        return _PREFIXES[self]

    def digest(self, data: bytes) -> bytes:
        h = hashes.Hash(self.new())
        h.update(data)
        return h.finalize()

    @classmethod
    def from_oid(cls, dotted: str) -> HashAlg:
        for alg in cls:
            if alg.value == dotted:
                return alg
        raise InputError(Text(f"対応していないハッシュ関数です ({dotted})",
                              f"unsupported hash algorithm {dotted} (SHA-256/384/512 only)"))


_PREFIXES = {
    HashAlg.SHA256: bytes.fromhex("3031300d060960864801650304020105000420"),
    HashAlg.SHA384: bytes.fromhex("3041300d060960864801650304020205000430"),
    HashAlg.SHA512: bytes.fromhex("3051300d060960864801650304020305000440"),
}


def digest_info(alg: HashAlg, digest: bytes) -> bytes:
    """``DigestInfo ::= SEQUENCE { digestAlgorithm, digest OCTET STRING }`` in DER."""
    if len(digest) != alg.digest_size:
        raise InputError(Text(f"{alg.name} のハッシュ値は {alg.digest_size} バイトです",
                              f"a {alg.name} digest is {alg.digest_size} bytes, got {len(digest)}"))
    return alg.digest_info_prefix + digest


def parse_digest_info(data: bytes) -> tuple[HashAlg, bytes]:
    """Split a DER DigestInfo; only the canonical SHA-2 encodings (NULL parameters) pass."""
    for alg, prefix in _PREFIXES.items():
        if data.startswith(prefix) and len(data) == len(prefix) + alg.digest_size:
            return alg, data[len(prefix):]
    raise InputError(Text("DigestInfo の形式が正しくありません (SHA-256/384/512 のみ)",
                          "not a DER DigestInfo for SHA-256/384/512"))


@runtime_checkable
class Signer(Protocol):
    """Whatever holds a signing key: a card, an SE, or a software key.

    ``sign_digest_info`` receives a DER DigestInfo and returns the RSA signature
    (PKCS#1 v1.5 type-1 padding applied by the signer), i.e. exactly what the JPKI AP's
    COMPUTE DIGITAL SIGNATURE does.
    """

    @property
    def certificate(self) -> x509.Certificate: ...

    def sign_digest_info(self, digest_info: bytes) -> bytes: ...


class SoftwareSigner:
    """A :class:`Signer` over an in-memory ``cryptography`` RSA key."""

    def __init__(self, key: rsa.RSAPrivateKey, certificate: x509.Certificate) -> None:
        if not isinstance(key, rsa.RSAPrivateKey):
            raise TypeError("key must be an RSA private key")
        public = certificate.public_key()
        if not isinstance(public, rsa.RSAPublicKey) or key.public_key().public_numbers() != public.public_numbers():
            raise InputError(Text("秘密鍵と証明書が対応していません", "the key does not match the certificate"))
        self._key = key
        self._certificate = certificate

    @property
    def certificate(self) -> x509.Certificate:
        return self._certificate

    def sign_digest_info(self, digest_info: bytes) -> bytes:
        alg, digest = parse_digest_info(digest_info)
        return self._key.sign(digest, padding.PKCS1v15(), utils.Prehashed(alg.new()))


def sign_message(signer: Signer, data: bytes, alg: HashAlg = HashAlg.SHA256) -> bytes:
    """A plain ``sha*WithRSAEncryption`` signature over ``data`` (login challenges)."""
    return signer.sign_digest_info(digest_info(alg, alg.digest(data)))
