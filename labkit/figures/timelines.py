"""Time figures from labkit's own rules: the push window of one day and what it means for
applications at different hours (:data:`~labkit.jlis.rules.DEFAULT_PUSH_POLICY`), the
application → push → registration timeline, the 48 hours of a device change
(:data:`~labkit.jlis.rules.DELETION_WINDOW`), validity to the 5th birthday
(:mod:`labkit.pki.validity`) and the hotline's hours (:data:`~labkit.jlis.rules.HOTLINE_HOURS`)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from ..clock import JST
from ..i18n import Text
from ..jlis.holidays import is_weekend_or_holiday
from ..jlis.rules import DEFAULT_PUSH_POLICY, DELETION_WINDOW, HOTLINE_HOURS, HotlineHours, PushPolicy
from ..people import SAMPLE_PEOPLE
from ..widgets.timeline import (
    TimelineModel,
    application_timeline,
    device_change_timeline,
    validity_timeline,
)
from ._svg import AMBER, BLUE, GREEN, INK, LINE, MUTED, PALE, RED, Canvas, esc

__all__ = ["DAY", "hhmm", "hotline_svg", "model_svg", "push_window_svg", "standard_models"]

#: The lab's weekday (2026-04-01 is a Wednesday) on which the examples are computed.
DAY = date(2026, 4, 1)


def hhmm(t: time) -> str:
    return f"{t.hour}:{t.minute:02d}"


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), JST)


def push_window_svg(lang: str, uid: str, policy: PushPolicy = DEFAULT_PUSH_POLICY) -> str:
    """One day and the next morning: the window shaded, edges labelled from the policy, and
    applications at several hours with the push time the policy gives each."""
    t = lambda x: x.get(lang)  # noqa: E731
    start, end = _at(DAY, 0), _at(DAY + timedelta(days=1), 12)
    left, right = 110.0, 800.0
    span = (end - start).total_seconds()

    def x(at: datetime) -> float:
        return left + (right - left) * (at - start).total_seconds() / span

    examples = [_at(DAY, 6), _at(DAY, 10), _at(DAY, 19, 29), _at(DAY, 19, 30), _at(DAY, 21)]
    c = Canvas(820, 78 + 34 * len(examples) + 40, uid)
    top, bottom = 34.0, 60 + 34 * len(examples)
    for day in (DAY, DAY + timedelta(days=1)):
        w0 = datetime.combine(day, policy.window_start, JST)
        w1 = min(datetime.combine(day, policy.window_end, JST), end)
        c.rect(
            x(w0), top, x(w1) - x(w0), bottom - top, fill=PALE["amber"], stroke="none", rx=0, cls="labkit-push-window"
        )
        for edge, when in (("start", w0), ("end", datetime.combine(day, policy.window_end, JST))):
            if when <= end:
                c.line(x(when), top - 4, x(when), bottom, stroke=AMBER, dash="3 3")
                c.text(
                    x(when),
                    top - 8,
                    hhmm(when.time()),
                    size=11,
                    anchor="middle",
                    fill=AMBER,
                    weight="bold",
                    cls=f"labkit-push-edge labkit-push-edge-{edge}",
                )
    c.text(
        x(datetime.combine(DAY, policy.window_start, JST)) + 6,
        bottom - 8,
        t(
            Text(
                f"通知の時間帯 {hhmm(policy.window_start)}〜{hhmm(policy.window_end)} (平日・土日祝日とも)",
                f"push window {hhmm(policy.window_start)}-{hhmm(policy.window_end)} (every day)",
            )
        ),
        size=11,
        fill=AMBER,
    )
    for h in range(0, 37, 3):
        at = start + timedelta(hours=h)
        c.line(x(at), bottom, x(at), bottom + 5, stroke=INK)
        label = f"{at.hour}:00" if at.hour else t(Text(f"{at.month}/{at.day}", f"{at.month}/{at.day}"))
        c.text(x(at), bottom + 18, label, size=10, anchor="middle", fill=INK)
    c.line(left, bottom, right, bottom, stroke=INK)
    c.text(10, bottom + 18, t(Text("時刻", "time")), size=10, fill=MUTED)
    for i, applied in enumerate(examples):
        y = top + 30 + 34 * i
        push = policy.push_time(applied)
        inside = policy.in_window(applied)
        colour = GREEN if inside else BLUE
        c.text(10, y + 4, t(Text(f"{hhmm(applied.time())} に申請", f"applied {hhmm(applied.time())}")), size=11)
        c.add(f'<circle cx="{x(applied):.1f}" cy="{y:.1f}" r="4" fill="{INK}"/>')
        c.line(
            x(applied),
            y,
            max(x(push) - 2, x(applied) + 16),
            y,
            stroke=colour,
            width=2,
            arrow="green" if inside else "blue",
        )
        shown = (
            hhmm(push.time())
            if push.date() == applied.date()
            else t(Text(f"翌 {hhmm(push.time())}", f"next day {hhmm(push.time())}"))
        )
        note = t(Text(f"通知 {shown}", f"push {shown}"))
        anchor = "end" if x(push) > right - 80 else "start"
        c.text(
            max(x(push), x(applied) + 16) + (-6 if anchor == "end" else 8),
            y - 6,
            note,
            size=11,
            anchor=anchor,
            fill=colour,
            weight="bold",
            cls="labkit-push-example",
        )
    start_s, end_s = hhmm(policy.window_start), hhmm(policy.window_end)
    minutes = int(policy.delay.total_seconds() // 60)
    rule = Text(
        f"ラボの J-LIS の規則で計算: おおむね {start_s}〜{end_s} の申請は数分後、それ以外は翌{start_s}以降。"
        f"ラボの想定: 数分 = {minutes}分、ちょうど {end_s} の申請は翌朝",
        f"computed with the lab J-LIS rule: applications roughly {start_s}-{end_s} get the push within minutes, "
        f"others around {start_s} the next morning. Lab assumptions: minutes = {minutes} min; exactly {end_s} "
        "waits for the morning",
    )
    c.block(10, bottom + 40, t(rule), 800, size=10, fill=MUTED)
    c.height = bottom + 72
    title = t(Text("プッシュ通知が届く時刻", "When the push notification comes"))
    desc = " ".join(
        t(
            Text(
                f"{hhmm(a.time())} の申請 → {hhmm(policy.push_time(a).time())} に通知。",
                f"Applied {hhmm(a.time())}: push at {hhmm(policy.push_time(a).time())}.",
            )
        )
        for a in examples
    )
    return c.document(title=title, desc=desc, lang=lang)


def hotline_svg(lang: str, uid: str, hours: HotlineHours = HOTLINE_HOURS) -> str:
    """The toll-free line's hours on a weekday and on a holiday, and the 24-hour suspension
    desk, each bar from asking the rule minute by minute."""
    t = lambda x: x.get(lang)  # noqa: E731
    left, right = 190.0, 800.0
    weekday = DAY
    holiday = next(DAY + timedelta(days=i) for i in range(1, 8) if is_weekend_or_holiday(DAY + timedelta(days=i)))
    rows = [
        (Text("平日 (音声ガイダンス4番)", "weekdays (guidance no. 4)"), weekday, hours.is_open, BLUE),
        (Text("土日祝日", "weekends and holidays"), holiday, hours.is_open, BLUE),
        (Text("一時利用停止 (紛失時)", "temporary suspension (loss)"), weekday, hours.accepts_suspension, RED),
    ]
    c = Canvas(820, 60 + 44 * len(rows) + 40, uid)

    def x(minutes: float) -> float:
        return left + (right - left) * minutes / 1440

    for i, (label, day, rule, colour) in enumerate(rows):
        y = 30 + 44 * i
        c.text(10, y + 20, t(label), size=12)
        c.rect(left, y + 6, right - left, 22, fill=PALE["grey"], stroke=LINE, rx=3)
        for a, b in _open_spans(day, rule):
            c.rect(x(a), y + 6, x(b) - x(a), 22, fill=colour, stroke=colour, rx=3, cls="labkit-open-span")
            text = t(Text("24時間365日", "24 hours, 365 days")) if b - a >= 1440 else f"{_clock(a)}〜{_clock(b)}"
            c.text(
                (x(a) + x(b)) / 2,
                y + 22,
                text,
                size=11,
                anchor="middle",
                fill="#ffffff",
                weight="bold",
                cls="labkit-open-label",
            )
    base = 30 + 44 * len(rows) + 4
    for h in range(0, 25, 3):
        c.line(x(h * 60), base, x(h * 60), base + 5, stroke=INK)
        c.text(x(h * 60), base + 18, f"{h}:00", size=10, anchor="middle")
    c.height = base + 30
    title = t(Text("マイナンバー総合フリーダイヤルの受付時間", "Hours of the My Number toll-free line"))
    desc = " ".join(
        f"{t(label)}: " + ", ".join(f"{_clock(a)}-{_clock(b)}" for a, b in _open_spans(day, rule))
        for label, day, rule, _ in rows
    )
    return c.document(title=title, desc=desc, lang=lang)


def _open_spans(day: date, rule: object) -> list[tuple[int, int]]:
    """Minutes of ``day`` when ``rule(at)`` is true, as [start, end) spans."""
    spans: list[tuple[int, int]] = []
    for m in range(1440):
        if rule(_at(day, 0) + timedelta(minutes=m)):  # type: ignore[operator]
            if spans and spans[-1][1] == m:
                spans[-1] = (spans[-1][0], m + 1)
            else:
                spans.append((m, m + 1))
    return spans


def _clock(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def standard_models() -> dict[str, TimelineModel]:
    """The course's example timelines: an application at 21:00 registered the next morning,
    a device change with the old phone online after 30 hours, the sample resident's validity."""
    applied = _at(DAY, 21)
    push = DEFAULT_PUSH_POLICY.push_time(applied)
    ordered = _at(DAY, 10)
    birth = SAMPLE_PEOPLE["sample"][2]
    return {
        "application": application_timeline(applied, registered_at=push + timedelta(minutes=10)),
        "device_change": device_change_timeline(ordered, old_online_at=ordered + DELETION_WINDOW - timedelta(hours=18)),
        "validity": validity_timeline(_at(DAY, 10), birth),
    }


_SVG_OPEN = re.compile(r"<svg\b[^>]*>")


def model_svg(model: TimelineModel, lang: str, uid: str) -> str:
    """A widget timeline (:class:`~labkit.widgets.timeline.TimelineModel`) as a standalone,
    accessible figure: id, language, <title>, <desc> (its notes) and the CJK font."""
    svg = model.svg(lang)
    opening = _SVG_OPEN.match(svg)
    assert opening is not None
    head = (
        opening.group(0)[:-1]
        .replace('class="labkit-timeline-svg"', f'class="labkit-figure-svg" id="{esc(uid)}"')
        .replace('font-family="Noto Sans CJK JP, sans-serif"', "font-family=\"'Noto Sans CJK JP', sans-serif\"")
        + f' lang="{lang}" xml:lang="{lang}">'
    )
    desc = " ".join(n.get(lang) for n in model.notes) or model.text(lang)
    extra = 18 * len(model.notes) + 6
    head = re.sub(
        r'height="(\d+)" viewBox="0 0 (\d+) (\d+)"',
        lambda m: f'height="{int(m[1]) + extra}" viewBox="0 0 {m[2]} {int(m[3]) + extra}"',
        head,
    )
    notes = "".join(
        f'<text x="20" y="{206 + 18 * i}" font-size="11.5" fill="{INK}">{esc("・" + n.get(lang))}</text>'
        for i, n in enumerate(model.notes)
    )
    body = svg[opening.end() :]
    return (
        head
        + f"<title>{esc(model.title.get(lang))}</title><desc>{esc(desc)}</desc>"
        + '<rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>'
        + body[: -len("</svg>")]
        + notes
        + "</svg>"
    )
