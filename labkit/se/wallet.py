"""A FeliCa-like electronic money applet, so the SE shows more than JPKI in GET STATUS and a
second app can be allowed somewhere while the JPKI AP stays reserved for Mynaportal.

It is a lab stand-in (Mobile FeliCa itself is not public): the AID uses the unregistered
``F0`` RID and spells "LABWALLET". Commands, CLA 80::

    80 5C 00 00 04          GET BALANCE  -> 4-byte balance (yen, big-endian)
    80 52 00 00 04 <amount> CREDIT       -> new balance; 6A84 above the limit
    80 54 00 00 04 <amount> DEBIT        -> new balance; 6985 if the balance is short
"""

from __future__ import annotations

from typing import Any

from ..apdu import SW, CommandAPDU, StatusWordError
from ..cardos import PROPRIETARY, Applet, handles
from ..i18n import Text
from .inventory import DataCategory, InventoryItem

__all__ = ["WALLET_AID", "WALLET_LIMIT", "WalletApplet"]

WALLET_AID = bytes.fromhex("F04C4142574C4C4554")
#: Like a transit card's ¥20,000 ceiling.
WALLET_LIMIT = 20_000


class WalletApplet(Applet):
    def __init__(self, aid: bytes = WALLET_AID, balance: int = 0) -> None:
        self.aid = aid
        self.balance = balance

    inventory_name = Text("電子マネー (ラボ)", "e-money (lab)")

    def inventory_items(self) -> list[InventoryItem]:
        return [InventoryItem(DataCategory.ELECTRONIC_MONEY, self.inventory_name, Text("残高", "balance"),
                              Text(f"{self.balance} 円", f"JPY {self.balance}"))]

    def dump(self) -> dict[str, Any]:
        return {"balance": self.balance}

    def restore(self, data: dict[str, Any]) -> None:
        self.balance = int(data["balance"])

    @staticmethod
    def _amount(command: CommandAPDU) -> int:
        if len(command.data) != 4:
            raise StatusWordError(SW.WRONG_LENGTH)
        return int.from_bytes(command.data, "big")

    @handles(0x5C, cla=PROPRIETARY)
    def get_balance(self, command: CommandAPDU, session: object) -> bytes:
        return self.balance.to_bytes(4, "big")

    @handles(0x52, cla=PROPRIETARY)
    def credit(self, command: CommandAPDU, session: object) -> bytes:
        amount = self._amount(command)
        if self.balance + amount > WALLET_LIMIT:
            raise StatusWordError(SW.NOT_ENOUGH_MEMORY)
        self.balance += amount
        return self.balance.to_bytes(4, "big")

    @handles(0x54, cla=PROPRIETARY)
    def debit(self, command: CommandAPDU, session: object) -> bytes:
        amount = self._amount(command)
        if amount > self.balance:
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED)
        self.balance -= amount
        return self.balance.to_bytes(4, "big")
