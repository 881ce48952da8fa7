"""The Mynaportal app (マイナポータルアプリ, lab edition): the operations on the card, the SE
and J-LIS (:mod:`.core`), and its screens as an explicit state machine (:mod:`.machine`)."""

from .app import MynaportalApp, Outcome
from .core import REGISTERED_SERVICES, AppData, Draft, Flow, MynaportalCore
from .machine import TRANSITIONS, AppState, Transition, transitions_from
from .texts import B, T

__all__ = [
    "REGISTERED_SERVICES",
    "TRANSITIONS",
    "AppData",
    "AppState",
    "B",
    "Draft",
    "Flow",
    "MynaportalApp",
    "MynaportalCore",
    "Outcome",
    "T",
    "Transition",
    "transitions_from",
]
