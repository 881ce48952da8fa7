"""A small card OS shared by the emulated My Number Card and the phone's GP-SE."""

from ._applet import ISO, PROPRIETARY, Applet, HandlerResult, handles
from ._os import CardOS, Channel

__all__ = ["ISO", "PROPRIETARY", "Applet", "CardOS", "Channel", "HandlerResult", "handles"]
