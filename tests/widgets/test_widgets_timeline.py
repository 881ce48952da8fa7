"""Timelines: the push window, the 48 hours, the 5th birthday; SVG output; refresh."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from labkit.clock import SimulatedClock, parse_time
from labkit.pki.validity import certificate_not_after
from labkit.widgets import Timeline, application_timeline, device_change_timeline, validity_timeline


@pytest.mark.parametrize(("applied", "push"), [
    ("2026-04-01T21:00:00+09:00", "2026-04-02T08:00:00+09:00"),
    ("2026-04-01T10:00:00+09:00", "2026-04-01T10:03:00+09:00"),
    ("2026-04-01T19:30:00+09:00", "2026-04-02T08:00:00+09:00"),
    ("2026-04-01T07:59:00+09:00", "2026-04-01T08:00:00+09:00"),
    ("2026-04-04T12:00:00+09:00", "2026-04-04T12:03:00+09:00"),  # a Saturday: same hours
])
def test_push_follows_the_window(applied: str, push: str) -> None:
    model = application_timeline(parse_time(applied))
    mark = model.mark("push")
    assert mark is not None and mark.at == parse_time(push)
    windows = [b for b in model.bands if b.kind == "window"]
    assert windows and all((b.start.hour, b.start.minute, b.end.hour, b.end.minute) == (8, 0, 19, 30)
                           for b in windows)


def test_notes_say_why() -> None:
    late = application_timeline(parse_time("2026-04-01T21:00:00+09:00"),
                                registered_at=parse_time("2026-04-01T22:00:00+09:00"))
    assert any("おおむね翌8:00以降" in n.ja and "ラボでは 8:00" in n.ja for n in late.notes)
    assert any("8:00 the next morning or later" in n.en for n in late.notes)
    assert any("通知より前には登録できません" in n.ja for n in late.notes)
    early = application_timeline(parse_time("2026-04-01T10:00:00+09:00"))
    assert any("数分後" in n.ja for n in early.notes)
    assert "2026-04-01 10:03 JST  push notification" in early.text("en")


def test_device_change_48_hours() -> None:
    ordered = parse_time("2026-04-01T10:00:00+09:00")
    inside = device_change_timeline(ordered, old_online_at=ordered + timedelta(hours=48))
    assert inside.mark("online") is not None and any("48時間以内" in n.ja for n in inside.notes)
    band = inside.bands[0]
    assert band.kind == "deletion" and band.end - band.start == timedelta(hours=48)
    late = device_change_timeline(ordered, old_online_at=ordered + timedelta(hours=48, seconds=1))
    assert late.mark("online") is None and any("自動では削除されません" in n.ja for n in late.notes)


def test_validity_5th_birthday_with_29_february() -> None:
    issued = parse_time("2026-04-01T10:00:00+09:00")
    model = validity_timeline(issued, date(2000, 2, 29), date(2036, 1, 1))
    expiry = model.mark("expiry")
    assert expiry is not None and expiry.at == certificate_not_after(date(2000, 2, 29), issued, date(2036, 1, 1))
    birthdays = [m.at.date() for m in model.marks if m.kind == "birthday"]
    assert [(d.month, d.day) for d in birthdays] == [(2, 28), (2, 29), (2, 28), (2, 28)]
    assert "2031-02-28" in model.notes[0].ja
    capped = validity_timeline(issued, date(1990, 7, 15), date(2029, 1, 1))
    assert any("カードの有効期限" in n.ja for n in capped.notes)
    assert capped.mark("card") is not None


def test_svg_is_well_formed_and_marked() -> None:
    model = application_timeline(parse_time("2026-04-01T21:00:00+09:00"),
                                 now=parse_time("2026-04-02T09:00:00+09:00"))
    svg = model.svg("ja")
    root = ET.fromstring(svg)
    classes = [el.get("class", "") for el in root.iter()]
    assert "labkit-timeline-mark labkit-timeline-mark-push" in classes
    assert "labkit-timeline-band labkit-timeline-band-window" in classes
    assert "プッシュ通知" in svg and "現在" in svg
    # screen readers get the drawing in words (role="img" hides its parts): every mark and time
    assert root.get("role") == "img"
    assert root.get("aria-label") == ("申請から登録まで; 申請 2026-04-01 21:00 JST; "
                                      "プッシュ通知 2026-04-02 08:00 JST; 現在 2026-04-02 09:00 JST")
    ET.fromstring(validity_timeline(parse_time("2026-04-01T10:00:00+09:00"), date(1990, 7, 15)).svg("en"))


def test_view_refreshes_from_the_clock(clock: SimulatedClock) -> None:
    applied = clock.now()
    view = Timeline(lambda: application_timeline(applied, now=clock.now()), lang="ja")
    first = view.model.mark("now")
    clock.advance(hours=30)
    view.refresh()
    second = view.model.mark("now")
    assert first is not None and second is not None and second.at - first.at == timedelta(hours=30)
    assert 'data-at="' + second.at.isoformat() in view.drawing.value
    static = Timeline(device_change_timeline(applied), lang="en")
    static.refresh()
    assert "Device change" in static.drawing.value
    # a phone-wide page does not scroll sideways: the drawing scrolls in a named, focusable region
    assert '<div class="labkit-scroll" role="region" tabindex="0" aria-label="Device change' in static.drawing.value
    assert "labkit-timeline" in static.widget._dom_classes
