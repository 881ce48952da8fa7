"""「スマホ電子証明書の確認」: what the secure element actually holds, listed from its live
state (every applet instance and the ISD), with what is deliberately *not* there.

Lecture 1-5: only the minimum is stored (keys, the two certificates, PIN state); highly
private data such as 税関係情報 and 年金関係情報 is not recorded on the phone. The
``not_stored`` list is computed — a sensitive category is listed there only because no
applet reported any item of it — not written by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from cryptography import x509

from ..card import KeyRole
from ..clock import to_jst
from ..i18n import Text
from .ara import AraM
from .gp_constants import AppLifeCycle, CardLifeCycle, is_locked
from .jpki import SeJpkiApplet
from .wallet import WalletApplet

if TYPE_CHECKING:
    from .element import SecureElement

__all__ = ["SENSITIVE", "AppletInfo", "DataCategory", "InventoryItem", "SeInventory", "build_inventory"]


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


_JPKI = Text("公的個人認証AP", "JPKI AP")
_NAMES = {SeJpkiApplet: _JPKI, AraM: Text("アクセス規則 (ARA-M)", "access rules (ARA-M)"),
          WalletApplet: Text("電子マネー (ラボ)", "e-money (lab)")}


def _certificate_detail(der: bytes) -> Text:
    cert = x509.load_der_x509_certificate(der)
    until = to_jst(cert.not_valid_after_utc).date().isoformat()
    subject = cert.subject.rfc4514_string()
    return Text(f"{subject} / シリアル {cert.serial_number:X} / 有効期限 {until}",
                f"{subject} / serial {cert.serial_number:X} / valid until {until}")


def _jpki_items(applet: SeJpkiApplet) -> list[InventoryItem]:
    items = []
    for role in KeyRole:
        label = role.label
        if applet.has_key(role):
            public = applet.public_key(role)
            bits = public.key_size if public is not None else 0
            items.append(InventoryItem(
                DataCategory.PRIVATE_KEY, _JPKI, Text(f"{label.ja}秘密鍵", f"{label.en} private key"),
                Text(f"RSA-{bits} (SE の外には出ない)", f"RSA-{bits} (never leaves the SE)")))
        cert = applet.certificate(role)
        if cert is not None:
            items.append(InventoryItem(DataCategory.CERTIFICATE, _JPKI,
                                       Text(f"スマホ用{label.ja}電子証明書", f"smartphone {label.en} certificate"),
                                       _certificate_detail(cert)))
        ca = applet.ca_certificate(role)
        if ca is not None:
            items.append(InventoryItem(DataCategory.CA_CERTIFICATE, _JPKI,
                                       Text(f"{label.ja}CA証明書", f"{label.en} CA"), _certificate_detail(ca)))
        status = applet.pin_status(role)
        if status.is_set:
            left = f"{status.remaining}/{status.max_tries}"
            detail = (Text("ロック中", "blocked") if status.blocked
                      else Text(f"残り {left} 回", f"{status.remaining}/{status.max_tries} tries left"))
            items.append(InventoryItem(DataCategory.PIN_STATE, _JPKI, applet.pins[role].policy.name, detail))
    return items


def build_inventory(se: SecureElement) -> SeInventory:
    """List the SE's contents from its live state."""
    items: list[InventoryItem] = []
    isd = Text("カード管理 (ISD)", "card manager (ISD)")
    for kvn, slot in sorted(se.isd.keys.slots.items()):
        kcv = slot.keys.kcvs[0].hex().upper()
        what = f"AES-{len(slot.keys.enc) * 8}, KCV {kcv}"
        items.append(InventoryItem(DataCategory.SE_MANAGEMENT_KEY, isd,
                                   Text(f"鍵セット KVN {kvn:02X}", f"key set KVN {kvn:02X}"), Text(what, what)))
    applets = []
    for entry in se.registry.apps:
        applet = se.applet(entry.aid)
        name = next((n for kind, n in _NAMES.items() if isinstance(applet, kind)), Text("アプリ", "applet"))
        applets.append(AppletInfo(entry.aid, name, entry.state))
        if isinstance(applet, SeJpkiApplet):
            items += _jpki_items(applet)
        elif isinstance(applet, AraM):
            items += [InventoryItem(DataCategory.ACCESS_RULE, name, Text("規則", "rule"),
                                    Text(f"SE アプリ {rule.aid.hex().upper() if rule.aid else '全て'}"
                                         f" ← アプリ {rule.cert_hash.hex()[:16] + '…' if rule.cert_hash else '全て'}",
                                         f"SE app {rule.aid.hex().upper() if rule.aid else 'all'}"
                                         f" <- app {rule.cert_hash.hex()[:16] + '...' if rule.cert_hash else 'all'}"))
                      for rule in applet.rules]
        elif isinstance(applet, WalletApplet):
            items.append(InventoryItem(DataCategory.ELECTRONIC_MONEY, name, Text("残高", "balance"),
                                       Text(f"{applet.balance} 円", f"JPY {applet.balance}")))
    present = {item.category for item in items}
    return SeInventory(se.registry.card_state, tuple(applets), tuple(items),
                       tuple(c for c in SENSITIVE if c not in present))
