"""Tamper response: what the SE considers an extraction attempt, and what it does about it.

GlobalPlatform leaves velocity checking and the reaction to "perceived threats" to the
issuer's security policy (Spec §9.6.3, §9.6.7), so :class:`TamperPolicy` is explicit and
configurable. Defaults:

======================  ======================================================  ===================
kind                    trigger                                                 action
======================  ======================================================  ===================
``pin_blocked``         a PIN's counter reached 0 (the applet answers 63C0)     record
``pin_brute_force``     ``blocked_pin_attempts`` VERIFYs on a blocked PIN       erase JPKI
``scp_auth_failed``     one failed EXTERNAL AUTHENTICATE                        record
``scp_auth_limit``      ``scp_auth_failure_limit`` failures in a row            erase JPKI + lock card
``scp_mac_failed``      a bad C-MAC inside a secure channel (session aborted)   record
``key_file_probe``      READ BINARY aimed at a key or PIN EF of the JPKI AP     record (counts)
``ins_sweep``           an unknown proprietary INS to the JPKI AP (6D00)        record (counts)
``probe_limit``         ``probe_limit`` probes (the two above), ever            erase JPKI + lock card
``physical_fault``      the fault sensors fire (voltage, light, clock, temp.)   erase JPKI + lock card
``jpki_erased``         outcome: keys and certificates zeroised                 —
``card_locked`` / ...   outcome: card life cycle changed by the policy          —
======================  ======================================================  ===================

Probe counts and blocked-PIN attempts persist (power cycling does not reset them). Only
commands aimed at the JPKI AP count as probes: an app that the ARA-M lets reach another
applet (the wallet is open to every app) must not be able to erase the JPKI AP through it
(reliability review F3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntFlag, StrEnum
from types import MappingProxyType
from typing import Any

from ..apdu import CommandAPDU, parse_cla
from ..i18n import Text
from .jpki import JPKI_KEY_EFS

__all__ = ["FaultKind", "SeEvent", "TamperAction", "TamperKind", "TamperMonitor", "TamperPolicy"]


class TamperKind(StrEnum):
    PIN_BLOCKED = "pin_blocked"
    PIN_BRUTE_FORCE = "pin_brute_force"
    SCP_AUTH_FAILED = "scp_auth_failed"
    SCP_AUTH_LIMIT = "scp_auth_limit"
    SCP_MAC_FAILED = "scp_mac_failed"
    KEY_FILE_PROBE = "key_file_probe"
    INS_SWEEP = "ins_sweep"
    PROBE_LIMIT = "probe_limit"
    PHYSICAL_FAULT = "physical_fault"
    JPKI_ERASED = "jpki_erased"
    CARD_LOCKED = "card_locked"
    CARD_TERMINATED = "card_terminated"


class FaultKind(StrEnum):
    """What the chip's sensors can report (glitch and fault-injection detectors)."""

    VOLTAGE = "voltage"
    LIGHT = "light"
    CLOCK = "clock"
    TEMPERATURE = "temperature"


class TamperAction(IntFlag):
    RECORD = 0
    ERASE_JPKI = 1
    LOCK_CARD = 2
    TERMINATE_CARD = 4


_DEFAULT_ACTIONS = {
    TamperKind.PIN_BRUTE_FORCE: TamperAction.ERASE_JPKI,
    TamperKind.SCP_AUTH_LIMIT: TamperAction.ERASE_JPKI | TamperAction.LOCK_CARD,
    TamperKind.PROBE_LIMIT: TamperAction.ERASE_JPKI | TamperAction.LOCK_CARD,
    TamperKind.PHYSICAL_FAULT: TamperAction.ERASE_JPKI | TamperAction.LOCK_CARD,
}


@dataclass(frozen=True, slots=True)
class TamperPolicy:
    """The issuer's policy. ``actions`` maps a kind to what the SE does (default: record)."""

    scp_auth_failure_limit: int = 10
    blocked_pin_attempts: int = 3
    probe_limit: int = 16
    actions: Mapping[TamperKind, TamperAction] = field(default_factory=lambda: MappingProxyType(_DEFAULT_ACTIONS))

    def action(self, kind: TamperKind) -> TamperAction:
        return self.actions.get(kind, TamperAction.RECORD)


@dataclass(frozen=True, slots=True)
class SeEvent:
    """One entry of the SE's security event log, as the phone app sees it."""

    seq: int
    at: datetime
    kind: TamperKind
    message: Text
    actions: TamperAction = TamperAction.RECORD
    details: Mapping[str, Any] = field(default_factory=dict)


_MESSAGES = {
    TamperKind.PIN_BLOCKED: Text("暗証番号が入力回数の上限でロックされた",
                                 "a PIN was blocked after too many wrong entries"),
    TamperKind.PIN_BRUTE_FORCE: Text("ロックされた暗証番号への照合が続いた (総当たり攻撃)",
                                     "repeated VERIFY on a blocked PIN (brute force)"),
    TamperKind.SCP_AUTH_FAILED: Text("セキュアチャネルの認証に失敗", "secure channel authentication failed"),
    TamperKind.SCP_AUTH_LIMIT: Text("セキュアチャネルの認証失敗が上限に達した",
                                    "too many failed secure channel authentications"),
    TamperKind.SCP_MAC_FAILED: Text("セキュアチャネルの MAC が不一致 (セッション中止)",
                                    "secure channel MAC mismatch (session aborted)"),
    TamperKind.KEY_FILE_PROBE: Text("鍵・暗証番号ファイルの読み出しを試みた", "attempt to read a key or PIN file"),
    TamperKind.INS_SWEEP: Text("未定義の独自命令 (INS) を送った", "unknown proprietary instruction sent"),
    TamperKind.PROBE_LIMIT: Text("探索的なコマンドが上限に達した", "too many probing commands"),
    TamperKind.PHYSICAL_FAULT: Text("物理的な攻撃 (故障注入) を検知", "physical attack (fault injection) detected"),
    TamperKind.JPKI_ERASED: Text("電子証明書と鍵を自動消去した", "certificates and keys were erased automatically"),
    TamperKind.CARD_LOCKED: Text("SE をロックした (CARD_LOCKED)", "the SE was locked (CARD_LOCKED)"),
    TamperKind.CARD_TERMINATED: Text("SE を停止した (TERMINATED)", "the SE was terminated (TERMINATED)"),
}


def message(kind: TamperKind) -> Text:
    return _MESSAGES[kind]


_INS_SELECT, _INS_READ_BINARY, _INS_VERIFY = 0xA4, 0xB0, 0x20


class TamperMonitor:
    """Watches each command/response pair and reports the kinds it detects. Persistent:
    the probe count and blocked-PIN attempts; volatile: the current EF per channel."""

    def __init__(self, policy: TamperPolicy) -> None:
        self.policy = policy
        self.probes = 0
        self.blocked_pin_attempts = 0
        self._current_ef: dict[int, int] = {}

    def dump(self) -> dict[str, Any]:
        return {"probes": self.probes, "blocked_pin_attempts": self.blocked_pin_attempts}

    def restore(self, data: dict[str, Any]) -> None:
        self.probes = int(data["probes"])
        self.blocked_pin_attempts = int(data["blocked_pin_attempts"])

    def power_cycle(self) -> None:
        self._current_ef.clear()

    def observe(self, command: CommandAPDU, sw: int, *, channel: int, jpki: bool) -> list[TamperKind]:
        """``jpki``: the JPKI AP was the selected applet when the command arrived."""
        found: list[TamperKind] = []
        info = parse_cla(command.cla)
        proprietary = bool(info and info.proprietary)
        if command.ins == _INS_SELECT and not proprietary:
            if command.p1 == 0x04:
                self._current_ef.pop(channel, None)
            elif jpki and command.p1 in (0x00, 0x02) and len(command.data) == 2 and sw == 0x9000:
                self._current_ef[channel] = int.from_bytes(command.data, "big")
        elif jpki and command.ins == _INS_READ_BINARY and not proprietary:
            fid = command.p1 & 0x1F if command.p1 & 0x80 else self._current_ef.get(channel)
            if command.p1 & 0x80 and sw == 0x9000:
                self._current_ef[channel] = fid  # type: ignore[assignment]
            if fid in JPKI_KEY_EFS:
                found += self._probe(TamperKind.KEY_FILE_PROBE)
        elif jpki and command.ins == _INS_VERIFY and not proprietary and command.data:
            if sw == 0x63C0:
                found.append(TamperKind.PIN_BLOCKED)
            elif sw == 0x6984:
                self.blocked_pin_attempts += 1
                if self.blocked_pin_attempts == self.policy.blocked_pin_attempts:
                    found.append(TamperKind.PIN_BRUTE_FORCE)
            elif sw == 0x9000:
                self.blocked_pin_attempts = 0
        if jpki and proprietary and sw == 0x6D00:
            found += self._probe(TamperKind.INS_SWEEP)
        return found

    def _probe(self, kind: TamperKind) -> list[TamperKind]:
        if self.probes >= self.policy.probe_limit:
            return []  # already acted on; no more log entries
        self.probes += 1
        if self.probes == self.policy.probe_limit:
            return [kind, TamperKind.PROBE_LIMIT]
        return [kind]
