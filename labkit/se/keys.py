"""The ISD's key sets: storage, the Key Information Template, and the PUT KEY data format
(Spec 11.8) with its encoder (host) and decoder (card), both AES with key check values."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from typing import Any

from ..apdu import SW, CommandAPDU, StatusWordError, tlv
from ..i18n import Text
from .gp_constants import GpIns, GpTag, KeyType
from .scp03 import BLOCK, StaticKeys, aes_cbc_decrypt, aes_cbc_encrypt, kcv

__all__ = ["MAX_KEYSETS", "KeySlot", "KeyStore", "decode_put_key", "encode_put_key"]

#: How many key sets the ISD has room for (PUT KEY beyond this answers 6A84).
MAX_KEYSETS = 4
_ZERO_IV = b"\x00" * BLOCK
#: Key identifiers of an SCP03 key set (Amd D §4.1.1): 1 Key-ENC, 2 Key-MAC, 3 DEK.
_KIDS = (1, 2, 3)


@dataclass(slots=True, repr=False)
class KeySlot:
    """A key set plus its SCP03 sequence counter (reset when the key set is replaced)."""

    keys: StaticKeys
    sequence_counter: int = 0


@dataclass(slots=True)
class KeyStore:
    """Key sets by KVN. KVN ``00`` in INITIALIZE UPDATE means the lowest one (the default)."""

    slots: dict[int, KeySlot] = field(default_factory=dict)

    @classmethod
    def with_keys(cls, *keysets: StaticKeys) -> KeyStore:
        return cls({k.kvn: KeySlot(k) for k in keysets})

    def find(self, kvn: int) -> KeySlot | None:
        if kvn == 0:
            return self.slots[min(self.slots)] if self.slots else None
        return self.slots.get(kvn)

    def key_information_template(self) -> bytes:
        """``E0 { C0 04 KID KVN 88 len }...``, Spec 11.3.3.1 (basic format)."""
        items = b""
        for kvn in sorted(self.slots):
            keys = self.slots[kvn].keys
            for kid, key in zip(_KIDS, (keys.enc, keys.mac, keys.dek), strict=True):
                items += tlv.encode(GpTag.KEY_INFORMATION_DATA, bytes((kid, kvn, KeyType.AES, len(key))))
        return tlv.encode(GpTag.KEY_INFORMATION_TEMPLATE, items)

    def put(self, new: StaticKeys, replace_kvn: int) -> None:
        """Add (``replace_kvn`` = 0) or replace a key set; the sequence counter restarts at 0."""
        if replace_kvn:
            if replace_kvn not in self.slots:
                raise StatusWordError(SW.REFERENCED_DATA_NOT_FOUND, Text(
                    f"置き換える鍵バージョン {replace_kvn:02X} がない", f"no key set with KVN {replace_kvn:02X}"))
            if new.kvn != replace_kvn and new.kvn in self.slots:
                raise StatusWordError(SW.WRONG_DATA, Text("新しい鍵バージョンは使用中", "new KVN already in use"))
            del self.slots[replace_kvn]
        else:
            if new.kvn in self.slots:
                raise StatusWordError(SW.WRONG_DATA, Text("その鍵バージョンは既にある", "KVN already present"))
            if len(self.slots) >= MAX_KEYSETS:
                raise StatusWordError(SW.NOT_ENOUGH_MEMORY)
        self.slots[new.kvn] = KeySlot(new)

    def delete(self, kvn: int) -> None:
        if kvn not in self.slots:
            raise StatusWordError(SW.REFERENCED_DATA_NOT_FOUND)
        if len(self.slots) == 1:
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED, Text(
                "最後の鍵セットは削除できない", "the last key set cannot be deleted"))
        del self.slots[kvn]

    def dump(self) -> dict[str, Any]:
        return {f"{kvn:02X}": {"enc": s.keys.enc.hex(), "mac": s.keys.mac.hex(), "dek": s.keys.dek.hex(),
                               "seq": s.sequence_counter} for kvn, s in self.slots.items()}

    @classmethod
    def restore(cls, data: dict[str, Any]) -> KeyStore:
        slots = {}
        for kvn_hex, item in data.items():
            kvn = int(kvn_hex, 16)
            keys = StaticKeys(bytes.fromhex(item["enc"]), bytes.fromhex(item["mac"]),
                              bytes.fromhex(item["dek"]), kvn)
            slots[kvn] = KeySlot(keys, int(item["seq"]))
        return cls(slots)


# -- PUT KEY (Spec 11.8.2.3, AES key data field of Amd D §7.5) --------------------------------
def _encrypt_key(dek: bytes, key: bytes) -> bytes:
    """AES-CBC with a zero IV under the static DEK; the key is zero-padded to a block."""
    return aes_cbc_encrypt(dek, _ZERO_IV, key + b"\x00" * (-len(key) % BLOCK))


def encode_put_key(new: StaticKeys, dek: bytes, *, replace_kvn: int = 0, cla: int = 0x80) -> CommandAPDU:
    """Host side: one PUT KEY carrying Key-ENC, Key-MAC and DEK (P2 = ``81``), as GPP sends it."""
    data = bytes((new.kvn,))
    for key in (new.enc, new.mac, new.dek):
        blob = bytes((len(key),)) + _encrypt_key(dek, key)
        data += bytes((KeyType.AES, len(blob))) + blob + b"\x03" + kcv(key)
    return CommandAPDU(cla, GpIns.PUT_KEY, replace_kvn, 0x81, data, ne=256)


def _wrong(what: str, en: str) -> StatusWordError:
    return StatusWordError(SW.WRONG_DATA, Text(f"PUT KEY: {what}", f"PUT KEY: {en}"))


def decode_put_key(data: bytes, dek: bytes, first_kid: int, several: bool) -> tuple[int, dict[int, bytes]]:
    """Card side: return (new KVN, {KID: clear key}); raise 6A80 for bad data, 6982 for a
    bad key check value (Spec Table 11-79)."""
    if len(data) < 1:
        raise _wrong("データがない", "no data")
    new_kvn, i, keys = data[0], 1, {}
    kid = first_kid
    while i < len(data):
        if i + 2 > len(data):
            raise _wrong("鍵ブロックが途中で切れている", "truncated key block")
        key_type, length = data[i], data[i + 1]
        block = data[i + 2:i + 2 + length]
        i += 2 + length
        if key_type != KeyType.AES or len(block) != length or length < BLOCK:
            raise _wrong("AES 鍵ブロックでない", "not an AES key block")
        # GP CS v2.3 §11.8.2.3 (Table 11-71): a block whose length is a multiple of the cipher
        # block carries no key-length byte (pySim ``88 10 <16>``); otherwise one leads
        # (GPP/Amd D ``88 11 10 <16>``).
        key_length, cipher = (length, block) if length % BLOCK == 0 else (block[0], block[1:])
        if key_length not in (16, 24, 32) or len(cipher) % BLOCK or len(cipher) < key_length:
            raise _wrong("鍵の長さが不正", "bad key length")
        if i >= len(data):
            raise _wrong("KCV の長さがない", "missing KCV length")
        kcv_len = data[i]
        check = data[i + 1:i + 1 + kcv_len]
        i += 1 + kcv_len
        if len(check) != kcv_len or kcv_len not in (0, 3):
            raise _wrong("KCV が不正", "bad KCV field")
        key = aes_cbc_decrypt(dek, _ZERO_IV, cipher)[:key_length]
        if kcv_len and not hmac.compare_digest(kcv(key), check):
            raise StatusWordError(SW.SECURITY_STATUS_NOT_SATISFIED, Text(
                "PUT KEY: 鍵チェック値 (KCV) が一致しない", "PUT KEY: key check value mismatch"))
        keys[kid] = key
        kid += 1
        if not several:
            break
    if i != len(data) or not keys:
        raise _wrong("余分なデータ", "trailing data")
    return new_kvn, keys
