"""An emulator process killed mid-session (``labkit card emulate`` in a subprocess, SIGKILL):
the client gets a clear labkit TransportError, never a pyscard exception, and a restarted
emulator — loaded from the saved state — is usable again with its PIN counters kept."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from pcscd import IssuedCard, VirtualSlot

from labkit.card import KeyRole
from labkit.errors import TransportError
from labkit.reader import (
    CardRemovedError,
    JpkiClient,
    PcscTransport,
    TransactionFailedError,
    WrongPinError,
)

pytestmark = [pytest.mark.pcsc, pytest.mark.timeout(120)]

ROOT = Path(__file__).resolve().parents[2]


def _emulator(state: Path, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "labkit", "card", "emulate", "--port", str(port),
                             "--state", str(state)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(10)


def test_killed_emulator_gives_a_transport_error_and_a_restart_recovers(
        vpcd_slot0: VirtualSlot, issued_card: IssuedCard, tmp_path: Path) -> None:
    state = tmp_path / "card.json"
    issued_card.new().save(state)
    first = _emulator(state, vpcd_slot0.port)
    transport = PcscTransport(vpcd_slot0.reader)
    client = JpkiClient(transport)
    second: subprocess.Popen[bytes] | None = None
    try:
        vpcd_slot0.wait_present(60)
        auth = client.read_certificate(KeyRole.AUTH)
        with pytest.raises(WrongPinError):
            client.verify(KeyRole.AUTH, "9999")  # saved back to the state file at once
        os.kill(first.pid, signal.SIGKILL)
        first.wait(10)
        with pytest.raises(TransportError) as info:
            client.pin_tries(KeyRole.AUTH)
        assert isinstance(info.value, TransactionFailedError | CardRemovedError)
        assert type(info.value).__module__.startswith("labkit.")
        assert "emulator" in info.value.message("en") or "removed" in info.value.message("en")
        vpcd_slot0.wait_absent()

        second = _emulator(state, vpcd_slot0.port)
        vpcd_slot0.wait_present(60)
        transport.reconnect()
        assert client.read_certificate(KeyRole.AUTH) == auth
        assert client.pin_tries(KeyRole.AUTH).remaining == 2  # the counter survived the kill
        client.verify(KeyRole.AUTH, "1234")
    finally:
        transport.disconnect()
        _stop(first)
        if second is not None:
            second.send_signal(signal.SIGTERM)  # clean stop: saves and exits 0
            assert second.wait(20) == 0
    assert '"remaining": 3' in state.read_text()  # the successful VERIFY was saved
