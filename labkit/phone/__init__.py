"""The Android phone of the lab (NFC, GP-SE, network, push, apps, factory reset), the Play
Store, and the Mynaportal app with its screens as an explicit state machine."""

from .apps import BANK, CATALOG, GAME, MYNAPORTAL, MYNAPORTAL_PACKAGE, signing_certificate
from .device import AppFactory, Phone
from .mynaportal import AppState, MynaportalApp
from .network import Internet
from .playstore import PlayStore, StoreState

#: The packages of the lab's Play Store that run their own code (the rest are ordinary apps).
APPS: dict[str, AppFactory] = {MYNAPORTAL_PACKAGE: MynaportalApp}

__all__ = [
    "APPS",
    "BANK",
    "CATALOG",
    "GAME",
    "MYNAPORTAL",
    "MYNAPORTAL_PACKAGE",
    "AppState",
    "Internet",
    "Phone",
    "PlayStore",
    "StoreState",
    "signing_certificate",
]
