"""The lecture's time rules at their boundaries."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from labkit.clock import JST
from labkit.jlis.holidays import holidays, is_holiday, is_weekend_or_holiday
from labkit.jlis.rules import DEFAULT_PUSH_POLICY, HOTLINE_HOURS, old_phone_deletes


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=JST)


@pytest.mark.parametrize(("applied", "push"), [
    (jst(2026, 4, 1, 8, 0), jst(2026, 4, 1, 8, 3)),      # window opens at 8:00
    (jst(2026, 4, 1, 19, 29), jst(2026, 4, 1, 19, 32)),  # last minute inside the window
    (jst(2026, 4, 1, 19, 30), jst(2026, 4, 2, 8, 0)),    # 19:30 itself waits for morning
    (jst(2026, 4, 1, 21, 0), jst(2026, 4, 2, 8, 0)),     # the lecture's "apply at 21:00" lab
    (jst(2026, 4, 1, 7, 59), jst(2026, 4, 1, 8, 0)),     # early morning: same day 8:00
    (jst(2026, 4, 4, 10, 0), jst(2026, 4, 4, 10, 3)),    # Saturday: same rule (土日も同じ)
    (jst(2026, 12, 31, 23, 59), jst(2027, 1, 1, 8, 0)),  # crosses the year
])
def test_push_timing(applied: datetime, push: datetime) -> None:
    assert DEFAULT_PUSH_POLICY.push_time(applied) == push


def test_push_timing_reads_utc_input_as_jst() -> None:
    # 10:30 UTC is 19:30 JST: outside the window.
    from datetime import UTC
    applied = datetime(2026, 4, 1, 10, 30, tzinfo=UTC)
    assert DEFAULT_PUSH_POLICY.push_time(applied) == jst(2026, 4, 2, 8, 0)


def test_48_hour_window_is_inclusive() -> None:
    ordered = jst(2026, 4, 1, 12, 0)
    assert old_phone_deletes(ordered, ordered + timedelta(hours=48))
    assert not old_phone_deletes(ordered, ordered + timedelta(hours=48, seconds=1))
    assert old_phone_deletes(ordered, ordered + timedelta(minutes=1))


@pytest.mark.parametrize(("at", "open_"), [
    (jst(2026, 4, 1, 9, 29), False),   # Wednesday before opening
    (jst(2026, 4, 1, 9, 30), True),
    (jst(2026, 4, 1, 19, 59), True),
    (jst(2026, 4, 1, 20, 0), False),
    (jst(2026, 4, 4, 17, 29), True),   # Saturday
    (jst(2026, 4, 4, 17, 30), False),
    (jst(2026, 4, 29, 18, 0), False),  # 昭和の日 (Wednesday): holiday hours
    (jst(2026, 4, 30, 18, 0), True),
])
def test_hotline_hours(at: datetime, open_: bool) -> None:
    assert HOTLINE_HOURS.is_open(at) is open_
    assert HOTLINE_HOURS.accepts_suspension(at)  # 一時利用停止は24時間365日


def test_known_holidays_2026() -> None:
    days = holidays(2026)
    # Published by the Cabinet Office for 2026.
    expected = {
        date(2026, 1, 1), date(2026, 1, 12), date(2026, 2, 11), date(2026, 2, 23),
        date(2026, 3, 20), date(2026, 4, 29), date(2026, 5, 3), date(2026, 5, 4),
        date(2026, 5, 5), date(2026, 5, 6), date(2026, 7, 20), date(2026, 8, 11),
        date(2026, 9, 21), date(2026, 9, 22), date(2026, 9, 23), date(2026, 10, 12),
        date(2026, 11, 3), date(2026, 11, 23),
    }
    assert set(days) == expected
    assert days[date(2026, 5, 6)] == "振替休日"
    assert days[date(2026, 9, 22)] == "国民の休日"


def test_known_holidays_2025_substitutes() -> None:
    days = holidays(2025)
    assert days[date(2025, 2, 24)] == "振替休日"  # 天皇誕生日 on Sunday
    assert days[date(2025, 5, 6)] == "振替休日"   # みどりの日 (5/4) on Sunday; 5/5 is taken
    assert days[date(2025, 11, 24)] == "振替休日"  # 勤労感謝の日 on Sunday
    assert is_holiday(date(2025, 3, 20))           # 春分の日
    assert not is_holiday(date(2025, 3, 21))


def test_weekend_detection_and_range() -> None:
    assert is_weekend_or_holiday(date(2026, 4, 5))      # Sunday
    assert not is_weekend_or_holiday(date(2026, 4, 6))  # Monday
    with pytest.raises(ValueError, match="2023"):
        holidays(2010)
