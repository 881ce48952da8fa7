"""What J-LIS does on behalf of the municipal counter (市区町村窓口) and the hotline: these
need an official's identity check, so they are not part of :class:`~labkit.office.contract.JlisApi`
(the phone cannot call them); the municipality and :mod:`labkit.jlis.hotline` do.

Decisions (lecture 2-6, J-LIS CPS as summarised in the reference §8):

* **Suspension** (一時保留, certificateHold) — phone lost: both phone certificates; card
  lost: the card's two certificates and the phone's.
* **Phone found** (counter): the phone user-auth hold is lifted; the held phone signing
  certificate is revoked (**keyCompromise**: the key was out of the holder's control); a new
  one needs a new application from the app (kind ``reissue``, the SE makes a new key).
* **Card found** (counter): the card user-auth hold is lifted; the card signing certificate
  is revoked (keyCompromise) and, if the resident wants, re-issued on the card with a new
  on-card key (:meth:`labkit.municipality.Municipality.card_found`). The phone certificates
  stay suspended until the resident lifts them *in the app with the card*
  (:meth:`JlisService.lift_suspension_by_card`), which needs that good card certificate.
* **Change of address or name**: the card's and the phone's signing certificates are
  revoked (**affiliationChanged**); the user-auth ones carry no personal data and survive.

**Card issuance is journalled** (:meth:`CounterOps.card_issuance`), as the application
processing of :mod:`labkit.jlis._core` is: the intent (the holder's card certificates known
before) is written first; if anything fails before the card is handed over, every card
certificate issued meanwhile is revoked at once (reason unspecified, 交付前の廃棄), and after a
crash the next :meth:`~labkit.jlis._core.JlisCore.tick` does the same. So no good certificate
is ever left whose private key is on a card nobody received. (One J-LIS process per database.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from ..card import KeyRole, MyNumberCard
from ..card.personalise import personalise
from ..i18n import Text
from ..office.contract import CertificateInfo, LossItem, LossReport, NotificationKind, UsageKind
from ..office.refusals import Refusal, refuse
from ..pki import CARD_AUTH, CARD_SIGN, CaKind, CertificateStatus, CertState, Holder, Reason
from ._core import JlisCore
from .names import name_key

__all__ = ["CounterOps"]


class CounterOps:
    """Privileged operations; every one is logged in the holder's usage history. It works on
    the same :class:`~labkit.jlis._core.JlisCore` as the :class:`~labkit.jlis.JlisService` that
    holds it; the composition root hands it to the municipality, never to a phone."""

    def __init__(self, core: JlisCore) -> None:
        self.core = core
        self.jpki, self.db = core.jpki, core.db

    def now(self) -> datetime:
        return self.core.now()

    def cert_status(self, serial: int) -> CertificateStatus:
        return self.jpki.status(serial)

    def card_certificates(self, holder_id: str, *, live_only: bool = True) -> list[int]:
        return self.core.card_certificates(holder_id, live_only=live_only)

    def live_signing(self, holder_id: str) -> set[int]:
        """The holder's live signing certificates, the card's and the phone's."""
        return {rec.serial for rec in self.jpki.store.find(holder_id=holder_id, ca=CaKind.SIGN)
                if self.core.live(rec.serial)}

    def certificate_info(self, serial: int) -> CertificateInfo:
        return self.core.info(serial, self.jpki.record(serial).ca)

    # -- cards --------------------------------------------------------------------------------
    def issue_card(self, holder: Holder, *, my_number: str, auth_pin: str, sign_password: str | None,
                   on_issued: Callable[[MyNumberCard], None] | None = None, **options: object) -> MyNumberCard:
        """Personalise a card at the counter (keys on the card, certificates from this J-LIS).
        ``on_issued(card)`` (the municipality's register) runs inside the journal, last."""
        with self.card_issuance(holder.holder_id):
            previous = self.core.card_certificates(holder.holder_id)
            card = personalise(self.jpki, holder, my_number=my_number, auth_pin=auth_pin,
                               sign_password=sign_password, **options)  # type: ignore[arg-type]
            self.db.put_holder(holder)
            for role in KeyRole:
                der = card.jpki.certificate(role)
                if der is not None:
                    serial = _serial_of(der)
                    self.core.usage(UsageKind.CARD_ISSUANCE, Text("カードの電子証明書を発行",
                                                                  "card certificate issued"),
                                    holder_id=holder.holder_id, serial=serial)
            if on_issued is not None:
                on_issued(card)
            # A new card replaces the old one: its certificates are revoked (review F4).
            for serial in previous:
                if self.core.revoke_quietly(serial, Reason.SUPERSEDED):
                    self.core.usage(UsageKind.CARD_ISSUANCE, Text("以前のカードの電子証明書を失効",
                                                                  "the previous card's certificate revoked"),
                                    holder_id=holder.holder_id, serial=serial)
            return card

    def reissue_card_signing(self, holder: Holder, card: MyNumberCard, password: str) -> int:
        """A new signing key made on ``card``, a new card signing certificate and password.
        The work is done on a copy of the chip that replaces ``card``'s EEPROM only once it
        all succeeded: a failure leaves the card as it was and no certificate behind."""
        card.jpki.profile.sign_pin.check(password)
        with self.card_issuance(holder.holder_id):
            work = MyNumberCard.from_state(card.to_state())
            key = work.jpki.generate_key(KeyRole.SIGN)
            cert = self.jpki.issue(CARD_SIGN, key, holder)
            work.jpki.write_certificate(KeyRole.SIGN, cert.public_bytes(Encoding.DER))
            work.jpki.write_ca_certificate(KeyRole.SIGN, self.jpki.ca(CaKind.SIGN).der)
            work.jpki.set_pin(KeyRole.SIGN, password)
            self.db.put_holder(holder)
            self.core.usage(UsageKind.CARD_ISSUANCE,
                       Text("カードの署名用電子証明書を再発行", "card signing certificate re-issued"),
                       holder_id=holder.holder_id, serial=cert.serial_number)
            card.load_state(work.to_state())
            return cert.serial_number

    @contextmanager
    def card_issuance(self, holder_id: str) -> Iterator[None]:
        """The journal around issuing card certificates (see the module docstring)."""
        with self.core.ticked():
            known = self.core.card_certificates(holder_id, live_only=False)
            issuance = self.core.new_id("card")
            self.db.begin_issuance(issuance, holder_id, known, self.now())
            try:
                yield
            except BaseException:
                self.core.discard_issuance(issuance, holder_id, frozenset(known))
                raise
            self.db.end_issuance(issuance, "done")

    # -- the hotline ---------------------------------------------------------------------------
    def identify(self, report: LossReport) -> Holder:
        """Name + date of birth (+ address when that is ambiguous) against J-LIS records."""
        if not isinstance(report.name, str) or not report.name.strip():
            raise refuse(Refusal.IDENTITY_MISMATCH)
        key = name_key(report.name)  # the stored name is normalised the same way (review F6)
        matches = [h for h in self.db.holders_born(report.birth_date) if name_key(h.attributes.name) == key]
        if len(matches) > 1 and report.address:
            matches = [h for h in matches if name_key(h.attributes.address) == name_key(report.address)]
        if len(matches) != 1:
            raise refuse(Refusal.IDENTITY_MISMATCH,
                         Text("住所もお聞きします", "the address is needed too") if len(matches) > 1 else None)
        return matches[0]

    def suspend(self, holder_id: str, item: LossItem) -> tuple[int, ...]:
        """一時保留 of every good certificate ``item`` concerns; already-held ones are left."""
        with self.core.ticked():
            item = LossItem(item)
            phone = self.core.active_device(holder_id)
            phone_serials = [lk.serial for lk in self.db.links(device_id=phone)] if phone else []
            targets = phone_serials + (self.core.card_certificates(holder_id) if item is LossItem.CARD else [])
            if not any(self.core.live(s) for s in targets):
                raise refuse(Refusal.NOTHING_TO_SUSPEND)
            held = []
            for serial in targets:
                if self.cert_status(serial).state is CertState.GOOD:
                    self.jpki.hold(serial)
                    held.append(serial)
                    self.core.usage(UsageKind.SUSPENSION, Text(f"一時利用停止 ({_what(item).ja}の紛失)",
                                                          f"suspended ({_what(item).en} lost)"),
                               holder_id=holder_id, serial=serial, device_id=phone if serial in phone_serials else None)
            if phone and any(s in phone_serials for s in held):
                self.db.notify(phone, NotificationKind.SUSPENDED.value, self.now(),
                               Text("スマホ用電子証明書は一時利用停止中です",
                                    "your smartphone certificates are suspended"),
                               serials=tuple(s for s in held if s in phone_serials))
            return tuple(held)

    # -- the counter ---------------------------------------------------------------------------
    def phone_found(self, holder_id: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Lift the phone user-auth hold, revoke the held phone signing certificate.
        Returns (released, revoked)."""
        with self.core.ticked():
            phone = self.core.active_device(holder_id)
            links = self.db.links(device_id=phone) if phone else []
            held = [lk for lk in links if self.cert_status(lk.serial).state is CertState.HELD]
            if not held:
                raise refuse(Refusal.NOTHING_TO_LIFT)
            released, revoked = [], []
            for link in held:
                if link.kind is CaKind.AUTH:
                    self.jpki.release_hold(link.serial)
                    released.append(link.serial)
                    self.core.usage(UsageKind.RESUMPTION,
                               Text("窓口で一時利用停止を解除", "suspension lifted at the counter"),
                               holder_id=holder_id, serial=link.serial, device_id=phone)
                elif self.core.revoke_quietly(link.serial, Reason.KEY_COMPROMISE):
                    revoked.append(link.serial)
                    self.core.usage(UsageKind.REVOCATION,
                               Text("窓口で失効 (紛失後の署名用)", "revoked at the counter (was lost)"),
                               holder_id=holder_id, serial=link.serial, device_id=phone)
            assert phone is not None
            self.db.notify(phone, NotificationKind.RESUMED.value, self.now(),
                           Text("利用者証明用は再び使えます。署名用は失効したので必要なら再発行を申請してください",
                                "user authentication works again; the signing certificate was revoked: "
                                "apply to re-issue"),
                           serials=tuple(released + revoked))
            return tuple(released), tuple(revoked)

    def card_found(self, holder_id: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The card's own certificates: lift the user-auth hold, revoke the signing one.
        Returns (released, revoked); the phone certificates are untouched."""
        with self.core.ticked():
            released, revoked = [], []
            for serial in self.core.card_certificates(holder_id):
                rec = self.jpki.record(serial)
                if self.cert_status(serial).state is not CertState.HELD:
                    continue
                if rec.profile == CARD_AUTH.id:
                    self.jpki.release_hold(serial)
                    released.append(serial)
                elif self.core.revoke_quietly(serial, Reason.KEY_COMPROMISE):
                    revoked.append(serial)
                self.core.usage(UsageKind.RESUMPTION if rec.profile == CARD_AUTH.id else UsageKind.REVOCATION,
                           Text("カード発見: 窓口で手続き", "card found: handled at the counter"),
                           holder_id=holder_id, serial=serial)
            if not released and not revoked:
                raise refuse(Refusal.NOTHING_TO_LIFT)
            return tuple(released), tuple(revoked)

    def change_attributes(self, holder: Holder) -> tuple[int, ...]:
        """転居・氏名の変更: revoke the card's and the phone's signing certificates."""
        with self.core.ticked():
            self.db.put_holder(holder)
            revoked = []
            for rec in self.jpki.store.find(holder_id=holder.holder_id, ca=CaKind.SIGN):
                if rec.profile in (CARD_SIGN.id, "phone-sign") and self.core.revoke_quietly(rec.serial,
                                                                                        Reason.AFFILIATION_CHANGED):
                    revoked.append(rec.serial)
                    link = self.db.link_of(rec.serial)
                    device = link.device_id if link else None
                    self.core.usage(UsageKind.ATTRIBUTE_CHANGE,
                               Text("基本4情報の変更により署名用を失効",
                                    "signing certificate revoked: basic attributes changed"),
                               holder_id=holder.holder_id, serial=rec.serial, device_id=device)
                    if link is not None:
                        self.db.notify(link.device_id, NotificationKind.REVOKED.value, self.now(),
                                       Text("住所・氏名の変更によりスマホ用署名用電子証明書は失効しました",
                                            "your smartphone signing certificate was revoked: address or name changed"),
                                       serials=(rec.serial,))
            return tuple(revoked)


def _what(item: LossItem) -> Text:
    return Text("カード", "card") if item is LossItem.CARD else Text("スマホ", "phone")


def _serial_of(der: bytes) -> int:
    return x509.load_der_x509_certificate(der).serial_number
