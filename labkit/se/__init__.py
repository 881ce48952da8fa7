"""The phone's GlobalPlatform secure element (GP-SE): the card manager (ISD) with SCP03 and
the host-side GP client."""

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
from .isd import IsdConfig, IssuerSecurityDomain
from .keys import KeyStore, decode_put_key, encode_put_key
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

__all__ = [
    "ARA_M_AID",
    "DEFAULT_ISD_AID",
    "AppLifeCycle",
    "CardLifeCycle",
    "Cplc",
    "GetStatusP1",
    "GlobalPlatformHost",
    "GpIns",
    "InitUpdateResponse",
    "IsdConfig",
    "IssuerSecurityDomain",
    "KeyStore",
    "KeyType",
    "LoadFile",
    "Privilege",
    "Registry",
    "RegistryEntry",
    "Scp03Session",
    "Scp03SessionKeys",
    "ScpParameter",
    "SecurityLevel",
    "StaticKeys",
    "StatusEntry",
    "card_cryptogram",
    "card_recognition_data",
    "decode_put_key",
    "derive_session_keys",
    "encode_put_key",
    "host_cryptogram",
    "isd_fci",
    "kcv",
    "parse_status_response",
    "pseudo_random_challenge",
    "scp03_kdf",
]
