"""An applet with a flat file system of transparent EFs, PIN EFs and key EFs — the shape
shared by the JPKI AP and the 券面事項入力補助AP (ISO/IEC 7816-4 §7.1–7.5, §11.5).

Subclasses say which EFs exist, what they contain and what must be verified to read them;
this base implements SELECT by FID, READ BINARY (offset or SFI), VERIFY and CHANGE REFERENCE
DATA with the status words of reference §2–§3."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from ..apdu import SW, CommandAPDU, StatusWordError, parse_cla
from ..cardos import ISO, Applet, HandlerResult, handles
from ._eeprom import Persistent
from ._pin import PinCounter
from .constants import Ins

#: The MF's file identifier: not reachable from inside an AP (6A82, reference §1).
FID_MF = 0x3F00


class EfKind(Enum):
    BINARY = "binary"  # transparent EF: READ BINARY
    PIN = "pin"  # internal EF holding PIN reference data: VERIFY / CHANGE REFERENCE DATA
    KEY = "key"  # internal EF holding a private key: only usable, never readable


@dataclass
class FileSession:
    """Volatile state of one selection of the AP: current EF and verified PINs."""

    current_ef: int | None = None
    verified: set[int] = field(default_factory=set)


class FileApplet(Persistent, Applet):
    """Base for applets whose EFs are numbered 0001–001E (so every FID is also an SFI)."""

    # -- what subclasses provide ------------------------------------------------------------
    def ef_kind(self, fid: int) -> EfKind | None:
        """The kind of EF ``fid``, or None if it does not exist (SELECT → 6A82)."""
        raise NotImplementedError

    def ef_content(self, fid: int) -> bytes:
        """Contents of a BINARY EF."""
        raise NotImplementedError

    def read_condition(self, fid: int) -> int | None:
        """FID of the PIN that must be verified before ``fid`` can be read, or None."""
        return None

    def pin(self, fid: int) -> PinCounter | None:
        """The PIN stored in PIN EF ``fid``."""
        raise NotImplementedError

    # -- card OS hooks -------------------------------------------------------------------
    def new_session(self, channel: int) -> FileSession:
        return FileSession()

    def process(self, command: CommandAPDU, session: Any, *, proprietary: bool) -> HandlerResult:
        """Secure messaging is not offered by these APs: a CLA with the SM bits → 6882."""
        info = parse_cla(command.cla)
        if info is not None and info.secure_messaging:
            raise StatusWordError(SW.SECURE_MESSAGING_NOT_SUPPORTED)
        return super().process(command, session, proprietary=proprietary)

    def select(self, command: CommandAPDU, session: FileSession) -> bytes:
        return b""  # P2 = 0C: no FCI; other P2 values also answer without FCI

    # -- SELECT -----------------------------------------------------------------------------
    @handles(Ins.SELECT, cla=ISO)
    def _select_file(self, command: CommandAPDU, session: FileSession) -> bytes:
        """``00 A4 02 0C 02 <FID>`` (P1 00 is accepted too); MF and paths are not offered."""
        if command.p1 not in (0x00, 0x02) or command.p2 not in (0x00, 0x04, 0x0C):
            raise StatusWordError(SW.INCORRECT_P1P2)
        if not command.data:
            raise StatusWordError(SW.INCORRECT_P1P2)  # select MF by empty data: 6A86
        if len(command.data) != 2:
            raise StatusWordError(SW.WRONG_LENGTH)
        fid = int.from_bytes(command.data, "big")
        if fid == FID_MF or self.ef_kind(fid) is None:
            raise StatusWordError(SW.FILE_NOT_FOUND)
        session.current_ef = fid
        return b""

    # -- READ BINARY ------------------------------------------------------------------------
    @handles(Ins.READ_BINARY, cla=ISO)
    def _read_binary(self, command: CommandAPDU, session: FileSession) -> bytes:
        """``00 B0 P1 P2 Le``: P1 bit 8 clear → 15-bit offset in the current EF; set →
        ``P1 = 80|SFI`` selects the EF and P2 is the offset. Le past EOF → the rest, 9000;
        offset at or beyond EOF → 6B00."""
        if command.data or command.ne is None:
            raise StatusWordError(SW.WRONG_LENGTH)
        if command.p1 & 0x80:
            if command.p1 & 0x60 or not command.p1 & 0x1F:
                raise StatusWordError(SW.INCORRECT_P1P2)
            fid, offset = command.p1 & 0x1F, command.p2
            if self.ef_kind(fid) is None:
                raise StatusWordError(SW.FILE_NOT_FOUND)
            session.current_ef = fid
        else:
            fid, offset = self._current(session), (command.p1 << 8) | command.p2
        if self.ef_kind(fid) is not EfKind.BINARY:
            raise StatusWordError(SW.INCOMPATIBLE_FILE_STRUCTURE)  # PIN/key EFs: never read
        needed = self.read_condition(fid)
        if needed is not None and needed not in session.verified:
            raise StatusWordError(SW.SECURITY_STATUS_NOT_SATISFIED)
        content = self.ef_content(fid)
        if offset >= len(content):
            raise StatusWordError(SW.WRONG_P1P2)
        return content[offset:offset + command.ne]

    # -- VERIFY -----------------------------------------------------------------------------
    @handles(Ins.VERIFY, cla=ISO)
    def _verify(self, command: CommandAPDU, session: FileSession) -> bytes:
        """``00 20 00 80 [Lc PIN]`` on the current PIN EF, or ``P2 = 80|SFI``. Without data:
        63Cx, no try used (reference §3)."""
        if command.p1 != 0x00:
            raise StatusWordError(SW.INCORRECT_P1P2)
        # Le is ignored: ``00 20 00 80 00`` (a stray Le byte) is taken as the empty query.
        fid, pin = self._pin_from_p2(command.p2, session)
        if not command.data:
            if fid in session.verified and self.empty_verify_ok_when_verified():
                return b""
            raise StatusWordError(pin.query_sw())
        session.verified.discard(fid)  # a failed attempt also ends an earlier success
        pin.verify(command.data)
        session.verified.add(fid)
        return b""

    def empty_verify_ok_when_verified(self) -> bool:
        return False

    # -- CHANGE REFERENCE DATA --------------------------------------------------------------
    @handles(Ins.CHANGE_REFERENCE_DATA, cla=ISO)
    def _change_reference_data(self, command: CommandAPDU, session: FileSession) -> bytes:
        """``00 24 01 80 Lc <new>`` after VERIFY in this session; bad format → 6A80."""
        if command.p1 != 0x01:
            raise StatusWordError(SW.INCORRECT_P1P2)
        if not command.data:
            raise StatusWordError(SW.WRONG_LENGTH)
        fid, pin = self._pin_from_p2(command.p2, session)
        if not pin.usable:
            raise StatusWordError(SW.REFERENCE_DATA_BLOCKED)
        if fid not in session.verified:
            raise StatusWordError(SW.SECURITY_STATUS_NOT_SATISFIED)
        pin.change(command.data)
        return b""

    # -- helpers ----------------------------------------------------------------------------
    def _current(self, session: FileSession) -> int:
        if session.current_ef is None:
            raise StatusWordError(SW.NO_CURRENT_EF)
        return session.current_ef

    def _reference_from_p2(self, p2: int, session: FileSession) -> int:
        """P2 = 80 → the current EF; 81–9E → the EF with that SFI; anything else → 6A86."""
        if p2 & 0xE0 != 0x80 or p2 == 0x9F:
            raise StatusWordError(SW.INCORRECT_P1P2)
        return p2 & 0x1F if p2 & 0x1F else self._current(session)

    def _pin_from_p2(self, p2: int, session: FileSession) -> tuple[int, PinCounter]:
        fid = self._reference_from_p2(p2, session)
        pin = self.pin(fid) if self.ef_kind(fid) is EfKind.PIN else None
        if pin is None:
            raise StatusWordError(SW.REFERENCED_DATA_NOT_FOUND)
        return fid, pin
