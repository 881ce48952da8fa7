"""PC/SC through pyscard: any reader pcscd knows, a USB NFC reader with a real My Number
Card or the virtual reader (vpcd) holding an emulated card.

pyscard is imported lazily, on first use, so the rest of labkit works without it. We use
its low-level ``smartcard.scard`` module (the PC/SC C API one-to-one): it returns the PC/SC
result code of every call, which :func:`~labkit.reader._errors.pcsc_error` maps to precise
labkit errors, and it skips the per-APDU overhead of the high-level classes."""

from __future__ import annotations

import time
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from ..errors import TransportError
from ..i18n import Text
from ._errors import (
    SCARD_E_NO_READERS_AVAILABLE,
    SCARD_E_TIMEOUT,
    SCARD_E_UNKNOWN_READER,
    NoReaderError,
    PcscUnavailableError,
    pcsc_error,
)
from ._transport import Transport

__all__ = ["PcscTransport", "ReaderInfo", "list_readers", "wait_for_card"]

_scard: ModuleType | None = None


def scard() -> ModuleType:
    """pyscard's ``smartcard.scard``, imported on first use."""
    global _scard
    if _scard is None:
        try:
            from smartcard import scard as module
        except ImportError as exc:
            raise PcscUnavailableError(Text(
                "pyscard がインストールされていません (pip install 'labkit[pcsc]')。"
                "インプロセスのカードは pyscard なしで使えます",
                "pyscard is not installed (pip install 'labkit[pcsc]'); "
                "in-process cards work without it")) from exc
        _scard = module
    return _scard


def _check(code: int, reader: str | None = None) -> None:
    if code != 0:
        raise pcsc_error(code, reader, _message(code))


def _message(code: int) -> str:
    try:
        return str(scard().SCardGetErrorMessage(code)).strip()
    except Exception:  # pragma: no cover - message lookup is cosmetic
        return ""


class _Context:
    """A PC/SC context (``SCardEstablishContext``), released on exit."""

    def __init__(self) -> None:
        s = scard()
        code, self.handle = s.SCardEstablishContext(s.SCARD_SCOPE_USER)
        _check(code)

    def readers(self) -> list[str]:
        code, names = scard().SCardListReaders(self.handle, [])
        if code in (SCARD_E_NO_READERS_AVAILABLE, SCARD_E_UNKNOWN_READER):
            return []
        _check(code)
        return list(names)

    def states(self, names: list[str], timeout_ms: int = 0,
               known: dict[str, int] | None = None) -> dict[str, tuple[int, bytes]]:
        s = scard()
        query = [(name, (known or {}).get(name, s.SCARD_STATE_UNAWARE)) for name in names]
        code, result = s.SCardGetStatusChange(self.handle, timeout_ms, query)
        if code == SCARD_E_TIMEOUT:
            return {}
        _check(code)
        return {name: (state & ~s.SCARD_STATE_CHANGED, bytes(atr)) for name, state, atr in result}

    def release(self) -> None:
        if self.handle is not None:
            scard().SCardReleaseContext(self.handle)
            self.handle = None

    def __enter__(self) -> _Context:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


@dataclass(frozen=True, slots=True)
class ReaderInfo:
    """One reader as pcscd sees it."""

    index: int
    name: str
    card_present: bool
    atr: bytes = b""


def list_readers() -> list[ReaderInfo]:
    """The readers pcscd knows, in its order (the order of ``opensc-tool -l``), with whether
    a card is present. Raises PcscUnavailableError when pcscd is not running."""
    s = scard()
    with _Context() as ctx:
        names = ctx.readers()
        states = ctx.states(names) if names else {}
    out = []
    for i, name in enumerate(names):
        state, atr = states.get(name, (0, b""))
        present = bool(state & s.SCARD_STATE_PRESENT) and not state & s.SCARD_STATE_MUTE
        out.append(ReaderInfo(i, name, present, atr if present else b""))
    return out


def resolve_reader(reader: str | int | None, readers: list[ReaderInfo]) -> ReaderInfo:
    """Pick a reader: an index, an exact name or a unique part of one; None takes the first
    reader holding a card (else the first reader)."""
    if not readers:
        raise pcsc_error(SCARD_E_NO_READERS_AVAILABLE)
    if reader is None:
        return next((r for r in readers if r.card_present), readers[0])
    if isinstance(reader, int):
        if 0 <= reader < len(readers):
            return readers[reader]
        names = ", ".join(f"{r.index}: {r.name}" for r in readers)
        raise NoReaderError(Text(f"リーダー番号 {reader} はありません (あるのは {names})",
                                 f"there is no reader number {reader} (readers: {names})"))
    matches = [r for r in readers if r.name == reader] or [r for r in readers if reader in r.name]
    if len(matches) == 1:
        return matches[0]
    names = ", ".join(r.name for r in readers)
    raise NoReaderError(Text(f"リーダー「{reader}」を一つに決められません (あるのは {names})",
                             f"reader {reader!r} does not name exactly one reader (readers: {names})"))


def wait_for_card(reader: str, *, present: bool = True, timeout: float = 5.0) -> bool:
    """Block until pcscd reports a card in (``present``) or out of ``reader``, using
    ``SCardGetStatusChange`` (event-driven, no polling loop). Returns False on timeout."""
    s = scard()
    deadline = time.monotonic() + timeout
    with _Context() as ctx:
        known: dict[str, int] | None = None
        while True:
            remaining = deadline - time.monotonic()
            states = ctx.states([reader], max(0, int(remaining * 1000)) if known else 0, known)
            if reader in states:
                state = states[reader][0]
                if state & s.SCARD_STATE_UNKNOWN:
                    raise pcsc_error(SCARD_E_UNKNOWN_READER, reader)
                is_present = bool(state & s.SCARD_STATE_PRESENT) and not state & s.SCARD_STATE_MUTE
                if is_present == present:
                    return True
                known = {reader: state}
            if time.monotonic() >= deadline:
                return False


class PcscTransport(Transport):
    """A card in a PC/SC reader.

    ``reader`` is an index into :func:`list_readers`, a reader name (or a unique part of
    one), or None for the first reader with a card. ``disconnect`` resets the card by
    default so that a verified PIN never stays open for the next program."""

    def __init__(self, reader: str | int | None = None, *, exclusive: bool = False,
                 reset_on_disconnect: bool = True) -> None:
        super().__init__(str(reader) if reader is not None else "PC/SC")
        self.reader = reader
        self.exclusive = exclusive
        self.reset_on_disconnect = reset_on_disconnect
        self._context: _Context | None = None
        self._card: Any = None
        self._protocol = 0
        self._atr = b""

    @property
    def atr(self) -> bytes:
        if self._card is None:
            raise TransportError(Text(f"{self.name} に接続していません", f"not connected to {self.name}"))
        return self._atr

    @property
    def connected(self) -> bool:
        return self._card is not None

    def _open(self) -> bytes:
        s = scard()
        context = _Context()
        try:
            info = resolve_reader(self.reader, self._list(context))
            self.name = info.name
            share = s.SCARD_SHARE_EXCLUSIVE if self.exclusive else s.SCARD_SHARE_SHARED
            code, card, protocol = s.SCardConnect(
                context.handle, info.name, share, s.SCARD_PROTOCOL_T0 | s.SCARD_PROTOCOL_T1)
            _check(code, info.name)
            code, _name, _state, _proto, atr = s.SCardStatus(card)
            if code != 0:
                s.SCardDisconnect(card, s.SCARD_LEAVE_CARD)
                _check(code, info.name)
        except BaseException:
            context.release()
            raise
        self._context, self._card, self._protocol, self._atr = context, card, protocol, bytes(atr)
        return self._atr

    @staticmethod
    def _list(context: _Context) -> list[ReaderInfo]:
        s = scard()
        names = context.readers()
        states = context.states(names) if names else {}
        return [ReaderInfo(i, n, bool(states.get(n, (0, b""))[0] & s.SCARD_STATE_PRESENT))
                for i, n in enumerate(names)]

    def _close(self) -> None:
        card, context = self._card, self._context
        self._card, self._context, self._atr = None, None, b""
        if card is not None:
            s = scard()
            try:
                s.SCardDisconnect(card, s.SCARD_RESET_CARD if self.reset_on_disconnect
                                  else s.SCARD_LEAVE_CARD)
            except Exception:  # pragma: no cover - pyscard raises only on bad arguments
                pass
        if context is not None:
            context.release()

    def _transmit_raw(self, command: bytes) -> bytes:
        code, response = scard().SCardTransmit(self._card, self._protocol, list(command))
        if code != 0:
            raise pcsc_error(code, self.name, _message(code))
        return bytes(response)

    def card_present(self) -> bool:
        """Whether pcscd still sees a card in this transport's reader."""
        with _Context() as ctx:
            states = ctx.states([self.name])
        state = states.get(self.name, (0, b""))[0]
        return bool(state & scard().SCARD_STATE_PRESENT)
