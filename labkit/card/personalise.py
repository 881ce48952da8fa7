"""Personalisation at the municipal counter (市区町村の窓口): make a My Number Card for one
resident, with keys generated on the card and certificates issued by the lab J-LIS.

One call::

    card = personalise(jpki, holder, my_number="123456789018",
                       auth_pin="1234", sign_password="ABC123")

The sequence mirrors the real counter: check everything first (so a refusal issues
nothing), let the card generate the user-authentication key pair, have J-LIS certify the
public key, write the certificate and the CA certificate, then the same for the signing key
— unless the resident is under 15 or declines it — and finally set the PINs and the
券面事項入力補助AP. Only public keys leave the card."""

from __future__ import annotations

from cryptography.hazmat.primitives.serialization import Encoding

from ..clock import to_jst
from ..errors import InputError
from ..i18n import Text
from ..pki import CARD_AUTH, CARD_SIGN, CaKind, Holder, Jpki
from ..pki.validity import SIGNING_MIN_AGE
from ._card import MyNumberCard
from ._jpki import JpkiApplet
from ._kenhojo import KenhojoApplet, KenhojoRecord, check_my_number
from ._pin import KENHOJO_PIN_POLICY
from ._profile import CardQuirks, JpkiProfile
from .constants import Atr, KeyRole

__all__ = ["kenhojo_record", "personalise"]


def kenhojo_record(holder: Holder, my_number: str) -> KenhojoRecord:
    """The text-AP contents for ``holder``: My Number plus the four basic attributes."""
    attrs = holder.attributes
    return KenhojoRecord(check_my_number(my_number), attrs.name, attrs.address, attrs.birth_date,
                         str(int(attrs.sex)))


def personalise(jpki: Jpki, holder: Holder, *, my_number: str, auth_pin: str,
                sign_password: str | None = None, kenhojo_pin: str | None = None,
                atr: bytes = Atr.CONTACT, quirks: CardQuirks | None = None) -> MyNumberCard:
    """Issue a personalised card.

    ``sign_password`` None means no signing certificate (the resident declined it); for a
    resident under 15 on the issuance day (JST, from ``jpki.clock``) it must be None, as no
    signing certificate is issued to them. ``kenhojo_pin`` defaults to ``auth_pin`` (the
    usual choice at the counter; the counters stay separate). Raises InputError or the PKI's
    NotEligibleError before anything is issued when an input is not allowed."""
    profile = JpkiProfile.CARD
    profile.auth_pin.check(auth_pin)
    KENHOJO_PIN_POLICY.check(auth_pin if kenhojo_pin is None else kenhojo_pin)
    record = kenhojo_record(holder, my_number)
    age = holder.attributes.age_on(to_jst(jpki.clock.now()).date())
    if sign_password is not None:
        profile.sign_pin.check(sign_password)
        if age < SIGNING_MIN_AGE:
            raise InputError(Text(f"15歳未満 ({age} 歳) には署名用電子証明書を発行しません",
                                  f"no signing certificate for a resident under 15 (age {age})"))

    applet = JpkiApplet(profile, quirks=quirks)
    roles = [KeyRole.AUTH] + ([KeyRole.SIGN] if sign_password is not None else [])
    for role in roles:  # auth first: J-LIS caps the signing certificate at the auth one
        public_key = applet.generate_key(role)
        cert_profile, ca_kind = (CARD_AUTH, CaKind.AUTH) if role is KeyRole.AUTH else (CARD_SIGN, CaKind.SIGN)
        certificate = jpki.issue(cert_profile, public_key, holder)
        applet.write_certificate(role, certificate.public_bytes(Encoding.DER))
        applet.write_ca_certificate(role, jpki.ca(ca_kind).der)
    applet.set_pin(KeyRole.AUTH, auth_pin)
    applet.set_pin(KeyRole.SIGN, sign_password)
    kenhojo = KenhojoApplet(record, auth_pin if kenhojo_pin is None else kenhojo_pin)
    return MyNumberCard(applet, kenhojo, atr=atr)

