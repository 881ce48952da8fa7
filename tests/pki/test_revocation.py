"""Revocation, hold and release, CRLs and OCSP — run against both stores."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import ocsp
from pki_support import assert_bilingual, make_holder

from labkit.clock import JST, SimulatedClock
from labkit.errors import InputError, PkiError
from labkit.pki import (
    CARD_AUTH,
    CARD_SIGN,
    PHONE_AUTH,
    PHONE_SIGN,
    CaKind,
    CertState,
    CrlChecker,
    Jpki,
    OcspChecker,
    Reason,
    RevocationStateError,
    Store,
    UnknownCertificateError,
)

DER = serialization.Encoding.DER


@pytest.fixture
def lab(make_jpki: Callable[..., Jpki], store: Store) -> Jpki:
    return make_jpki(store)


@pytest.fixture
def certs(lab: Jpki, ee_key: rsa.RSAPrivateKey) -> dict[str, x509.Certificate]:
    holder = make_holder()
    return {p.id: lab.issue(p, ee_key.public_key(), holder) for p in (CARD_AUTH, CARD_SIGN, PHONE_AUTH, PHONE_SIGN)}


def crl(lab: Jpki, kind: CaKind) -> x509.CertificateRevocationList:
    return x509.load_der_x509_crl(lab.crl(kind))


def reason_of(entry: x509.RevokedCertificate) -> x509.ReasonFlags | None:
    try:
        return entry.extensions.get_extension_for_class(x509.CRLReason).value.reason
    except x509.ExtensionNotFound:
        return None


# --- state machine -----------------------------------------------------------------------

def test_hold_then_release_user_auth(lab: Jpki, certs: dict[str, x509.Certificate], clock: SimulatedClock) -> None:
    serial = certs["phone-auth"].serial_number
    held = lab.hold(serial)
    assert (held.state, held.reason) == (CertState.HELD, Reason.CERTIFICATE_HOLD)
    assert held.revoked_at == clock.now()
    entry = crl(lab, CaKind.AUTH).get_revoked_certificate_by_serial_number(serial)
    assert entry is not None and reason_of(entry) is x509.ReasonFlags.certificate_hold
    clock.advance(hours=2)
    assert lab.release_hold(serial).state is CertState.GOOD
    assert crl(lab, CaKind.AUTH).get_revoked_certificate_by_serial_number(serial) is None  # omitted, not delta


@pytest.mark.parametrize("profile", ["card-sign", "phone-sign"])
def test_held_signing_certificate_cannot_be_released_only_revoked(
        lab: Jpki, certs: dict[str, x509.Certificate], clock: SimulatedClock, profile: str) -> None:
    serial = certs[profile].serial_number
    hold_time = clock.now()
    lab.hold(serial)
    with pytest.raises(RevocationStateError) as info:
        lab.release_hold(serial)
    assert_bilingual(info.value)
    assert lab.status(serial).state is CertState.HELD
    clock.advance(days=3)
    status = lab.revoke(serial, Reason.KEY_COMPROMISE)
    assert (status.state, status.reason, status.revoked_at) == (CertState.REVOKED, Reason.KEY_COMPROMISE,
                                                                clock.now())
    entry = crl(lab, CaKind.SIGN).get_revoked_certificate_by_serial_number(serial)
    assert reason_of(entry) is x509.ReasonFlags.key_compromise
    assert entry.revocation_date_utc == clock.now()
    invalidity = entry.extensions.get_extension_for_class(x509.InvalidityDate).value
    assert invalidity.invalidity_date_utc == hold_time  # the hold time says since when it was doubtful


def test_illegal_transitions(lab: Jpki, certs: dict[str, x509.Certificate]) -> None:
    serial = certs["card-sign"].serial_number
    with pytest.raises(RevocationStateError):
        lab.release_hold(serial)  # not held
    lab.revoke(serial, Reason.AFFILIATION_CHANGED)
    for action in (lambda: lab.revoke(serial, Reason.SUPERSEDED), lambda: lab.hold(serial),
                   lambda: lab.release_hold(serial)):
        with pytest.raises(RevocationStateError) as info:
            action()
        assert_bilingual(info.value)
    assert lab.status(serial).reason is Reason.AFFILIATION_CHANGED
    auth = certs["card-auth"].serial_number
    lab.hold(auth)
    with pytest.raises(RevocationStateError):
        lab.hold(auth)
    with pytest.raises(InputError):
        lab.revoke(certs["phone-auth"].serial_number, Reason.CERTIFICATE_HOLD)


def test_unknown_and_infrastructure_serials(lab: Jpki) -> None:
    with pytest.raises(UnknownCertificateError) as info:
        lab.revoke(424242)
    assert_bilingual(info.value)
    assert lab.status(424242).state is CertState.UNKNOWN
    for cert in (lab.ca(CaKind.SIGN).certificate, lab.responder(CaKind.AUTH)):
        with pytest.raises(RevocationStateError):
            lab.revoke(cert.serial_number, Reason.KEY_COMPROMISE)


# --- CRL ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("reason", "flag"), [
    (Reason.KEY_COMPROMISE, x509.ReasonFlags.key_compromise),
    (Reason.AFFILIATION_CHANGED, x509.ReasonFlags.affiliation_changed),
    (Reason.SUPERSEDED, x509.ReasonFlags.superseded),
    (Reason.CESSATION_OF_OPERATION, x509.ReasonFlags.cessation_of_operation),
    (Reason.UNSPECIFIED, None),  # RFC 5280 §5.3.1: no reasonCode rather than unspecified
])
def test_crl_reason_codes(lab: Jpki, certs: dict[str, x509.Certificate], reason: Reason,
                          flag: x509.ReasonFlags | None) -> None:
    serial = certs["card-sign"].serial_number
    lab.revoke(serial, reason)
    entry = crl(lab, CaKind.SIGN).get_revoked_certificate_by_serial_number(serial)
    assert entry is not None and reason_of(entry) is flag


def test_crl_fields(lab: Jpki, certs: dict[str, x509.Certificate], clock: SimulatedClock) -> None:
    lab.revoke(certs["card-sign"].serial_number, Reason.KEY_COMPROMISE)
    lab.hold(certs["card-auth"].serial_number)
    root = lab.ca(CaKind.SIGN).certificate
    sign_crl = crl(lab, CaKind.SIGN)
    assert sign_crl.issuer == root.subject
    assert sign_crl.is_signature_valid(root.public_key())
    assert sign_crl.signature_hash_algorithm.name == "sha256"
    assert sign_crl.last_update_utc == clock.now()
    assert sign_crl.next_update_utc == clock.now() + timedelta(days=1)
    aki = sign_crl.extensions.get_extension_for_class(x509.AuthorityKeyIdentifier).value.key_identifier
    assert aki == root.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    assert [e.serial_number for e in sign_crl] == [certs["card-sign"].serial_number]  # per CA
    assert [e.serial_number for e in crl(lab, CaKind.AUTH)] == [certs["card-auth"].serial_number]


def test_crl_number_is_monotonic_and_the_crl_cached_until_something_changes(
        lab: Jpki, certs: dict[str, x509.Certificate], clock: SimulatedClock) -> None:
    def number(der: bytes) -> int:
        return x509.load_der_x509_crl(der).extensions.get_extension_for_class(x509.CRLNumber).value.crl_number
    first = lab.crl(CaKind.AUTH)
    clock.advance(hours=1)
    assert lab.crl(CaKind.AUTH) == first                      # nothing changed, still current
    lab.hold(certs["card-auth"].serial_number)
    second = lab.crl(CaKind.AUTH)
    assert number(second) == number(first) + 1
    clock.advance(days=1)                                      # nextUpdate reached: reissued
    third = lab.crl(CaKind.AUTH)
    assert number(third) == number(second) + 1 and x509.load_der_x509_crl(third).last_update_utc == clock.now()
    assert number(lab.crl(CaKind.SIGN)) == 1                   # numbered per CA


def test_expired_certificates_leave_the_crl(lab: Jpki, certs: dict[str, x509.Certificate],
                                            clock: SimulatedClock) -> None:
    serial = certs["card-auth"].serial_number
    lab.revoke(serial, Reason.CESSATION_OF_OPERATION)
    clock.set(certs["card-auth"].not_valid_after_utc)
    assert len(crl(lab, CaKind.AUTH)) == 1
    clock.advance(seconds=1)
    assert len(crl(lab, CaKind.AUTH)) == 1   # that CRL stays current until its nextUpdate
    clock.advance(days=1)
    assert len(crl(lab, CaKind.AUTH)) == 0   # the next one drops the expired certificate
    assert lab.status(serial).state is CertState.REVOKED  # the store still knows


# --- OCSP --------------------------------------------------------------------------------

def ask(lab: Jpki, cert: x509.Certificate, issuer: x509.Certificate, *, nonce: bytes | None = b"n" * 16,
        alg: hashes.HashAlgorithm | None = None) -> ocsp.OCSPResponse:
    builder = ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, alg or hashes.SHA1())
    if nonce is not None:
        builder = builder.add_extension(x509.OCSPNonce(nonce), critical=False)
    return ocsp.load_der_ocsp_response(lab.ocsp_respond(builder.build().public_bytes(DER)))


def test_ocsp_good_revoked_held_unknown(lab: Jpki, certs: dict[str, x509.Certificate],
                                        clock: SimulatedClock, make_jpki: Callable[..., Jpki]) -> None:
    sign_ca, auth_ca = lab.ca(CaKind.SIGN).certificate, lab.ca(CaKind.AUTH).certificate
    assert ask(lab, certs["card-sign"], sign_ca).certificate_status is ocsp.OCSPCertStatus.GOOD
    lab.revoke(certs["card-sign"].serial_number, Reason.KEY_COMPROMISE)
    revoked = ask(lab, certs["card-sign"], sign_ca, alg=hashes.SHA256())
    assert revoked.certificate_status is ocsp.OCSPCertStatus.REVOKED
    assert revoked.revocation_reason is x509.ReasonFlags.key_compromise
    assert revoked.revocation_time_utc == clock.now()
    lab.hold(certs["phone-auth"].serial_number)
    held = ask(lab, certs["phone-auth"], auth_ca)
    assert (held.certificate_status, held.revocation_reason) == (ocsp.OCSPCertStatus.REVOKED,
                                                                 x509.ReasonFlags.certificate_hold)
    clock.advance(minutes=5)
    lab.release_hold(certs["phone-auth"].serial_number)
    assert ask(lab, certs["phone-auth"], auth_ca).certificate_status is ocsp.OCSPCertStatus.GOOD
    # a serial this CA never issued (the auth certificate asked under the signing CA) is unknown
    other = make_jpki()  # same CA keys, so the CertID matches the signing CA
    stranger = other.issue(CARD_SIGN, certs["card-sign"].public_key(), make_holder("x"))
    assert ask(lab, stranger, sign_ca).certificate_status is ocsp.OCSPCertStatus.UNKNOWN


def test_ocsp_response_is_signed_by_the_delegated_responder(lab: Jpki, certs: dict[str, x509.Certificate],
                                                            clock: SimulatedClock) -> None:
    issuer = lab.ca(CaKind.AUTH).certificate
    response = ask(lab, certs["card-auth"], issuer, nonce=b"\x01" * 20)
    responder = lab.responder(CaKind.AUTH)
    assert response.response_status is ocsp.OCSPResponseStatus.SUCCESSFUL
    assert response.certificates == [responder]
    assert response.responder_key_hash == responder.extensions.get_extension_for_class(
        x509.SubjectKeyIdentifier).value.digest
    responder.public_key().verify(response.signature, response.tbs_response_bytes, padding.PKCS1v15(),
                                  response.signature_hash_algorithm)
    assert response.extensions.get_extension_for_class(x509.OCSPNonce).value.nonce == b"\x01" * 20
    assert response.this_update_utc == response.produced_at_utc == clock.now()
    assert response.next_update_utc is None
    assert response.serial_number == certs["card-auth"].serial_number
    assert response.hash_algorithm.name == "sha1"  # the CertID is answered as asked
    no_nonce = ask(lab, certs["card-auth"], issuer, nonce=None)
    assert not any(isinstance(e.value, x509.OCSPNonce) for e in no_nonce.extensions)


def test_ocsp_refusals(lab: Jpki, certs: dict[str, x509.Certificate]) -> None:
    for junk in (b"", b"\x30\x03\x02\x01", b"not der at all"):
        assert ocsp.load_der_ocsp_response(lab.ocsp_respond(junk)).response_status is \
            ocsp.OCSPResponseStatus.MALFORMED_REQUEST
    foreign_key = rsa.generate_private_key(65537, 2048)
    foreign = (x509.CertificateBuilder().subject_name(certs["card-auth"].issuer).issuer_name(certs["card-auth"].issuer)
               .public_key(foreign_key.public_key()).serial_number(1)
               .not_valid_before(certs["card-auth"].not_valid_before_utc)
               .not_valid_after(certs["card-auth"].not_valid_after_utc).sign(foreign_key, hashes.SHA256()))
    # same DN as the lab root, different key: the issuerKeyHash gives it away
    assert ask(lab, certs["card-auth"], foreign).response_status is ocsp.OCSPResponseStatus.UNAUTHORIZED


def test_responder_is_renewed_when_it_expires(lab: Jpki, clock: SimulatedClock,
                                              certs: dict[str, x509.Certificate]) -> None:
    old = lab.responder(CaKind.SIGN)
    clock.set(old.not_valid_after_utc + timedelta(seconds=1))
    response = ask(lab, certs["card-sign"], lab.ca(CaKind.SIGN).certificate)
    new = lab.responder(CaKind.SIGN)
    assert new.serial_number != old.serial_number and response.certificates == [new]
    assert new.not_valid_before_utc == clock.now()


# --- relying-party checkers agree ---------------------------------------------------------

@pytest.mark.parametrize("action", ["none", "hold", "revoke"])
def test_store_crl_and_ocsp_checkers_agree(lab: Jpki, certs: dict[str, x509.Certificate],
                                           clock: SimulatedClock, action: str) -> None:
    cert, issuer = certs["phone-auth"], lab.ca(CaKind.AUTH).certificate
    if action == "hold":
        lab.hold(cert.serial_number)
    elif action == "revoke":
        lab.revoke(cert.serial_number, Reason.SUPERSEDED)
    checkers = [lab.checker(), CrlChecker([lab.crl(CaKind.AUTH), lab.crl(CaKind.SIGN)], clock),
                OcspChecker(lab.ocsp_respond, clock)]
    answers = {(s.state, s.reason, s.revoked_at) for s in (c.check(cert, issuer) for c in checkers)}
    expected = {"none": (CertState.GOOD, None, None),
                "hold": (CertState.HELD, Reason.CERTIFICATE_HOLD, clock.now()),
                "revoke": (CertState.REVOKED, Reason.SUPERSEDED, clock.now())}[action]
    assert answers == {expected}


def test_crl_checker_refuses_a_stale_crl(lab: Jpki, certs: dict[str, x509.Certificate],
                                         clock: SimulatedClock) -> None:
    checker = CrlChecker([lab.crl(CaKind.AUTH)], clock)
    clock.advance(days=1)
    with pytest.raises(PkiError) as info:
        checker.check(certs["card-auth"], lab.ca(CaKind.AUTH).certificate)
    assert_bilingual(info.value)
    with pytest.raises(PkiError):  # no CRL from this issuer at all
        CrlChecker([], clock).check(certs["card-auth"], lab.ca(CaKind.AUTH).certificate)


def test_ocsp_checker_detects_replay_and_refusals(lab: Jpki, certs: dict[str, x509.Certificate],
                                                  clock: SimulatedClock) -> None:
    issuer = lab.ca(CaKind.AUTH).certificate
    recorded: list[bytes] = []

    def record(request: bytes) -> bytes:
        recorded.append(lab.ocsp_respond(request))
        return recorded[-1]
    OcspChecker(record, clock).check(certs["card-auth"], issuer)
    replay = OcspChecker(lambda request: recorded[0], clock)   # an old answer, another nonce
    with pytest.raises(PkiError) as info:
        replay.check(certs["card-auth"], issuer)
    assert "nonce" in info.value.message("en")
    refused = OcspChecker(lambda request: lab.ocsp_respond(b"junk"), clock)
    with pytest.raises(PkiError):
        refused.check(certs["card-auth"], issuer)

    def tampered(request: bytes) -> bytes:
        der = bytearray(lab.ocsp_respond(request))
        der[-5] ^= 0x01  # inside the signature value
        return bytes(der)
    with pytest.raises(PkiError):
        OcspChecker(tampered, clock).check(certs["card-auth"], issuer)


def test_status_texts_are_bilingual(lab: Jpki, certs: dict[str, x509.Certificate]) -> None:
    lab.hold(certs["card-auth"].serial_number)
    text = lab.status(certs["card-auth"].serial_number).text
    assert text.ja == "一時保留中 (一時保留)" and text.en == "on hold (certificate hold)"
    assert lab.status(certs["card-sign"].serial_number).revoked_at is None
    assert lab.status(certs["card-sign"].serial_number).not_after.astimezone(JST).hour == 23
