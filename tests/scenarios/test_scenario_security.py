"""1-3 ②, 1-4, 1-5: only the Mynaportal app reaches the certificates; other apps only through
it and only as registered services; the PIN locks after wrong tries; the SE erases itself
under attack; the app refuses a fake Mynaportal (real TLS); biometrics replace the PIN."""

from __future__ import annotations

import pytest
from world_support import new_world, registered, shared_registered

from labkit.errors import AccessDeniedError, ServiceError
from labkit.phone import BANK, GAME, Phone
from labkit.se import FaultKind
from labkit.services import MynaportalService, SiteKind
from labkit.services.webpki import LOOKALIKE_HOST, PORTAL_HOST
from labkit.world import Person, World

shared = pytest.fixture(scope="module", name="shared")(shared_registered)


def test_other_app_is_denied_by_the_se_access_rules(shared: tuple[World, Person, Phone]) -> None:
    _, _, phone = shared
    game = phone.install(GAME)
    with pytest.raises(AccessDeniedError) as denied:
        game.open_jpki_channel()
    assert "アクセス拒否" in denied.value.text.ja and "access denied" in denied.value.text.en
    assert "com.example.puzzle" in str(denied.value)
    last = phone.access_log[-1]
    assert last.package == GAME.package and not last.allowed
    # the Mynaportal app itself is allowed by the ARA-M rule naming its certificate hash
    assert phone.mynaportal.present()
    assert any(e.allowed and e.package == phone.mynaportal.package.package for e in phone.access_log)


def test_apps_reach_the_certificate_only_as_registered_services(shared: tuple[World, Person, Phone]) -> None:
    world, person, phone = shared
    game = phone.install(GAME)
    with pytest.raises(ServiceError) as refused:
        game.request_signature(b"please sign", password=person.phone_password)
    assert refused.value.reason == "other_app"
    assert "マイナポータルアプリ以外" in refused.value.text.ja and "only the Mynaportal app" in refused.value.text.en
    challenge = world.portal.challenge()
    with pytest.raises(ServiceError):
        game.request_login(challenge, pin=person.phone_pin)
    bank = phone.install(BANK)  # registered service: allowed
    assert world.bank.open_account(bank, password=person.phone_password).name == person.name


@pytest.mark.parametrize(("site", "failure"), [(SiteKind.IMPOSTOR, "信頼できる認証局"),
                                               (SiteKind.WRONG_NAME, "名前が接続先と一致しません")])
def test_the_app_refuses_a_fake_portal(shared: tuple[World, Person, Phone], site: SiteKind, failure: str) -> None:
    world, person, phone = shared
    before = len(world.jlis.usage_history(holder_id=person.holder_id))
    phone.spoof(PORTAL_HOST, site)  # a rogue Wi-Fi sends myna.go.jp.test elsewhere
    try:
        with pytest.raises(ServiceError) as refused:
            world.login(phone, pin=person.phone_pin)
    finally:
        phone.spoof(PORTAL_HOST, None)
    assert refused.value.reason == "fake_site" and failure in refused.value.text.ja
    assert "OpenSSL" in refused.value.text.en
    # nothing was signed, nothing was recorded
    assert len(world.jlis.usage_history(holder_id=person.holder_id)) == before
    world.login(phone, pin=person.phone_pin)  # back on the genuine portal


def test_a_look_alike_domain_is_refused(shared: tuple[World, Person, Phone]) -> None:
    world, person, phone = shared
    fake = MynaportalService(world.jlis, world.clock)
    fake.host = LOOKALIKE_HOST
    with pytest.raises(ServiceError) as refused:
        fake.login(phone.mynaportal, pin=person.phone_pin)
    assert refused.value.reason == "fake_site"
    result = phone.connect(LOOKALIKE_HOST)
    assert not result.ok and result.presented is not None
    assert result.presented.subject.rfc4514_string().startswith("CN=myna-go-jp.test")


def test_pin_locks_after_three_wrong_tries() -> None:
    world = new_world()
    person, phone = registered(world)
    app = phone.mynaportal
    app.open()
    app.press("ログイン")
    reasons = []
    for _ in range(3):
        app.enter("pin", "0000")
        screen = app.press("ログイン")
        assert screen.state == "login"
        reasons.append(screen.error)
    assert "残り 2 回" in reasons[0].ja and "2 tries left" in reasons[0].en
    assert "残り 1 回" in reasons[1].ja
    assert "ロック" in reasons[2].ja and "locked" in reasons[2].en
    with pytest.raises(ServiceError) as refused:
        world.login(phone, pin=person.phone_pin)  # even the right PIN now
    assert refused.value.reason == "locked"
    pins = [i for i in phone.se.inventory().items if i.category.value == "pin_state"]
    assert any("ロック中" in i.detail.ja for i in pins)
    world.close()


def test_extraction_attempt_erases_the_keys() -> None:
    world = new_world()
    person, phone = registered(world)
    phone.se.detect_fault(FaultKind.LIGHT, "laser on the chip")
    assert not phone.se.jpki.has_anything()
    with pytest.raises(ServiceError) as refused:
        world.login(phone, pin=person.phone_pin)
    assert refused.value.reason == "se_refused"  # erased and locked: not even Mynaportal gets in
    assert "GP-SE" in refused.value.text.ja and phone.se.events()[-1].kind.value == "card_locked"
    world.close()


def test_biometrics_replace_the_pin() -> None:
    world = new_world()
    person = world.resident("sample")
    phone = world.new_phone(person)
    world.apply(person, phone, register=False)
    world.advance(minutes=3)
    app = phone.mynaportal
    app.open()
    app.press("登録する")
    app.press("登録する")
    screen = app.press("生体認証などを利用登録する")
    assert screen.state == "biometric"
    app.enter("pin", person.phone_pin)
    assert app.press("登録する").state == "biometric_done"
    app.press("閉じる")
    app.press("ログイン")
    assert app.screen.button("生体認証でログイン").enabled
    assert app.press("生体認証でログイン").state == "portal"
    history = world.jlis.usage_history(holder_id=person.holder_id)
    assert "生体認証" in history[0].detail.ja
    phone.biometrics.user = "someone else"  # the phone in a finder's hands
    with pytest.raises(ServiceError) as refused:
        world.login(phone, biometric=True)
    assert refused.value.reason == "biometric"
    phone.factory_reset()  # enrolment is app data: gone
    phone.install("jp.go.digital.mynaportal.lab")
    with pytest.raises(ServiceError):
        world.login(phone, biometric=True)
    world.close()


def test_a_stranger_cannot_take_the_phones_push_notifications() -> None:
    """Review F5 (lab assumption: the device proof): polling or confirming as someone else's
    phone is refused, and the phone still gets every notification."""
    from labkit.jlis import DeviceAction, LossItem, NotificationKind, Refusal

    world = new_world()
    person = world.resident("sample")
    phone = world.new_phone(person)
    world.apply(person, phone, register=False)
    receipt = phone.mynaportal.data.receipt
    assert receipt is not None
    world.clock.advance(receipt.push_at - world.now())  # the clock only: no phone has synced yet
    for steal in (lambda: world.jlis.poll(phone.device_id),
                  lambda: world.jlis.confirm_registration(receipt.application_id, phone.device_id)):
        with pytest.raises(ServiceError) as refused:
            steal()
        assert refused.value.reason == Refusal.UNAUTHENTICATED
        assert "確認できません" in refused.value.text.ja and "authenticated" in refused.value.text.en
    assert [m.notification.kind for m in phone.sync()] == [NotificationKind.REGISTRATION_READY]
    world.register(phone)
    assert world.jlis.device_status(phone.device_id).holder_id is None  # a stranger sees no holder
    assert phone.mynaportal.status().holder_id == person.holder_id
    world.hotline.report_loss(person.loss_report(LossItem.PHONE))
    with pytest.raises(ServiceError):
        world.jlis.poll(phone.device_id)
    proof = phone.mynaportal.device_proof(DeviceAction.POLL)
    assert [n.kind for n in world.jlis.poll(phone.device_id, proof)] == [NotificationKind.SUSPENDED]
    with pytest.raises(ServiceError) as replayed:
        world.jlis.poll(phone.device_id, proof)
    assert replayed.value.reason == Refusal.UNAUTHENTICATED
    world.close()
