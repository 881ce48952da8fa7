"""The vpcd bridge against a stand-in for pcscd's vpcd driver (a listening socket that speaks
vpcd's framing), so the protocol is tested without root or pcscd."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from labkit.apdu import CommandAPDU
from labkit.cardos import Applet, CardOS, handles
from labkit.errors import TransportError
from labkit.reader import VpcdBridge

pytestmark = pytest.mark.timeout(30)

AID = bytes.fromhex("F0010203040506")
SELECT = CommandAPDU(0x00, 0xA4, 0x04, 0x0C, AID).to_bytes()
ECHO = bytes.fromhex("80EC000002CAFE00")


class EchoApplet(Applet):
    aid = AID

    @handles(0xEC)
    def echo(self, command: CommandAPDU, session: object) -> bytes:
        return command.data


class FakeVpcd:
    """The server side of vpcd: accepts the bridge and exchanges length-prefixed frames."""

    def __init__(self, port: int = 0) -> None:
        self.server = socket.create_server(("127.0.0.1", port))
        self.port = self.server.getsockname()[1]
        self.server.settimeout(10)
        self.conn: socket.socket | None = None

    def accept(self) -> None:
        self.conn, _ = self.server.accept()
        self.conn.settimeout(10)

    def send(self, payload: bytes, *, split: bool = False) -> None:
        assert self.conn is not None
        frame = len(payload).to_bytes(2, "big") + payload
        if split:  # as Debian's vpcd does: the length and the payload in two send() calls
            self.conn.sendall(frame[:2])
            time.sleep(0.01)
            self.conn.sendall(frame[2:])
        else:
            self.conn.sendall(frame)

    def recv(self) -> bytes:
        assert self.conn is not None
        size = int.from_bytes(self._exact(2), "big")
        return self._exact(size)

    def _exact(self, n: int) -> bytes:
        assert self.conn is not None
        out = b""
        while len(out) < n:
            chunk = self.conn.recv(n - len(out))
            if not chunk:
                raise ConnectionError("bridge closed the connection")
            out += chunk
        return out

    def apdu(self, command: bytes, *, split: bool = False) -> bytes:
        self.send(command, split=split)
        return self.recv()

    def drop(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def close(self) -> None:
        self.drop()
        self.server.close()


@pytest.fixture
def vpcd() -> FakeVpcd:
    server = FakeVpcd()
    yield server
    server.close()


@pytest.fixture
def card() -> CardOS:
    return CardOS([EchoApplet()], atr_bytes=bytes.fromhex("3BE000FF8131FE4514"))


def test_framing_control_bytes_and_apdus(vpcd: FakeVpcd, card: CardOS) -> None:
    with VpcdBridge(card, port=vpcd.port) as bridge:
        vpcd.accept()
        assert bridge.wait_connected(5)
        vpcd.send(b"\x01")  # power on: no answer
        vpcd.send(b"\x04")  # get ATR
        assert vpcd.recv() == card.atr
        assert vpcd.apdu(SELECT, split=True) == b"\x90\x00"
        assert vpcd.apdu(ECHO) == bytes.fromhex("CAFE9000")
        vpcd.send(b"\x02")  # reset: no answer, selection lost
        assert vpcd.apdu(ECHO) == bytes.fromhex("6985")
        assert bridge.apdus == 3


def test_get_atr_is_a_pure_query(vpcd: FakeVpcd, card: CardOS) -> None:
    """pcscd polls with GET ATR every ~0.4 s between APDUs: it must not reset the card."""
    with VpcdBridge(card, port=vpcd.port):
        vpcd.accept()
        vpcd.send(b"\x01")
        assert vpcd.apdu(SELECT) == b"\x90\x00"
        for _ in range(3):
            vpcd.send(b"\x04")
            assert vpcd.recv() == card.atr
        assert vpcd.apdu(ECHO) == bytes.fromhex("CAFE9000")


def test_several_frames_in_one_segment(vpcd: FakeVpcd, card: CardOS) -> None:
    with VpcdBridge(card, port=vpcd.port):
        vpcd.accept()
        assert vpcd.conn is not None
        frames = b"".join(len(p).to_bytes(2, "big") + p for p in (b"\x01", b"\x04", SELECT, ECHO))
        vpcd.conn.sendall(frames)
        assert vpcd.recv() == card.atr
        assert vpcd.recv() == b"\x90\x00"
        assert vpcd.recv() == bytes.fromhex("CAFE9000")


def test_reconnects_when_pcscd_restarts(vpcd: FakeVpcd, card: CardOS) -> None:
    with VpcdBridge(card, port=vpcd.port, retry_interval=0.02) as bridge:
        vpcd.accept()
        vpcd.send(b"\x01")
        assert vpcd.apdu(SELECT) == b"\x90\x00"
        vpcd.drop()  # pcscd went away: the card counts as pulled out (powered off)
        vpcd.accept()  # ... and came back
        assert bridge.wait_connected(5)
        assert vpcd.apdu(ECHO) == bytes.fromhex("6985")  # fresh power-on state
        assert bridge.connections == 2


def test_waits_for_pcscd_to_start(card: CardOS) -> None:
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with VpcdBridge(card, port=port, retry_interval=0.02) as bridge:
        assert not bridge.wait_connected(0.1)
        late = FakeVpcd(port)
        try:
            late.accept()
            assert bridge.wait_connected(5)
            late.send(b"\x04")
            assert late.recv() == card.atr
        finally:
            late.close()


def test_stop_closes_the_connection_and_ends_the_thread(vpcd: FakeVpcd, card: CardOS) -> None:
    bridge = VpcdBridge(card, port=vpcd.port).start()
    vpcd.accept()
    assert bridge.wait_connected(5)
    started = time.monotonic()
    bridge.stop()
    assert time.monotonic() - started < 2
    assert not bridge.connected and bridge.error is None
    assert bridge._thread is not None and not bridge._thread.is_alive()
    with pytest.raises(ConnectionError):
        vpcd.recv()  # the card left the reader
    assert not card.powered
    bridge.stop()  # idempotent


def test_stop_right_after_start_is_not_lost(card: CardOS) -> None:
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    for _ in range(20):
        bridge = VpcdBridge(card, port=port, retry_interval=0.01).start()
        bridge.stop()
        assert bridge._thread is not None and not bridge._thread.is_alive()


def test_foreground_run_returns_after_stop(vpcd: FakeVpcd, card: CardOS) -> None:
    bridge = VpcdBridge(card, port=vpcd.port)
    runner = threading.Thread(target=bridge.run)
    runner.start()
    vpcd.accept()
    assert bridge.wait_connected(5)
    bridge.stop()
    runner.join(5)
    assert not runner.is_alive()


def test_without_reconnect_a_missing_vpcd_is_an_error(card: CardOS) -> None:
    probe = socket.create_server(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with pytest.raises(TransportError) as info:
        VpcdBridge(card, port=port, reconnect=False).run()
    assert str(port) in info.value.message("en") and "pcscd" in info.value.message("ja")


class _Buggy(CardOS):
    def transmit(self, command: bytes) -> bytes:
        raise RuntimeError("bug")


def test_a_raising_device_answers_6f00_and_keeps_the_link(vpcd: FakeVpcd) -> None:
    with VpcdBridge(_Buggy(), port=vpcd.port):
        vpcd.accept()
        assert vpcd.apdu(SELECT) == b"\x6f\x00"
        vpcd.send(b"\x04")
        assert vpcd.recv() == CardOS().atr
