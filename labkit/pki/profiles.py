"""End-entity certificate profiles, one small declarative record each, and the code that
turns a profile + holder + public key into a certificate (and a certificate back into the
basic attributes).

What every end-entity certificate carries (choices documented once, here):

* subject: signing ``C=JP, L=<prefecture>, L=<municipality>, CN=<opaque id>``; user-auth
  ``C=JP, CN=<opaque id>`` — no personal data at all.
* keyUsage (critical): signing = digitalSignature + nonRepudiation; user-auth =
  digitalSignature.
* certificatePolicies: one lab policy per profile (:class:`LabPolicy`), no CPS qualifier
  (the lab publishes no CPS). Critical on signing certificates as J-LIS does; non-critical
  on user-auth ones (the real criticality is not public; non-critical is RFC 5280's norm).
* subjectAltName (signing only): six ``otherName`` entries, order 1,4,3,5,2,6, each value
  ``[0] EXPLICIT UTF8String``.
* cRLDistributionPoints ``<base>/crl/{sign,auth}.crl``; authorityInfoAccess OCSP
  ``<base>/ocsp`` and caIssuers ``<base>/ca/{sign,auth}.der``; AKI; SKI.
* No extendedKeyUsage and no basicConstraints: JPKI certificates are used for CMS, XAdES
  and challenge signatures, not TLS, and an EKU would only make relying software reject them.

Smartphone profiles differ from card profiles only by their policy OID (and label); they
come from the same two CAs under the same validity rule, so a relying party that accepts
JPKI accepts both and can still tell them apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import AuthorityInformationAccessOID, NameOID

from ..clock import to_jst
from ..errors import InputError, PkiError
from ..i18n import Text
from . import _der
from .constants import SAN_ORDER, BasicAttributeOid, CaKind, Form, LabPolicy, Sex
from .subject import BasicAttributes, Holder
from .urls import LabUrls

#: Store ``profile`` values of the infrastructure certificates.
ROOT_PROFILE = "root"
OCSP_PROFILE = "ocsp-responder"

_SIGN_USAGE = x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                            data_encipherment=False, key_agreement=False, key_cert_sign=False,
                            crl_sign=False, encipher_only=False, decipher_only=False)
_AUTH_USAGE = x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                            data_encipherment=False, key_agreement=False, key_cert_sign=False,
                            crl_sign=False, encipher_only=False, decipher_only=False)


@dataclass(frozen=True, slots=True)
class Profile:
    """One kind of end-entity certificate.

    ``min_age``: no certificate below this age on the issuance day (signing: 15).
    ``hold_releasable``: whether a 一時保留 may be lifted (lecture 2-6: user-auth yes; a held
    signing certificate must be revoked and issued anew).
    """

    id: str
    ca: CaKind
    form: Form
    policy: LabPolicy
    policy_critical: bool
    key_usage: x509.KeyUsage
    basic_attributes: bool
    min_age: int | None
    hold_releasable: bool
    label: Text

    @property
    def signing(self) -> bool:
        return self.ca is CaKind.SIGN

    @staticmethod
    def by_id(profile_id: str) -> Profile:
        try:
            return PROFILES[profile_id]
        except KeyError:
            raise InputError(Text(f"証明書プロファイル {profile_id!r} はありません",
                                  f"no certificate profile {profile_id!r}; choose one of {', '.join(PROFILES)}"),
                             profile=profile_id) from None


CARD_SIGN = Profile("card-sign", CaKind.SIGN, Form.CARD, LabPolicy.CARD_SIGN, True, _SIGN_USAGE, True, 15, False,
                    Text("署名用電子証明書 (カード)", "signing certificate (card)"))
CARD_AUTH = Profile("card-auth", CaKind.AUTH, Form.CARD, LabPolicy.CARD_AUTH, False, _AUTH_USAGE, False, None, True,
                    Text("利用者証明用電子証明書 (カード)", "user-authentication certificate (card)"))
PHONE_SIGN = Profile("phone-sign", CaKind.SIGN, Form.PHONE, LabPolicy.PHONE_SIGN, True, _SIGN_USAGE, True, 15,
                     False, Text("スマホ用署名用電子証明書", "smartphone signing certificate"))
PHONE_AUTH = Profile("phone-auth", CaKind.AUTH, Form.PHONE, LabPolicy.PHONE_AUTH, False, _AUTH_USAGE, False, None,
                     True, Text("スマホ用利用者証明用電子証明書", "smartphone user-authentication certificate"))

PROFILES: dict[str, Profile] = {p.id: p for p in (CARD_SIGN, CARD_AUTH, PHONE_SIGN, PHONE_AUTH)}


def check_public_key(key: object) -> rsa.RSAPublicKey:
    """JPKI keys are RSA (2048 on cards and SEs); accept 2048-4096 bits."""
    if not isinstance(key, rsa.RSAPublicKey) or not 2048 <= key.key_size <= 4096:
        raise InputError(Text("公開鍵は RSA 2048〜4096 ビットです", "the public key must be RSA, 2048-4096 bits"))
    return key


def opaque_id(serial: int, issued_at: datetime) -> str:
    """A 22-character subject CN that says nothing about the person: JST issue time
    ``YYYYMMDDhhmmss`` + 6 digits derived from the serial + ``LB`` (lab)."""
    return f"{to_jst(issued_at):%Y%m%d%H%M%S}{serial % 1_000_000:06d}LB"


def subject_name(profile: Profile, holder: Holder, cn: str) -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "JP")]
    if profile.signing:
        attrs += [x509.NameAttribute(NameOID.LOCALITY_NAME, holder.prefecture),
                  x509.NameAttribute(NameOID.LOCALITY_NAME, holder.municipality)]
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, cn))
    return x509.Name(attrs)


def _other_name(oid: BasicAttributeOid, text: str) -> x509.OtherName:
    # cryptography writes the [0] EXPLICIT wrapper itself; the value is the inner TLV.
    return x509.OtherName(oid.value, _der.utf8_string(text))


def basic_attributes_san(attrs: BasicAttributes) -> x509.SubjectAlternativeName:
    values = {
        BasicAttributeOid.NAME: attrs.name,
        BasicAttributeOid.NAME_SUBSTITUTE: attrs.name_substitute,
        BasicAttributeOid.SEX: str(attrs.sex.value),
        BasicAttributeOid.BIRTH_DATE: attrs.birth_date_code,
        BasicAttributeOid.ADDRESS: attrs.address,
        BasicAttributeOid.ADDRESS_SUBSTITUTE: attrs.address_substitute,
    }
    return x509.SubjectAlternativeName([_other_name(oid, values[oid]) for oid in SAN_ORDER])


def ca_pointers(kind: CaKind, urls: LabUrls) -> list[x509.ExtensionType]:
    """CRL DP and AIA (OCSP + caIssuers) every certificate under ``kind`` carries."""
    return [
        x509.CRLDistributionPoints([x509.DistributionPoint(
            full_name=[x509.UniformResourceIdentifier(urls.crl(kind))],
            relative_name=None, reasons=None, crl_issuer=None)]),
        x509.AuthorityInformationAccess([
            x509.AccessDescription(AuthorityInformationAccessOID.OCSP, x509.UniformResourceIdentifier(urls.ocsp)),
            x509.AccessDescription(AuthorityInformationAccessOID.CA_ISSUERS,
                                   x509.UniformResourceIdentifier(urls.ca(kind))),
        ]),
    ]


def key_ids(public_key: rsa.RSAPublicKey, issuer: x509.Certificate) -> list[x509.ExtensionType]:
    ski = issuer.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
    return [x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski),
            x509.SubjectKeyIdentifier.from_public_key(public_key)]


def build_end_entity(
    profile: Profile,
    holder: Holder,
    public_key: rsa.RSAPublicKey,
    *,
    serial: int,
    not_before: datetime,
    not_after: datetime,
    issuer: x509.Certificate,
    issuer_key: rsa.RSAPrivateKey,
    urls: LabUrls,
) -> x509.Certificate:
    """Sign one end-entity certificate; validity is decided by the caller (see validity)."""
    builder = (x509.CertificateBuilder()
               .subject_name(subject_name(profile, holder, opaque_id(serial, not_before)))
               .issuer_name(issuer.subject)
               .public_key(public_key)
               .serial_number(serial)
               .not_valid_before(not_before)
               .not_valid_after(not_after)
               .add_extension(profile.key_usage, critical=True)
               .add_extension(x509.CertificatePolicies([x509.PolicyInformation(profile.policy.value, None)]),
                              critical=profile.policy_critical))
    if profile.basic_attributes:
        builder = builder.add_extension(basic_attributes_san(holder.attributes), critical=False)
    for ext in [*ca_pointers(profile.ca, urls), *key_ids(public_key, issuer)]:
        builder = builder.add_extension(ext, critical=False)
    return builder.sign(issuer_key, hashes.SHA256())


def profile_of(cert: x509.Certificate) -> Profile | None:
    """The lab profile a certificate was issued under, from its policy OID."""
    try:
        policies = cert.extensions.get_extension_for_class(x509.CertificatePolicies).value
    except x509.ExtensionNotFound:
        return None
    oids = {p.policy_identifier for p in policies}
    return next((p for p in PROFILES.values() if p.policy.value in oids), None)


def basic_attributes_of(cert: x509.Certificate) -> BasicAttributes | None:
    """Read the four basic attributes back from a signing certificate's SAN."""
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return None
    values: dict[BasicAttributeOid, str] = {}
    known = {o.value: o for o in BasicAttributeOid}
    for name in san.get_values_for_type(x509.OtherName):
        if name.type_id in known:
            values[known[name.type_id]] = _der.parse(name.value).as_text()
    if not values:
        return None
    missing = [o.value.dotted_string for o in BasicAttributeOid if o not in values]
    if missing:
        raise PkiError(Text("基本4情報が欠けています", "basic attributes are missing from the SAN"),
                       missing=missing)
    try:
        return BasicAttributes(
            name=values[BasicAttributeOid.NAME],
            sex=Sex(int(values[BasicAttributeOid.SEX])),
            birth_date=BasicAttributes.parse_birth_date_code(values[BasicAttributeOid.BIRTH_DATE]),
            address=values[BasicAttributeOid.ADDRESS],
            name_substitute=values[BasicAttributeOid.NAME_SUBSTITUTE],
            address_substitute=values[BasicAttributeOid.ADDRESS_SUBSTITUTE],
        )
    except (InputError, ValueError) as exc:
        raise PkiError(Text("証明書の基本4情報が読めません", "the basic attributes in the certificate are malformed"),
                       cause=str(exc)) from exc
