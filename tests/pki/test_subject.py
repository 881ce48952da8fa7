from __future__ import annotations

from datetime import date, datetime

import pytest
from pki_support import assert_bilingual, attributes, make_holder

from labkit.errors import InputError
from labkit.pki import BasicAttributes, Era, Holder, Sex


def test_defaults_fill_substitute_flags_per_character() -> None:
    a = attributes()
    assert a.name_substitute == "00000"  # 番号　花子 is five characters including U+3000
    assert a.address_substitute == "0" * len(a.address)
    assert (a.family_name, a.given_name) == ("番号", "花子")


def test_sex_accepts_the_jis_code_as_int() -> None:
    assert attributes(sex=9).sex is Sex.NOT_APPLICABLE


@pytest.mark.parametrize(("day", "code"), [
    (date(1912, 7, 29), "119120729"),  # last day of Meiji
    (date(1912, 7, 30), "219120730"),  # Taisho starts
    (date(1926, 12, 24), "219261224"),
    (date(1926, 12, 25), "319261225"),  # Showa starts
    (date(1980, 2, 17), "319800217"),   # the reference's example
    (date(1989, 1, 7), "319890107"),
    (date(1989, 1, 8), "419890108"),    # Heisei starts
    (date(2019, 4, 30), "420190430"),
    (date(2019, 5, 1), "520190501"),    # Reiwa starts
])
def test_birth_date_code_is_era_digit_then_gregorian(day: date, code: str) -> None:
    assert attributes(birth_date=day).birth_date_code == code
    assert BasicAttributes.parse_birth_date_code(code) == day


def test_era_of_matches_first_days() -> None:
    assert [Era.of(e.first_day) for e in Era] == list(Era)


@pytest.mark.parametrize("code", ["419890107", "31989010", "319890230", "x19890107"])
def test_bad_birth_date_codes(code: str) -> None:
    with pytest.raises(InputError) as info:
        BasicAttributes.parse_birth_date_code(code)
    assert_bilingual(info.value)


@pytest.mark.parametrize("overrides", [
    {"name": "番号 花子"},                       # ASCII space instead of U+3000
    {"name": "番号\u3000花\u3000子"},            # two separators
    {"name": "\u3000花子"},                      # no family name
    {"name": ""},
    {"name": "番号\u3000花子\n"},                # control character
    {"name": "番" * 60 + "\u3000" + "花" * 60},  # too long
    {"sex": 3},
    {"birth_date": datetime(1990, 7, 15)},      # a datetime is not a date here
    {"birth_date": date(1872, 12, 31)},         # before the Gregorian calendar in Japan
    {"address": "東京都清瀬市見本町1丁目"},        # half-width digit
    {"address": " "},
    {"name_substitute": "0000"},                # one flag short
    {"name_substitute": "00200"},               # not a 0/1 flag
    {"address_substitute": "1"},
])
def test_invalid_basic_attributes_raise_bilingual_input_errors(overrides: dict[str, object]) -> None:
    with pytest.raises(InputError) as info:
        attributes(**overrides)
    assert_bilingual(info.value)


@pytest.mark.parametrize("change", [
    {"holder_id": "住民1"},
    {"holder_id": ""},
    {"prefecture": "東京都"},
    {"municipality": "Kiyose\nshi"},
    {"card_expiry": date(1990, 7, 1)},
    {"card_expiry": "2035-07-15"},
])
def test_invalid_holder_fields(change: dict[str, object]) -> None:
    fields: dict[str, object] = dict(holder_id="r1", attributes=attributes(), prefecture="Tokyo",
                                     municipality="Kiyose-shi", card_expiry=date(2035, 7, 15))
    fields.update(change)
    with pytest.raises(InputError) as info:
        Holder(**fields)  # type: ignore[arg-type]
    assert_bilingual(info.value)


def test_holder_is_a_value() -> None:
    assert make_holder() == make_holder()
    assert make_holder().attributes.age_on(date(2026, 4, 1)) == 35
