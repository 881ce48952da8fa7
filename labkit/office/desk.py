"""``CounterDesk``: the municipal counter as a notebook sees it, over any
:class:`~labkit.office.contract.CounterApi` — what ``World`` offers as ``world.municipality``
in process and against a shared server alike, so notebooks and labs make the same calls.

Cards come back over the counter: a new card is built from the state the counter hands
over; a card the resident handed in (re-issue, PIN reset) is updated *in place*
(:meth:`~labkit.card.MyNumberCard.load_state`), so a phone or trace holding that card object
sees the new contents. A refused call leaves the card untouched."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..card import KeyRole, MyNumberCard
from ..i18n import Text
from ..pki import Sex
from .contract import (
    AttributeChange,
    CardFoundRequest,
    CardRequest,
    CounterApi,
    CounterReceipt,
    PinReset,
    Resident,
    ResidentQuery,
    ResidentRequest,
)
from .refusals import Refusal, refuse

__all__ = ["CounterDesk"]


def _handed(receipt: CounterReceipt) -> dict[str, Any]:
    if receipt.card is None:
        raise refuse(Refusal.INTERNAL, Text("窓口からカードが返されませんでした",
                                            "the counter did not hand the card back"))
    return receipt.card


class CounterDesk:
    """The calls of a city office's counter (住民登録, 交付, 紛失届, 発見, 変更, 初期化)."""

    def __init__(self, counter: CounterApi) -> None:
        self.counter = counter

    def register(self, name: str, sex: Sex | int, birth_date: date, address: str, *,
                 my_number: str | None = None) -> Resident:
        """住民登録 (the counter assigns the My Number when none is given)."""
        return self.counter.register_resident(ResidentRequest(name, Sex(sex), birth_date, address, my_number))

    def resident(self, my_number: str) -> Resident:
        return self.counter.find_resident(ResidentQuery(my_number=my_number))

    def resident_by_holder(self, holder_id: str) -> Resident:
        return self.counter.find_resident(ResidentQuery(holder_id=holder_id))

    def issue_card(self, resident: Resident, *, auth_pin: str, sign_password: str | None) -> MyNumberCard:
        """交付: the card personalised at the counter, loaded into an emulated card here."""
        return MyNumberCard.from_state(_handed(self.counter.issue_card(CardRequest(resident.my_number, auth_pin,
                                                                                   sign_password))))

    def report_card_loss(self, resident: Resident) -> tuple[int, ...]:
        return tuple(self.counter.report_card_loss(resident.my_number).held)

    def phone_found(self, resident: Resident) -> tuple[tuple[int, ...], tuple[int, ...]]:
        receipt = self.counter.phone_found(resident.my_number)
        return tuple(receipt.released), tuple(receipt.revoked)

    def card_found(self, resident: Resident, card: MyNumberCard | None, *,
                   new_sign_password: str | None = None) -> tuple[tuple[int, ...], tuple[int, ...]]:
        handed = card.to_state() if card is not None and new_sign_password is not None else None
        receipt = self.counter.card_found(CardFoundRequest(resident.my_number, handed, new_sign_password))
        if card is not None and handed is not None:
            card.load_state(_handed(receipt))
        return tuple(receipt.released), tuple(receipt.revoked)

    def change_attributes(self, resident: Resident, *, address: str | None = None, name: str | None = None,
                          card: MyNumberCard | None = None, new_sign_password: str | None = None) -> Resident:
        handed = card.to_state() if card is not None and new_sign_password is not None else None
        receipt = self.counter.change_attributes(AttributeChange(resident.my_number, address, name, handed,
                                                                 new_sign_password))
        if card is not None and handed is not None:
            card.load_state(_handed(receipt))
        return receipt.resident

    def reset_pin(self, resident: Resident, card: MyNumberCard, role: KeyRole | str, new_pin: str) -> None:
        receipt = self.counter.reset_pin(PinReset(resident.my_number, card.to_state(), KeyRole(role), new_pin))
        card.load_state(_handed(receipt))
