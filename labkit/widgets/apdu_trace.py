"""APDU trace viewer: a live table of the command/response pairs a card or the phone's SE
exchanges, each explained in Japanese or English (which AP or file, which PIN, tries left,
what the status word means). PINs and passwords are masked before anything is stored.

The model keeps one :class:`~labkit.card.trace.TraceDecoder` per device and logical channel
(the phone's Mynaportal app talks to the SE on logical channels), adds the names of the
GlobalPlatform and SE provisioning commands, and stores at most ``limit`` rows.

Notebook use::

    trace = ApduTraceViewer(lang=ctx.lang)
    trace.attach(card)          # or the SE; anything with add_observer, or with .os
    trace                       # displays the live table
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from ..apdu import ApduExchange, parse_cla, with_channel
from ..card import Aid
from ..card.trace import TraceDecoder, TraceEntry, mask_command
from ..i18n import Text
from ._base import ViewMixin, esc, resolve_lang, scroll_region, shared

__all__ = ["ApduTraceModel", "ApduTraceViewer", "TraceRow", "mask_apdu"]

_GP_NAMES: dict[int, Text] = {
    0xF2: Text("GET STATUS (SE の中身の一覧)", "GET STATUS (list the SE's content)"),
    0xE6: Text("INSTALL (アプリの導入)", "INSTALL (install an applet)"),
    0xE8: Text("LOAD (プログラムの読み込み)", "LOAD (load a package)"),
    0xE4: Text("DELETE (削除)", "DELETE"),
    0xD8: Text("PUT KEY (管理鍵の書き込み)", "PUT KEY (management keys)"),
    0xF0: Text("SET STATUS (ライフサイクル変更)", "SET STATUS (life cycle)"),
    0xE2: Text("STORE DATA (データの書き込み)", "STORE DATA"),
    0xCA: Text("GET DATA (データの取得)", "GET DATA"),
    0x50: Text("INITIALIZE UPDATE (セキュアチャネル開始)", "INITIALIZE UPDATE (open a secure channel)"),
    0x82: Text("EXTERNAL AUTHENTICATE (ホストの認証)", "EXTERNAL AUTHENTICATE (host authentication)"),
}
_JPKI_SE_NAMES: dict[int, Text] = {
    0x46: Text("鍵ペア生成 (SE の中で生成、秘密鍵は外に出ない)",
               "GENERATE KEY PAIR (inside the SE; the private key never leaves)"),
    0x2C: Text("暗証番号の設定 (値は伏せ字)", "SET PIN (value masked)"),
    0xE2: Text("証明書の書き込み", "WRITE CERTIFICATE"),
    0xE4: Text("証明書・鍵の消去", "ERASE keys and certificates"),
}
_SE_AIDS: dict[bytes, Text] = {
    bytes.fromhex("A000000151000000"): Text("カード管理 (ISD)", "card manager (ISD)"),
    bytes.fromhex("A00000015141434C00"): Text("アクセス規則 (ARA-M)", "access rules (ARA-M)"),
}
_SECURED = Text("セキュアチャネルで保護", "protected by the secure channel")

LABELS = {
    "title": Text("APDU トレース", "APDU trace"),
    "filter": Text("チャネル", "Channel"),
    "all": Text("すべて", "all"),
    "clear": Text("消去", "Clear"),
    "empty": Text("まだ APDU はありません。カードや SE を操作すると、ここに表示されます。",
                  "No APDUs yet. Use the card or the SE and they appear here."),
    "source": Text("相手", "Device"),
    "channel": Text("ch", "ch"),
    "command": Text("コマンド", "Command"),
    "response": Text("応答", "Response"),
    "meaning": Text("意味", "Meaning"),
}


#: Hex of a command with every PIN or password masked: VERIFY / CHANGE REFERENCE DATA and the
#: SE's proprietary SET PIN (``80 2C``); the card trace's own masking, under the widgets' name.
mask_apdu = mask_command


def _device_label(device: Any) -> Text:
    name = type(device).__name__
    if name == "MyNumberCard":
        return Text("カード", "card")
    if name in ("SecureElement", "CardOS"):
        return Text("スマホの SE", "phone SE")
    return Text(name, name)


@dataclass(frozen=True, slots=True)
class TraceRow:
    """One exchange as the viewer shows it (the command is masked hex)."""

    seq: int
    source: Text
    channel: int
    entry: TraceEntry

    @property
    def sw(self) -> int:
        return self.entry.sw

    @property
    def kind(self) -> str:
        """``ok`` / ``warn`` (63Cx, 61xx, 6310) / ``error``: for colour and tests."""
        sw = self.entry.sw
        if sw == 0x9000:
            return "ok"
        if sw >> 8 in (0x61, 0x62, 0x63):
            return "warn"
        return "error"

    def explain(self, lang: str) -> str:
        return self.entry.explain(lang)


class ApduTraceModel:
    """Decoded rows of one or more devices, bounded to ``limit`` (oldest dropped).

    Thread-safe: observers may be called from a reader thread (the vpcd bridge)."""

    def __init__(self, *, limit: int = 500, lang: str | None = None) -> None:
        if limit < 1:
            raise ValueError("limit must be at least 1")
        self.lang = resolve_lang(lang)
        self.limit = limit
        self.rows: deque[TraceRow] = deque(maxlen=limit)
        self.channel: int | None = None  # the filter; None = every channel
        self.total = 0  # exchanges seen since the last clear (including dropped ones)
        #: background exchanges (e.g. the phone's device proof before each poll, a lab
        #: assumption) are counted, not listed: they would push the learner's own steps away
        self.background = 0
        self._decoders: dict[tuple[int, int], TraceDecoder] = {}
        self._lock = threading.Lock()
        self._listeners: list[Callable[[], None]] = []
        self._attached: list[tuple[Any, Callable[[ApduExchange], None], Callable[[], None] | None]] = []

    # -- recording ----------------------------------------------------------------------------
    def record(self, exchange: ApduExchange, source: Text | None = None, *,
               device_key: int = 0) -> TraceRow | None:
        """Decode one exchange and keep it; returns the row (None for background work)."""
        if exchange.purpose is not None:
            with self._lock:
                self.background += 1
            return None
        raw = bytes(exchange.command)
        info = parse_cla(raw[0]) if raw else None
        channel = exchange.channel if exchange.channel is not None else (info.channel if info else 0)
        normalised = raw
        if info is not None and info.channel:
            normalised = bytes((with_channel(raw[0], 0),)) + raw[1:]  # its own decoder per channel
        with self._lock:
            decoder = self._decoders.setdefault((device_key, channel), TraceDecoder())
            ap_before = decoder.ap
            entry = decoder.decode(ApduExchange(normalised, bytes(exchange.response), 0))
            entry = _supplement(entry, raw, info, ap_before)
            self.total += 1
            row = TraceRow(self.total, source or Text("", ""), channel, entry)
            self.rows.append(row)
            listeners = list(self._listeners)
        for listener in listeners:
            listener()
        return row

    def __call__(self, exchange: ApduExchange) -> None:
        self.record(exchange)

    def attach(self, device: Any, source: Text | None = None) -> None:
        """Observe a card (``add_observer``) or an SE (its ``os``)."""
        target = device if hasattr(device, "add_observer") else getattr(device, "os", None)
        if target is None or not hasattr(target, "add_observer"):
            raise TypeError(f"{type(device).__name__} has no add_observer (nor an .os with one)")
        label = source or _device_label(device)
        key = id(target)

        def observer(exchange: ApduExchange) -> None:
            self.record(exchange, label, device_key=key)

        def on_reset() -> None:
            with self._lock:
                for (k, _), decoder in self._decoders.items():
                    if k == key:
                        decoder.reset()

        target.add_observer(observer)
        reset: Callable[[], None] | None = None
        if hasattr(target, "add_reset_listener"):
            target.add_reset_listener(on_reset)
            reset = on_reset
        self._attached.append((target, observer, reset))

    def detach_all(self) -> None:
        """Stop observing every device (call when the notebook is done with the viewer)."""
        for target, observer, reset in self._attached:
            target.remove_observer(observer)
            if reset is not None:
                target.remove_reset_listener(reset)
        self._attached.clear()

    def add_listener(self, listener: Callable[[], None]) -> None:
        self._listeners.append(listener)

    def clear(self) -> None:
        with self._lock:
            self.rows.clear()
            self.total = 0
            self.background = 0
            for decoder in self._decoders.values():
                decoder.reset()
        for listener in list(self._listeners):
            listener()

    # -- reading ------------------------------------------------------------------------------
    @property
    def channels(self) -> list[int]:
        with self._lock:
            return sorted({r.channel for r in self.rows})

    def visible(self) -> list[TraceRow]:
        """The rows that pass the channel filter, oldest first."""
        with self._lock:
            rows = list(self.rows)
        return rows if self.channel is None else [r for r in rows if r.channel == self.channel]

    def text(self) -> str:
        return "\n".join(f"{r.seq:4d} ch{r.channel} {r.entry.command}\n     {r.explain(self.lang)}"
                         for r in self.visible())

    def summary(self) -> str:
        shown = len(self.visible())
        if self.lang == "ja":
            text = f"全 {self.total} 件 / 表示 {shown} 件 (保存は最新 {self.limit} 件まで)"
            return text + (f"。ほかにスマホが J-LIS に自分を証明するやりとり {self.background} 件 (ラボの想定) は省略"
                           if self.background else "")
        text = f"{self.total} exchanges, {shown} shown (the latest {self.limit} are kept)"
        return text + (f"; {self.background} exchanges in which the phone proves itself to J-LIS (a lab "
                       "assumption) left out" if self.background else "")

    def html(self, max_rows: int = 50) -> str:
        lang = self.lang
        rows = self.visible()[-max_rows:]
        if not rows:
            return f'<div class="labkit-trace-empty" lang="{lang}">{esc(LABELS["empty"].get(lang))}</div>'
        colours = {"ok": "#f0fdf4", "warn": "#fffbeb", "error": "#fef2f2"}
        head = "<th>#</th>" + "".join(f"<th>{esc(LABELS[k].get(lang))}</th>"
                                      for k in ("source", "channel", "command", "response", "meaning"))
        body = []
        for r in reversed(rows):  # newest first
            body.append(
                f'<tr class="labkit-trace-row labkit-trace-{r.kind}" data-seq="{r.seq}" '
                f'data-channel="{r.channel}" data-sw="{r.sw:04X}" style="background:{colours[r.kind]}">'
                f'<td>{r.seq}</td><td style="white-space:nowrap">{esc(r.source.get(lang))}</td><td>{r.channel}</td>'
                f'<td><code style="font-size:12px">{esc(r.entry.command)}</code></td>'
                f'<td><code style="font-size:12px">{esc(r.entry.response)}</code></td>'
                f"<td>{esc(r.explain(lang))}</td></tr>")
        return (f'<table class="labkit-trace-table" lang="{lang}" cellpadding="3" '
                f'style="border-collapse:collapse;font-size:13px"><thead><tr>{head}</tr></thead>'
                f"<tbody>{''.join(body)}</tbody></table>")


def _supplement(entry: TraceEntry, raw: bytes, info: Any, ap_before: bytes | None) -> TraceEntry:
    """Name what the card decoder does not know (GP and SE provisioning commands, SE AIDs)
    and mask the SE's SET PIN."""
    entry = replace(entry, command=mask_apdu(raw))
    if info is None or len(raw) < 4:
        return entry
    ins = raw[1]
    if info.proprietary:
        names = _JPKI_SE_NAMES if ap_before == bytes(Aid.JPKI) and ins in _JPKI_SE_NAMES else _GP_NAMES
        name = names.get(ins)
        if name is not None:
            if info.secure_messaging:
                name = Text(f"{name.ja} [{_SECURED.ja}]", f"{name.en} [{_SECURED.en}]")
            entry = replace(entry, name=name)
    elif ins == 0xA4 and raw[2] == 0x04 and len(raw) <= 5:  # no AID: the default application
        entry = replace(entry, target=Text("既定のアプリ (SE ではカード管理 ISD)",
                                           "the default application (on an SE: the ISD)"), detail=None)
    elif ins == 0xA4 and len(raw) > 5 and raw[2] == 0x04:
        aid = raw[5:5 + raw[4]]
        label = _SE_AIDS.get(aid)
        if label is not None:
            entry = replace(entry, target=Text(f"{label.ja} ({aid.hex().upper()})",
                                               f"{label.en} ({aid.hex().upper()})"), detail=None)
    return entry


class ApduTraceViewer(ViewMixin):
    """The live table with a channel filter and a clear button.

    ``min_interval`` (seconds) throttles redraws during bursts (a brute-force loop, a batch);
    the last state is always drawn. ``max_rows`` rows are shown, newest first."""

    def __init__(self, *devices: Any, lang: str | None = None, limit: int = 500, max_rows: int = 50,
                 min_interval: float = 0.2) -> None:
        import ipywidgets as w

        self.model = ApduTraceModel(limit=limit, lang=lang)
        self.max_rows = max_rows
        self.min_interval = min_interval
        self._last_draw = 0.0
        self._timer: threading.Timer | None = None
        self._draw_lock = threading.Lock()
        lang = self.model.lang
        self.filter = w.Dropdown(options=[(LABELS["all"].get(lang), -1)], value=-1,
                                 description=LABELS["filter"].get(lang), layout=w.Layout(width="14em"),
                                 _dom_classes=("labkit-trace-filter",))
        self.clear_button = w.Button(description=LABELS["clear"].get(lang), **shared(w.Button),
                                     _dom_classes=("labkit-trace-clear",))
        self.status = w.HTML(**shared(w.HTML), _dom_classes=("labkit-trace-status",))
        self.table = w.HTML(**shared(w.HTML), _dom_classes=("labkit-trace-table-box",))
        title = w.HTML(f"<b>{esc(LABELS['title'].get(lang))}</b>", **shared(w.HTML))
        tools = w.HBox([self.filter, self.clear_button, self.status], **shared(w.HBox))
        self.widget = w.VBox([title, tools, self.table],
                             _dom_classes=("labkit-trace",))
        self.filter.observe(self._on_filter, names="value")
        self.clear_button.on_click(lambda _b: self.clear())
        self.model.add_listener(self._changed)
        for device in devices:
            self.attach(device)
        self.redraw()

    def attach(self, device: Any, source: Text | None = None) -> ApduTraceViewer:
        self.model.attach(device, source)
        return self

    def detach_all(self) -> None:
        self.model.detach_all()

    def clear(self) -> None:
        self.model.clear()

    def _on_filter(self, change: dict[str, Any]) -> None:
        self.model.channel = None if change["new"] == -1 else int(change["new"])
        self.redraw()

    def _changed(self) -> None:
        if self.min_interval <= 0:
            self.redraw()
            return
        with self._draw_lock:
            wait = self.min_interval - (time.monotonic() - self._last_draw)
            if wait > 0:
                if self._timer is None:
                    self._timer = threading.Timer(wait, self._flush)
                    self._timer.daemon = True
                    self._timer.start()
                return
        self.redraw()

    def _flush(self) -> None:
        with self._draw_lock:
            self._timer = None
        self.redraw()

    def _sync_filter_options(self) -> None:
        lang = self.model.lang
        options = [(LABELS["all"].get(lang), -1)] + [
            (f"{c} ({'基本' if lang == 'ja' else 'basic'})" if c == 0 else str(c), c) for c in self.model.channels]
        if self.model.channel is not None and self.model.channel not in self.model.channels:
            options.append((str(self.model.channel), self.model.channel))
        if list(self.filter.options) != options:
            self.filter.options = options

    def redraw(self) -> None:
        """Draw the current rows now (also what the throttle eventually calls)."""
        with self._draw_lock:
            self._last_draw = time.monotonic()
        self._sync_filter_options()
        self.status.value = f'<span style="color:#6b7280;font-size:12px">{esc(self.model.summary())}</span>'
        self.table.value = scroll_region(self.model.html(self.max_rows), LABELS["title"].get(self.model.lang),
                                         max_height="28em")
