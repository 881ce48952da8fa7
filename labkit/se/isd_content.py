"""Card content management commands of the ISD (Spec §11): GET STATUS, SET STATUS, INSTALL,
DELETE, LOAD, PUT KEY and STORE DATA. Every one of them needs an authenticated session."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..apdu import SW, CommandAPDU, ResponseAPDU, StatusWordError, tlv
from ..cardos import PROPRIETARY, Applet, handles
from ..i18n import Text
from .gp_constants import AppLifeCycle, CardLifeCycle, GetStatusP1, GpIns, GpTag, Privilege, is_locked
from .keys import decode_put_key
from .registry import RegistryEntry, StatusEntry, encode_entry, encode_legacy_entry
from .scp03 import StaticKeys, kcv

if TYPE_CHECKING:
    from .isd import ContentHooks, IsdConfig, IsdSession
    from .keys import KeyStore
    from .registry import Registry

__all__ = ["MAX_APPLICATIONS", "ContentManagement"]

#: Room for application instances (INSTALL beyond it answers 6A84).
MAX_APPLICATIONS = 16

#: Spec Table 11-5 transitions the ISD may request with SET STATUS P1=80.
_CARD_TRANSITIONS = {
    CardLifeCycle.OP_READY: {CardLifeCycle.INITIALIZED, CardLifeCycle.SECURED},
    CardLifeCycle.INITIALIZED: {CardLifeCycle.SECURED},
    CardLifeCycle.SECURED: {CardLifeCycle.CARD_LOCKED},
    CardLifeCycle.CARD_LOCKED: {CardLifeCycle.SECURED},
}


def _bad_data(ja: str, en: str) -> StatusWordError:
    return StatusWordError(SW.WRONG_DATA, Text(ja, en))


def _lv_fields(data: bytes, count: int) -> list[bytes]:
    """Split ``count`` length-value fields (INSTALL data, Spec Table 11-47)."""
    out, i = [], 0
    for _ in range(count):
        if i >= len(data) or i + 1 + data[i] > len(data):
            raise _bad_data("INSTALL のデータが途中で切れている", "truncated INSTALL data")
        out.append(data[i + 1:i + 1 + data[i]])
        i += 1 + data[i]
    if i != len(data):
        raise _bad_data("INSTALL のデータが余っている", "trailing INSTALL data")
    return out


def _parse_tlv(data: bytes) -> list[tlv.Tlv]:
    try:
        return tlv.decode(data)
    except ValueError:
        raise _bad_data("TLV の形式が不正", "malformed TLV") from None


def _tag_list(raw: bytes) -> tuple[int, ...]:
    tags, i = [], 0
    while i < len(raw):
        end = i + 1
        if raw[i] & 0x1F == 0x1F:
            while end < len(raw) and raw[end] & 0x80:
                end += 1
            end += 1
        tags.append(int.from_bytes(raw[i:end], "big"))
        i = end
    return tuple(tags)


class ContentManagement(Applet):
    """Mixin of :class:`~labkit.se.isd.IssuerSecurityDomain` with the content commands."""

    if TYPE_CHECKING:
        keys: KeyStore
        registry: Registry
        hooks: ContentHooks
        config: IsdConfig

        def require_authenticated(self, session: IsdSession) -> None: ...

    # -- GET STATUS (Spec 11.4) --------------------------------------------------------------
    @handles(GpIns.GET_STATUS, cla=PROPRIETARY)
    def get_status(self, command: CommandAPDU, session: IsdSession) -> ResponseAPDU:
        self.require_authenticated(session)
        if command.p2 & ~0x03:
            raise StatusWordError(SW.INCORRECT_P1P2, Text(
                "P2 は 00/01 (旧形式) か 02/03 (タグ付き形式)",
                "P2 must be 00/01 (legacy format) or 02/03 (tagged format)"))
        if command.p2 & 0x01:
            if not session.status_blocks:
                raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED)
            return self._next_status_block(session)
        tagged = bool(command.p2 & 0x02)  # b2 = 0: the legacy format of Table 11-36
        criteria = {t.tag: t.value for t in _parse_tlv(command.data)}
        allowed = {GpTag.AID, GpTag.TAG_LIST} if tagged else {GpTag.AID}
        if GpTag.AID not in criteria or set(criteria) - allowed:
            raise _bad_data("検索条件は 4F (と 5C) のみ", "search criteria must be 4F (and 5C)")
        prefix = criteria[GpTag.AID]
        tags = _tag_list(criteria[GpTag.TAG_LIST]) if GpTag.TAG_LIST in criteria else None
        entries = [e for e in self._status_entries(command.p1) if command.p1 == GetStatusP1.ISD
                   or e.aid.startswith(prefix)]
        if not entries:
            raise StatusWordError(SW.REFERENCED_DATA_NOT_FOUND)
        blocks, current = [], b""
        for entry in entries:
            encoded = (encode_entry(entry, tags) if tagged else encode_legacy_entry(
                entry, command.p1 == GetStatusP1.LOAD_FILES_AND_MODULES))
            if current and len(current) + len(encoded) > self.config.status_block_size:
                blocks.append(current)
                current = b""
            current += encoded
        session.status_blocks = [*blocks, current]
        return self._next_status_block(session)

    def _next_status_block(self, session: IsdSession) -> ResponseAPDU:
        block = session.status_blocks.pop(0)
        return ResponseAPDU(block, SW.GP_MORE_DATA if session.status_blocks else SW.OK)

    def _status_entries(self, p1: int) -> list[StatusEntry]:
        reg = self.registry
        if p1 == GetStatusP1.ISD:
            return [StatusEntry(reg.isd_aid, reg.card_state, reg.isd_privileges)]
        if p1 == GetStatusP1.APPLICATIONS:
            return [StatusEntry(a.aid, a.state, a.privileges, load_file=a.load_file,
                                associated_sd=reg.isd_aid) for a in reg.apps]
        if p1 in (GetStatusP1.LOAD_FILES, GetStatusP1.LOAD_FILES_AND_MODULES):
            with_modules = p1 == GetStatusP1.LOAD_FILES_AND_MODULES
            return [StatusEntry(f.aid, f.state, version=f.version, modules=f.modules if with_modules else (),
                                associated_sd=reg.isd_aid) for f in reg.load_files]
        raise StatusWordError(SW.INCORRECT_P1P2)

    # -- SET STATUS (Spec 11.10) -------------------------------------------------------------
    @handles(GpIns.SET_STATUS, cla=PROPRIETARY)
    def set_status(self, command: CommandAPDU, session: IsdSession) -> bytes:
        self.require_authenticated(session)
        reg = self.registry
        if command.p1 == 0x80:
            if command.data and command.data != reg.isd_aid:
                raise _bad_data("ISD の AID ではない", "not the ISD AID")
            try:
                target = CardLifeCycle(command.p2)
            except ValueError:
                raise _bad_data("カードのライフサイクル値が不正", "not a card life-cycle state") from None
            needed = {CardLifeCycle.CARD_LOCKED: Privilege.CARD_LOCK,
                      CardLifeCycle.TERMINATED: Privilege.CARD_TERMINATE}.get(target)
            if needed is not None and needed not in reg.isd_privileges:
                raise StatusWordError(SW.SECURITY_STATUS_NOT_SATISFIED)
            if target != CardLifeCycle.TERMINATED and target not in _CARD_TRANSITIONS.get(reg.card_state, ()):
                raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED, Text(
                    f"{reg.card_state.name} から {target.name} へは遷移できない",
                    f"no transition from {reg.card_state.name} to {target.name}"))
            reg.card_state = target
            return b""
        if command.p1 == 0x60:  # SD and its applications: here only the ISD, locked with the card
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED, Text(
                "ISD はカードロック (P1=80) でロックする", "the ISD is locked by locking the card (P1=80)"))
        if command.p1 != 0x40:
            raise StatusWordError(SW.INCORRECT_P1P2)
        entry = reg.app(command.data)
        if entry is None:
            raise StatusWordError(SW.REFERENCED_DATA_NOT_FOUND)
        state, locked = entry.state, is_locked(entry.state)
        if command.p2 == 0x80:  # lock: b8 on top of the current state (Spec Table 11-4)
            allowed, new = not locked, state | 0x83
        elif command.p2 == 0x00:  # unlock: back to the state it had
            allowed, new = locked, state & 0x7F
        elif command.p2 & 0x87 == 0x07:  # application-specific state 0xxxx111
            allowed, new = not locked and state != AppLifeCycle.INSTALLED, command.p2
        else:
            raise StatusWordError(SW.INCORRECT_P1P2)
        if not allowed:
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED, Text(
                "その状態遷移はできない", "that state transition is not allowed"))
        reg.set_app_state(entry.aid, new)
        return b""

    # -- INSTALL (Spec 11.5) -----------------------------------------------------------------
    @handles(GpIns.INSTALL, cla=PROPRIETARY)
    def install(self, command: CommandAPDU, session: IsdSession) -> bytes:
        self.require_authenticated(session)
        p1 = command.p1 & 0x7F  # b8: more INSTALL commands follow (ignored)
        if p1 & 0x02 or p1 & 0x50:  # for load / extradition / registry update
            raise StatusWordError(SW.FUNCTION_NOT_SUPPORTED, Text(
                "ロードファイルは実機のバイトコードではなくモデルなので、ロード・移管・登録更新はできない",
                "load files are modelled, not real bytecode: load, extradition and registry update are unsupported"))
        if command.p2 != 0x00:
            raise StatusWordError(SW.INCORRECT_P1P2)
        if p1 in (0x04, 0x0C):
            self._install_instance(command.data, selectable=bool(p1 & 0x08))
        elif p1 == 0x08:
            _, _, aid, _privs, _, _ = _lv_fields(command.data, 6)
            entry = self.registry.app(aid)
            if entry is None:
                raise StatusWordError(SW.REFERENCED_DATA_NOT_FOUND)
            if entry.state != AppLifeCycle.INSTALLED:
                raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED)
            self.registry.set_app_state(aid, AppLifeCycle.SELECTABLE)
        elif p1 == 0x20:
            _, _, aid, _, _, _ = _lv_fields(command.data, 6)
            entry = self.registry.app(aid)
            if entry is None:
                raise StatusWordError(SW.REFERENCED_DATA_NOT_FOUND)
            if is_locked(entry.state) or entry.state == AppLifeCycle.INSTALLED:
                raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED)
            session.personalizing = aid
        else:
            raise StatusWordError(SW.INCORRECT_P1P2)
        return b"\x00"

    def _install_instance(self, data: bytes, *, selectable: bool) -> None:
        elf_aid, module, aid, privs, params, token = _lv_fields(data, 6)
        reg = self.registry
        elf = reg.load_file(elf_aid)
        if elf is None or module not in elf.modules:
            raise StatusWordError(SW.REFERENCED_DATA_NOT_FOUND, Text(
                "ロードファイルまたはモジュールがない", "no such load file or module"))
        if not 5 <= len(aid) <= 16 or token:
            raise _bad_data("AID の長さ (5〜16) またはトークンが不正", "bad AID length (5-16) or token")
        try:
            privileges = Privilege.decode(privs)
        except ValueError:
            raise _bad_data("権限は 1 または 3 バイト", "privileges are 1 or 3 bytes") from None
        if privileges & Privilege.SECURITY_DOMAIN:
            raise _bad_data("補助セキュリティドメインの作成はモデル化していない", "SSD creation is not modelled")
        if aid == reg.isd_aid or reg.app(aid) is not None:
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED, Text("その AID は使用中", "AID already in use"))
        if len(reg.apps) >= MAX_APPLICATIONS:
            raise StatusWordError(SW.NOT_ENOUGH_MEMORY)
        specific = b""
        if params:
            found = tlv.find(_parse_tlv(params), GpTag.INSTALL_PARAMETERS)
            specific = found.value if found else b""
        entry = RegistryEntry(aid, elf_aid, module,
                              AppLifeCycle.SELECTABLE if selectable else AppLifeCycle.INSTALLED,
                              privileges, specific)
        self.hooks.instantiate(entry)  # may refuse with a StatusWordError: nothing is registered
        reg.apps.append(entry)

    # -- DELETE (Spec 11.2) ------------------------------------------------------------------
    @handles(GpIns.DELETE, cla=PROPRIETARY)
    def delete(self, command: CommandAPDU, session: IsdSession) -> bytes:
        self.require_authenticated(session)
        if command.p1 != 0x00 or command.p2 not in (0x00, 0x80):
            raise StatusWordError(SW.INCORRECT_P1P2)
        items = {t.tag: t.value for t in _parse_tlv(command.data)}
        if GpTag.DELETE_KEY_VERSION in items and len(items[GpTag.DELETE_KEY_VERSION]) == 1:
            self.keys.delete(items[GpTag.DELETE_KEY_VERSION][0])
            return b"\x00"
        if GpTag.AID not in items:
            raise _bad_data("削除する AID (4F) がない", "no AID (4F) to delete")
        aid, reg = items[GpTag.AID], self.registry
        if aid == reg.isd_aid:
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED, Text("ISD は削除できない", "the ISD cannot be deleted"))
        entry = reg.app(aid)
        if entry is not None:
            self._delete_instance(entry)
            return b"\x00"
        elf = reg.load_file(aid)
        if elf is None:
            raise StatusWordError(SW.FILE_NOT_FOUND)
        instances = [a for a in reg.apps if a.load_file == aid]
        if elf.system or (instances and command.p2 != 0x80):
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED, Text(
                "システムのロードファイル、またはインスタンスが残っている",
                "system load file, or instances remain (use P2=80)"))
        for instance in instances:
            self._delete_instance(instance)
        reg.load_files.remove(elf)
        return b"\x00"

    def _delete_instance(self, entry: RegistryEntry) -> None:
        self.hooks.remove(entry)
        self.registry.apps.remove(entry)

    # -- LOAD (Spec 11.6): modelled load files only ---------------------------------------------
    @handles(GpIns.LOAD, cla=PROPRIETARY)
    def load(self, command: CommandAPDU, session: IsdSession) -> bytes:
        self.require_authenticated(session)
        raise StatusWordError(SW.FUNCTION_NOT_SUPPORTED, Text(
            "この SE はバイトコードを実行しないので LOAD できない (ロードファイルはモデル)",
            "this SE runs no bytecode, so LOAD is not supported (load files are modelled)"))

    # -- PUT KEY (Spec 11.8) -----------------------------------------------------------------
    @handles(GpIns.PUT_KEY, cla=PROPRIETARY)
    def put_key(self, command: CommandAPDU, session: IsdSession) -> bytes:
        self.require_authenticated(session)
        assert session.static is not None
        several, first_kid = bool(command.p2 & 0x80), command.p2 & 0x7F
        if command.p1 & 0x80 or not 1 <= first_kid <= 3:
            raise StatusWordError(SW.INCORRECT_P1P2)
        new_kvn, keys = decode_put_key(command.data, session.static.dek, first_kid, several)
        old = None
        if command.p1:
            slot = self.keys.find(command.p1)
            if slot is None:
                raise StatusWordError(SW.REFERENCED_DATA_NOT_FOUND)
            old = slot.keys
        if old is None and set(keys) != {1, 2, 3}:
            raise _bad_data("新しい鍵セットには ENC, MAC, DEK が必要", "a new key set needs ENC, MAC and DEK")
        base: dict[str, Any] = {"enc": old.enc, "mac": old.mac, "dek": old.dek} if old else {}
        for kid, name in ((1, "enc"), (2, "mac"), (3, "dek")):
            if kid in keys:
                base[name] = keys[kid]
        try:
            new = StaticKeys(kvn=new_kvn, **base)
        except ValueError as exc:
            raise _bad_data("鍵セットが不正", f"bad key set: {exc}") from None
        self.keys.put(new, command.p1)
        return bytes((new_kvn,)) + b"".join(kcv(k) for k in keys.values())

    # -- STORE DATA (Spec 11.11) to the application under INSTALL [for personalization] --------
    @handles(GpIns.STORE_DATA, cla=PROPRIETARY)
    def store_data(self, command: CommandAPDU, session: IsdSession) -> bytes:
        self.require_authenticated(session)
        if session.personalizing is None:
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED, Text(
                "先に INSTALL [for personalization] が必要", "INSTALL [for personalization] must come first"))
        entry = self.registry.app(session.personalizing)
        if entry is None or is_locked(entry.state):
            session.personalizing = None
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED)
        return self.hooks.personalize(entry.aid, command)
