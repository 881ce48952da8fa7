"""Tamper response (PIN brute force, probing key files, INS sweeps, fault detection) with
automatic erasure and the event log; the SE store: WAL, reopening gives the same state,
and a phone factory reset does not touch it."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

from se_support import AUTH_PIN, JPKI_SELECT, apdu, sw

from labkit.apdu import SW, CommandAPDU
from labkit.card import Aid, KeyRole
from labkit.clock import SimulatedClock
from labkit.se import (
    CardLifeCycle,
    DataCategory,
    FaultKind,
    GetStatusP1,
    GlobalPlatformHost,
    SecureElement,
    SecurityLevel,
    SeEvent,
    StaticKeys,
    TamperAction,
    TamperKind,
    TamperPolicy,
)


def _kinds(se: SecureElement) -> list[TamperKind]:
    return [e.kind for e in se.events()]


def test_pin_brute_force_locks_then_erases(provisioned: Callable[..., SecureElement]) -> None:
    se = provisioned(policy=TamperPolicy(blocked_pin_attempts=2))
    heard: list[SeEvent] = []
    se.add_event_listener(heard.append)
    assert sw(se.transmit, JPKI_SELECT.hex()) == SW.OK
    assert sw(se.transmit, "00A4020C020018") == SW.OK
    for _ in range(3):
        sw(se.transmit, "0020008004" + b"0000".hex())
    assert [e.kind for e in heard] == [TamperKind.PIN_BLOCKED]  # the PIN locks first
    assert se.jpki is not None and se.jpki.has_key(KeyRole.AUTH)
    for _ in range(2):  # then someone keeps trying on the blocked PIN
        assert sw(se.transmit, "0020008004" + AUTH_PIN.encode().hex()) == SW.REFERENCE_DATA_BLOCKED
    assert [e.kind for e in heard] == [TamperKind.PIN_BLOCKED, TamperKind.PIN_BRUTE_FORCE, TamperKind.JPKI_ERASED]
    assert heard[1].actions == TamperAction.ERASE_JPKI and "brute force" in heard[1].message.en
    assert not se.jpki.has_anything()
    assert not se.inventory().stores(DataCategory.PRIVATE_KEY)


def test_probing_key_files_and_ins_sweeps(provisioned: Callable[..., SecureElement]) -> None:
    se = provisioned(policy=TamperPolicy(probe_limit=5))
    assert sw(se.transmit, JPKI_SELECT.hex()) == SW.OK
    assert sw(se.transmit, "00A4020C020017") == SW.OK  # the auth key EF
    assert sw(se.transmit, "00B0000010") == SW.INCOMPATIBLE_FILE_STRUCTURE  # never readable ...
    assert sw(se.transmit, "00B09A0010") == SW.INCOMPATIBLE_FILE_STRUCTURE  # ... by SFI neither
    assert sw(se.transmit, "00B0980004") == SW.INCOMPATIBLE_FILE_STRUCTURE  # the PIN EF
    assert _kinds(se).count(TamperKind.KEY_FILE_PROBE) == 3
    assert sw(se.transmit, "80F0000000") == SW.INS_NOT_SUPPORTED  # an unknown proprietary INS
    assert se.jpki is not None and se.jpki.has_anything()
    assert sw(se.transmit, "80F1000000") == SW.INS_NOT_SUPPORTED  # the 5th probe: policy fires
    assert _kinds(se)[-4:] == [TamperKind.INS_SWEEP, TamperKind.PROBE_LIMIT, TamperKind.JPKI_ERASED,
                               TamperKind.CARD_LOCKED]
    assert not se.jpki.has_anything() and se.registry.card_state == CardLifeCycle.CARD_LOCKED
    assert sw(se.transmit, "80F2000000") == SW.FUNCTION_NOT_SUPPORTED  # the JPKI AP is unusable now
    assert sw(se.transmit, JPKI_SELECT.hex()) == SW.FUNCTION_NOT_SUPPORTED
    before = len(se.events())
    for ins in range(0x10):  # further probes are not logged again
        se.transmit(bytes((0x80, 0xF0 + (ins & 0x0F), 0, 0)))
    assert len(se.events()) == before
    assert sw(se.transmit, "0020008004" + b"1234".hex()) != SW.OK


def test_physical_fault_erases_and_locks(provisioned: Callable[..., SecureElement]) -> None:
    clock = SimulatedClock("2026-04-01T10:00:00+09:00")
    se = provisioned(clock=clock)
    heard: list[SeEvent] = []
    se.add_event_listener(heard.append)
    event = se.detect_fault(FaultKind.VOLTAGE, "VCC glitch during 80 2A")
    assert event.kind is TamperKind.PHYSICAL_FAULT and event.details["sensor"] == "voltage"
    assert event.at == clock.now() and "fault injection" in event.message.en
    assert [e.kind for e in heard] == [TamperKind.PHYSICAL_FAULT, TamperKind.JPKI_ERASED, TamperKind.CARD_LOCKED]
    assert se.jpki is not None and not se.jpki.has_anything()
    assert apdu(se.transmit, "00A4040000").sw == SW.SELECTED_FILE_INVALIDATED


def test_policy_is_configurable(provisioned: Callable[..., SecureElement]) -> None:
    policy = TamperPolicy(actions={TamperKind.PHYSICAL_FAULT: TamperAction.TERMINATE_CARD})
    se = provisioned(policy=policy)
    se.detect_fault(FaultKind.LIGHT)
    assert se.registry.card_state == CardLifeCycle.TERMINATED
    assert se.jpki is not None and se.jpki.has_anything()  # this policy does not erase
    assert sw(se.transmit, JPKI_SELECT.hex()) == SW.FUNCTION_NOT_SUPPORTED
    record_only = provisioned(policy=TamperPolicy(actions={}))
    record_only.detect_fault(FaultKind.CLOCK)
    assert record_only.registry.card_state == CardLifeCycle.SECURED


def test_store_uses_wal_and_reopening_gives_the_same_state(provisioned: Callable[..., SecureElement]) -> None:
    se = provisioned()
    path = se.store.path
    assert path is not None
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    gp = GlobalPlatformHost(se.transmit)
    gp.select_isd()
    gp.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.FULL)
    gp.set_status(0x40, 0x80, bytes.fromhex("F04C4142574C4C4554"))  # lock the wallet
    assert sw(se.transmit, JPKI_SELECT.hex()) == SW.OK
    assert sw(se.transmit, "00A4020C020018") == SW.OK
    assert sw(se.transmit, "0020008004" + b"0000".hex()) == 0x63C2
    snapshot = (se.isd.dump(), se.tamper.dump(), se.jpki.to_state() if se.jpki else None,
                se.ara.dump() if se.ara else None, [e.kind for e in se.events()])
    se.close()

    again = SecureElement(path)
    assert (again.isd.dump(), again.tamper.dump(), again.jpki.to_state() if again.jpki else None,
            again.ara.dump() if again.ara else None, [e.kind for e in again.events()]) == snapshot
    assert again.jpki is not None and again.jpki.pin_status(KeyRole.AUTH).remaining == 2
    host = GlobalPlatformHost(again.transmit)
    host.select_isd()
    host.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.FULL)
    assert host.get_data(0xC1).hex() == "c103000002"  # the sequence counter survived
    states = {e.aid.hex().upper(): e.state for e in host.get_status(GetStatusP1.APPLICATIONS)}
    assert states["F04C4142574C4C4554"] == 0x87


def test_factory_reset_wipes_the_phone_but_not_the_se(tmp_path: Path,
                                                      provisioned: Callable[..., SecureElement]) -> None:
    """The phone keeps its OS data (apps, their files) and the SE store in different places;
    初期化 (factory reset) deletes the former only (lecture 2-7 【講師】)."""
    se = provisioned()
    assert se.store.path is not None
    phone_data = tmp_path / "phone" / "data"
    (phone_data / "jp.go.digital.mynaportal.lab").mkdir(parents=True)
    (phone_data / "jp.go.digital.mynaportal.lab" / "settings.json").write_text("{}")
    certificates = {role: se.jpki.certificate(role) for role in KeyRole} if se.jpki else {}
    se.close()

    shutil.rmtree(phone_data)  # factory reset: every app and its data are gone
    assert not phone_data.exists()
    after = SecureElement(se.store.path)
    assert after.jpki is not None
    assert {role: after.jpki.certificate(role) for role in KeyRole} == certificates
    assert all(certificates.values())


def test_store_refuses_a_foreign_database(tmp_path: Path) -> None:
    from labkit.errors import StoreError
    from labkit.se import SeStore

    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("INSERT INTO meta VALUES ('format', 'something-else')")
    try:
        SeStore(path)
    except StoreError as exc:
        assert "something-else" in exc.message("en")
    else:  # pragma: no cover
        raise AssertionError("a foreign store was accepted")


def test_mac_failures_are_logged_but_keep_the_card(se: SecureElement) -> None:
    gp = GlobalPlatformHost(se.transmit)
    gp.select_isd()
    gp.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.C_MAC)
    bad = bytearray(gp.session.wrap_command(CommandAPDU(0x80, 0xF2, 0x80, 0x02, b"\x4f\x00")).to_bytes())  # type: ignore[union-attr]
    bad[-1] ^= 1
    assert se.transmit(bytes(bad)) == b"\x69\x82"
    assert _kinds(se) == [TamperKind.SCP_MAC_FAILED] and se.registry.card_state == CardLifeCycle.SECURED


def test_an_app_cannot_erase_the_jpki_ap_through_the_wallet(provisioned: Callable[..., SecureElement],
                                                            mynaportal: object, other_app: object) -> None:
    """Reliability review F3, replayed: com.example.game (no rule for the JPKI AP) opens the
    wallet, which every app may use, and sends 16 unknown proprietary commands 80 90 … 80 A3."""
    from se_support import omapi_for

    from labkit.se import WALLET_AID

    se = provisioned()
    wallet = omapi_for(se, other_app).get_readers()[0].open_session().open_logical_channel(WALLET_AID)  # type: ignore[arg-type]
    assert wallet is not None
    answers = {wallet.transmit(bytes((0x80, ins, 0, 0)))[-2:] for ins in range(0x90, 0xA4)}
    assert answers == {b"\x6d\x00"}
    assert TamperKind.INS_SWEEP not in _kinds(se) and se.tamper.probes == 0
    assert se.jpki is not None and se.jpki.has_key(KeyRole.AUTH) and se.jpki.has_key(KeyRole.SIGN)
    assert se.registry.card_state != CardLifeCycle.CARD_LOCKED
    channel = omapi_for(se, mynaportal).get_readers()[0].open_session().open_logical_channel(bytes(Aid.JPKI))  # type: ignore[arg-type]
    assert channel is not None  # Mynaportal still reaches its AP
