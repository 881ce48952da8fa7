"""GlobalPlatform protocol constants, named after the specifications.

"Spec" is GlobalPlatform Card Specification v2.3.1; "Amd D" is Amendment D (SCP03) v1.1.1;
"SEAC" is GPD_SPE_013 (Secure Element Access Control), whose tag values come from AOSP and
pySim because the specification itself is not public.
"""

from __future__ import annotations

from enum import IntEnum, IntFlag

__all__ = [
    "ARA_M_AID",
    "DEFAULT_ISD_AID",
    "AppLifeCycle",
    "AraTag",
    "CardLifeCycle",
    "GetStatusP1",
    "GpIns",
    "GpTag",
    "KeyType",
    "Privilege",
    "ScpDerivation",
    "ScpParameter",
    "SecurityLevel",
    "is_locked",
]

#: Spec §H.1 / Table H-1: the default ISD AID (RID A000000151 = GlobalPlatform).
DEFAULT_ISD_AID = bytes.fromhex("A000000151000000")
#: SEAC: the Access Rule Application Master.
ARA_M_AID = bytes.fromhex("A00000015141434C00")


class GpIns(IntEnum):
    """Instruction bytes of the Security Domain commands (Spec Table 11-10, Amd D §7)."""

    DELETE = 0xE4  # Spec 11.2
    GET_DATA = 0xCA  # Spec 11.3 (ISO CLA 00 or GP CLA 80)
    GET_STATUS = 0xF2  # Spec 11.4
    INSTALL = 0xE6  # Spec 11.5
    LOAD = 0xE8  # Spec 11.6
    MANAGE_CHANNEL = 0x70  # Spec 11.7 (ISO 7816-4)
    PUT_KEY = 0xD8  # Spec 11.8
    SELECT = 0xA4  # Spec 11.9
    SET_STATUS = 0xF0  # Spec 11.10
    STORE_DATA = 0xE2  # Spec 11.11
    INITIALIZE_UPDATE = 0x50  # Amd D 7.1
    EXTERNAL_AUTHENTICATE = 0x82  # Amd D 7.2
    BEGIN_RMAC_SESSION = 0x7A  # Amd D 7.3 (optional; not modelled)
    END_RMAC_SESSION = 0x78  # Amd D 7.4 (optional; not modelled)


class CardLifeCycle(IntEnum):
    """Card (= ISD) life-cycle states, Spec 11.1.1 Table 11-5."""

    OP_READY = 0x01
    INITIALIZED = 0x07
    SECURED = 0x0F
    CARD_LOCKED = 0x7F
    TERMINATED = 0xFF


class AppLifeCycle(IntEnum):
    """Application and load-file life-cycle coding, Spec 11.1.1 Tables 11-3/11-4/11-6.

    Application-specific states are ``0xxxx111``; LOCKED is b8 set on top of the state the
    application had (so ``0x87`` = LOCKED from SELECTABLE)."""

    LOADED = 0x01  # Executable Load File
    INSTALLED = 0x03
    SELECTABLE = 0x07
    PERSONALIZED = 0x0F  # Security Domain
    LOCKED = 0x83  # the minimum LOCKED coding (b8 + b2b1)


def is_locked(state: int) -> bool:
    """Spec Table 11-4: LOCKED = b8 set (with b2 b1 = 11)."""
    return bool(state & 0x80) and state & 0x03 == 0x03


class Privilege(IntFlag):
    """Privileges as a 24-bit value (3 bytes, byte 1 first), Spec 11.1.2 Table 11-7."""

    NONE = 0x000000
    # byte 1
    SECURITY_DOMAIN = 0x800000
    DAP_VERIFICATION = 0xC00000  # implies SECURITY_DOMAIN
    DELEGATED_MANAGEMENT = 0xA00000  # implies SECURITY_DOMAIN
    CARD_LOCK = 0x100000
    CARD_TERMINATE = 0x080000
    CARD_RESET = 0x040000  # "default selected" in GP 2.1.1
    CVM_MANAGEMENT = 0x020000
    MANDATED_DAP = 0xC10000
    # byte 2
    TRUSTED_PATH = 0x008000
    AUTHORIZED_MANAGEMENT = 0x004000
    TOKEN_MANAGEMENT = 0x002000
    GLOBAL_DELETE = 0x001000
    GLOBAL_LOCK = 0x000800
    GLOBAL_REGISTRY = 0x000400
    FINAL_APPLICATION = 0x000200
    GLOBAL_SERVICE = 0x000100
    # byte 3
    RECEIPT_GENERATION = 0x000080
    CIPHERED_LOAD_FILE_DATA_BLOCK = 0x000040
    CONTACTLESS_ACTIVATION = 0x000020
    CONTACTLESS_SELF_ACTIVATION = 0x000010

    def to_bytes3(self) -> bytes:
        return int(self).to_bytes(3, "big")

    @classmethod
    def decode(cls, raw: bytes) -> Privilege:
        """1-byte (byte 1 only) or 3-byte coding, as INSTALL carries them (not ``int.from_bytes``)."""
        if len(raw) == 1:
            return cls(raw[0] << 16)
        if len(raw) == 3:
            return cls(int.from_bytes(raw, "big"))
        raise ValueError("privileges are 1 or 3 bytes")


class GetStatusP1(IntEnum):
    """GET STATUS P1, Spec 11.4.2.1 Table 11-33."""

    ISD = 0x80
    APPLICATIONS = 0x40  # applications and Supplementary Security Domains
    LOAD_FILES = 0x20
    LOAD_FILES_AND_MODULES = 0x10


class GpTag(IntEnum):
    """Data-object tags used by the ISD (Spec 11.1.*, 11.3, 11.4; Spec 7.3 card data)."""

    AID = 0x4F
    FCI = 0x6F
    DF_NAME = 0x84
    FCI_PROPRIETARY = 0xA5
    SD_MANAGEMENT_DATA = 0x73
    MAX_COMMAND_DATA_LENGTH = 0x9F65
    REGISTRY_ENTRY = 0xE3  # GET STATUS: GP Registry related data
    LIFE_CYCLE_STATE = 0x9F70
    PRIVILEGES = 0xC5
    IMPLICIT_SELECTION = 0xCF
    ELF_AID = 0xC4
    ELF_VERSION = 0xCE
    MODULE_AID = 0x84  # inside an ELF registry entry
    ASSOCIATED_SD_AID = 0xCC
    TAG_LIST = 0x5C
    IIN = 0x42
    CIN = 0x45
    CARD_DATA = 0x66  # Card Recognition Data (Spec Table H-2)
    CARD_CAPABILITIES = 0x67
    KEY_INFORMATION_TEMPLATE = 0xE0
    KEY_INFORMATION_DATA = 0xC0
    SEQUENCE_COUNTER = 0xC1
    KEY_DIVERSIFICATION_DATA = 0xCF
    CPLC = 0x9F7F
    INSTALL_PARAMETERS = 0xC9  # application-specific parameters in INSTALL
    DELETE_KEY_ID = 0xD0
    DELETE_KEY_VERSION = 0xD2


class KeyType(IntEnum):
    """Key type coding, Spec 11.1.8 Table 11-16."""

    DES = 0x80
    AES = 0x88
    RSA_PUBLIC_E = 0xA0
    RSA_PUBLIC_N = 0xA1
    ECC_PUBLIC = 0xB0
    ECC_PRIVATE = 0xB1
    ECC_PARAMETERS = 0xF0
    EXTENDED = 0xFF


class SecurityLevel(IntFlag):
    """EXTERNAL AUTHENTICATE P1, Amd D §7.2.2.1 Table 7-4. ``AUTHENTICATED`` alone is 00."""

    AUTHENTICATED = 0x00
    C_MAC = 0x01
    C_DECRYPTION = 0x02  # requires C_MAC
    R_MAC = 0x10
    R_ENCRYPTION = 0x20  # requires R_MAC and C_DECRYPTION
    #: 33: everything (C-MAC, C-DEC, R-MAC, R-ENC), what ``gp`` tools use when asked for "full"
    FULL = 0x33

    @classmethod
    def parse(cls, value: int) -> SecurityLevel:
        """Accept only the combinations Amd D allows: 00, 01, 03, 11, 13, 33."""
        if value not in (0x00, 0x01, 0x03, 0x11, 0x13, 0x33):
            raise ValueError(f"security level {value:02X} is not one of 00 01 03 11 13 33")
        return cls(value)


class ScpParameter(IntFlag):
    """The SCP03 "i" parameter, Amd D §5.1 Table 5-1 (b1 = S16 mode is Amd D v1.2, unsupported)."""

    RANDOM_CHALLENGE = 0x00
    PSEUDO_RANDOM_CHALLENGE = 0x10  # b5: card challenge from a sequence counter (KDF const 02)
    R_MAC_SUPPORT = 0x20  # b6
    R_ENC_SUPPORT = 0x40  # b7 (together with b6)


class ScpDerivation(IntEnum):
    """Derivation constants of the SCP03 KDF, Amd D §4.1.5 Table 4-1."""

    CARD_CRYPTOGRAM = 0x00
    HOST_CRYPTOGRAM = 0x01
    CARD_CHALLENGE = 0x02
    S_ENC = 0x04
    S_MAC = 0x06
    S_RMAC = 0x07


class AraTag(IntEnum):
    """Access-control data objects, SEAC (GPD_SPE_013) as used by AOSP and pySim."""

    REF_AR_DO = 0xE2
    REF_DO = 0xE1
    AR_DO = 0xE3
    AID_REF_DO = 0x4F
    IMPLICIT_AID_REF_DO = 0xC0  # "the default selected application"
    DEVICE_APP_ID_REF_DO = 0xC1  # SHA-1 / SHA-256 of the app's signing certificate
    PKG_REF_DO = 0xCA  # Android extension: package name
    APDU_AR_DO = 0xD0
    NFC_AR_DO = 0xD1
    PERM_AR_DO = 0xDB
    RESPONSE_ALL_REF_AR_DO = 0xFF40  # GET DATA [All]
    RESPONSE_REF_AR_DO = 0xFF50  # GET DATA [Specific]
    GET_NEXT = 0xFF60  # GET DATA [Next]
    REFRESH_TAG = 0xDF20
    ARAM_CONFIG = 0xDF21
    RESPONSE_ARAM_CONFIG_DO = 0xE5
    DEVICE_INTERFACE_VERSION_DO = 0xE6
    COMMAND_STORE_REF_AR_DO = 0xF0
    COMMAND_DELETE = 0xF1
    COMMAND_UPDATE_REFRESH_TAG = 0xF2
