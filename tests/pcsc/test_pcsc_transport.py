"""pyscard through a real pcscd: the emulated card in vpcd's slot 0, a second chip in slot 1,
and the failures a learner meets (no card, wrong card, card pulled out, pcscd stopped)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import Encoding
from pcscd import READERS, IssuedCard, PcscStack, VirtualSlot

from labkit.apdu import CommandAPDU
from labkit.card import KeyRole, MyNumberCard
from labkit.cardos import Applet, CardOS, handles
from labkit.errors import TransportError
from labkit.reader import (
    CardRemovedError,
    JpkiClient,
    NoCardError,
    NoReaderError,
    PcscTransport,
    PcscUnavailableError,
    TransactionFailedError,
    WrongCardError,
    list_readers,
)

pytestmark = [pytest.mark.pcsc, pytest.mark.timeout(120)]

AUTH, SIGN = KeyRole.AUTH, KeyRole.SIGN
SE_AID = bytes.fromhex("A000000151000000")


class NameApplet(Applet):
    """Answers ``80 EE`` with a name: shows which chip a reader reaches."""

    aid = SE_AID

    def __init__(self, name: bytes) -> None:
        self.name = name

    @handles(0xEE)
    def whoami(self, command: CommandAPDU, session: object) -> bytes:
        return self.name


def _der(cert: object) -> bytes:
    return cert.public_bytes(Encoding.DER)  # type: ignore[attr-defined]


def test_both_vpcd_readers_are_listed(vpcd_slot0: VirtualSlot, vpcd_slot1: VirtualSlot) -> None:
    readers = list_readers()
    assert [r.name for r in readers][:2] == list(READERS)
    assert not any(r.card_present for r in readers)
    assert (vpcd_slot0.port, vpcd_slot1.port) == (35963, 35964)


def test_card_through_pcscd(vpcd_slot0: VirtualSlot, jpki_card: MyNumberCard, issued_card: IssuedCard) -> None:
    vpcd_slot0.attach(jpki_card)
    present = next(r for r in list_readers() if r.name == vpcd_slot0.reader)
    assert present.card_present and present.atr == jpki_card.atr
    with PcscTransport(vpcd_slot0.reader) as transport:
        assert transport.atr == bytes.fromhex("3BE000FF8131FE4514")
        client = JpkiClient(transport)
        certs = client.read_certificates(sign_password="ABC123")
        assert _der(certs.auth) == issued_card.issued_der()["card-auth"]
        assert certs.sign is not None and _der(certs.sign) == issued_card.issued_der()["card-sign"]
        assert client.pin_tries(AUTH).remaining == 3
        signature = client.sign(SIGN, b"document", pin="ABC123")
        certs.sign.public_key().verify(signature, b"document", padding.PKCS1v15(),  # type: ignore[union-attr]
                                       hashes.SHA256())


def test_reader_by_index_and_default(vpcd_slot0: VirtualSlot, jpki_card: MyNumberCard) -> None:
    vpcd_slot0.attach(jpki_card)
    for reader in (0, None, "00 00"):
        with PcscTransport(reader) as transport:
            assert transport.name == vpcd_slot0.reader
            assert JpkiClient(transport).token_label() == "JPKIAPICCTOKEN2"


def test_two_slots_at_once(vpcd_slot0: VirtualSlot, vpcd_slot1: VirtualSlot, jpki_card: MyNumberCard) -> None:
    """Slot 1 is the phone SE's: both chips answer at the same time, each in its reader."""
    vpcd_slot0.attach(jpki_card)
    vpcd_slot1.attach(CardOS([NameApplet(b"phone-se")]))
    with PcscTransport(vpcd_slot1.reader) as se, PcscTransport(vpcd_slot0.reader) as card:
        assert se.transmit(CommandAPDU(0x00, 0xA4, 0x04, 0x00, SE_AID)).sw == 0x9000
        assert se.transmit(CommandAPDU(0x80, 0xEE, 0, 0, ne=256)).data == b"phone-se"
        assert JpkiClient(card).pin_tries(AUTH).remaining == 3
        assert card.transmit(CommandAPDU(0x00, 0xA4, 0x04, 0x00, SE_AID)).sw == 0x6A82


def test_throughput_needs_quickack(vpcd_slot0: VirtualSlot) -> None:
    """Without TCP_QUICKACK each APDU stalls ~40 ms (about 20 APDU/s)."""
    vpcd_slot0.attach(CardOS([NameApplet(b"x")]))
    with PcscTransport(vpcd_slot0.reader) as transport:
        command = CommandAPDU(0x00, 0xA4, 0x04, 0x00, SE_AID).to_bytes()
        started = time.perf_counter()
        for _ in range(300):
            assert transport.transmit(command).sw == 0x9000
        rate = 300 / (time.perf_counter() - started)
    assert rate > 500, f"{rate:.0f} APDU/s"


def test_no_card_and_no_such_reader(vpcd_slot1: VirtualSlot) -> None:
    with pytest.raises(NoCardError) as info:
        PcscTransport(vpcd_slot1.reader).connect()
    assert vpcd_slot1.reader in info.value.message("en") and "カード" in info.value.message("ja")
    with pytest.raises(NoReaderError) as missing:
        PcscTransport(7).connect()
    assert "Virtual PCD 00 00" in missing.value.message("en")


def test_wrong_card(vpcd_slot0: VirtualSlot) -> None:
    vpcd_slot0.attach(CardOS([NameApplet(b"not a my number card")]))
    with PcscTransport(vpcd_slot0.reader) as transport, pytest.raises(WrongCardError) as info:
        JpkiClient(transport).read_certificate(AUTH)
    assert info.value.sw == 0x6A82


def test_card_removed_mid_session_and_put_back(vpcd_slot0: VirtualSlot, jpki_card: MyNumberCard) -> None:
    vpcd_slot0.attach(jpki_card)
    transport = PcscTransport(vpcd_slot0.reader)
    client = JpkiClient(transport)
    try:
        auth = client.read_certificate(AUTH)
        vpcd_slot0.detach()
        with pytest.raises((CardRemovedError, TransactionFailedError)) as info:
            client.pin_tries(AUTH)
        assert "reconnect" in info.value.message("en")
        with pytest.raises(NoCardError):
            transport.reconnect()
        vpcd_slot0.attach(jpki_card)
        transport.reconnect()
        assert client.read_certificate(AUTH) == auth
    finally:
        transport.disconnect()


def test_pcscd_stopped_then_restarted(pcsc_stack: PcscStack, vpcd_slot0: VirtualSlot,
                                      jpki_card: MyNumberCard) -> None:
    bridge = vpcd_slot0.attach(jpki_card)
    pcsc_stack.stop_daemon_only()
    try:
        for call in (list_readers, lambda: PcscTransport(0).connect()):
            with pytest.raises(PcscUnavailableError) as info:
                call()
            assert "pcscd" in info.value.message("en") and "pcscd" in info.value.message("ja")
    finally:
        pcsc_stack.restart()
    vpcd_slot0.wait_present()  # the bridge re-attached by itself
    assert bridge.connections >= 2  # reconnected (a racing first attempt may add one more)
    with PcscTransport(vpcd_slot0.reader) as transport:
        assert JpkiClient(transport).pin_tries(SIGN).remaining == 5


def test_cli_read(vpcd_slot0: VirtualSlot, jpki_card: MyNumberCard, issued_card: IssuedCard) -> None:
    vpcd_slot0.attach(jpki_card)
    sign = issued_card.jpki.certificate(next(r.serial for r in issued_card.jpki.certificates_of(
        issued_card.holder.holder_id) if r.profile == "card-sign"))
    run = [sys.executable, "-m", "labkit"]
    out = subprocess.run([*run, "--lang", "en", "card", "read", "--reader", "0", "--sign-password", "abc123"],
                         capture_output=True, text=True, timeout=60, check=True).stdout
    assert sign.subject.rfc4514_string() in out and "JPKIAPICCTOKEN2" in out
    assert "user authentication PIN: 3 of 3 tries left" in out
    assert "digital signature password: 5 of 5 tries left" in out
    ja = subprocess.run([*run, "card", "read"], capture_output=True, text=True, timeout=60, check=True).stdout
    assert "利用者証明用電子証明書" in ja and "残り 3/3 回" in ja and "--sign-password" in ja
    readers = subprocess.run([*run, "--lang", "en", "card", "readers"], capture_output=True, text=True,
                             timeout=60, check=True).stdout
    assert "0: Virtual PCD 00 00 (card present" in readers and "1: Virtual PCD 00 01 (empty)" in readers


def test_transport_errors_are_never_pyscard_exceptions(vpcd_slot1: VirtualSlot) -> None:
    transport = PcscTransport(vpcd_slot1.reader)
    with pytest.raises(TransportError) as info:
        transport.connect()
    assert type(info.value).__module__.startswith("labkit.")
