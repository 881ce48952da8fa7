"""Chapter 1 apps (1-1 to 1-6) in a browser, in Japanese and English, clicked through as a
student would: the card's certificates and the empty phone (1-1), log in / open a bank account /
print a 住民票 (1-2), PIN then biometrics and another app refused (1-3), genuine vs fake portal
over real TLS and the usage history (1-4), the SE inspector, another app denied, brute force
until the PIN locks and an extraction attack that erases the keys (1-5), the hotline's hours on
the simulated clock (1-6).

Uses the Voilà server, browser settings and the ``app`` fixture (offline, screenshot on
failure in build/browser-failures/) of this folder's conftest.py. ``LABKIT_SCREENSHOTS=<dir>`` keeps
a screenshot of every app after its lab was clicked through, for a look by eye.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("playwright.sync_api", reason="playwright is not installed: pip install -e '.[dev]'")

from browser_support import assert_clean, open_app, prose_langs
from playwright.sync_api import Locator, Page, expect

from labkit import course

pytestmark = pytest.mark.browser

LANGS = ["ja", "en"]
T = {  # what the page says, per language
    "ja": {"good": "有効", "no_personal": "記録されていません", "tax": "税関係情報", "name": "見本　花子",
           "female": "女性", "juminhyo": "住民票の写し", "biometric": "生体認証", "mismatch": "一致しません",
           "fake": "偽サイト", "refused": "拒否", "auth_tab": "利用者証明用", "apdu": "APDU", "more": "もっと詳しく",
           "preset": "平日 (水) 20:00", "holiday": "祝日 (みどりの日・月) 18:00", "holiday_name": "みどりの日",
           "desk": "スマホ用電子証明書の窓口", "press4": "4番を押してください"},
    "en": {"good": "valid", "no_personal": "not recorded", "tax": "tax information", "name": "見本　花子",
           "female": "female", "juminhyo": "residence record", "biometric": "biometric", "mismatch": "failed",
           "fake": "fake site", "refused": "denied", "auth_tab": "User auth", "apdu": "APDU", "more": "More detail",
           "preset": "Weekday (Wed) 20:00", "holiday": "Holiday (Greenery Day, Mon) 18:00",
           "holiday_name": "Greenery Day", "desk": "smartphone e-certificate desk", "press4": "press 4"},
}
PIN, PASSWORD = "2468", "PHONE123"  # the lab values the notebooks show (labkit.world.Person)
WIDGETS_TIMEOUT = 30_000  # widgets mount after the cells ran; slow when the machine is busy


EXPECT_TIMEOUT = 15_000  # every click is a round trip to the kernel


def open_section(page: Page, voila: Any, section_id: str, lang: str) -> None:
    section = course.section(section_id)
    open_app(page, voila.app(section.notebook, f"?lang={lang}"))
    assert prose_langs(page) == {lang}
    expect(page.locator(".labkit-prose h1").first).to_contain_text(section.title.get(lang))
    expect(page.locator(".labkit-lab").first).to_be_visible(timeout=WIDGETS_TIMEOUT)


def keep_screenshot(page: Page, name: str) -> None:
    """With LABKIT_SCREENSHOTS set, the whole page in pieces ``<name>_<n>.png`` of 1200 px
    (Voilà scrolls inside the page, so the viewport is stretched to the content first)."""
    target = os.environ.get("LABKIT_SCREENSHOTS")
    if not target:
        return
    height = min(int(page.evaluate("() => Math.max(...Array.from(document.querySelectorAll('*'))"
                                   ".map(e => e.scrollHeight))")) + 50, 16000)
    page.set_viewport_size({"width": 1000, "height": height})
    Path(target).mkdir(parents=True, exist_ok=True)
    for n, top in enumerate(range(0, height, 1200)):
        page.screenshot(path=str(Path(target) / f"{name}_{n}.png"),
                        clip={"x": 0, "y": top, "width": 1000, "height": min(1200, height - top)})
    page.set_viewport_size({"width": 1000, "height": 800})


# -- the phone mock-up and the PIN pad, as a student uses them ---------------------------------

def press(panel: Locator, button: str, then: str | None = None) -> None:
    """Press a button of the phone mock-up; with ``then``, until the app shows that screen.

    The mock-up draws its buttons anew after every keystroke, so a click right after typing
    can land on a button that is just being replaced; a student would simply press again."""
    titlebar = panel.locator(".labkit-phone-titlebar")
    for _ in range(3):
        if then is not None and titlebar.get_attribute("data-state") == then:
            return
        panel.page.wait_for_timeout(250)  # the previous screen's buttons are being replaced
        button_ = panel.locator(f".labkit-phone-button-{button}")
        if then is None or button_.count():
            button_.click()
        if then is None:
            return
        try:
            expect(titlebar).to_have_attribute("data-state", then, timeout=8_000)
            return
        except AssertionError:
            continue
    expect_screen(panel, then)


def type_into(panel: Locator, field: str, value: str) -> None:
    box = panel.locator(f".labkit-phone-input-{field} input")
    box.click()
    box.press_sequentially(value)
    panel.page.wait_for_timeout(500)  # let the redraws after each keystroke settle before a click


def expect_screen(panel: Locator, state: str) -> None:
    expect(panel.locator(".labkit-phone-titlebar")).to_have_attribute("data-state", state)


def log_in(panel: Locator) -> None:
    press(panel, "login", then="login")
    type_into(panel, "pin", PIN)
    press(panel, "login", then="portal")


def key_in(pad: Locator, digits: str) -> None:
    for digit in digits:
        pad.locator(f".labkit-pinpad-key-{digit}").click()
    expect(pad.locator(".labkit-pinpad-mask")).to_have_attribute("data-typed", str(len(digits)))
    pad.locator(".labkit-pinpad-ok").click()


# -- 1-1 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_1_1_card_certificates_and_the_empty_phone(app: tuple[Page, Any], voila: Any, lang: str) -> None:
    page, visit = app
    words = T[lang]
    open_section(page, voila, "1-1", lang)
    summary = page.locator(".labkit-lab-summary")
    expect(summary).to_contain_text(words["name"])
    card = page.locator(".labkit-lab-card")
    expect(card.locator(".labkit-cert-status").first).to_contain_text(words["good"])
    expect(card.locator(".labkit-cert-chain-ok").first).to_be_visible()
    card.get_by_text(words["auth_tab"], exact=True).click()
    expect(card.locator('[data-field="basic"]')).to_contain_text(words["no_personal"])
    card.get_by_text(words["apdu"]).first.click()
    expect(card.locator(".labkit-trace-row").first).to_be_visible()
    assert "ABC123" not in card.locator(".labkit-trace-table").inner_text()  # masked
    phone = page.locator(".labkit-lab-phone")
    press(phone, "menu", then="menu")
    press(phone, "check", then="cert_info")
    expect(phone.locator(".labkit-phone-body")).to_contain_text(words["tax"])
    keep_screenshot(page, f"1-1_{lang}")
    assert_clean(page, visit)


# -- 1-2 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_1_2_portal_bank_and_kiosk(app: tuple[Page, Any], voila: Any, lang: str) -> None:
    page, visit = app
    words = T[lang]
    open_section(page, voila, "1-2", lang)
    portal = page.locator(".labkit-lab-portal")
    log_in(portal)
    expect(portal.locator(".labkit-phone-body")).to_contain_text("10:03")

    bank = page.locator(".labkit-lab-bank")
    bank.locator(".labkit-pinpad-password input").fill("WRONG123")
    bank.locator(".labkit-pinpad-ok").click()
    expect(bank.locator(".labkit-pinpad-msg")).to_have_attribute("data-outcome", "wrong")
    expect(bank.locator(".labkit-pinpad-tries-text")).to_have_attribute("data-left", "4")
    bank.locator(".labkit-pinpad-password input").fill(PASSWORD)
    bank.locator(".labkit-pinpad-ok").click()
    account = bank.locator('.labkit-lab-bank-result [data-outcome="ok"]')
    expect(account).to_contain_text(words["name"])
    expect(account).to_contain_text(words["female"])

    kiosk = page.locator(".labkit-lab-kiosk")
    key_in(kiosk, PIN)
    expect(kiosk.locator(".labkit-lab-juminhyo")).to_contain_text(words["juminhyo"])
    expect(kiosk.locator(".labkit-lab-juminhyo")).to_contain_text(words["name"])
    expect(page.locator(".labkit-lab-health")).to_be_disabled()
    keep_screenshot(page, f"1-2_{lang}")
    assert_clean(page, visit)


# -- 1-3 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_1_3_pin_then_biometrics_and_another_app(app: tuple[Page, Any], voila: Any, lang: str) -> None:
    page, visit = app
    words = T[lang]
    open_section(page, voila, "1-3", lang)
    panel = page.locator(".labkit-lab-benefits")
    log_in(panel)
    expect(panel.locator(".labkit-lab-login-table tbody tr")).to_have_count(1)
    press(panel, "logout", then="home")
    press(panel, "menu", then="menu")
    press(panel, "biometric", then="biometric")
    type_into(panel, "pin", PIN)
    press(panel, "enroll", then="biometric_done")
    press(panel, "close", then="home")
    press(panel, "login", then="login")
    press(panel, "login_bio", then="portal")
    expect(panel.locator(".labkit-lab-login-table tbody tr").first).to_contain_text(words["biometric"])
    press(panel, "logout", then="home")
    panel.locator(".labkit-lab-finger button").nth(1).click()  # someone else's finger
    press(panel, "login", then="login")
    press(panel, "login_bio")
    expect(panel.locator(".labkit-phone-error-text")).to_contain_text(words["mismatch"])
    expect_screen(panel, "login")
    expect(panel.locator(".labkit-lab-login-table tbody tr")).to_have_count(2)

    apps = page.locator(".labkit-lab-apps")
    apps.locator(".labkit-lab-app-game").click()
    expect(apps.locator('.labkit-lab-result[data-outcome="ng"]')).to_contain_text("com.example.puzzle")
    apps.locator(".labkit-lab-app-mynaportal").click()
    expect(apps.locator('.labkit-lab-result[data-outcome="ok"]')).to_be_visible()
    keep_screenshot(page, f"1-3_{lang}")
    assert_clean(page, visit)


# -- 1-4 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_1_4_fake_portal_refused_and_the_usage_history(app: tuple[Page, Any], voila: Any, lang: str) -> None:
    page, visit = app
    words = T[lang]
    open_section(page, voila, "1-4", lang)
    table = page.locator(".labkit-lab-tls-table")
    expect(table.locator(".labkit-lab-tls-ok")).to_have_count(1)
    expect(table.locator(".labkit-lab-tls-ng")).to_have_count(3)

    tls = page.locator(".labkit-lab-tls")
    radios = tls.locator(".labkit-lab-network input[type=radio]")
    radios.nth(1).check()  # a rogue Wi-Fi: the same name, a fake root
    tls.locator(".labkit-lab-connect").click()
    expect(tls.locator('.labkit-lab-tls-result [data-outcome="ng"]')).to_be_visible()
    expect(tls.locator(".labkit-cert-chain-ng")).to_be_visible()  # the fake certificate, inspected
    tls.locator(".labkit-lab-try-login").click()
    expect(tls.locator('.labkit-lab-login-result [data-outcome="ng"]')).to_contain_text(words["fake"])
    radios.nth(0).check()  # the genuine portal
    tls.locator(".labkit-lab-connect").click()
    expect(tls.locator('.labkit-lab-tls-result [data-outcome="ok"]')).to_contain_text("TLSv1")
    expect(tls.locator(".labkit-cert-chain-ok")).to_be_visible()
    tls.locator(".labkit-lab-try-login").click()
    expect(tls.locator('.labkit-lab-login-result [data-outcome="ok"]')).to_be_visible()

    history = page.locator(".labkit-lab-history")
    history.locator(".labkit-lab-tax").click()
    expect(history.locator('.labkit-lab-service-result [data-outcome="ok"]')).to_contain_text(words["name"])
    log_in(history)
    press(history, "history", then="history")
    rows = history.locator(".labkit-phone-table tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() >= 8  # issuance, registration, the logins, the signature
    keep_screenshot(page, f"1-4_{lang}")
    assert_clean(page, visit)


# -- 1-5 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_1_5_inspect_deny_lock_and_erase(app: tuple[Page, Any], voila: Any, lang: str) -> None:
    page, visit = app
    words = T[lang]
    open_section(page, voila, "1-5", lang)
    expect(page.locator(".labkit-lab-summary")).to_contain_text(words["tax"])
    inspector = page.locator(".labkit-lab-inspector")
    expect(inspector.locator(".labkit-se-content")).to_be_hidden()  # a technical layer: closed for students
    inspector.get_by_text(words["more"]).first.click()  # 「もっと詳しく (技術者向け)」
    expect(inspector.locator(".labkit-se-state")).to_have_attribute("data-state", "SECURED")
    expect(inspector.locator(".labkit-se-content .labkit-se-app").first).to_be_visible()

    check = page.locator(".labkit-lab-check")
    press(check, "menu", then="menu")
    press(check, "check", then="cert_info")
    expect(check.locator(".labkit-phone-body")).to_contain_text(words["tax"])

    other = page.locator(".labkit-lab-other-app")
    other.locator(".labkit-lab-open-game").click()
    expect(other.locator('.labkit-lab-result[data-outcome="ng"]')).to_contain_text(words["refused"])

    pin = page.locator(".labkit-lab-pin")
    expect(pin.locator(".labkit-pinpad-tries-text")).to_have_attribute("data-left", "3")
    pin.locator(".labkit-pinpad-bruteforce").click()
    expect(pin.locator(".labkit-pinpad-tries-text")).to_have_attribute("data-state", "locked")
    expect(pin.locator(".labkit-pinpad-msg")).to_have_attribute("data-outcome", "locked")
    expect(pin.locator(".labkit-pinpad-bruteforce")).to_be_disabled()
    expect(pin.locator('.labkit-lab-guesses[data-count="3"]')).to_be_visible()  # locked on the 3rd

    attack = page.locator(".labkit-lab-attack")
    attack.locator(".labkit-lab-probe").click()
    expect(attack.locator(".labkit-lab-erased")).to_be_visible()
    expect(inspector.locator(".labkit-se-state")).to_have_attribute("data-state", "CARD_LOCKED")
    expect(attack.locator(".labkit-trace-table")).to_contain_text("READ BINARY")
    attack.get_by_text(words["more"]).first.click()
    expect(attack.locator('.labkit-trace-row[data-sw="6D00"]').first).to_be_visible()
    attack.locator(".labkit-lab-owner-login").click()
    expect(attack.locator(".labkit-lab-login-refused")).to_contain_text("GP-SE")
    keep_screenshot(page, f"1-5_{lang}")
    assert_clean(page, visit)


# -- 1-6 ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_1_6_is_the_hotline_open(app: tuple[Page, Any], voila: Any, lang: str) -> None:
    page, visit = app
    words = T[lang]
    open_section(page, voila, "1-6", lang)
    expect(page.locator('.labkit-lab-summary .labkit-lab-enquiry[data-open="true"]')).to_be_visible()
    lab = page.locator(".labkit-lab-contacts")
    status = lab.locator(".labkit-lab-hotline")
    expect(status.locator(".labkit-lab-enquiry")).to_have_attribute("data-open", "true")
    lab.locator(".labkit-lab-preset select").select_option(label=words["preset"])
    expect(status.locator(".labkit-lab-enquiry")).to_have_attribute("data-open", "false")
    expect(status.locator(".labkit-lab-suspension")).to_contain_text("365")
    lab.locator(".labkit-lab-advance-1d").click()  # Thursday 20:00: still closed
    expect(status).to_contain_text(re.compile("4月2日|2026-04-02"))
    lab.locator(".labkit-lab-preset select").select_option(label=words["holiday"])
    expect(status).to_contain_text(words["holiday_name"])
    expect(status.locator(".labkit-lab-enquiry")).to_have_attribute("data-open", "false")
    lab.locator(".labkit-lab-key-1").click()
    expect(lab.locator(".labkit-lab-heard")).to_contain_text(words["press4"])
    lab.locator(".labkit-lab-key-4").click()
    expect(lab.locator('.labkit-lab-heard[data-key="4"]')).to_contain_text(words["desk"])
    keep_screenshot(page, f"1-6_{lang}")
    assert_clean(page, visit)
