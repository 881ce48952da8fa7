"""The card manager (ISD): SELECT, GET DATA, the SCP03 handshake and its failure paths,
security levels, and every content-management command with its success and error paths."""

from __future__ import annotations

import pytest
from se_support import apdu, sw

from labkit.apdu import SW, CommandAPDU, tlv
from labkit.card import Aid
from labkit.errors import SecureChannelError
from labkit.se import (
    ARA_M_AID,
    WALLET_AID,
    AccessRule,
    AppLifeCycle,
    CardLifeCycle,
    Cplc,
    GetStatusP1,
    GlobalPlatformHost,
    IsdConfig,
    Privilege,
    SecureElement,
    SecurityLevel,
    StaticKeys,
    TamperKind,
    TamperPolicy,
)
from labkit.se.element import WALLET_ELF, WALLET_MODULE

FCI = "6F108408A000000151000000A5049F6501FF"
NEW_WALLET = bytes.fromhex("F04C4142574C4C455402")


def test_select_isd_by_aid_and_without_aid(se: SecureElement) -> None:
    for command in ("00A4040000", "00A4040008A00000015100000000"):
        response = apdu(se.transmit, command)
        assert (response.data.hex().upper(), response.sw) == (FCI, SW.OK)
    assert apdu(se.transmit, "00A4040C08A000000151000000").data == b""  # P2=0C: no FCI
    assert sw(se.transmit, "00A4040005A000000999") == SW.FILE_NOT_FOUND


def test_get_data_objects(gp: GlobalPlatformHost, se: SecureElement) -> None:
    cplc = gp.cplc()
    assert isinstance(cplc, Cplc) and len(cplc.to_bytes()) == 42
    assert apdu(se.transmit, "00CA9F7F00").data == cplc.to_bytes()  # ISO CLA: value only
    assert gp.get_data(0x66).hex() == (
        "6631732f06072a864886fc6b01600c060a2a864886fc6b02020301630906072a864886fc6b03640b06092a864886fc6b040370")
    assert gp.get_data(0xE0).hex().upper() == "E012C00401308810C00402308810C00403308810"
    assert gp.get_data(0xC1).hex() == "c103000000"
    gp.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.C_MAC)
    gp.session = None
    gp.select_isd()
    assert gp.get_data(0xC1).hex() == "c103000001"  # one INITIALIZE UPDATE later
    assert gp.get_data(0xCF).hex() == "cf0a" + "00" * 10
    assert tlv.decode(gp.get_data(0x42))[0].tag == 0x42 and tlv.decode(gp.get_data(0x45))[0].tag == 0x45
    assert sw(se.transmit, "80CA00FE00") == SW.REFERENCED_DATA_NOT_FOUND


@pytest.mark.parametrize("level", [0x00, 0x01, 0x03, 0x11, 0x13, 0x33])
def test_every_security_level_works(gp: GlobalPlatformHost, level: int) -> None:
    gp.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel(level))
    assert [e.aid for e in gp.get_status(GetStatusP1.ISD)] == [bytes.fromhex("A000000151000000")]
    assert len(gp.get_status(GetStatusP1.APPLICATIONS)) == 3


def test_aes_192_and_256_key_sets(mynaportal: object) -> None:
    for size in (24, 32):
        keys = StaticKeys(bytes(range(size)), bytes(range(1, size + 1)), bytes(range(2, size + 2)), 0x31)
        se = SecureElement(isd_keys=keys)
        gp = GlobalPlatformHost(se.transmit)
        gp.select_isd()
        gp.open_secure_channel(keys, SecurityLevel.FULL)
        assert gp.get_data(0xE0)[4:8] == bytes((0x01, 0x31, 0x88, size))
        assert len(gp.get_status(GetStatusP1.LOAD_FILES)) == 6


def test_handshake_errors(se: SecureElement, gp: GlobalPlatformHost) -> None:
    assert sw(se.transmit, "8050370008" + "00" * 8 + "00") == SW.REFERENCED_DATA_NOT_FOUND  # no KVN 37
    assert sw(se.transmit, "8050300108" + "00" * 8 + "00") == SW.INCORRECT_P1P2
    assert sw(se.transmit, "8050300004" + "00" * 4 + "00") == SW.WRONG_LENGTH
    assert sw(se.transmit, "8482330010" + "00" * 16) == SW.CONDITIONS_NOT_SATISFIED  # no INIT UPDATE
    with pytest.raises(SecureChannelError, match=r"cryptogram|challenge"):  # wrong keys: host stops
        gp.open_secure_channel(StaticKeys(b"\x01" * 16, b"\x02" * 16, b"\x03" * 16), SecurityLevel.FULL)
    assert se.isd.auth_failures == 0  # no EXTERNAL AUTHENTICATE was sent


def test_refused_levels(gp: GlobalPlatformHost) -> None:
    with pytest.raises(SecureChannelError) as info:
        gp.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel(0x02))  # C-DEC without C-MAC
    assert info.value.details["sw"] == SW.INCORRECT_P1P2
    se = SecureElement(isd_config=IsdConfig(scp_i=0x00))  # i=00 announces no R-MAC
    host = GlobalPlatformHost(se.transmit)
    host.select_isd()
    with pytest.raises(SecureChannelError):
        host.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.FULL)
    host.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel(0x03))


def _bad_host_cryptogram(se: SecureElement) -> int:
    """Send INITIALIZE UPDATE then an EXTERNAL AUTHENTICATE with a wrong cryptogram."""
    assert sw(se.transmit, "8050300008" + "11" * 8 + "00") == SW.OK
    return sw(se.transmit, "8482330010" + "22" * 16)


def test_failed_authentications_are_counted_persistently_and_lock(tmp_path: object) -> None:
    path = tmp_path / "se.db"  # type: ignore[operator]
    se = SecureElement(path, policy=TamperPolicy(scp_auth_failure_limit=3))
    assert [_bad_host_cryptogram(se) for _ in range(2)] == [0x6300, 0x6300]
    se.close()
    se = SecureElement(path, policy=TamperPolicy(scp_auth_failure_limit=3))
    assert se.isd.auth_failures == 2
    assert _bad_host_cryptogram(se) == 0x6300
    assert se.isd.keys_blocked and se.registry.card_state == CardLifeCycle.CARD_LOCKED
    assert sw(se.transmit, "8050300008" + "00" * 8 + "00") == SW.AUTH_METHOD_BLOCKED
    assert apdu(se.transmit, "00A4040000").sw == SW.SELECTED_FILE_INVALIDATED  # 6283 + FCI
    kinds = [e.kind for e in se.events()]
    assert kinds.count(TamperKind.SCP_AUTH_FAILED) == 3 and TamperKind.SCP_AUTH_LIMIT in kinds


def test_success_resets_the_failure_count(se: SecureElement, gp: GlobalPlatformHost) -> None:
    _bad_host_cryptogram(se)
    gp.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.C_MAC)
    assert se.isd.auth_failures == 0


def test_bad_cmac_aborts_the_session(se: SecureElement, admin: GlobalPlatformHost) -> None:
    wrapped = admin.session.wrap_command(CommandAPDU(0x80, 0xF2, 0x80, 0x02, bytes.fromhex("4F00"), ne=256))
    tampered = bytearray(wrapped.to_bytes())
    tampered[-2] ^= 0x01
    assert sw(se.transmit, bytes(tampered).hex()) == SW.SECURITY_STATUS_NOT_SATISFIED
    # The session is gone: even a correctly MACed command is now refused.
    assert admin.send(CommandAPDU(0x80, 0xF2, 0x80, 0x02, bytes.fromhex("4F00"), ne=256)).sw == 0x6982
    assert TamperKind.SCP_MAC_FAILED in [e.kind for e in se.events()]


def test_plain_command_inside_a_maced_session_aborts(se: SecureElement, admin: GlobalPlatformHost) -> None:
    assert sw(se.transmit, "80F28002024F0000") == SW.SECURITY_STATUS_NOT_SATISFIED
    admin.session = None
    assert sw(se.transmit, "80F28002024F0000") == SW.SECURITY_STATUS_NOT_SATISFIED


def test_content_management_needs_authentication(se: SecureElement) -> None:
    for command in ("80F28002024F0000", "80F0400000", "80E40000024F00", "80E60C0000", "80E8000000",
                    "80D8008100", "80E2900000"):
        assert sw(se.transmit, command) == SW.SECURITY_STATUS_NOT_SATISFIED, command


def test_secure_channels_on_two_logical_channels(se: SecureElement) -> None:
    assert apdu(se.transmit, "0070000001").data == b"\x01"
    hosts = [GlobalPlatformHost(se.transmit, channel=n) for n in (0, 1)]
    for host in hosts:
        host.select_isd()
        host.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.FULL)
    for host in hosts:  # interleaved: each channel keeps its own MAC chain and counter
        assert len(host.get_status(GetStatusP1.APPLICATIONS)) == 3


# -- GET STATUS ------------------------------------------------------------------------------
def test_get_status_lists_isd_apps_and_load_files(admin: GlobalPlatformHost) -> None:
    isd = admin.get_status(GetStatusP1.ISD)
    assert (isd[0].state, isd[0].privileges) == (CardLifeCycle.SECURED, Privilege(0x9EFE80))
    apps = {e.aid: e for e in admin.get_status(GetStatusP1.APPLICATIONS)}
    assert set(apps) == {ARA_M_AID, bytes(Aid.JPKI), WALLET_AID}
    assert all(e.state == AppLifeCycle.SELECTABLE and e.associated_sd == isd[0].aid for e in apps.values())
    assert apps[WALLET_AID].load_file == WALLET_ELF
    elfs = {e.aid: e for e in admin.get_status(GetStatusP1.LOAD_FILES_AND_MODULES)}
    assert elfs[WALLET_ELF].modules == (WALLET_MODULE,) and elfs[WALLET_ELF].state == 0x01
    assert all(e.modules == () for e in admin.get_status(GetStatusP1.LOAD_FILES))
    assert [e.aid for e in admin.get_status(GetStatusP1.APPLICATIONS, bytes.fromhex("D392"))] == [bytes(Aid.JPKI)]
    assert admin.get_status(GetStatusP1.APPLICATIONS, bytes.fromhex("1234")) == []  # 6A88


def test_get_status_tag_list_and_errors(admin: GlobalPlatformHost) -> None:
    only = admin.get_status(GetStatusP1.APPLICATIONS, b"", tags=bytes.fromhex("4F9F70"))
    assert only and all(e.privileges is None and e.load_file is None for e in only)
    send = admin.send
    assert send(CommandAPDU(0x80, 0xF2, 0x40, 0x04, bytes.fromhex("4F00"), ne=256)).sw == SW.INCORRECT_P1P2
    assert send(CommandAPDU(0x80, 0xF2, 0x40, 0x00, bytes.fromhex("4F005C014F"), ne=256)).sw == SW.WRONG_DATA
    assert send(CommandAPDU(0x80, 0xF2, 0x08, 0x02, bytes.fromhex("4F00"), ne=256)).sw == SW.INCORRECT_P1P2
    assert send(CommandAPDU(0x80, 0xF2, 0x40, 0x02, bytes.fromhex("9F700107"), ne=256)).sw == SW.WRONG_DATA
    assert send(CommandAPDU(0x80, 0xF2, 0x40, 0x02, bytes.fromhex("4F05AA"), ne=256)).sw == SW.WRONG_DATA
    assert send(CommandAPDU(0x80, 0xF2, 0x40, 0x03, bytes.fromhex("4F00"), ne=256)).sw == SW.CONDITIONS_NOT_SATISFIED


def test_get_status_continues_with_6310(mynaportal: object) -> None:
    se = SecureElement(isd_config=IsdConfig(status_block_size=40))
    gp = GlobalPlatformHost(se.transmit)
    gp.select_isd()
    gp.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.FULL)
    first = gp.send(CommandAPDU(0x80, 0xF2, 0x20, 0x02, bytes.fromhex("4F00"), ne=256))
    assert first.sw == SW.GP_MORE_DATA
    assert len(gp.get_status(GetStatusP1.LOAD_FILES)) == 6  # the client follows 63 10 with P2=03


# -- SET STATUS ------------------------------------------------------------------------------
def test_lock_and_unlock_an_application(se: SecureElement, admin: GlobalPlatformHost) -> None:
    admin.set_status(0x40, 0x80, WALLET_AID)
    assert {e.aid: e.state for e in admin.get_status(GetStatusP1.APPLICATIONS)}[WALLET_AID] == 0x87
    plain = GlobalPlatformHost(se.transmit, channel=1)
    assert apdu(se.transmit, "0070000001").sw == SW.OK
    assert sw(se.transmit, "01A4040009" + WALLET_AID.hex()) == SW.FUNCTION_NOT_SUPPORTED
    for p2, expected in ((0x80, SW.CONDITIONS_NOT_SATISFIED), (0x17, SW.CONDITIONS_NOT_SATISFIED),
                         (0x03, SW.INCORRECT_P1P2)):
        assert admin.send(CommandAPDU(0x80, 0xF0, 0x40, p2, WALLET_AID)).sw == expected
    admin.set_status(0x40, 0x00, WALLET_AID)
    assert sw(se.transmit, "01A4040009" + WALLET_AID.hex()) == SW.OK
    assert admin.send(CommandAPDU(0x80, 0xF0, 0x40, 0x00, WALLET_AID)).sw == SW.CONDITIONS_NOT_SATISFIED
    admin.set_status(0x40, 0x0F, WALLET_AID)  # application-specific state 0xxxx111
    assert {e.aid: e.state for e in admin.get_status(GetStatusP1.APPLICATIONS)}[WALLET_AID] == 0x0F
    assert admin.send(CommandAPDU(0x80, 0xF0, 0x40, 0x80, bytes.fromhex("A000000999"))).sw == 0x6A88
    assert admin.send(CommandAPDU(0x80, 0xF0, 0x60, 0x80, se.isd.aid)).sw == SW.CONDITIONS_NOT_SATISFIED
    assert admin.send(CommandAPDU(0x80, 0xF0, 0x20, 0x80, WALLET_AID)).sw == SW.INCORRECT_P1P2
    del plain


def test_locking_the_applet_closes_its_open_channel(se: SecureElement, admin: GlobalPlatformHost) -> None:
    assert apdu(se.transmit, "0070000001").sw == SW.OK
    assert sw(se.transmit, "01A4040009" + WALLET_AID.hex()) == SW.OK
    assert sw(se.transmit, "815C000004") == SW.OK
    admin.set_status(0x40, 0x80, WALLET_AID)
    assert sw(se.transmit, "815C000004") == SW.FUNCTION_NOT_SUPPORTED


def test_card_lock_unlock_and_terminate(se: SecureElement, admin: GlobalPlatformHost) -> None:
    admin.set_status(0x80, CardLifeCycle.CARD_LOCKED)
    assert sw(se.transmit, "0070000001") == SW.OK
    assert sw(se.transmit, "01A404000A" + bytes(Aid.JPKI).hex()) == SW.FUNCTION_NOT_SUPPORTED
    assert admin.get_status(GetStatusP1.ISD)[0].state == CardLifeCycle.CARD_LOCKED
    assert admin.send(CommandAPDU(0x80, 0xF0, 0x80, 0x07)).sw == SW.CONDITIONS_NOT_SATISFIED  # no way back
    assert admin.send(CommandAPDU(0x80, 0xF0, 0x80, 0x55)).sw == SW.WRONG_DATA
    assert admin.send(CommandAPDU(0x80, 0xF0, 0x80, 0x0F, b"\xa0\x00\x00\x00\x99")).sw == SW.WRONG_DATA
    admin.set_status(0x80, CardLifeCycle.SECURED)
    assert sw(se.transmit, "01A404000A" + bytes(Aid.JPKI).hex()) == SW.OK
    admin.set_status(0x80, CardLifeCycle.TERMINATED)
    assert len(admin.get_data(0x9F7F)) == 45  # GET DATA still answers (CPLC)
    se.power_on()
    assert sw(se.transmit, "80CA9F7F00") == SW.OK
    for command in ("00A4040000", "0070000001", "8050300008" + "00" * 8 + "00"):
        assert sw(se.transmit, command) == SW.FUNCTION_NOT_SUPPORTED


# -- INSTALL / DELETE / LOAD -----------------------------------------------------------------
def test_install_and_make_selectable(se: SecureElement, admin: GlobalPlatformHost) -> None:
    admin.install(WALLET_ELF, WALLET_MODULE, NEW_WALLET, selectable=False)
    assert sw(se.transmit, "0070000001") == SW.OK
    assert sw(se.transmit, "01A404000A" + NEW_WALLET.hex()) == SW.FILE_NOT_FOUND  # INSTALLED only
    assert {e.aid: e.state for e in admin.get_status(GetStatusP1.APPLICATIONS)}[NEW_WALLET] == 0x03
    admin.make_selectable(NEW_WALLET)
    assert sw(se.transmit, "01A404000A" + NEW_WALLET.hex()) == SW.OK
    assert apdu(se.transmit, "815C000004").data == b"\x00\x00\x00\x00"
    admin.install(WALLET_ELF, WALLET_MODULE, bytes.fromhex("F04C4142574C4C455403"),
                  privileges=Privilege.FINAL_APPLICATION)
    assert len(admin.get_status(GetStatusP1.APPLICATIONS)) == 5


@pytest.mark.parametrize(("elf", "module", "aid", "privileges", "expected"), [
    (WALLET_ELF, WALLET_MODULE, WALLET_AID, Privilege.NONE, SW.CONDITIONS_NOT_SATISFIED),  # AID in use
    (bytes.fromhex("A000000999"), WALLET_MODULE, NEW_WALLET, Privilege.NONE, SW.REFERENCED_DATA_NOT_FOUND),
    (WALLET_ELF, bytes.fromhex("A000000999"), NEW_WALLET, Privilege.NONE, SW.REFERENCED_DATA_NOT_FOUND),
    (WALLET_ELF, WALLET_MODULE, b"\x01\x02", Privilege.NONE, SW.WRONG_DATA),  # AID too short
    (WALLET_ELF, WALLET_MODULE, NEW_WALLET, Privilege.SECURITY_DOMAIN, SW.WRONG_DATA),  # no SSDs
])
def test_install_errors(admin: GlobalPlatformHost, elf: bytes, module: bytes, aid: bytes,
                        privileges: Privilege, expected: int) -> None:
    with pytest.raises(Exception) as info:
        admin.install(elf, module, aid, privileges=privileges)
    assert getattr(info.value, "sw", None) == expected


def test_one_jpki_ap_per_se_and_unsupported_install_forms(admin: GlobalPlatformHost) -> None:
    from labkit.se import JPKI_ELF, JPKI_MODULE

    with pytest.raises(Exception) as info:
        admin.install(JPKI_ELF, JPKI_MODULE, bytes.fromhex("D392F000260100000002"))
    assert getattr(info.value, "sw", None) == SW.CONDITIONS_NOT_SATISFIED
    for p1, data in ((0x02, "05A0000009990000000000"), (0x0C, "0102"), (0x40, "00")):
        expected = SW.FUNCTION_NOT_SUPPORTED if p1 in (0x02, 0x40) else SW.WRONG_DATA
        assert admin.send(CommandAPDU(0x80, 0xE6, p1, 0x00, bytes.fromhex(data), ne=256)).sw == expected
    assert admin.send(CommandAPDU(0x80, 0xE8, 0x80, 0x00, bytes.fromhex("C40100"))).sw == SW.FUNCTION_NOT_SUPPORTED
    assert admin.send(CommandAPDU(0x80, 0xE6, 0x08, 0x00, bytes.fromhex("0000")+bytes((9,))+WALLET_AID
                                  + bytes.fromhex("0100") + b"\x00\x00")).sw == SW.CONDITIONS_NOT_SATISFIED


def test_delete_instances_and_load_files(se: SecureElement, admin: GlobalPlatformHost) -> None:
    admin.delete(WALLET_AID)
    assert WALLET_AID not in {e.aid for e in admin.get_status(GetStatusP1.APPLICATIONS)}
    assert se.wallet is None and sw(se.transmit, "0070000001") == SW.OK
    assert sw(se.transmit, "01A4040009" + WALLET_AID.hex()) == SW.FILE_NOT_FOUND
    admin.install(WALLET_ELF, WALLET_MODULE, NEW_WALLET)
    deleting = CommandAPDU(0x80, 0xE4, 0x00, 0x00, tlv.encode(0x4F, WALLET_ELF), ne=256)
    assert admin.send(deleting).sw == SW.CONDITIONS_NOT_SATISFIED  # an instance remains
    admin.delete(WALLET_ELF, related=True)
    assert WALLET_ELF not in {e.aid for e in admin.get_status(GetStatusP1.LOAD_FILES)}
    assert se.applet(NEW_WALLET) is None
    for aid, expected in ((se.isd.aid, SW.CONDITIONS_NOT_SATISFIED), (bytes.fromhex("A0000000620001"),
                          SW.CONDITIONS_NOT_SATISFIED), (bytes.fromhex("A000000999"), SW.FILE_NOT_FOUND)):
        assert admin.send(CommandAPDU(0x80, 0xE4, 0x00, 0x00, tlv.encode(0x4F, aid), ne=256)).sw == expected
    assert admin.send(CommandAPDU(0x80, 0xE4, 0x00, 0x01, tlv.encode(0x4F, WALLET_AID))).sw == SW.INCORRECT_P1P2
    assert admin.send(CommandAPDU(0x80, 0xE4, 0x00, 0x00, bytes.fromhex("9F7001"))).sw == SW.WRONG_DATA


def test_personalize_the_ara_m_through_the_isd(se: SecureElement, admin: GlobalPlatformHost) -> None:
    assert se.ara is not None
    before = se.ara.refresh_tag
    rule = AccessRule(bytes.fromhex("A0000009990001"), bytes(32), apdu=True, nfc=False)
    assert admin.send(CommandAPDU(0x80, 0xE2, 0x90, 0x00, tlv.encode(0xF0, rule.to_bytes()))).sw \
        == SW.CONDITIONS_NOT_SATISFIED  # no INSTALL [for personalization] yet
    admin.install_for_personalization(ARA_M_AID)
    admin.store_data(tlv.encode(0xF0, rule.to_bytes()), p1=0x10)
    assert rule in se.ara.rules and se.ara.refresh_tag != before
    admin.store_data(tlv.encode(0xF1, rule.ref_do))
    assert rule not in se.ara.rules
    admin.install_for_personalization(WALLET_AID)  # the wallet has no personalization interface
    assert admin.send(CommandAPDU(0x80, 0xE2, 0x90, 0x00, b"\x01\x02")).sw == SW.FUNCTION_NOT_SUPPORTED
    # Straight to the ARA-M, without the ISD's secure channel: refused.
    assert sw(se.transmit, "0070000001") == SW.OK
    assert sw(se.transmit, "01A4040009" + ARA_M_AID.hex()) == SW.OK
    assert sw(se.transmit, "81E2900005" + tlv.encode(0xF1, b"").hex() + "000000") \
        == SW.SECURITY_STATUS_NOT_SATISFIED


# -- PUT KEY ---------------------------------------------------------------------------------
def test_put_key_rotates_the_isd_keys(se: SecureElement, admin: GlobalPlatformHost) -> None:
    new = StaticKeys(bytes(range(0x50, 0x60)), bytes(range(0x60, 0x70)), bytes(range(0x70, 0x80)), 0x30)
    response = admin.put_keys(new, replace_kvn=0x30)
    assert response == b"\x30" + b"".join(new.kcvs)
    host = GlobalPlatformHost(se.transmit)
    host.select_isd()
    with pytest.raises(SecureChannelError):
        host.open_secure_channel(StaticKeys.default_test_keys())  # the old keys are gone
    host.open_secure_channel(new, SecurityLevel.FULL)
    assert host.get_data(0xC1).hex() == "c103000002"  # restarted at 0 with the new keys; 2 INIT UPDATEs since
    added = StaticKeys(bytes(16), bytes(16), bytes(16), 0x31)
    assert host.put_keys(added) == b"\x31" + b"".join(added.kcvs)
    assert host.get_data(0xE0).count(b"\xc0\x04") == 6


def test_put_key_errors(admin: GlobalPlatformHost) -> None:
    keys = StaticKeys.default_test_keys()
    from labkit.se import encode_put_key

    good = encode_put_key(keys, keys.dek, replace_kvn=0x30)
    bad_kcv = bytearray(good.data)
    bad_kcv[-1] ^= 0xFF
    cases = [
        (CommandAPDU(0x80, 0xD8, 0x30, 0x81, bytes(bad_kcv), ne=256), SW.SECURITY_STATUS_NOT_SATISFIED),
        (CommandAPDU(0x80, 0xD8, 0x35, 0x81, good.data, ne=256), SW.REFERENCED_DATA_NOT_FOUND),
        (CommandAPDU(0x80, 0xD8, 0x00, 0x81, good.data, ne=256), SW.WRONG_DATA),  # KVN 30 exists
        (CommandAPDU(0x80, 0xD8, 0x30, 0x81, good.data[:20], ne=256), SW.WRONG_DATA),
        (CommandAPDU(0x80, 0xD8, 0x30, 0x85, good.data, ne=256), SW.INCORRECT_P1P2),
        (CommandAPDU(0x80, 0xD8, 0xB0, 0x81, good.data, ne=256), SW.INCORRECT_P1P2),
    ]
    for command, expected in cases:
        assert admin.send(command).sw == expected
    assert admin.send(CommandAPDU(0x80, 0xE4, 0x00, 0x00, bytes.fromhex("D20130"))).sw \
        == SW.CONDITIONS_NOT_SATISFIED  # the last key set cannot be deleted


def test_worked_example_through_the_emulated_se() -> None:
    """The reference's worked example (default keys, i = 00, level 33) byte for byte, with
    the whole SecureElement as the card and GlobalPlatformHost as the host."""
    from labkit.se import derive_session_keys

    trace: list[tuple[bytes, bytes]] = []

    def transmit(command: bytes) -> bytes:
        trace.append((command, se.transmit(command)))
        return trace[-1][1]

    se = SecureElement(isd_config=IsdConfig(scp_i=0x00, enforce_i=False),
                       challenge_source=lambda n: bytes.fromhex("08090A0B0C0D0E0F")[:n])
    host = GlobalPlatformHost(transmit, challenge_source=lambda n: bytes(range(n)))
    host.select_isd()
    host.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.FULL)
    keys = derive_session_keys(StaticKeys.default_test_keys(), bytes(range(8)), bytes(range(8, 16)))
    assert keys.s_enc.hex().upper() == "EB845BBC703969A9B312A5F8E4834AA2"
    assert keys.s_mac.hex().upper() == "94D9141C5E50A39EF3939B9A4616C910"
    assert keys.s_rmac.hex().upper() == "F034ED3222D3466EE1531F3FA3561DEF"
    isd = host.get_status(GetStatusP1.ISD)
    assert [(c.hex().upper(), r.hex().upper()) for c, r in trace[1:]] == [
        ("8050300008000102030405060700", "0000000000000000000030030008090A0B0C0D0E0F114F6BC5052C52289000"),
        ("8482330010FAFA93C2EDE62463CB51E38EC18EB00B", "9000"),
        ("84F2800218C63BB560BD6757CD706C51D7DCBBF52FCEF5EDF3207A6FBE00",
         "CEBCA5E32B142A20F41CABD7EE93044F2893857D6E1BDFB2799F103C1E315F0599F01FE3E46E00939000"),
    ]
    assert isd[0].state == 0x0F and isd[0].privileges == 0x9EFE80


def test_gp_list_sequence_is_what_gpp_sends(se: SecureElement) -> None:
    """``gp -l`` sends these four GET STATUS commands through the secure channel."""
    sent: list[bytes] = []
    host = GlobalPlatformHost(lambda c: sent.append(c) or se.transmit(c))
    host.select_isd()
    host.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.FULL)
    plain: list[str] = []
    handler = se.isd.get_status

    def spy(command: CommandAPDU, session: object) -> object:  # what the ISD sees after unwrapping
        plain.append(command.to_bytes().hex().upper())
        return handler(command, session)  # type: ignore[arg-type]

    se.isd.get_status = spy  # type: ignore[method-assign]
    for p1 in (GetStatusP1.ISD, GetStatusP1.APPLICATIONS, GetStatusP1.LOAD_FILES_AND_MODULES, GetStatusP1.LOAD_FILES):
        host.get_status(p1)
    assert plain == ["80F28002024F0000", "80F24002024F0000", "80F21002024F0000", "80F22002024F0000"]
    assert all(c[0] == 0x84 for c in sent[-4:])


def test_final_application_stays_selectable_when_the_card_is_locked(se: SecureElement,
                                                                    admin: GlobalPlatformHost) -> None:
    final = bytes.fromhex("F04C4142574C4C455409")
    admin.install(WALLET_ELF, WALLET_MODULE, final, privileges=Privilege.FINAL_APPLICATION)
    admin.set_status(0x80, CardLifeCycle.CARD_LOCKED)
    assert sw(se.transmit, "0070000001") == SW.OK
    assert sw(se.transmit, "01A404000A" + final.hex()) == SW.OK
    assert sw(se.transmit, "01A4040009" + WALLET_AID.hex()) == SW.FUNCTION_NOT_SUPPORTED
