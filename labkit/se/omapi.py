"""An OMAPI-like API for the phone's apps, modelled on ``android.se.omapi``:
``SEService`` → ``Reader`` → ``Session`` → ``Channel``.

The system side (:class:`SecureElementService`, one per phone, with one :class:`Terminal` per
secure element) does what Android's SecureElement service and HAL do: it checks access against
the ARA-M rules for the calling app *before* a channel is opened (reading the rules through
APDUs on its own channel), opens logical channels with MANAGE CHANNEL + SELECT, writes the
channel number into CLA, answers 61xx/6Cxx itself, and refuses MANAGE CHANNEL and SELECT by
DF name from apps. Android names are kept as aliases (``openLogicalChannel`` ...).

Exceptions: SecurityException → :class:`~labkit.errors.AccessDeniedError`;
AccessControlException → :class:`ApduFilterError`; NoSuchElementException →
:class:`NoSuchElementError`; IllegalArgumentException → :class:`~labkit.errors.InputError`;
IllegalStateException → :class:`OmapiStateError`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from ..apdu import SW, CardDevice, CommandAPDU, ResponseAPDU, parse_cla, with_channel
from ..errors import AccessDeniedError, CardError, InputError, LabkitError
from ..i18n import Text
from .access import AccessDecision, AppIdentity, AraReader, find_access_rule
from .gp_constants import ARA_M_AID

__all__ = [
    "AccessEvent",
    "ApduFilterError",
    "Channel",
    "NoSuchElementError",
    "OmapiStateError",
    "Reader",
    "SEService",
    "SecureElementService",
    "Session",
    "Terminal",
]


class NoSuchElementError(CardError):
    """The AID could not be selected on the secure element (Android NoSuchElementException)."""


class OmapiStateError(LabkitError):
    """The service, session or channel is closed (Android IllegalStateException)."""


class ApduFilterError(AccessDeniedError):
    """The APDU does not pass the rule's APDU filter (Android AccessControlException)."""


@dataclass(frozen=True, slots=True)
class AccessEvent:
    """One access decision, for the lab's trace: who asked for what, and the answer."""

    reader: str
    package: str
    aid: bytes | None
    allowed: bool
    reason: Text


def _valid_p2(p2: int) -> None:
    if p2 not in (0x00, 0x04, 0x08, 0x0C):
        raise InputError(Text(f"P2={p2:02X} は未対応 (00/04/08/0C のみ)", f"unsupported P2 {p2:02X} (00/04/08/0C)"))


def _normal_aid(aid: bytes | None) -> bytes | None:
    """AOSP maps a null AID and ``00 00 00 00 00`` to the default-selected application."""
    if aid is None or aid in (b"", b"\x00" * 5):
        return None
    if not 5 <= len(aid) <= 16:
        raise InputError(Text("AID は 5〜16 バイト", "an AID is 5..16 bytes"))
    return bytes(aid)


class Terminal:
    """The service's view of one secure element (Android's ``Terminal`` + HAL)."""

    def __init__(self, name: str, device: CardDevice) -> None:
        self.name = name
        self.device = device
        self.ara = AraReader()
        self._lock = threading.RLock()
        self._basic_in_use = False
        self._listeners: list[Callable[[AccessEvent], None]] = []

    def add_listener(self, listener: Callable[[AccessEvent], None]) -> None:
        self._listeners.append(listener)

    # -- the HAL part ------------------------------------------------------------------------
    def exchange(self, command: CommandAPDU) -> ResponseAPDU:
        """Send one APDU; fetch 61xx with GET RESPONSE and resend on 6Cxx, like the service."""
        response = ResponseAPDU.from_bytes(self.device.transmit(command.to_bytes()))
        if response.sw1 == 0x6C:
            command = CommandAPDU(command.cla, command.ins, command.p1, command.p2, command.data,
                                  response.sw2 or 256)
            response = ResponseAPDU.from_bytes(self.device.transmit(command.to_bytes()))
        data = response.data
        while response.sw1 == 0x61:
            info = parse_cla(command.cla)
            get = CommandAPDU(with_channel(0x00, info.channel if info else 0), 0xC0, 0, 0, ne=response.sw2 or 256)
            response = ResponseAPDU.from_bytes(self.device.transmit(get.to_bytes()))
            data += response.data
        return ResponseAPDU(data, response.sw)

    def _open_raw(self) -> int | None:
        response = self.exchange(CommandAPDU(0x00, 0x70, 0x00, 0x00, ne=1))
        if response.sw == SW.OK and len(response.data) == 1:
            return response.data[0]
        if response.sw == SW.FUNCTION_NOT_SUPPORTED:
            return None  # no free channel: the app gets None
        raise OmapiStateError(Text("論理チャネルが使えない", "logical channels are not available"),
                              sw=response.sw)

    def _close_raw(self, number: int) -> None:
        self.exchange(CommandAPDU(0x00, 0x70, 0x80, number, ne=256))  # 00 70 80 0N 00, as Thales' HAL

    def _select(self, number: int, aid: bytes, p2: int) -> ResponseAPDU:
        return self.exchange(CommandAPDU(with_channel(0x00, number), 0xA4, 0x04, p2, aid, ne=256))

    # -- access control ------------------------------------------------------------------------
    def check_access(self, aid: bytes | None, app: AppIdentity) -> AccessDecision:
        """Refresh the rules from the ARA-M (on a channel of our own) and look ``aid`` up."""
        with self._lock:
            decision = self._check(aid, app)
        event = AccessEvent(self.name, app.package, aid, decision.allowed, decision.reason)
        for listener in list(self._listeners):
            listener(event)
        return decision

    def _check(self, aid: bytes | None, app: AppIdentity) -> AccessDecision:
        number = self._open_raw()
        if number is None:
            return AccessDecision(False, Text("アクセス規則を読むチャネルがない", "no channel free to read the rules"))
        try:
            selected = self._select(number, ARA_M_AID, 0x00)
            if selected.sw == SW.FUNCTION_NOT_SUPPORTED and self._se_locked(number):
                # A CARD_LOCKED or TERMINATED SE refuses every application (6A81).
                self.ara.refresh_tag, self.ara.rules = None, ()
                return AccessDecision(False, Text(
                    "SE がロックされている (不正対策で停止: CARD_LOCKED / TERMINATED)",
                    "the SE is locked (stopped by its tamper response: CARD_LOCKED / TERMINATED)"))
            if selected.sw != SW.OK:
                # AOSP on an eSE without ARA-M (non-debuggable build): everything is denied.
                self.ara.refresh_tag, self.ara.rules = None, ()
                return AccessDecision(False, Text("SE に ARA-M がない (全アプリ拒否)",
                                                  "no ARA-M on the SE: every app is denied"))
            try:
                self.ara.refresh(self.exchange, with_channel(0x80, number))
            except AccessDeniedError as exc:
                return AccessDecision(False, exc.text)
        finally:
            self._close_raw(number)
        return find_access_rule(self.ara.rules, aid, app)

    def _se_locked(self, number: int) -> bool:
        """True if the card itself is locked: its ISD answers 6283 (CARD_LOCKED) or 6A81
        (TERMINATED), whereas a merely locked ARA-M leaves the ISD selectable with 9000."""
        isd = self.exchange(CommandAPDU(with_channel(0x00, number), 0xA4, 0x04, 0x00, ne=256))
        return isd.sw in (SW.SELECTED_FILE_INVALIDATED, SW.FUNCTION_NOT_SUPPORTED)

    def _deny(self, decision: AccessDecision, app: AppIdentity, aid: bytes | None) -> AccessDeniedError:
        target = aid.hex().upper() if aid else "default"
        return AccessDeniedError(Text(
            f"アクセス拒否: アプリ {app.package} は SE アプリ {target} を使えない ({decision.reason.ja})",
            f"access denied: app {app.package} may not use SE application {target} ({decision.reason.en})"),
            package=app.package, aid=aid)

    # -- channels for apps ---------------------------------------------------------------------
    def open_logical(self, app: AppIdentity, aid: bytes | None, p2: int) -> tuple[int, bytes, AccessDecision] | None:
        _valid_p2(p2)
        aid = _normal_aid(aid)
        with self._lock:
            decision = self.check_access(aid, app)
            if not decision.allowed:
                raise self._deny(decision, app, aid)
            number = self._open_raw()
            if number is None:
                return None
            if aid is None:
                return number, SW.OK.to_bytes(2, "big"), decision
            response = self._select(number, aid, p2)
            if response.sw != SW.OK and response.sw1 not in (0x62, 0x63):
                self._close_raw(number)
                raise NoSuchElementError(Text(f"SE アプリ {aid.hex().upper()} を選択できない",
                                              f"cannot select SE application {aid.hex().upper()}"), sw=response.sw)
            return number, response.to_bytes(), decision

    def open_basic(self, app: AppIdentity, aid: bytes | None, p2: int) -> tuple[int, bytes, AccessDecision] | None:
        _valid_p2(p2)
        aid = _normal_aid(aid)
        with self._lock:
            decision = self.check_access(aid, app)
            if not decision.allowed:
                raise self._deny(decision, app, aid)
            if self._basic_in_use:
                return None
            response = ResponseAPDU() if aid is None else self._select(0, aid, p2)
            if response.sw != SW.OK and response.sw1 not in (0x62, 0x63):
                raise NoSuchElementError(Text(f"SE アプリ {aid.hex().upper() if aid else ''} を選択できない",
                                              "cannot select the SE application"), sw=response.sw)
            self._basic_in_use = True
            return 0, response.to_bytes(), decision

    def transmit(self, number: int, command: bytes, decision: AccessDecision) -> bytes:
        """The checks of AOSP ``Channel.transmit``, then the channel bits, then the SE."""
        if len(command) < 4:
            raise InputError(Text("APDU が短すぎる", "APDU too short"))
        try:
            apdu = CommandAPDU.from_bytes(command)
        except LabkitError as exc:
            raise InputError(Text("APDU の形式が不正", "malformed APDU")) from exc
        info = parse_cla(apdu.cla)
        if info is None:
            raise InputError(Text(f"CLA {apdu.cla:02X} は不正", f"invalid CLA {apdu.cla:02X}"))
        if not info.proprietary:
            if apdu.ins == 0x70:
                raise AccessDeniedError(Text("アプリは MANAGE CHANNEL を送れない", "apps may not send MANAGE CHANNEL"))
            if apdu.ins == 0xA4 and apdu.p1 == 0x04:
                raise AccessDeniedError(Text("アプリは DF 名による SELECT を送れない",
                                             "apps may not send SELECT by DF name"))
        if not decision.check_apdu(command):
            raise ApduFilterError(Text("APDU がアクセス規則のフィルタに合わない", "APDU refused by the rule's filter"))
        routed = CommandAPDU(with_channel(apdu.cla, number), apdu.ins, apdu.p1, apdu.p2, apdu.data, apdu.ne,
                             apdu.extended)
        with self._lock:
            return self.exchange(routed).to_bytes()

    def close(self, number: int) -> None:
        with self._lock:
            if number == 0:
                self._basic_in_use = False
            else:
                self._close_raw(number)


class SecureElementService:
    """The phone's system service: one terminal per secure element (e.g. ``"eSE1"``)."""

    def __init__(self, readers: Mapping[str, CardDevice]) -> None:
        self.terminals = {name: Terminal(name, device) for name, device in readers.items()}


class SEService:
    """What an app holds (``android.se.omapi.SEService``); bound to the calling app."""

    def __init__(self, service: SecureElementService, app: AppIdentity) -> None:
        self.app = app
        self._service: SecureElementService | None = service
        self._readers = [Reader(self, t) for t in service.terminals.values()]

    def is_connected(self) -> bool:
        return self._service is not None

    def get_readers(self) -> list[Reader]:
        if self._service is None:
            raise OmapiStateError(Text("サービスは終了済み", "the service is shut down"))
        return list(self._readers)

    def shutdown(self) -> None:
        for reader in self._readers:
            reader.close_sessions()
        self._service = None

    isConnected = is_connected
    getReaders = get_readers


class Reader:
    def __init__(self, service: SEService, terminal: Terminal) -> None:
        self._service, self._terminal = service, terminal
        self._sessions: list[Session] = []

    def get_name(self) -> str:
        return self._terminal.name

    def is_secure_element_present(self) -> bool:
        return True

    def open_session(self) -> Session:
        if not self._service.is_connected():
            raise OmapiStateError(Text("サービスは終了済み", "the service is shut down"))
        session = Session(self, self._terminal)
        self._sessions.append(session)
        return session

    def close_sessions(self) -> None:
        for session in list(self._sessions):
            session.close()

    getName = get_name
    isSecureElementPresent = is_secure_element_present
    openSession = open_session
    closeSessions = close_sessions


class Session:
    def __init__(self, reader: Reader, terminal: Terminal) -> None:
        self._reader, self._terminal = reader, terminal
        self._channels: list[Channel] = []
        self._closed = False

    @property
    def app(self) -> AppIdentity:
        return self._reader._service.app

    def get_reader(self) -> Reader:
        return self._reader

    def get_atr(self) -> bytes:
        return self._terminal.device.atr

    def is_closed(self) -> bool:
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise OmapiStateError(Text("セッションは閉じている", "the session is closed"))

    def open_logical_channel(self, aid: bytes | None = None, p2: int = 0x00) -> Channel | None:
        """MANAGE CHANNEL + SELECT ``aid`` after the access check; None if no channel is free."""
        self._check_open()
        opened = self._terminal.open_logical(self.app, aid, p2)
        return self._add(opened, basic=False)

    def open_basic_channel(self, aid: bytes | None = None, p2: int = 0x00) -> Channel | None:
        self._check_open()
        opened = self._terminal.open_basic(self.app, aid, p2)
        return self._add(opened, basic=True)

    def _add(self, opened: tuple[int, bytes, AccessDecision] | None, *, basic: bool) -> Channel | None:
        if opened is None:
            return None
        channel = Channel(self, self._terminal, *opened, basic=basic)
        self._channels.append(channel)
        return channel

    def close_channels(self) -> None:
        for channel in list(self._channels):
            channel.close()

    def close(self) -> None:
        self.close_channels()
        self._closed = True

    getReader = get_reader
    getATR = get_atr
    isClosed = is_closed
    openLogicalChannel = open_logical_channel
    openBasicChannel = open_basic_channel
    closeChannels = close_channels


class Channel:
    def __init__(self, session: Session, terminal: Terminal, number: int, select_response: bytes,
                 decision: AccessDecision, *, basic: bool) -> None:
        self._session, self._terminal = session, terminal
        self.number = number
        self._select_response = select_response
        self._decision = decision
        self._basic = basic
        self._open = True

    def is_open(self) -> bool:
        return self._open

    def is_basic_channel(self) -> bool:
        return self._basic

    def get_select_response(self) -> bytes:
        return self._select_response

    def get_session(self) -> Session:
        return self._session

    def transmit(self, command: bytes) -> bytes:
        """Send an APDU on this channel; the service sets the channel bits in CLA."""
        if not self._open:
            raise OmapiStateError(Text("チャネルは閉じている", "the channel is closed"))
        return self._terminal.transmit(self.number, bytes(command), self._decision)

    def close(self) -> None:
        if self._open:
            self._open = False
            self._terminal.close(self.number)
            self._session._channels.remove(self)

    isOpen = is_open
    isBasicChannel = is_basic_channel
    getSelectResponse = get_select_response
    getSession = get_session
