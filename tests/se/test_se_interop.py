"""Interop with independently written GlobalPlatform hosts (review ``interop.md`` §1.2 a/b):
pySim's PUT KEY key block without a length byte, and the legacy GET STATUS format (P2=00)
that GPShell and the ``globalplatform`` library ask for."""

from __future__ import annotations

from labkit.apdu import SW, CommandAPDU
from labkit.card import Aid
from labkit.se import ARA_M_AID, WALLET_AID, GlobalPlatformHost, SecureElement, SecurityLevel, StaticKeys
from labkit.se.element import WALLET_ELF, WALLET_MODULE
from labkit.se.keys import decode_put_key

#: The review's captured blocks: keys 20..2F under DEK 40..4F, KCV 840DE5.
CRYPTOGRAM = "8CAA7F589AA0CEB6350A45E70A6E435B"
PYSIM_BLOCK = bytes.fromhex("8810" + CRYPTOGRAM + "03840DE5")  # GP CS 2.3 Table 11-71, no length byte
GPP_BLOCK = bytes.fromhex("881110" + CRYPTOGRAM + "03840DE5")  # Amendment D form
KEY = bytes(range(0x20, 0x30))
DEK = bytes(range(0x40, 0x50))


def test_both_put_key_block_forms_decode_to_the_same_key() -> None:
    for block in (PYSIM_BLOCK, GPP_BLOCK):
        assert decode_put_key(b"\x31" + block * 3, DEK, 1, True) == (0x31, {1: KEY, 2: KEY, 3: KEY})


def test_pysim_put_key_creates_a_usable_key_set(se: SecureElement, admin: GlobalPlatformHost) -> None:
    # The review's command: 80D8 00 81 43 31 [88 10 <cryptogram> 03 840DE5]x3 (was 6A80).
    response = admin.send(CommandAPDU(0x80, 0xD8, 0x00, 0x81, b"\x31" + PYSIM_BLOCK * 3, ne=256))
    assert (response.sw, response.data.hex().upper()) == (SW.OK, "31" + "840DE5" * 3)
    host = GlobalPlatformHost(se.transmit)
    host.select_isd()
    host.open_secure_channel(StaticKeys(KEY, KEY, KEY, 0x31), SecurityLevel.FULL)  # was 6A88
    assert host.send(CommandAPDU(0x80, 0xCA, 0x00, 0xE0, ne=256)).sw == SW.OK


def _legacy(admin: GlobalPlatformHost, p1: int) -> bytes:
    response = admin.send(CommandAPDU(0x80, 0xF2, p1, 0x00, bytes.fromhex("4F00"), ne=256))
    assert response.sw == SW.OK
    return response.data


def _entry(aid: bytes, *rest: int) -> str:
    return (bytes((len(aid),)) + aid + bytes(rest)).hex().upper()


def test_get_status_legacy_format(admin: GlobalPlatformHost) -> None:
    """GP CS Table 11-36: length, AID, life cycle, privileges (1 byte); P1 10 adds modules."""
    isd = bytes.fromhex("A000000151000000")
    assert _legacy(admin, 0x80).hex().upper() == _entry(isd, 0x0F, 0x9E)  # SECURED, first privilege byte
    apps = _legacy(admin, 0x40).hex().upper()
    for aid in (bytes(Aid.JPKI), ARA_M_AID, WALLET_AID):
        assert _entry(aid, 0x07) in apps  # SELECTABLE
    assert _entry(WALLET_ELF, 0x01, 0x00) in _legacy(admin, 0x20).hex().upper()
    with_modules = _legacy(admin, 0x10).hex().upper()
    assert _entry(WALLET_ELF, 0x01, 0x00, 0x01) + _entry(WALLET_MODULE) in with_modules
    # GPShell pages with P2=01 after 6310 just as the tagged format does with 03.
    assert admin.send(CommandAPDU(0x80, 0xF2, 0x40, 0x01, bytes.fromhex("4F00"), ne=256)).sw \
        == SW.CONDITIONS_NOT_SATISFIED


def test_scp03_checks_the_cla_secure_messaging_bits(se: SecureElement, gp: GlobalPlatformHost) -> None:
    """Reliability review F14: a MACed command whose CLA says 88 or 8C instead of 84 carried
    the same C-MAC and was accepted; now it aborts the session (6982) like any bad C-MAC."""
    for flipped in (0x88, 0x8C):
        host = GlobalPlatformHost(se.transmit)
        host.select_isd()
        host.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.C_MAC)
        assert host.session is not None
        wrapped = bytearray(host.session.wrap_command(
            CommandAPDU(0x80, 0xF2, 0x80, 0x02, bytes.fromhex("4F00"), ne=256)).to_bytes())
        assert wrapped[0] == 0x84
        good = bytes(wrapped)
        wrapped[0] = flipped
        assert se.transmit(bytes(wrapped))[-2:] == b"\x69\x82"
        assert se.transmit(good)[-2:] == b"\x69\x82"  # the session is gone
    host.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.C_MAC)
    assert host.send(CommandAPDU(0x80, 0xF2, 0x80, 0x02, bytes.fromhex("4F00"), ne=256)).sw == SW.OK
