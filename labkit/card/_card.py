"""The emulated My Number Card: the card OS with the MF level, the JPKI AP and the
券面事項入力補助AP, plus save/load of the chip's EEPROM.

State file (``save``/``load``): UTF-8 JSON, written atomically with mode 0600 because it holds
the private keys, as a real chip's EEPROM does::

    {"format": "labkit-mynumbercard", "version": 1, "atr": "<hex>",
     "jpki": {"profile": "card", "serial": "…", "keys": {"auth": "<b64 PKCS#8 DER>", …},
              "certificates": {…b64 DER…}, "ca_certificates": {…},
              "pins": {"auth": {"value": "1234", "remaining": 3}, "sign": {…}}},
     "kenhojo": {"my_number_ef": "<b64>", "attributes_ef": "<b64>",
                 "pin": {"value": "1234", "remaining": 3}} | null}

Volatile state (selected AP, verified PINs) is never saved: loading is a power cycle."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..apdu import ApduExchange
from ..cardos import CardOS
from ..i18n import Text
from ._eeprom import CardStateError, field_of
from ._jpki import JpkiApplet
from ._kenhojo import KenhojoApplet
from ._mf import MasterFile
from ._profile import CardQuirks, JpkiProfile
from .constants import Atr

STATE_FORMAT = "labkit-mynumbercard"
STATE_VERSION = 1


class MyNumberCard:
    """A :class:`~labkit.apdu.CardDevice`: ``transmit(bytes) -> bytes`` never raises.

    Only the basic channel exists (MANAGE CHANNEL and channel bits in CLA → 6881); unknown
    AIDs answer 6A82. ``atr`` defaults to the contact ATR OpenSC's jpki driver lists."""

    def __init__(self, jpki: JpkiApplet | None = None, kenhojo: KenhojoApplet | None = None, *,
                 atr: bytes = Atr.CONTACT) -> None:
        self.jpki = jpki if jpki is not None else JpkiApplet(JpkiProfile.CARD)
        if kenhojo is None and self.jpki.profile.has_kenhojo:
            kenhojo = KenhojoApplet()
        self.kenhojo = kenhojo
        applets = [self.jpki] + ([kenhojo] if kenhojo is not None else [])
        self.os = CardOS(applets=list(applets), atr_bytes=bytes(atr), max_channels=1,
                         default_applet=MasterFile(), get_challenge=True)
        self.state_path: Path | None = None
        self._reset_listeners: list[Callable[[], None]] = []
        for applet in applets:
            applet.on_change = self._eeprom_written

    # -- CardDevice -------------------------------------------------------------------------
    @property
    def atr(self) -> bytes:
        return self.os.atr

    def power_on(self) -> bytes:
        self._notify_reset()
        return self.os.power_on()

    def power_off(self) -> None:
        self._notify_reset()
        self.os.power_off()

    def reset(self) -> bytes:
        self._notify_reset()
        return self.os.reset()

    def transmit(self, command: bytes) -> bytes:
        return self.os.transmit(command)

    def add_observer(self, observer: Callable[[ApduExchange], None]) -> None:
        self.os.add_observer(observer)

    def remove_observer(self, observer: Callable[[ApduExchange], None]) -> None:
        self.os.remove_observer(observer)

    def add_reset_listener(self, listener: Callable[[], None]) -> None:
        """Called on power-on, power-off and reset (a trace forgets the selection then)."""
        self._reset_listeners.append(listener)

    def remove_reset_listener(self, listener: Callable[[], None]) -> None:
        self._reset_listeners.remove(listener)

    def _notify_reset(self) -> None:
        for listener in list(self._reset_listeners):
            listener()

    # -- persistence ------------------------------------------------------------------------
    def bind(self, path: str | os.PathLike[str]) -> None:
        """Save to ``path`` now and after every EEPROM write (PIN counters included)."""
        self.state_path = Path(path)
        self.save(self.state_path)

    def _eeprom_written(self) -> None:
        if self.state_path is not None:
            self.save(self.state_path)

    def to_state(self) -> dict[str, Any]:
        return {"format": STATE_FORMAT, "version": STATE_VERSION, "atr": self.atr.hex().upper(),
                "jpki": self.jpki.to_state(),
                "kenhojo": self.kenhojo.to_state() if self.kenhojo is not None else None}

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the EEPROM image atomically (temporary file + rename, mode 0600)."""
        target = Path(path)
        text = json.dumps(self.to_state(), ensure_ascii=False, indent=1)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    @classmethod
    def from_state(cls, state: Any, *, quirks: CardQuirks | None = None) -> MyNumberCard:
        """Rebuild a card from :meth:`to_state`; CardStateError if anything is wrong."""
        if not isinstance(state, dict) or state.get("format") != STATE_FORMAT:
            raise CardStateError(Text("マイナンバーカードの状態ファイルではありません",
                                      "not a labkit My Number Card state file"))
        if state.get("version") != STATE_VERSION:
            raise CardStateError(Text(f"状態ファイルの版 {state.get('version')!r} には対応していません",
                                      f"unsupported state file version {state.get('version')!r}"))
        try:
            atr = bytes.fromhex(field_of(state, "atr", str, "card"))
        except ValueError:
            raise CardStateError(Text("ATR が 16 進でない", "ATR is not hex")) from None
        jpki = JpkiApplet.from_state(field_of(state, "jpki", dict, "card"), quirks=quirks)
        kenhojo_state = state.get("kenhojo")
        if kenhojo_state is not None and not isinstance(kenhojo_state, dict):
            raise CardStateError(Text("kenhojo の型が不正", "kenhojo has the wrong type"))
        kenhojo = KenhojoApplet.from_state(kenhojo_state) if kenhojo_state is not None else None
        if not 2 <= len(atr) <= 33 or atr[0] not in (0x3B, 0x3F):
            raise CardStateError(Text("ATR が不正", "invalid ATR"))
        return cls(jpki, kenhojo, atr=atr)

    def load_state(self, state: Any) -> None:
        """Replace this chip's EEPROM with ``state`` (a :meth:`to_state` of the same chip), all
        or nothing: the card handed back over the municipal counter after a re-issue or a
        PIN reset. Like any trip out of the reader it is a power cycle. Another chip's
        state (a different JPKI serial) is refused with CardStateError."""
        other = MyNumberCard.from_state(state, quirks=self.jpki.quirks)
        if other.jpki.serial != self.jpki.serial or (other.kenhojo is None) != (self.kenhojo is None) \
                or other.atr != self.atr:
            raise CardStateError(Text("別のカードの状態です", "that state belongs to another card"))
        self.power_off()
        self.jpki.adopt(other.jpki)
        if self.kenhojo is not None and other.kenhojo is not None:
            self.kenhojo.adopt(other.kenhojo)
        self._eeprom_written()

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, quirks: CardQuirks | None = None,
             bind: bool = False) -> MyNumberCard:
        """Load a saved card (a power cycle: retry counters kept, security state cleared).
        With ``bind=True`` later EEPROM writes are saved back to ``path``."""
        try:
            text = Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CardStateError(Text(f"カードの状態ファイルがありません: {path}",
                                      f"no card state file at {path}")) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CardStateError(Text(f"カードの状態ファイルを読めません: {exc}",
                                      f"cannot read the card state file: {exc}")) from None
        try:
            state = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CardStateError(Text(f"カードの状態ファイルが壊れています (JSON 行 {exc.lineno})",
                                      f"the card state file is corrupted (JSON line {exc.lineno})")) from None
        card = cls.from_state(state, quirks=quirks)
        if bind:
            card.state_path = Path(path)
        return card

    def __repr__(self) -> str:
        return (f"<MyNumberCard profile={self.jpki.profile.name} serial={self.jpki.serial} "
                f"atr={self.atr.hex().upper()}>")
