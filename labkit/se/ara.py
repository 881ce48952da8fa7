"""The Access Rule Application Master (GP SEAC, GPD_SPE_013): REF-AR-DO rules, their BER-TLV
encoding in both directions, and the ARA-M applet that Android's SecureElement service reads
with GET DATA (refresh tag ``DF20``, [All] ``FF40``, [Next] ``FF60``, [Specific] ``FF50``).

Rules are written by the SE issuer: with :meth:`AraM.store_rule` at provisioning time, or with
STORE DATA under INSTALL [for personalization] through the ISD's secure channel (what GP tools
do). STORE DATA sent straight to the ARA-M, e.g. by a phone app, is refused with 6982.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..apdu import SW, CommandAPDU, StatusWordError, tlv
from ..cardos import PROPRIETARY, Applet, handles
from ..i18n import Text
from .gp_constants import ARA_M_AID, AraTag, GpIns
from .inventory import DataCategory, InventoryItem

__all__ = ["AccessRule", "ApduFilter", "AraM", "AraSession", "decode_rules", "encode_rules"]


@dataclass(frozen=True, slots=True)
class ApduFilter:
    """APDU-AR-DO filter: an APDU passes when ``header & mask == self.header`` (4 bytes)."""

    header: bytes
    mask: bytes

    def __post_init__(self) -> None:
        if len(self.header) != 4 or len(self.mask) != 4:
            raise ValueError("an APDU filter is a 4-byte header and a 4-byte mask")

    def matches(self, command: bytes) -> bool:
        return all(c & m == h for c, m, h in zip(command[:4], self.mask, self.header, strict=True))


@dataclass(frozen=True, slots=True)
class AccessRule:
    """One REF-AR-DO. The reference part (REF-DO) says *who* (which SE application, which
    device application); the access part (AR-DO) says *what*.

    ``aid`` None = all SE applications (``4F 00``); ``implicit`` = the default-selected
    application (``C0 00``). ``cert_hash`` None = all device applications (``C1 00``), else the
    SHA-1 (20) or SHA-256 (32) of the app's signing certificate. ``apdu`` True = always,
    False = never, a tuple = only APDUs passing one of the filters. ``nfc`` None = no NFC rule.
    """

    aid: bytes | None = None
    cert_hash: bytes | None = None
    apdu: bool | tuple[ApduFilter, ...] = True
    nfc: bool | None = False
    package: str | None = None
    implicit: bool = False

    def __post_init__(self) -> None:
        if self.cert_hash is not None and len(self.cert_hash) not in (20, 32):
            raise ValueError("cert_hash must be a SHA-1 (20 bytes) or SHA-256 (32 bytes) hash")
        if self.implicit and self.aid is not None:
            raise ValueError("an implicit (default-selected) rule has no AID")
        if self.aid is not None and not 5 <= len(self.aid) <= 16:
            raise ValueError("an AID is 5..16 bytes")

    @property
    def ref_do(self) -> bytes:
        if self.implicit:
            target = tlv.encode(AraTag.IMPLICIT_AID_REF_DO, b"")
        else:
            target = tlv.encode(AraTag.AID_REF_DO, self.aid or b"")
        body = target + tlv.encode(AraTag.DEVICE_APP_ID_REF_DO, self.cert_hash or b"")
        if self.package is not None:
            body += tlv.encode(AraTag.PKG_REF_DO, self.package.encode())
        return tlv.encode(AraTag.REF_DO, body)

    @property
    def ar_do(self) -> bytes:
        if isinstance(self.apdu, bool):
            apdu = bytes((int(self.apdu),))
        else:
            apdu = b"".join(f.header + f.mask for f in self.apdu)
        body = tlv.encode(AraTag.APDU_AR_DO, apdu)
        if self.nfc is not None:
            body += tlv.encode(AraTag.NFC_AR_DO, bytes((int(self.nfc),)))
        return tlv.encode(AraTag.AR_DO, body)

    def to_bytes(self) -> bytes:
        return tlv.encode(AraTag.REF_AR_DO, self.ref_do + self.ar_do)

    @classmethod
    def from_tlv(cls, item: tlv.Tlv) -> AccessRule:
        """Decode one ``E2`` object; raise ValueError (an ``InputError``) if malformed."""
        if item.tag != AraTag.REF_AR_DO:
            raise ValueError(f"not a REF-AR-DO: tag {item.tag:X}")
        parts = {t.tag: t for t in item.children()}
        ref, ar = parts.get(AraTag.REF_DO), parts.get(AraTag.AR_DO)
        if ref is None or ar is None:
            raise ValueError("REF-AR-DO needs a REF-DO and an AR-DO")
        refs = {t.tag: t.value for t in ref.children()}
        implicit = AraTag.IMPLICIT_AID_REF_DO in refs
        if not implicit and AraTag.AID_REF_DO not in refs:
            raise ValueError("REF-DO without AID-REF-DO")
        aid = refs.get(AraTag.AID_REF_DO) or None
        if AraTag.DEVICE_APP_ID_REF_DO not in refs:
            raise ValueError("REF-DO without DeviceAppID-REF-DO")
        cert_hash = refs[AraTag.DEVICE_APP_ID_REF_DO] or None
        pkg = refs.get(AraTag.PKG_REF_DO)
        access = {t.tag: t.value for t in ar.children()}
        apdu: bool | tuple[ApduFilter, ...] = False
        raw = access.get(AraTag.APDU_AR_DO)
        if raw is not None:
            if len(raw) == 1:
                apdu = raw[0] == 0x01
            elif raw and len(raw) % 8 == 0:
                apdu = tuple(ApduFilter(raw[i:i + 4], raw[i + 4:i + 8]) for i in range(0, len(raw), 8))
            else:
                raise ValueError("bad APDU-AR-DO")
        nfc_raw = access.get(AraTag.NFC_AR_DO)
        nfc = None if nfc_raw is None else nfc_raw == b"\x01"
        return cls(aid=aid, cert_hash=cert_hash, apdu=apdu, nfc=nfc,
                   package=pkg.decode("utf-8", "replace") if pkg is not None else None, implicit=implicit)


def encode_rules(rules: Iterable[AccessRule]) -> bytes:
    """The Response-ALL-REF-AR-DO: ``FF40 len {E2...}``."""
    return tlv.encode(AraTag.RESPONSE_ALL_REF_AR_DO, b"".join(r.to_bytes() for r in rules))


def decode_rules(data: bytes) -> list[AccessRule]:
    """Decode ``FF40 {E2...}`` (or the bare ``E2`` sequence)."""
    items = tlv.decode(data)
    if len(items) == 1 and items[0].tag == AraTag.RESPONSE_ALL_REF_AR_DO:
        items = items[0].children()
    return [AccessRule.from_tlv(i) for i in items]


@dataclass(slots=True)
class AraSession:
    """Per channel: the rest of a GET DATA [All] response still to be fetched with [Next]."""

    remaining: bytes = b""


@dataclass(slots=True)
class _AraState:
    rules: list[AccessRule] = field(default_factory=list)
    refresh_counter: int = 1


class AraM(Applet):
    """The ARA-M applet. ``max_chunk`` bounds each GET DATA response so that [Next] is used."""

    multi_selectable = True
    #: Called after every change of the rules (the SE persists them).
    on_change: Callable[[], None] | None = None

    def __init__(self, rules: Iterable[AccessRule] = (), *, aid: bytes = ARA_M_AID, max_chunk: int = 0xF0) -> None:
        self.aid = aid
        self.max_chunk = max_chunk
        self._state = _AraState(list(rules))

    def _changed(self) -> None:
        self._state.refresh_counter += 1
        if self.on_change is not None:
            self.on_change()

    # -- issuer API --------------------------------------------------------------------------
    @property
    def rules(self) -> tuple[AccessRule, ...]:
        return tuple(self._state.rules)

    inventory_name = Text("アクセス規則 (ARA-M)", "access rules (ARA-M)")

    def inventory_items(self) -> list[InventoryItem]:
        """One item per rule: which SE applet, for which app certificate."""
        def rule_text(rule: AccessRule, every: str, arrow: str, more: str) -> str:
            app = rule.cert_hash.hex()[:16] + more if rule.cert_hash else every
            return f"{rule.aid.hex().upper() if rule.aid else every} {arrow} {app}"
        return [InventoryItem(DataCategory.ACCESS_RULE, self.inventory_name, Text("規則", "rule"),
                              Text(f"SE アプリ {rule_text(rule, '全て', '← アプリ', '…')}",
                                   f"SE app {rule_text(rule, 'all', '<- app', '...')}")) for rule in self.rules]

    @property
    def refresh_tag(self) -> bytes:
        """8 bytes that change whenever the rules change (SEAC Refresh-Tag-DO)."""
        return self._state.refresh_counter.to_bytes(8, "big")

    def store_rule(self, rule: AccessRule) -> None:
        """Add a rule, replacing one with the same REF-DO; bumps the refresh tag."""
        self._state.rules = [r for r in self._state.rules if r.ref_do != rule.ref_do] + [rule]
        self._changed()

    def delete_rules(self, ref_do: bytes | None = None) -> int:
        """Delete the rules with this REF-DO (all rules for None); return how many."""
        before = len(self._state.rules)
        self._state.rules = [] if ref_do is None else [r for r in self._state.rules if r.ref_do != ref_do]
        self._changed()
        return before - len(self._state.rules)

    def dump(self) -> dict[str, Any]:
        return {"rules": [r.to_bytes().hex() for r in self._state.rules], "refresh": self._state.refresh_counter}

    def restore(self, data: dict[str, Any]) -> None:
        rules = [AccessRule.from_tlv(tlv.decode(bytes.fromhex(h))[0]) for h in data["rules"]]
        self._state = _AraState(rules, int(data["refresh"]))

    # -- APDU interface ----------------------------------------------------------------------
    def new_session(self, channel: int) -> AraSession:
        return AraSession()

    @handles(GpIns.GET_DATA, cla=PROPRIETARY)
    def get_data(self, command: CommandAPDU, session: AraSession) -> bytes:
        tag = command.p1 << 8 | command.p2
        if tag == AraTag.REFRESH_TAG:
            return tlv.encode(AraTag.REFRESH_TAG, self.refresh_tag)
        if tag == AraTag.RESPONSE_ALL_REF_AR_DO:
            if not self._state.rules:
                raise StatusWordError(SW.REFERENCED_DATA_NOT_FOUND)
            session.remaining = encode_rules(self._state.rules)
            return self._chunk(command, session)
        if tag == AraTag.GET_NEXT:
            if not session.remaining:
                raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED)
            return self._chunk(command, session)
        if tag == AraTag.RESPONSE_REF_AR_DO:
            return self._specific(command.data)
        if tag == AraTag.ARAM_CONFIG:  # Response-ARAM-Config-DO, device interface version 1.0.0
            version = tlv.encode(AraTag.DEVICE_INTERFACE_VERSION_DO, b"\x01\x00\x00")
            return tlv.encode(AraTag.RESPONSE_ARAM_CONFIG_DO, version)
        raise StatusWordError(SW.REFERENCED_DATA_NOT_FOUND)

    def _chunk(self, command: CommandAPDU, session: AraSession) -> bytes:
        size = min(command.ne or 256, self.max_chunk)
        out, session.remaining = session.remaining[:size], session.remaining[size:]
        return out

    def _specific(self, data: bytes) -> bytes:
        try:
            items = tlv.decode(data)
        except ValueError:
            raise StatusWordError(SW.WRONG_DATA) from None
        if len(items) != 1 or items[0].tag != AraTag.REF_DO:
            raise StatusWordError(SW.WRONG_DATA)
        wanted = items[0].to_bytes()
        found = b"".join(r.ar_do for r in self._state.rules if r.ref_do == wanted)
        return tlv.encode(AraTag.RESPONSE_REF_AR_DO, found)

    @handles(GpIns.STORE_DATA, cla=PROPRIETARY)
    def store_data(self, command: CommandAPDU, session: AraSession) -> bytes:
        raise StatusWordError(SW.SECURITY_STATUS_NOT_SATISFIED, Text(
            "規則の書き込みは ISD のセキュアチャネル経由 (INSTALL [for personalization]) のみ",
            "rules are written only through the ISD's secure channel (INSTALL [for personalization])"))

    def personalize(self, command: CommandAPDU) -> bytes:
        """STORE DATA forwarded by the ISD: ``F0 {E2}`` store, ``F1 {E1}``/``F1 00`` delete,
        ``F2 00`` update the refresh tag (SEAC command DOs)."""
        try:
            items = tlv.decode(command.data)
        except ValueError:
            raise StatusWordError(SW.WRONG_DATA) from None
        for item in items:
            if item.tag == AraTag.COMMAND_STORE_REF_AR_DO:
                try:
                    rules = [AccessRule.from_tlv(t) for t in item.children()]
                except ValueError:
                    raise StatusWordError(SW.WRONG_DATA) from None
                for rule in rules:
                    self.store_rule(rule)
            elif item.tag == AraTag.COMMAND_DELETE:
                self.delete_rules(item.value or None)
            elif item.tag == AraTag.COMMAND_UPDATE_REFRESH_TAG:
                self._changed()
            else:
                raise StatusWordError(SW.WRONG_DATA)
        return b""
