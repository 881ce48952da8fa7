"""ARA-M rules (encoding, GET DATA [All]/[Next], refresh tag), the access-rule lookup, and
the OMAPI layer: access checked for the calling app before a channel opens, rules read
through APDUs on the service's own channel, channel numbering, and what apps may send."""

from __future__ import annotations

import hashlib

import pytest
from se_support import omapi_for

from labkit.apdu import ApduExchange
from labkit.card import Aid
from labkit.errors import AccessDeniedError, InputError
from labkit.se import (
    ARA_M_AID,
    WALLET_AID,
    AccessEvent,
    AccessRule,
    ApduFilter,
    ApduFilterError,
    AppIdentity,
    AraM,
    NoSuchElementError,
    SecureElement,
    SecureElementService,
    SEService,
    decode_rules,
    encode_rules,
    find_access_rule,
)
from labkit.se.access import AraReader
from labkit.se.omapi import OmapiStateError

JPKI = bytes(Aid.JPKI)


def test_rule_encoding_matches_the_reference_example() -> None:
    rule = AccessRule(JPKI, bytes(range(32)), apdu=True, nfc=False)
    encoded = encode_rules([rule])
    assert encoded.hex().upper() == (
        "FF403AE238E12E4F0AD392F000260100000001C120000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F"
        "E306D00101D10100")
    assert decode_rules(encoded) == [rule]
    filtered = AccessRule(None, None, apdu=(ApduFilter(b"\x80\xca\x00\x00", b"\xff\xff\x00\x00"),), nfc=None,
                          package="com.example")
    implicit = AccessRule(None, bytes(20), apdu=False, implicit=True)
    assert decode_rules(encode_rules([filtered, implicit])) == [filtered, implicit]
    with pytest.raises(ValueError):
        AccessRule(JPKI, b"\x01\x02")


def test_ara_m_get_data_all_next_and_refresh_tag(se: SecureElement) -> None:
    ara = AraM(max_chunk=40)
    for n in range(5):
        ara.store_rule(AccessRule(bytes.fromhex(f"A00000099900{n:02X}"), bytes(32)))
    from labkit.cardos import CardOS

    chip = CardOS(applets=[ara], max_channels=4)
    assert chip.transmit(bytes.fromhex("00A4040009") + ARA_M_AID + b"\x00")[-2:] == b"\x90\x00"
    assert chip.transmit(bytes.fromhex("80CADF2000")).hex().upper() == "DF2008" + "0000000000000006" + "9000"
    first = chip.transmit(bytes.fromhex("80CAFF4000"))
    assert len(first) == 42 and first[:2] == b"\xff\x40"
    data = first[:-2]
    while True:
        more = chip.transmit(bytes.fromhex("80CAFF6000"))
        if more[-2:] != b"\x90\x00" or len(more) == 2:
            break
        data += more[:-2]
    assert decode_rules(data) == list(ara.rules)
    assert chip.transmit(bytes.fromhex("80CAFF6000")).hex() == "6985"  # nothing left
    specific = AccessRule(bytes.fromhex("A0000009990001"), bytes(32)).ref_do
    answer = chip.transmit(bytes.fromhex("80CAFF50") + bytes((len(specific),)) + specific + b"\x00")
    assert answer.hex().upper() == "FF5008E306D00101D10100" + "9000"
    assert chip.transmit(bytes.fromhex("80CADF2100")).hex().upper() == "E505E603010000" + "9000"
    ara.delete_rules()
    assert chip.transmit(bytes.fromhex("80CAFF4000")).hex() == "6a88"


# -- lookup (AOSP AccessRuleCache order) -----------------------------------------------------
def _app(name: str) -> AppIdentity:
    return AppIdentity(name, (name.encode(),))


def _hash(app: AppIdentity) -> bytes:
    return hashlib.sha256(app.certificates[0]).digest()


def test_lookup_order() -> None:
    a, b = _app("a"), _app("b")
    other_aid = bytes.fromhex("A0000009990001")
    rules = [AccessRule(JPKI, _hash(a)), AccessRule(other_aid, None), AccessRule(None, hashlib.sha1(b"b").digest())]
    assert find_access_rule(rules, JPKI, a).allowed  # A
    denied = find_access_rule(rules, JPKI, b)
    assert not denied.allowed and "reserved" in denied.reason.en  # AID reserved for another app
    assert find_access_rule(rules, other_aid, b).allowed  # B: all apps
    assert find_access_rule(rules, bytes.fromhex("A0000009990002"), b).allowed  # C, by SHA-1
    assert not find_access_rule(rules, bytes.fromhex("A0000009990002"), a).allowed  # all-AID rule is b's
    assert find_access_rule([AccessRule(None, None)], JPKI, a).allowed  # D
    assert not find_access_rule([], JPKI, a).allowed  # no rule: deny
    assert not find_access_rule([AccessRule(JPKI, None, apdu=False)], JPKI, a).allowed  # NEVER
    assert find_access_rule([AccessRule(None, _hash(a), implicit=True)], None, a).allowed  # C0: default app
    assert not find_access_rule([AccessRule(JPKI, _hash(a), package="x")], JPKI, a).allowed


# -- OMAPI -----------------------------------------------------------------------------------
def test_mynaportal_reaches_the_jpki_ap_other_apps_do_not(se: SecureElement, mynaportal: AppIdentity,
                                                         other_app: AppIdentity) -> None:
    session = omapi_for(se, mynaportal).get_readers()[0].open_session()
    channel = session.open_logical_channel(JPKI, 0x0C)
    assert channel is not None and channel.get_select_response() == b"\x90\x00"
    assert channel.transmit(bytes.fromhex("00A4020C020006")) == b"\x90\x00"
    assert channel.transmit(bytes.fromhex("00B0000010"))[:15] == b"JPKIAPGPSETOKEN"
    channel.close()

    game = omapi_for(se, other_app).getReaders()[0].openSession()
    with pytest.raises(AccessDeniedError) as info:
        game.openLogicalChannel(JPKI)
    assert "com.example.game" in info.value.message("en") and "アクセス拒否" in info.value.message("ja")
    assert "reserved for another app" in info.value.message("en")
    with pytest.raises(AccessDeniedError):
        game.open_basic_channel(JPKI)
    wallet = game.open_logical_channel(WALLET_AID)  # the wallet is open to every app
    assert wallet is not None and wallet.transmit(bytes.fromhex("805C000004")) == bytes(4) + b"\x90\x00"
    with pytest.raises(AccessDeniedError, match="no access rule"):
        game.open_logical_channel(se.isd.aid)  # no rule for the card manager: denied


def test_rules_are_read_through_apdus_with_the_refresh_tag(se: SecureElement, mynaportal: AppIdentity,
                                                           other_app: AppIdentity) -> None:
    seen: list[ApduExchange] = []
    se.os.add_observer(seen.append)
    service = SecureElementService({"eSE1": se})
    events: list[AccessEvent] = []
    service.terminals["eSE1"].add_listener(events.append)
    session = SEService(service, mynaportal).get_readers()[0].open_session()
    session.open_logical_channel(JPKI).close()  # type: ignore[union-attr]
    commands = [e.command.hex().upper() for e in seen]
    assert commands[:4] == ["0070000001", "01A4040009A00000015141434C0000", "81CADF2000", "81CAFF4000"]
    assert "0070800100" in commands  # the service closes its own channel
    reader: AraReader = service.terminals["eSE1"].ara
    assert reader.reads == 1
    seen.clear()
    session.open_logical_channel(WALLET_AID).close()  # type: ignore[union-attr]
    assert not any(e.command[1:4] == b"\xca\xff\x40" for e in seen) and reader.reads == 1  # cached
    assert se.ara is not None
    se.ara.store_rule(AccessRule(JPKI, _hash(other_app)))  # the issuer adds a rule
    SEService(service, other_app).get_readers()[0].open_session().open_logical_channel(JPKI).close()  # type: ignore[union-attr]
    assert reader.reads == 2
    assert [(e.package, e.allowed) for e in events] == [
        (mynaportal.package, True), (mynaportal.package, True), (other_app.package, True)]


def test_without_an_ara_m_everything_is_denied(se: SecureElement, mynaportal: AppIdentity) -> None:
    from labkit.se import GlobalPlatformHost, SecurityLevel, StaticKeys

    gp = GlobalPlatformHost(se.transmit)
    gp.select_isd()
    gp.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.FULL)
    gp.set_status(0x40, 0x80, ARA_M_AID)  # lock the ARA-M
    session = omapi_for(se, mynaportal).get_readers()[0].open_session()
    with pytest.raises(AccessDeniedError, match="no ARA-M"):
        session.open_logical_channel(JPKI)
    gp.set_status(0x40, 0x00, ARA_M_AID)
    assert session.open_logical_channel(JPKI) is not None


def test_a_tamper_locked_se_denies_even_mynaportal_and_says_why(
        se: SecureElement, mynaportal: AppIdentity) -> None:
    from labkit.se import FaultKind

    session = omapi_for(se, mynaportal).get_readers()[0].open_session()
    assert session.open_logical_channel(JPKI) is not None
    se.detect_fault(FaultKind.VOLTAGE)  # erase and card lock
    with pytest.raises(AccessDeniedError) as info:
        session.open_logical_channel(JPKI)
    assert "locked" in info.value.message("en") and "ロック" in info.value.message("ja")
    assert "no ARA-M" not in info.value.message("en")


def test_channel_numbering_and_exhaustion(mynaportal: AppIdentity) -> None:
    se = SecureElement(max_channels=8)
    assert se.ara is not None
    se.ara.store_rule(AccessRule(None, None))  # every app, every SE application
    seen: list[ApduExchange] = []
    se.os.add_observer(seen.append)
    session = omapi_for(se, mynaportal).get_readers()[0].open_session()
    channels = [session.open_logical_channel(WALLET_AID) for _ in range(7)]
    assert [c.number for c in channels if c] == [1, 2, 3, 4, 5, 6, 7]
    selects = [e.command[0] for e in seen if e.command[1:3] == b"\xa4\x04" and e.command[5:].startswith(WALLET_AID)]
    assert selects == [0x01, 0x02, 0x03, 0x40, 0x41, 0x42, 0x43]  # channels >= 4: CLA 40 | (N - 4)
    seen.clear()
    assert channels[4] is not None and channels[4].transmit(bytes.fromhex("805C000004"))[-2:] == b"\x90\x00"
    assert seen[0].command[0] == 0xC1  # proprietary CLA, further interindustry, channel 5
    # All channels taken: the service cannot even read the rules, so it refuses.
    with pytest.raises(AccessDeniedError, match="no channel free"):
        session.open_logical_channel(WALLET_AID)
    channels[0].close()  # type: ignore[union-attr]
    reopened = session.open_logical_channel(WALLET_AID)
    assert reopened is not None and reopened.number == 1
    session.close()
    assert se.os.open_channels() == [0]


def test_what_apps_may_not_send(se: SecureElement, mynaportal: AppIdentity) -> None:
    channel = omapi_for(se, mynaportal).get_readers()[0].open_session().open_logical_channel(JPKI)
    assert channel is not None
    for forbidden in ("0070000001", "00708001", "00A4040009A00000015141434C00"):
        with pytest.raises(AccessDeniedError):
            channel.transmit(bytes.fromhex(forbidden))
    with pytest.raises(InputError):
        channel.transmit(b"\x00\xa4")
    with pytest.raises(InputError):
        channel.transmit(bytes.fromhex("00B000000500AA"))
    assert channel.transmit(bytes.fromhex("00A4020C020006")) == b"\x90\x00"  # SELECT by FID is fine
    channel.close()
    with pytest.raises(OmapiStateError):
        channel.transmit(bytes.fromhex("00B0000001"))


def test_apdu_filter_and_missing_applet(se: SecureElement, mynaportal: AppIdentity) -> None:
    assert se.ara is not None
    only_balance = (ApduFilter(bytes.fromhex("805C0000"), bytes.fromhex("FFFF0000")),)
    se.ara.store_rule(AccessRule(WALLET_AID, _hash(mynaportal), apdu=only_balance))
    se.ara.store_rule(AccessRule(None, _hash(mynaportal)))
    session = omapi_for(se, mynaportal).get_readers()[0].open_session()
    wallet = session.open_logical_channel(WALLET_AID)
    assert wallet is not None and wallet.transmit(bytes.fromhex("805C000004"))[-2:] == b"\x90\x00"
    with pytest.raises(ApduFilterError):
        wallet.transmit(bytes.fromhex("805200000400000064"))
    with pytest.raises(NoSuchElementError):
        session.open_logical_channel(bytes.fromhex("A0000009990001"))  # allowed, but not on the SE
    basic = session.open_basic_channel(None)
    assert basic is not None and basic.is_basic_channel() and session.open_basic_channel(None) is None
    basic.close()
    with pytest.raises(InputError):
        session.open_logical_channel(WALLET_AID, 0x01)
