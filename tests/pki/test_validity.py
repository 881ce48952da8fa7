"""Validity rules. Expected dates are worked out by hand from the rules in the lecture
(5th birthday after issuance, 23:59:59 JST, card expiry cap, no signing under 15) and the
lab's 29 February rule (28 February in common years)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pki_support import assert_bilingual, make_holder

from labkit.clock import JST, SimulatedClock
from labkit.errors import InputError
from labkit.pki import CARD_AUTH, CARD_SIGN, PHONE_AUTH, PHONE_SIGN, CertState, Jpki, NotEligibleError
from labkit.pki.validity import age_on, birthday_in, certificate_not_after, nth_birthday_after


def jst(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=JST)


def test_feb_29_birthday_in_common_and_leap_years() -> None:
    born = date(2000, 2, 29)
    assert birthday_in(born, 2027) == date(2027, 2, 28)
    assert birthday_in(born, 2028) == date(2028, 2, 29)


@pytest.mark.parametrize(("issued", "fifth"), [
    (date(2026, 7, 14), date(2030, 7, 15)),  # day before a birthday: that birthday is the 1st
    (date(2026, 7, 15), date(2031, 7, 15)),  # on the birthday: it does not count
    (date(2026, 7, 16), date(2031, 7, 15)),  # day after
])
def test_fifth_birthday_strictly_after_issuance(issued: date, fifth: date) -> None:
    assert nth_birthday_after(date(1990, 7, 15), issued) == fifth


@pytest.mark.parametrize(("issued", "expected_end"), [
    # common-year issuance: 2027-02-28, 2028-02-29, 2029-02-28, 2030-02-28, 2031-02-28
    ("2026-04-01T10:00:00", "2031-02-28T23:59:59"),
    # leap-year birthday lands on the 5th: 2024-02-29, 2025/26/27-02-28, 2028-02-29
    ("2023-04-01T10:00:00", "2028-02-29T23:59:59"),
    # issued on 28 February of a common year = on the birthday: not counted
    ("2027-02-28T10:00:00", "2032-02-29T23:59:59"),
])
def test_feb_29_births(issued: str, expected_end: str) -> None:
    not_after = certificate_not_after(date(2000, 2, 29), jst(issued), date(2040, 1, 1))
    assert not_after == jst(expected_end)


def test_not_after_is_end_of_day_jst() -> None:
    not_after = certificate_not_after(date(1990, 7, 15), jst("2026-04-01T10:00:00"), date(2040, 1, 1))
    assert not_after.utcoffset() is not None
    assert not_after.astimezone(JST).isoformat() == "2030-07-15T23:59:59+09:00"
    assert not_after.timestamp() == datetime.fromisoformat("2030-07-15T14:59:59+00:00").timestamp()


def test_card_expiry_caps_the_certificate() -> None:
    not_after = certificate_not_after(date(1990, 7, 15), jst("2026-04-01T10:00:00"), date(2028, 1, 31))
    assert not_after == jst("2028-01-31T23:59:59")


def test_expired_card_gets_nothing() -> None:
    with pytest.raises(NotEligibleError) as info:
        certificate_not_after(date(1990, 7, 15), jst("2026-04-01T10:00:00"), date(2026, 3, 31))
    assert_bilingual(info.value)


def test_extra_cap() -> None:
    cap = jst("2029-01-01T00:00:00")
    assert certificate_not_after(date(1990, 7, 15), jst("2026-04-01T10:00:00"), date(2040, 1, 1), cap=cap) == cap


@pytest.mark.parametrize(("born", "day", "age"), [
    (date(2011, 4, 2), date(2026, 4, 1), 14),
    (date(2011, 4, 2), date(2026, 4, 2), 15),
    (date(2012, 2, 29), date(2027, 2, 28), 14),  # common year: 15 only from 1 March
    (date(2012, 2, 29), date(2027, 3, 1), 15),
    (date(2012, 2, 29), date(2028, 2, 29), 16),
])
def test_age(born: date, day: date, age: int) -> None:
    assert age_on(born, day) == age


def test_age_before_birth_is_an_input_error() -> None:
    with pytest.raises(InputError) as info:
        age_on(date(2030, 1, 1), date(2026, 4, 1))
    assert_bilingual(info.value)


# --- through the facade -----------------------------------------------------------------

@pytest.fixture
def at(make_jpki: Callable[..., Jpki]) -> Callable[[str], Jpki]:
    def make(when: str) -> Jpki:
        return make_jpki(clock=SimulatedClock(when + "+09:00"))
    return make


def test_under_15_gets_no_signing_certificate(at: Callable[[str], Jpki], ee_key: rsa.RSAPrivateKey) -> None:
    child = make_holder("child", birth_date=date(2011, 4, 2), card_expiry=date(2031, 4, 2))
    jpki = at("2026-04-01T23:59:59")
    for profile in (CARD_SIGN, PHONE_SIGN):
        with pytest.raises(NotEligibleError) as info:
            jpki.issue(profile, ee_key.public_key(), child)
        assert_bilingual(info.value)
        assert "15" in info.value.message("ja") and "15" in info.value.message("en")
    assert jpki.store.find(holder_id="child") == []  # nothing recorded
    jpki.issue(CARD_AUTH, ee_key.public_key(), child)  # user-auth has no age limit
    assert at("2026-04-02T00:00:00").issue(CARD_SIGN, ee_key.public_key(), child)


@pytest.mark.parametrize(("now", "end"), [
    ("2030-07-14T12:00:00", "2034-07-15T23:59:59"),  # own rule: the next day is the 1st birthday
    ("2030-07-15T12:00:00", "2035-07-15T23:59:59"),  # own rule lands exactly on the card's last day
    ("2031-01-01T12:00:00", "2035-07-15T23:59:59"),  # own rule says 2036-07-15: capped by the card
])
def test_card_expiry_on_the_birthday(at: Callable[[str], Jpki], ee_key: rsa.RSAPrivateKey, now: str,
                                     end: str) -> None:
    cert = at(now).issue(CARD_AUTH, ee_key.public_key(), make_holder())
    assert cert.not_valid_after_utc == jst(end)


def test_phone_certificates_follow_the_same_rule(at: Callable[[str], Jpki], ee_key: rsa.RSAPrivateKey) -> None:
    jpki = at("2026-04-01T10:00:00")
    short_card = make_holder(card_expiry=date(2028, 1, 31))
    for profile in (PHONE_SIGN, PHONE_AUTH):
        assert jpki.issue(profile, ee_key.public_key(), make_holder()).not_valid_after_utc == \
            jst("2030-07-15T23:59:59")
        assert jpki.issue(profile, ee_key.public_key(), short_card).not_valid_after_utc == \
            jst("2028-01-31T23:59:59")


def test_not_before_is_the_clock(at: Callable[[str], Jpki], ee_key: rsa.RSAPrivateKey) -> None:
    cert = at("2026-04-01T10:00:00").issue(CARD_AUTH, ee_key.public_key(), make_holder())
    assert cert.not_valid_before_utc == jst("2026-04-01T10:00:00")


def test_expiry_boundary_day_before_on_and_after_the_fifth_birthday(
        jpki: Jpki, clock: SimulatedClock, ee_key: rsa.RSAPrivateKey) -> None:
    serial = jpki.issue(CARD_AUTH, ee_key.public_key(), make_holder()).serial_number
    clock.set("2030-07-14T23:59:59+09:00")
    assert jpki.status(serial).state is CertState.GOOD
    clock.set("2030-07-15T23:59:59+09:00")
    assert jpki.status(serial).state is CertState.GOOD
    clock.set("2030-07-16T00:00:00+09:00")
    assert jpki.status(serial).state is CertState.EXPIRED


def test_signing_never_outlives_the_auth_certificate_of_the_same_form(
        jpki: Jpki, clock: SimulatedClock, ee_key: rsa.RSAPrivateKey) -> None:
    holder = make_holder()
    auth = jpki.issue(CARD_AUTH, ee_key.public_key(), holder)        # → 2030-07-15
    clock.set("2026-08-01T10:00:00+09:00")                           # own rule would give 2031-07-15
    sign = jpki.issue(CARD_SIGN, ee_key.public_key(), holder)
    assert sign.not_valid_after_utc == auth.not_valid_after_utc == jst("2030-07-15T23:59:59")
    phone = jpki.issue(PHONE_SIGN, ee_key.public_key(), holder)      # no phone auth: not capped
    assert phone.not_valid_after_utc == jst("2031-07-15T23:59:59")
    jpki.revoke(auth.serial_number)                                  # a revoked auth no longer caps
    assert jpki.issue(CARD_SIGN, ee_key.public_key(), holder).not_valid_after_utc == jst("2031-07-15T23:59:59")
