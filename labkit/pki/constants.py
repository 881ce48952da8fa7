"""Protocol constants of the lab JPKI: CA kinds, form factors, revocation reasons, OIDs.

OIDs that software outside the lab must recognise (the four basic attributes in the SAN)
use the real J-LIS arc. Everything that would *claim* something in J-LIS's name (the
certificate policies) lives under a private lab arc instead, so a lab certificate can never
be mistaken for a real one.
"""

from __future__ import annotations

from datetime import date
from enum import Enum, IntEnum, StrEnum

from cryptography import x509
from cryptography.x509.oid import ObjectIdentifier

from ..i18n import Text

#: The lab's private arc: ``2.25.<UUID>`` (ITU-T X.667 lets anyone mint OIDs from a UUID
#: without registration). UUID a117ef85-f6ec-438a-a5af-12d0c940c164.
LAB_ARC = "2.25.214129988258777581584981117109905965412"


class CaKind(StrEnum):
    """The two J-LIS CAs; the value is the path segment the HTTP server uses."""

    SIGN = "sign"  # 署名用認証局
    AUTH = "auth"  # 利用者証明用認証局

    @property
    def label(self) -> Text:
        return (Text("署名用", "signing") if self is CaKind.SIGN
                else Text("利用者証明用", "user authentication"))


class Form(StrEnum):
    """Where the certificate's key lives."""

    CARD = "card"    # マイナンバーカード
    PHONE = "phone"  # スマホ (GP-SE)


class Sex(IntEnum):
    """JIS X 0303 sex codes as written in the SAN (.5.5.3)."""

    MALE = 1
    FEMALE = 2
    NOT_APPLICABLE = 9


class Era(IntEnum):
    """Era digit of the date-of-birth attribute (.5.5.4): ``E`` in ``EYYYYMMDD``."""

    MEIJI = 1   # 明治
    TAISHO = 2  # 大正
    SHOWA = 3   # 昭和
    HEISEI = 4  # 平成
    REIWA = 5   # 令和

    @property
    def first_day(self) -> date:
        return _ERA_START[self]

    @classmethod
    def of(cls, day: date) -> Era:
        """The era a Gregorian ``day`` falls in (the change happens on the first day)."""
        for era in reversed(cls):
            if day >= era.first_day:
                return era
        raise ValueError(f"{day} is before the Meiji era")


_ERA_START = {
    Era.MEIJI: date(1868, 1, 25),
    Era.TAISHO: date(1912, 7, 30),
    Era.SHOWA: date(1926, 12, 25),
    Era.HEISEI: date(1989, 1, 8),
    Era.REIWA: date(2019, 5, 1),
}


class BasicAttributeOid(Enum):
    """SAN ``otherName`` type-ids of the signing certificate (J-LIS arc 1.2.392.200149.8.5.5)."""

    NAME = ObjectIdentifier("1.2.392.200149.8.5.5.1")                # 氏名
    NAME_SUBSTITUTE = ObjectIdentifier("1.2.392.200149.8.5.5.2")     # 氏名代替文字の使用位置
    SEX = ObjectIdentifier("1.2.392.200149.8.5.5.3")                 # 性別
    BIRTH_DATE = ObjectIdentifier("1.2.392.200149.8.5.5.4")          # 生年月日
    ADDRESS = ObjectIdentifier("1.2.392.200149.8.5.5.5")             # 住所
    ADDRESS_SUBSTITUTE = ObjectIdentifier("1.2.392.200149.8.5.5.6")  # 住所代替文字の使用位置


#: The order observed on a real test card: 1, 4, 3, 5, 2, 6.
SAN_ORDER: tuple[BasicAttributeOid, ...] = (
    BasicAttributeOid.NAME,
    BasicAttributeOid.BIRTH_DATE,
    BasicAttributeOid.SEX,
    BasicAttributeOid.ADDRESS,
    BasicAttributeOid.NAME_SUBSTITUTE,
    BasicAttributeOid.ADDRESS_SUBSTITUTE,
)


class LabPolicy(Enum):
    """Certificate policies of the lab, one per end-entity profile.

    The real ones are 1.2.392.200149.8.5.1.1.20 (signing), 1.2.392.200149.8.5.1.3.30
    (user auth) and 1.2.392.200149.8.5.1.0.20 (J-LIS test environment); the smartphone
    ones are not public. The lab mirrors that shape under :data:`LAB_ARC`, with a distinct
    policy per form factor so a relying party can tell a phone certificate from a card one.
    """

    CARD_SIGN = ObjectIdentifier(f"{LAB_ARC}.1.1")
    CARD_AUTH = ObjectIdentifier(f"{LAB_ARC}.1.2")
    PHONE_SIGN = ObjectIdentifier(f"{LAB_ARC}.1.3")
    PHONE_AUTH = ObjectIdentifier(f"{LAB_ARC}.1.4")


class Reason(IntEnum):
    """Revocation reasons J-LIS uses (RFC 5280 CRLReason codes)."""

    UNSPECIFIED = 0             # 交付前の廃棄など
    KEY_COMPROMISE = 1          # 秘密鍵の危殆化・紛失
    AFFILIATION_CHANGED = 3     # 基本4情報の変更 (転居・婚姻など)
    SUPERSEDED = 4              # 更新・再発行・機種変更
    CESSATION_OF_OPERATION = 5  # 利用の停止 (廃止・死亡など)
    CERTIFICATE_HOLD = 6        # 一時保留 / 一時利用停止

    @property
    def flag(self) -> x509.ReasonFlags:
        return _REASON_FLAGS[self]

    @classmethod
    def from_flag(cls, flag: x509.ReasonFlags | None) -> Reason:
        if flag is None:
            return cls.UNSPECIFIED
        for reason, f in _REASON_FLAGS.items():
            if f is flag:
                return reason
        raise ValueError(f"reason {flag} is not used by JPKI")

    @property
    def label(self) -> Text:
        return _REASON_LABELS[self]


_REASON_FLAGS = {
    Reason.UNSPECIFIED: x509.ReasonFlags.unspecified,
    Reason.KEY_COMPROMISE: x509.ReasonFlags.key_compromise,
    Reason.AFFILIATION_CHANGED: x509.ReasonFlags.affiliation_changed,
    Reason.SUPERSEDED: x509.ReasonFlags.superseded,
    Reason.CESSATION_OF_OPERATION: x509.ReasonFlags.cessation_of_operation,
    Reason.CERTIFICATE_HOLD: x509.ReasonFlags.certificate_hold,
}

_REASON_LABELS = {
    Reason.UNSPECIFIED: Text("理由なし", "unspecified"),
    Reason.KEY_COMPROMISE: Text("鍵の危殆化", "key compromise"),
    Reason.AFFILIATION_CHANGED: Text("基本4情報の変更", "basic attributes changed"),
    Reason.SUPERSEDED: Text("機種変更・再発行など", "superseded (device change, re-issue etc.)"),
    Reason.CESSATION_OF_OPERATION: Text("利用の停止", "cessation of operation"),
    Reason.CERTIFICATE_HOLD: Text("一時保留", "certificate hold"),
}


class CertState(StrEnum):
    """What :meth:`Jpki.status` reports; revoked and held win over expired."""

    GOOD = "good"        # 有効
    HELD = "held"        # 一時保留
    REVOKED = "revoked"  # 失効
    EXPIRED = "expired"  # 有効期間満了
    UNKNOWN = "unknown"  # このラボでは発行していない

    @property
    def label(self) -> Text:
        return _STATE_LABELS[self]


_STATE_LABELS = {
    CertState.GOOD: Text("有効", "valid"),
    CertState.HELD: Text("一時保留中", "on hold"),
    CertState.REVOKED: Text("失効", "revoked"),
    CertState.EXPIRED: Text("有効期間満了", "expired"),
    CertState.UNKNOWN: Text("不明 (未発行)", "unknown (never issued)"),
}
