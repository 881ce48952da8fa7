"""Put an emulated chip into pcscd's virtual reader (vsmartcard's ``vpcd`` driver).

vpcd listens on TCP (35963 for slot 0, 35964 for slot 1 of one reader.conf entry); the
bridge connects to it as a client and then plays the card:

- every message, both ways, is a 2-byte big-endian length followed by the payload;
- a 1-byte payload is a control byte: 0 power off, 1 power on, 2 reset, 4 get ATR. Only 4
  is answered (with the ATR). pcscd sends it every ~0.4 s to see whether the card is still
  there, so it is a pure query and never touches the chip's state;
- anything else is a command APDU, answered with one response APDU.

Debian's vpcd writes the length and the payload with two ``send`` calls and no
``TCP_NODELAY``; with Linux's delayed ACK every APDU would then cost ~40 ms. Setting
``TCP_QUICKACK`` before every ``recv`` (the kernel clears it again) removes the stall.

The bridge is generic: any :class:`~labkit.apdu.CardDevice` (the My Number Card, the
phone's secure element) can be attached."""

from __future__ import annotations

import logging
import socket
import threading
from types import TracebackType

from ..apdu import SW, CardDevice
from ..errors import TransportError
from ..i18n import Text

__all__ = ["VPCD_PORT", "VpcdBridge"]

log = logging.getLogger(__name__)

#: Slot 0 of vpcd's default reader.conf entry (``CHANNELID 0x8C7B``); slot 1 is port + 1.
VPCD_PORT = 0x8C7B

CTRL_OFF, CTRL_ON, CTRL_RESET, CTRL_ATR = 0, 1, 2, 4
_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


class VpcdBridge:
    """Connects ``device`` to vpcd at ``host:port`` and serves it until :meth:`stop`.

    Use :meth:`start` for a background thread or :meth:`run` in the foreground (it returns
    after :meth:`stop`, e.g. from a signal handler). With ``reconnect`` (the default) the
    bridge keeps trying when pcscd is not up yet and re-attaches after pcscd restarts; a
    closed connection means "card out of the reader", so the chip is powered off.
    """

    def __init__(self, device: CardDevice, host: str = "127.0.0.1", port: int = VPCD_PORT, *,
                 reconnect: bool = True, retry_interval: float = 0.1) -> None:
        self.device = device
        self.host = host
        self.port = port
        self.reconnect = reconnect
        self.retry_interval = retry_interval
        #: Counters for tests and the benchmark.
        self.apdus = 0
        self.connections = 0
        #: The error that ended :meth:`run` in a background thread, if any.
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._connected = threading.Event()
        self._lock = threading.RLock()  # stop() may run in a signal handler on this thread
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ------------------------------------------------------------------------
    def start(self) -> VpcdBridge:
        """Serve in a daemon thread; returns at once (see :meth:`wait_connected`)."""
        if self._thread is not None and self._thread.is_alive():
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._run_in_thread, daemon=True,
                                        name=f"vpcd-bridge-{self.port}")
        self._thread.start()
        return self

    def _run_in_thread(self) -> None:
        try:
            self.run()
        except BaseException as exc:  # kept for the owner; a thread has nobody to raise to
            self.error = exc
            log.exception("vpcd bridge on port %d stopped with an error", self.port)

    def run(self) -> None:
        """Serve in the calling thread until :meth:`stop` (or, without ``reconnect``, until
        the first connection ends; a refused first connection raises TransportError). A
        stopped bridge stays stopped: :meth:`start` may be called again to serve anew."""
        while not self._stop.is_set():
            sock = self._open()
            if sock is None:
                if not self.reconnect:
                    raise TransportError(Text(
                        f"vpcd ({self.host}:{self.port}) に接続できません。pcscd と vpcd ドライバが"
                        "動いているか確認してください",
                        f"cannot connect to vpcd at {self.host}:{self.port}; is pcscd running "
                        "with the vpcd driver?"), port=self.port)
                self._stop.wait(self.retry_interval)
                continue
            try:
                self._serve(sock)
            except OSError as exc:
                if not self._stop.is_set():
                    log.info("vpcd connection on port %d lost: %s", self.port, exc)
            finally:
                with self._lock:
                    self._sock = None
                self._connected.clear()
                sock.close()
                self._power_off()
            if not self.reconnect:
                break

    def stop(self, timeout: float = 5.0) -> None:
        """Pull the card out: close the connection and end :meth:`run`. Idempotent."""
        self._stop.set()
        with self._lock:
            sock = self._sock
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked recv
            except OSError:
                pass
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
            if thread.is_alive():
                log.warning("vpcd bridge thread on port %d did not stop within %.1f s",
                            self.port, timeout)

    @property
    def connected(self) -> bool:
        """Whether vpcd currently holds our connection (the card is in the reader)."""
        return self._connected.is_set()

    def wait_connected(self, timeout: float = 5.0) -> bool:
        return self._connected.wait(timeout)

    def __enter__(self) -> VpcdBridge:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "connected" if self.connected else "not connected"
        return f"<VpcdBridge {self.host}:{self.port} {state}, {self.apdus} APDUs>"

    # -- protocol --------------------------------------------------------------------------
    def _open(self) -> socket.socket | None:
        try:
            sock = socket.create_connection((self.host, self.port), timeout=2.0)
        except OSError:
            return None
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self._lock:
            if self._stop.is_set():
                sock.close()
                return None
            self._sock = sock
        self.connections += 1
        self._connected.set()
        log.info("vpcd bridge attached to %s:%d", self.host, self.port)
        return sock

    def _serve(self, sock: socket.socket) -> None:
        buffer = bytearray()
        while True:
            while True:  # take every complete frame already buffered
                if len(buffer) < 2:
                    break
                size = (buffer[0] << 8) | buffer[1]
                if len(buffer) < 2 + size:
                    break
                payload = bytes(buffer[2:2 + size])
                del buffer[:2 + size]
                reply = self._handle(payload)
                if reply is not None:
                    sock.sendall(len(reply).to_bytes(2, "big") + reply)
            if _QUICKACK is not None:
                sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)
            chunk = sock.recv(65538)
            if not chunk:
                return  # vpcd closed the connection (pcscd stopped), or stop() shut it down
            buffer += chunk

    def _handle(self, payload: bytes) -> bytes | None:
        if len(payload) == 1:
            control = payload[0]
            if control == CTRL_ATR:
                return bytes(self.device.atr)
            if control == CTRL_ON:
                self.device.power_on()
            elif control == CTRL_RESET:
                self.device.reset()
            elif control == CTRL_OFF:
                self.device.power_off()
            else:
                log.warning("vpcd: unknown control byte %d", control)
            return None
        if not payload:
            return None
        self.apdus += 1
        try:
            response = bytes(self.device.transmit(payload))
        except Exception:  # CardDevice.transmit must not raise; never let a bug drop the link
            log.exception("card device raised for an APDU with header %s", payload[:4].hex())
            response = b""
        if len(response) < 2:
            response = SW.NO_PRECISE_DIAGNOSIS.to_bytes(2, "big")
        return response

    def _power_off(self) -> None:
        try:
            self.device.power_off()
        except Exception:
            log.exception("power_off failed after the vpcd connection closed")
