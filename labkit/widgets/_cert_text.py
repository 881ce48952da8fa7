"""Japanese/English wording for certificate fields: key usage, policies, the four basic
attributes, status labels. Pure functions over cryptography objects."""

from __future__ import annotations

from cryptography import x509

from ..i18n import Text
from ..pki import BasicAttributes, Era, Profile, Sex

__all__ = ["NOT_YET_VALID", "STATE_LABELS", "basic_rows", "key_usage_text", "policy_text", "sex_text"]

NOT_YET_VALID = "not_yet_valid"

#: The badge wording of the lecture: 有効 / 一時保留 / 失効 / 期限切れ.
STATE_LABELS: dict[str, Text] = {
    "good": Text("有効", "valid"),
    "held": Text("一時保留 (一時利用停止)", "on hold (suspended)"),
    "revoked": Text("失効", "revoked"),
    "expired": Text("期限切れ", "expired"),
    "unknown": Text("不明", "unknown"),
    NOT_YET_VALID: Text("有効期間前", "not yet valid"),
}

_USAGES: tuple[tuple[str, Text], ...] = (
    ("digital_signature", Text("デジタル署名", "digital signature")),
    ("content_commitment", Text("否認防止 (本人が作成したことの証明)", "non-repudiation (content commitment)")),
    ("key_encipherment", Text("鍵の暗号化", "key encipherment")),
    ("data_encipherment", Text("データの暗号化", "data encipherment")),
    ("key_agreement", Text("鍵共有", "key agreement")),
    ("key_cert_sign", Text("証明書への署名 (認証局)", "certificate signing (CA)")),
    ("crl_sign", Text("失効リストへの署名", "CRL signing")),
)
_EKU_NAMES = {
    "1.3.6.1.5.5.7.3.1": Text("サーバ認証 (TLS)", "TLS server authentication"),
    "1.3.6.1.5.5.7.3.2": Text("クライアント認証 (TLS)", "TLS client authentication"),
    "1.3.6.1.5.5.7.3.9": Text("OCSP 応答への署名", "OCSP signing"),
}
_ERA_NAMES = {Era.MEIJI: "明治", Era.TAISHO: "大正", Era.SHOWA: "昭和", Era.HEISEI: "平成", Era.REIWA: "令和"}
_SEX = {Sex.MALE: Text("男性", "male"), Sex.FEMALE: Text("女性", "female"),
        Sex.NOT_APPLICABLE: Text("適用不能", "not applicable")}


def _join(items: list[Text]) -> Text:
    return Text("、".join(t.ja for t in items), ", ".join(t.en for t in items))


def key_usage_text(cert: x509.Certificate) -> tuple[Text, Text | None]:
    """(value, note) for keyUsage, plus extendedKeyUsage when present."""
    usage: set[str] = set()
    critical = False
    try:
        ext = cert.extensions.get_extension_for_class(x509.KeyUsage)
        critical = ext.critical
        usage = {attr for attr, _ in _USAGES if getattr(ext.value, attr)}
    except x509.ExtensionNotFound:
        pass
    parts = [label for attr, label in _USAGES if attr in usage]
    try:
        eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
        parts += [_EKU_NAMES.get(o.dotted_string, Text(o.dotted_string, o.dotted_string)) for o in eku]
    except x509.ExtensionNotFound:
        pass
    if not parts:
        return Text("指定なし", "not restricted"), None
    note = None
    if "content_commitment" in usage:
        note = Text("電子文書を作成・送信したのが本人であることを証明する署名用の鍵です",
                    "a signing key: proves the holder made and sent a document")
    elif usage == {"digital_signature"}:
        note = Text("ログインした人が本人であることを証明する鍵です (利用者証明)",
                    "proves that the person logging in is the holder (authentication)")
    if critical:
        crit = Text("重要 (critical): 対応していないソフトは証明書を拒否します",
                    "critical: software that does not understand it must reject the certificate")
        note = crit if note is None else Text(f"{note.ja}。{crit.ja}", f"{note.en}. {crit.en}")
    return _join(parts), note


def policy_text(cert: x509.Certificate, profile: Profile | None) -> tuple[Text, Text | None]:
    try:
        ext = cert.extensions.get_extension_for_class(x509.CertificatePolicies)
    except x509.ExtensionNotFound:
        return Text("なし", "none"), None
    oids = ", ".join(p.policy_identifier.dotted_string for p in ext.value)
    crit = Text(" (重要 critical)", " (critical)") if ext.critical else Text("", "")
    if profile is None:
        return Text(oids + crit.ja, oids + crit.en), None
    note = Text(f"ラボの「{profile.label.ja}」のポリシー。どの種類の証明書かを受け取る側が判別できます",
                f"the lab policy of the {profile.label.en}; tells a relying party which kind it is")
    return Text(f"{oids}{crit.ja}", f"{oids}{crit.en}"), note


def sex_text(sex: Sex) -> Text:
    return _SEX.get(Sex(sex), Text(str(sex), str(sex)))


def basic_rows(attrs: BasicAttributes) -> list[tuple[str, Text, Text, Text | None]]:
    """(key, label, value, note) for 氏名, 生年月日, 住所 (性別 via :func:`sex_text`)."""
    born = attrs.birth_date
    era = Era.of(born)
    era_year = born.year - era.first_day.year + 1
    era_text = f"{_ERA_NAMES[era]}{'元' if era_year == 1 else era_year}年"
    source = Text("署名用電子証明書の subjectAltName (otherName) から読み取り",
                  "read from the signing certificate's subjectAltName (otherName)")
    return [
        ("name", Text("氏名", "Name"), Text(attrs.name, attrs.name), source),
        ("birth", Text("生年月日", "Date of birth"),
         Text(f"{born.year}年{born.month}月{born.day}日 ({era_text})", born.isoformat()), None),
        ("address", Text("住所", "Address"), Text(attrs.address, attrs.address), None),
    ]
