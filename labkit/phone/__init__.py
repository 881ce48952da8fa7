"""The Android phone of the lab (NFC, GP-SE, network, push, apps, factory reset), the Play
Store, and the Mynaportal app with its screens as an explicit state machine."""

from .apps import BANK, CATALOG, GAME, MYNAPORTAL, MYNAPORTAL_PACKAGE, AppPackage, signing_certificate
from .device import AppFactory, BiometricSensor, InstalledApp, Nfc, NfcListener, Phone, PhoneEvent, PushMessage
from .mynaportal import AppState, MynaportalApp
from .network import Internet
from .playstore import PlayStore, StoreState
from .screen import Button, Checkbox, Input, InputKind, Screen
from .se_client import OmapiTransport, SeJpkiClient

#: The packages of the lab's Play Store that run their own code (the rest are ordinary apps).
APPS: dict[str, AppFactory] = {MYNAPORTAL_PACKAGE: MynaportalApp}

__all__ = [
    "APPS",
    "BANK",
    "CATALOG",
    "GAME",
    "MYNAPORTAL",
    "MYNAPORTAL_PACKAGE",
    "AppFactory",
    "AppPackage",
    "AppState",
    "BiometricSensor",
    "Button",
    "Checkbox",
    "Input",
    "InputKind",
    "InstalledApp",
    "Internet",
    "MynaportalApp",
    "Nfc",
    "NfcListener",
    "OmapiTransport",
    "Phone",
    "PhoneEvent",
    "PlayStore",
    "PushMessage",
    "Screen",
    "SeJpkiClient",
    "StoreState",
    "signing_certificate",
]
