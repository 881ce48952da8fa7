"""The one host-side seam to a card: :class:`Transport`, and its in-process implementation.

Everything above this layer (the JPKI client, the Mynaportal app, the notebooks) talks to a
``Transport`` and never knows whether the chip is an emulator object in the same process,
an emulator behind pcscd, or a real My Number Card on a USB NFC reader."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Callable
from types import TracebackType

from ..apdu import ApduExchange, CardDevice, CommandAPDU, ResponseAPDU
from ..errors import TransportError
from ..i18n import Text
from ._errors import TransactionFailedError

__all__ = ["InProcessTransport", "Transport"]

log = logging.getLogger(__name__)

Observer = Callable[[ApduExchange], None]


class Transport(ABC):
    """A connection to one card.

    Subclasses implement :meth:`_open`, :meth:`_close`, :meth:`_transmit_raw`, :attr:`atr`
    and :attr:`connected`. :meth:`transmit` never returns a half-answer: it gives a :class:`ResponseAPDU` (any
    status word, errors included: the caller decides) or raises a
    :class:`~labkit.errors.TransportError` when the link itself failed.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self._observers: list[Observer] = []
        #: How many sessions were opened: clients use it to notice a reconnect (after which
        #: the card has forgotten its selection and security state).
        self.sessions = 0

    # -- to implement -----------------------------------------------------------------------
    @property
    @abstractmethod
    def atr(self) -> bytes:
        """The card's answer-to-reset (raises TransportError when not connected)."""

    @property
    @abstractmethod
    def connected(self) -> bool: ...

    @abstractmethod
    def _open(self) -> bytes:
        """Open a session with the card; return the ATR."""

    @abstractmethod
    def _close(self) -> None:
        """End the session; must not raise."""

    @abstractmethod
    def _transmit_raw(self, command: bytes) -> bytes:
        """Send one command APDU, return the raw response (data + SW)."""

    # -- shared behaviour --------------------------------------------------------------------
    def connect(self) -> bytes:
        """Open a session with the card (the card starts from its power-on state: nothing
        selected, no PIN verified); returns the ATR. A no-op when already connected."""
        if self.connected:
            return self.atr
        atr = self._open()
        self.sessions += 1
        return atr

    def disconnect(self) -> None:
        """End the session; never raises, safe to call twice."""
        if self.connected:
            self._close()

    def transmit(self, command: CommandAPDU | bytes) -> ResponseAPDU:
        raw = command.to_bytes() if isinstance(command, CommandAPDU) else bytes(command)
        if not self.connected:
            raise TransportError(Text(f"{self.name} に接続していません (connect() が必要)",
                                      f"not connected to {self.name} (call connect() first)"))
        response = self._transmit_raw(raw)
        if len(response) < 2:
            raise TransactionFailedError(Text(
                f"{self.name}: 応答が短すぎます ({len(response)} バイト、ステータスワードなし)",
                f"{self.name}: response too short ({len(response)} bytes, no status word)"))
        if self._observers:
            exchange = ApduExchange(raw, response)
            for observer in list(self._observers):
                try:
                    observer(exchange)
                except Exception:
                    log.exception("transport observer failed")
        return ResponseAPDU(response[:-2], (response[-2] << 8) | response[-1])

    def add_observer(self, observer: Observer) -> None:
        """Call ``observer`` with every exchange (APDU traces, the notebooks' trace view)."""
        self._observers.append(observer)

    def remove_observer(self, observer: Observer) -> None:
        self._observers.remove(observer)

    def reconnect(self) -> bytes:
        """Drop the session and open a new one (after a card was removed and put back)."""
        self.disconnect()
        return self.connect()

    def __enter__(self) -> Transport:
        self.connect()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.disconnect()

    def __repr__(self) -> str:
        state = "connected" if self.connected else "disconnected"
        return f"<{type(self).__name__} {self.name!r} {state}>"


class InProcessTransport(Transport):
    """Straight to a :class:`~labkit.apdu.CardDevice` in this process: no pcscd, no sockets.

    ``connect`` powers the chip on (a fresh session, as a reader does), ``disconnect``
    powers it off, so security state never leaks from one session to the next."""

    def __init__(self, device: CardDevice, name: str = "in-process") -> None:
        super().__init__(name)
        self.device = device
        self._atr: bytes | None = None

    @property
    def atr(self) -> bytes:
        if self._atr is None:
            raise TransportError(Text(f"{self.name} に接続していません", f"not connected to {self.name}"))
        return self._atr

    @property
    def connected(self) -> bool:
        return self._atr is not None

    def _open(self) -> bytes:
        self._atr = bytes(self.device.power_on())
        return self._atr

    def _close(self) -> None:
        self._atr = None
        self.device.power_off()

    def _transmit_raw(self, command: bytes) -> bytes:
        return self.device.transmit(command)
