"""The Issuer Security Domain (card manager): SELECT and FCI, GET DATA, and the card side
of SCP03 (INITIALIZE UPDATE, EXTERNAL AUTHENTICATE, then every command unwrapped and every
response wrapped on the channel the session was opened on). Content management commands
live in :mod:`labkit.se.isd_content`.
"""

from __future__ import annotations

import hmac
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from ..apdu import SW, CommandAPDU, ResponseAPDU, StatusWordError, parse_cla, tlv
from ..cardos import ISO, PROPRIETARY, HandlerResult, handles
from ..errors import SecureChannelError
from ..i18n import Text
from .gp_constants import DEFAULT_ISD_AID, CardLifeCycle, GpIns, GpTag, ScpParameter, SecurityLevel
from .gp_data import Cplc, card_recognition_data, isd_fci
from .inventory import DataCategory, InventoryItem
from .isd_content import ContentManagement
from .keys import KeySlot, KeyStore
from .registry import Registry, RegistryEntry
from .scp03 import (
    InitUpdateResponse,
    Scp03Session,
    StaticKeys,
    card_cryptogram,
    derive_session_keys,
    host_cryptogram,
    pseudo_random_challenge,
)

__all__ = ["ContentHooks", "IsdConfig", "IsdSession", "IssuerSecurityDomain", "SecurityEvent"]

log = logging.getLogger(__name__)

_MAX_SEQUENCE_COUNTER = 0xFFFFFF


class SecurityEvent:
    """Names of the events the ISD reports to its host (the secure element)."""

    AUTH_FAILED = "scp_auth_failed"
    AUTH_LIMIT = "scp_auth_limit"
    MAC_FAILED = "scp_mac_failed"


class ContentHooks(Protocol):
    """What the ISD needs from the chip around it (implemented by the secure element)."""

    def instantiate(self, entry: RegistryEntry) -> None:
        """Create and register the applet instance described by ``entry``."""

    def remove(self, entry: RegistryEntry) -> None:
        """Delete an instance; its secret data must be zeroised."""

    def personalize(self, aid: bytes, command: CommandAPDU) -> bytes:
        """Forward a STORE DATA (plain, already unwrapped) to the applet ``aid``."""

    def security_event(self, kind: str, count: int) -> None:
        """Report a failed authentication (``count`` = consecutive failures) and the like."""


@dataclass(frozen=True, slots=True)
class IsdConfig:
    """Static configuration of the ISD."""

    aid: bytes = DEFAULT_ISD_AID
    #: SCP03 "i" parameter: 70 = pseudo-random challenge, R-MAC and R-ENC supported.
    scp_i: int = 0x70
    #: Refuse security levels with R-MAC/R-ENC when ``scp_i`` does not announce them.
    #: (The reference's worked example uses i=00 with level 33, so it can be relaxed.)
    enforce_i: bool = True
    #: Consecutive failed EXTERNAL AUTHENTICATEs that block the key sets for good.
    auth_failure_limit: int = 10
    #: Key diversification data returned in INITIALIZE UPDATE (none: zeros).
    kdd: bytes = b"\x00" * 10
    #: GET STATUS block budget, small enough for R-ENC padding + R-MAC in 256 bytes.
    status_block_size: int = 0xE0
    iin: bytes = bytes.fromhex("42134C4142")  # "LAB" issuer, invented
    cplc: Cplc = field(default_factory=Cplc)


@dataclass(slots=True)
class _Pending:
    """Between INITIALIZE UPDATE and EXTERNAL AUTHENTICATE."""

    static: StaticKeys
    session: Scp03Session
    host_challenge: bytes
    card_challenge: bytes


@dataclass(slots=True)
class IsdSession:
    """Per logical channel: the secure channel and the GET STATUS continuation."""

    channel: int
    pending: _Pending | None = None
    scp: Scp03Session | None = None
    static: StaticKeys | None = None  # the key set of the open session (its DEK serves PUT KEY)
    status_blocks: list[bytes] = field(default_factory=list)
    personalizing: bytes | None = None

    @property
    def authenticated(self) -> bool:
        return self.scp is not None

    def abort(self) -> None:
        """Amd D §5.6: end the session; the security level falls back to none."""
        self.pending = None
        self.scp = None
        self.static = None
        self.status_blocks = []
        self.personalizing = None


class IssuerSecurityDomain(ContentManagement):
    """The ISD applet. Persistent state: the registry (with the card life cycle), the key
    sets with their sequence counters, and the consecutive authentication-failure count."""

    multi_selectable = True

    def __init__(self, keys: KeyStore, registry: Registry, hooks: ContentHooks,
                 config: IsdConfig | None = None, *,
                 challenge_source: Callable[[int], bytes] = os.urandom) -> None:
        self.config = config or IsdConfig()
        self.aid = self.config.aid
        self.keys = keys
        self.registry = registry
        self.hooks = hooks
        self.auth_failures = 0
        self.keys_blocked = False
        self._challenge = challenge_source

    inventory_name = Text("カード管理 (ISD)", "card manager (ISD)")

    def inventory_items(self) -> list[InventoryItem]:
        """Its key sets, named by version and KCV (never by value)."""
        return [InventoryItem(DataCategory.SE_MANAGEMENT_KEY, self.inventory_name,
                              Text(f"鍵セット KVN {kvn:02X}", f"key set KVN {kvn:02X}"), Text(what, what))
                for kvn, slot in sorted(self.keys.slots.items())
                for what in (f"AES-{len(slot.keys.enc) * 8}, KCV {slot.keys.kcvs[0].hex().upper()}",)]

    # -- persistence -------------------------------------------------------------------------
    def dump(self) -> dict[str, Any]:
        return {"keys": self.keys.dump(), "registry": self.registry.dump(),
                "auth_failures": self.auth_failures, "keys_blocked": self.keys_blocked}

    def restore(self, data: dict[str, Any]) -> None:
        self.keys = KeyStore.restore(data["keys"])
        self.registry.restore(data["registry"])
        self.auth_failures = int(data["auth_failures"])
        self.keys_blocked = bool(data["keys_blocked"])

    # -- applet protocol ---------------------------------------------------------------------
    def new_session(self, channel: int) -> IsdSession:
        return IsdSession(channel)

    def deselect(self, session: IsdSession) -> None:
        session.abort()

    def select(self, command: CommandAPDU, session: IsdSession) -> HandlerResult:
        fci = b"" if command.p2 & 0x0C == 0x0C else isd_fci(self.aid)
        if self.registry.card_state == CardLifeCycle.CARD_LOCKED:
            return ResponseAPDU(fci, SW.SELECTED_FILE_INVALIDATED)  # 6283: warning, card locked
        return fci

    def process(self, command: CommandAPDU, session: IsdSession, *, proprietary: bool) -> HandlerResult:
        """Unwrap, dispatch, wrap. A bad C-MAC or a plain command inside a MACed session
        aborts the session and answers 6982 (Amd D §5.6)."""
        info = parse_cla(command.cla)
        sm = bool(info and info.secure_messaging)
        if command.ins == GpIns.EXTERNAL_AUTHENTICATE and proprietary:
            return self._external_authenticate(command, session)
        if command.ins == GpIns.INITIALIZE_UPDATE and proprietary and not sm:
            session.abort()
        scp = session.scp
        if scp is not None and scp.level & SecurityLevel.C_MAC:
            if not sm:
                return self._security_abort(session, Text("保護されていないコマンド", "unprotected command"))
            try:
                command = scp.unwrap_command(command)
            except SecureChannelError:
                self.hooks.security_event(SecurityEvent.MAC_FAILED, 1)
                return self._security_abort(session, Text("C-MAC 検証失敗", "C-MAC verification failed"))
        elif sm:
            return self._security_abort(session, Text("セキュアチャネルが開いていない", "no secure channel open"))
        try:
            result = super().process(command, session, proprietary=proprietary)
        except StatusWordError as exc:
            result = ResponseAPDU(b"", exc.sw or SW.NO_PRECISE_DIAGNOSIS)
        response = result if isinstance(result, ResponseAPDU) else ResponseAPDU(result)
        if session.scp is not None:
            response = session.scp.wrap_response(response)
        return response

    def _security_abort(self, session: IsdSession, why: Text) -> ResponseAPDU:
        log.info("ISD channel %d: secure channel aborted: %s", session.channel, why.en)
        session.abort()
        return ResponseAPDU(b"", SW.SECURITY_STATUS_NOT_SATISFIED)

    def require_authenticated(self, session: IsdSession) -> None:
        """Content management needs an authenticated secure channel (Spec §9.1)."""
        if not session.authenticated:
            raise StatusWordError(SW.SECURITY_STATUS_NOT_SATISFIED, Text(
                "セキュアチャネルでの認証が必要", "an authenticated secure channel is required"))

    # -- GET DATA (Spec 11.3) ----------------------------------------------------------------
    @handles(GpIns.GET_DATA, cla=(ISO, PROPRIETARY))
    def get_data(self, command: CommandAPDU, session: IsdSession) -> bytes:
        tag = command.p1 << 8 | command.p2
        value = self._data_object(tag)
        if value is None:
            raise StatusWordError(SW.REFERENCED_DATA_NOT_FOUND)
        if command.cla & 0x80:  # GP class: the whole TLV
            return value
        return tlv.decode(value)[0].value  # ISO class: the value only

    def _data_object(self, tag: int) -> bytes | None:
        config = self.config
        if tag == GpTag.CPLC:
            return config.cplc.to_tlv()
        if tag == GpTag.CARD_DATA:
            return card_recognition_data(0x03, config.scp_i)
        if tag == GpTag.KEY_INFORMATION_TEMPLATE:
            return self.keys.key_information_template()
        if tag == GpTag.SEQUENCE_COUNTER:
            slot = self.keys.find(0)
            return tlv.encode(GpTag.SEQUENCE_COUNTER, (slot.sequence_counter if slot else 0).to_bytes(3, "big"))
        if tag == GpTag.KEY_DIVERSIFICATION_DATA:
            return tlv.encode(GpTag.KEY_DIVERSIFICATION_DATA, config.kdd)
        if tag == GpTag.IIN:
            return tlv.encode(GpTag.IIN, config.iin)
        if tag == GpTag.CIN:
            return tlv.encode(GpTag.CIN, config.cplc.ic_serial + config.cplc.ic_batch_id)
        return None

    # -- SCP03 handshake (Amd D §7.1, §7.2) ----------------------------------------------------
    @handles(GpIns.INITIALIZE_UPDATE, cla=PROPRIETARY)
    def initialize_update(self, command: CommandAPDU, session: IsdSession) -> bytes:
        if command.p2 != 0x00:
            raise StatusWordError(SW.INCORRECT_P1P2)
        if len(command.data) != 8:
            raise StatusWordError(SW.WRONG_LENGTH)
        if self.keys_blocked:
            raise StatusWordError(SW.AUTH_METHOD_BLOCKED, Text(
                "認証の失敗が上限に達したため鍵は使用不可", "key sets blocked after too many failed authentications"))
        slot = self.keys.find(command.p1)
        if slot is None:
            raise StatusWordError(SW.REFERENCED_DATA_NOT_FOUND)
        host_challenge = command.data
        card_challenge, counter = self._card_challenge(slot)
        keys = derive_session_keys(slot.keys, host_challenge, card_challenge)
        session.pending = _Pending(slot.keys, Scp03Session(keys), host_challenge, card_challenge)
        return InitUpdateResponse(
            kdd=self.config.kdd, kvn=slot.keys.kvn, scp_i=self.config.scp_i, card_challenge=card_challenge,
            card_cryptogram=card_cryptogram(keys.s_mac, host_challenge, card_challenge),
            sequence_counter=counter).to_bytes()

    def _card_challenge(self, slot: KeySlot) -> tuple[bytes, int | None]:
        if not self.config.scp_i & ScpParameter.PSEUDO_RANDOM_CHALLENGE:
            return self._challenge(8), None
        if slot.sequence_counter >= _MAX_SEQUENCE_COUNTER:
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED, Text(
                "シーケンスカウンタが上限", "sequence counter exhausted"))
        slot.sequence_counter += 1
        counter = slot.sequence_counter
        return pseudo_random_challenge(slot.keys.enc, counter, self.aid), counter

    def _external_authenticate(self, command: CommandAPDU, session: IsdSession) -> ResponseAPDU:
        pending, session.pending = session.pending, None
        session.abort()
        if pending is None:
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED, Text(
                "先に INITIALIZE UPDATE が必要", "INITIALIZE UPDATE must come first"))
        if command.p2 != 0x00:
            raise StatusWordError(SW.INCORRECT_P1P2)
        try:
            level = SecurityLevel.parse(command.p1)
        except ValueError:
            raise StatusWordError(SW.INCORRECT_P1P2) from None
        i = self.config.scp_i
        if self.config.enforce_i and (
                (level & SecurityLevel.R_MAC and not i & ScpParameter.R_MAC_SUPPORT)
                or (level & SecurityLevel.R_ENCRYPTION and not i & ScpParameter.R_ENC_SUPPORT)):
            raise StatusWordError(SW.INCORRECT_P1P2, Text(
                "このカードは R-MAC/R-ENC に対応していない (i パラメータ)", "R-MAC/R-ENC not announced by i"))
        scp = pending.session
        expected = host_cryptogram(scp.keys.s_mac, pending.host_challenge, pending.card_challenge)
        try:
            received = scp.verify_external_authenticate(command)
            ok = hmac.compare_digest(received, expected)
        except SecureChannelError:
            ok = False
        if not ok:
            return self._authentication_failed()
        self.auth_failures = 0
        scp.level = level
        session.scp, session.static = scp, pending.static
        return ResponseAPDU()

    def _authentication_failed(self) -> ResponseAPDU:
        self.auth_failures += 1
        limit = self.config.auth_failure_limit
        self.hooks.security_event(SecurityEvent.AUTH_FAILED, self.auth_failures)
        if self.auth_failures >= limit and not self.keys_blocked:
            self.keys_blocked = True
            self.hooks.security_event(SecurityEvent.AUTH_LIMIT, self.auth_failures)
        return ResponseAPDU(b"", 0x6300)  # Amd D Table 7-6: authentication of host cryptogram failed
