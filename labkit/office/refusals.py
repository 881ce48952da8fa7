"""Why J-LIS (or the phone acting for it) refuses something: one stable code per reason,
with Japanese and English text and the HTTP status the server answers with.

Every refusal in the lab is a :class:`~labkit.errors.ServiceError` whose ``reason`` is a
:class:`Refusal` value, so a notebook, the phone app and a test can all branch on the code
and show the text. Bad input is :class:`MalformedRequestError`, which is also an
:class:`~labkit.errors.InputError`. The HTTP client re-raises exactly these classes.
"""

from __future__ import annotations

from enum import StrEnum

from ..errors import InputError, LabkitError, ServiceError, StoreError
from ..i18n import Text
from ..pki.errors import NotEligibleError, UnknownCertificateError

__all__ = ["HTTP_STATUS", "MalformedRequestError", "Refusal", "as_refusal", "public_details", "refusal_of", "refuse"]


class Refusal(StrEnum):
    """Stable reason codes (``ServiceError.reason``)."""

    # -- the request itself
    MALFORMED = "malformed"
    TOO_LARGE = "too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"            # class mode: not yours, or for the lecturer only
    NICKNAME_TAKEN = "nickname_taken"  # class mode: joining with a nickname in use
    UNAVAILABLE = "unavailable"
    INTERNAL = "internal"
    # -- the four prerequisites (2-1 / 2-3)
    NO_SIGNING_CERTIFICATE = "no_signing_certificate"
    PASSWORD_FORMAT = "password_format"
    DEVICE_NOT_SUPPORTED = "device_not_supported"
    APP_OUTDATED = "app_outdated"
    # -- the card that backs an application
    NOT_CARD_SIGNING = "not_card_signing_certificate"
    CARD_UNTRUSTED = "card_untrusted"
    CARD_UNKNOWN = "card_unknown"
    CARD_REVOKED = "card_revoked"
    CARD_HELD = "card_held"
    CARD_EXPIRED = "card_expired"
    CARD_NOT_YET_VALID = "card_not_yet_valid"
    BAD_SIGNATURE = "bad_signature"
    REPLAYED = "replayed"
    NOT_ELIGIBLE = "not_eligible"
    # -- one person, one device (FAQ Q3) and the application life cycle
    ONE_DEVICE = "one_device"
    ALREADY_REGISTERED = "already_registered"
    STILL_ACTIVE = "still_active"
    NOTHING_TO_LIFT = "nothing_to_lift"
    BEFORE_PUSH = "before_push"
    APPLICATION_REFUSED = "application_refused"
    APPLICATION_CANCELLED = "application_cancelled"
    WRONG_DEVICE = "wrong_device"
    NOT_REGISTERED = "not_registered"
    # -- certificates in use
    CERT_REVOKED = "revoked"
    CERT_HELD = "held"
    CERT_EXPIRED = "expired"
    CERT_UNKNOWN = "unknown_certificate"
    # -- the phone and the card (raised by the phone layer, listed here so texts agree)
    WRONG_PIN = "wrong_pin"
    LOCKED = "locked"
    OTHER_APP = "other_app"
    # -- hotline and counter
    IDENTITY_MISMATCH = "identity_mismatch"
    OUTSIDE_HOURS = "outside_hours"
    NOTHING_TO_SUSPEND = "nothing_to_suspend"
    RESIDENT_UNKNOWN = "resident_unknown"
    RESIDENT_EXISTS = "resident_exists"
    WRONG_CARD = "wrong_card"
    # -- who is asking (device proof; class-mode tokens)
    UNAUTHENTICATED = "unauthenticated"
    # -- the teaching clock
    CLOCK_NOT_SIMULATED = "clock_not_simulated"
    CLOCK_OUT_OF_RANGE = "clock_out_of_range"

    @property
    def text(self) -> Text:
        return _TEXTS[self]

    @property
    def http_status(self) -> int:
        return HTTP_STATUS.get(self, 409)


_TEXTS: dict[Refusal, Text] = {
    Refusal.MALFORMED: Text("要求の形式が正しくありません", "the request is malformed"),
    Refusal.TOO_LARGE: Text("要求が大きすぎます", "the request is too large"),
    Refusal.UNSUPPORTED_MEDIA_TYPE: Text("この形式 (Content-Type) の要求は受け付けません",
                                         "this content type is not accepted here"),
    Refusal.NOT_FOUND: Text("見つかりません", "not found"),
    Refusal.FORBIDDEN: Text("この操作は許可されていません (あなたのものではないか、講師だけの操作です)",
                            "not allowed (not yours, or for the lecturer only)"),
    Refusal.NICKNAME_TAKEN: Text("そのニックネームは既に使われています", "that nickname is already taken"),
    Refusal.UNAVAILABLE: Text("J-LIS に接続できません。しばらくしてからやり直してください",
                              "J-LIS cannot be reached; try again later"),
    Refusal.INTERNAL: Text("J-LIS 内部でエラーが起きました", "J-LIS had an internal error"),
    Refusal.NO_SIGNING_CERTIFICATE: Text(
        "マイナンバーカードに署名用電子証明書が登録されていません。市区町村窓口で発行を受けてください",
        "the My Number Card has no signing certificate; have one issued at the municipal counter"),
    Refusal.PASSWORD_FORMAT: Text(
        "署名用電子証明書のパスワードは英大文字と数字を含む 6〜16 文字です",
        "the signing-certificate password is 6-16 characters of A-Z and 0-9 containing both"),
    Refusal.DEVICE_NOT_SUPPORTED: Text(
        "このスマートフォンはスマホ用電子証明書に対応していません (対応機種一覧を確認してください)",
        "this smartphone does not support the smartphone e-certificate (see the list of compatible models)"),
    Refusal.APP_OUTDATED: Text("マイナポータルアプリを最新版に更新してください",
                               "update the Mynaportal app to the latest version"),
    Refusal.NOT_CARD_SIGNING: Text("マイナンバーカードの署名用電子証明書ではありません",
                                   "this is not the signing certificate of a My Number Card"),
    Refusal.CARD_UNTRUSTED: Text("カードの証明書が J-LIS (JPKI-LAB) の発行したものではありません",
                                 "the card certificate was not issued by the lab J-LIS"),
    Refusal.CARD_UNKNOWN: Text("J-LIS にこのカードの発行記録がありません", "J-LIS has no record of this card"),
    Refusal.CARD_REVOKED: Text("カードの署名用電子証明書は失効しています",
                               "the card's signing certificate is revoked"),
    Refusal.CARD_HELD: Text(
        "カードの署名用電子証明書は一時保留中です。市区町村窓口で手続きしてください",
        "the card's signing certificate is on hold; go to the municipal counter first"),
    Refusal.CARD_EXPIRED: Text("カードの署名用電子証明書の有効期限が切れています",
                               "the card's signing certificate has expired"),
    Refusal.CARD_NOT_YET_VALID: Text("カードの署名用電子証明書はまだ有効期間前です",
                                     "the card's signing certificate is not valid yet"),
    Refusal.BAD_SIGNATURE: Text("電子署名を検証できません (申請内容が改ざんされたか、別の鍵で署名されています)",
                                "the signature does not verify (altered, or signed with another key)"),
    Refusal.REPLAYED: Text("同じ申請が既に送られています (再送)", "this request was already sent (replay)"),
    Refusal.NOT_ELIGIBLE: Text("この証明書は発行できません", "this certificate cannot be issued"),
    Refusal.ONE_DEVICE: Text(
        "スマホ用電子証明書は1人1台です。別のスマホに登録済みなので「機種変更」として申請してください",
        "one device per person: another phone holds your certificates, so apply as a device change"),
    Refusal.ALREADY_REGISTERED: Text(
        "このスマホには既にスマホ用電子証明書が登録されています",
        "this phone already holds smartphone certificates"),
    Refusal.STILL_ACTIVE: Text("この証明書はまだ有効なので再発行できません",
                               "this certificate is still active, so it cannot be re-issued"),
    Refusal.NOTHING_TO_LIFT: Text("一時利用停止中のスマホ用電子証明書はありません",
                                  "no smartphone certificate is suspended"),
    Refusal.BEFORE_PUSH: Text(
        "まだ登録できません。「登録できます」のプッシュ通知を待ってください",
        "not ready yet: wait for the push notification that says registration is possible"),
    Refusal.APPLICATION_REFUSED: Text("この申請は受け付けられませんでした", "this application was refused"),
    Refusal.APPLICATION_CANCELLED: Text("この申請は取り消されました (新しい申請に置き換わりました)",
                                        "this application was cancelled (a newer one replaced it)"),
    Refusal.WRONG_DEVICE: Text("この申請は別のスマホのものです", "this application belongs to another phone"),
    Refusal.NOT_REGISTERED: Text("このスマホにはスマホ用電子証明書が登録されていません",
                                 "no smartphone certificate is registered on this phone"),
    Refusal.CERT_REVOKED: Text("電子証明書は失効しています", "the certificate is revoked"),
    Refusal.CERT_HELD: Text("電子証明書は一時利用停止中です", "the certificate is suspended (on hold)"),
    Refusal.CERT_EXPIRED: Text("電子証明書の有効期限が切れています", "the certificate has expired"),
    Refusal.CERT_UNKNOWN: Text("J-LIS が発行した電子証明書ではありません", "J-LIS did not issue this certificate"),
    Refusal.WRONG_PIN: Text("暗証番号 (パスワード) が違います", "wrong PIN or password"),
    Refusal.LOCKED: Text("暗証番号 (パスワード) がロックされています", "the PIN or password is locked"),
    Refusal.OTHER_APP: Text("マイナポータルアプリ以外からはスマホ用電子証明書を使えません",
                            "only the Mynaportal app may use the smartphone certificates"),
    Refusal.IDENTITY_MISMATCH: Text("ご本人であることを確認できませんでした (氏名・生年月日)",
                                    "your identity could not be confirmed (name, date of birth)"),
    Refusal.OUTSIDE_HOURS: Text(
        "受付時間外です (平日 9:30〜20:00、土日祝 9:30〜17:30。ラボの想定: 年末年始 12/29〜1/3 は休み)。"
        "一時利用停止は24時間365日受け付けます",
        "outside the opening hours (weekdays 9:30-20:00, weekends and holidays 9:30-17:30; "
        "lab assumption: closed 12/29-1/3); suspension is taken 24 hours a day, 365 days a year"),
    Refusal.NOTHING_TO_SUSPEND: Text("一時利用停止できる電子証明書がありません",
                                     "there is no certificate that could be suspended"),
    Refusal.RESIDENT_UNKNOWN: Text("その住民は住民基本台帳に登録されていません",
                                   "no such resident in the resident register"),
    Refusal.RESIDENT_EXISTS: Text("その個人番号の住民は既に登録されています",
                                  "a resident with that My Number is already registered"),
    Refusal.WRONG_CARD: Text("このマイナンバーカードはご本人のものではありません",
                             "this My Number Card does not belong to this resident"),
    Refusal.UNAUTHENTICATED: Text("要求した端末 (または利用者) を確認できません",
                                  "the device (or user) making this request could not be authenticated"),
    Refusal.CLOCK_NOT_SIMULATED: Text("このサーバはシステム時計で動いているので時刻を進められません",
                                      "this server runs on the system clock; it cannot be advanced"),
    Refusal.CLOCK_OUT_OF_RANGE: Text(
        "ラボの認証局の証明書の有効期間を越えて時計を進めることはできません",
        "the lab clock cannot move past the validity of the lab CA's certificates"),
}

#: HTTP status per reason (anything not listed: 409 Conflict, a refusal of the request's
#: intent in the current state).
HTTP_STATUS: dict[Refusal, int] = {
    Refusal.MALFORMED: 400,
    Refusal.TOO_LARGE: 413,
    Refusal.UNSUPPORTED_MEDIA_TYPE: 415,
    Refusal.NOT_FOUND: 404,
    Refusal.FORBIDDEN: 403,
    Refusal.UNAVAILABLE: 503,
    Refusal.INTERNAL: 500,
    Refusal.BAD_SIGNATURE: 403,
    Refusal.CARD_UNTRUSTED: 403,
    Refusal.IDENTITY_MISMATCH: 403,
    Refusal.WRONG_DEVICE: 403,
    Refusal.NO_SIGNING_CERTIFICATE: 422,
    Refusal.PASSWORD_FORMAT: 422,
    Refusal.DEVICE_NOT_SUPPORTED: 422,
    Refusal.APP_OUTDATED: 422,
    Refusal.NOT_CARD_SIGNING: 422,
    Refusal.NOT_ELIGIBLE: 422,
    Refusal.CERT_UNKNOWN: 404,
    Refusal.CARD_UNKNOWN: 403,
    Refusal.RESIDENT_UNKNOWN: 404,
    Refusal.WRONG_CARD: 403,
    Refusal.UNAUTHENTICATED: 401,
}


class MalformedRequestError(ServiceError, InputError):
    """A J-LIS request that cannot be understood (nothing was changed)."""

    def __init__(self, text: Text | str | None = None, en: str | None = None, /, **details: object) -> None:
        details.pop("reason", None)
        super().__init__(text if text is not None else Refusal.MALFORMED.text, en,
                         reason=Refusal.MALFORMED.value, **details)


def refuse(reason: Refusal, detail: Text | None = None, **details: object) -> ServiceError:
    """The error for ``reason``; ``detail`` (what exactly) is appended to the standard text."""
    reason = Refusal(reason)
    text = reason.text
    if detail is not None:
        text = Text(f"{text.ja} ({detail.ja})", f"{text.en} ({detail.en})")
    if reason is Refusal.MALFORMED:
        return MalformedRequestError(text, **details)
    return ServiceError(text, reason=reason.value, **details)


def refusal_of(exc: LabkitError) -> Refusal:
    """The reason code an error travels under (over HTTP, and for :func:`as_refusal`)."""
    if isinstance(exc, ServiceError):
        try:
            return Refusal(exc.reason)
        except ValueError:
            return Refusal.INTERNAL
    if isinstance(exc, UnknownCertificateError):
        return Refusal.CERT_UNKNOWN
    if isinstance(exc, InputError):
        return Refusal.MALFORMED
    if isinstance(exc, StoreError):
        return Refusal.UNAVAILABLE
    if isinstance(exc, NotEligibleError):
        return Refusal.NOT_ELIGIBLE
    return Refusal.INTERNAL


def public_details(exc: LabkitError) -> dict[str, str | int | float | bool]:
    """The details that travel with an error: scalars only, never ``reason`` twice."""
    return {k: v for k, v in exc.details.items() if k != "reason" and isinstance(v, str | int | float | bool)}


def as_refusal(exc: LabkitError) -> ServiceError:
    """``exc`` as the HTTP client would raise it after the server answered with it: the
    in-process implementations use this so both sides raise the same class, reason and text."""
    reason = refusal_of(exc)
    if isinstance(exc, ServiceError) and exc.reason == reason.value:
        return exc
    if reason is Refusal.MALFORMED:
        return MalformedRequestError(exc.text, **public_details(exc))
    return ServiceError(exc.text, reason=reason.value, **public_details(exc))
