"""Validity periods: until the 5th birthday after issuance, never beyond the card.

Rules (lecture 2-8 Q1, J-LIS practice):

* notBefore is the issuance instant read from the :class:`~labkit.clock.Clock`.
* notAfter is 23:59:59 JST of the **5th birthday strictly after the issuance day**
  (issued on a birthday, that birthday does not count).
* It is capped by the last day of the card (23:59:59 JST of ``card_expiry``) and by any
  extra cap the caller passes (a signing certificate never outlives its user-auth pair).
* **2月29日 rule (a lab decision, stated here once):** for someone born on 29 February
  the birthday in a common year is taken as **28 February**. Japanese law (年齢計算ニ関スル
  法律 with 民法143条) completes a year at the end of the day before the anniversary, which for
  a 29 February birth is the end of 28 February; ending the certificate on that day keeps
  "at most five years" and matches how J-LIS and the card's own expiry treat such births.
* Age (for the under-15 rule) is counted the same legal way: a year is completed at the end
  of the day before the birthday, so on the birthday itself the new age holds; a 29 February
  child turns a year older on 1 March in a common year.
"""

from __future__ import annotations

import calendar
from datetime import date, datetime, time, timedelta

from ..clock import JST, to_jst
from ..errors import InputError
from ..i18n import Text
from .errors import NotEligibleError

#: Certificates run until this birthday after issuance.
BIRTHDAYS = 5
#: No signing certificate below this age (computed on the issuance day, JST).
SIGNING_MIN_AGE = 15


def birthday_in(birth: date, year: int) -> date:
    """The birthday in ``year``; 29 February becomes 28 February in a common year."""
    if birth.month == 2 and birth.day == 29 and not calendar.isleap(year):
        return date(year, 2, 28)
    return birth.replace(year=year)


def age_on(birth: date, day: date) -> int:
    """Completed years on ``day`` (the new age holds from the birthday, 1 March for 2/29)."""
    if day < birth:
        raise InputError(Text("生年月日が未来の日付です", "the date of birth is in the future"),
                         birth_date=birth.isoformat(), day=day.isoformat())
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def nth_birthday_after(birth: date, day: date, n: int = BIRTHDAYS) -> date:
    """The ``n``-th birthday strictly after ``day``."""
    first = birthday_in(birth, day.year)
    if first <= day:
        first = birthday_in(birth, day.year + 1)
    return birthday_in(birth, first.year + n - 1)


def end_of_day(day: date) -> datetime:
    """23:59:59 JST of ``day``: how JPKI writes notAfter (14:59:59Z)."""
    return datetime.combine(day, time(23, 59, 59), JST)


def certificate_not_after(
    birth: date,
    issued_at: datetime,
    card_expiry: date,
    *,
    cap: datetime | None = None,
    min_age: int | None = None,
) -> datetime:
    """notAfter for a certificate issued at ``issued_at``; raises if none can be issued."""
    issued_day = to_jst(issued_at).date()
    age = age_on(birth, issued_day)
    if min_age is not None and age < min_age:
        raise NotEligibleError(
            Text(f"{min_age}歳未満の方には署名用電子証明書を発行できません (発行日の年齢 {age}歳)",
                 f"no signing certificate under the age of {min_age} (age {age} on the issuance day)"),
            age=age, min_age=min_age)
    card_end = end_of_day(card_expiry)
    if card_end <= issued_at:
        raise NotEligibleError(
            Text(f"カードの有効期限 ({card_expiry.isoformat()}) が過ぎています",
                 f"the card expired on {card_expiry.isoformat()}"),
            card_expiry=card_expiry.isoformat())
    not_after = min(end_of_day(nth_birthday_after(birth, issued_day)), card_end)
    if cap is not None:
        not_after = min(not_after, cap)
    if not_after <= issued_at + timedelta(seconds=1):
        raise NotEligibleError(
            Text("有効期間が残らないため発行できません", "nothing of the validity period would remain"),
            not_after=not_after.isoformat())
    return not_after
