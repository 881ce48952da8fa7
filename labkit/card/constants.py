"""Protocol constants of the My Number Card (マイナンバーカード) as enums.

Sources are the project reference ``jpki-card.md``: §1 (AIDs), §2.1 (JPKI EFs), §3 (PINs),
§4 (signing), §5 (ATRs)."""

from __future__ import annotations

from enum import Enum, IntEnum, StrEnum

from ..i18n import Text


class Aid(bytes, Enum):
    """Application identifiers (reference §1), selected with ``00 A4 04 0C 0A <AID>``."""

    #: 公的個人認証AP (JPKI AP): the two key pairs, certificates and PINs.
    JPKI = bytes.fromhex("D392F000260100000001")
    #: 券面事項入力補助AP ("kenhojo"): My Number and the four basic attributes as text.
    KENHOJO = bytes.fromhex("D3921000310001010408")


class Ins(IntEnum):
    """Instructions the card understands (ISO/IEC 7816-4 §11, JPKI proprietary ``80 2A``)."""

    SELECT = 0xA4
    READ_BINARY = 0xB0
    VERIFY = 0x20
    CHANGE_REFERENCE_DATA = 0x24
    #: ``80 2A 00 80``: JPKI "compute digital signature" (PKCS#1 v1.5 type 1 on the card).
    COMPUTE_SIGNATURE = 0x2A
    GET_RESPONSE = 0xC0
    MANAGE_CHANNEL = 0x70


class JpkiFile(IntEnum):
    """EFs of the JPKI AP (reference §2.1). The values also serve as short EF identifiers."""

    SIGN_CERT = 0x0001  # 署名用電子証明書 — readable after the signing password
    SIGN_CA_CERT = 0x0002  # 署名用CA証明書
    TOKEN_INFO = 0x0006  # CK_TOKEN_INFO, label JPKIAPICCTOKEN2
    CERT_AVAILABILITY = 0x0008  # 8F 8F 00 when both certificates are present
    AUTH_CERT = 0x000A  # 利用者証明用電子証明書
    AUTH_CA_CERT = 0x000B  # 利用者証明用CA証明書
    AUTH_KEY = 0x0017  # 利用者証明用秘密鍵 (never readable)
    AUTH_PIN = 0x0018  # 利用者証明用暗証番号 (4 digits, 3 tries)
    SIGN_KEY = 0x001A  # 署名用秘密鍵 (never readable)
    SIGN_PIN = 0x001B  # 署名用パスワード (6–16 A–Z/0–9, 5 tries)


class KenhojoFile(IntEnum):
    """EFs of the 券面事項入力補助AP (reference §1) that the emulator implements."""

    MY_NUMBER = 0x0001  # 個人番号, BER-TLV FF10 + 12 ASCII digits
    BASIC_ATTRIBUTES = 0x0002  # 基本4情報, FF20 {DF21 offsets, DF22–DF25}
    PIN = 0x0011  # 券面事項入力補助用暗証番号 (4 digits, 3 tries)


class KeyRole(StrEnum):
    """The two JPKI key pairs; each has a key EF, a PIN EF, a certificate and a CA cert."""

    AUTH = "auth"  # 利用者証明用
    SIGN = "sign"  # 署名用

    @property
    def key_file(self) -> JpkiFile:
        return JpkiFile.AUTH_KEY if self is KeyRole.AUTH else JpkiFile.SIGN_KEY

    @property
    def pin_file(self) -> JpkiFile:
        return JpkiFile.AUTH_PIN if self is KeyRole.AUTH else JpkiFile.SIGN_PIN

    @property
    def cert_file(self) -> JpkiFile:
        return JpkiFile.AUTH_CERT if self is KeyRole.AUTH else JpkiFile.SIGN_CERT

    @property
    def ca_cert_file(self) -> JpkiFile:
        return JpkiFile.AUTH_CA_CERT if self is KeyRole.AUTH else JpkiFile.SIGN_CA_CERT

    @property
    def label(self) -> Text:
        if self is KeyRole.AUTH:
            return Text("利用者証明用", "user authentication")
        return Text("署名用", "digital signature")


class Atr(bytes, Enum):
    """Answers-to-reset (reference §5)."""

    #: Contact interface, T=1, no historical bytes; the one ATR in OpenSC's jpki table, so
    #: OpenSC binds without probing. The emulator's default.
    CONTACT = bytes.fromhex("3BE000FF8131FE4514")
    #: Contactless (ISO 14443 Type B) as a PC/SC reader synthesises it from the ATQB;
    #: OpenSC then detects the card by SELECTing the JPKI AID.
    CONTACTLESS = bytes.fromhex("3B888001000005E0B381A1007F")


#: Token labels written to EF 0006 (first 32 bytes of CK_TOKEN_INFO, space padded).
TOKEN_LABEL_CARD = "JPKIAPICCTOKEN2"
TOKEN_LABEL_SMARTPHONE = "JPKIAPGPSETOKEN"

#: The largest input the card pads: 256 − 11 bytes of PKCS#1 v1.5 type-1 overhead.
MAX_SIGN_INPUT = 245

#: EF 0008 byte values: certificate present / absent.
CERT_PRESENT = 0x8F
CERT_ABSENT = 0x00

#: Japanese and English names of every EF, for traces and error messages.
FILE_NAMES: dict[tuple[Aid, int], Text] = {
    (Aid.JPKI, JpkiFile.SIGN_CERT): Text("署名用電子証明書", "digital signature certificate"),
    (Aid.JPKI, JpkiFile.SIGN_CA_CERT): Text("署名用CA証明書", "digital signature CA certificate"),
    (Aid.JPKI, JpkiFile.TOKEN_INFO): Text("トークン情報", "token information"),
    (Aid.JPKI, JpkiFile.CERT_AVAILABILITY): Text("証明書の有無", "certificate availability"),
    (Aid.JPKI, JpkiFile.AUTH_CERT): Text("利用者証明用電子証明書", "user authentication certificate"),
    (Aid.JPKI, JpkiFile.AUTH_CA_CERT): Text("利用者証明用CA証明書", "user authentication CA certificate"),
    (Aid.JPKI, JpkiFile.AUTH_KEY): Text("利用者証明用秘密鍵", "user authentication private key"),
    (Aid.JPKI, JpkiFile.AUTH_PIN): Text("利用者証明用暗証番号", "user authentication PIN"),
    (Aid.JPKI, JpkiFile.SIGN_KEY): Text("署名用秘密鍵", "digital signature private key"),
    (Aid.JPKI, JpkiFile.SIGN_PIN): Text("署名用パスワード", "digital signature password"),
    (Aid.KENHOJO, KenhojoFile.MY_NUMBER): Text("個人番号", "My Number"),
    (Aid.KENHOJO, KenhojoFile.BASIC_ATTRIBUTES): Text("基本4情報", "four basic attributes"),
    (Aid.KENHOJO, KenhojoFile.PIN): Text("券面事項入力補助用暗証番号", "text-AP PIN"),
}

AP_NAMES: dict[Aid, Text] = {
    Aid.JPKI: Text("公的個人認証AP", "JPKI AP"),
    Aid.KENHOJO: Text("券面事項入力補助AP", "text (kenhojo) AP"),
}
