"""市区町村窓口 (the municipal counter): registers residents, issues My Number Cards, takes
loss reports, lifts suspensions, revokes and re-issues, records changes of address or name,
and resets a locked PIN. Every certificate action goes through J-LIS
(:class:`~labkit.office.contract.JlisCounterOps`), so it shows in the resident's usage history.

Card expiry (for the certificates' cap): the 10th birthday after issuance for residents 18
or over, the 5th for minors (the card's own rule; the certificates end at the 5th birthday
anyway). The counter checks the resident's identity in person; the lab takes the
:class:`Resident` record as that check, and a card handed over must be the resident's own
(its 券面事項入力補助AP carries their My Number; else ``wrong_card``). Inputs are checked
before anything is done, and card certificates are issued under J-LIS's journal
(``CounterOps.card_issuance``): a failure leaves no certificate and
no half-updated card. The same operations over HTTP: :mod:`labkit.office.counter_forms`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from ..card import KeyRole, MyNumberCard
from ..clock import to_jst
from ..errors import InputError, ServiceError
from ..i18n import Text
from ..office.contract import JlisCounterOps, LossItem
from ..office.refusals import Refusal, refuse
from ..pki import BasicAttributes, Holder, Sex, age_on, nth_birthday_after
from ..pki.subject import NAME_SEPARATOR
from ..pki.validity import SIGNING_MIN_AGE
from .registry import CardState, Resident, ResidentRegistry, new_my_number

__all__ = ["Municipality"]

ADULT_AGE = 18
F = TypeVar("F", bound=Callable[..., Any])


def _serialised(method: F) -> F:
    """One counter clerk at a time (the server calls from several threads)."""
    @wraps(method)
    def wrapped(self: Municipality, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)
    return wrapped  # type: ignore[return-value]


class Municipality:
    """One city office (e.g. Kiyose-shi, Tokyo) working with one J-LIS."""

    def __init__(self, ops: JlisCounterOps, *, prefecture: str = "Tokyo", city: str = "Kiyose-shi",
                 registry: ResidentRegistry | None = None) -> None:
        #: J-LIS's privileged counter operations (never the phone-facing API).
        self.ops = ops
        self.prefecture = prefecture
        self.city = city
        self.registry = registry or ResidentRegistry()
        self._seq = len(self.registry.all())
        self._lock = threading.RLock()

    def today(self) -> date:
        return to_jst(self.ops.now()).date()

    # -- the register --------------------------------------------------------------------------
    @_serialised
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
    @_serialised
    def issue_card(self, resident: Resident, *, auth_pin: str, sign_password: str | None) -> MyNumberCard:
        """交付: keys made on the card, certificates from J-LIS (no signing certificate under 15
        or when declined: ``sign_password=None``). The register says ``issued`` once J-LIS has
        certified every key; a failure issues nothing."""
        resident = self.registry.get(resident.my_number)
        holder = replace(resident.holder, card_expiry=self._card_expiry(resident.birth_date))

        def record(card: MyNumberCard) -> None:
            self.registry.update(replace(resident, holder=holder, card_state=CardState.ISSUED), "card issued")
        return self.ops.issue_card(holder, my_number=resident.my_number, auth_pin=auth_pin,
                                    sign_password=sign_password, on_issued=record)

    @_serialised
    def report_card_loss(self, resident: Resident) -> tuple[int, ...]:
        """紛失届 (2-6): suspends the card's and the phone's certificates if the hotline has
        not already done so."""
        resident = self.registry.get(resident.my_number)
        self.registry.update(replace(resident, card_state=CardState.LOST), "card reported lost")
        try:
            return self.ops.suspend(resident.holder_id, LossItem.CARD)
        except ServiceError as exc:  # nothing left to suspend is fine here: the hotline was first
            if exc.reason == Refusal.NOTHING_TO_SUSPEND:
                return ()
            raise

    @_serialised
    def card_found(self, resident: Resident, card: MyNumberCard | None, *,
                   new_sign_password: str | None = None) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """The card's user-auth hold is lifted, its signing certificate revoked and (with a
        password and the card) re-issued on the card. The phone's certificates are lifted in
        the app."""
        resident = self.registry.get(resident.my_number)
        self._check_reissue(resident, card, new_sign_password)
        released, revoked = self.ops.card_found(resident.holder_id)
        if card is not None and new_sign_password is not None:
            self.ops.reissue_card_signing(resident.holder, card, new_sign_password)
        self.registry.update(replace(resident, card_state=CardState.ISSUED), "card found")
        return released, revoked

    @_serialised
    def phone_found(self, resident: Resident) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """スマホ発見 (2-6): user-auth resumes; signing revoked (re-issue = a new application)."""
        return self.ops.phone_found(self.registry.get(resident.my_number).holder_id)

    @_serialised
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
        self._check_reissue(resident, card, new_sign_password)
        self.ops.change_attributes(resident.holder)
        resident = self.registry.update(resident, "basic attributes changed")
        if card is not None and new_sign_password is not None:
            self.ops.reissue_card_signing(resident.holder, card, new_sign_password)
        return resident

    @_serialised
    def reset_pin(self, resident: Resident, card: MyNumberCard, role: KeyRole, new_pin: str) -> None:
        """暗証番号の初期化: a locked PIN or password gets a new value and full tries."""
        resident = self.registry.get(resident.my_number)
        self.check_card(resident, card)
        card.jpki.set_pin(KeyRole(role), new_pin)
        self.registry.update(resident, f"{KeyRole(role).value} PIN reset")

    @staticmethod
    def check_card(resident: Resident, card: MyNumberCard) -> None:
        """The card handed over is the resident's own (its text AP holds their My Number)."""
        record = card.kenhojo.record if card.kenhojo is not None else None
        if record is None or record.my_number != resident.my_number:
            raise refuse(Refusal.WRONG_CARD)

    def _check_reissue(self, resident: Resident, card: MyNumberCard | None, password: str | None) -> None:
        """Everything a re-issue of the card signing certificate needs, before anything is done."""
        if password is None:
            return
        if card is None:
            raise InputError(Text("署名用電子証明書の再発行にはカードが必要です",
                                  "re-issuing the signing certificate needs the card"))
        self.check_card(resident, card)
        card.jpki.profile.sign_pin.check(password)
        self.check_signing_age(resident)

    def check_signing_age(self, resident: Resident) -> None:
        """No signing certificate for a resident under 15 today (``not_eligible``)."""
        age = resident.holder.attributes.age_on(self.today())
        if age < SIGNING_MIN_AGE:
            raise refuse(Refusal.NOT_ELIGIBLE, Text(f"15歳未満 ({age} 歳) には署名用電子証明書を発行しません",
                                                    f"no signing certificate for a resident under 15 (age {age})"))
