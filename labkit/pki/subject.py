"""The resident a certificate is issued to: the four basic attributes (基本4情報) plus what
the CA needs besides (romaji locality for the subject DN, the card's expiry).

J-LIS and the municipality reuse these classes; validation happens here, once, and raises
:class:`~labkit.errors.InputError` with a bilingual message saying what is allowed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from ..errors import InputError
from ..i18n import Text
from .constants import Era, Sex

#: U+3000 IDEOGRAPHIC SPACE, between family and given name in the SAN name attribute.
NAME_SEPARATOR = "\u3000"
#: The earliest date of birth accepted: Japan switched to the Gregorian calendar in 1873.
EARLIEST_BIRTH = date(1873, 1, 1)
_MAX_NAME = 100
_MAX_ADDRESS = 200
# X.520 PrintableString characters: romaji in the subject DN stays ASCII.
_ROMAJI = re.compile(r"[A-Za-z0-9 '()+,\-./:=?]{1,64}")
_HOLDER_ID = re.compile(r"[A-Za-z0-9._\-]{1,64}")


def _bad(ja: str, en: str, **details: object) -> InputError:
    return InputError(Text(ja, en), **details)


def _check_text(value: object, what: Text, limit: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _bad(f"{what.ja}を入力してください", f"{what.en} is required", field=what.en)
    if len(value) > limit:
        raise _bad(f"{what.ja}は{limit}文字以内です", f"{what.en} is limited to {limit} characters",
                   field=what.en)
    if any(unicodedata.category(ch).startswith("C") for ch in value):
        raise _bad(f"{what.ja}に制御文字は使えません", f"{what.en} must not contain control characters",
                   field=what.en)
    return value


def _check_flags(flags: str, text: str, what: Text) -> str:
    """Substitute-character flags: one ``0``/``1`` per character of ``text``."""
    if flags == "":
        return "0" * len(text)
    if len(flags) != len(text) or set(flags) - {"0", "1"}:
        raise _bad(
            f"{what.ja}は 0 か 1 を文字数 ({len(text)}) と同じ数だけ並べます",
            f"{what.en} must be one 0/1 flag per character ({len(text)} flags)",
            field=what.en,
        )
    return flags


@dataclass(frozen=True, slots=True)
class BasicAttributes:
    """基本4情報 as recorded in the resident register and written into a signing certificate.

    ``name`` is family and given name separated by one U+3000; ``address`` uses full-width
    digits, as the register does. The substitute flags mark characters that had to be
    replaced by a substitute (外字 not in the character set); empty means "none replaced".
    """

    name: str
    sex: Sex
    birth_date: date
    address: str
    name_substitute: str = ""
    address_substitute: str = ""

    def __post_init__(self) -> None:
        name = _check_text(self.name, Text("氏名", "name"), _MAX_NAME)
        family, sep, given = name.partition(NAME_SEPARATOR)
        if not sep or not family.strip() or not given.strip() or NAME_SEPARATOR in given:
            raise _bad("氏名は「氏」と「名」を全角スペース (U+3000) 1つで区切ります",
                       "the name is family and given name separated by exactly one U+3000 (full-width space)",
                       field="name")
        if not isinstance(self.sex, Sex):
            try:
                object.__setattr__(self, "sex", Sex(self.sex))
            except (ValueError, TypeError):
                raise _bad("性別は 1 (男)、2 (女)、9 (適用不能) のいずれかです",
                           "sex must be 1 (male), 2 (female) or 9 (not applicable)", field="sex") from None
        if not isinstance(self.birth_date, date) or isinstance(self.birth_date, datetime):
            raise _bad("生年月日は日付 (date) で指定します", "the date of birth must be a date", field="birth_date")
        if self.birth_date < EARLIEST_BIRTH:
            raise _bad(f"生年月日は {EARLIEST_BIRTH.isoformat()} 以降です",
                       f"the date of birth must be on or after {EARLIEST_BIRTH.isoformat()}", field="birth_date")
        address = _check_text(self.address, Text("住所", "address"), _MAX_ADDRESS)
        if re.search(r"[0-9]", address):
            raise _bad("住所の数字は全角 (０〜９) で書きます",
                       "write the digits of the address full-width (０-９), as the register does",
                       field="address")
        object.__setattr__(self, "name_substitute",
                           _check_flags(self.name_substitute, name, Text("氏名代替文字", "name substitute flags")))
        object.__setattr__(self, "address_substitute",
                           _check_flags(self.address_substitute, address,
                                        Text("住所代替文字", "address substitute flags")))

    @property
    def family_name(self) -> str:
        return self.name.partition(NAME_SEPARATOR)[0]

    @property
    def given_name(self) -> str:
        return self.name.partition(NAME_SEPARATOR)[2]

    @property
    def birth_date_code(self) -> str:
        """``EYYYYMMDD``: era digit, then the *Gregorian* date (e.g. 1980-02-17 → 319800217)."""
        return f"{Era.of(self.birth_date).value}{self.birth_date:%Y%m%d}"

    @staticmethod
    def parse_birth_date_code(code: str) -> date:
        """Inverse of :attr:`birth_date_code`; checks that the era digit fits the date."""
        if not re.fullmatch(r"[0-9]{9}", code or ""):
            raise _bad("生年月日の形式は EYYYYMMDD です", "a date of birth is written EYYYYMMDD", value=code)
        try:
            day = date(int(code[1:5]), int(code[5:7]), int(code[7:9]))
        except ValueError:
            raise _bad("生年月日が日付として正しくありません", "the date of birth is not a valid date",
                       value=code) from None
        if code[0] != "0" and int(code[0]) != Era.of(day).value:
            raise _bad("元号の番号が日付と合いません", "the era digit does not match the date", value=code)
        return day

    def age_on(self, day: date) -> int:
        """Age in whole years on ``day``; see :func:`labkit.pki.validity.age_on` for the law."""
        from .validity import age_on

        return age_on(self.birth_date, day)


@dataclass(frozen=True, slots=True)
class Holder:
    """A card holder as the CA sees them.

    ``holder_id`` is the lab's stable key for the resident (the store links certificates to
    it; it never appears in a certificate). ``prefecture``/``municipality`` are the romaji
    written as the two ``L=`` of the signing subject (e.g. ``Tokyo``, ``Kiyose-shi``).
    ``card_expiry`` is the last day the card is valid; no certificate outlives it.
    """

    holder_id: str
    attributes: BasicAttributes
    prefecture: str
    municipality: str
    card_expiry: date

    def __post_init__(self) -> None:
        if not isinstance(self.holder_id, str) or not _HOLDER_ID.fullmatch(self.holder_id):
            raise _bad("利用者IDは英数字と . _ - の64文字以内です",
                       "holder_id is 1-64 characters of A-Z a-z 0-9 . _ -", field="holder_id")
        if not isinstance(self.attributes, BasicAttributes):
            raise _bad("基本4情報 (BasicAttributes) が必要です", "attributes must be a BasicAttributes",
                       field="attributes")
        for what, value in ((Text("都道府県", "prefecture"), self.prefecture),
                            (Text("市区町村", "municipality"), self.municipality)):
            if not isinstance(value, str) or not _ROMAJI.fullmatch(value):
                raise _bad(f"{what.ja}はローマ字 (英数字と記号 '()+,-./:=? 、64文字以内) で書きます",
                           f"the {what.en} is romaji (ASCII letters, digits, '()+,-./:=?; at most 64)",
                           field=what.en)
        if not isinstance(self.card_expiry, date) or isinstance(self.card_expiry, datetime):
            raise _bad("カードの有効期限は日付 (date) で指定します", "the card expiry must be a date",
                       field="card_expiry")
        if self.card_expiry <= self.attributes.birth_date:
            raise _bad("カードの有効期限が生年月日より前です", "the card expiry is before the date of birth",
                       field="card_expiry")
