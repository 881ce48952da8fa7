"""2-5 機種変更: applying on the new phone revokes the old phone's certificates; the old phone
deletes them by itself if it comes online within 48 hours (inclusive), otherwise they stay in
its SE, revoked. FAQ Q3: one device per person."""

from __future__ import annotations

from datetime import timedelta

import pytest
from world_support import new_world, over_http, registered

from labkit.errors import ServiceError
from labkit.jlis import DeviceState, NotificationKind
from labkit.phone import Phone
from labkit.pki import CertState, Reason
from labkit.se import DataCategory
from labkit.world import Person, World


def _certs_in_se(phone: Phone) -> int:
    return sum(1 for i in phone.se.inventory().items if i.category is DataCategory.CERTIFICATE)


def _change(world: World, person: Person, *, old_online: bool) -> tuple[Phone, Phone]:
    person_, old = registered(world)
    assert person_ is person
    old.set_online(old_online)
    new = world.new_phone(person, model="Galaxy S23", name="new phone")
    world.apply(person, new, device_change=True, register=False)
    return old, new


@pytest.fixture
def world() -> World:
    w = new_world()
    yield w
    w.close()


@over_http
def test_device_change_screens_and_old_phone_online_deletes(world: World) -> None:
    person = world.resident("sample")
    _, old = registered(world)
    old_serials = {c.serial for c in old.mynaportal.status().certificates}
    new = world.new_phone(person, model="Galaxy S23")
    app = new.mynaportal
    app.open()
    app.press("メニュー")
    screen = app.press("機種変更")
    assert screen.title.ja == "機種変更" and screen.step == "2-5 ③④"
    app.enter("パスワード", person.card_password)
    app.check("確認しました")
    app.press("申請する")
    new.hold_card(person.card)
    new.remove_card()
    screen = app.press("次へ")
    assert screen.state == "confirm_old" and screen.labels() == ["同意して次へ", "中止する"]
    assert "48時間以内" in screen.render("ja")
    app.press("同意して次へ")
    app.enter("パスワード", person.phone_password)
    app.press("次へ")
    app.enter("pin", person.phone_pin)
    app.enter("pin_again", person.phone_pin)
    assert app.press("次へ").state == "applied"
    # revoked at once (superseded), deletion ordered; the old phone is online: it deletes
    for serial in old_serials:
        status = world.jlis.status(serial)
        assert status.state is CertState.REVOKED and status.reason is Reason.SUPERSEDED
    world.advance(minutes=1)
    assert any(m.notification.kind is NotificationKind.DELETE_CERTIFICATES for m in old.inbox)
    assert _certs_in_se(old) == 0 and not old.se.jpki.has_anything()
    # ⑩–⑫ on the new phone, then login works there and not on the old one
    world.register(new)
    assert _certs_in_se(new) == 2
    world.login(new, pin=person.phone_pin)
    with pytest.raises(ServiceError) as refused:
        world.login(old, pin=person.phone_pin)
    assert refused.value.reason == "not_registered"
    assert world.jlis.device_status(old.device_id).state is DeviceState.RETIRED


@pytest.mark.parametrize(("offline_for", "deleted"), [
    (timedelta(hours=48), True),                        # exactly 48 h: still deletes
    (timedelta(hours=48, seconds=1), False),            # later: the order lapsed
    (timedelta(days=7), False),
])
def test_old_phone_offline(world: World, offline_for: timedelta, deleted: bool) -> None:
    person = world.resident("sample")
    old, new = _change(world, person, old_online=False)
    ordered_at = new.mynaportal.data.receipt.applied_at
    world.advance_to(ordered_at + offline_for)
    old.set_online(True)
    assert (_certs_in_se(old) == 0) is deleted
    if not deleted:
        # they stay in its SE but are revoked: a login with them is refused by OCSP
        with pytest.raises(ServiceError) as refused:
            world.login(old, pin=person.phone_pin)
        assert refused.value.reason == "revoked"
        assert "失効" in refused.value.text.ja and "revoked" in refused.value.text.en
        # 2-7 on the old phone still cleans it up (J-LIS: already revoked)
        app = old.mynaportal
        app.open()
        app.press("メニュー")
        app.press("失効")
        app.press("はじめる")
        app.enter("パスワード", person.phone_pin)
        screen = app.press("失効")
        assert screen.state == "revoked" and "既に失効" in screen.notice.ja
        assert _certs_in_se(old) == 0


@over_http
def test_one_device_per_person(world: World) -> None:
    """FAQ Q3: a second phone applying as a new application (not 機種変更) is refused."""
    person, _ = registered(world)
    second = world.new_phone(person)
    with pytest.raises(ServiceError) as refused:
        world.apply(person, second, register=False)
    assert refused.value.reason == "flow"
    assert "1人1台" in refused.value.text.ja and "one device" in refused.value.text.en
    assert second.mynaportal.state.value == "failed"
    assert not second.se.jpki.has_anything()  # the generated keys were erased
