"""Every refusal a learner can meet says why, in Japanese and in English: revoked, held,
expired, wrong PIN, locked, not registered, other app, fake site, offline, before the push —
collected along one life, with the usage history that records them."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from world_support import new_world, over_http, registered

from labkit.errors import LabkitError
from labkit.jlis import LossItem, UsageKind
from labkit.phone import BANK, GAME
from labkit.services import SiteKind

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _refusal(action: Callable[[], object]) -> LabkitError:
    with pytest.raises(LabkitError) as caught:
        action()
    return caught.value


def _bilingual(error: LabkitError) -> None:
    ja, en = error.text.ja, error.text.en
    assert _CJK.search(ja), ja
    assert not _CJK.search(re.sub(r"「[^」]*」", "", en)), en  # lecture labels may be quoted
    assert error.message("ja") == ja and error.message("en") == en


@over_http
def test_every_refusal_says_why_in_both_languages() -> None:
    world = new_world()
    person, phone = registered(world)
    pin, password = person.phone_pin, person.phone_password
    fresh = world.new_phone()
    bank = phone.install(BANK)
    game = phone.install(GAME)
    seen: dict[str, LabkitError] = {}

    def expect(reason: str, action: Callable[[], object]) -> None:
        error = _refusal(action)
        assert getattr(error, "reason", None) == reason, (reason, error)
        _bilingual(error)
        seen[reason] = error

    expect("not_registered", lambda: world.login(fresh, pin=pin))
    expect("other_app", lambda: game.request_signature(b"x", password=password))
    expect("wrong_pin", lambda: world.login(phone, pin="0000"))
    world.login(phone, pin=pin)  # resets the counter
    phone.spoof("myna.go.jp.test", SiteKind.IMPOSTOR)
    expect("fake_site", lambda: world.login(phone, pin=pin))
    phone.spoof("myna.go.jp.test", None)
    phone.set_online(False)
    expect("offline", lambda: world.login(phone, pin=pin))
    phone.set_online(True)
    world.report_loss(person, LossItem.PHONE)
    expect("held", lambda: world.login(phone, pin=pin))
    world.municipality.phone_found(person.resident)
    expect("revoked", lambda: world.bank.open_account(bank, password=password))
    for _ in range(2):
        _refusal(lambda: world.login(phone, pin="9999"))
    expect("locked", lambda: world.login(phone, pin="9999"))
    other = world.resident("taro")
    second = world.new_phone(other)
    world.apply(other, second, register=False)
    app = second.mynaportal
    app.open()
    app.press("メニュー")
    app.press("登録する")
    error = app.press("登録する").error
    assert error is not None and "プッシュ通知" in error.ja and "push notification" in error.en
    world.advance(minutes=3)
    world.register(second)
    world.advance_to("2031-11-04T00:00:00+09:00")  # 太郎 (born 11-03): the day after his 5th birthday
    expect("expired", lambda: world.login(second, pin=other.phone_pin))
    assert set(seen) == {"not_registered", "other_app", "wrong_pin", "fake_site", "offline", "held", "revoked",
                         "locked", "expired"}

    # 利用履歴 keeps the refused attempts too, with time and device
    history = world.jlis.usage_history(holder_id=person.holder_id, limit=200)
    outcomes = {(e.kind, e.outcome) for e in history}
    assert {(UsageKind.LOGIN, "held"), (UsageKind.LOGIN, "ok"), (UsageKind.SUSPENSION, "ok"),
            (UsageKind.SIGNATURE, "revoked")} <= outcomes
    assert all(e.device_id == phone.device_id for e in history if e.kind is UsageKind.SUSPENSION)
    world.close()
