"""The phone's GlobalPlatform secure element (GP-SE): the card manager (ISD) with SCP03, the
ARA-M access rules, the smartphone JPKI AP, tamper response and the SE's own store; plus the
phone-side OMAPI and the host-side GP client.

Typical use::

    se = SecureElement("se.db", mynaportal=AppIdentity.from_certificate(pkg, cert_der))
    service = SecureElementService({"eSE1": se})                   # the phone's system service
    omapi = SEService(service, mynaportal_identity)                # what the app holds
    channel = omapi.get_readers()[0].open_session().open_logical_channel(Aid.JPKI)
    jpki = JpkiProvisioningClient(channel.transmit)
"""

from .access import AccessDecision, AppIdentity, AraReader, find_access_rule
from .ara import AccessRule, ApduFilter, AraM, decode_rules, encode_rules
from .element import JPKI_ELF, JPKI_MODULE, SE_ATR, SecureElement
from .gp_constants import (
    ARA_M_AID,
    DEFAULT_ISD_AID,
    AppLifeCycle,
    CardLifeCycle,
    GetStatusP1,
    GpIns,
    KeyType,
    Privilege,
    ScpParameter,
    SecurityLevel,
)
from .gp_data import Cplc, card_recognition_data, isd_fci
from .host import GlobalPlatformHost
from .inventory import SENSITIVE, AppletInfo, DataCategory, InventoryItem, SeInventory
from .isd import IsdConfig, IssuerSecurityDomain
from .jpki import JPKI_KEY_EFS, SeJpkiApplet
from .keys import KeyStore, decode_put_key, encode_put_key
from .omapi import (
    AccessEvent,
    ApduFilterError,
    Channel,
    NoSuchElementError,
    OmapiStateError,
    Reader,
    SecureElementService,
    SEService,
    Session,
)
from .provisioning import JpkiProvisioningClient
from .registry import LoadFile, Registry, RegistryEntry, StatusEntry, parse_status_response
from .scp03 import (
    InitUpdateResponse,
    Scp03Session,
    Scp03SessionKeys,
    StaticKeys,
    card_cryptogram,
    derive_session_keys,
    host_cryptogram,
    kcv,
    pseudo_random_challenge,
    scp03_kdf,
)
from .store import SeStore
from .tamper import FaultKind, SeEvent, TamperAction, TamperKind, TamperPolicy
from .wallet import WALLET_AID, WalletApplet

__all__ = [
    "ARA_M_AID",
    "DEFAULT_ISD_AID",
    "JPKI_ELF",
    "JPKI_KEY_EFS",
    "JPKI_MODULE",
    "SENSITIVE",
    "SE_ATR",
    "WALLET_AID",
    "AccessDecision",
    "AccessEvent",
    "AccessRule",
    "ApduFilter",
    "ApduFilterError",
    "AppIdentity",
    "AppLifeCycle",
    "AppletInfo",
    "AraM",
    "AraReader",
    "CardLifeCycle",
    "Channel",
    "Cplc",
    "DataCategory",
    "FaultKind",
    "GetStatusP1",
    "GlobalPlatformHost",
    "GpIns",
    "InitUpdateResponse",
    "InventoryItem",
    "IsdConfig",
    "IssuerSecurityDomain",
    "JpkiProvisioningClient",
    "KeyStore",
    "KeyType",
    "LoadFile",
    "NoSuchElementError",
    "OmapiStateError",
    "Privilege",
    "Reader",
    "Registry",
    "RegistryEntry",
    "SEService",
    "Scp03Session",
    "Scp03SessionKeys",
    "ScpParameter",
    "SeEvent",
    "SeInventory",
    "SeJpkiApplet",
    "SeStore",
    "SecureElement",
    "SecureElementService",
    "SecurityLevel",
    "Session",
    "StaticKeys",
    "StatusEntry",
    "TamperAction",
    "TamperKind",
    "TamperPolicy",
    "WalletApplet",
    "card_cryptogram",
    "card_recognition_data",
    "decode_put_key",
    "decode_rules",
    "derive_session_keys",
    "encode_put_key",
    "encode_rules",
    "find_access_rule",
    "host_cryptogram",
    "isd_fci",
    "kcv",
    "parse_status_response",
    "pseudo_random_challenge",
    "scp03_kdf",
]
