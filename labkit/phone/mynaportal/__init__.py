"""The Mynaportal app (マイナポータルアプリ, lab edition): the operations on the card, the SE
and J-LIS (:mod:`.core`), and its screens as an explicit state machine (:mod:`.machine`)."""

from .app import MynaportalApp
from .machine import TRANSITIONS, AppState, transitions_from
from .texts import B

__all__ = [
    "TRANSITIONS",
    "AppState",
    "B",
    "MynaportalApp",
    "transitions_from",
]
