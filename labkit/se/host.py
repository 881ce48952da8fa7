"""The host side of GlobalPlatform: what a card-management tool (GPP, GPShell, pySim) does,
over any ``transmit(bytes) -> bytes`` (the SE in process, or pcscd through pyscard).

    gp = GlobalPlatformHost(se.transmit)
    gp.select_isd()
    gp.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel(0x33))
    for entry in gp.get_status(GetStatusP1.APPLICATIONS): ...

The secure channel uses the same :class:`~labkit.se.scp03.Scp03Session` as the card: the
host calls ``wrap_command`` / ``unwrap_response`` where the card calls the reverse pair.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable

from ..apdu import SW, CommandAPDU, ResponseAPDU, StatusWordError, tlv, with_channel
from ..errors import SecureChannelError
from ..i18n import Text
from .gp_constants import GetStatusP1, GpIns, GpTag, Privilege, ScpParameter, SecurityLevel
from .gp_data import Cplc
from .keys import encode_put_key
from .registry import StatusEntry, parse_status_response
from .scp03 import (
    InitUpdateResponse,
    Scp03Session,
    StaticKeys,
    card_cryptogram,
    derive_session_keys,
    host_cryptogram,
    pseudo_random_challenge,
)

__all__ = ["GlobalPlatformHost"]


def _lv(value: bytes) -> bytes:
    return bytes((len(value),)) + value


class GlobalPlatformHost:
    """A GP client bound to one logical channel of one card."""

    def __init__(self, transmit: Callable[[bytes], bytes], *, channel: int = 0,
                 challenge_source: Callable[[int], bytes] = os.urandom) -> None:
        self._transmit = transmit
        self.channel = channel
        self.session: Scp03Session | None = None
        #: The static key set of the open session (its DEK encrypts PUT KEY data).
        self.static_keys: StaticKeys | None = None
        self.isd_aid: bytes | None = None
        self.init_update: InitUpdateResponse | None = None
        self._challenge = challenge_source

    # -- transport ---------------------------------------------------------------------------
    def _cla(self, cla: int) -> int:
        return with_channel(cla, self.channel)

    def _raw(self, command: CommandAPDU) -> ResponseAPDU:
        response = ResponseAPDU.from_bytes(self._transmit(command.to_bytes()))
        data = response.data
        while response.sw1 == 0x61:  # T=0 style: fetch the rest with GET RESPONSE (never wrapped)
            get = CommandAPDU(self._cla(0x00), 0xC0, 0, 0, ne=response.sw2 or 256)
            response = ResponseAPDU.from_bytes(self._transmit(get.to_bytes()))
            data += response.data
        return ResponseAPDU(data, response.sw)

    def send(self, command: CommandAPDU) -> ResponseAPDU:
        """Send a plain command (CLA for channel 0); protect it when a session is open."""
        command = CommandAPDU(self._cla(command.cla), command.ins, command.p1, command.p2, command.data,
                              command.ne, command.extended)
        if self.session is None:
            return self._raw(command)
        wrapped = self.session.wrap_command(command)
        return self.session.unwrap_response(self._raw(wrapped))

    def _check(self, command: CommandAPDU) -> bytes:
        return self.send(command).check()

    # -- discovery ---------------------------------------------------------------------------
    def select_isd(self, aid: bytes | None = None) -> bytes:
        """``00 A4 04 00 00`` (no AID: the default application, as GPP starts) or by AID;
        returns the FCI and remembers the ISD AID from tag 84."""
        self.session = None
        response = self._raw(CommandAPDU(self._cla(0x00), GpIns.SELECT, 0x04, 0x00, aid or b"", ne=256))
        if response.sw not in (SW.OK, SW.SELECTED_FILE_INVALIDATED):
            raise StatusWordError(response.sw)
        fci = tlv.find(response.data, GpTag.FCI) if response.data else None
        name = tlv.find(fci.value, GpTag.DF_NAME) if fci else None
        self.isd_aid = name.value if name else aid
        return response.data

    def get_data(self, tag: int, *, cla: int = 0x80) -> bytes:
        return self._check(CommandAPDU(cla, GpIns.GET_DATA, tag >> 8, tag & 0xFF, ne=256))

    def cplc(self) -> Cplc:
        return Cplc.from_bytes(self.get_data(GpTag.CPLC))

    # -- SCP03 ------------------------------------------------------------------------------------
    def open_secure_channel(self, keys: StaticKeys, level: SecurityLevel = SecurityLevel.FULL, *,
                            kvn: int | None = None, host_challenge: bytes | None = None) -> Scp03Session:
        """INITIALIZE UPDATE, check the card (pseudo-random challenge when announced, card
        cryptogram), then EXTERNAL AUTHENTICATE. A wrong card cryptogram raises before
        EXTERNAL AUTHENTICATE is sent, so a mismatched key never counts against the card."""
        self.session = None
        host_challenge = host_challenge or self._challenge(8)
        key_version = keys.kvn if kvn is None else kvn
        response = self._raw(CommandAPDU(self._cla(0x80), GpIns.INITIALIZE_UPDATE, key_version, 0x00,
                                         host_challenge, ne=256))
        if response.sw != SW.OK:
            raise SecureChannelError(Text("INITIALIZE UPDATE が拒否された", "INITIALIZE UPDATE refused"),
                                     sw=response.sw)
        init = InitUpdateResponse.from_bytes(response.data)
        self.init_update = init
        if init.scp_i & ScpParameter.PSEUDO_RANDOM_CHALLENGE and self.isd_aid is not None:
            expected = pseudo_random_challenge(keys.enc, init.sequence_counter or 0, self.isd_aid)
            if not hmac.compare_digest(expected, init.card_challenge):
                raise SecureChannelError(Text("カードチャレンジが鍵と合わない (鍵が違う?)",
                                              "card challenge does not match the keys (wrong keys?)"))
        session_keys = derive_session_keys(keys, host_challenge, init.card_challenge)
        if not hmac.compare_digest(card_cryptogram(session_keys.s_mac, host_challenge, init.card_challenge),
                                   init.card_cryptogram):
            raise SecureChannelError(Text("カード暗号文が一致しない: 鍵が違う (EXTERNAL AUTHENTICATE は送らない)",
                                          "card cryptogram mismatch: wrong keys (EXTERNAL AUTHENTICATE not sent)"))
        session = Scp03Session(session_keys)
        command = session.external_authenticate(
            host_cryptogram(session_keys.s_mac, host_challenge, init.card_challenge), level, self._cla(0x80))
        answer = self._raw(command)
        if answer.sw != SW.OK:
            raise SecureChannelError(Text("EXTERNAL AUTHENTICATE が拒否された", "EXTERNAL AUTHENTICATE refused"),
                                     sw=answer.sw)
        session.level = level
        self.session, self.static_keys = session, keys
        return session

    # -- content management --------------------------------------------------------------------
    def get_status(self, p1: GetStatusP1, aid_prefix: bytes = b"", tags: bytes | None = None) -> list[StatusEntry]:
        """GET STATUS in the tagged format, following ``63 10`` with P2 = 03."""
        data = tlv.encode(GpTag.AID, aid_prefix) + (tlv.encode(GpTag.TAG_LIST, tags) if tags is not None else b"")
        response = self.send(CommandAPDU(0x80, GpIns.GET_STATUS, p1, 0x02, data, ne=256))
        if response.sw == SW.REFERENCED_DATA_NOT_FOUND:
            return []
        raw = response.data
        while response.sw == SW.GP_MORE_DATA:
            response = self.send(CommandAPDU(0x80, GpIns.GET_STATUS, p1, 0x03, data, ne=256))
            raw += response.data
        if response.sw != SW.OK:
            raise StatusWordError(response.sw)
        return parse_status_response(raw)

    def set_status(self, p1: int, p2: int, aid: bytes = b"") -> None:
        self._check(CommandAPDU(0x80, GpIns.SET_STATUS, p1, p2, aid))

    def install(self, load_file: bytes, module: bytes, aid: bytes, *, privileges: Privilege = Privilege.NONE,
                params: bytes = b"", selectable: bool = True) -> None:
        """INSTALL [for install (and make selectable)], Spec Table 11-47."""
        data = (_lv(load_file) + _lv(module) + _lv(aid) + _lv(privileges.to_bytes3())
                + _lv(tlv.encode(GpTag.INSTALL_PARAMETERS, params)) + b"\x00")
        self._check(CommandAPDU(0x80, GpIns.INSTALL, 0x0C if selectable else 0x04, 0x00, data, ne=256))

    def make_selectable(self, aid: bytes, privileges: Privilege = Privilege.NONE) -> None:
        data = b"\x00\x00" + _lv(aid) + _lv(privileges.to_bytes3()) + b"\x00\x00"
        self._check(CommandAPDU(0x80, GpIns.INSTALL, 0x08, 0x00, data, ne=256))

    def install_for_personalization(self, aid: bytes) -> None:
        self._check(CommandAPDU(0x80, GpIns.INSTALL, 0x20, 0x00, b"\x00\x00" + _lv(aid) + b"\x00\x00\x00", ne=256))

    def store_data(self, data: bytes, *, block: int = 0, last: bool = True, p1: int = 0x10) -> bytes:
        return self._check(CommandAPDU(0x80, GpIns.STORE_DATA, p1 | (0x80 if last else 0), block, data, ne=256))

    def delete(self, aid: bytes, *, related: bool = False) -> None:
        self._check(CommandAPDU(0x80, GpIns.DELETE, 0x00, 0x80 if related else 0x00,
                                tlv.encode(GpTag.AID, aid), ne=256))

    def put_keys(self, new: StaticKeys, *, replace_kvn: int = 0) -> bytes:
        """PUT KEY of a whole AES key set under the session's static DEK; returns KVN + KCVs."""
        if self.session is None or self.static_keys is None:
            raise SecureChannelError(Text("セキュアチャネルが必要", "a secure channel is required"))
        return self._check(encode_put_key(new, self.static_keys.dek, replace_kvn=replace_kvn))
