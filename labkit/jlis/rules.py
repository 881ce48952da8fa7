"""The service's time rules from the lecture, as pure functions of an injected time.

- 2-3 / FAQ Q2: an application made between 8:00 and 19:30 JST (any day) gets its push
  notification within minutes; otherwise around 8:00 the next morning or later. The window is taken as
  half-open, [08:00, 19:30): an application at exactly 19:30:00 waits for the morning.
- 2-5: after a device change the old phone deletes its certificates by itself if it comes
  online within 48 hours (inclusive: at exactly 48:00:00 it still deletes).
- 1-6: マイナンバー総合フリーダイヤル answers weekdays 9:30–20:00, weekends and holidays
  9:30–17:30; temporary suspension (一時利用停止) is accepted 24 hours a day, 365 days a year.

The lecture says "おおむね" and "数分後": the exact 19:30 cutoff, the 3-minute delay and the
New Year closure of enquiries (12/29–1/3, from public notices "年末年始を除く") are the lab's
assumptions, and the texts that show them say so (ラボの想定 / lab assumption).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..clock import JST, to_jst
from ..i18n import Text
from .holidays import is_weekend_or_holiday


@dataclass(frozen=True, slots=True)
class PushPolicy:
    window_start: time = time(8, 0)
    window_end: time = time(19, 30)
    #: "数分で" — how long a push takes inside the window.
    delay: timedelta = timedelta(minutes=3)

    def push_time(self, applied_at: datetime) -> datetime:
        """When the push notification for an application made at ``applied_at`` arrives."""
        local = to_jst(applied_at)
        if self.window_start <= local.time() < self.window_end:
            return local + self.delay
        morning = datetime.combine(local.date(), self.window_start, JST)
        return morning if local.time() < self.window_start else morning + timedelta(days=1)

    def in_window(self, at: datetime) -> bool:
        return self.window_start <= to_jst(at).time() < self.window_end


DEFAULT_PUSH_POLICY = PushPolicy()
#: Said next to every push time the lab computes: the lecture's "おおむね" and "数分後" made exact.
PUSH_ASSUMPTION = Text(
    "ラボの想定: 講義は「おおむね」「数分後」と述べています。ラボでは 8:00〜19:29 の申請は3分後、"
    "19:30 ちょうど以降の申請は翌朝 8:00 (0:00〜7:59 の申請は当日の 8:00) に通知が届くものとします。",
    "Lab assumption: the lecture says \"roughly\" and \"within minutes\". In the lab an application from 8:00 "
    "to 19:29 gets the push 3 minutes later, one from 19:30 on at 8:00 the next morning (one from 0:00 to "
    "7:59 at 8:00 the same morning).")

#: 2-5: the old phone deletes the certificates itself if online within this period.
DELETION_WINDOW = timedelta(hours=48)


def old_phone_deletes(ordered_at: datetime, online_at: datetime) -> bool:
    """True if the old phone, reconnecting at ``online_at``, still deletes by itself."""
    return timedelta(0) <= online_at - ordered_at <= DELETION_WINDOW


@dataclass(frozen=True, slots=True)
class HotlineHours:
    weekday_open: time = time(9, 30)
    weekday_close: time = time(20, 0)
    holiday_open: time = time(9, 30)
    holiday_close: time = time(17, 30)
    #: Enquiries pause from 12/29 to 1/3 (the lab's assumption; suspension is still taken).
    new_year_closure: tuple[tuple[int, int], tuple[int, int]] = ((12, 29), (1, 3))

    def new_year(self, day: date) -> bool:
        """True from 12/29 to 1/3, when the lab assumes enquiries pause."""
        first, last = self.new_year_closure
        return (day.month, day.day) >= first or (day.month, day.day) <= last

    def is_open(self, at: datetime) -> bool:
        """Voice guidance and general enquiries (half-open: closed at the closing minute)."""
        local = to_jst(at)
        if self.new_year(local.date()):
            return False
        if is_weekend_or_holiday(local.date()):
            return self.holiday_open <= local.time() < self.holiday_close
        return self.weekday_open <= local.time() < self.weekday_close

    def accepts_suspension(self, at: datetime) -> bool:
        """一時利用停止 is taken 24時間365日."""
        return True


HOTLINE_HOURS = HotlineHours()
#: The voice-guidance number for the smartphone e-certificate (1-6).
HOTLINE_GUIDANCE_NUMBER = 4
