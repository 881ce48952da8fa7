"""Transports without pcscd: the in-process transport, the PC/SC error mapping and the
lazy pyscard import."""

from __future__ import annotations

import subprocess
import sys

import pytest

from labkit.apdu import ApduExchange, CommandAPDU
from labkit.cardos import Applet, CardOS, handles
from labkit.errors import TransportError
from labkit.reader import (
    CardRemovedError,
    InProcessTransport,
    NoCardError,
    NoReaderError,
    PcscUnavailableError,
    TransactionFailedError,
    Transport,
    pcsc_error,
    pyscard_error,
)

ECHO_AID = bytes.fromhex("F0010203040506")


class EchoApplet(Applet):
    aid = ECHO_AID

    @handles(0xEC)
    def echo(self, command: CommandAPDU, session: object) -> bytes:
        return command.data


def test_in_process_round_trip_and_trace() -> None:
    card = CardOS([EchoApplet()])
    seen: list[ApduExchange] = []
    transport = InProcessTransport(card, name="test card")
    transport.add_observer(seen.append)
    with transport as t:
        assert isinstance(t, Transport) and t.connected and t.atr == card.atr
        assert t.transmit(CommandAPDU(0x00, 0xA4, 0x04, 0x0C, ECHO_AID)).sw == 0x9000
        response = t.transmit(bytes.fromhex("80EC000003ABCDEF00"))
        assert (response.data, response.sw) == (bytes.fromhex("ABCDEF"), 0x9000)
    assert not transport.connected and transport.sessions == 1
    assert [e.command[:2].hex() for e in seen] == ["00a4", "80ec"]
    assert seen[1].response == bytes.fromhex("ABCDEF9000")


def test_connect_starts_a_fresh_session() -> None:
    transport = InProcessTransport(CardOS([EchoApplet()]))
    transport.connect()
    transport.transmit(CommandAPDU(0x00, 0xA4, 0x04, 0x0C, ECHO_AID))
    transport.reconnect()
    # The chip was powered off and on: nothing is selected any more.
    assert transport.transmit(bytes.fromhex("80EC000001AA00")).sw == 0x6985
    assert transport.sessions == 2


def test_transmit_needs_a_connection() -> None:
    transport = InProcessTransport(CardOS())
    with pytest.raises(TransportError) as info:
        transport.transmit(bytes.fromhex("00A4040000"))
    assert "connect()" in info.value.message("en")
    with pytest.raises(TransportError):
        _ = transport.atr
    transport.disconnect()  # harmless when not connected


class _Mute:
    atr = bytes.fromhex("3B00")

    def power_on(self) -> bytes:
        return self.atr

    def power_off(self) -> None:
        pass

    def reset(self) -> bytes:
        return self.atr

    def transmit(self, command: bytes) -> bytes:
        return b"\x90"


def test_a_response_without_status_word_is_a_transport_error() -> None:
    with InProcessTransport(_Mute()) as t, pytest.raises(TransactionFailedError):
        t.transmit(bytes.fromhex("00A4040000"))


@pytest.mark.parametrize(("code", "cls"), [
    (0x8010001D, PcscUnavailableError),   # SCARD_E_NO_SERVICE: pcscd not running
    (0x8010002E, NoReaderError),          # SCARD_E_NO_READERS_AVAILABLE
    (0x80100009, NoReaderError),          # SCARD_E_UNKNOWN_READER
    (0x8010000C, NoCardError),            # SCARD_E_NO_SMARTCARD
    (0x80100069, CardRemovedError),       # SCARD_W_REMOVED_CARD
    (0x80100016, TransactionFailedError),  # SCARD_E_NOT_TRANSACTED: emulator killed
    (0x80100066, TransactionFailedError),  # SCARD_W_UNRESPONSIVE_CARD
    (0x80100099, TransportError),         # anything else
])
def test_pcsc_codes_map_to_specific_errors(code: int, cls: type) -> None:
    error = pcsc_error(code, "Virtual PCD 00 00")
    assert type(error) is cls
    assert error.details["pcsc_code"] == code
    for lang in ("ja", "en"):
        assert f"0x{code:08X}" in error.message(lang)
        if cls is not PcscUnavailableError:  # "pcscd is not running" concerns no reader
            assert "Virtual PCD 00 00" in error.message(lang)
    assert error.message("ja") != error.message("en")


def test_negative_codes_from_pyscard_are_normalised() -> None:
    assert isinstance(pcsc_error(0x80100016 - (1 << 32)), TransactionFailedError)


def test_pyscard_exceptions_are_translated() -> None:
    exceptions = pytest.importorskip("smartcard.Exceptions")
    pcsc_exceptions = pytest.importorskip("smartcard.pcsc.PCSCExceptions")
    assert isinstance(pyscard_error(exceptions.NoCardException("gone", 0x8010000C)), NoCardError)
    assert isinstance(pyscard_error(exceptions.CardConnectionException("x", 0x80100016)),
                      TransactionFailedError)
    assert isinstance(pyscard_error(exceptions.NoReadersException()), NoReaderError)
    assert isinstance(pyscard_error(pcsc_exceptions.EstablishContextException(0x8010001D)),
                      PcscUnavailableError)


def test_labkit_reader_works_without_pyscard() -> None:
    """pyscard is optional: importing and using in-process transports must not need it, and
    PC/SC use without it gives a clear error."""
    code = (
        "import sys; sys.modules['smartcard'] = None\n"
        "from labkit.reader import InProcessTransport, PcscTransport, PcscUnavailableError, list_readers\n"
        "from labkit.cardos import CardOS\n"
        "with InProcessTransport(CardOS()) as t: assert t.transmit(b'\\x00\\xa4\\x04\\x00\\x00').sw == 0x6A82\n"
        "try:\n    list_readers()\nexcept PcscUnavailableError as e:\n    print(e.message('en'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "pyscard is not installed" in out.stdout
