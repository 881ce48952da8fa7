"""The APDU layer (ISO/IEC 7816-4), shared by the card, the secure element and the host."""

from . import tlv
from ._apdu import ApduFormatError, CommandAPDU, ResponseAPDU, StatusWordError
from ._device import ApduExchange, CardDevice, background, current_purpose
from .cla import ClassByte, parse_cla, with_channel
from .sw import SW, describe_sw, is_success, sw_more_data, sw_tries_left, tries_from_sw

__all__ = [
    "SW",
    "ApduExchange",
    "ApduFormatError",
    "CardDevice",
    "ClassByte",
    "CommandAPDU",
    "ResponseAPDU",
    "StatusWordError",
    "background",
    "current_purpose",
    "describe_sw",
    "is_success",
    "parse_cla",
    "sw_more_data",
    "sw_tries_left",
    "tlv",
    "tries_from_sw",
    "with_channel",
]
