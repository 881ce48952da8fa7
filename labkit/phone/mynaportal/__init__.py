"""The Mynaportal app (マイナポータルアプリ, lab edition): the operations on the card, the SE
and J-LIS (:mod:`.core`), and its screens as an explicit state machine (:mod:`.machine`)."""

from .app import MynaportalApp, Outcome
from .core import AppData, Draft, MynaportalCore
from .machine import TRANSITIONS, AppState, Transition, transitions_from
from .texts import B, T
from .use import REGISTERED_SERVICES, CertificateUse

__all__ = [
    "REGISTERED_SERVICES",
    "TRANSITIONS",
    "AppData",
    "AppState",
    "B",
    "CertificateUse",
    "Draft",
    "MynaportalApp",
    "MynaportalCore",
    "Outcome",
    "T",
    "Transition",
    "transitions_from",
]
