"""The Mynaportal app's state machine: the table is complete and consistent with the screens,
labels are the lecture's, and every invalid action leaves the state unchanged with a
bilingual error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from world_support import new_world, pooled_keys

from labkit.i18n import Text
from labkit.phone import AppState, Phone
from labkit.phone.mynaportal import TRANSITIONS, B, MynaportalApp, transitions_from
from labkit.phone.screen import match_label
from labkit.world import Person, World

LECTURE_LABELS = ["メニュー", "スマホ用電子証明書を申請する", "確認しました", "申請する", "次へ", "登録する",
                  "機種変更", "同意して次へ", "スマホ電子証明書の確認", "失効", "はじめる",
                  "生体認証などを利用登録する"]


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with pooled_keys():
        w = new_world()
        w.resident("sample")
        w.resident("child")
    yield w
    w.close()


@pytest.fixture
def person(world: World) -> Person:
    return world.resident("sample")


@pytest.fixture
def phone(world: World) -> Phone:
    return world.new_phone()


def _to_form(phone: Phone, person: Person) -> MynaportalApp:
    app = phone.mynaportal
    app.open()
    app.press("メニュー")
    app.press("スマホ用電子証明書を申請する")
    app.enter("パスワード", person.card_password or "")
    app.check("確認しました")
    return app


def test_lecture_labels_are_the_button_labels() -> None:
    labels = {v.ja for v in vars(B).values() if isinstance(v, Text)}
    assert set(LECTURE_LABELS) <= labels


def test_every_state_renders_and_every_button_has_a_transition(phone: Phone) -> None:
    app = phone.mynaportal
    for state in AppState:
        app.state = state
        screen = app.screen
        assert screen.state == state.value and screen.title.ja and screen.title.en
        for button in screen.buttons:
            assert (state, button.id) in TRANSITIONS, (state, button.id)
        allowed = transitions_from(state)
        shown = {b.id for b in screen.buttons}
        hidden = {a for a in allowed if not a.startswith("event:")} - shown
        assert hidden <= {"register"}, (state, hidden)  # HOME shows 登録する only after the push
    for transition in TRANSITIONS.values():
        assert transition.targets and all(isinstance(t, AppState) for t in transition.targets)
        if transition.effect is not None:
            assert callable(getattr(app, "_" + transition.effect)), transition.effect
    reachable = {AppState.HOME} | {t for tr in TRANSITIONS.values() for t in tr.targets}
    assert reachable == set(AppState)


def test_invalid_actions_leave_the_state_unchanged(phone: Phone) -> None:
    app = phone.mynaportal
    app.open()
    screen = app.press("申請する")  # not on the top screen
    assert screen.state == "home" and "「申請する」はありません" in screen.error.ja
    assert "no '申請する'" in screen.error.en
    screen = app.enter("パスワード", "ABC123")
    assert screen.state == "home" and screen.error.en.startswith("there is no field")
    screen = app.check("確認しました")
    assert screen.state == "home" and "check box" in screen.error.en
    app.card_held()  # a card held to the phone outside a reading screen: nothing happens
    assert app.state is AppState.HOME
    app.press("Menu")  # English labels work too
    assert app.state is AppState.MENU
    app.press("「スマホ用電子証明書を申請する」")  # so do the lecture's brackets
    screen = app.press("申請する")
    assert screen.state == "form" and not screen.button("申請する").enabled
    assert "確認しました" in screen.error.ja and "tick" in screen.error.en
    assert app.enter("パスワード", 123).error.en == "type text"  # type: ignore[arg-type]


def test_screens_never_show_secrets(phone: Phone, person: Person) -> None:
    app = _to_form(phone, person)
    field = next(i for i in app.screen.inputs if i.id == "password")
    assert field.secret and field.value == "" and field.filled == len(person.card_password or "")
    assert (person.card_password or "") not in app.screen.render("ja")
    assert "●" * field.filled in app.screen.render("en")


def test_wrong_card_password_returns_to_the_form(world: World, person: Person) -> None:
    phone = world.new_phone()
    app = _to_form(phone, person)
    app.enter("パスワード", "WRONG123")
    app.press("申請する")
    phone.hold_card(person.card)
    screen = app.screen
    assert screen.state == "form" and "残り 4 回" in screen.error.ja and "4 tries left" in screen.error.en
    phone.remove_card()
    # the right password next time resets the card's counter
    app.enter("パスワード", person.card_password or "")
    app.check("確認しました")
    app.press("申請する")
    phone.hold_card(person.card)
    assert app.state is AppState.READ_SUCCESS
    phone.remove_card()
    app.press("次へ")
    assert app.press("中止する").state == "home"
    assert not phone.se.jpki.has_anything()  # abandoned: the new keys were erased


def test_password_rules_are_checked_before_the_card_and_the_se(world: World, person: Person) -> None:
    phone = world.new_phone()
    app = _to_form(phone, person)
    app.enter("パスワード", "abc")
    screen = app.press("申請する")
    assert screen.state == "form" and "6〜16" in screen.error.ja and "6-16" in screen.error.en
    app.enter("パスワード", person.card_password or "")
    app.press("申請する")
    phone.hold_card(person.card)
    phone.remove_card()
    app.press("次へ")
    app.enter("パスワード", "phone123")  # lower case
    screen = app.press("次へ")
    assert screen.state == "sign_password" and "英小文字" in screen.error.ja
    app.enter("パスワード", person.phone_password)
    app.press("次へ")
    app.enter("pin", "1234")
    app.enter("pin_again", "1243")
    screen = app.press("次へ")
    assert screen.state == "auth_pin" and "一致しません" in screen.error.ja and "do not match" in screen.error.en
    app.enter("pin", "12345")
    app.enter("pin_again", "12345")
    assert "4桁" in app.press("次へ").error.ja
    app.press("中止する")


def test_unsupported_model_and_offline_phone(world: World, person: Person) -> None:
    iphone = world.new_phone(model="iPhone 15")
    app = _to_form(iphone, person)
    screen = app.press("申請する")
    assert screen.state == "form" and "対応していません" in screen.error.ja and "does not support" in screen.error.en
    offline = world.new_phone()
    offline.set_online(False)
    app = offline.mynaportal
    app.open()
    app.press("メニュー")
    screen = app.press("スマホ用電子証明書を申請する")
    assert screen.state == "menu" and "ネットワーク" in screen.error.ja and "network" in screen.error.en


def test_a_card_without_signing_certificate(world: World) -> None:
    child = world.resident("child")  # 10 years old: no signing certificate on the card
    assert child.card_password is None
    phone = world.new_phone()
    app = phone.mynaportal
    app.open()
    app.press("メニュー")
    app.press("スマホ用電子証明書を申請する")
    app.enter("パスワード", "ABC123")
    app.check("確認しました")
    app.press("申請する")
    phone.hold_card(child.card)
    screen = app.screen
    assert screen.state == "read_card" and "署名用電子証明書が登録されていません" in screen.error.ja


def test_register_before_applying_and_menu_without_certificates(phone: Phone) -> None:
    app = phone.mynaportal
    app.open()
    app.press("メニュー")
    app.press("登録する")
    screen = app.press("登録する")
    assert screen.state == "register" and "先に申請" in screen.error.ja
    app.press("戻る")
    screen = app.press("失効")
    assert screen.state == "menu" and "登録されていません" in screen.error.ja
    screen = app.press("スマホ電子証明書の確認")
    text = screen.render("ja")
    assert "税関係情報" in text and "年金関係情報" in text
    assert all(match_label(b.label, b.label.en) for b in screen.buttons)
