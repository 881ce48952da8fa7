"""Phone mock-up and card-reading step against the real phone, Mynaportal app and J-LIS of a
lab World: clicks are forwarded to the app's state machine, errors appear on the screen."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from labkit.i18n import Text
from labkit.phone.screen import Button, Screen
from labkit.se import DataCategory
from labkit.widgets import CardReadingModel, PhoneMockup, PhoneMockupModel
from labkit.world import World


@pytest.fixture
def world(key_pool: list[rsa.RSAPrivateKey]) -> Iterator[World]:
    w = World.create(now="2026-04-01T21:00:00+09:00", key_factory=itertools.cycle(key_pool[:4]).__next__)
    yield w
    w.close()


def _apply_through_the_view(mock: PhoneMockup, password: str) -> None:
    mock.buttons["menu"].click()
    mock.buttons["apply"].click()
    mock.inputs["password"].value = password
    assert mock.buttons["submit"].disabled  # 「確認しました」 not ticked yet
    mock.checks["confirmed"].value = True
    assert not mock.buttons["submit"].disabled
    mock.buttons["submit"].click()


def test_apply_and_register_by_clicking(world: World) -> None:
    hanako = world.resident("sample")
    phone = world.new_phone(hanako)
    mock = PhoneMockup(phone, card=hanako.card, advance=world.advance, lang="ja")
    assert 'data-state="home"' in mock.title.value and set(mock.buttons) == {"login", "menu"}
    # the screen title is a heading the focus can return to after a screen change
    assert mock.title.value.startswith('<h3 class="labkit-phone-titlebar labkit-focus-target" tabindex="-1"')
    assert "labkit-focus-home" in mock.widget._dom_classes
    _apply_through_the_view(mock, hanako.card_password or "")
    assert 'data-state="read_card"' in mock.title.value
    step = mock.card_step
    assert step is not None and step.model.stage() == "waiting" and not step.hold_button.disabled
    step.hold_button.click()
    assert step.model.stage() == "success" and 'data-stage="success"' in step.view.value
    assert "カード読み取り成功" in mock.title.value and 'data-nfc="true"' in mock.status.value
    step.remove_button.click()
    assert step.model.stage() == "done"
    mock.buttons["next"].click()
    mock.inputs["password"].value = hanako.phone_password
    mock.buttons["next"].click()
    mock.inputs["pin"].value = hanako.phone_pin
    mock.inputs["pin_again"].value = hanako.phone_pin
    mock.buttons["next"].click()
    assert 'data-state="applied"' in mock.title.value and "08:00" in mock.notice.value
    mock.buttons["close"].click()
    assert mock.shade_toggle.description == "通知"
    assert "プッシュ通知" not in mock.announce.value
    mock.clock_buttons["12h"].click()  # 21:00 + 12 h: the morning push has arrived
    assert mock.shade_toggle.description == "通知 (1)"
    # said once through the polite live region, with the notification's text
    assert "プッシュ通知が届きました: " in mock.announce.value
    assert {"labkit-live", "labkit-sr-only"} <= set(mock.announce._dom_classes)
    said = mock.announce.value
    mock.redraw()
    assert mock.announce.value == said
    mock.shade_toggle.value = True
    assert "registration_ready" in mock.shade_list.value and mock.shade.layout.display is None
    assert mock.shade_toggle.description == "通知"
    mock.buttons["register"].click()
    mock.buttons["register"].click()
    assert 'data-state="registered"' in mock.title.value
    assert phone.se.inventory().stores(DataCategory.CERTIFICATE)
    mock.buttons["close"].click()
    mock.buttons["menu"].click()
    mock.buttons["check"].click()
    assert "labkit-phone-table" in mock.rows.value and "<th>種類</th>" in mock.rows.value


def test_typing_keeps_the_same_buttons(world: World) -> None:
    """A click right after typing must reach a button that still exists in the page."""
    hanako = world.resident("sample")
    mock = PhoneMockup(world.new_phone(hanako), card=hanako.card, advance=world.advance, lang="ja")
    mock.buttons["menu"].click()
    mock.buttons["apply"].click()
    before = dict(mock.buttons)
    for typed in ("A", "AB", "ABC"):
        mock.inputs["password"].value = typed
        assert all(mock.buttons[k] is before[k] for k in before)
    mock.checks["confirmed"].value = True  # enabling 申請する changes its hint: rebuilt
    assert not mock.buttons["submit"].disabled


def test_card_read_failure_is_shown(world: World) -> None:
    hanako = world.resident("sample")
    mock = PhoneMockup(world.new_phone(hanako), card=hanako.card, lang="en")
    _apply_through_the_view(mock, "WRONG9")
    assert mock.card_step is not None
    mock.card_step.hold_button.click()
    assert 'data-state="form"' in mock.title.value
    # a PIN refused is read out by screen readers: the error box is a polite live region
    assert "4 tries left" in mock.error.value and "labkit-live" in mock.error._dom_classes
    assert mock.card_step.model.stage() == "failed" and "could not be read" in mock.card_step.view.value


def test_wrong_button_airplane_mode_and_clock_without_world(world: World) -> None:
    hanako = world.resident("sample")
    phone = world.new_phone(hanako)
    mock = PhoneMockup(phone, lang="ja")
    mock.press("存在しないボタン")
    assert "この画面に「存在しないボタン」はありません" in mock.error.value
    mock.airplane.value = True
    assert not phone.online and 'data-online="false"' in mock.status.value and "機内モード" in mock.status.value
    mock.airplane.value = False
    assert phone.online
    assert not mock.clock_buttons and mock.card_step is None
    mock.model.advance(world.now() - world.now())
    mock.redraw()
    assert "advance=world.advance" in mock.error.value


def test_home_screen_and_play_store_install(world: World) -> None:
    phone = world.new_phone(install=False)
    mock = PhoneMockup(phone, lang="ja")
    assert 'data-app="home"' in mock.title.value
    mock.buttons["playstore"].click()
    mock.buttons["search"].click()
    mock.inputs["query"].value = "マイナポータル"
    assert "result:jp.go.digital.mynaportal.lab" in mock.buttons
    mock.buttons["result:jp.go.digital.mynaportal.lab"].click()
    mock.buttons["install"].click()
    assert "インストールが完了しました" in mock.notice.value and "open" in mock.buttons
    mock.buttons["open"].click()  # 「開く」: the app opens on its top screen
    assert 'data-app="mynaportal"' in mock.title.value and 'data-state="home"' in mock.title.value
    mock.home_button.click()
    assert 'data-app="home"' in mock.title.value
    key = "app:jp.go.digital.mynaportal.lab"
    assert {"labkit-phone-button", "labkit-phone-button-app-jp-go-digital-mynaportal-lab"} <= set(
        mock.buttons[key]._dom_classes)
    mock.buttons[key].click()
    assert 'data-app="mynaportal"' in mock.title.value


def test_watching_picks_up_changes_made_elsewhere(world: World) -> None:
    hanako = world.resident("sample")
    phone = world.new_phone(hanako)
    world.apply(hanako, phone, register=False)  # applied at 21:00: push at 08:00
    mock = PhoneMockup(phone, lang="ja", watch=0.02)
    try:
        assert mock.shade_toggle.description == "通知"
        world.advance(hours=12)  # "another cell"
        done = threading.Event()
        for _ in range(250):
            if mock.shade_toggle.description == "通知 (1)":
                done.set()
                break
            done.wait(0.02)
        assert done.is_set()
    finally:
        mock.close()


class _BrokenApp:
    """An app whose button handler has a bug (not a labkit error)."""

    screen = Screen("broken", "s", Text("壊れた画面", "broken screen"), buttons=(Button("go", Text("進む", "go")),))

    def press(self, label: Any) -> Screen:
        raise RuntimeError("boom")

    def enter(self, field: Any, value: str) -> Screen:
        return self.screen


def test_unexpected_errors_are_shown_not_swallowed() -> None:
    phone = SimpleNamespace(installed=lambda: True, mynaportal=None, inbox=[], online=True,
                            nfc=SimpleNamespace(card=None), clock=SimpleNamespace(now=lambda: None))
    model = PhoneMockupModel(phone, _BrokenApp(), lang="en")
    model.press("go")
    assert model.failure is not None and "RuntimeError: boom" in model.failure.en
    assert isinstance(model.last_exception, RuntimeError)


def test_card_reading_stages_without_a_phone() -> None:
    state = {"screen": SimpleNamespace(state="home", error=None)}
    nfc = SimpleNamespace(card=None)

    def hold(card: Any) -> None:
        nfc.card = card
        state["screen"] = SimpleNamespace(state="read_success", error=None)

    def remove() -> None:
        nfc.card = None
        state["screen"] = SimpleNamespace(state="read_done", error=None)
    phone = SimpleNamespace(nfc=nfc, hold_card=hold, remove_card=remove)
    model = CardReadingModel(phone, "card", screen=lambda: state["screen"], lang="ja")
    assert model.stage() == "idle"
    state["screen"] = SimpleNamespace(state="read_card", error=None)
    assert model.stage() == "waiting" and "モバイル非接触ICマーク" in model.message().ja
    model.hold()
    assert model.stage() == "success" and model.held and 'data-held="true"' in model.svg()
    model.remove()
    assert model.stage() == "done" and "labkit-cardread-ok" in model.svg()

    def broken(card: Any) -> None:
        raise OSError("NFC off")
    failing = CardReadingModel(SimpleNamespace(nfc=SimpleNamespace(card=None), hold_card=broken), "card",
                               screen=lambda: None, lang="en")
    failing.hold()
    assert failing.failure is not None and "NFC off" in failing.html()
