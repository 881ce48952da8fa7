"""A decoded, bilingual APDU trace of a My Number Card (or a phone SE running the JPKI AP).

``Trace`` is an observer for :meth:`CardOS.add_observer`/:meth:`MyNumberCard.add_observer`;
it follows which AP and EF are selected so that each line can say *what* was touched —
「利用者証明用電子証明書 (EF 000A)」 — and which PIN a ``63Cx`` is about. PIN and password
bytes are masked (``**``) before anything is stored: a trace can be shown or saved freely."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..apdu import ApduExchange, ApduFormatError, CommandAPDU, describe_sw, tries_from_sw
from ..apdu.cla import parse_cla
from ..i18n import DEFAULT_LANG, Text, check_lang
from .constants import AP_NAMES, FILE_NAMES, Aid, Ins, JpkiFile

_PIN_INS = (Ins.VERIFY, Ins.CHANGE_REFERENCE_DATA)
_DIGEST_INFO_SHA256 = bytes.fromhex("3031300D060960864801650304020105000420")


#: The JPKI applet in the phone's SE takes its PINs with a proprietary SET PIN (``80 2C``).
_PROPRIETARY_SET_PIN = 0x2C


def _carries_pin(raw: bytes) -> bool:
    return raw[1] in _PIN_INS or (bool(raw[0] & 0x80) and raw[1] == _PROPRIETARY_SET_PIN)


def mask_command(command: bytes) -> str:
    """Hex of ``command`` with the data field of VERIFY / CHANGE REFERENCE DATA (and the SE's
    SET PIN) masked."""
    raw = bytes(command)
    if len(raw) <= 4 or not _carries_pin(raw):
        return raw.hex(" ").upper()
    try:
        apdu = CommandAPDU.from_bytes(raw)
        keep = len(raw) - len(apdu.data) - (0 if apdu.ne is None else (2 if apdu.extended else 1))
        tail = raw[keep + len(apdu.data):]
        masked = len(apdu.data)
    except ApduFormatError:
        keep, tail, masked = 4, b"", len(raw) - 4
    parts = [raw[:keep].hex(" ").upper()] + ["**"] * masked + ([tail.hex(" ").upper()] if tail else [])
    return " ".join(p for p in parts if p)


def _short_hex(data: bytes, limit: int = 12) -> str:
    if len(data) <= limit:
        return data.hex(" ").upper()
    return f"{data[:limit].hex(' ').upper()} … ({len(data)} bytes)"


@dataclass(frozen=True, slots=True)
class TraceEntry:
    """One decoded exchange. ``command`` is masked hex; the raw PIN never reaches here."""

    index: int
    command: str
    response: str
    sw: int
    name: Text
    target: Text | None
    detail: Text | None
    status: Text

    def explain(self, lang: str = DEFAULT_LANG) -> str:
        lang = check_lang(lang)
        parts = [self.name.get(lang)]
        if self.target is not None:
            parts.append(self.target.get(lang))
        if self.detail is not None:
            parts.append(self.detail.get(lang))
        head = " — ".join(parts)
        return f"{head} → {self.sw:04X} {self.status.get(lang)}"

    def as_row(self, lang: str = DEFAULT_LANG) -> dict[str, Any]:
        """A flat dict for tables (notebooks, pandas)."""
        return {"#": self.index, "command": self.command, "response": self.response,
                "SW": f"{self.sw:04X}", "name": self.name.get(lang),
                "target": self.target.get(lang) if self.target else "",
                "detail": self.detail.get(lang) if self.detail else "", "status": self.status.get(lang)}


@dataclass
class TraceDecoder:
    """Stateful decoder: follows the selected AP and EF on the basic channel."""

    ap: bytes | None = None
    ef: int | None = None
    _count: int = 0

    def reset(self) -> None:
        """Call after a card reset or power cycle (the card forgets its selection)."""
        self.ap, self.ef = None, None

    def file_name(self, fid: int, ap: bytes | None = None) -> Text:
        ap = self.ap if ap is None else ap
        names = [FILE_NAMES[(a, fid)] for a in Aid if (a, fid) in FILE_NAMES and (ap is None or a == ap)]
        if len(names) == 1:
            return Text(f"{names[0].ja} (EF {fid:04X})", f"{names[0].en} (EF {fid:04X})")
        return Text(f"EF {fid:04X}", f"EF {fid:04X}")

    def decode(self, exchange: ApduExchange) -> TraceEntry:
        self._count += 1
        raw, response = bytes(exchange.command), bytes(exchange.response)
        sw = exchange.sw
        data = response[:-2]
        name, target, detail = self._describe(raw, data, sw)
        status = describe_sw(sw)
        tries = tries_from_sw(sw)
        if tries is not None and target is not None:
            status = Text(f"{status.ja} ({target.ja})", f"{status.en} ({target.en})")
        return TraceEntry(self._count, mask_command(raw), response.hex(" ").upper() if len(data) <= 12
                          else f"{_short_hex(data)} {sw:04X}", sw, name, target, detail, status)

    def _describe(self, raw: bytes, data: bytes, sw: int) -> tuple[Text, Text | None, Text | None]:
        try:
            apdu = CommandAPDU.from_bytes(raw)
        except ApduFormatError:
            return Text("不正な APDU", "malformed APDU"), None, None
        info = parse_cla(apdu.cla)
        ok = sw == 0x9000 or sw >> 8 == 0x61
        if info is None:
            return Text(f"不正な CLA {apdu.cla:02X}", f"invalid CLA {apdu.cla:02X}"), None, None
        if info.channel:
            return Text(f"論理チャネル {info.channel} 宛て", f"command on logical channel {info.channel}"), None, None
        handler: Callable[..., tuple[Text, Text | None, Text | None]] | None = {
            Ins.SELECT: self._select, Ins.READ_BINARY: self._read_binary, Ins.VERIFY: self._verify,
            Ins.CHANGE_REFERENCE_DATA: self._change, Ins.COMPUTE_SIGNATURE: self._sign,
        }.get(apdu.ins)  # type: ignore[call-overload]
        if apdu.ins == Ins.GET_RESPONSE:
            return (Text("GET RESPONSE (残りの応答を取得)", "GET RESPONSE"), None,
                    Text(f"{len(data)} バイト受信", f"{len(data)} bytes received"))
        if apdu.ins == Ins.MANAGE_CHANNEL:
            return Text("MANAGE CHANNEL (論理チャネル)", "MANAGE CHANNEL"), None, None
        if handler is None:
            return Text(f"INS {apdu.ins:02X}", f"INS {apdu.ins:02X}"), None, None
        return handler(apdu, data, ok)

    def _select(self, apdu: CommandAPDU, data: bytes, ok: bool) -> tuple[Text, Text | None, Text | None]:
        if apdu.p1 == 0x04:
            aid = apdu.data
            known = next((a for a in Aid if a == aid), None)
            target = (Text(f"{AP_NAMES[known].ja} ({aid.hex().upper()})", f"{AP_NAMES[known].en} ({aid.hex().upper()})")
                      if known else Text(f"AID {aid.hex().upper()}", f"AID {aid.hex().upper()}"))
            if ok:
                self.ap, self.ef = (bytes(known) if known else aid), None
            detail = None if known or ok else Text("このカードにない AP (他のドライバの探索など)",
                                                   "not on this card (e.g. another driver probing)")
            return Text("SELECT (AP を選択)", "SELECT (application)"), target, detail
        if len(apdu.data) == 2:
            fid = int.from_bytes(apdu.data, "big")
            if ok:
                self.ef = fid
            target = (Text("MF (3F00)", "MF (3F00)") if fid == 0x3F00 else self.file_name(fid))
            return Text("SELECT (EF を選択)", "SELECT (EF)"), target, None
        return Text("SELECT", "SELECT"), None, None

    def _read_binary(self, apdu: CommandAPDU, data: bytes, ok: bool) -> tuple[Text, Text | None, Text | None]:
        fid: int | None
        if apdu.p1 & 0x80:
            fid, offset = apdu.p1 & 0x1F, apdu.p2
            if ok:
                self.ef = fid
        else:
            fid, offset = self.ef, (apdu.p1 << 8) | apdu.p2
        target = self.file_name(fid) if fid is not None else None
        le = apdu.ne or 0
        detail = Text(f"オフセット {offset}、最大 {le} バイト要求 → {len(data)} バイト",
                      f"offset {offset}, up to {le} bytes → {len(data)} bytes")
        if offset == 0 and len(data) >= 4 and data[:2] == b"\x30\x82":
            total = int.from_bytes(data[2:4], "big") + 4
            detail = Text(f"{detail.ja} (DER ヘッダ: 証明書は全 {total} バイト)",
                          f"{detail.en} (DER header: the certificate is {total} bytes)")
        return Text("READ BINARY (読み出し)", "READ BINARY"), target, detail

    def _pin_target(self, apdu: CommandAPDU, ok: bool) -> Text | None:
        fid = (apdu.p2 & 0x1F) or self.ef
        return self.file_name(fid) if fid is not None else None

    def _verify(self, apdu: CommandAPDU, data: bytes, ok: bool) -> tuple[Text, Text | None, Text | None]:
        target = self._pin_target(apdu, ok)
        if not apdu.data:
            return (Text("VERIFY (残り回数の照会、回数は減らない)", "VERIFY without data (query tries left)"),
                    target, None)
        n = len(apdu.data)
        return (Text("VERIFY (暗証番号の照合)", "VERIFY (PIN)"), target,
                Text(f"{n} 桁の値 (伏せ字)", f"{n}-character value (masked)"))

    def _change(self, apdu: CommandAPDU, data: bytes, ok: bool) -> tuple[Text, Text | None, Text | None]:
        return (Text("CHANGE REFERENCE DATA (暗証番号の変更)", "CHANGE REFERENCE DATA (new PIN)"),
                self._pin_target(apdu, ok), Text("新しい値は伏せ字", "new value masked"))

    def _sign(self, apdu: CommandAPDU, data: bytes, ok: bool) -> tuple[Text, Text | None, Text | None]:
        fid = (apdu.p2 & 0x1F) or self.ef
        target = self.file_name(fid, bytes(Aid.JPKI)) if fid is not None else None
        if len(apdu.data) == 51 and apdu.data.startswith(_DIGEST_INFO_SHA256):
            what = Text("SHA-256 DigestInfo (51 バイト)", "a SHA-256 DigestInfo (51 bytes)")
        else:
            what = Text(f"{len(apdu.data)} バイトのデータ", f"{len(apdu.data)} bytes of data")
        detail = Text(f"{what.ja} に PKCS#1 v1.5 パディングを付けて秘密鍵で計算",
                      f"the card pads {what.en} (PKCS#1 v1.5 type 1) and applies the private key")
        if ok and data:
            detail = Text(f"{detail.ja} → 署名 {len(data)} バイト", f"{detail.en} → {len(data)}-byte signature")
        if fid in (JpkiFile.AUTH_KEY, JpkiFile.SIGN_KEY) and ok:
            self.ef = fid
        return Text("署名計算 (COMPUTE DIGITAL SIGNATURE)", "COMPUTE DIGITAL SIGNATURE"), target, detail


@dataclass
class Trace:
    """Collects decoded entries; use as an observer: ``card.add_observer(trace)``."""

    entries: list[TraceEntry] = field(default_factory=list)
    decoder: TraceDecoder = field(default_factory=TraceDecoder)
    #: Keep at most this many entries (oldest dropped); None = unlimited.
    limit: int | None = 1000

    def __call__(self, exchange: ApduExchange) -> None:
        self.entries.append(self.decoder.decode(exchange))
        if self.limit is not None and len(self.entries) > self.limit:
            del self.entries[: len(self.entries) - self.limit]

    def attach(self, device: Any) -> Trace:
        """Observe ``device`` (anything with ``add_observer``, e.g. a MyNumberCard or CardOS);
        with ``add_reset_listener`` the decoder also forgets the selection on resets."""
        device.add_observer(self)
        if hasattr(device, "add_reset_listener"):
            device.add_reset_listener(self.decoder.reset)
        return self

    def detach(self, device: Any) -> None:
        device.remove_observer(self)
        if hasattr(device, "remove_reset_listener"):
            device.remove_reset_listener(self.decoder.reset)

    def clear(self) -> None:
        self.entries.clear()
        self.decoder.reset()

    def lines(self, lang: str = DEFAULT_LANG) -> list[str]:
        return [f"{e.index:3d}  {e.command}\n     {e.explain(lang)}" for e in self.entries]

    def to_text(self, lang: str = DEFAULT_LANG) -> str:
        return "\n".join(self.lines(lang))

    def rows(self, lang: str = DEFAULT_LANG) -> list[dict[str, Any]]:
        return [e.as_row(lang) for e in self.entries]

    def __str__(self) -> str:
        return self.to_text()


def explain(exchange: ApduExchange, lang: str = DEFAULT_LANG, *, decoder: TraceDecoder | None = None) -> str:
    """One exchange in words. Without a ``decoder`` (the selection context) files are named
    only when the FID is unambiguous across the card's APs."""
    entry = (decoder or TraceDecoder()).decode(exchange)
    return f"{entry.command} → {entry.response}: {entry.explain(lang)}"
