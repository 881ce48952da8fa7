"""CMS detached signatures through the Signer seam, and every way verification says no."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding, pkcs7
from pki_support import assert_bilingual, make_holder

from labkit.clock import SimulatedClock
from labkit.errors import InputError
from labkit.pki import (
    CARD_AUTH,
    CARD_SIGN,
    PHONE_SIGN,
    CaKind,
    CrlChecker,
    Failure,
    HashAlg,
    Jpki,
    MemoryStore,
    OcspChecker,
    Reason,
    Signer,
    SoftwareSigner,
    digest_info,
    parse_digest_info,
    sign_detached,
    sign_message,
    verify_detached,
)
from labkit.pki import _der as der
from labkit.pki.cms import ID_SIGNED_DATA

DOC = "転入届\n氏名: 番号　花子\n".encode()


class CardLikeSigner:
    """What a card does with INS 2A P1=00: PKCS#1 v1.5 type-1 padding of whatever it gets,
    then the raw RSA private operation. Written out by hand, independent of SoftwareSigner."""

    def __init__(self, key: rsa.RSAPrivateKey, certificate: x509.Certificate) -> None:
        self._numbers = key.private_numbers()
        self.certificate = certificate
        self.received: list[bytes] = []

    def sign_digest_info(self, digest_info: bytes) -> bytes:
        self.received.append(digest_info)
        n, d = self._numbers.public_numbers.n, self._numbers.d
        k = (n.bit_length() + 7) // 8
        assert len(digest_info) <= k - 11
        block = b"\x00\x01" + b"\xff" * (k - 3 - len(digest_info)) + b"\x00" + digest_info
        return pow(int.from_bytes(block, "big"), d, n).to_bytes(k, "big")


@pytest.fixture
def signing(jpki: Jpki, ee_key: rsa.RSAPrivateKey) -> SoftwareSigner:
    return SoftwareSigner(ee_key, jpki.issue(CARD_SIGN, ee_key.public_key(), make_holder()))


def verify(jpki: Jpki, sig: bytes, data: bytes = DOC, **kwargs: object):
    return verify_detached(sig, data, anchors=jpki.anchors, clock=jpki.clock, **kwargs)  # type: ignore[arg-type]


def test_sign_and_verify_says_who_signed(jpki: Jpki, signing: SoftwareSigner, clock: SimulatedClock) -> None:
    sig = sign_detached(DOC, signing, clock=clock)
    result = verify(jpki, sig, revocation=jpki.checker())
    assert result.ok, result.message("en")
    assert result.signer == make_holder().attributes
    assert result.profile is CARD_SIGN and result.signing_time == clock.now()
    assert result.certificate == signing.certificate
    assert result.message("ja") == "署名は有効です (署名者: 番号　花子)"


def test_structure_is_detached_signed_data(signing: SoftwareSigner, clock: SimulatedClock) -> None:
    info = der.parse(sign_detached(DOC, signing, clock=clock)).children()
    assert info[0].as_oid() == ID_SIGNED_DATA
    version, digest_algs, encap, certs, signer_infos = info[1].children()[0].children()
    assert version.as_int() == 1
    assert [c.children()[0].as_oid() for c in digest_algs.children()] == [HashAlg.SHA256.value]
    assert len(encap.children()) == 1  # eContentType only: no embedded content
    assert certs.tag == 0xA0 and len(certs.children()) == 1
    assert len(signer_infos.children()) == 1
    # cryptography reads it back and finds the signer certificate
    assert pkcs7.load_der_pkcs7_certificates(der.parse(sign_detached(DOC, signing, clock=clock)).encoded) == \
        [signing.certificate]


def test_a_card_like_signer_produces_the_same_signature(jpki: Jpki, ee_key: rsa.RSAPrivateKey,
                                                        signing: SoftwareSigner, clock: SimulatedClock) -> None:
    card = CardLikeSigner(ee_key, signing.certificate)
    assert isinstance(card, Signer)
    sig = sign_detached(DOC, card, clock=clock)
    assert verify(jpki, sig).ok
    assert sig == sign_detached(DOC, signing, clock=clock)  # PKCS#1 v1.5 is deterministic
    signer_info = der.parse(sig).children()[1].children()[0].children()[-1].children()[0]
    signed_attrs = signer_info.children()[3]
    assert card.received == [digest_info(HashAlg.SHA256, HashAlg.SHA256.digest(b"\x31" + signed_attrs.encoded[1:]))]


@pytest.mark.parametrize("alg", list(HashAlg))
def test_sha2_family(jpki: Jpki, signing: SoftwareSigner, clock: SimulatedClock, alg: HashAlg) -> None:
    assert verify(jpki, sign_detached(DOC, signing, clock=clock, hash_alg=alg)).ok


def test_phone_signing_certificate_is_accepted_and_recognised(jpki: Jpki, ee_keys: list[rsa.RSAPrivateKey],
                                                              clock: SimulatedClock) -> None:
    key = ee_keys[1]
    signer = SoftwareSigner(key, jpki.issue(PHONE_SIGN, key.public_key(), make_holder()))
    result = verify(jpki, sign_detached(DOC, signer, clock=clock), revocation=jpki.checker())
    assert result.ok and result.profile is PHONE_SIGN


def test_altered_document(jpki: Jpki, signing: SoftwareSigner, clock: SimulatedClock) -> None:
    result = verify(jpki, sign_detached(DOC, signing, clock=clock), DOC + b" ")
    assert result.failures == {Failure.DIGEST_MISMATCH}
    assert "改ざん" in result.message("ja") and "altered" in result.message("en")


def test_altered_signature_value(jpki: Jpki, signing: SoftwareSigner, clock: SimulatedClock) -> None:
    sig = bytearray(sign_detached(DOC, signing, clock=clock))
    sig[-3] ^= 0x40  # the last bytes are the signature value
    assert verify(jpki, bytes(sig)).failures == {Failure.BAD_SIGNATURE}


def test_user_auth_certificate_cannot_sign_documents(jpki: Jpki, ee_key: rsa.RSAPrivateKey,
                                                     clock: SimulatedClock) -> None:
    signer = SoftwareSigner(ee_key, jpki.issue(CARD_AUTH, ee_key.public_key(), make_holder()))
    result = verify(jpki, sign_detached(DOC, signer, clock=clock))
    assert result.failures == {Failure.WRONG_PURPOSE} and result.signer is None


def test_foreign_root_is_untrusted(make_jpki: Callable[..., Jpki], ee_key: rsa.RSAPrivateKey,
                                   clock: SimulatedClock) -> None:
    keys = iter(rsa.generate_private_key(65537, 2048) for _ in range(4))
    rogue = Jpki.create(MemoryStore(), clock, key_factory=lambda: next(keys))
    signer = SoftwareSigner(ee_key, rogue.issue(CARD_SIGN, ee_key.public_key(), make_holder()))
    result = verify(make_jpki(), sign_detached(DOC, signer, clock=clock))  # same DN, other key
    assert Failure.UNTRUSTED in result.failures


@pytest.mark.parametrize("source", ["store", "crl", "ocsp"])
def test_revoked_and_held_signers(jpki: Jpki, signing: SoftwareSigner, clock: SimulatedClock, source: str) -> None:
    sig = sign_detached(DOC, signing, clock=clock)
    serial = signing.certificate.serial_number

    def checker() -> object:
        return {"store": jpki.checker, "crl": lambda: CrlChecker([jpki.crl(CaKind.SIGN)], clock),
                "ocsp": lambda: OcspChecker(jpki.ocsp_respond, clock)}[source]()
    jpki.hold(serial)
    held = verify(jpki, sig, revocation=checker())
    assert held.failures == {Failure.HELD} and held.signer is not None  # still says who signed
    clock.advance(minutes=1)
    jpki.revoke(serial, Reason.KEY_COMPROMISE)
    revoked = verify(jpki, sig, revocation=checker())
    assert revoked.failures == {Failure.REVOKED}
    assert "鍵の危殆化" in revoked.message("ja") and "key compromise" in revoked.message("en")


def test_unavailable_revocation_fails_closed(jpki: Jpki, signing: SoftwareSigner, clock: SimulatedClock) -> None:
    stale = CrlChecker([jpki.crl(CaKind.SIGN)], clock)
    sig = sign_detached(DOC, signing, clock=clock)
    clock.advance(days=2)
    assert verify(jpki, sig, revocation=stale).failures == {Failure.REVOCATION_UNKNOWN}


def test_expiry_and_signing_time(jpki: Jpki, signing: SoftwareSigner, clock: SimulatedClock) -> None:
    sig = sign_detached(DOC, signing, clock=clock)
    clock.set(signing.certificate.not_valid_after_utc)
    assert verify(jpki, sig).ok
    clock.advance(seconds=1)
    assert verify(jpki, sig).failures == {Failure.EXPIRED}
    backdated = sign_detached(DOC, signing, clock=SimulatedClock("2026-03-31T10:00:00+09:00"))
    assert verify(jpki, backdated, at=signing.certificate.not_valid_before_utc).failures == \
        {Failure.NOT_VALID_AT_SIGNING_TIME}


@pytest.mark.parametrize("junk", [b"", b"\x30\x00", b"garbage", der.sequence(der.oid("1.2.3"), der.null())])
def test_malformed_signatures_are_reported_not_raised(jpki: Jpki, junk: bytes) -> None:
    result = verify(jpki, junk)
    assert not result.ok and result.failures == {Failure.MALFORMED}
    assert result.message("ja") != result.message("en")


def test_cryptography_made_signature_verifies_too(jpki: Jpki, ee_key: rsa.RSAPrivateKey,
                                                  signing: SoftwareSigner) -> None:
    """Interop the other way: a PKCS7SignatureBuilder (OpenSSL inside) detached signature."""
    sig = (pkcs7.PKCS7SignatureBuilder().set_data(DOC).add_signer(signing.certificate, ee_key, hashes.SHA256())
           .sign(Encoding.DER, [pkcs7.PKCS7Options.DetachedSignature, pkcs7.PKCS7Options.Binary]))
    result = verify(jpki, sig)
    assert result.ok, result.message("en")
    assert not verify(jpki, sig, DOC[:-1]).ok


def test_digest_info_helpers(ee_key: rsa.RSAPrivateKey, signing: SoftwareSigner) -> None:
    digest = HashAlg.SHA256.digest(b"abc")
    info = digest_info(HashAlg.SHA256, digest)
    assert info.hex().startswith("3031300d060960864801650304020105000420")
    assert parse_digest_info(info) == (HashAlg.SHA256, digest)
    for bad in (info[:-1], b"\x00" + info[1:], digest):
        with pytest.raises(InputError) as exc:
            parse_digest_info(bad)
        assert_bilingual(exc.value)
    with pytest.raises(InputError):
        digest_info(HashAlg.SHA384, digest)
    signature = sign_message(signing, b"login challenge")
    ee_key.public_key().verify(signature, b"login challenge", padding.PKCS1v15(), hashes.SHA256())


def test_software_signer_checks_its_key(ee_keys: list[rsa.RSAPrivateKey], signing: SoftwareSigner) -> None:
    with pytest.raises(InputError) as info:
        SoftwareSigner(ee_keys[1], signing.certificate)
    assert_bilingual(info.value)
