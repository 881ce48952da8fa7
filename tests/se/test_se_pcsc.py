"""The SE behind pcscd: vpcd slot 1, pyscard, and this package's host side running a full
SCP03 session at level 33 (C-MAC, C-DEC, R-MAC, R-ENC), listing the content and reading the
ARA-M rules; then ``labkit se emulate`` in a subprocess, as a GP tool would meet it."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest
from pcscd import VirtualSlot

from labkit.apdu import CommandAPDU, ResponseAPDU
from labkit.card import Aid
from labkit.reader import PcscTransport
from labkit.se import (
    ARA_M_AID,
    AppIdentity,
    GetStatusP1,
    GlobalPlatformHost,
    SecureElement,
    SecurityLevel,
    StaticKeys,
)
from labkit.se.access import AraReader
from labkit.se.ara import AccessRule

pytestmark = [pytest.mark.pcsc, pytest.mark.timeout(120)]

ROOT = Path(__file__).resolve().parents[2]


def _raw(transport: PcscTransport):  # type: ignore[no-untyped-def]
    return lambda command: transport.transmit(command).to_bytes()


def _read_ara_rules(transmit) -> tuple[AccessRule, ...]:  # type: ignore[no-untyped-def]
    """As Android's service does: its own logical channel, SELECT ARA-M, then the refresh
    tag and GET DATA [All]/[Next] (AraReader is the service's code)."""
    channel = ResponseAPDU.from_bytes(transmit(bytes.fromhex("0070000001"))).check()[0]
    select = CommandAPDU(channel, 0xA4, 0x04, 0x00, ARA_M_AID, ne=256)
    assert ResponseAPDU.from_bytes(transmit(select.to_bytes())).sw == 0x9000
    reader = AraReader()
    reader.refresh(lambda command: ResponseAPDU.from_bytes(transmit(command.to_bytes())), 0x80 | channel)
    transmit(bytes((0x00, 0x70, 0x80, channel)))
    return reader.rules


def test_full_scp03_level_33_session_through_pcscd(vpcd_slot1: VirtualSlot) -> None:
    mynaportal = AppIdentity("jp.go.digital.mynaportal.lab", (b"lab certificate",))
    se = SecureElement(mynaportal=mynaportal)
    vpcd_slot1.attach(se)
    with PcscTransport(vpcd_slot1.reader) as transport:
        assert transport.atr == se.atr
        gp = GlobalPlatformHost(_raw(transport))
        gp.select_isd()  # 00 A4 04 00 00, as GPP starts
        assert gp.isd_aid == se.isd.aid and len(gp.cplc().to_bytes()) == 42
        session = gp.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.FULL)
        assert session.level == 0x33
        assert gp.get_status(GetStatusP1.ISD)[0].privileges == 0x9EFE80
        assert {e.aid for e in gp.get_status(GetStatusP1.APPLICATIONS)} == {ARA_M_AID, bytes(Aid.JPKI),
                                                                            bytes.fromhex("F04C4142574C4C4554")}
        assert len(gp.get_status(GetStatusP1.LOAD_FILES_AND_MODULES)) == 6
        assert session.counter == 3  # every protected command moved the counter
        rules = _read_ara_rules(_raw(transport))
        jpki_rule = next(r for r in rules if r.aid == bytes(Aid.JPKI))
        assert jpki_rule.cert_hash == hashlib.sha256(b"lab certificate").digest()


def test_labkit_se_emulate_for_gp_tools(vpcd_slot1: VirtualSlot, tmp_path: Path) -> None:
    state = tmp_path / "se.db"
    process = subprocess.Popen([sys.executable, "-m", "labkit", "--lang", "en", "se", "emulate",
                                "--port", str(vpcd_slot1.port), "--state", str(state)],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        vpcd_slot1.wait_present(60)
        with PcscTransport(vpcd_slot1.reader) as transport:
            gp = GlobalPlatformHost(_raw(transport))
            gp.select_isd()
            gp.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.FULL)
            assert len(gp.get_status(GetStatusP1.APPLICATIONS)) == 3
            assert _read_ara_rules(_raw(transport))
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert "KVN 30: ENC 404142434445464748494A4B4C4D4E4F" in output and "KCV 504A77" in output
    assert "SE removed" in output
    reopened = SecureElement(state)  # the store holds what the session did (the sequence counter)
    assert reopened.isd.keys.find(0x30).sequence_counter == 1  # type: ignore[union-attr]
