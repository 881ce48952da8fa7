"""Android apps as the lab knows them: a package name, a title, and the certificate the app
is signed with. Android identifies an app to the secure element (ARA-M rules) and to other
apps by the hash of that certificate, never by what the app says about itself.

The certificates are deterministic (Ed25519 keys derived from a fixed label, and Ed25519
signatures are deterministic), so the hash in an SE's access rule stays valid across
processes and notebook kernels that share one SE store or one J-LIS.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from ..i18n import Text
from ..se import AppIdentity

__all__ = [
    "BANK",
    "CATALOG",
    "GAME",
    "MYNAPORTAL",
    "MYNAPORTAL_PACKAGE",
    "AppPackage",
    "signing_certificate",
]

MYNAPORTAL_PACKAGE = "jp.go.digital.mynaportal.lab"
_EPOCH = datetime(2020, 1, 1, tzinfo=UTC)


@cache
def signing_certificate(developer: str) -> bytes:
    """The (self-signed) app-signing certificate of ``developer``, DER, stable forever."""
    seed = hashlib.sha256(b"labkit app signing key\n" + developer.encode()).digest()
    key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"{developer} (LAB)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"{developer} app signing (LAB)")])
    serial = int.from_bytes(hashlib.sha256(seed).digest()[:8], "big") | 1
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(serial).not_valid_before(_EPOCH).not_valid_after(datetime(2049, 12, 31, tzinfo=UTC))
            .sign(key, None))
    return cert.public_bytes(Encoding.DER)


@dataclass(frozen=True, slots=True)
class AppPackage:
    """An app in the (lab) Play Store."""

    package: str
    title: Text
    developer: str
    version: str
    description: Text

    @property
    def identity(self) -> AppIdentity:
        """What Android tells the SE service and other apps about this app."""
        return AppIdentity.from_certificate(self.package, signing_certificate(self.developer))

    @property
    def certificate_hash(self) -> bytes:
        """SHA-256 of the signing certificate: the value an ARA-M rule names."""
        return hashlib.sha256(signing_certificate(self.developer)).digest()


MYNAPORTAL = AppPackage(
    MYNAPORTAL_PACKAGE, Text("マイナポータル", "Mynaportal"), "デジタル庁 (ラボ)", "54.2",
    Text("スマホ用電子証明書の申請・登録・利用ができます (ラボ版)",
         "apply for, register and use the smartphone e-certificate (lab edition)"))
BANK = AppPackage(
    "jp.lab.bank", Text("ラボ銀行", "Lab Bank"), "ラボ銀行", "3.1",
    Text("口座開設をスマホ用電子証明書でオンライン本人確認 (連携サービス)",
         "open an account with online identity verification by the smartphone certificate"))
GAME = AppPackage(
    "com.example.puzzle", Text("パズルゲーム", "Puzzle game"), "Example Games", "1.0",
    Text("ただのゲーム (マイナポータルとは無関係)", "just a game (nothing to do with Mynaportal)"))

#: What the lab Play Store offers, in search order.
CATALOG: tuple[AppPackage, ...] = (MYNAPORTAL, BANK, GAME)
