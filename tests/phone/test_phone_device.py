"""The phone itself: the Play Store steps of 2-2, app identities, NFC and APDU traces, push on
the simulated clock, and what a factory reset does and does not remove."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from world_support import new_world, pooled_keys

from labkit.errors import ServiceError
from labkit.phone import BANK, CATALOG, GAME, MYNAPORTAL, StoreState, signing_certificate
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
