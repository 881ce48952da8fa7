"""The phone's secure element: the card OS with the ISD, the ARA-M, the JPKI AP and a wallet,
life-cycle enforcement, tamper response, and persistence in its own :class:`SeStore`.

``SecureElement`` is a :class:`~labkit.apdu.CardDevice`, so the OMAPI service, the vpcd bridge
and tests all talk to it with ``transmit(bytes) -> bytes``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from ..apdu import SW, CommandAPDU, StatusWordError, parse_cla
from ..card import Aid
from ..cardos import Applet, CardOS
from ..clock import Clock, SystemClock
from ..errors import LabkitError
from ..i18n import Text
from .access import AppIdentity
from .ara import AccessRule, AraM
from .gp_constants import ARA_M_AID, AppLifeCycle, CardLifeCycle, Privilege, is_locked
from .inventory import SeInventory, build_inventory
from .isd import IsdConfig, IssuerSecurityDomain, SecurityEvent
from .jpki import SeJpkiApplet
from .keys import KeyStore
from .registry import LoadFile, Registry, RegistryEntry
from .scp03 import StaticKeys
from .store import SeStore
from .tamper import FaultKind, SeEvent, TamperAction, TamperKind, TamperMonitor, TamperPolicy, message
from .wallet import WALLET_AID, WalletApplet

__all__ = ["JPKI_ELF", "JPKI_MODULE", "SE_ATR", "SecureElement"]

log = logging.getLogger(__name__)

#: T=1 ATR with the historical bytes "GP-SE-EMU" (TCK D4), reference §6.2.
SE_ATR = bytes.fromhex("3B 89 01 47 50 2D 53 45 2D 45 4D 55 D4")

# Modelled load files (no bytecode): package AID -> module AIDs. Instance AIDs are chosen at
# INSTALL time; the defaults below are what the SE ships with.
JPKI_ELF = bytes.fromhex("D392F000260100")
JPKI_MODULE = bytes.fromhex("D392F00026010000")
ARA_ELF = bytes.fromhex("A00000015141434C")
WALLET_ELF = bytes.fromhex("F04C4142574C")
WALLET_MODULE = bytes.fromhex("F04C4142574C4C")
_SYSTEM_FILES = (
    LoadFile(bytes.fromhex("A0000000620001"), (), b"\x01\x00", system=True),  # java.lang
    LoadFile(bytes.fromhex("A0000000620101"), (), b"\x01\x05", system=True),  # javacard.framework
    LoadFile(bytes.fromhex("A0000001515350"), (), b"\x01\x00", system=True),  # GP API (org.globalplatform)
)
_KIND_OF_MODULE = {JPKI_MODULE: "jpki", ARA_M_AID: "ara", WALLET_MODULE: "wallet"}
_ISD_EVENTS = {SecurityEvent.AUTH_FAILED: TamperKind.SCP_AUTH_FAILED,
               SecurityEvent.AUTH_LIMIT: TamperKind.SCP_AUTH_LIMIT,
               SecurityEvent.MAC_FAILED: TamperKind.SCP_MAC_FAILED}


def _json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")


class SecureElement:
    """A GP secure element. ``SecureElement(path)`` reopens an existing store or provisions
    a new SE: ISD with ``isd_keys`` (default: the GP test keys ``40..4F``, KVN 30), ARA-M with
    a rule reserving the JPKI AP for ``mynaportal`` and one opening the wallet to every app,
    an empty JPKI AP, and the wallet. ``mynaportal``/``isd_keys`` only matter the first time.

    ``policy`` (:class:`TamperPolicy`) also sets the ISD's consecutive-failure limit; the rest
    of ``isd_config`` (AID, SCP03 i, block size) and ``max_channels`` describe the chip model
    and are not stored. ``challenge_source`` feeds random card challenges (i without b5).
    """

    def __init__(self, store: SeStore | str | os.PathLike[str] | None = None, *,
                 mynaportal: AppIdentity | None = None, isd_keys: StaticKeys | None = None,
                 policy: TamperPolicy | None = None, isd_config: IsdConfig | None = None,
                 clock: Clock | None = None, challenge_source: Callable[[int], bytes] = os.urandom,
                 max_channels: int = 20, atr: bytes = SE_ATR) -> None:
        self.store = store if isinstance(store, SeStore) else SeStore(store)
        self.policy = policy or TamperPolicy()
        self.clock = clock or SystemClock()
        config = replace(isd_config or IsdConfig(), auth_failure_limit=self.policy.scp_auth_failure_limit)
        self.registry = Registry(config.aid)
        self.isd = IssuerSecurityDomain(KeyStore(), self.registry, self, config, challenge_source=challenge_source)
        self.tamper = TamperMonitor(self.policy)
        self.os = CardOS(applets=[self.isd], atr_bytes=bytes(atr), max_channels=max_channels,
                         default_applet=self.isd, gate=self._gate)
        self._lock = threading.RLock()
        self._applets: dict[bytes, Applet] = {}
        self._saved: dict[str, bytes] = {}
        self._new_events: list[SeEvent] = []
        self._listeners: list[Callable[[SeEvent], None]] = []
        self._busy = True  # inside transmit() or set-up: saved once, at the end
        if self.store.is_empty():
            self._provision(mynaportal, isd_keys or StaticKeys.default_test_keys())
        else:
            self._load(self.store.read_sections())
        self._busy = False
        self._sync()

    # -- content -----------------------------------------------------------------------------
    @property
    def jpki(self) -> SeJpkiApplet | None:
        """The JPKI AP instance, or None if it was deleted."""
        return next((a for a in self._applets.values() if isinstance(a, SeJpkiApplet)), None)

    @property
    def ara(self) -> AraM | None:
        return next((a for a in self._applets.values() if isinstance(a, AraM)), None)

    @property
    def wallet(self) -> WalletApplet | None:
        return next((a for a in self._applets.values() if isinstance(a, WalletApplet)), None)

    def applet(self, aid: bytes) -> Applet | None:
        return self._applets.get(bytes(aid))

    def _provision(self, mynaportal: AppIdentity | None, keys: StaticKeys) -> None:
        self.isd.keys = KeyStore.with_keys(keys)
        self.registry.load_files = [*_SYSTEM_FILES, LoadFile(JPKI_ELF, (JPKI_MODULE,)),
                                    LoadFile(ARA_ELF, (ARA_M_AID,)), LoadFile(WALLET_ELF, (WALLET_MODULE,))]
        for entry in (RegistryEntry(ARA_M_AID, ARA_ELF, ARA_M_AID),
                      RegistryEntry(bytes(Aid.JPKI), JPKI_ELF, JPKI_MODULE),
                      RegistryEntry(WALLET_AID, WALLET_ELF, WALLET_MODULE)):
            self.instantiate(entry)
            self.registry.apps.append(entry)
        ara = self.ara
        assert ara is not None
        if mynaportal is not None:
            for certificate in mynaportal.certificates:
                ara.store_rule(AccessRule(bytes(Aid.JPKI), hashlib.sha256(certificate).digest(), apdu=True, nfc=False))
        ara.store_rule(AccessRule(WALLET_AID, None, apdu=True, nfc=True))

    def _load(self, sections: dict[str, Any]) -> None:
        try:
            self.isd.restore(sections["isd"])
            self.tamper.restore(sections["tamper"])
            for entry in self.registry.apps:
                name = entry.aid.hex().upper()
                state = sections.get(f"app/{name}")
                if _KIND_OF_MODULE.get(entry.module) == "jpki" and state is not None:
                    applet: Applet = SeJpkiApplet.from_state({**state, "keys": sections.get(f"keys/{name}", {})})
                    applet.aid = entry.aid
                    self._install(applet)
                else:
                    self.instantiate(entry)
                    restore = getattr(self._applets[entry.aid], "restore", None)
                    if state is not None and restore is not None:
                        restore(state)
        except (KeyError, TypeError, ValueError) as exc:
            raise LabkitError(Text(f"SE ストアの状態が不正: {exc}", f"inconsistent SE store state: {exc}")) from exc

    def _install(self, applet: Applet) -> None:
        if isinstance(applet, SeJpkiApplet | AraM):
            applet.on_change = self._applet_changed  # Python-API writes are saved at once
        self.os.install(applet)
        self._applets[applet.aid] = applet

    # -- ContentHooks (called by the ISD) -------------------------------------------------------
    def instantiate(self, entry: RegistryEntry) -> None:
        kind = _KIND_OF_MODULE.get(entry.module)
        if (kind == "jpki" and self.jpki is not None) or (kind == "ara" and self.ara is not None):
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED, Text(
                "このアプリは SE に 1 つだけ", "only one instance of this application per SE"))
        applet: Applet
        if kind == "jpki":
            applet = SeJpkiApplet(aid=entry.aid)
        elif kind == "ara":
            applet = AraM(aid=entry.aid)
        elif kind == "wallet":
            applet = WalletApplet(entry.aid)
        else:
            raise StatusWordError(SW.REFERENCED_DATA_NOT_FOUND)
        self._install(applet)

    def remove(self, entry: RegistryEntry) -> None:
        applet = self._applets.pop(entry.aid, None)
        if applet is None:
            return
        if isinstance(applet, SeJpkiApplet):
            applet.erase()
        self.os.uninstall(applet)

    def personalize(self, aid: bytes, command: CommandAPDU) -> bytes:
        handler = getattr(self._applets.get(aid), "personalize", None)
        if handler is None:
            raise StatusWordError(SW.FUNCTION_NOT_SUPPORTED)
        return bytes(handler(command))

    def security_event(self, kind: str, count: int) -> None:
        self._record(_ISD_EVENTS[kind], {"consecutive_failures": count} if kind != SecurityEvent.MAC_FAILED else {})

    # -- life-cycle gate (runs inside the card OS before dispatch) ------------------------------
    def _gate(self, command: CommandAPDU) -> None:
        info = parse_cla(command.cla)
        assert info is not None  # the card OS answers 6E00 before calling the gate
        iso = not info.proprietary
        if self.registry.card_state == CardLifeCycle.TERMINATED:
            if (command.ins == 0xCA and self.os.selected(info.channel) is self.isd) or (iso and command.ins == 0xC0):
                return
            raise StatusWordError(SW.FUNCTION_NOT_SUPPORTED, Text("SE は停止済み (TERMINATED)", "the SE is TERMINATED"))
        if iso and command.ins == 0xA4 and command.p1 == 0x04:
            target = self.os.find_applet(command.data) if command.data else self.isd
            if target is not None and target is not self.isd:
                self._check_usable(target)
            return
        if iso and command.ins in (0x70, 0xC0):
            return
        selected = self.os.selected(info.channel)
        if selected is not None and selected is not self.isd:
            self._check_usable(selected)

    def _check_usable(self, applet: Applet) -> None:
        entry = self.registry.app(applet.aid)
        if entry is None:
            return
        if entry.state == AppLifeCycle.INSTALLED:
            raise StatusWordError(SW.FILE_NOT_FOUND)
        if is_locked(entry.state):
            raise StatusWordError(SW.FUNCTION_NOT_SUPPORTED, Text("アプリはロック中 (LOCKED)", "application LOCKED"))
        if (self.registry.card_state == CardLifeCycle.CARD_LOCKED
                and Privilege.FINAL_APPLICATION not in entry.privileges):
            raise StatusWordError(SW.FUNCTION_NOT_SUPPORTED,
                                  Text("SE はロック中 (CARD_LOCKED)", "the SE is CARD_LOCKED"))

    # -- CardDevice ----------------------------------------------------------------------------
    @property
    def atr(self) -> bytes:
        return self.os.atr

    def power_on(self) -> bytes:
        with self._lock:
            self.tamper.power_cycle()
            return self.os.power_on()

    def reset(self) -> bytes:
        return self.power_on()

    def power_off(self) -> None:
        with self._lock:
            self.tamper.power_cycle()
            self.os.power_off()

    def transmit(self, command: bytes) -> bytes:
        """Process one APDU; never raises. State is persisted before the response returns."""
        with self._lock:
            command = bytes(command)
            parsed: CommandAPDU | None = None
            channel: int | None = None
            try:
                parsed = CommandAPDU.from_bytes(command)
                info = parse_cla(parsed.cla)
                channel = info.channel if info else None
            except LabkitError:
                parsed = None
            before = self.os.selected(channel) if channel is not None else None
            self._busy = True
            try:
                response = self.os.transmit(command)
            finally:
                self._busy = False
            try:
                if parsed is not None and channel is not None:
                    on_jpki = before is not None and before is self.jpki
                    sw = int.from_bytes(response[-2:], "big")
                    for kind in self.tamper.observe(parsed, sw, channel=channel, jpki=on_jpki):
                        self._record(kind, {"channel": channel, "ins": parsed.ins})
                self._sync()
            except Exception:  # persistence trouble must not cross the transport
                log.exception("secure element: post-processing failed")
            events, self._new_events = self._new_events, []
        self._notify(events)
        return response

    def inventory(self) -> SeInventory:
        """「スマホ電子証明書の確認」: what this SE holds, and which sensitive data it does not."""
        with self._lock:
            return build_inventory(self.registry.card_state, self.isd,
                                   [(entry.aid, entry.state, self.applet(entry.aid)) for entry in self.registry.apps])

    # -- tamper response and events ----------------------------------------------------------
    def add_event_listener(self, listener: Callable[[SeEvent], None]) -> None:
        self._listeners.append(listener)

    def remove_event_listener(self, listener: Callable[[SeEvent], None]) -> None:
        self._listeners.remove(listener)

    def events(self, since: int = 0) -> list[SeEvent]:
        """The persistent security event log (what the phone app can show)."""
        return self.store.events(since)

    def detect_fault(self, kind: FaultKind, detail: str = "") -> SeEvent:
        """The fault sensors fired (a voltage glitch, a laser, ...): apply the policy now."""
        with self._lock:
            event = self._record(TamperKind.PHYSICAL_FAULT, {"sensor": FaultKind(kind).value, "detail": detail})
            self._sync()
            events, self._new_events = self._new_events, []
        self._notify(events)
        return event

    def erase_jpki(self) -> bool:
        """Zeroise the JPKI keys, certificates and PINs; True if there was anything to erase."""
        with self._lock:
            erased = self._erase_jpki()
            self._sync()
            events, self._new_events = self._new_events, []
        self._notify(events)
        return erased

    def _erase_jpki(self) -> bool:
        jpki = self.jpki
        if jpki is None or not jpki.has_anything():
            return False
        jpki.erase()
        self._record(TamperKind.JPKI_ERASED, {})
        return True

    def _record(self, kind: TamperKind, details: dict[str, Any]) -> SeEvent:
        actions = self.policy.action(kind)
        event = self.store.append_event(self.clock.now(), kind, message(kind), actions, details)
        self._new_events.append(event)
        if actions & TamperAction.ERASE_JPKI:
            self._erase_jpki()
        state = self.registry.card_state
        if actions & TamperAction.TERMINATE_CARD and state != CardLifeCycle.TERMINATED:
            self.registry.card_state = CardLifeCycle.TERMINATED
            self._record(TamperKind.CARD_TERMINATED, {})
        elif actions & TamperAction.LOCK_CARD and state not in (CardLifeCycle.CARD_LOCKED, CardLifeCycle.TERMINATED):
            self.registry.card_state = CardLifeCycle.CARD_LOCKED
            self._record(TamperKind.CARD_LOCKED, {})
        return event

    def _notify(self, events: list[SeEvent]) -> None:
        for event in events:
            for listener in list(self._listeners):
                try:
                    listener(event)
                except Exception:
                    log.exception("SE event listener failed")

    # -- persistence ---------------------------------------------------------------------------
    def _sections(self) -> dict[str, bytes]:
        out = {"isd": _json(self.isd.dump()), "tamper": _json(self.tamper.dump())}
        for aid, applet in self._applets.items():
            name = aid.hex().upper()
            if isinstance(applet, SeJpkiApplet):
                state = applet.to_state()
                out[f"keys/{name}"] = _json(state.pop("keys"))
                out[f"app/{name}"] = _json(state)
            else:
                dump = getattr(applet, "dump", None)
                if dump is not None:
                    out[f"app/{name}"] = _json(dump())
        return out

    def _sync(self) -> None:
        current = self._sections()
        changes: dict[str, bytes | None] = {k: v for k, v in current.items() if self._saved.get(k) != v}
        changes.update({k: None for k in self._saved if k not in current})
        if not changes:
            return
        scrub = any(k.startswith("keys/") or (k.startswith("app/") and k not in current) for k in changes)
        self.store.write_sections(changes, scrub=scrub)
        self._saved = current

    def _applet_changed(self) -> None:
        if not self._busy:
            self.save()

    def save(self) -> None:
        """Persist now. APDUs and the Python API of the JPKI AP and ARA-M save by themselves;
        call this after changing other state directly (e.g. ``se.registry``)."""
        with self._lock:
            self._sync()

    def close(self) -> None:
        with self._lock:
            self._sync()
            self.store.close()

    def __enter__(self) -> SecureElement:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<SecureElement {self.registry.card_state.name} store={self.store.path or ':memory:'}>"
