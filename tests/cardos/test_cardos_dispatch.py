"""The shared card OS: selection by AID, channels, GET RESPONSE chaining, error mapping."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from labkit.apdu import SW, ApduExchange, CardDevice, CommandAPDU, ResponseAPDU, StatusWordError
from labkit.cardos import ISO, PROPRIETARY, Applet, CardOS, handles


@dataclass
class Session:
    channel: int
    counter: int = 0


class Echo(Applet):
    """Test applet: INS 01 echoes, 02 returns N bytes, 03 raises an SW, 04 crashes, 05 counts."""

    def __init__(self, aid: bytes) -> None:
        self.aid = aid
        self.deselected: list[int] = []

    def new_session(self, channel: int) -> Session:
        return Session(channel)

    def deselect(self, session: Session) -> None:
        self.deselected.append(session.channel)

    @handles(0x01)
    def echo(self, command: CommandAPDU, session: Session) -> bytes:
        return command.data

    @handles(0x02, cla=ISO)
    def many(self, command: CommandAPDU, session: Session) -> bytes:
        return bytes(i & 0xFF for i in range(int.from_bytes(command.data, "big")))

    @handles(0x03)
    def fail(self, command: CommandAPDU, session: Session) -> bytes:
        raise StatusWordError(int.from_bytes(command.data, "big"))

    @handles(0x04)
    def crash(self, command: CommandAPDU, session: Session) -> bytes:
        raise RuntimeError("bug")

    @handles(0x05, cla=PROPRIETARY)
    def count(self, command: CommandAPDU, session: Session) -> ResponseAPDU:
        session.counter += 1
        return ResponseAPDU(bytes((session.counter, session.channel)), 0x9000)


AID_A = bytes.fromhex("A0000000AA01")
AID_B = bytes.fromhex("A0000000BB02")


def _os(max_channels: int = 1) -> tuple[CardOS, Echo, Echo]:
    a, b = Echo(AID_A), Echo(AID_B)
    return CardOS(applets=[a, b], max_channels=max_channels), a, b


def _tx(os: CardOS, apdu: str) -> tuple[bytes, int]:
    r = os.transmit(bytes.fromhex(apdu.replace(" ", "")))
    return r[:-2], int.from_bytes(r[-2:], "big")


def _select(aid: bytes, cla: int = 0) -> str:
    return f"{cla:02X} A4 04 00 {len(aid):02X} {aid.hex()}"


def test_is_a_card_device() -> None:
    os, _, _ = _os()
    assert isinstance(os, CardDevice) and os.power_on() == os.atr


def test_select_dispatch_and_unknown_aid() -> None:
    os, a, _ = _os()
    assert _tx(os, "00 01 00 00 01 AA") == (b"", 0x6985)  # nothing selected
    assert _tx(os, _select(bytes.fromhex("A0000000CC"))) == (b"", 0x6A82)
    assert _tx(os, _select(AID_A)) == (b"", 0x9000)
    assert _tx(os, "00 01 00 00 02 AABB 00") == (b"\xaa\xbb", 0x9000)
    assert _tx(os, _select(AID_B[:4])) == (b"", 0x9000)  # partial AID selects the first match
    assert a.deselected == [0]
    assert _tx(os, "00 99 00 00") == (b"", 0x6D00)
    assert _tx(os, "00 05 00 00") == (b"", 0x6E00)  # 05 exists, but only for proprietary CLA
    assert _tx(os, "80 05 00 00 00") == (b"\x01\x00", 0x9000)


def test_status_word_errors_and_crashes_become_responses() -> None:
    os, _, _ = _os()
    _tx(os, _select(AID_A))
    assert _tx(os, "00 03 00 00 02 6A80") == (b"", 0x6A80)
    assert _tx(os, "00 04 00 00") == (b"", 0x6F00)
    assert _tx(os, "00") == (b"", 0x6700)
    assert _tx(os, "00 01 00 00 05 AA") == (b"", 0x6700)
    assert _tx(os, "FF 01 00 00") == (b"", 0x6E00)
    assert _tx(os, "10 01 00 00 01 AA") == (b"", 0x6884)  # command chaining


def test_get_response_chaining() -> None:
    os, _, _ = _os()
    _tx(os, _select(AID_A))
    data, sw = _tx(os, "00 02 00 00 02 0300")  # 768 bytes, no Le
    assert data == b"" and sw == 0x6100
    got = b""
    while True:
        chunk, sw = _tx(os, "00 C0 00 00 00")
        got += chunk
        if sw == 0x9000:
            break
        assert sw == 0x6100 or sw >> 8 == 0x61
    assert got == bytes(i & 0xFF for i in range(768))
    data, sw = _tx(os, "00 02 00 00 02 0110 80")  # 272 bytes, Le 128
    assert len(data) == 128 and sw == 0x6190  # 144 left
    chunk, sw = _tx(os, "00 C0 00 00 10")
    assert len(chunk) == 16 and sw == 0x6180
    assert _tx(os, "00 01 00 00 01 AA 00") == (b"\xaa", 0x9000)  # another command drops the rest
    assert _tx(os, "00 C0 00 00 00")[1] == 0x6D00
    data, sw = _tx(os, "00 02 00 00 02 0110 00 00")  # invalid: short Lc with extended Le
    assert sw == 0x6700
    data, sw = _tx(os, "00 02 00 00 00 00 02 0110 00 00")  # extended Le 65536 gets everything
    assert len(data) == 272 and sw == 0x9000


def test_one_channel_os_refuses_logical_channels() -> None:
    os, _, _ = _os(max_channels=1)
    assert _tx(os, "00 70 00 00 01") == (b"", 0x6881)
    assert _tx(os, "00 70 80 01") == (b"", 0x6881)
    assert _tx(os, _select(AID_A, cla=0x01)) == (b"", 0x6881)
    assert _tx(os, _select(AID_A, cla=0x41)) == (b"", 0x6881)
    assert os.open_channels() == [0]


def test_logical_channels_keep_separate_sessions() -> None:
    os, a, _ = _os(max_channels=4)
    assert _tx(os, "00 70 00 00 01") == (b"\x01", 0x9000)
    assert _tx(os, _select(AID_A, cla=0x01)) == (b"", 0x9000)
    assert _tx(os, _select(AID_A)) == (b"", 0x9000)
    assert _tx(os, "81 05 00 00 00") == (b"\x01\x01", 0x9000)
    assert _tx(os, "81 05 00 00 00") == (b"\x02\x01", 0x9000)
    assert _tx(os, "80 05 00 00 00") == (b"\x01\x00", 0x9000)
    assert _tx(os, "00 70 80 01") == (b"", 0x9000)
    assert a.deselected == [1]
    assert _tx(os, "81 05 00 00 00")[1] == 0x6881
    assert _tx(os, "00 70 80 00")[1] == 0x6A86  # the basic channel cannot be closed
    assert _tx(os, "00 70 00 03") == (b"", 0x9000)  # open a given number
    assert _tx(os, "00 70 00 03")[1] == 0x6A86
    assert os.open_channels() == [0, 3]


def test_power_cycle_clears_sessions_and_observers_see_everything() -> None:
    os, a, _ = _os()
    seen: list[ApduExchange] = []
    os.add_observer(seen.append)
    os.add_observer(lambda _e: (_ for _ in ()).throw(RuntimeError("observer bug")))
    _tx(os, _select(AID_A))
    _tx(os, "80 05 00 00 00")
    os.power_off()
    assert a.deselected == [0] and os.selected() is None
    assert _tx(os, "80 05 00 00 00")[1] == 0x6985  # powered on again, nothing selected
    assert [e.sw for e in seen] == [0x9000, 0x9000, 0x6985]
    assert seen[0].channel == 0 and seen[1].response == bytes.fromhex("01009000")
    os.remove_observer(seen.append)


def test_install_and_uninstall() -> None:
    os, a, _ = _os()
    with pytest.raises(ValueError):
        os.install(Echo(AID_A))
    _tx(os, _select(AID_A))
    os.uninstall(a)
    assert os.selected() is None and _tx(os, _select(AID_A))[1] == 0x6A82
    assert [aid for aid, _ in os.applets_by_aid()] == [AID_B]


def test_gate_can_refuse_everything() -> None:
    def gate(command: CommandAPDU) -> None:
        raise StatusWordError(SW.SELECTED_FILE_INVALIDATED)

    os = CardOS(applets=[Echo(AID_A)], gate=gate)
    assert _tx(os, _select(AID_A)) == (b"", 0x6283)
