"""The master file (MF) level of the card: what answers before any AP is selected.

Reported behaviour (reference §1): no readable EFs, ``00 A4 00 00`` → 6A86 after reset,
SELECT ``3F00`` → 6A82. Installed as the card OS's default applet, so it is "selected" on
the basic channel after every reset; it is never selectable by AID."""

from __future__ import annotations

from ..apdu import SW, CommandAPDU, StatusWordError
from ..cardos import ISO, Applet, handles
from .constants import Ins


class MasterFile(Applet):
    aid = b""

    @handles(Ins.SELECT, cla=ISO)
    def _select(self, command: CommandAPDU, session: object) -> bytes:
        if not command.data:
            raise StatusWordError(SW.INCORRECT_P1P2)
        raise StatusWordError(SW.FILE_NOT_FOUND)

    @handles(Ins.READ_BINARY, cla=ISO)
    def _read_binary(self, command: CommandAPDU, session: object) -> bytes:
        raise StatusWordError(SW.NO_CURRENT_EF)

    @handles(Ins.VERIFY, cla=ISO)
    @handles(Ins.CHANGE_REFERENCE_DATA, cla=ISO)
    def _no_reference_data(self, command: CommandAPDU, session: object) -> bytes:
        raise StatusWordError(SW.REFERENCED_DATA_NOT_FOUND)
