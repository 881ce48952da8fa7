"""The phone itself: the Play Store steps of 2-2, app identities, NFC and APDU traces, push on
the simulated clock, and what a factory reset does and does not remove."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from world_support import new_world, pooled_keys

from labkit.errors import ServiceError
from labkit.phone import APPS, BANK, CATALOG, GAME, MYNAPORTAL, Phone, StoreState, signing_certificate
from labkit.world import World


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with pooled_keys():
        w = new_world()
        w.resident("sample")
    yield w
    w.close()


def test_play_store_steps_and_mistakes(world: World) -> None:
    phone = world.new_phone(install=False)
    store = world.play_store(phone)
    screen = store.press("インストール")
    assert store.state is StoreState.HOME and "「インストール」" in screen.error.ja
    assert store.press("Play Store").step == "2-2 ②"
    store.press("アプリとゲームを検索")
    assert store.enter("検索", "x").error is not None  # no such field
    assert store.screen.labels() == ["戻る"]  # nothing typed yet
    store.enter("アプリとゲームを検索", "マイナポータル")
    results = store.screen.labels()
    assert results == ["マイナポータル", "戻る"]
    store.press("マイナポータル")
    assert store.screen.render("en").startswith("[Mynaportal]")
    store.press("Install")
    assert phone.installed() and store.screen.labels() == ["開く", "戻る"]
    store.press("開く")
    assert store.state is StoreState.HOME and store.screen.labels() == ["Playストア", "マイナポータル"]


def test_app_identities_are_stable_and_distinct() -> None:
    assert signing_certificate(MYNAPORTAL.developer) == signing_certificate(MYNAPORTAL.developer)
    hashes = {p.certificate_hash for p in CATALOG}
    assert len(hashes) == len(CATALOG)
    assert MYNAPORTAL.identity.hashes()[1] == MYNAPORTAL.certificate_hash
    assert BANK.identity != GAME.identity


def test_uninstalled_app_and_unknown_package(world: World) -> None:
    phone = world.new_phone(install=False)
    with pytest.raises(ServiceError) as missing:
        phone.mynaportal  # noqa: B018
    assert missing.value.reason == "not_installed"
    assert phone.sync() == []  # no app, no push
    with pytest.raises(Exception, match="Play"):
        phone.install("com.example.unknown")


def test_nfc_trace_and_se_trace_show_the_apdus(world: World) -> None:
    person = world.resident("sample")
    phone = world.new_phone()
    app = phone.mynaportal
    app.open()
    app.press("メニュー")
    app.press("スマホ用電子証明書を申請する")
    app.enter("パスワード", person.card_password or "")
    app.check("確認しました")
    app.press("申請する")
    phone.hold_card(person.card)
    card = phone.card_trace.to_text("ja")
    assert "署名用パスワード" in card and "**" in card and (person.card_password or "") not in card
    se = [e.command[:5] for e in phone.se_trace.entries]
    assert "80 46" in se  # the key pairs are generated inside the SE
    assert phone.nfc.card is person.card
    phone.remove_card()
    assert phone.nfc.card is None and app.state.value == "read_done"
    assert any("カードを離した" in e.text.ja for e in phone.log)
    app.press("次へ")
    app.press("中止する")


def test_factory_reset_keeps_the_se_but_wipes_the_phone(world: World) -> None:
    phone = world.new_phone()
    phone.install(GAME)
    phone.spoof("myna.go.jp.test", "impostor")
    se = phone.se
    phone.factory_reset()
    assert phone.packages == [] and phone.dns == {} and phone.biometrics.enrolled is None
    assert phone.se is se and se.jpki is not None
    assert "SE 内のデータは残ります" in phone.log[-1].text.ja


def test_the_certificate_check_screen_asks_the_se_through_omapi(world: World) -> None:
    """「スマホ電子証明書の確認」 is an SE access like any other: an OMAPI channel the access rules
    allow for the Mynaportal app, and the LIST CONTENTS command in the SE trace."""
    person = world.resident("sample")
    phone = world.new_phone(person)
    world.apply(person, phone)
    phone.access_log.clear()
    phone.se_trace.clear()
    app = phone.mynaportal
    app.open()
    app.press("メニュー")
    app.press("スマホ電子証明書の確認")
    assert phone.access_log and {(e.package, e.allowed) for e in phone.access_log} == {(MYNAPORTAL.package, True)}
    assert "80 CA" in [e.command[:5] for e in phone.se_trace.entries]
    assert app.info_rows and all(r["category"].en != "access rule" for r in app.info_rows)
    assert any("税関係情報" in t.ja for t in app.info_body)


class _Listener:
    """An app of its own: it only records what the phone tells it."""

    def __init__(self, phone: Phone) -> None:
        self.package = BANK
        self.events: list[str] = []
        phone.subscribe_push(BANK.package, lambda n: self.events.append(n.kind.value))
        phone.listen_nfc(BANK.package, self)

    def card_held(self) -> None:
        self.events.append("held")

    def card_removed(self) -> None:
        self.events.append("removed")


def test_apps_get_push_and_nfc_only_by_subscribing() -> None:
    """The phone knows apps only by their factories and subscriptions: an app it was given for
    a package gets the events; uninstalled, it gets none."""
    with pooled_keys():
        world = new_world()
        person = world.resident("sample")
        phone = Phone(name="p", model="Pixel 8", device_id="android-own", clock=world.clock, network=world.internet,
                      apps={**APPS, BANK.package: _Listener})
        world.phones.append(phone)
        phone.install(MYNAPORTAL)
        listener = phone.install(BANK)
        world.apply(person, phone)
        assert "held" in listener.events and "removed" in listener.events
        assert "registration_ready" in listener.events  # the same push the Mynaportal app acted on
        phone.uninstall(BANK.package)
        before = list(listener.events)
        phone.hold_card(person.card)
        world.report_loss(person)
        assert listener.events == before
        world.close()


def test_device_proofs_reach_jlis_in_order_from_two_threads() -> None:
    """The phone widget's watcher syncs while the learner taps: each proof is made and sent
    under the phone's lock, so J-LIS always sees the SE's counters in order (lab assumption:
    :mod:`labkit.jlis.devices`). A factory reset keeps the device key: the reinstalled app
    still gets the phone's pushes."""
    import threading

    from labkit.jlis import LossItem, NotificationKind

    with pooled_keys():
        world = new_world()
        person = world.resident("sample")
        phone = world.new_phone(person)
        world.apply(person, phone)
    errors: list[Exception] = []

    def hammer(action: object) -> None:
        try:
            for _ in range(15):
                action()  # type: ignore[operator]
        except Exception as exc:  # collected: the assertion below names it
            errors.append(exc)
    threads = [threading.Thread(target=hammer, args=(a,)) for a in (phone.sync, phone.mynaportal.status)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert phone.mynaportal.status().holder_id == person.holder_id

    phone.factory_reset()
    world.hotline.report_loss(person.loss_report(LossItem.PHONE))
    phone.install(MYNAPORTAL)
    assert [m.notification.kind for m in phone.sync()] == [NotificationKind.SUSPENDED]
    world.close()
