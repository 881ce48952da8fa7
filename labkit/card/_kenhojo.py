"""The 券面事項入力補助AP ("kenhojo", text AP): My Number and the four basic attributes as
text, behind a 4-digit PIN (reference §1, §3).

Encoding, after the layout reverse-engineered by myna-card (reference §11, [R]):

- EF 0001: ``FF 10 0C`` + the 12 ASCII digits of the My Number.
- EF 0002: ``FF 20 L`` { ``DF 21 08`` offset table — four 2-byte big-endian offsets, from the
  start of the file, of the next four objects —, ``DF 22`` name (UTF-8, family and given
  name separated by U+3000), ``DF 23`` address (UTF-8), ``DF 24 08`` date of birth
  ``YYYYMMDD`` (Gregorian), ``DF 25 01`` sex ``1``/``2``/``9`` (JIS X 0303) }.

Tags starting with ``FF`` are not valid ISO 7816-4 BER-TLV (FF is padding there), so
:mod:`labkit.apdu.tlv` cannot parse these files; :meth:`KenhojoRecord.from_efs` has its own
reader. Real cards pad the EFs with filler after the objects; this emulator does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..apdu import tlv
from ..errors import InputError
from ..i18n import Text
from ._eeprom import CardStateError, b64, corrupted, field_of, unb64
from ._fileapp import EfKind, FileApplet
from ._pin import KENHOJO_PIN_POLICY, PinCounter
from .constants import Aid, KenhojoFile

TAG_MY_NUMBER = 0xFF10
TAG_ATTRIBUTES = 0xFF20
TAG_OFFSETS = 0xDF21
TAG_NAME = 0xDF22
TAG_ADDRESS = 0xDF23
TAG_BIRTH = 0xDF24
TAG_SEX = 0xDF25


def my_number_check_digit(first11: str) -> int:
    """The check digit of a 個人番号 (総務省令第85号 第5条): Σ Pn·Qn over the 11 digits
    counted from the right, Qn = n+1 (n ≤ 6) or n−5; 11 − (Σ mod 11), 0 if that is ≥ 10."""
    if not re.fullmatch(r"[0-9]{11}", first11):
        raise ValueError("need 11 digits")
    total = sum(int(d) * (n + 1 if n <= 6 else n - 5) for n, d in enumerate(reversed(first11), start=1))
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def check_my_number(value: str) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{12}", value) or \
            my_number_check_digit(value[:11]) != int(value[11]):
        raise InputError(Text("個人番号は検査用数字が正しい 12 桁の数字です",
                              "a My Number is 12 digits with a valid check digit"))
    return value


@dataclass(frozen=True, slots=True)
class KenhojoRecord:
    """What the text AP holds: My Number and the four basic attributes (基本4情報)."""

    my_number: str
    name: str
    address: str
    birth_date: date
    sex: str  # JIS X 0303: "1" male, "2" female, "9" not applicable

    def __post_init__(self) -> None:
        check_my_number(self.my_number)
        if self.sex not in ("1", "2", "9"):
            raise InputError(Text("性別コードは 1, 2, 9 のいずれか", "sex code must be 1, 2 or 9"))
        for value in (self.name, self.address):
            if not isinstance(value, str) or not value:
                raise InputError(Text("氏名と住所は必須です", "name and address are required"))
        if not isinstance(self.birth_date, date):
            raise InputError(Text("生年月日は date で指定", "birth_date must be a date"))

    def my_number_ef(self) -> bytes:
        return tlv.encode(TAG_MY_NUMBER, self.my_number.encode("ascii"))

    def attributes_ef(self) -> bytes:
        fields = [tlv.encode(TAG_NAME, self.name.encode("utf-8")),
                  tlv.encode(TAG_ADDRESS, self.address.encode("utf-8")),
                  tlv.encode(TAG_BIRTH, f"{self.birth_date:%Y%m%d}".encode("ascii")),
                  tlv.encode(TAG_SEX, self.sex.encode("ascii"))]
        table_size = 3 + 8  # DF 21 08 + four offsets
        inner_size = table_size + sum(map(len, fields))
        position = len(tlv.encode(TAG_ATTRIBUTES, bytes(inner_size))) - inner_size + table_size
        offsets = b""
        for f in fields:
            offsets += position.to_bytes(2, "big")
            position += len(f)
        return tlv.encode(TAG_ATTRIBUTES, tlv.encode(TAG_OFFSETS, offsets) + b"".join(fields))

    @classmethod
    def from_efs(cls, my_number_ef: bytes, attributes_ef: bytes) -> KenhojoRecord:
        """Parse EF 0001 and EF 0002 as read from a card (host side); InputError if malformed."""
        try:
            tag, number, _ = _read_object(bytes(my_number_ef), 0)
            outer_tag, outer, _ = _read_object(bytes(attributes_ef), 0)
            if tag != TAG_MY_NUMBER or outer_tag != TAG_ATTRIBUTES:
                raise ValueError("unexpected tag")
            values: dict[int, bytes] = {}
            i = 0
            while i < len(outer) and outer[i] not in (0x00, 0xFF):  # filler ends the objects
                tag, value, i = _read_object(outer, i)
                values[tag] = value
            birth = values[TAG_BIRTH].decode("ascii")
            return cls(number.decode("ascii"), values[TAG_NAME].decode("utf-8"),
                       values[TAG_ADDRESS].decode("utf-8"),
                       date(int(birth[:4]), int(birth[4:6]), int(birth[6:8])),
                       values[TAG_SEX].decode("ascii"))
        except (KeyError, ValueError, IndexError):
            raise InputError(Text("券面事項入力補助APのデータ形式が不正です",
                                  "malformed text-AP (kenhojo) data")) from None


def _read_object(data: bytes, i: int) -> tuple[int, bytes, int]:
    """One BER object with a 2-byte tag at ``data[i]``: (tag, value, next index)."""
    tag = int.from_bytes(data[i:i + 2], "big")
    if len(data) < i + 3 or data[i] & 0x1F != 0x1F or data[i + 1] & 0x80:
        raise ValueError("expected a two-byte tag")
    first, i = data[i + 2], i + 3
    length = first
    if first & 0x80:
        count = first & 0x7F
        if not 1 <= count <= 2 or len(data) < i + count:
            raise ValueError("bad length")
        length, i = int.from_bytes(data[i:i + count], "big"), i + count
    if len(data) < i + length:
        raise ValueError("value truncated")
    return tag, data[i:i + length], i + length


class KenhojoApplet(FileApplet):
    """EF 0001 and 0002 are readable after VERIFY of PIN EF 0011 (4 digits, 3 tries, a
    counter separate from the JPKI PINs)."""

    aid = bytes(Aid.KENHOJO)

    def __init__(self, record: KenhojoRecord | None = None, pin: str | None = None) -> None:
        self.record = record
        self.pin_counter = PinCounter(KENHOJO_PIN_POLICY, pin, on_change=self._changed)

    def write_record(self, record: KenhojoRecord) -> None:
        self.record = record
        self._changed()

    def set_pin(self, value: str | None) -> None:
        self.pin_counter.set(value)

    def ef_kind(self, fid: int) -> EfKind | None:
        if fid == KenhojoFile.PIN:
            return EfKind.PIN
        if fid in (KenhojoFile.MY_NUMBER, KenhojoFile.BASIC_ATTRIBUTES) and self.record is not None:
            return EfKind.BINARY
        return None

    def ef_content(self, fid: int) -> bytes:
        assert self.record is not None
        if fid == KenhojoFile.MY_NUMBER:
            return self.record.my_number_ef()
        return self.record.attributes_ef()

    def read_condition(self, fid: int) -> int | None:
        return KenhojoFile.PIN

    def pin(self, fid: int) -> PinCounter | None:
        return self.pin_counter if fid == KenhojoFile.PIN else None

    # -- EEPROM image -----------------------------------------------------------------------
    def to_state(self) -> dict[str, Any]:
        r = self.record
        return {
            "my_number_ef": b64(r.my_number_ef()) if r else None,
            "attributes_ef": b64(r.attributes_ef()) if r else None,
            "pin": {"value": self.pin_counter.value, "remaining": self.pin_counter.remaining},
        }

    def adopt(self, other: KenhojoApplet) -> None:
        """Take over ``other``'s EEPROM (record and PIN counter); see ``JpkiApplet.adopt``."""
        self.record = other.record
        other.pin_counter.on_change = self._changed
        self.pin_counter = other.pin_counter

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> KenhojoApplet:
        what = "kenhojo"
        try:
            record = None
            if state.get("my_number_ef") is not None:
                record = KenhojoRecord.from_efs(unb64(state["my_number_ef"], f"{what}.my_number_ef"),
                                                unb64(state.get("attributes_ef"), f"{what}.attributes_ef"))
            pin = field_of(state, "pin", dict, what)
            value = pin.get("value")
            if value is not None and not isinstance(value, str):
                raise CardStateError(Text("PIN の型が不正", "PIN value has the wrong type"))
            applet = cls(record)
            applet.pin_counter = PinCounter(KENHOJO_PIN_POLICY, value,
                                            field_of(pin, "remaining", int, what), on_change=applet._changed)
            return applet
        except CardStateError:
            raise
        except (InputError, AttributeError, ValueError) as exc:
            raise corrupted(Text("券面事項入力補助AP", "text-AP"), exc) from None
