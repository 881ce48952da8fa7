"""Timelines on the simulated clock, drawn as SVG (no matplotlib): the application → push →
registration of lecture 2-3/2-4 with the 8:00–19:30 window, the 48 hours of a device change
(2-5), and a certificate's validity up to the 5th birthday (2-8 Q1).

The rules are labkit's (:mod:`labkit.jlis.rules`, :mod:`labkit.pki.validity`); this module
only places them on an axis. Notebook use::

    Timeline(application_timeline(applied_at=ctx.clock.now(), now=ctx.clock.now()), lang=ctx.lang)
    Timeline(lambda: application_timeline(applied_at, now=ctx.clock.now()))   # refresh() re-reads
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from ..clock import JST, to_jst
from ..i18n import Text
from ..jlis.rules import DEFAULT_PUSH_POLICY, DELETION_WINDOW, PushPolicy, old_phone_deletes
from ..pki.validity import birthday_in, certificate_not_after, end_of_day, nth_birthday_after
from ._base import ViewMixin, esc, fmt_jst, resolve_lang, scroll_region, shared

__all__ = [
    "Band",
    "Mark",
    "Timeline",
    "TimelineModel",
    "application_timeline",
    "device_change_timeline",
    "validity_timeline",
]

_COLOURS = {"apply": "#1d4ed8", "push": "#b45309", "register": "#15803d", "now": "#dc2626",
            "order": "#7c3aed", "online": "#15803d", "offline": "#6b7280", "issue": "#1d4ed8",
            "birthday": "#4b5563", "expiry": "#b91c1c", "card": "#6b7280",
            "window": "#fef3c7", "deletion": "#ede9fe", "validity": "#dcfce7"}


@dataclass(frozen=True, slots=True)
class Mark:
    at: datetime
    label: Text
    kind: str


@dataclass(frozen=True, slots=True)
class Band:
    start: datetime
    end: datetime
    label: Text
    kind: str


@dataclass(frozen=True, slots=True)
class TimelineModel:
    """What to draw: an axis from ``start`` to ``end``, point marks and shaded bands, and
    explanation lines shown under the drawing."""

    title: Text
    start: datetime
    end: datetime
    marks: tuple[Mark, ...] = ()
    bands: tuple[Band, ...] = ()
    notes: tuple[Text, ...] = ()

    def mark(self, kind: str) -> Mark | None:
        return next((m for m in self.marks if m.kind == kind), None)

    def text(self, lang: str) -> str:
        lines = [self.title.get(lang)]
        lines += [f"{fmt_jst(m.at, seconds=False)}  {m.label.get(lang)}"
                  for m in sorted(self.marks, key=lambda m: m.at)]
        lines += [n.get(lang) for n in self.notes]
        return "\n".join(lines)

    def spoken(self, lang: str) -> str:
        """The drawing in words, for screen readers: the title and every mark with its time."""
        marks = [f"{m.label.get(lang)} {fmt_jst(m.at, seconds=False)}"
                 for m in sorted(self.marks, key=lambda m: m.at)]
        return "; ".join([self.title.get(lang), *marks])

    # -- SVG ----------------------------------------------------------------------------------
    def svg(self, lang: str, width: int = 760) -> str:
        left, right, axis_y = 20, width - 20, 150
        span = (self.end - self.start).total_seconds() or 1.0

        def x(t: datetime) -> float:
            return left + (right - left) * (t - self.start).total_seconds() / span

        parts = [f'<svg class="labkit-timeline-svg" xmlns="http://www.w3.org/2000/svg" width="{width}" '
                 f'height="200" viewBox="0 0 {width} 200" font-family="Noto Sans CJK JP, sans-serif" '
                 f'font-size="11" role="img" aria-label="{esc(self.spoken(lang))}">']
        for b in self.bands:
            x0, x1 = max(x(b.start), left), min(x(b.end), right)
            if x1 <= x0:
                continue
            parts.append(f'<g class="labkit-timeline-band labkit-timeline-band-{b.kind}" '
                         f'data-start="{b.start.isoformat()}" data-end="{b.end.isoformat()}">'
                         f'<rect x="{x0:.1f}" y="{axis_y - 60}" width="{x1 - x0:.1f}" height="60" '
                         f'fill="{_COLOURS.get(b.kind, "#f3f4f6")}"/>'
                         f'<text x="{x0 + 3:.1f}" y="{axis_y - 6}" fill="#374151">{esc(b.label.get(lang))}</text></g>')
        parts.append(f'<line x1="{left}" y1="{axis_y}" x2="{right}" y2="{axis_y}" stroke="#374151"/>')
        for t, label in _ticks(self.start, self.end):
            parts.append(f'<g class="labkit-timeline-tick"><line x1="{x(t):.1f}" y1="{axis_y}" x2="{x(t):.1f}" '
                         f'y2="{axis_y + 5}" stroke="#374151"/><text x="{x(t):.1f}" y="{axis_y + 18}" '
                         f'text-anchor="middle" fill="#374151">{esc(label)}</text></g>')
        for i, m in enumerate(sorted(self.marks, key=lambda m: m.at)):
            if not self.start <= m.at <= self.end:
                continue
            colour = _COLOURS.get(m.kind, "#111827")
            y = axis_y - 70 - (i % 3) * 24
            anchor = "end" if x(m.at) > width * 0.75 else "start"
            dx = -4 if anchor == "end" else 4
            when = f"{to_jst(m.at):%Y/%m/%d}" if span > 400 * 86400 else f"{to_jst(m.at):%m/%d %H:%M}"
            parts.append(f'<g class="labkit-timeline-mark labkit-timeline-mark-{m.kind}" data-at="{m.at.isoformat()}">'
                         f'<line x1="{x(m.at):.1f}" y1="{y}" x2="{x(m.at):.1f}" y2="{axis_y}" stroke="{colour}" '
                         f'stroke-width="2"/><circle cx="{x(m.at):.1f}" cy="{axis_y}" r="4" fill="{colour}"/>'
                         f'<text x="{x(m.at) + dx:.1f}" y="{y + 10}" text-anchor="{anchor}" fill="{colour}">'
                         f"{esc(m.label.get(lang))} ({when})</text></g>")
        parts.append("</svg>")
        return "".join(parts)

    def html(self, lang: str) -> str:
        notes = "".join(f'<li class="labkit-timeline-note">{esc(n.get(lang))}</li>' for n in self.notes)
        return (f'<div class="labkit-timeline-drawing" lang="{lang}"><b>{esc(self.title.get(lang))}</b>'
                f'{scroll_region(self.svg(lang), self.title.get(lang))}<ul style="margin:.2em 0">{notes}</ul></div>')


def _ticks(start: datetime, end: datetime) -> list[tuple[datetime, str]]:
    """Tick instants (JST) and labels: hours for short ranges, days, then years."""
    span = end - start
    s, e = to_jst(start), to_jst(end)
    if span > timedelta(days=400):
        return [(datetime(y, 1, 1, tzinfo=JST), str(y)) for y in range(s.year + 1, e.year + 1)]
    for step in (timedelta(hours=3), timedelta(hours=6), timedelta(hours=12), timedelta(days=1),
                 timedelta(days=7), timedelta(days=30)):
        if span / step <= 12:
            break
    first = datetime.combine(s.date(), time(0), JST)
    out = []
    t = first
    while t <= e:
        if t >= s:
            label = f"{t:%m/%d}" if t.hour == 0 or step >= timedelta(days=1) else f"{t:%H:%M}"
            out.append((t, label))
        t += step
    return out


def _day_start(value: datetime) -> datetime:
    return datetime.combine(to_jst(value).date(), time(0), JST)


def application_timeline(applied_at: datetime, *, registered_at: datetime | None = None,
                         now: datetime | None = None, policy: PushPolicy = DEFAULT_PUSH_POLICY) -> TimelineModel:
    """申請 → プッシュ通知 → 登録, with the push window of every day on the axis."""
    push = policy.push_time(applied_at)
    last = max(t for t in (push, registered_at, now, applied_at) if t is not None)
    start, end = _day_start(applied_at), _day_start(last) + timedelta(days=1)
    bands = []
    day = start
    while day < end:
        bands.append(Band(datetime.combine(day.date(), policy.window_start, JST),
                          datetime.combine(day.date(), policy.window_end, JST),
                          Text("通知の時間帯 8:00〜19:30", "push window 8:00-19:30"), "window"))
        day += timedelta(days=1)
    marks = [Mark(applied_at, Text("申請", "applied"), "apply"),
             Mark(push, Text("プッシュ通知", "push notification"), "push")]
    if registered_at is not None:
        marks.append(Mark(registered_at, Text("登録", "registered"), "register"))
    if now is not None:
        marks.append(Mark(now, Text("現在", "now"), "now"))
    if policy.in_window(applied_at):
        minutes = int(policy.delay.total_seconds() // 60)
        note = Text(f"8:00〜19:30 の申請なので、数分後 (ラボでは {minutes} 分後) に通知が届きます",
                    f"applied between 8:00 and 19:30, so the notification comes within minutes "
                    f"(the lab: {minutes} min)")
    else:
        note = Text("8:00〜19:30 以外の申請なので、通知はおおむね翌8:00以降に届きます (ラボでは 8:00)",
                    "applied outside 8:00-19:30, so the notification comes at around 8:00 the next morning or "
                    "later (the lab: 8:00)")
    notes = [note, Text("平日・土日祝日とも同じ時間帯です。通知が届いてから登録できます",
                        "the same hours apply on weekdays and weekends; registration is possible after the push")]
    if registered_at is not None and registered_at < push:
        notes.append(Text("通知より前には登録できません", "registration is not possible before the push"))
    return TimelineModel(Text("申請から登録まで", "From application to registration"), start, end,
                         tuple(marks), tuple(bands), tuple(notes))


def device_change_timeline(ordered_at: datetime, *, old_online_at: datetime | None = None,
                           now: datetime | None = None) -> TimelineModel:
    """機種変更: the old phone deletes its certificates if online within 48 hours."""
    deadline = ordered_at + DELETION_WINDOW
    last = max(t for t in (deadline, old_online_at, now) if t is not None)
    start, end = _day_start(ordered_at), _day_start(last) + timedelta(days=1)
    marks = [Mark(ordered_at, Text("新しいスマホで申請 (旧スマホの証明書は失効)",
                                   "applied on the new phone (old revoked)"), "order"),
             Mark(deadline, Text("48時間", "48 hours"), "offline")]
    notes = [Text("新しいスマホで申請すると、旧スマホの証明書は失効します。旧スマホは電源を入れて"
                  "ネットワークにつないでおきましょう",
                  "applying on the new phone revokes the old phone's certificates; keep the old phone on and online")]
    if old_online_at is not None:
        if old_phone_deletes(ordered_at, old_online_at):
            marks.append(Mark(old_online_at, Text("旧スマホが接続 → 自動で削除", "old phone online -> deleted"),
                              "online"))
            notes.append(Text("48時間以内に接続したので、別の失効手続なしで旧スマホから削除されました",
                              "online within 48 hours: deleted from the old phone without a separate revocation"))
        else:
            marks.append(Mark(old_online_at, Text("旧スマホが接続 (48時間後)", "old phone online (after 48 h)"),
                              "offline"))
            notes.append(Text("48時間を過ぎてからの接続なので自動では削除されません (証明書は失効済みで使えません)",
                              "online after 48 hours: not deleted automatically (the certificates are revoked anyway)"))
    if now is not None:
        marks.append(Mark(now, Text("現在", "now"), "now"))
    return TimelineModel(Text("機種変更と48時間", "Device change and the 48 hours"), start, end, tuple(marks),
                         (Band(ordered_at, deadline, Text("自動削除される48時間", "48 hours of automatic deletion"),
                               "deletion"),), tuple(notes))


def validity_timeline(issued_at: datetime, birth: date, card_expiry: date | None = None, *,
                      now: datetime | None = None) -> TimelineModel:
    """発行から5回目の誕生日まで (capped by the card), with each birthday marked."""
    cap = card_expiry or date(9999, 12, 30)
    not_after = certificate_not_after(birth, issued_at, cap)
    issued_day = to_jst(issued_at).date()
    fifth = nth_birthday_after(birth, issued_day)
    marks = [Mark(issued_at, Text("発行", "issued"), "issue")]
    for n in range(1, 5):
        day = birthday_in(birth, fifth.year - 5 + n)
        marks.append(Mark(end_of_day(day) - timedelta(hours=12), Text(f"{n}回目の誕生日", f"birthday {n}"), "birthday"))
    marks.append(Mark(not_after, Text("有効期限", "expires"), "expiry"))
    if card_expiry is not None and end_of_day(card_expiry) <= end_of_day(fifth) + timedelta(days=400):
        marks.append(Mark(end_of_day(card_expiry), Text("カードの有効期限", "card expiry"), "card"))
    if now is not None:
        marks.append(Mark(now, Text("現在", "now"), "now"))
    start = datetime(to_jst(issued_at).year, 1, 1, tzinfo=JST)
    end = datetime(max(fifth.year, to_jst(not_after).year) + 1, 1, 1, tzinfo=JST)
    notes = [Text(f"有効期限は発行後5回目の誕生日 {fifth.isoformat()} の 23:59:59 (日本時間) まで",
                  f"valid until 23:59:59 JST on the 5th birthday after issuance, {fifth.isoformat()}")]
    if not_after < end_of_day(fifth):
        notes.append(Text("カードの有効期限のほうが早いので、そこで終わります (ラボの想定)",
                          "the card expires earlier, so the certificate ends with it (lab assumption)"))
    return TimelineModel(Text("証明書の有効期間", "Certificate validity"), start, end, tuple(marks),
                         (Band(issued_at, not_after, Text("有効期間", "valid"), "validity"),), tuple(notes))


class Timeline(ViewMixin):
    """Draws a :class:`TimelineModel`; with a callable, :meth:`refresh` rebuilds it (e.g.
    after the simulated clock moved)."""

    def __init__(self, model: TimelineModel | Callable[[], TimelineModel], *, lang: str | None = None) -> None:
        import ipywidgets as w

        self.lang = resolve_lang(lang)
        self._builder = model if callable(model) else None
        self.model: TimelineModel = model() if callable(model) else model
        self.drawing = w.HTML(**shared(w.HTML), _dom_classes=("labkit-timeline-box",))
        self.widget = w.VBox([self.drawing], _dom_classes=("labkit-timeline",))
        self.redraw()

    def refresh(self) -> TimelineModel:
        if self._builder is not None:
            self.model = self._builder()
        self.redraw()
        return self.model

    def redraw(self) -> None:
        self.drawing.value = self.model.html(self.lang)
