"""Every extension of every profile, read back from DER with cryptography."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, ExtensionOID, NameOID
from pki_support import assert_bilingual, make_holder

from labkit.clock import JST
from labkit.errors import InputError
from labkit.pki import (
    CARD_AUTH,
    CARD_SIGN,
    LAB_ARC,
    PHONE_AUTH,
    PHONE_SIGN,
    PROFILES,
    CaKind,
    Form,
    Jpki,
    Profile,
    basic_attributes_of,
    profile_of,
)
from labkit.pki import _der as der

BASE = "http://jlis.lab.example:8080/"
BASIC = "1.2.392.200149.8.5.5."


@pytest.fixture
def lab(make_jpki: Callable[..., Jpki]) -> Jpki:
    return make_jpki(base_url=BASE)


def reparse(cert: x509.Certificate) -> x509.Certificate:
    return x509.load_der_x509_certificate(cert.public_bytes(serialization.Encoding.DER))


def ext(cert: x509.Certificate, oid: x509.ObjectIdentifier) -> x509.Extension:
    return cert.extensions.get_extension_for_oid(oid)


@pytest.mark.parametrize("profile", list(PROFILES.values()), ids=list(PROFILES))
def test_end_entity_profile(lab: Jpki, ee_key: rsa.RSAPrivateKey, profile: Profile) -> None:
    holder = make_holder()
    cert = reparse(lab.issue(profile, ee_key.public_key(), holder))
    root = lab.ca(profile.ca).certificate

    assert cert.version is x509.Version.v3
    assert cert.signature_algorithm_oid == x509.SignatureAlgorithmOID.RSA_WITH_SHA256
    assert cert.issuer.public_bytes() == root.subject.public_bytes()
    cert.verify_directly_issued_by(root)
    assert 0 < cert.serial_number < 2 ** 159 and cert.serial_number.bit_length() > 64

    # subject: no personal data in user-auth; romaji locality in signing
    subject = [(a.oid, a.value) for a in cert.subject]
    cn = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value
    assert re.fullmatch(r"[0-9A-Z]{20,23}", cn)
    if profile.signing:
        assert subject == [(NameOID.COUNTRY_NAME, "JP"), (NameOID.LOCALITY_NAME, "Tokyo"),
                           (NameOID.LOCALITY_NAME, "Kiyose-shi"), (NameOID.COMMON_NAME, cn)]
    else:
        assert subject == [(NameOID.COUNTRY_NAME, "JP"), (NameOID.COMMON_NAME, cn)]

    expected = {ExtensionOID.KEY_USAGE, ExtensionOID.CERTIFICATE_POLICIES, ExtensionOID.CRL_DISTRIBUTION_POINTS,
                ExtensionOID.AUTHORITY_INFORMATION_ACCESS, ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
                ExtensionOID.SUBJECT_KEY_IDENTIFIER}
    if profile.signing:
        expected.add(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    assert {e.oid for e in cert.extensions} == expected  # no EKU, no basicConstraints

    ku = ext(cert, ExtensionOID.KEY_USAGE)
    assert ku.critical and ku.value.digital_signature
    assert ku.value.content_commitment is profile.signing  # nonRepudiation on signing only
    assert not (ku.value.key_encipherment or ku.value.data_encipherment or ku.value.key_agreement
                or ku.value.key_cert_sign or ku.value.crl_sign)

    cp = ext(cert, ExtensionOID.CERTIFICATE_POLICIES)
    assert cp.critical is profile.signing
    assert [p.policy_identifier.dotted_string for p in cp.value] == [profile.policy.value.dotted_string]
    assert cp.value[0].policy_qualifiers is None
    assert profile.policy.value.dotted_string.startswith(LAB_ARC + ".")

    dp = ext(cert, ExtensionOID.CRL_DISTRIBUTION_POINTS)
    assert not dp.critical
    assert [n.value for n in dp.value[0].full_name] == [f"http://jlis.lab.example:8080/crl/{profile.ca.value}.crl"]
    aia_ext = ext(cert, ExtensionOID.AUTHORITY_INFORMATION_ACCESS).value
    aia = {(d.access_method, d.access_location.value) for d in aia_ext}
    assert aia == {(AuthorityInformationAccessOID.OCSP, "http://jlis.lab.example:8080/ocsp"),
                   (AuthorityInformationAccessOID.CA_ISSUERS,
                    f"http://jlis.lab.example:8080/ca/{profile.ca.value}.der")}

    root_ski = root.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value.digest
    assert ext(cert, ExtensionOID.AUTHORITY_KEY_IDENTIFIER).value.key_identifier == root_ski
    assert ext(cert, ExtensionOID.SUBJECT_KEY_IDENTIFIER).value == \
        x509.SubjectKeyIdentifier.from_public_key(ee_key.public_key())

    assert profile_of(cert) is profile
    if profile.signing:
        assert basic_attributes_of(cert) == holder.attributes
    else:
        assert basic_attributes_of(cert) is None


def test_signing_san_carries_the_four_attributes_in_observed_order(lab: Jpki, ee_key: rsa.RSAPrivateKey) -> None:
    holder = make_holder(name_substitute="01000", address_substitute="0" * 8 + "1" + "0" * 7)
    cert = reparse(lab.issue(CARD_SIGN, ee_key.public_key(), holder))
    san = ext(cert, ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
    assert not san.critical
    names = list(san.value)
    assert all(isinstance(n, x509.OtherName) for n in names)
    assert [n.type_id.dotted_string for n in names] == [BASIC + s for s in "143526"]
    values = [der.parse(n.value) for n in names]
    assert all(v.tag == der.Tag.UTF8_STRING for v in values)  # [0] EXPLICIT UTF8String inside
    assert [v.as_text() for v in values] == [
        "番号\u3000花子", "419900715", "2", "東京都清瀬市見本町１丁目２番３号", "01000", "0000000010000000"]


def test_phone_and_card_profiles_differ_only_by_policy() -> None:
    assert len({p.policy for p in PROFILES.values()}) == 4
    for card, phone in ((CARD_SIGN, PHONE_SIGN), (CARD_AUTH, PHONE_AUTH)):
        assert (card.form, phone.form) == (Form.CARD, Form.PHONE)
        assert (card.ca, card.key_usage, card.basic_attributes, card.min_age, card.hold_releasable,
                card.policy_critical) == (phone.ca, phone.key_usage, phone.basic_attributes, phone.min_age,
                                          phone.hold_releasable, phone.policy_critical)


@pytest.mark.parametrize("kind", list(CaKind))
def test_root_is_shaped_like_jlis_but_clearly_a_lab(lab: Jpki, kind: CaKind) -> None:
    root = reparse(lab.ca(kind).certificate)
    root.verify_directly_issued_by(root)
    key = root.public_key()
    assert isinstance(key, rsa.RSAPublicKey) and key.key_size == 2048 and key.public_numbers().e == 65537
    assert root.signature_algorithm_oid == x509.SignatureAlgorithmOID.RSA_WITH_SHA256
    ou = "JPKI-LAB for digital signature" if kind is CaKind.SIGN else "JPKI-LAB for user authentication"
    assert [(a.oid, a.value) for a in root.subject] == [
        (NameOID.COUNTRY_NAME, "JP"), (NameOID.ORGANIZATION_NAME, "JPKI-LAB"),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, ou), (NameOID.ORGANIZATIONAL_UNIT_NAME, "Lab stand-in for J-LIS")]
    assert root.subject.get_attributes_for_oid(NameOID.COUNTRY_NAME)[0]._type is x509.name._ASN1Type.PrintableString
    text = root.subject.rfc4514_string() + str(root.extensions)
    assert "Japan Agency for Local Authority Information Systems" not in text and "O=JPKI," not in text

    assert [e.oid for e in root.extensions] == [
        ExtensionOID.KEY_USAGE, ExtensionOID.SUBJECT_ALTERNATIVE_NAME, ExtensionOID.BASIC_CONSTRAINTS,
        ExtensionOID.CRL_DISTRIBUTION_POINTS, ExtensionOID.SUBJECT_KEY_IDENTIFIER]
    ku = ext(root, ExtensionOID.KEY_USAGE)
    assert ku.critical and ku.value.key_cert_sign and ku.value.crl_sign
    assert not (ku.value.digital_signature or ku.value.content_commitment)
    bc = ext(root, ExtensionOID.BASIC_CONSTRAINTS)
    assert bc.critical and bc.value.ca
    alt = ext(root, ExtensionOID.SUBJECT_ALTERNATIVE_NAME).value.get_values_for_type(x509.DirectoryName)
    org = alt[0].get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    assert "公的個人認証サービス" in org and "演習" in org
    assert "地方公共団体情報システム機構" not in alt[0].rfc4514_string()
    dp = ext(root, ExtensionOID.CRL_DISTRIBUTION_POINTS).value[0]
    assert dp.full_name == [x509.DirectoryName(root.subject)]
    assert ext(root, ExtensionOID.SUBJECT_KEY_IDENTIFIER).value == x509.SubjectKeyIdentifier.from_public_key(key)
    # ten years, ending 23:59:59 JST the day before the anniversary (clock: 2026-04-01 JST)
    assert root.not_valid_after_utc.astimezone(JST).isoformat() == "2036-03-31T23:59:59+09:00"


@pytest.mark.parametrize("kind", list(CaKind))
def test_ocsp_responder_certificate(lab: Jpki, kind: CaKind) -> None:
    responder = reparse(lab.responder(kind))
    root = lab.ca(kind).certificate
    responder.verify_directly_issued_by(root)
    assert ext(responder, ExtensionOID.EXTENDED_KEY_USAGE).value == x509.ExtendedKeyUsage(
        [ExtendedKeyUsageOID.OCSP_SIGNING])
    assert isinstance(ext(responder, ExtensionOID.OCSP_NO_CHECK).value, x509.OCSPNoCheck)
    ku = ext(responder, ExtensionOID.KEY_USAGE)
    assert ku.critical and ku.value.digital_signature and not ku.value.key_cert_sign
    assert responder.not_valid_after_utc - responder.not_valid_before_utc == timedelta(days=365)
    assert lab.store.private_key(responder.serial_number) is not None  # kept in the CA's "HSM"


@pytest.mark.parametrize("bad_key", [
    ec.generate_private_key(ec.SECP256R1()).public_key(),
    rsa.generate_private_key(65537, 1024).public_key(),
])
def test_issue_rejects_non_jpki_keys(jpki: Jpki, bad_key: object) -> None:
    with pytest.raises(InputError) as info:
        jpki.issue(CARD_AUTH, bad_key, make_holder())  # type: ignore[arg-type]
    assert_bilingual(info.value)
    assert jpki.store.find(profile=CARD_AUTH.id) == []


def test_profiles_by_id(jpki: Jpki, ee_key: rsa.RSAPrivateKey) -> None:
    assert jpki.issue("phone-auth", ee_key.public_key(), make_holder()).extensions.get_extension_for_class(
        x509.CertificatePolicies).value[0].policy_identifier == PHONE_AUTH.policy.value
    with pytest.raises(InputError) as info:
        Profile.by_id("card-signing")
    assert_bilingual(info.value)


def test_issued_certificate_is_recorded_with_profile_and_holder(jpki: Jpki, ee_key: rsa.RSAPrivateKey) -> None:
    cert = jpki.issue(PHONE_SIGN, ee_key.public_key(), make_holder("abc"))
    record = jpki.record(cert.serial_number)
    assert (record.profile, record.holder_id, record.ca) == ("phone-sign", "abc", CaKind.SIGN)
    assert record.der == cert.public_bytes(serialization.Encoding.DER)
    assert [r.serial for r in jpki.certificates_of("abc")] == [cert.serial_number]
    assert cert.fingerprint(hashes.SHA256()) == jpki.certificate(cert.serial_number).fingerprint(hashes.SHA256())
