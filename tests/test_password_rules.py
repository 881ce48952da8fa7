"""The password rules of lecture 2-1 (card signing password) and 2-3 (4-digit PIN)."""

from __future__ import annotations

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from labkit.errors import InputError
from labkit.rules import (
    AUTH_PIN_RULE,
    SIGNING_RULE,
    check_auth_pin,
    check_signing_password,
)

ALLOWED = re.compile(r"(?=.*[A-Z])(?=.*[0-9])[A-Z0-9]{6,16}")


@pytest.mark.parametrize("pw", ["ABC123", "A1B2C3D4E5F6G7H8", "1AAAAA", "Z99999", "ABCDE1"])
def test_valid_signing_passwords(pw: str) -> None:
    result = check_signing_password(pw)
    assert result.ok, result.messages("en")
    assert result.reasons == ()
    assert result.rule == SIGNING_RULE


@pytest.mark.parametrize(
    ("pw", "codes"),
    [
        ("", ("empty",)),
        ("AB12", ("too_short",)),
        ("A1", ("too_short",)),
        ("A1B2C3D4E5F6G7H8I", ("too_long",)),
        ("abc123", ("lowercase",)),
        ("Abc123", ("lowercase",)),
        ("ABCDEF", ("no_digit",)),
        ("123456", ("no_upper",)),
        ("ＡＢＣ１２３", ("fullwidth",)),
        ("ABC１２３", ("fullwidth",)),
        ("ABC 123", ("invalid_char",)),
        ("ABC-123!", ("invalid_char",)),
        ("ABC\u3000123", ("invalid_char",)),
        ("マイナ12345", ("invalid_char", "no_upper")),
        ("abc", ("too_short", "lowercase", "no_digit")),
        ("!!!", ("too_short", "invalid_char", "no_upper", "no_digit")),
    ],
)
def test_invalid_signing_passwords_say_what_is_wrong(pw: str, codes: tuple[str, ...]) -> None:
    result = check_signing_password(pw)
    assert not result.ok
    assert result.codes == codes
    assert len(result.messages("ja")) == len(codes) == len(result.messages("en"))


def test_messages_are_bilingual_and_name_the_offending_characters() -> None:
    result = check_signing_password("abc12")
    ja, en = result.summary("ja"), result.summary("en")
    assert "5文字" in ja and "6文字以上" in ja and "英小文字" in ja and "「a」" in ja
    assert "5 characters" in en and "at least 6" in en and "Lower-case" in en
    # what is allowed is always part of the summary
    assert SIGNING_RULE.ja in ja and SIGNING_RULE.en in en
    assert "A-Z" in en and "0-9" in en and "A〜Z" in ja


def test_summary_of_an_accepted_password() -> None:
    assert check_signing_password("ABC123").summary("ja").startswith("使えます")
    assert check_signing_password("ABC123").summary("en").startswith("Allowed")


def test_long_lists_of_bad_characters_are_shortened() -> None:
    result = check_signing_password("A1!\"#$%&'()")
    assert "…" in result.messages("ja")[0]


def test_non_string_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        check_signing_password(123456)  # type: ignore[arg-type]
    assert "int" in info.value.message("en")
    with pytest.raises(InputError):
        check_auth_pin(None)  # type: ignore[arg-type]


@given(st.text(alphabet=string.ascii_letters + string.digits + " -!Ａ１あ", max_size=20))
def test_signing_rule_agrees_with_a_regular_expression(pw: str) -> None:
    result = check_signing_password(pw)
    assert result.ok == bool(ALLOWED.fullmatch(pw))
    assert result.ok == (result.reasons == ())


@pytest.mark.parametrize("pin", ["0000", "1234", "9876"])
def test_valid_auth_pins(pin: str) -> None:
    result = check_auth_pin(pin)
    assert result.ok and result.rule == AUTH_PIN_RULE


@pytest.mark.parametrize(
    ("pin", "codes"),
    [
        ("", ("empty",)),
        ("123", ("wrong_length",)),
        ("12345", ("wrong_length",)),
        ("12a4", ("not_digit",)),
        ("１２３４", ("fullwidth",)),
        ("12 4", ("not_digit",)),
        ("ABCDE", ("wrong_length", "not_digit")),
    ],
)
def test_invalid_auth_pins(pin: str, codes: tuple[str, ...]) -> None:
    result = check_auth_pin(pin)
    assert not result.ok and result.codes == codes
    assert "4" in result.summary("ja") and "4" in result.summary("en")


@given(st.text(alphabet="0123456789a １", max_size=6))
def test_auth_pin_agrees_with_a_regular_expression(pin: str) -> None:
    assert check_auth_pin(pin).ok == bool(re.fullmatch(r"[0-9]{4}", pin))
