"""Words the Chapter 1 labs share."""

from __future__ import annotations

from typing import Any

from ...card import KeyRole
from ...i18n import Text
from ...pki import Sex
from ...widgets._base import esc
from ..kit import date_text

SEX = {Sex.MALE: Text("男性", "male"), Sex.FEMALE: Text("女性", "female"),
       Sex.NOT_APPLICABLE: Text("—", "—")}
ROLE_CERT = {KeyRole.SIGN: Text("署名用電子証明書", "signing certificate"),
             KeyRole.AUTH: Text("利用者証明用電子証明書", "user-authentication certificate")}


def attribute_rows(a: Any, lang: str) -> list[tuple[str, str]]:
    """The four basic attributes (name, birth date, sex, address) of a card holder or of an
    account opened with the signing certificate: (label, escaped value) rows."""
    return [(Text("氏名", "Name").get(lang), esc(a.name)),
            (Text("生年月日", "Date of birth").get(lang), esc(date_text(a.birth_date).get(lang))),
            (Text("性別", "Sex").get(lang), esc(SEX.get(a.sex, Text("—", "—")).get(lang))),
            (Text("住所", "Address").get(lang), esc(a.address))]
