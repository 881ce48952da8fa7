"""What the Mynaportal app does, without any screen: read the card, have the SE generate
keys, set the phone passwords, apply, register, revoke, and act on pushes (logging in and
signing for services are in :mod:`.use`).

Every SE command goes through OMAPI as this app (the ARA-M rule names its signing
certificate); the card is read through the phone's NFC transport. Refusals are
:class:`~labkit.errors.ServiceError` with a stable ``reason`` and Japanese + English text.
The screens in :mod:`labkit.phone.mynaportal.app` call these methods; so do relying
services and notebooks.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ...card import JpkiFile, KeyRole
from ...card.constants import CERT_PRESENT
from ...errors import AccessDeniedError, CardError, InputError, LabkitError, ServiceError
from ...i18n import Text
from ...jlis.prerequisites import check_prerequisites
from ...office.contract import (
    ApplicationKind,
    ApplicationReceipt,
    ApplicationRequest,
    CertificateInfo,
    DeviceAction,
    DeviceProof,
    DeviceState,
    DeviceStatus,
    Notification,
    NotificationKind,
    RevocationReceipt,
    RevocationRequest,
)
from ...office.refusals import Refusal, refuse
from ...pki import CaKind, CertState
from ...reader import JpkiClient, LastTryRefusedError, PinBlockedError, WrongPinError
from ...rules import CARD_LOCK_ADVICE, PHONE_LOCK_ADVICE, check_auth_pin, check_signing_password, tries_left
from ...se import AppIdentity, InventoryItem
from ..apps import MYNAPORTAL
from ..se_client import OmapiTransport, SeJpkiClient

if TYPE_CHECKING:
    from ..device import Phone

__all__ = ["AppData", "Draft", "MynaportalCore", "role_of"]

def role_of(kind: CaKind) -> KeyRole:
    return KeyRole.SIGN if CaKind(kind) is CaKind.SIGN else KeyRole.AUTH


@dataclass
class AppData:
    """The app's own storage: wiped by uninstalling and by a factory reset."""

    application_id: str | None = None
    receipt: ApplicationReceipt | None = None
    ready: bool = False
    #: The 4-digit PIN, released only by a matching biometric (the Android Keystore's job).
    biometric_pin: str | None = None
    notices: list[Notification] = field(default_factory=list)


@dataclass
class Draft:
    """An application being filled in (app memory only)."""

    kind: ApplicationKind
    certificates: tuple[CaKind, ...]
    card_password: str = ""
    request: ApplicationRequest | None = None
    generated: tuple[KeyRole, ...] = ()

    def wants(self, kind: CaKind) -> bool:
        return kind in self.certificates


def _spki(public: Any) -> bytes:
    return bytes(public.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo))


class MynaportalCore:
    """The operations; :class:`~.use.CertificateUse` adds using the certificates and
    :class:`~labkit.phone.mynaportal.MynaportalApp` the screens."""

    def __init__(self, phone: Phone) -> None:
        self.phone = phone
        self.package = MYNAPORTAL
        self.data = AppData()
        self._client: SeJpkiClient | None = None

    @property
    def device_id(self) -> str:
        return self.phone.device_id

    @property
    def identity(self) -> AppIdentity:
        return self.package.identity

    # -- the SE, through OMAPI as this app ----------------------------------------------------
    def se(self) -> SeJpkiClient:
        if self._client is None:
            transport = OmapiTransport(self.phone.omapi(self.package.package))
            transport.add_observer(self.phone.se_trace)
            self._client = SeJpkiClient(transport)
        return self._client

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    def present(self) -> dict[KeyRole, bool]:
        """Which roles have a certificate in the SE (EF 0008, readable without a PIN)."""
        return self._guard(lambda: self.se().provisioning.certificates_present())

    def inventory(self) -> tuple[InventoryItem, ...]:
        """「スマホ電子証明書の確認」: what the SE's JPKI AP says it holds, asked through OMAPI."""
        items: tuple[InventoryItem, ...] = self._guard(lambda: self.se().provisioning.list_contents())
        return items

    def status(self) -> DeviceStatus:
        """What J-LIS knows about this phone (asked with a device proof; if the SE cannot make
        one, J-LIS answers only the state and the certificates)."""
        jlis = self.phone.jlis()
        with self.phone.device_calls:
            try:
                proof: DeviceProof | None = self.device_proof(DeviceAction.STATUS)
            except LabkitError:
                proof = None
            return jlis.device_status(self.device_id, proof)

    # -- the device key (lab assumption: :mod:`labkit.se.device_key`) ----------------------------
    def device_key(self) -> bytes:
        """The phone's device key from the SE (SPKI DER), bound by J-LIS at application."""
        spki: bytes = self._guard(lambda: _spki(self.se().provisioning.device_public_key()))
        return spki

    def device_proof(self, action: DeviceAction, application_id: str | None = None) -> DeviceProof:
        """A proof for one device call: the SE signs it with the device key and its counter."""
        proof: DeviceProof = self._guard(lambda: DeviceProof.make(action, self.device_id, application_id,
                                                                   self.se().provisioning.device_sign))
        return proof

    def _guard(self, action: Any) -> Any:
        """Run an SE action, mapping card-level errors to the app's refusals; one at a time
        (the phone widget's watcher may sync while the learner taps)."""
        with self.phone.device_calls:
            try:
                return action()
            except AccessDeniedError as exc:  # the SE refuses even this app: locked, or no rules
                raise ServiceError(Text(f"GP-SE がアクセスを拒否しました ({exc.text.ja})",
                                        f"the GP-SE refused access ({exc.text.en})"), reason="se_refused") from None
            except WrongPinError as exc:
                raise refuse(Refusal.WRONG_PIN, tries_left(exc.tries_left),
                             tries_left=exc.tries_left) from None
            except PinBlockedError:
                raise refuse(Refusal.LOCKED, PHONE_LOCK_ADVICE) from None
            except (InputError, ServiceError):
                raise
            except LastTryRefusedError as exc:  # pragma: no cover - the app always allows the last try
                raise ServiceError(exc.text, reason=Refusal.WRONG_PIN.value) from None
            except CardError as exc:
                raise ServiceError(Text(f"GP-SE がエラーを返しました: {exc.text.ja}",
                                        f"the GP-SE refused: {exc.text.en}"), reason="se_error", sw=exc.sw) from None
            finally:
                self.close()  # never leave a verified PIN on an open channel

    # -- 2-3 / 2-5 / 2-6: applying --------------------------------------------------------------
    def check_form(self, draft: Draft) -> None:
        """The prerequisites the app can check before touching the card (2-1)."""
        if not draft.certificates and draft.kind is not ApplicationKind.CARD_FOUND:
            raise InputError(Text("申請するスマホ用電子証明書を1つ以上選んでください",
                                  "choose at least one smartphone certificate"))
        problems = check_prerequisites(card_has_signing_certificate=True, signing_password=draft.card_password,
                                       device_model=self.phone.model, app_version=self.package.version)
        if problems:
            raise problems[0]

    def read_card(self, draft: Draft, transport: Any) -> ApplicationRequest:
        """2-3 ⑦: verify the card's signing password, read its signing certificate, have the
        SE generate the chosen key pairs, and have the card sign the application."""
        card = JpkiClient(transport)
        try:  # EF 0008 says which certificates the card holds (no PIN needed): ask before VERIFY
            if card.read_file(JpkiFile.CERT_AVAILABILITY, 3)[:1] != bytes((CERT_PRESENT,)):
                raise refuse(Refusal.NO_SIGNING_CERTIFICATE)
            card.verify(KeyRole.SIGN, draft.card_password, allow_last_try=True)
            card_cert = card.read_certificate_der(KeyRole.SIGN)
        except WrongPinError as exc:
            left = tries_left(exc.tries_left)
            raise refuse(Refusal.WRONG_PIN, Text(f"マイナンバーカードの署名用パスワード、{left.ja}",
                                                 f"the card's signing password, {left.en}"),
                         tries_left=exc.tries_left) from None
        except PinBlockedError:
            raise refuse(Refusal.LOCKED, Text(f"マイナンバーカードの署名用パスワード。{CARD_LOCK_ADVICE.ja}",
                                              f"the card's signing password: {CARD_LOCK_ADVICE.en}")) from None
        except CardError as exc:
            raise refuse(Refusal.NO_SIGNING_CERTIFICATE, exc.text) from None
        keys = self._generate(draft)
        request = ApplicationRequest(self.device_id, self.phone.se_id, draft.kind, draft.certificates, keys,
                                     card_cert, self.phone.model, self.package.version, secrets.token_bytes(16),
                                     device_key=self.device_key())
        draft.request = request.sign_with(lambda di: card.sign_digest_info(KeyRole.SIGN, di))
        draft.card_password = ""
        return draft.request

    def _generate(self, draft: Draft) -> dict[CaKind, bytes]:
        live = self._live_kinds()
        present = self.present()

        def generate() -> dict[CaKind, bytes]:
            prov = self.se().provisioning
            for role, has in present.items():
                kind = CaKind(role.value)
                stale = has and kind not in live
                replace = has and draft.kind is ApplicationKind.CARD_FOUND and draft.wants(kind)
                if stale or replace:
                    prov.erase([role])
                elif has and draft.wants(kind):
                    raise refuse(Refusal.ALREADY_REGISTERED)
            keys = {kind: _spki(prov.generate_key_pair(role_of(kind))) for kind in draft.certificates}
            draft.generated = tuple(role_of(k) for k in draft.certificates)
            return keys
        return self._guard(generate)

    def _live_kinds(self) -> set[CaKind]:
        # state and certificates are public (CRL/OCSP): asked without a device proof
        status = self.phone.jlis().device_status(self.device_id)
        if status.state is not DeviceState.ACTIVE:
            return set()
        return {c.kind for c in status.certificates if c.state in (CertState.GOOD, CertState.HELD)}

    def set_sign_password(self, draft: Draft, password: str) -> None:
        verdict = check_signing_password(password)
        if not verdict.ok:
            raise InputError(Text(verdict.summary("ja"), verdict.summary("en")), codes=list(verdict.codes))
        self._guard(lambda: self.se().provisioning.set_pin(KeyRole.SIGN, password))

    def set_auth_pin(self, draft: Draft, pin: str, again: str) -> None:
        verdict = check_auth_pin(pin)
        if not verdict.ok:
            raise InputError(Text(verdict.summary("ja"), verdict.summary("en")), codes=list(verdict.codes))
        if pin != again:
            raise InputError(Text("確認のために入力したパスワードが一致しません", "the two PINs do not match"))
        self._guard(lambda: self.se().provisioning.set_pin(KeyRole.AUTH, pin))

    def submit(self, draft: Draft) -> ApplicationReceipt:
        """Send the card-signed application to J-LIS; on a refusal the new keys are erased."""
        assert draft.request is not None
        jlis = self.phone.jlis()
        try:
            if draft.kind is ApplicationKind.CARD_FOUND:
                receipt = jlis.lift_suspension_by_card(draft.request)
            else:
                receipt = jlis.submit_application(draft.request)
        except ServiceError as exc:
            if exc.reason not in ("offline", Refusal.UNAVAILABLE.value):
                self.abandon(draft)
            raise
        self.data.receipt, self.data.application_id, self.data.ready = receipt, receipt.application_id, False
        return receipt

    def abandon(self, draft: Draft) -> None:
        """Erase keys generated for an application that will not be registered."""
        if draft.generated:
            roles = draft.generated
            self._guard(lambda: self.se().provisioning.erase(roles))
            draft.generated = ()

    # -- 2-4: registration ---------------------------------------------------------------------
    def register(self) -> DeviceStatus:
        """Write the issued certificates into the SE and tell J-LIS (refused before the push)."""
        jlis = self.phone.jlis()
        app_id = self.data.application_id or self.status().pending_application
        if app_id is None:
            raise ServiceError(Text("登録できる申請がありません。先に申請してください",
                                    "there is no application to register; apply first"), reason="no_application")
        with self.phone.device_calls:
            package = jlis.fetch_registration(app_id, self.device_id,
                                              self.device_proof(DeviceAction.FETCH_REGISTRATION, app_id))
        present = self.present()

        def write() -> None:
            prov = self.se().provisioning
            for kind, der in package.certificates.items():
                role = role_of(kind)
                if not present[role]:
                    prov.write_certificate(role, der)
                    prov.write_certificate(role, package.ca_certificates[kind], ca=True)
        self._guard(write)
        with self.phone.device_calls:
            status = jlis.confirm_registration(app_id, self.device_id,
                                               self.device_proof(DeviceAction.CONFIRM_REGISTRATION, app_id))
        self.data.application_id, self.data.ready = None, False
        self.data.notices = [n for n in self.data.notices if n.kind is not NotificationKind.REGISTRATION_READY]
        self.phone.note("スマホ用電子証明書を GP-SE に登録", "smartphone certificates written into the GP-SE")
        return status

    # -- 2-7: stop using -------------------------------------------------------------------------
    def revoke(self, password: str) -> RevocationReceipt | None:
        """Sign a revocation request in the SE, send it, erase the SE data. Returns None when
        J-LIS says the certificates were already revoked (the data is erased all the same)."""
        role = KeyRole.AUTH if password.isdigit() and len(password) == 4 else KeyRole.SIGN
        if not self.present()[role]:
            raise refuse(Refusal.NOT_REGISTERED, Text(f"{role.label.ja}の証明書がありません",
                                                      f"no {role.label.en} certificate"))
        jlis = self.phone.jlis()

        def sign() -> RevocationRequest:
            client = self.se()
            cert = client.read_certificate(role, pin=password, allow_last_try=True)
            request = RevocationRequest(self.device_id, cert.serial_number, secrets.token_bytes(16))
            return request.sign_with(lambda di: client.sign_digest_info(role, di))
        request = self._guard(sign)
        try:
            receipt: RevocationReceipt | None = jlis.revoke_by_user(request)
        except ServiceError as exc:
            if exc.reason != Refusal.CERT_REVOKED.value:
                raise
            receipt = None
        self.erase_all()
        return receipt

    def erase_all(self) -> None:
        self._guard(lambda: self.se().provisioning.erase())
        self.data.biometric_pin = None
        self.phone.note("GP-SE のスマホ用電子証明書と鍵を削除",
                        "smartphone certificates and keys erased from the GP-SE")

    # -- pushes ----------------------------------------------------------------------------------
    def on_push(self, notification: Notification) -> None:
        self.data.notices.append(notification)
        if notification.kind is NotificationKind.REGISTRATION_READY:
            self.data.application_id, self.data.ready = notification.application_id, True
        elif notification.kind is NotificationKind.DELETE_CERTIFICATES:
            self.erase_all()  # 2-5: the old phone deletes by itself within 48 hours

    def live_certificates(self) -> list[CertificateInfo]:
        try:
            return list(self.status().certificates)
        except LabkitError:
            return []
