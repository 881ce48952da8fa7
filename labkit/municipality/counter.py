"""市区町村窓口 (the municipal counter): registers residents, issues My Number Cards, takes
loss reports, lifts suspensions, revokes and re-issues, records changes of address or name,
and resets a locked PIN. Every certificate action goes through J-LIS
(:class:`~labkit.jlis.counter.CounterOps`), so it shows in the resident's usage history.

Card expiry (for the certificates' cap): the 10th birthday after issuance for residents 18
or over, the 5th for minors (the card's own rule; the certificates end at the 5th birthday
anyway). The counter checks the resident's identity in person; the lab takes the
:class:`Resident` record as that check.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from cryptography.hazmat.primitives.serialization import Encoding

from ..card import KeyRole, MyNumberCard
from ..clock import to_jst
from ..errors import InputError, ServiceError
from ..i18n import Text
from ..jlis.api import LossItem, UsageKind
from ..jlis.reasons import Refusal
from ..jlis.service import JlisService
from ..pki import CARD_SIGN, BasicAttributes, CaKind, Holder, Sex, age_on, nth_birthday_after
from ..pki.subject import NAME_SEPARATOR
from .registry import CardState, Resident, ResidentRegistry, new_my_number

__all__ = ["Municipality"]

ADULT_AGE = 18


class Municipality:
    """One city office (e.g. Kiyose-shi, Tokyo) working with one J-LIS."""

    def __init__(self, jlis: JlisService, *, prefecture: str = "Tokyo", city: str = "Kiyose-shi",
                 registry: ResidentRegistry | None = None) -> None:
        self.jlis = jlis
        self.prefecture = prefecture
        self.city = city
        self.registry = registry or ResidentRegistry()
        self._seq = len(self.registry.all())

    def today(self) -> date:
        return to_jst(self.jlis.now()).date()

    # -- the register --------------------------------------------------------------------------
    def register(self, name: str, sex: Sex | int, birth_date: date, address: str, *,
                 my_number: str | None = None, holder_id: str | None = None) -> Resident:
        """住民登録: a new resident (validates the four basic attributes)."""
        attrs = BasicAttributes(name, Sex(sex), birth_date, address)
        self._seq += 1
        hid = holder_id or f"{self.city.lower().replace('-', '')}-{self._seq:05d}"
        holder = Holder(hid, attrs, self.prefecture, self.city, self._card_expiry(birth_date))
        return self.registry.add(Resident(my_number or new_my_number(), holder))

    def _card_expiry(self, birth_date: date) -> date:
        today = self.today()
        years = 10 if age_on(birth_date, today) >= ADULT_AGE else 5
        return nth_birthday_after(birth_date, today, years)

    def resident(self, my_number: str) -> Resident:
        return self.registry.get(my_number)

    # -- cards ---------------------------------------------------------------------------------
    def issue_card(self, resident: Resident, *, auth_pin: str, sign_password: str | None) -> MyNumberCard:
        """交付: keys made on the card, certificates from J-LIS (no signing certificate under 15
        or when declined: ``sign_password=None``)."""
        resident = self.registry.get(resident.my_number)
        holder = replace(resident.holder, card_expiry=self._card_expiry(resident.birth_date))
        card = self.jlis.issue_card(holder, my_number=resident.my_number, auth_pin=auth_pin,
                                    sign_password=sign_password)
        self.registry.update(replace(resident, holder=holder, card_state=CardState.ISSUED), "card issued")
        return card

    def report_card_loss(self, resident: Resident) -> tuple[int, ...]:
        """紛失届 (2-6): suspends the card's and the phone's certificates if the hotline has
        not already done so."""
        resident = self.registry.get(resident.my_number)
        self.registry.update(replace(resident, card_state=CardState.LOST), "card reported lost")
        try:
            return self.jlis.suspend(resident.holder_id, LossItem.CARD)
        except ServiceError as exc:  # nothing left to suspend is fine here: the hotline was first
            if exc.reason == Refusal.NOTHING_TO_SUSPEND:
                return ()
            raise

    def card_found(self, resident: Resident, card: MyNumberCard, *,
                   new_sign_password: str | None = None) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The card's user-auth hold is lifted, its signing certificate revoked and (with a
        password) re-issued on the card. The phone's certificates are lifted in the app."""
        resident = self.registry.get(resident.my_number)
        released, revoked = self.jlis.card_found(resident.holder_id)
        if new_sign_password is not None:
            self._reissue_card_signing(resident, card, new_sign_password)
        self.registry.update(replace(resident, card_state=CardState.ISSUED), "card found")
        return released, revoked

    def phone_found(self, resident: Resident) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """スマホ発見 (2-6): user-auth resumes; signing revoked (re-issue = a new application)."""
        return self.jlis.phone_found(self.registry.get(resident.my_number).holder_id)

    def change_attributes(self, resident: Resident, *, address: str | None = None, name: str | None = None,
                          card: MyNumberCard | None = None, new_sign_password: str | None = None) -> Resident:
        """転居・氏名の変更: the card's and the phone's signing certificates are revoked
        (affiliationChanged); with ``card`` and a password a new card signing certificate is
        written at once. The user-auth certificates survive."""
        resident = self.registry.get(resident.my_number)
        attrs = resident.holder.attributes
        if name is not None and NAME_SEPARATOR not in name:
            raise InputError(Text("氏名は氏と名を全角スペースで区切ります",
                                  "separate family and given name with U+3000"))
        new_attrs = replace(attrs, name=name or attrs.name, address=address or attrs.address,
                            name_substitute="" if name else attrs.name_substitute,
                            address_substitute="" if address else attrs.address_substitute)
        resident = replace(resident, holder=replace(resident.holder, attributes=new_attrs))
        self.jlis.change_attributes(resident.holder)
        resident = self.registry.update(resident, "basic attributes changed")
        if card is not None and new_sign_password is not None:
            self._reissue_card_signing(resident, card, new_sign_password)
        return resident

    def _reissue_card_signing(self, resident: Resident, card: MyNumberCard, password: str) -> int:
        """A new key on the card, a new card signing certificate, a new password."""
        key = card.jpki.generate_key(KeyRole.SIGN)
        cert = self.jlis.jpki.issue(CARD_SIGN, key, resident.holder)
        card.jpki.write_certificate(KeyRole.SIGN, cert.public_bytes(Encoding.DER))
        card.jpki.write_ca_certificate(KeyRole.SIGN, self.jlis.jpki.ca(CaKind.SIGN).der)
        card.jpki.set_pin(KeyRole.SIGN, password)
        self.jlis.register_holder(resident.holder)
        self.jlis.usage(UsageKind.CARD_ISSUANCE,
                        Text("カードの署名用電子証明書を再発行", "card signing certificate re-issued"),
                        holder_id=resident.holder_id, serial=cert.serial_number)
        return cert.serial_number

    def reset_pin(self, resident: Resident, card: MyNumberCard, role: KeyRole, new_pin: str) -> None:
        """暗証番号の初期化: a locked PIN or password gets a new value and full tries."""
        self.registry.get(resident.my_number)
        card.jpki.set_pin(KeyRole(role), new_pin)
        self.registry.update(self.registry.get(resident.my_number), f"{KeyRole(role).value} PIN reset")
