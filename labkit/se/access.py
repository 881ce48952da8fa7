"""Access-control enforcement on the phone side, the way Android's SecureElement service does
it (AOSP ``AccessRuleCache.findAccessRule`` and ``AraController``): the rules are read from
the ARA-M applet through APDUs on the service's own logical channel, re-read only when the
refresh tag changes, and looked up by (SE application AID, hash of the app's certificate)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..apdu import SW, CommandAPDU, ResponseAPDU, tlv
from ..errors import AccessDeniedError
from ..i18n import Text
from .ara import AccessRule, ApduFilter, decode_rules
from .gp_constants import AraTag

__all__ = ["AccessDecision", "AppIdentity", "AraReader", "find_access_rule"]


@dataclass(frozen=True, slots=True)
class AppIdentity:
    """A phone app as the service sees it: package name and signing certificates (DER)."""

    package: str
    certificates: tuple[bytes, ...]

    @classmethod
    def from_certificate(cls, package: str, certificate_der: bytes) -> AppIdentity:
        return cls(package, (bytes(certificate_der),))

    def hashes(self) -> list[bytes]:
        """SHA-1 and SHA-256 of every signing certificate, both tried (AOSP)."""
        out: list[bytes] = []
        for der in self.certificates:
            out += [hashlib.sha1(der).digest(), hashlib.sha256(der).digest()]
        return out


@dataclass(frozen=True, slots=True)
class AccessDecision:
    """The result of a lookup: allowed or not, with the APDU filters to apply and why."""

    allowed: bool
    reason: Text
    filters: tuple[ApduFilter, ...] | None = None
    rule: AccessRule | None = None

    def check_apdu(self, command: bytes) -> bool:
        """APDU filters are applied to the app's APDU before the channel bits are set."""
        return self.filters is None or any(f.matches(command) for f in self.filters)


def _decide(rule: AccessRule, step: str) -> AccessDecision:
    if rule.apdu is False:
        return AccessDecision(False, Text(f"規則 ({step}) が APDU を禁止 (NEVER)",
                                          f"rule ({step}) says NEVER"), rule=rule)
    filters = None if rule.apdu is True else rule.apdu
    return AccessDecision(True, Text(f"規則 ({step}) で許可", f"allowed by rule ({step})"), filters, rule)


def _never(why_ja: str, why_en: str) -> AccessDecision:
    return AccessDecision(False, Text(why_ja, why_en))


def find_access_rule(rules: Sequence[AccessRule], aid: bytes | None, app: AppIdentity) -> AccessDecision:
    """AOSP's lookup order: A (AID, hash) — NEVER if the AID is reserved for another app;
    B (AID, all apps); C (all AIDs, hash) — NEVER if all AIDs are reserved for another app;
    D (all, all). No rule at all means deny. ``aid`` None = the default-selected application."""
    hashes = app.hashes()

    def same_target(rule: AccessRule) -> bool:
        return rule.implicit if aid is None else (not rule.implicit and rule.aid == aid)

    def for_app(rule: AccessRule) -> bool:
        return (rule.cert_hash is not None and rule.cert_hash in hashes
                and (rule.package is None or rule.package == app.package))

    specific = [r for r in rules if same_target(r)]
    if (found := next((r for r in specific if for_app(r)), None)) is not None:
        return _decide(found, "A")
    if any(r.cert_hash is not None for r in specific):
        return _never("この SE アプリは別のアプリ専用", "this SE application is reserved for another app")
    if (found := next((r for r in specific if r.cert_hash is None), None)) is not None:
        return _decide(found, "B")
    generic = [r for r in rules if r.aid is None and not r.implicit]
    if (found := next((r for r in generic if for_app(r)), None)) is not None:
        return _decide(found, "C")
    if any(r.cert_hash is not None for r in generic):
        return _never("全 SE アプリが別のアプリ専用", "all SE applications are reserved for another app")
    if (found := next((r for r in generic if r.cert_hash is None), None)) is not None:
        return _decide(found, "D")
    return _never("該当するアクセス規則がない", "no access rule applies")


class AraReader:
    """Reads and caches the ARA-M rules through a channel, like AOSP's ``AraController``.

    ``transmit`` sends one APDU (already carrying the channel's CLA bits) and returns the
    response; the reader is handed a fresh channel for every check."""

    def __init__(self) -> None:
        self.refresh_tag: bytes | None = None
        self.rules: tuple[AccessRule, ...] = ()
        self.reads = 0  # how many times the full rule set was fetched (for the lab's trace)

    def refresh(self, transmit: Callable[[CommandAPDU], ResponseAPDU], cla: int) -> None:
        """``80 CA DF 20 00``; when the tag changed, ``80 CA FF 40 00`` then ``FF 60`` until
        the announced length has arrived. Any deviation raises AccessDeniedError."""
        response = transmit(CommandAPDU(cla, 0xCA, 0xDF, 0x20, ne=256))
        try:
            item = tlv.decode(response.data)[0] if response.sw == SW.OK and response.data else None
        except ValueError:
            item = None
        if item is None or item.tag != AraTag.REFRESH_TAG or len(item.value) != 8:
            raise self._failure("リフレッシュタグを読めない", "cannot read the refresh tag")
        if item.value == self.refresh_tag:
            return
        self.rules = self._read_all(transmit, cla)
        self.refresh_tag = item.value
        self.reads += 1

    def _read_all(self, transmit: Callable[[CommandAPDU], ResponseAPDU], cla: int) -> tuple[AccessRule, ...]:
        response = transmit(CommandAPDU(cla, 0xCA, 0xFF, 0x40, ne=256))
        if response.sw == SW.REFERENCED_DATA_NOT_FOUND:
            return ()
        data = response.data
        if response.sw != SW.OK or len(data) < 3 or data[:2] != b"\xff\x40":
            raise self._failure("規則を読めない (FF40)", "cannot read the rules (FF40)")
        if data[2] < 0x80:
            total = 3 + data[2]
        else:
            count = data[2] & 0x7F
            total = 3 + count + int.from_bytes(data[3:3 + count], "big")
        while len(data) < total:
            more = transmit(CommandAPDU(cla, 0xCA, 0xFF, 0x60, ne=256))
            if more.sw != SW.OK or not more.data:
                raise self._failure("規則の続きを読めない (FF60)", "cannot read the rest of the rules (FF60)")
            data += more.data
        try:
            return tuple(decode_rules(data[:total]))
        except ValueError:
            raise self._failure("規則の形式が不正", "malformed access rules") from None

    def _failure(self, ja: str, en: str) -> AccessDeniedError:
        self.refresh_tag, self.rules = None, ()
        return AccessDeniedError(Text(f"アクセス制御 (ARA-M) エラー: {ja}", f"access control (ARA-M) error: {en}"))
