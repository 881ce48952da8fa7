"""1-6 問い合わせ先: is the hotline open now?"""


from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from ...clock import SimulatedClock, parse_time, to_jst
from ...i18n import Text, check_lang
from ...jlis.holidays import holidays, is_weekend_or_holiday
from ...jlis.hotline import HOTLINE_NAME, Hotline
from ...jlis.rules import HOTLINE_GUIDANCE_NUMBER, HOTLINE_HOURS
from ...widgets._base import esc
from ..kit import HtmlBlock, Lab, button, button_row, date_time_text, hint, hm, html_view, kv_table, panel

_HOLIDAY_EN = {"元日": "New Year's Day", "成人の日": "Coming of Age Day", "建国記念の日": "National Foundation Day",
               "天皇誕生日": "The Emperor's Birthday", "春分の日": "Vernal Equinox Day", "昭和の日": "Showa Day",
               "憲法記念日": "Constitution Memorial Day", "みどりの日": "Greenery Day", "こどもの日": "Children's Day",
               "海の日": "Marine Day", "山の日": "Mountain Day", "敬老の日": "Respect for the Aged Day",
               "秋分の日": "Autumnal Equinox Day", "スポーツの日": "Sports Day", "文化の日": "Culture Day",
               "勤労感謝の日": "Labour Thanksgiving Day", "国民の休日": "Citizens' Holiday",
               "振替休日": "substitute holiday"}


@dataclass(frozen=True, slots=True)
class HotlineStatus:
    """The hotline at one moment: what kind of day, the hours, open or not."""

    at: datetime
    short_day: bool  # weekend or holiday: 9:30-17:30
    holiday: str | None
    open: bool
    new_year: bool = False  # 12/29-1/3: enquiries pause (the lab's assumption)

    def day_text(self) -> Text:
        if self.holiday is not None:
            day = Text(f"祝日 ({self.holiday})", f"holiday ({_HOLIDAY_EN.get(self.holiday, self.holiday)})")
        elif self.short_day:
            day = Text("土日", "weekend")
        else:
            day = Text("平日", "weekday")
        if self.new_year:
            return Text(f"{day.ja}・年末年始", f"{day.en}, New Year break")
        return day

    def hours_text(self) -> Text:
        if self.new_year:
            return Text("ラボの想定: 年末年始 12/29〜1/3 は休み", "lab assumption: closed 12/29-1/3")
        h = HOTLINE_HOURS
        start, end = (h.holiday_open, h.holiday_close) if self.short_day else (h.weekday_open, h.weekday_close)
        return Text(f"{hm(start)}〜{hm(end)}", f"{hm(start)} to {hm(end)}")

    def enquiry_text(self) -> Text:
        hours = self.hours_text()
        if self.new_year:
            return Text(f"休み ({hours.ja})", f"closed ({hours.en})")
        if self.open:
            return Text(f"受付中 (受付時間 {hours.ja})", f"open (hours {hours.en})")
        return Text(f"受付時間外 (受付時間 {hours.ja})", f"closed (hours {hours.en})")


def hotline_status(at: datetime | str) -> HotlineStatus:
    """Whether マイナンバー総合フリーダイヤル answers enquiries at ``at`` (JST)."""
    when = to_jst(parse_time(at))
    day = when.date()
    holiday = holidays(day.year).get(day)
    return HotlineStatus(when, is_weekend_or_holiday(day), holiday, HOTLINE_HOURS.is_open(when),
                         HOTLINE_HOURS.new_year(day))


def _status_html(status: HotlineStatus, lang: str) -> tuple[str, str]:
    suspension = Text("受付中 (24時間365日)", "open (24 hours a day, 365 days a year)")
    rows = [
        (Text("日時", "Date and time").get(lang), esc(date_time_text(status.at).get(lang) + " JST")),
        (Text("曜日の区分", "Kind of day").get(lang), esc(status.day_text().get(lang))),
        (Text("お問い合わせ (音声ガイダンス4番)", "Enquiries (voice guidance 4)").get(lang),
         f'<span class="labkit-lab-enquiry" data-open="{str(status.open).lower()}" '
         f'style="font-weight:bold;color:{"#14532d" if status.open else "#7f1d1d"}">'
         f"{esc(status.enquiry_text().get(lang))}</span>"),
        (Text("紛失・盗難による一時利用停止", "Temporary suspension (loss or theft)").get(lang),
         f'<span class="labkit-lab-suspension" style="font-weight:bold;color:#14532d">'
         f"{esc(suspension.get(lang))}</span>"),
    ]
    plain = " / ".join([date_time_text(status.at).get(lang), status.day_text().get(lang),
                        status.enquiry_text().get(lang), suspension.get(lang)])
    return kv_table("labkit-lab-hotline-status", lang, rows), plain


def hotline_now(clock: Any, lang: str = "ja") -> HtmlBlock:
    """1-6: is マイナンバー総合フリーダイヤル open at the simulated clock's time?"""
    lang = check_lang(lang)
    status = hotline_status(clock.now())
    table, plain = _status_html(status, lang)
    title = Text(f"{HOTLINE_NAME.ja}: いま電話するとどうなる?", f"{HOTLINE_NAME.en}: what if I call now?").get(lang)
    return HtmlBlock(f'<div class="labkit-lab-summary" lang="{lang}"><b>{esc(title)}</b>{table}</div>', plain)


#: Moments worth checking (the edges of the hours, a weekend, a holiday, the middle of the night).
PRESET_TIMES: tuple[tuple[Text, str], ...] = (
    (Text("平日 (水) 10:00", "Weekday (Wed) 10:00"), "2026-04-01T10:00:00+09:00"),
    (Text("平日 (水) 9:29", "Weekday (Wed) 9:29"), "2026-04-01T09:29:00+09:00"),
    (Text("平日 (水) 19:59", "Weekday (Wed) 19:59"), "2026-04-01T19:59:00+09:00"),
    (Text("平日 (水) 20:00", "Weekday (Wed) 20:00"), "2026-04-01T20:00:00+09:00"),
    (Text("土曜 17:29", "Saturday 17:29"), "2026-04-04T17:29:00+09:00"),
    (Text("土曜 18:00", "Saturday 18:00"), "2026-04-04T18:00:00+09:00"),
    (Text("祝日 (みどりの日・月) 18:00", "Holiday (Greenery Day, Mon) 18:00"), "2026-05-04T18:00:00+09:00"),
    (Text("元日 3:00 (深夜)", "New Year's Day 3:00 (night)"), "2027-01-01T03:00:00+09:00"),
)


class Contacts:
    """1-6's model: the lab clock (a :class:`~labkit.clock.SimulatedClock`), the hotline on it
    and what the learner last heard from the voice guidance (HTML). No widgets."""

    def __init__(self, clock: Any, lang: str = "ja") -> None:
        self.lang = check_lang(lang)
        self.clock = clock if hasattr(clock, "set") else SimulatedClock(clock.now())
        self.hotline = Hotline(self.clock)  # type: ignore[arg-type]  # its hours need only now(); no loss reports here
        self.heard_html = hint(esc(self.hotline.guidance().get(self.lang)))

    def status_now(self) -> HotlineStatus:
        return hotline_status(self.clock.now())

    def status_html(self) -> str:
        return _status_html(self.status_now(), self.lang)[0]

    def set_time(self, when: datetime | str) -> HotlineStatus:
        self.clock.set(parse_time(when))
        return self.status_now()

    def advance(self, delta: timedelta) -> HotlineStatus:
        self.clock.advance(delta)
        return self.status_now()

    def press(self, number: int) -> Text:
        """A key on the phone during the voice guidance: 4 is the smartphone certificate."""
        answer = self.hotline.press(number)
        if number == HOTLINE_GUIDANCE_NUMBER:
            extra = (Text("お問い合わせを受け付けます。", "Your enquiry is taken now.") if self.hotline.is_open()
                     else Text("お問い合わせは受付時間外です (紛失・盗難による一時利用停止は24時間365日受け付けます)。",
                               "Enquiries are closed now (suspension after loss or theft is taken 24 hours a day, "
                               "365 days a year)."))
            answer = Text(f"{answer.ja}。{extra.ja}", f"{answer.en}. {extra.en}")
        self.heard_html = (f'<div class="labkit-lab-heard" data-key="{number}">'
                           + hint(esc(f"[{number}] " + answer.get(self.lang))) + "</div>")
        return answer


class ContactsLab(Lab):
    """1-6's view over :class:`Contacts` (``model``): the clock's presets and steps, whether
    the hotline answers now, and the voice guidance (press 4)."""

    def __init__(self, model: Contacts) -> None:
        import ipywidgets as w

        self.model = model
        self.lang = lang = model.lang
        self.clock, self.hotline = model.clock, model.hotline
        self.preset = w.Dropdown(options=[(t.get(lang), iso) for t, iso in PRESET_TIMES], value=None,
                                 description=self.t(Text("日時を選ぶ", "Pick a time")),
                                 style={"description_width": "initial"}, _dom_classes=("labkit-lab-preset",))
        self.preset.observe(lambda change: change["new"] and self.set_time(change["new"]), names="value")
        steps = [(Text("+30分", "+30 min"), timedelta(minutes=30), "30m"),
                 (Text("+1時間", "+1 hour"), timedelta(hours=1), "1h"),
                 (Text("+1日", "+1 day"), timedelta(days=1), "1d")]
        buttons = [button(label.get(lang), f"labkit-lab-advance-{key}", partial(self.advance, delta))
                   for label, delta, key in steps]
        self.status = html_view("", "labkit-lab-hotline")
        keys = []
        for row in ((1, 2, 3), (4, 5, 6), (7, 8, 9), (0,)):
            line = []
            for n in row:
                line.append(button(str(n), f"labkit-lab-key-{n}", partial(self.press, n), width="3.2em"))
            keys.append(w.HBox(line))
        self.heard = html_view(model.heard_html, "labkit-lab-guidance")
        self.widget_box = panel([
            html_view(hint(esc(self.t(Text(
                "ラボの時計を動かして、フリーダイヤルの受付時間を確かめましょう。祝日の判定は国民の祝日に関する法律に"
                "従って計算しています。年末年始 (12/29〜1/3) のお問い合わせ休止は、講義にはないラボの想定です。",
                "Move the lab clock and check the toll-free line's hours. Public holidays are computed from the "
                "Act on National Holidays. The New Year break of enquiries (12/29-1/3) is a lab assumption, "
                "not in the lecture.")))), "labkit-lab-note"),
            button_row(self.preset, *buttons), self.status,
            html_view(f"<b>{esc(self.t(Text('電話をかけてみる (音声ガイダンス)', 'Call and listen (voice guidance)')))}"
                  "</b>", "labkit-lab-call-title"),
            w.HBox([w.VBox(keys, layout=w.Layout(flex="0 0 auto")), self.heard])], "labkit-lab-contacts",
            self.t(Text("いま電話すると?", "What if I call now?")))
        self.redraw()

    def status_now(self) -> HotlineStatus:
        return self.model.status_now()

    def set_time(self, when: datetime | str) -> HotlineStatus:
        return self._shown(self.model.set_time(when))

    def advance(self, delta: timedelta) -> HotlineStatus:
        return self._shown(self.model.advance(delta))

    def press(self, number: int) -> Text:
        answer = self.model.press(number)
        self.heard.value = self.model.heard_html
        return answer

    def _shown(self, status: HotlineStatus) -> HotlineStatus:
        self.redraw()
        return status

    def redraw(self) -> None:
        self.status.value = self.model.status_html()

    @property
    def widget(self) -> Any:
        return self.widget_box


def contacts_lab(clock: Any, lang: str = "ja") -> ContactsLab:
    """1-6 lab: the hotline on the simulated ``clock`` (the notebook's ``ctx.clock``);
    ``lab.model`` (:class:`Contacts`) drives it without widgets."""
    return ContactsLab(Contacts(clock, lang))
