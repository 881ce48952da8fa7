"""A card operating system: applet selection by AID, logical channels, GET RESPONSE, and the
one place where a raised status word becomes the response. Used by the My Number Card and by
the phone's secure element alike."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..apdu import (
    SW,
    ApduExchange,
    CommandAPDU,
    ResponseAPDU,
    StatusWordError,
    current_purpose,
    parse_cla,
    sw_more_data,
)
from ._applet import Applet

log = logging.getLogger(__name__)

INS_SELECT = 0xA4
INS_MANAGE_CHANNEL = 0x70
INS_GET_RESPONSE = 0xC0
INS_GET_CHALLENGE = 0x84  # ISO/IEC 7816-4 §11.6.3
SELECT_BY_DF_NAME = 0x04


@dataclass
class Channel:
    """Volatile state of one logical channel."""

    number: int
    applet: Applet | None = None
    session: Any = None
    pending: bytes = b""  # response bytes waiting for GET RESPONSE


@dataclass
class CardOS:
    """Routes APDUs to applets. ``max_channels`` = 1 means only the basic channel (the
    My Number Card answers MANAGE CHANNEL and CLA channel bits with 6881)."""

    applets: list[Applet] = field(default_factory=list)
    atr_bytes: bytes = bytes.fromhex("3B8880010000000000000000")
    max_channels: int = 1
    #: Applet implicitly selected on the basic channel after power-on (the SE's ISD).
    default_applet: Applet | None = None
    #: Called before dispatch; may raise StatusWordError (e.g. a terminated or erased chip).
    gate: Callable[[CommandAPDU], None] | None = None
    #: Answer GET CHALLENGE (``00 84 00 00 Le``, short Le only) whatever is selected, as the
    #: My Number Card's OS does; extended Le gets 6985 (project notes ``jpki_card.md`` §2.2).
    get_challenge: bool = False

    def __post_init__(self) -> None:
        self._lock = threading.RLock()
        self._observers: list[Callable[[ApduExchange], None]] = []
        self._channels: dict[int, Channel] = {}
        self.powered = False
        self.power_on()

    # -- CardDevice -------------------------------------------------------------------------
    @property
    def atr(self) -> bytes:
        return self.atr_bytes

    def power_on(self) -> bytes:
        with self._lock:
            for ch in list(self._channels.values()):
                self._deselect(ch)
            self._channels = {0: Channel(0)}
            if self.default_applet is not None:
                self._activate(self._channels[0], self.default_applet)
            self.powered = True
            return self.atr_bytes

    def reset(self) -> bytes:
        return self.power_on()

    def power_off(self) -> None:
        with self._lock:
            for ch in list(self._channels.values()):
                self._deselect(ch)
            self._channels = {}
            self.powered = False

    def transmit(self, command: bytes) -> bytes:
        with self._lock:
            if not self.powered:
                self.power_on()
            try:
                response = self._process(bytes(command)).to_bytes()
            except StatusWordError as exc:
                response = (exc.sw or SW.NO_PRECISE_DIAGNOSIS).to_bytes(2, "big")
            except Exception:  # a bug must not cross the transport: 6F00, logged
                log.exception("card OS: unexpected error for %s", bytes(command).hex())
                response = SW.NO_PRECISE_DIAGNOSIS.to_bytes(2, "big")
            exchange = ApduExchange(bytes(command), response, self._channel_of(command), current_purpose())
            observers = list(self._observers)
        for observer in observers:
            try:
                observer(exchange)
            except Exception:
                log.exception("APDU observer failed")
        return response

    # -- observers and introspection -------------------------------------------------------
    def add_observer(self, observer: Callable[[ApduExchange], None]) -> None:
        self._observers.append(observer)

    def remove_observer(self, observer: Callable[[ApduExchange], None]) -> None:
        self._observers.remove(observer)

    def install(self, applet: Applet) -> None:
        with self._lock:
            if any(a.aid == applet.aid for a in self.applets):
                raise ValueError(f"AID {applet.aid.hex().upper()} already installed")
            self.applets.append(applet)

    def uninstall(self, applet: Applet) -> None:
        with self._lock:
            for ch in self._channels.values():
                if ch.applet is applet:
                    self._deselect(ch)
            self.applets.remove(applet)

    def find_applet(self, aid: bytes) -> Applet | None:
        """Exact match first, then the first AID that starts with ``aid`` (partial select)."""
        exact = next((a for a in self.applets if a.aid == aid), None)
        if exact is not None or not aid:
            return exact
        return next((a for a in self.applets if a.aid.startswith(aid)), None)

    def open_channels(self) -> list[int]:
        with self._lock:
            return sorted(self._channels)

    def selected(self, channel: int = 0) -> Applet | None:
        with self._lock:
            ch = self._channels.get(channel)
            return ch.applet if ch else None

    # -- dispatch ---------------------------------------------------------------------------
    @staticmethod
    def _channel_of(command: bytes) -> int | None:
        info = parse_cla(command[0]) if command else None
        return info.channel if info else None

    def _process(self, raw: bytes) -> ResponseAPDU:
        command = CommandAPDU.from_bytes(raw)
        info = parse_cla(command.cla)
        if info is None:
            raise StatusWordError(SW.CLA_NOT_SUPPORTED)
        if info.channel >= self.max_channels:
            raise StatusWordError(SW.LOGICAL_CHANNEL_NOT_SUPPORTED)
        channel = self._channels.get(info.channel)
        if channel is None:
            raise StatusWordError(SW.LOGICAL_CHANNEL_NOT_SUPPORTED)
        if self.gate is not None:
            self.gate(command)
        if command.ins == INS_GET_RESPONSE and not info.proprietary and channel.pending:
            return self._chunk(channel, channel.pending, command.ne or 256)
        channel.pending = b""
        if info.chaining:
            raise StatusWordError(SW.COMMAND_CHAINING_NOT_SUPPORTED)
        if self.get_challenge and not info.proprietary and command.ins == INS_GET_CHALLENGE:
            result: bytes | ResponseAPDU = self._challenge(command)
        elif not info.proprietary and command.ins == INS_MANAGE_CHANNEL:
            result = self._manage_channel(command, channel)
        elif (not info.proprietary and command.ins == INS_SELECT
              and command.p1 == SELECT_BY_DF_NAME and self._select_by_name(command, channel)):
            result = self._last_select
        elif channel.applet is None:
            raise StatusWordError(SW.FILE_NOT_FOUND if command.ins == INS_SELECT
                                  else SW.CONDITIONS_NOT_SATISFIED)
        else:
            result = channel.applet.process(command, channel.session, proprietary=info.proprietary)
        response = result if isinstance(result, ResponseAPDU) else ResponseAPDU(result)
        if response.data and (command.ne is None or len(response.data) > command.ne):
            if response.sw != SW.OK:
                return response
            return self._chunk(channel, response.data, command.ne or 0)
        return response

    @staticmethod
    def _challenge(command: CommandAPDU) -> bytes:
        """A fresh random number of Le bytes (1–256) from the OS's RNG; nothing else changes."""
        if command.p1 or command.p2:
            raise StatusWordError(SW.INCORRECT_P1P2)
        if command.data or command.ne is None:
            raise StatusWordError(SW.WRONG_LENGTH)
        if command.extended:
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED)
        return secrets.token_bytes(command.ne)

    def _chunk(self, channel: Channel, data: bytes, ne: int) -> ResponseAPDU:
        """Send ``ne`` bytes now and keep the rest for GET RESPONSE (61xx)."""
        now, channel.pending = data[:ne], data[ne:]
        if channel.pending:
            return ResponseAPDU(now, sw_more_data(len(channel.pending)))
        return ResponseAPDU(now)

    def _select_by_name(self, command: CommandAPDU, channel: Channel) -> bool:
        """SELECT by AID; False lets the current applet handle it (e.g. its own DF names)."""
        if command.p2 & 0x03:  # next occurrence: not modelled, one instance per AID
            raise StatusWordError(SW.FILE_NOT_FOUND)
        applet = self.find_applet(command.data) if command.data else self.default_applet
        if applet is None:
            if channel.applet is not None and getattr(channel.applet, "owns_df_name",
                                                      lambda _a: False)(command.data):
                return False
            raise StatusWordError(SW.FILE_NOT_FOUND)
        if not applet.selectable():
            raise StatusWordError(SW.FILE_NOT_FOUND)
        if not applet.multi_selectable and any(
                ch.applet is applet for ch in self._channels.values() if ch is not channel):
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED)
        self._deselect(channel)
        session = self._activate(channel, applet)
        fci = applet.select(command, session)
        self._last_select = fci
        return True

    def _activate(self, channel: Channel, applet: Applet) -> Any:
        channel.applet = applet
        channel.session = applet.new_session(channel.number)
        return channel.session

    def _deselect(self, channel: Channel) -> None:
        if channel.applet is not None:
            try:
                channel.applet.deselect(channel.session)
            finally:
                channel.applet, channel.session, channel.pending = None, None, b""

    def _manage_channel(self, command: CommandAPDU, channel: Channel) -> bytes:
        """MANAGE CHANNEL open (P1 00) / close (P1 80), ISO 7816-4 §11.1.2."""
        if self.max_channels <= 1:
            raise StatusWordError(SW.LOGICAL_CHANNEL_NOT_SUPPORTED)
        if command.p1 == 0x00:
            if command.p2 != 0:  # open the requested channel number
                number = command.p2
                if number >= self.max_channels or number in self._channels:
                    raise StatusWordError(SW.INCORRECT_P1P2)
            else:
                free = [n for n in range(1, self.max_channels) if n not in self._channels]
                if not free:
                    raise StatusWordError(SW.FUNCTION_NOT_SUPPORTED)
                number = free[0]
            new = Channel(number)
            self._channels[number] = new
            # ISO: the new channel selects what the originating channel has selected
            # when opened from a non-basic channel; from channel 0 it gets the default.
            origin = channel.applet if channel.number != 0 else self.default_applet
            if origin is not None and origin.multi_selectable:
                self._activate(new, origin)
            return bytes((number,)) if command.p2 == 0 else b""
        if command.p1 == 0x80:
            number = command.p2
            if number == 0 or number not in self._channels:
                raise StatusWordError(SW.INCORRECT_P1P2)
            self._deselect(self._channels.pop(number))
            return b""
        raise StatusWordError(SW.INCORRECT_P1P2)

    def applets_by_aid(self) -> Iterable[tuple[bytes, Applet]]:
        return [(a.aid, a) for a in self.applets]
