"""「スマホ電子証明書の確認」: what the secure element actually holds, listed from its live
state (every applet instance and the ISD), with what is deliberately *not* there.

Lecture 1-5: only the minimum is stored (keys, the two certificates, PIN state); highly
private data such as 税関係情報 and 年金関係情報 is not recorded on the phone. Each applet
reports its own items (:class:`ReportsInventory`); the ``not_stored`` list is computed — a
sensitive category is listed there only because no applet reported any item of it — not
written by hand. The JPKI AP also answers the Mynaportal app's LIST CONTENTS command with its
items (:func:`encode_items`), so the app's screen goes through OMAPI like every SE access.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol, runtime_checkable

from cryptography import x509

from ..apdu import tlv
from ..clock import to_jst
from ..i18n import Text
from .gp_constants import AppLifeCycle, CardLifeCycle, is_locked

__all__ = ["SENSITIVE", "AppletInfo", "DataCategory", "InventoryItem", "ReportsInventory", "SeInventory",
           "build_inventory", "certificate_detail", "decode_items", "encode_items"]


class DataCategory(StrEnum):
    PRIVATE_KEY = "private_key"
    CERTIFICATE = "certificate"
    CA_CERTIFICATE = "ca_certificate"
    PIN_STATE = "pin_state"
    ACCESS_RULE = "access_rule"
    SE_MANAGEMENT_KEY = "se_management_key"
    ELECTRONIC_MONEY = "electronic_money"
    TAX = "tax"
    PENSION = "pension"
    MY_NUMBER = "my_number"
    MEDICAL = "medical"

    @property
    def label(self) -> Text:
        return _LABELS[self]


_LABELS = {
    DataCategory.PRIVATE_KEY: Text("秘密鍵", "private key"),
    DataCategory.CERTIFICATE: Text("電子証明書", "certificate"),
    DataCategory.CA_CERTIFICATE: Text("CA 証明書", "CA certificate"),
    DataCategory.PIN_STATE: Text("暗証番号の状態", "PIN state"),
    DataCategory.ACCESS_RULE: Text("アクセス規則", "access rule"),
    DataCategory.SE_MANAGEMENT_KEY: Text("SE 管理鍵", "SE management key"),
    DataCategory.ELECTRONIC_MONEY: Text("電子マネー残高", "e-money balance"),
    DataCategory.TAX: Text("税関係情報", "tax information"),
    DataCategory.PENSION: Text("年金関係情報", "pension information"),
    # The lecture names only 税関係情報 and 年金関係情報; these two are the lab's own examples.
    DataCategory.MY_NUMBER: Text("個人番号 (マイナンバー) (ラボの想定)", "My Number (lab assumption)"),
    DataCategory.MEDICAL: Text("医療・健康情報 (ラボの想定)", "medical and health data (lab assumption)"),
}

#: Categories the phone must never hold: tax and pension per the lecture (1-5), plus two the
#: lab assumes (labelled so in their names).
SENSITIVE = (DataCategory.TAX, DataCategory.PENSION, DataCategory.MY_NUMBER, DataCategory.MEDICAL)

_STATE_NAMES = {
    AppLifeCycle.INSTALLED: Text("インストール済み (選択不可)", "INSTALLED"),
    AppLifeCycle.SELECTABLE: Text("選択可能", "SELECTABLE"),
}


@dataclass(frozen=True, slots=True)
class InventoryItem:
    category: DataCategory
    holder: Text
    name: Text
    detail: Text


@dataclass(frozen=True, slots=True)
class AppletInfo:
    aid: bytes
    name: Text
    life_cycle: int

    @property
    def state(self) -> Text:
        if is_locked(self.life_cycle):
            return Text("ロック中", "LOCKED")
        if self.life_cycle in _STATE_NAMES:
            return _STATE_NAMES[AppLifeCycle(self.life_cycle)]
        return Text(f"アプリ固有 {self.life_cycle:02X}", f"application specific {self.life_cycle:02X}")


@dataclass(frozen=True, slots=True)
class SeInventory:
    card_state: CardLifeCycle
    applets: tuple[AppletInfo, ...]
    items: tuple[InventoryItem, ...]
    not_stored: tuple[DataCategory, ...]

    def stores(self, category: DataCategory) -> bool:
        return any(item.category is category for item in self.items)

    def rows(self, lang: str = "ja") -> list[dict[str, str]]:
        """One dict per stored item, in ``lang``, for a table widget."""
        return [{"category": i.category.label.get(lang), "holder": i.holder.get(lang),
                 "name": i.name.get(lang), "detail": i.detail.get(lang)} for i in self.items]

    def summary(self, lang: str = "ja") -> str:
        lines = [f"{i.holder.get(lang)}: {i.name.get(lang)} — {i.detail.get(lang)}" for i in self.items]
        absent = "、".join(c.label.get(lang) for c in self.not_stored) if lang == "ja" else \
            ", ".join(c.label.get(lang) for c in self.not_stored)
        lines.append(f"保存されていない情報: {absent}" if lang == "ja" else f"not stored: {absent}")
        return "\n".join(lines)


@runtime_checkable
class ReportsInventory(Protocol):
    """An applet (or the ISD) that lists what it holds."""

    inventory_name: Text

    def inventory_items(self) -> list[InventoryItem]: ...


def certificate_detail(der: bytes) -> Text:
    cert = x509.load_der_x509_certificate(der)
    until = to_jst(cert.not_valid_after_utc).date().isoformat()
    subject = cert.subject.rfc4514_string()
    return Text(f"{subject} / シリアル {cert.serial_number:X} / 有効期限 {until}",
                f"{subject} / serial {cert.serial_number:X} / valid until {until}")


_ITEM, _FIELDS = 0xE1, (0x80, 0x81, 0x82, 0x83, 0x84)  # category, name ja/en, detail ja/en (UTF-8)


def encode_items(items: Iterable[InventoryItem]) -> bytes:
    """The items as the SE answers LIST CONTENTS (lab encoding, BER-TLV)."""
    return b"".join(tlv.encode(_ITEM, b"".join(tlv.encode(tag, text.encode()) for tag, text in zip(
        _FIELDS, (i.category.value, i.name.ja, i.name.en, i.detail.ja, i.detail.en), strict=True))) for i in items)


def decode_items(data: bytes, holder: Text) -> tuple[InventoryItem, ...]:
    """:func:`encode_items` back (raises :class:`~labkit.apdu.tlv.TlvError` or ValueError if malformed)."""
    out = []
    for item in tlv.decode(data):
        fields = {f.tag: f.value.decode() for f in tlv.decode(item.value)} if item.tag == _ITEM else {}
        if set(fields) != set(_FIELDS):
            raise tlv.TlvError(Text("一覧の形式が正しくありません", "malformed contents list"))
        category, name_ja, name_en, detail_ja, detail_en = (fields[t] for t in _FIELDS)
        out.append(InventoryItem(DataCategory(category), holder, Text(name_ja, name_en), Text(detail_ja, detail_en)))
    return tuple(out)


def build_inventory(card_state: CardLifeCycle, isd: ReportsInventory,
                    applets: Iterable[tuple[bytes, int, object]]) -> SeInventory:
    """List the SE's contents from its live state: the ISD's and each applet's own report
    (``applets``: AID, life cycle state and instance of each registry entry)."""
    items = list(isd.inventory_items())
    infos = []
    for aid, state, applet in applets:
        if isinstance(applet, ReportsInventory):
            infos.append(AppletInfo(aid, applet.inventory_name, state))
            items += applet.inventory_items()
        else:
            infos.append(AppletInfo(aid, Text("アプリ", "applet"), state))
    present = {item.category for item in items}
    return SeInventory(card_state, tuple(infos), tuple(items), tuple(c for c in SENSITIVE if c not in present))
