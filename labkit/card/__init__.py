"""The emulated My Number Card (マイナンバーカード): JPKI AP, 券面事項入力補助AP, on-card keys,
PINs with persistent retry counters, personalisation, save/load and a decoded APDU trace.

The phone's secure element reuses :class:`JpkiApplet` with :attr:`JpkiProfile.SMARTPHONE`.
Personalisation (which needs the lab J-LIS, a layer above) lives in
:mod:`labkit.card.personalise` and is not imported here."""

from ._card import MyNumberCard
from ._eeprom import CardStateError
from ._fileapp import FileSession
from ._jpki import JpkiApplet, token_info
from ._kenhojo import KenhojoApplet, KenhojoRecord, check_my_number, my_number_check_digit
from ._pin import PinPolicy, PinStatus
from ._profile import CardQuirks, JpkiProfile
from ._rsa import pad_type1
from .constants import MAX_SIGN_INPUT, Aid, Atr, Ins, JpkiFile, KenhojoFile, KeyRole
from .trace import Trace, TraceEntry, explain

__all__ = [
    "MAX_SIGN_INPUT",
    "Aid",
    "Atr",
    "CardQuirks",
    "CardStateError",
    "FileSession",
    "Ins",
    "JpkiApplet",
    "JpkiFile",
    "JpkiProfile",
    "KenhojoApplet",
    "KenhojoFile",
    "KenhojoRecord",
    "KeyRole",
    "MyNumberCard",
    "PinPolicy",
    "PinStatus",
    "Trace",
    "TraceEntry",
    "check_my_number",
    "explain",
    "my_number_check_digit",
    "pad_type1",
    "token_info",
]
