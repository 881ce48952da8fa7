"""2-6 紛失時: call the toll-free line at once (一時利用停止, 24時間365日). Phone found → the
municipal counter: user-auth resumes, signing revoked (re-issue = a new application). Card
found → the counter for the card, then 「一時利用停止の解除」 in the app with the card:
user-auth resumes, signing re-issued, register again."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from world_support import new_world, over_http, registered

from labkit.errors import ServiceError
from labkit.jlis import LossItem, NotificationKind
from labkit.phone import BANK
from labkit.pki import CertState, Reason
from labkit.world import World


@pytest.fixture
def world() -> Iterator[World]:
    w = new_world()
    yield w
    w.close()


def _states(world: World, phone: object) -> dict[str, CertState]:
    return {c.kind.value: c.state for c in world.jlis.device_status(phone.device_id).certificates}  # type: ignore[attr-defined]


@over_http
def test_phone_lost_at_3am_on_a_sunday_then_found(world: World) -> None:
    person, phone = registered(world)
    bank_app = phone.install(BANK)
    world.advance_to("2026-04-05T03:00:00+09:00")  # Sunday, 3 a.m.
    assert not world.hotline.is_open()  # enquiries are closed ...
    with pytest.raises(ServiceError) as closed:
        world.hotline.enquire("手続きについて")
    assert closed.value.reason == "outside_hours"
    assert "4番" in world.hotline.guidance().ja
    receipt = world.report_loss(person, LossItem.PHONE)  # ... but suspension is taken 24/365
    assert len(receipt.held) == 2
    assert _states(world, phone) == {"sign": CertState.HELD, "auth": CertState.HELD}
    assert any(m.notification.kind is NotificationKind.SUSPENDED for m in phone.inbox)

    # whoever has the phone now cannot log in: refused as held (一時保留)
    with pytest.raises(ServiceError) as refused:
        world.login(phone, pin=person.phone_pin)
    assert refused.value.reason == "held"
    assert "一時" in refused.value.text.ja and "hold" in refused.value.text.en

    # found; Monday at the city office
    world.advance_to("2026-04-06T10:00:00+09:00")
    released, revoked = world.municipality.phone_found(person.resident)
    assert len(released) == 1 and len(revoked) == 1
    assert world.jlis.status(revoked[0]).reason is Reason.KEY_COMPROMISE
    world.login(phone, pin=person.phone_pin)  # user-auth resumes
    with pytest.raises(ServiceError) as refused:
        world.bank.open_account(bank_app, password=person.phone_password)
    assert refused.value.reason == "revoked"

    # re-issue of the signing certificate: a new application for it alone, on the same phone
    app = phone.mynaportal
    app.open()
    app.press("メニュー")
    form = app.press("スマホ用電子証明書を申請する")
    assert {c.id: c.checked for c in form.checks if c.id in ("sign", "auth")} == {"sign": True, "auth": False}
    world.apply(person, phone, certificates=("sign",))
    assert _states(world, phone) == {"sign": CertState.GOOD, "auth": CertState.GOOD}
    account = world.bank.open_account(bank_app, password=person.phone_password)
    assert account.name == person.name


@over_http
def test_card_lost_then_found_resumes_in_the_app(world: World) -> None:
    person, phone = registered(world)
    world.report_loss(person, LossItem.CARD)
    assert world.municipality.report_card_loss(person.resident) == ()  # the hotline was first
    assert _states(world, phone) == {"sign": CertState.HELD, "auth": CertState.HELD}
    with pytest.raises(ServiceError) as refused:
        world.login(phone, pin=person.phone_pin)
    assert refused.value.reason == "held"

    # the card is found: the counter restores the card (new signing password) ...
    world.advance(days=1)
    world.municipality.card_found(person.resident, person.card, new_sign_password="FOUND2026")
    person.card_password = "FOUND2026"
    # ... and the app lifts the phone's suspension with the card
    app = phone.mynaportal
    app.open()
    app.press("メニュー")
    screen = app.press("一時利用停止の解除")
    assert screen.step == "2-6" and not [c for c in screen.checks if c.id in ("sign", "auth")]
    app.enter("パスワード", person.card_password)
    app.check("確認しました")
    app.press("申請する")
    phone.hold_card(person.card)
    phone.remove_card()
    app.press("次へ")
    app.enter("パスワード", person.phone_password)
    assert app.press("次へ").state == "applied"
    states = _states(world, phone)
    assert states["auth"] is CertState.GOOD  # resumed at once
    world.login(phone, pin=person.phone_pin)
    # the signing certificate is re-issued: register again after the push
    world.register(phone)
    assert _states(world, phone) == {"sign": CertState.GOOD, "auth": CertState.GOOD}
    bank_app = phone.install(BANK)
    assert world.bank.open_account(bank_app, password=person.phone_password).name == person.name


@over_http
def test_wrong_identity_at_the_hotline_is_refused(world: World) -> None:
    person, _ = registered(world)
    report = person.loss_report(LossItem.PHONE)
    from dataclasses import replace
    with pytest.raises(ServiceError) as refused:
        world.hotline.report_loss(replace(report, birth_date=report.birth_date.replace(day=1)))
    assert refused.value.reason == "identity_mismatch"
