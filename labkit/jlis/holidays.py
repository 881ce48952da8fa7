"""Japanese national holidays (国民の祝日に関する法律), computed, for the hotline's hours.

Covers 2023–2099 under the law as it stands: fixed days, Happy Monday days, the equinoxes
(astronomical approximation used by the National Astronomical Observatory's yearly
announcement, valid 1980–2099), 振替休日 (a Sunday holiday moves to the next non-holiday) and
国民の休日 (a weekday sandwiched between two holidays)."""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

FIRST_YEAR, LAST_YEAR = 2023, 2099


def _nth_monday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    offset = (0 - first.weekday()) % 7  # Monday = 0
    return first + timedelta(days=offset + 7 * (n - 1))


def _vernal_equinox_day(year: int) -> int:
    return int(20.8431 + 0.242194 * (year - 1980) - (year - 1980) // 4)


def _autumnal_equinox_day(year: int) -> int:
    return int(23.2488 + 0.242194 * (year - 1980) - (year - 1980) // 4)


@lru_cache(maxsize=128)
def holidays(year: int) -> dict[date, str]:
    """Every national holiday of ``year`` with its Japanese name."""
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueError(f"祝日は {FIRST_YEAR}–{LAST_YEAR} 年のみ対応 / holidays known for "
                         f"{FIRST_YEAR}–{LAST_YEAR} only, got {year}")
    days = {
        date(year, 1, 1): "元日",
        _nth_monday(year, 1, 2): "成人の日",
        date(year, 2, 11): "建国記念の日",
        date(year, 2, 23): "天皇誕生日",
        date(year, 3, _vernal_equinox_day(year)): "春分の日",
        date(year, 4, 29): "昭和の日",
        date(year, 5, 3): "憲法記念日",
        date(year, 5, 4): "みどりの日",
        date(year, 5, 5): "こどもの日",
        _nth_monday(year, 7, 3): "海の日",
        date(year, 8, 11): "山の日",
        _nth_monday(year, 9, 3): "敬老の日",
        date(year, 9, _autumnal_equinox_day(year)): "秋分の日",
        _nth_monday(year, 10, 2): "スポーツの日",
        date(year, 11, 3): "文化の日",
        date(year, 11, 23): "勤労感謝の日",
    }
    # 国民の休日: a non-holiday weekday between two holidays (happens in September).
    for day in sorted(days):
        gap = day + timedelta(days=2)
        middle = day + timedelta(days=1)
        if gap in days and middle not in days and middle.weekday() != 6:
            days[middle] = "国民の休日"
    # 振替休日: a holiday on Sunday makes the next non-holiday day a holiday.
    for day in sorted(days):
        if day.weekday() == 6:
            substitute = day + timedelta(days=1)
            while substitute in days:
                substitute += timedelta(days=1)
            days[substitute] = "振替休日"
    return dict(sorted(days.items()))


def is_holiday(day: date) -> bool:
    return day in holidays(day.year)


def is_weekend_or_holiday(day: date) -> bool:
    """土日祝日: the hotline's short-hours days."""
    return day.weekday() >= 5 or is_holiday(day)
