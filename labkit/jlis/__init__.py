"""J-LIS (地方公共団体情報システム機構) lab stand-in: time rules, and (to come) the
application, issuance, suspension and usage-history service with its HTTP endpoint."""

from .holidays import holidays, is_holiday, is_weekend_or_holiday
from .rules import (
    DEFAULT_PUSH_POLICY,
    DELETION_WINDOW,
    HOTLINE_GUIDANCE_NUMBER,
    HOTLINE_HOURS,
    HotlineHours,
    PushPolicy,
    old_phone_deletes,
)

__all__ = [
    "DEFAULT_PUSH_POLICY",
    "DELETION_WINDOW",
    "HOTLINE_GUIDANCE_NUMBER",
    "HOTLINE_HOURS",
    "HotlineHours",
    "PushPolicy",
    "holidays",
    "is_holiday",
    "is_weekend_or_holiday",
    "old_phone_deletes",
]
