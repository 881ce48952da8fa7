"""Certificate checks a JPKI relying party makes, reported as bilingual problems rather
than exceptions, so a notebook can show *every* reason a signature is refused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from cryptography import x509

from ..clock import to_jst
from ..errors import PkiError
from ..i18n import Text
from ._ca import is_issued_by
from .constants import CaKind, CertState
from .profiles import Profile, profile_of
from .revocation import RevocationChecker, RevocationStatus


class Failure(StrEnum):
    """Why a signature or certificate is not accepted."""

    MALFORMED = "malformed"
    UNSUPPORTED = "unsupported"
    SIGNER_NOT_FOUND = "signer-not-found"
    DIGEST_MISMATCH = "digest-mismatch"
    BAD_SIGNATURE = "bad-signature"
    CERT_MISMATCH = "signing-certificate-mismatch"
    UNTRUSTED = "untrusted"
    NOT_YET_VALID = "not-yet-valid"
    EXPIRED = "expired"
    NOT_VALID_AT_SIGNING_TIME = "not-valid-at-signing-time"
    WRONG_PURPOSE = "wrong-purpose"
    REVOKED = "revoked"
    HELD = "held"
    REVOCATION_UNKNOWN = "revocation-unknown"

    @property
    def text(self) -> Text:
        return _TEXTS[self]


_TEXTS = {
    Failure.MALFORMED: Text("署名データの形式が正しくありません", "the signature data is malformed"),
    Failure.UNSUPPORTED: Text("対応していない署名形式です", "unsupported signature format"),
    Failure.SIGNER_NOT_FOUND: Text("署名者の証明書が見つかりません", "the signer's certificate is missing"),
    Failure.DIGEST_MISMATCH: Text("文書が改ざんされています (ハッシュ値が一致しません)",
                                  "the document was altered (digest mismatch)"),
    Failure.BAD_SIGNATURE: Text("署名値が正しくありません", "the signature value is wrong"),
    Failure.CERT_MISMATCH: Text("署名属性の証明書と署名者の証明書が一致しません",
                                "the signed signing-certificate attribute names another certificate"),
    Failure.UNTRUSTED: Text("信頼できる認証局 (JPKI-LAB) が発行した証明書ではありません",
                            "the certificate was not issued by a trusted (JPKI-LAB) CA"),
    Failure.NOT_YET_VALID: Text("証明書の有効期間がまだ始まっていません", "the certificate is not yet valid"),
    Failure.EXPIRED: Text("証明書の有効期間が過ぎています", "the certificate has expired"),
    Failure.NOT_VALID_AT_SIGNING_TIME: Text("署名時刻に証明書が有効ではありません",
                                            "the certificate was not valid at the signing time"),
    Failure.WRONG_PURPOSE: Text("この用途に使えない証明書です", "the certificate is not for this purpose"),
    Failure.REVOKED: Text("証明書は失効しています", "the certificate is revoked"),
    Failure.HELD: Text("証明書は一時保留 (一時利用停止) 中です", "the certificate is on hold (suspended)"),
    Failure.REVOCATION_UNKNOWN: Text("失効情報を確認できません", "the revocation status could not be established"),
}


@dataclass(frozen=True, slots=True)
class Problem:
    failure: Failure
    detail: Text | None = None

    @property
    def text(self) -> Text:
        if self.detail is None:
            return self.failure.text
        return Text(f"{self.failure.text.ja} ({self.detail.ja})", f"{self.failure.text.en} ({self.detail.en})")


def _when(value: datetime) -> str:
    return f"{to_jst(value):%Y-%m-%d %H:%M:%S} JST"


def find_issuer(cert: x509.Certificate, anchors: Sequence[x509.Certificate]) -> x509.Certificate | None:
    """The anchor whose key signed ``cert`` (JPKI root generations share one DN)."""
    return next((a for a in anchors if a.subject == cert.issuer and is_issued_by(cert, a)), None)


def check_certificate(
    cert: x509.Certificate,
    *,
    anchors: Sequence[x509.Certificate],
    at: datetime,
    purpose: CaKind | None = None,
    revocation: RevocationChecker | None = None,
) -> tuple[list[Problem], Profile | None, RevocationStatus | None]:
    """Path (end entity directly under a lab root), validity at ``at``, purpose, revocation."""
    problems: list[Problem] = []
    issuer = find_issuer(cert, anchors)
    if issuer is None:
        problems.append(Problem(Failure.UNTRUSTED))
    elif not issuer.not_valid_before_utc <= at <= issuer.not_valid_after_utc:
        problems.append(Problem(Failure.UNTRUSTED, Text("ルート証明書の有効期間外", "the root is out of its validity")))
    if at < cert.not_valid_before_utc:
        problems.append(Problem(Failure.NOT_YET_VALID, Text(f"開始 {_when(cert.not_valid_before_utc)}",
                                                            f"starts {_when(cert.not_valid_before_utc)}")))
    if at > cert.not_valid_after_utc:
        problems.append(Problem(Failure.EXPIRED, Text(f"満了 {_when(cert.not_valid_after_utc)}",
                                                      f"ended {_when(cert.not_valid_after_utc)}")))
    profile = profile_of(cert)
    if purpose is not None and (profile is None or profile.ca is not purpose):
        problems.append(Problem(Failure.WRONG_PURPOSE, Text(f"{purpose.label.ja}の証明書が必要です",
                                                            f"a {purpose.label.en} certificate is required")))
    status = None
    if revocation is not None and issuer is not None:
        try:
            status = revocation.check(cert, issuer)
        except PkiError as exc:
            problems.append(Problem(Failure.REVOCATION_UNKNOWN, exc.text))
        else:
            problems.extend(_revocation_problems(status))
    return problems, profile, status


def _revocation_problems(status: RevocationStatus) -> list[Problem]:
    if status.state is CertState.GOOD:
        return []
    if status.state is CertState.UNKNOWN:
        return [Problem(Failure.REVOCATION_UNKNOWN, Text(f"{status.source}: 不明", f"{status.source}: unknown"))]
    failure = Failure.HELD if status.state is CertState.HELD else Failure.REVOKED
    reason = status.reason.label if status.reason is not None else Text("理由なし", "unspecified")
    when = _when(status.revoked_at) if status.revoked_at is not None else "?"
    return [Problem(failure, Text(f"{reason.ja}、{when}", f"{reason.en}, {when}"))]
