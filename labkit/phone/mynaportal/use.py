"""The Mynaportal app using the certificates for others: a login challenge signed with the
user-auth key (after the PIN or biometrics, and after checking the service's TLS certificate),
CMS signatures with the signing key, biometric enrolment, and the rule that only this app —
or a registered service's app asking through it — may use them."""

from __future__ import annotations

import hashlib

from cryptography import x509

from ...card import KeyRole
from ...errors import InputError, ServiceError
from ...i18n import Text
from ...office.refusals import Refusal, refuse
from ...pki import HashAlg, Signer, digest_info, sign_detached
from ...se import AppIdentity
from ...services.protocol import Assertion, AuthMethod, Challenge
from ..apps import BANK
from .core import MynaportalCore

__all__ = ["REGISTERED_SERVICES", "CertificateUse"]

#: Apps allowed to ask this app for a login or a signature (連携サービス): package → cert hash.
REGISTERED_SERVICES: dict[str, bytes] = {BANK.package: BANK.certificate_hash}


class CertificateUse(MynaportalCore):
    """:class:`~.core.MynaportalCore` (which provides the SE access) using the certificates."""

    # -- using the certificates -------------------------------------------------------------------
    def check_caller(self, caller: AppIdentity | None) -> None:
        """This app itself, or a registered service's app; anything else is refused."""
        if caller is None or caller == self.identity:
            return
        expected = REGISTERED_SERVICES.get(caller.package)
        if expected is None or expected not in caller.hashes():
            raise refuse(Refusal.OTHER_APP, Text(f"連携サービスとして登録されていないアプリ: {caller.package}",
                                                 f"not a registered service app: {caller.package}"),
                         package=caller.package)

    def enroll_biometrics(self, pin: str) -> None:
        """Keep the PIN behind the phone's biometric check (after verifying it in the SE)."""
        if not self.phone.biometrics.matches():
            raise ServiceError(Text("スマホに登録された指紋と一致しません (端末の設定で生体認証を登録してください)",
                                    "the finger does not match the phone's enrolled biometrics"), reason="biometric")
        if not self.present()[KeyRole.AUTH]:
            raise refuse(Refusal.NOT_REGISTERED)
        self._guard(lambda: self.se().verify(KeyRole.AUTH, pin, allow_last_try=True))
        self.data.biometric_pin = pin

    def _pin(self, pin: str | None, biometric: bool) -> tuple[str, AuthMethod]:
        if not biometric:
            if pin is None:
                raise InputError(Text("暗証番号を入力してください", "enter the PIN"))
            return pin, AuthMethod.PIN
        if self.data.biometric_pin is None:
            raise ServiceError(Text("生体認証が登録されていません (「生体認証などを利用登録する」)",
                                    "biometrics are not registered (\"Register biometrics etc.\")"),
                               reason="biometric")
        if not self.phone.biometrics.matches():
            raise ServiceError(Text("生体認証が一致しません", "biometric check failed"), reason="biometric")
        return self.data.biometric_pin, AuthMethod.BIOMETRIC

    def authenticate(self, challenge: Challenge, *, pin: str | None = None, biometric: bool = False,
                     caller: AppIdentity | None = None) -> Assertion:
        """Sign a service's login challenge with the SE's user-auth key, after the PIN (or
        biometrics). The app first checks the service's TLS certificate when it has a host."""
        self.check_caller(caller)
        if challenge.host is not None:
            tls = self.phone.connect(challenge.host)
            if not tls.ok:
                assert tls.reason is not None
                raise ServiceError(tls.reason, reason="fake_site", host=challenge.host)
        value, method = self._pin(pin, biometric)
        if not self.present()[KeyRole.AUTH]:
            raise refuse(Refusal.NOT_REGISTERED)

        def sign() -> tuple[bytes, bytes]:
            client = self.se()
            der = client.read_certificate_der(KeyRole.AUTH, pin=value, allow_last_try=True)
            digest = hashlib.sha256(challenge.to_be_signed()).digest()
            return der, client.sign_digest_info(KeyRole.AUTH, digest_info(HashAlg.SHA256, digest))
        der, signature = self._guard(sign)
        return Assertion(challenge, der, signature, self.device_id, method)

    def signer(self, password: str, *, caller: AppIdentity | None = None) -> Signer:
        """A Signer for the smartphone signing key (the password is verified first)."""
        self.check_caller(caller)
        if not self.present()[KeyRole.SIGN]:
            raise refuse(Refusal.NOT_REGISTERED, Text("署名用の証明書がありません", "no signing certificate"))
        cert: x509.Certificate = self._guard(lambda: self.se().read_certificate(KeyRole.SIGN, pin=password,
                                                                                   allow_last_try=True))
        return _SeSigner(self, password, cert)

    def sign_document(self, data: bytes, *, password: str, caller: AppIdentity | None = None) -> bytes:
        """CMS detached SignedData over ``data`` with the smartphone signing certificate."""
        signer = self.signer(password, caller=caller)
        return sign_detached(data, signer, clock=self.phone.clock)


class _SeSigner:
    """A :class:`~labkit.pki.Signer` whose private key never leaves the SE: each signature is
    VERIFY + ``80 2A 00 80`` on an OMAPI channel of the Mynaportal app, opened (and closed)
    for that signature."""

    def __init__(self, app: CertificateUse, password: str, certificate: x509.Certificate) -> None:
        self._app = app
        self._pin = password
        self.certificate = certificate

    def sign_digest_info(self, digest_info: bytes) -> bytes:
        signature: bytes = self._app._guard(lambda: self._app.se().sign_digest_info(
            KeyRole.SIGN, digest_info, pin=self._pin, allow_last_try=True))
        return signature

    def __repr__(self) -> str:  # never shows the PIN
        return "<SeSigner sign in the GP-SE>"
