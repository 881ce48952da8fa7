"""Host-side errors, and the one place where PC/SC failures become labkit errors.

pyscard reports failures as PC/SC result codes (``SCARD_E_…``/``SCARD_W_…``), either as the
return value of the low-level ``smartcard.scard`` calls or inside its exception classes.
:func:`pcsc_error` turns a code into the most specific :class:`~labkit.errors.TransportError`
subclass, with a bilingual message that says what happened and what to do about it."""

from __future__ import annotations

from ..errors import CardError, LabkitError, TransportError
from ..i18n import Text

__all__ = [
    "CardRemovedError",
    "LastTryRefusedError",
    "NoCardError",
    "NoReaderError",
    "PcscUnavailableError",
    "PinBlockedError",
    "TransactionFailedError",
    "WrongCardError",
    "WrongPinError",
    "pcsc_error",
    "pyscard_error",
]


class NoReaderError(TransportError):
    """No reader is connected, or the one asked for does not exist."""


class NoCardError(TransportError):
    """The reader is there but holds no card (or the emulator is not attached)."""


class CardRemovedError(TransportError):
    """The card left the reader during the session (or was reset by another program)."""


class TransactionFailedError(TransportError):
    """An exchange with the card failed half-way: the emulator died, the card was pulled
    out of the field, or the reader lost it."""


class PcscUnavailableError(TransportError):
    """The PC/SC service cannot be used: pcscd is not running, or pyscard is not installed."""


class WrongCardError(CardError):
    """The card in the reader is not a My Number Card: it has no JPKI AP."""


class WrongPinError(CardError):
    """The card refused a PIN; ``tries_left`` attempts remain."""

    def __init__(self, text: Text, *, sw: int, tries_left: int) -> None:
        super().__init__(text, sw=sw)
        self.tries_left = tries_left


class PinBlockedError(CardError):
    """The PIN is blocked (0 tries left): only the municipal office can reset it."""


class LastTryRefusedError(LabkitError):
    """The client refused to send a PIN that would use the last try (nothing was sent)."""


# PC/SC result codes (pcsclite ``pcsclite.h``; the same values as WinSCard).
SCARD_E_INVALID_HANDLE = 0x80100003
SCARD_E_UNKNOWN_READER = 0x80100009
SCARD_E_TIMEOUT = 0x8010000A
SCARD_E_SHARING_VIOLATION = 0x8010000B
SCARD_E_NO_SMARTCARD = 0x8010000C
SCARD_E_PROTO_MISMATCH = 0x8010000F
SCARD_E_NOT_TRANSACTED = 0x80100016
SCARD_E_READER_UNAVAILABLE = 0x80100017
SCARD_E_NO_SERVICE = 0x8010001D
SCARD_E_SERVICE_STOPPED = 0x8010001E
SCARD_E_NO_READERS_AVAILABLE = 0x8010002E
SCARD_E_COMM_DATA_LOST = 0x8010002F
SCARD_W_UNRESPONSIVE_CARD = 0x80100066
SCARD_W_UNPOWERED_CARD = 0x80100067
SCARD_W_RESET_CARD = 0x80100068
SCARD_W_REMOVED_CARD = 0x80100069

_NO_SERVICE = Text(
    "PC/SC サービス (pcscd) が動いていません。pcscd を起動してください",
    "the PC/SC service (pcscd) is not running; start pcscd")
_NO_READER = Text(
    "カードリーダーが見つかりません{who}。リーダーを接続するか、仮想リーダー (vpcd) の設定を確認してください",
    "no card reader found{who}; connect a reader or check the virtual reader (vpcd) set-up")
_NO_CARD = Text(
    "リーダー{who}にカードがありません。カードを置くか、エミュレータを起動してください",
    "no card in reader{who}; place the card on the reader or start the emulator")
_REMOVED = Text(
    "通信中にカードがリーダーから外されました{who}。カードを置き直して再接続してください",
    "the card was removed during the session{who}; put it back and reconnect")
_RESET = Text(
    "別のプログラムがカードをリセットしました{who}。再接続してください",
    "another program reset the card{who}; reconnect")
_FAILED = Text(
    "カードとの通信に失敗しました{who} (エミュレータの停止、またはカードが読み取り範囲外)。"
    "エミュレータを再起動するかカードを置き直して再接続してください",
    "the exchange with the card failed{who} (the emulator stopped, or the card left the field); "
    "restart the emulator or replace the card, then reconnect")
_SHARING = Text(
    "別のプログラムがカードを占有しています{who}", "another program holds the card exclusively{who}")
_OTHER = Text("PC/SC エラー{who}: {message}", "PC/SC error{who}: {message}")

_BY_CODE: dict[int, tuple[type[TransportError], Text]] = {
    SCARD_E_NO_SERVICE: (PcscUnavailableError, _NO_SERVICE),
    SCARD_E_SERVICE_STOPPED: (PcscUnavailableError, _NO_SERVICE),
    SCARD_E_NO_READERS_AVAILABLE: (NoReaderError, _NO_READER),
    SCARD_E_UNKNOWN_READER: (NoReaderError, _NO_READER),
    SCARD_E_READER_UNAVAILABLE: (NoReaderError, _NO_READER),
    SCARD_E_NO_SMARTCARD: (NoCardError, _NO_CARD),
    SCARD_W_REMOVED_CARD: (CardRemovedError, _REMOVED),
    SCARD_E_INVALID_HANDLE: (CardRemovedError, _REMOVED),
    SCARD_W_RESET_CARD: (CardRemovedError, _RESET),
    SCARD_E_NOT_TRANSACTED: (TransactionFailedError, _FAILED),
    SCARD_W_UNRESPONSIVE_CARD: (TransactionFailedError, _FAILED),
    SCARD_W_UNPOWERED_CARD: (TransactionFailedError, _FAILED),
    SCARD_E_COMM_DATA_LOST: (TransactionFailedError, _FAILED),
    SCARD_E_TIMEOUT: (TransactionFailedError, _FAILED),
    SCARD_E_PROTO_MISMATCH: (TransactionFailedError, _FAILED),
    SCARD_E_SHARING_VIOLATION: (TransportError, _SHARING),
}


def pcsc_error(code: int, reader: str | None = None, message: str = "") -> TransportError:
    """The labkit error for a PC/SC result code (``reader`` names the reader in the text)."""
    code &= 0xFFFFFFFF
    who = f" ({reader})" if reader else ""
    cls, text = _BY_CODE.get(code, (TransportError, _OTHER))
    text = text.format(who=who, message=message or f"0x{code:08X}")
    return cls(Text(f"{text.ja} [0x{code:08X}]", f"{text.en} [0x{code:08X}]"),
               pcsc_code=code, reader=reader)


def pyscard_error(exc: BaseException, reader: str | None = None) -> TransportError:
    """Translate an exception raised by pyscard's high-level API (``smartcard.Exceptions``,
    ``smartcard.pcsc.PCSCExceptions``) into a labkit error."""
    code = getattr(exc, "hresult", None)
    name = type(exc).__name__
    if isinstance(code, int) and code not in (0, -1):
        return pcsc_error(code, reader, str(exc))
    if name == "NoCardException":
        return pcsc_error(SCARD_E_NO_SMARTCARD, reader, str(exc))
    if name == "NoReadersException":
        return pcsc_error(SCARD_E_NO_READERS_AVAILABLE, reader, str(exc))
    return TransportError(_OTHER.format(who=f" ({reader})" if reader else "", message=str(exc)),
                          reader=reader)

