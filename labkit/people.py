"""The people of a lab world: the sample residents, :class:`Person` (a resident with their
card and the passwords they chose). Re-exported by :mod:`labkit.world`."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from .card import MyNumberCard
from .office.contract import LossItem, LossReport, Resident
from .pki import Sex

__all__ = ["SAMPLE_PEOPLE", "Person", "room_address"]

#: Fictitious residents of Kiyose-shi (as the J-LIS demo uses), by key.
SAMPLE_PEOPLE: dict[str, tuple[str, Sex, date, str]] = {
    "sample": ("見本\u3000花子", Sex.FEMALE, date(1990, 2, 17), "東京都清瀬市中里５丁目８４２番地"),
    "taro": ("見本\u3000太郎", Sex.MALE, date(1985, 11, 3), "東京都清瀬市元町１丁目２番３号"),
    "jiro": ("番号\u3000次郎", Sex.MALE, date(1978, 6, 30), "東京都清瀬市松山２丁目３番４号"),
    "leap": ("番号\u3000閏", Sex.MALE, date(2000, 2, 29), "東京都清瀬市竹丘３丁目４番５号"),
    "child": ("見本\u3000さくら", Sex.FEMALE, date(2016, 4, 10), "東京都清瀬市中里５丁目８４２番地"),
}


@dataclass
class Person:
    """A resident with their card and the passwords they chose (lab: known to the notebook)."""

    key: str
    resident: Resident
    card: MyNumberCard
    card_pin: str = "1234"              # card user-auth PIN (4 digits)
    card_password: str | None = "ABC123"  # card signing password (None: no signing certificate)
    phone_password: str = "PHONE123"    # smartphone signing password to set (6-16 A-Z/0-9)
    phone_pin: str = "2468"             # smartphone user-auth PIN to set (4 digits)

    @property
    def name(self) -> str:
        return self.resident.name

    @property
    def holder_id(self) -> str:
        return self.resident.holder_id

    @property
    def birth_date(self) -> date:
        return self.resident.birth_date

    @property
    def address(self) -> str:
        return self.resident.holder.attributes.address

    def loss_report(self, item: LossItem | str = LossItem.PHONE) -> LossReport:
        """What the caller tells the hotline (the address is only used when name and date of
        birth match more than one person)."""
        return LossReport(self.name, self.birth_date, LossItem(item), self.address)


_FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def room_address(address: str) -> str:
    """``address`` with a random room number: a sample resident made in one kernel of a class
    sharing one J-LIS must not be identical (name, date of birth, address) to the same sample
    made in another kernel, or the hotline could not tell them apart."""
    return f"{address}\u3000{secrets.randbelow(10**5):05d}号室".translate(_FULL_WIDTH)
