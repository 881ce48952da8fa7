"""Chapter 2 apps in a browser, clicked through as a student would: the application at night
with the push the next morning and the registration, a login to Mynaportal, a device change,
a loss and find, and a revocation after a factory reset. (Each Chapter 2 app's render in
Japanese and English is checked with the others in test_voila_apps.py.)

Served by Voilà exactly as `make run` does, driven through Playwright with Debian's chromium;
the fixtures (server, offline routing, screenshots of failures in build/browser-failures/)
are this folder's conftest.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

pytest.importorskip("playwright.sync_api",
                    reason="playwright is not installed: pip install -e '.[dev]'")
pytest.importorskip("pytest_playwright",
                    reason="pytest-playwright is not installed: pip install -e '.[dev]'")

from browser_support import STEP, assert_clean, open_app
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

#: The lab person's values (labkit.world.Person defaults), shown in each lab's table.
CARD_PASSWORD = "ABC123"
PHONE_PASSWORD = "PHONE123"
PHONE_PIN = "2468"
MYNAPORTAL_RESULT = "result-jp-go-digital-mynaportal-lab"
EXPECT_TIMEOUT = STEP  # every assertion here waits for the kernel's answer to a click


# --------------------------------------------------------------------------- phone helpers

def press(phone: Locator, ident: str) -> None:
    """Press a button of the app's screen (by the button id the mock-up puts in its class)."""
    button = phone.locator(f".labkit-phone-button-{ident}")
    expect(button).to_be_enabled(timeout=STEP)
    button.click()


def type_into(phone: Locator, field: str, value: str) -> None:
    box = phone.locator(f".labkit-phone-input-{field} input")
    expect(box).to_be_visible(timeout=STEP)
    box.fill(value)


def tick(phone: Locator, box: str, on: bool = True) -> None:
    check = phone.locator(f".labkit-phone-check-{box} input")
    expect(check).to_be_visible(timeout=STEP)
    check.set_checked(on)


def state(phone: Locator, expected: str) -> None:
    expect(phone.locator(".labkit-phone-titlebar")).to_have_attribute("data-state", expected)


def apply_on(phone: Locator, *, change: bool = False, sign: bool = True) -> None:
    """2-3 ②–⑨ and the passwords (2-5 ②–⑨ with ``change``), from the app's top screen."""
    press(phone, "menu")
    press(phone, "change" if change else "apply")
    state(phone, "form")
    type_into(phone, "password", CARD_PASSWORD)
    if not sign:
        tick(phone, "sign", False)
    tick(phone, "confirmed")
    press(phone, "submit")
    state(phone, "read_card")
    expect(phone.locator(".labkit-cardread-view")).to_have_attribute("data-stage", "waiting")
    read_card(phone)
    state(phone, "read_done")
    press(phone, "next")
    if change:
        state(phone, "confirm_old")
        press(phone, "agree")
    if sign:
        state(phone, "sign_password")
        type_into(phone, "password", PHONE_PASSWORD)
        press(phone, "next")
    state(phone, "auth_pin")
    type_into(phone, "pin", PHONE_PIN)
    type_into(phone, "pin_again", PHONE_PIN)
    press(phone, "next")
    state(phone, "applied")


def read_card(phone: Locator) -> None:
    """Hold the card to the phone until it is read, then take it away."""
    phone.locator(".labkit-cardread-hold").click()
    state(phone, "read_success")
    phone.locator(".labkit-cardread-remove").click()


def submit_for_signing(phone: Locator) -> None:
    """From a filled-in form for the signing certificate alone: confirm, submit, read the card,
    set the signing password; ends on the applied screen."""
    tick(phone, "confirmed")
    press(phone, "submit")
    read_card(phone)
    press(phone, "next")
    type_into(phone, "password", PHONE_PASSWORD)
    press(phone, "next")
    state(phone, "applied")


def register_on(phone: Locator) -> None:
    """2-4 ①–③ from the top screen after the push."""
    press(phone, "register")
    state(phone, "register")
    press(phone, "register")
    state(phone, "registered")


def log_in(phone: Locator, pin: str = PHONE_PIN) -> str:
    """「ログイン」 with the 4-digit PIN; returns the error shown, or "" when logged in (then
    logs out again). Ends on the app's top screen."""
    press(phone, "login")
    state(phone, "login")
    type_into(phone, "pin", pin)
    press(phone, "login")
    error = phone.locator(".labkit-phone-error-text")
    portal = phone.locator('.labkit-phone-titlebar[data-state="portal"]')
    expect(error.or_(portal).first).to_be_visible(timeout=STEP)
    if portal.count():
        press(phone, "logout")
        state(phone, "home")
        return ""
    text = error.first.inner_text()
    press(phone, "back")
    state(phone, "home")
    return text


def status_row(lab: Locator, where: str, kind: str) -> Locator:
    """The row of the lab's certificate-state table for one certificate."""
    return lab.locator(f".labkit-lab-status tr.labkit-lab-cert-{where}-{kind}")


def in_state(value: str) -> re.Pattern[str]:
    """Class pattern of a status row in ``value`` (good / held / revoked) at J-LIS."""
    return re.compile(rf"\blabkit-lab-state-{value}\b")


# --------------------------------------------------------------------------- flows

def test_ch2_install_from_the_play_store(app: tuple[Page, Any], voila: Any) -> None:
    page, visit = app
    open_app(page, voila.app("2-2_install.ipynb"))
    lab = page.locator(".labkit-lab-install")
    phone = lab.locator(".labkit-phone")
    press(phone, "playstore")
    press(phone, "search")
    type_into(phone, "query", "マイナポータル")
    press(phone, MYNAPORTAL_RESULT)
    install = phone.locator(".labkit-phone-button-install")
    expect(install).to_have_text("インストール")
    install.click()
    expect(phone.locator(".labkit-phone-button-open")).to_have_text("開く")  # 「インストール」→「開く」
    press(phone, "open")
    expect(phone.locator(".labkit-phone-titlebar")).to_have_attribute("data-app", "mynaportal")
    expect(lab.locator('.labkit-lab-step[data-done="true"]')).to_have_count(5)
    assert_clean(page, visit)


def test_ch2_apply_at_night_push_next_morning_and_register(app: tuple[Page, Any], voila: Any) -> None:
    page, visit = app
    open_app(page, voila.app("2-3_apply.ipynb"))
    lab = page.locator(".labkit-lab-apply")
    phone = lab.locator(".labkit-phone")
    expect(phone.locator(".labkit-phone-statusbar")).to_contain_text("21:00")
    expect(lab.locator(".labkit-lab-to-push")).to_be_disabled()
    apply_on(phone)
    expect(phone.locator(".labkit-phone-notice-text")).to_contain_text("08:00")
    # the card's and the SE's APDUs, PINs masked
    trace = lab.locator(".labkit-trace")
    expect(trace).to_contain_text("VERIFY")
    expect(trace).to_contain_text("鍵ペア生成")
    expect(trace).not_to_contain_text(CARD_PASSWORD)
    press(phone, "close")
    state(phone, "home")
    expect(lab.locator(".labkit-timeline-mark-push")).to_have_attribute("data-at", "2026-04-02T08:00:00+09:00")
    # an hour later: still nothing (applied after 19:30)
    phone.locator(".labkit-phone-advance-1h").click()
    expect(phone.locator(".labkit-phone-statusbar")).to_contain_text("22:00")
    expect(phone.locator(".labkit-phone-shade-toggle")).to_have_text("通知")
    expect(phone.locator(".labkit-phone-button-register")).to_have_count(0)
    # move the clock to the push: 8:00 the next morning
    lab.locator(".labkit-lab-to-push").click()
    expect(phone.locator(".labkit-phone-statusbar")).to_contain_text("4/2(木) 08:00")
    expect(phone.locator(".labkit-phone-shade-toggle")).to_have_text("通知 (1)")
    expect(lab.locator('.labkit-lab-step[data-step="push"]')).to_have_attribute("data-done", "true")
    register_on(phone)
    expect(lab.locator('.labkit-lab-step[data-done="true"]')).to_have_count(9)
    expect(lab.locator(".labkit-timeline-mark-register")).to_have_count(1)
    assert_clean(page, visit)


def test_ch2_register_then_log_in_to_mynaportal(app: tuple[Page, Any], voila: Any) -> None:
    page, visit = app
    open_app(page, voila.app("2-4_register.ipynb", "?lang=en"))
    lab = page.locator(".labkit-lab-register")
    phone = lab.locator(".labkit-phone")
    expect(phone.locator(".labkit-phone-shade-toggle")).to_have_text("Notifications (1)")
    expect(lab.locator(".labkit-se-jpki-box")).to_contain_text("none")
    expect(lab.locator(".labkit-cert")).to_have_count(0)
    register_on(phone)
    expect(lab.locator(".labkit-cert")).to_have_count(2)  # read from the SE
    expect(lab.locator(".labkit-cert-status-good")).to_have_count(2)
    expect(lab.locator(".labkit-se-jpki-box")).to_contain_text("present")
    press(phone, "close")
    state(phone, "home")
    press(phone, "login")
    type_into(phone, "pin", PHONE_PIN)
    press(phone, "login")
    state(phone, "portal")
    press(phone, "history")
    state(phone, "history")
    expect(phone.locator(".labkit-phone-table")).to_contain_text("ok")
    assert_clean(page, visit)


def test_ch2_device_change_old_phone_online_and_offline(app: tuple[Page, Any], voila: Any) -> None:
    page, visit = app
    open_app(page, voila.app("2-5_device_change.ipynb"))
    # lab 1: the old phone stays online and deletes by itself
    lab = page.locator(".labkit-lab-old-online")
    new, old = lab.locator(".labkit-lab-new-phone"), lab.locator(".labkit-lab-old-phone")
    expect(lab.locator(".labkit-lab-phones-table")).to_contain_text("2 枚")
    apply_on(new, change=True)
    expect(lab.locator(".labkit-lab-phones-table tr").nth(1)).to_contain_text("0 枚")
    expect(lab.locator(".labkit-lab-phones-table tr").nth(1)).to_contain_text("失効")
    press(new, "close")
    new.locator(".labkit-phone-advance-10m").click()
    expect(new.locator(".labkit-phone-shade-toggle")).to_have_text("通知 (1)")
    register_on(new)
    press(new, "biometric")  # optional 「生体認証などを利用登録する」
    type_into(new, "pin", PHONE_PIN)
    press(new, "enroll")
    state(new, "biometric_done")
    assert "登録されていません" in log_in(old)
    # lab 2: the old phone is offline until 49 hours later
    lab = page.locator(".labkit-lab-old-offline")
    new, old = lab.locator(".labkit-lab-new-phone"), lab.locator(".labkit-lab-old-phone")
    expect(old.locator(".labkit-phone-statusbar")).to_have_attribute("data-online", "false")
    apply_on(new, change=True)
    press(new, "close")
    for step in ("1d", "1d", "1h"):
        new.locator(f".labkit-phone-advance-{step}").click()
        expect(new.locator(".labkit-phone-statusbar")).not_to_contain_text("4/1(水) 10:00")
    expect(new.locator(".labkit-phone-statusbar")).to_contain_text("4/3(金) 11:00")
    old.locator(".labkit-phone-airplane").click()  # back online, after 48 hours
    expect(old.locator(".labkit-phone-statusbar")).to_have_attribute("data-online", "true")
    row = lab.locator(".labkit-lab-phones-table tr").nth(1)
    expect(row).to_contain_text("2 枚")  # they stay in its SE ...
    expect(row).to_contain_text("失効")  # ... revoked
    expect(lab.locator(".labkit-timeline-mark-offline")).to_have_count(2)
    assert "失効" in log_in(old)
    assert_clean(page, visit)


def test_ch2_phone_lost_then_found(app: tuple[Page, Any], voila: Any) -> None:
    page, visit = app
    open_app(page, voila.app("2-6_loss.ipynb"))
    lab = page.locator(".labkit-lab-loss-phone")
    phone = lab.locator(".labkit-phone")
    hotline = lab.locator(".labkit-lab-hotline")
    expect(hotline.locator(".labkit-lab-hotline-hours [data-open]")).to_have_attribute("data-open", "false")
    assert log_in(phone) == ""  # not reported yet: the PIN is the only protection
    hotline.locator(".labkit-lab-hotline-call").click()
    hotline.locator(".labkit-lab-hotline-press4").click()
    expect(hotline.locator(".labkit-lab-hotline-log")).to_contain_text("4番")
    hotline.locator(".labkit-lab-hotline-report").click()  # 22:30: taken 24時間365日
    expect(status_row(lab, "phone", "auth")).to_have_class(in_state("held"))
    expect(status_row(lab, "phone", "sign")).to_contain_text("一時保留")
    assert "一時" in log_in(phone)
    phone.locator(".labkit-phone-advance-12h").click()
    expect(phone.locator(".labkit-phone-statusbar")).to_contain_text("4/2(木) 10:30")
    lab.locator(".labkit-lab-counter-phone-found").click()
    expect(lab.locator(".labkit-lab-counter-log")).to_contain_text("手数料")
    expect(status_row(lab, "phone", "auth")).to_have_class(in_state("good"))
    expect(status_row(lab, "phone", "sign")).to_have_class(in_state("revoked"))
    assert log_in(phone) == ""  # the user-authentication certificate works again
    # the signing certificate: apply for it alone, register after the push
    press(phone, "menu")
    press(phone, "apply")
    expect(phone.locator(".labkit-phone-check-auth input")).not_to_be_checked()
    type_into(phone, "password", CARD_PASSWORD)
    submit_for_signing(phone)
    press(phone, "close")
    phone.locator(".labkit-phone-advance-10m").click()
    register_on(phone)
    expect(status_row(lab, "phone", "sign")).to_have_class(in_state("good"))
    assert_clean(page, visit)


def test_ch2_card_lost_then_found_in_english(app: tuple[Page, Any], voila: Any) -> None:
    page, visit = app
    open_app(page, voila.app("2-6_loss.ipynb", "?lang=en"))
    lab = page.locator(".labkit-lab-loss-card")
    phone = lab.locator(".labkit-phone")
    lab.locator(".labkit-lab-hotline-report").click()
    expect(status_row(lab, "card", "auth")).to_have_class(in_state("held"))
    lab.locator(".labkit-lab-counter-card-lost").click()
    expect(lab.locator(".labkit-lab-counter-log")).to_contain_text("already suspended")
    assert "hold" in log_in(phone)
    phone.locator(".labkit-phone-advance-12h").click()
    lab.locator(".labkit-lab-counter-card-found").click()
    expect(lab.locator(".labkit-lab-info")).to_contain_text("FOUND2026")
    press(phone, "menu")
    press(phone, "card_found")
    type_into(phone, "password", "FOUND2026")
    submit_for_signing(phone)
    expect(status_row(lab, "phone", "auth")).to_have_class(in_state("good"))
    press(phone, "close")
    phone.locator(".labkit-phone-advance-10m").click()
    register_on(phone)  # the re-issued signing certificate
    expect(status_row(lab, "phone", "sign")).to_have_class(in_state("good"))
    assert_clean(page, visit)


def test_ch2_factory_reset_then_revoke(app: tuple[Page, Any], voila: Any) -> None:
    page, visit = app
    open_app(page, voila.app("2-7_stop_using.ipynb"))
    lab = page.locator(".labkit-lab-stop-using")
    phone = lab.locator(".labkit-phone")
    lab.locator(".labkit-lab-factory-reset").click()
    expect(phone.locator(".labkit-phone-titlebar")).to_have_attribute("data-app", "home")
    expect(lab.locator(".labkit-se-jpki-box")).to_contain_text("シリアル")  # still in the SE
    lab.locator(".labkit-lab-revocation-check").click()
    table = lab.locator(".labkit-lab-revocation-table")
    expect(table).to_contain_text("有効")
    # install the app again (2-2) and revoke (2-7 ①–⑥)
    press(phone, "playstore")
    press(phone, "search")
    type_into(phone, "query", "マイナポータル")
    press(phone, MYNAPORTAL_RESULT)
    press(phone, "install")
    press(phone, "open")
    state(phone, "home")
    press(phone, "menu")
    press(phone, "revoke")
    state(phone, "revoke_start")
    expect(phone.locator(".labkit-phone-check-target input")).to_be_checked()
    press(phone, "start")
    state(phone, "revoke_password")
    type_into(phone, "password", PHONE_PIN)
    press(phone, "revoke")
    state(phone, "revoked")
    expect(lab.locator(".labkit-se-jpki-box")).not_to_contain_text("シリアル")
    lab.locator(".labkit-lab-revocation-check").click()
    expect(table).not_to_contain_text("有効")
    expect(table.locator("td", has_text="失効 (利用の停止)")).to_have_count(6)
    assert_clean(page, visit)


def test_ch2_faq_validity_calculator_and_quiz(app: tuple[Page, Any], voila: Any) -> None:
    page, visit = app
    open_app(page, voila.app("2-8_faq.ipynb"))
    calc = page.locator(".labkit-validity")
    expect(calc).to_contain_text("2031-02-28")  # born 2000-02-29, issued 2026-04-01
    birth = calc.locator(".labkit-validity-birth input")
    birth.fill("1990-02-17")
    birth.dispatch_event("change")
    expect(calc.locator(".labkit-validity-result")).to_contain_text("2031-02-17")
    quiz = page.locator(".labkit-quiz:not(.labkit-check)")  # the chapter quiz, not the 2-8 check
    quiz.locator(".labkit-quiz-choice").first.click()
    expect(quiz.locator(".labkit-quiz-feedback")).not_to_be_empty(timeout=STEP)
    assert_clean(page, visit)
