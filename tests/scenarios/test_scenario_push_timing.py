"""2-3 / FAQ Q2: the push notification comes within minutes for an application made roughly
8:00–19:30 (any day), otherwise around 8:00 the next morning; registration waits for it."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from world_support import new_world, over_http

from labkit.clock import JST
from labkit.jlis import NotificationKind
from labkit.phone import Phone
from labkit.world import Person, World


def _apply_at(now: str) -> tuple[World, Person, Phone]:
    world = new_world(now)
    person = world.resident("sample")
    phone = world.new_phone(person)
    world.apply(person, phone, register=False)
    return world, person, phone


@pytest.mark.parametrize(("applied", "push"), [
    ("2026-04-01T10:00:00", "2026-04-01T10:03:00"),
    ("2026-04-01T19:29:00", "2026-04-01T19:32:00"),
    ("2026-04-01T19:30:00", "2026-04-02T08:00:00"),
    ("2026-04-01T21:00:00", "2026-04-02T08:00:00"),
    ("2026-04-02T07:59:00", "2026-04-02T08:00:00"),
    ("2026-04-04T21:00:00", "2026-04-05T08:00:00"),  # a Saturday evening: weekends alike
])
def test_push_time(applied: str, push: str) -> None:
    world, _, phone = _apply_at(applied)
    receipt = phone.mynaportal.data.receipt
    assert receipt is not None
    expected = datetime.fromisoformat(push).replace(tzinfo=JST)
    assert receipt.push_at == expected
    world.advance_to(expected - timedelta(seconds=1))
    assert not phone.inbox
    world.advance(seconds=1)
    assert [m.notification.kind for m in phone.inbox] == [NotificationKind.REGISTRATION_READY]
    world.close()


@over_http
def test_applied_at_21_registration_waits_for_the_morning_push() -> None:
    world, _, phone = _apply_at("2026-04-01T21:00:00")
    app = phone.mynaportal
    app.open()
    app.press("メニュー")
    app.press("登録する")
    screen = app.press("登録する")
    assert screen.state == "register"  # unchanged
    assert "プッシュ通知を待ってください" in screen.error.ja and "wait for the push" in screen.error.en
    assert "08:00" in screen.error.ja
    world.advance(hours=10, minutes=59)  # 07:59 the next day
    assert not app.data.ready
    world.advance(minutes=1)  # 08:00
    app.open()
    assert "登録する" in app.screen.labels()
    app.press("登録する")
    assert app.press("登録する").state == "registered"
    world.close()


def test_an_offline_phone_gets_the_push_when_it_comes_online() -> None:
    world, _, phone = _apply_at("2026-04-01T10:00:00")
    phone.set_online(False)
    world.advance(hours=1)
    assert not phone.inbox
    delivered = phone.set_online(True)
    assert [m.notification.kind for m in delivered] == [NotificationKind.REGISTRATION_READY]
    world.close()
