"""SE inspector (lecture 1-5): what the phone's GP-SE holds.

* the GlobalPlatform content — the ISD, the applets and the load files with their
  life-cycle states and privileges — read the way a card-management tool reads it: GET STATUS
  over an SCP03 secure channel (on a logical channel of its own, so the app's channels are
  not disturbed); if that is impossible (the SE is TERMINATED, the keys were changed) the
  SE's registry is read directly and the reason is shown;
* what the JPKI AP stores (keys present, the two certificates, PIN tries left), and what is
  NOT stored (税関係情報, 年金関係情報, ...), from :meth:`SecureElement.inventory`;
* the SE's security event log (tamper response, automatic erasure).

Notebook use::

    SeInspector(phone.se, lang=ctx.lang)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography import x509

from ..card import Aid, KeyRole
from ..errors import LabkitError
from ..i18n import Text
from ..se import (
    ARA_M_AID,
    WALLET_AID,
    AppLifeCycle,
    CardLifeCycle,
    GetStatusP1,
    GlobalPlatformHost,
    Privilege,
    SecureElement,
    SecurityLevel,
    SeEvent,
    StaticKeys,
    StatusEntry,
    TamperAction,
    TamperKind,
)
from ..se.gp_constants import is_locked
from ._base import ViewMixin, error_text, esc, fmt_jst, html_table, resolve_lang, shared

__all__ = ["GpContentRow", "SeInspector", "SeInspectorModel", "privilege_names"]

_AID_NAMES: dict[bytes, Text] = {
    ARA_M_AID: Text("アクセス規則 (ARA-M)", "access rules (ARA-M)"),
    bytes(Aid.JPKI): Text("公的個人認証AP (スマホ用)", "JPKI AP (smartphone)"),
    WALLET_AID: Text("電子マネー (ラボ)", "e-money (lab)"),
    bytes.fromhex("D392F000260100"): Text("公的個人認証AP のプログラム", "JPKI AP package"),
    bytes.fromhex("A00000015141434C"): Text("ARA-M のプログラム", "ARA-M package"),
    bytes.fromhex("F04C4142574C"): Text("電子マネーのプログラム", "e-money package"),
    bytes.fromhex("A0000000620001"): Text("java.lang (チップに内蔵)", "java.lang (in ROM)"),
    bytes.fromhex("A0000000620101"): Text("javacard.framework (チップに内蔵)", "javacard.framework (in ROM)"),
    bytes.fromhex("A0000001515350"): Text("GlobalPlatform API (チップに内蔵)", "GlobalPlatform API (in ROM)"),
}
_CARD_STATES = {
    CardLifeCycle.OP_READY: Text("OP_READY (出荷準備)", "OP_READY"),
    CardLifeCycle.INITIALIZED: Text("INITIALIZED (初期化済み)", "INITIALIZED"),
    CardLifeCycle.SECURED: Text("SECURED (運用中)", "SECURED (in use)"),
    CardLifeCycle.CARD_LOCKED: Text("CARD_LOCKED (ロック中)", "CARD_LOCKED"),
    CardLifeCycle.TERMINATED: Text("TERMINATED (停止・使用不可)", "TERMINATED (unusable)"),
}
_ACTIONS = {
    TamperAction.ERASE_JPKI: Text("証明書と鍵を消去", "erase certificates and keys"),
    TamperAction.LOCK_CARD: Text("SE をロック", "lock the SE"),
    TamperAction.TERMINATE_CARD: Text("SE を停止", "terminate the SE"),
}
#: Events that report what the SE did (not something it detected).
_OUTCOMES = (TamperKind.JPKI_ERASED, TamperKind.CARD_LOCKED, TamperKind.CARD_TERMINATED)
L = {
    "title": Text("スマホの GP-SE の中身", "Inside the phone's GP-SE"),
    "refresh": Text("更新", "Refresh"),
    "content": Text("GlobalPlatform の内容 (ISD・アプリ・ロードファイル)",
                    "GlobalPlatform content (ISD, applets, load files)"),
    "jpki": Text("公的個人認証AP が保存しているもの", "What the JPKI AP stores"),
    "not_stored": Text("保存されていない情報", "Not stored on the phone"),
    "events": Text("セキュリティイベント記録", "Security event log"),
    "no_events": Text("記録はありません", "no events"),
    "kind": Text("種類", "Kind"), "aid": Text("AID", "AID"), "name": Text("名前", "Name"),
    "state": Text("ライフサイクル", "Life cycle"), "priv": Text("権限", "Privileges"),
    "modules": Text("モジュール", "Modules"),
    "item": Text("項目", "Item"), "value": Text("内容", "Content"),
    "when": Text("日時", "When"), "what": Text("できごと", "What happened"), "action": Text("SE の対応", "Response"),
}
_KINDS = {"isd": Text("ISD (カード管理)", "ISD (card manager)"), "app": Text("アプリ", "applet"),
          "elf": Text("ロードファイル", "load file")}


def privilege_names(privileges: Privilege | None) -> list[str]:
    """The GP privilege names set in ``privileges`` (composite ones replace their parts)."""
    if privileges is None:
        return []
    value = int(privileges)
    found = [m for m in Privilege.__members__.values() if m.value and m.value & value == m.value]
    return [m.name for m in found
            if m.name and not any(o is not m and o.value & m.value == m.value for o in found)]


def _app_state(state: int, kind: str) -> Text:
    raw = Text(f"{state:02X}", f"{state:02X}")
    if kind == "isd":
        return next((t for s, t in _CARD_STATES.items() if s == state), raw)
    if kind == "elf":
        return Text("LOADED (読み込み済み)", "LOADED") if state == AppLifeCycle.LOADED else raw
    if is_locked(state):
        return Text("LOCKED (ロック中)", "LOCKED")
    names = {AppLifeCycle.INSTALLED: Text("INSTALLED (選択不可)", "INSTALLED (not selectable)"),
             AppLifeCycle.SELECTABLE: Text("SELECTABLE (使用可能)", "SELECTABLE"),
             AppLifeCycle.PERSONALIZED: Text("PERSONALIZED (個人化済み)", "PERSONALIZED")}
    if state in names:
        return names[AppLifeCycle(state)]
    return Text(f"アプリ固有 {state:02X}", f"application specific {state:02X}")


@dataclass(frozen=True, slots=True)
class GpContentRow:
    """One GP Registry entry (from GET STATUS or the registry)."""

    kind: str  # "isd" | "app" | "elf"
    aid: bytes
    state: int
    privileges: tuple[str, ...] = ()
    modules: tuple[bytes, ...] = ()

    def name(self) -> Text:
        if self.kind == "isd":
            return Text("カード管理 (発行者セキュリティドメイン)", "card manager (Issuer Security Domain)")
        return _AID_NAMES.get(self.aid, Text("—", "—"))

    def state_text(self) -> Text:
        return _app_state(self.state, self.kind)


class SeInspectorModel:
    """Reads the SE; :meth:`refresh` updates everything (``get_status=False``: read the
    registry directly, without sending APDUs)."""

    def __init__(self, se: SecureElement, *, keys: StaticKeys | None = None, lang: str | None = None) -> None:
        self.lang = resolve_lang(lang)
        self.se = se
        self.keys = keys or StaticKeys.default_test_keys()
        self.content: list[GpContentRow] = []
        self.source: Text = Text("", "")
        self.events: list[SeEvent] = []
        self.refresh()

    def refresh(self, *, get_status: bool = True) -> None:
        if get_status:
            try:
                self.content = self._get_status()
                self.source = Text("GET STATUS (SCP03 セキュアチャネル) で取得",
                                   "read with GET STATUS over an SCP03 secure channel")
            except LabkitError as exc:
                self.content = self._registry()
                reason = error_text(exc)
                self.source = Text(f"GET STATUS できないため SE の内部レジストリを直接表示 ({reason.ja})",
                                   f"GET STATUS impossible, showing the SE's registry directly ({reason.en})")
        else:
            self.content = self._registry()
            self.source = Text("SE の内部レジストリ", "the SE's registry")
        self.inventory = self.se.inventory()
        self.events = self.se.events()

    def _get_status(self) -> list[GpContentRow]:
        opened = self.se.transmit(bytes.fromhex("0070000001"))
        if opened[-2:] != b"\x90\x00":
            raise LabkitError(Text(f"論理チャネルを開けません ({opened[-2:].hex().upper()})",
                                   f"cannot open a logical channel ({opened[-2:].hex().upper()})"))
        channel = opened[0]
        try:
            gp = GlobalPlatformHost(self.se.transmit, channel=channel)
            gp.select_isd()
            gp.open_secure_channel(self.keys, SecurityLevel.C_MAC)
            isd = gp.get_status(GetStatusP1.ISD)
            apps = gp.get_status(GetStatusP1.APPLICATIONS)
            elfs = gp.get_status(GetStatusP1.LOAD_FILES_AND_MODULES)
        finally:
            close = bytes((channel if channel < 4 else 0x40 | (channel - 4), 0x70, 0x80, channel))
            self.se.transmit(close)
        return ([self._row("isd", e) for e in isd] + [self._row("app", e) for e in apps]
                + [self._row("elf", e) for e in elfs])

    @staticmethod
    def _row(kind: str, entry: StatusEntry) -> GpContentRow:
        return GpContentRow(kind, entry.aid, entry.state, tuple(privilege_names(entry.privileges)), entry.modules)

    def _registry(self) -> list[GpContentRow]:
        reg = self.se.registry
        rows = [GpContentRow("isd", reg.isd_aid, int(reg.card_state), tuple(privilege_names(reg.isd_privileges)))]
        rows += [GpContentRow("app", a.aid, a.state, tuple(privilege_names(a.privileges))) for a in reg.apps]
        rows += [GpContentRow("elf", f.aid, f.state, (), f.modules) for f in reg.load_files]
        return rows

    # -- what the JPKI AP stores ------------------------------------------------------------
    def jpki_rows(self) -> list[tuple[Text, Text]]:
        """(item, content) per key role: private key, certificate, CA certificate, PIN."""
        jpki = self.se.jpki
        if jpki is None:
            return [(Text("公的個人認証AP", "JPKI AP"), Text("削除されています", "deleted"))]
        rows: list[tuple[Text, Text]] = []
        for role in (KeyRole.SIGN, KeyRole.AUTH):
            label = role.label
            key = (Text("あり (SE の外には出ない)", "present (never leaves the SE)") if jpki.has_key(role)
                   else Text("なし", "none"))
            rows.append((Text(f"{label.ja}秘密鍵", f"{label.en} private key"), key))
            der = jpki.certificate(role)
            rows.append((Text(f"スマホ用{label.ja}電子証明書", f"smartphone {label.en} certificate"),
                         _cert_summary(der) if der else Text("なし", "none")))
            status = jpki.pin_status(role)
            name = jpki.pins[role].policy.name
            if not status.is_set:
                pin = Text("未設定", "not set")
            elif status.blocked:
                pin = Text(f"ロック中 (残り 0/{status.max_tries} 回)", f"blocked (0/{status.max_tries} tries left)")
            else:
                pin = Text(f"残り {status.remaining}/{status.max_tries} 回", f"{status.remaining}/{status.max_tries}"
                           " tries left")
            rows.append((name, pin))
        return rows

    def not_stored(self) -> list[Text]:
        return [c.label for c in self.inventory.not_stored]

    # -- HTML ------------------------------------------------------------------------------
    def state_html(self) -> str:
        state = self.inventory.card_state
        text = _CARD_STATES.get(state, Text(state.name, state.name)).get(self.lang)
        bad = state in (CardLifeCycle.CARD_LOCKED, CardLifeCycle.TERMINATED)
        colour = "#7f1d1d" if bad else "#14532d"
        prefix = "SE の状態" if self.lang == "ja" else "SE state"
        return (f'<div class="labkit-se-state" data-state="{state.name}" style="color:{colour}">'
                f"<b>{prefix}: {esc(text)}</b></div>")

    def content_html(self) -> str:
        lang = self.lang
        nowrap = '<span style="white-space:nowrap">{}</span>'
        rows = [(nowrap.format(esc(_KINDS[r.kind].get(lang))), f"<code>{r.aid.hex().upper()}</code>",
                 esc(r.name().get(lang)), nowrap.format(esc(r.state_text().get(lang))),
                 f'<span style="font-size:11px">{esc(", ".join(r.privileges) or "—")}</span>',
                 esc(", ".join(m.hex().upper() for m in r.modules) or "—")) for r in self.content]
        heads = [L[k].get(lang) for k in ("kind", "aid", "name", "state", "priv", "modules")]
        return (html_table(heads, rows, css="labkit-se-content", raw=True,
                           row_classes=[f"labkit-se-{r.kind}" for r in self.content])
                + f'<div class="labkit-se-source" style="color:#6b7280;font-size:12px">'
                  f"{esc(self.source.get(lang))}</div>")

    def jpki_html(self) -> str:
        lang = self.lang
        rows = [(item.get(lang), value.get(lang)) for item, value in self.jpki_rows()]
        return html_table([L["item"].get(lang), L["value"].get(lang)], rows, css="labkit-se-jpki")

    def not_stored_html(self) -> str:
        lang = self.lang
        items = "".join(f'<li class="labkit-se-absent">{esc(t.get(lang))}</li>' for t in self.not_stored())
        note = Text("スマホには必要最小限の情報だけを保存します。税関係情報や年金関係情報などの"
                    "プライバシー性の高い情報は記録されません。",
                    "The phone stores only the minimum; highly private data such as tax or pension "
                    "information is never recorded on it.")
        return f'<div class="labkit-se-not-stored"><ul>{items}</ul>{esc(note.get(lang))}</div>'

    def events_html(self) -> str:
        lang = self.lang
        if not self.events:
            return f'<div class="labkit-se-events labkit-se-events-empty">{esc(L["no_events"].get(lang))}</div>'
        rows = []
        for e in reversed(self.events):
            actions = [t.get(lang) for a, t in _ACTIONS.items() if e.actions & a]
            if not actions:
                actions = ["—" if e.kind in _OUTCOMES else ("記録のみ" if lang == "ja" else "recorded")]
            rows.append((str(e.seq), fmt_jst(e.at), e.message.get(lang), ", ".join(actions)))
        heads = ["#", L["when"].get(lang), L["what"].get(lang), L["action"].get(lang)]
        return html_table(heads, rows, css="labkit-se-events")


def _cert_summary(der: bytes) -> Text:
    cert = x509.load_der_x509_certificate(der)
    until = fmt_jst(cert.not_valid_after_utc, seconds=False)
    return Text(f"あり: シリアル {cert.serial_number:X}、有効期限 {until}",
                f"present: serial {cert.serial_number:X}, valid until {until}")


class SeInspector(ViewMixin):
    """Sections for the SE's state, GP content, JPKI contents, what is not stored, and the
    event log. New SE events redraw it (without APDUs); the button runs GET STATUS again."""

    def __init__(self, se: SecureElement, *, keys: StaticKeys | None = None, lang: str | None = None) -> None:
        import ipywidgets as w

        self.model = SeInspectorModel(se, keys=keys, lang=lang)
        lang = self.model.lang
        self.refresh_button = w.Button(description=L["refresh"].get(lang), **shared(w.Button),
                                       _dom_classes=("labkit-se-refresh",))
        self.state, self.content, self.jpki, self.absent, self.events = (
            w.HTML(**shared(w.HTML), _dom_classes=(f"labkit-se-{part}-box",))
            for part in ("state", "content", "jpki", "absent", "events"))

        def head(key: str) -> Any:
            return w.HTML(f"<b>{esc(L[key].get(lang))}</b>", **shared(w.HTML))
        self.widget = w.VBox([
            w.HBox([head("title"), self.refresh_button], **shared(w.HBox)), self.state,
            head("content"), self.content, head("jpki"), self.jpki, head("not_stored"), self.absent,
            head("events"), self.events], _dom_classes=("labkit-se",))
        self.refresh_button.on_click(lambda _b: self.refresh())
        self._listener = lambda _event: self.refresh(get_status=False)
        se.add_event_listener(self._listener)
        self.redraw()

    def refresh(self, *, get_status: bool = True) -> None:
        self.model.refresh(get_status=get_status)
        self.redraw()

    def redraw(self) -> None:
        m = self.model
        self.state.value = m.state_html()
        self.content.value = m.content_html()
        self.jpki.value = m.jpki_html()
        self.absent.value = m.not_stored_html()
        self.events.value = m.events_html()

    def close(self) -> None:
        """Stop listening to the SE's events."""
        try:
            self.model.se.remove_event_listener(self._listener)
        except ValueError:
            pass
