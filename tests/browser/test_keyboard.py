"""The 2-3 application (with the push and the registration) and the 2-4 registration and log-in,
done with the keyboard alone: Tab / Shift+Tab to move, Enter to press a button, Space to tick a
box, typing into fields. No mouse click at all.

At every stop the test checks what a keyboard user needs: the focused control shows a visible
focus ring (an outline of at least 2 px), and inside the phone the focus moves forward in
reading order (down the screen, left to right on a row). After a button press replaces the
screen, the focus is on the new screen's title (a heading), not back at the top of the page.
The PIN and password fields are password inputs with a label. The polite live region says
「プッシュ通知が届きました」 when the push arrives.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("playwright.sync_api",
                    reason="playwright is not installed: pip install -e '.[dev]'")
pytest.importorskip("pytest_playwright",
                    reason="pytest-playwright is not installed: pip install -e '.[dev]'")

from browser_support import READY_TIMEOUT, STEP, assert_clean, open_app
from playwright.sync_api import Locator, Page, expect
from test_ch2_apps import CARD_PASSWORD, PHONE_PASSWORD, PHONE_PIN

pytestmark = pytest.mark.browser

MAX_TABS = 120  # more stops than any lab has between two controls

#: The focused element: its focus ring, its box, whether it is inside ``scope``.
FOCUS = """(scope) => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const cs = getComputedStyle(el);
  const r = el.getBoundingClientRect();
  const o = scope ? scope.getBoundingClientRect() : {top: 0, left: 0};  // scrolling moves both
  return {tag: el.tagName, cls: String(el.className), text: (el.innerText || el.value || '').slice(0, 40),
          ring: cs.outlineStyle !== 'none' ? parseFloat(cs.outlineWidth) : 0,
          top: r.top - o.top, left: r.left - o.left, inside: !!(scope && scope.contains(el))};
}"""


EXPECT_TIMEOUT = STEP  # every assertion waits for the kernel's answer to a key


class Keyboard:
    """Moves the focus with Tab only and checks every stop on the way."""

    def __init__(self, page: Page, frame: Locator) -> None:
        self.page = page
        self.frame = frame  # the phone's screen: reading order is checked inside it
        self.stops = 0

    def focused(self) -> dict[str, Any] | None:
        return self.page.evaluate(FOCUS, self.frame.element_handle())

    def tab_to(self, target: Locator) -> None:
        """Tab (forward, or backward when the target comes earlier) until ``target`` has
        the focus; every control passed shows a focus ring; inside the phone's frame the
        focus only moves down or right."""
        expect(target).to_be_enabled()
        before = target.evaluate("""el => { const a = document.activeElement;
            if (!a || a === document.body) return true;
            return !!(a.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING) || a === el; }""")
        key = "Tab" if before else "Shift+Tab"
        previous = None
        for _ in range(MAX_TABS):
            if target.evaluate("el => el === document.activeElement || el.contains(document.activeElement)"):
                now = self.focused()
                assert now is not None and now["ring"] >= 2, f"no visible focus ring on {now}"
                return
            self.page.keyboard.press(key)
            self.stops += 1
            now = self.focused()
            if now is None:
                continue
            assert now["ring"] >= 2, f"no visible focus ring on {now}"
            if key == "Tab" and previous is not None and previous["inside"] and now["inside"]:
                assert (now["top"] > previous["top"] - 2
                        or (abs(now["top"] - previous["top"]) <= 2 and now["left"] > previous["left"])), \
                    f"focus went back up the phone screen: {previous} → {now}"
            previous = now
        raise AssertionError(f"{MAX_TABS} × {key} did not reach {target}")

    def press(self, target: Locator) -> None:
        self.tab_to(target)
        self.page.keyboard.press("Enter")

    def tick(self, box: Locator) -> None:
        self.tab_to(box)
        self.page.keyboard.press("Space")
        expect(box).to_be_checked()

    def type(self, field: Locator, value: str) -> None:
        """Type at a learner's pace. (ipywidgets holds back value updates while earlier ones
        are unanswered, but not a button's click: typing and pressing Enter within a few
        hundred milliseconds on a busy kernel can send the click first.)"""
        self.tab_to(field)
        self.page.keyboard.type(value, delay=80)
        expect(field).to_have_value(value)
        self.page.wait_for_timeout(1_000)


def phone_button(phone: Locator, ident: str) -> Locator:
    return phone.locator(f".labkit-phone-button-{ident}")


def secret_field(phone: Locator, field: str) -> Locator:
    """A PIN or password field: a password input with a label."""
    box = phone.locator(f".labkit-phone-input-{field} input")
    expect(box).to_have_attribute("type", "password")
    assert box.evaluate("el => el.labels.length > 0 && el.labels[0].innerText.trim() !== ''"), field
    return box


def on_screen(phone: Locator, state: str | None = None) -> None:
    """The new screen is shown and the focus is on its title, a heading."""
    title = phone.locator(".labkit-phone-titlebar")
    if state is not None:
        expect(title).to_have_attribute("data-state", state)
    expect(phone.locator("h3.labkit-phone-titlebar")).to_be_focused()


def apply_by_keyboard(kb: Keyboard, phone: Locator) -> None:
    """2-3 ②–⑨ and the smartphone passwords, from the app's top screen."""
    kb.press(phone_button(phone, "menu"))
    on_screen(phone)
    kb.press(phone_button(phone, "apply"))
    on_screen(phone, "form")
    kb.type(secret_field(phone, "password"), CARD_PASSWORD)
    kb.tick(phone.locator(".labkit-phone-check-confirmed input"))
    kb.press(phone_button(phone, "submit"))
    on_screen(phone, "read_card")
    kb.press(phone.locator(".labkit-cardread-hold"))
    expect(phone.locator(".labkit-phone-titlebar")).to_have_attribute("data-state", "read_success")
    kb.press(phone.locator(".labkit-cardread-remove"))
    expect(phone.locator(".labkit-phone-titlebar")).to_have_attribute("data-state", "read_done")
    kb.press(phone_button(phone, "next"))
    on_screen(phone, "sign_password")
    kb.type(secret_field(phone, "password"), PHONE_PASSWORD)
    kb.press(phone_button(phone, "next"))
    on_screen(phone, "auth_pin")
    kb.type(secret_field(phone, "pin"), PHONE_PIN)
    kb.type(secret_field(phone, "pin_again"), PHONE_PIN)
    kb.press(phone_button(phone, "next"))
    on_screen(phone, "applied")


def register_by_keyboard(kb: Keyboard, phone: Locator) -> None:
    """2-4 ①–③: 「登録する」 on the top screen, then on the registration screen."""
    kb.press(phone_button(phone, "register"))
    on_screen(phone, "register")
    kb.press(phone_button(phone, "register"))
    on_screen(phone, "registered")


def test_2_3_application_push_and_registration_by_keyboard(app: tuple[Page, Any], voila: Any) -> None:
    page, visit = app
    open_app(page, voila.app("2-3_apply.ipynb"))
    lab = page.locator(".labkit-lab-apply")
    phone = lab.locator(".labkit-phone")
    kb = Keyboard(page, phone.locator(".labkit-phone-frame"))
    expect(phone.locator(".labkit-phone-titlebar")).to_have_attribute("data-state", "home",
                                                                      timeout=READY_TIMEOUT)
    apply_by_keyboard(kb, phone)
    kb.press(phone_button(phone, "close"))
    on_screen(phone, "home")
    live = phone.locator(".labkit-phone-live")
    expect(live).to_have_attribute("aria-live", "polite")
    expect(live).not_to_contain_text("プッシュ通知が届きました")
    kb.press(lab.locator(".labkit-lab-to-push"))  # 8:00 the next morning
    expect(phone.locator(".labkit-phone-statusbar")).to_contain_text("4/2(木) 08:00")
    expect(live).to_contain_text("プッシュ通知が届きました")
    register_by_keyboard(kb, phone)
    expect(lab.locator('.labkit-lab-step[data-done="true"]')).to_have_count(9)
    assert kb.stops < 200, kb.stops
    assert_clean(page, visit)


def test_2_4_registration_and_log_in_by_keyboard(app: tuple[Page, Any], voila: Any) -> None:
    page, visit = app
    open_app(page, voila.app("2-4_register.ipynb", "?lang=en"))
    lab = page.locator(".labkit-lab-register")
    phone = lab.locator(".labkit-phone")
    kb = Keyboard(page, phone.locator(".labkit-phone-frame"))
    expect(phone.locator(".labkit-phone-live")).to_contain_text("A push notification has arrived",
                                                                timeout=READY_TIMEOUT)
    register_by_keyboard(kb, phone)
    expect(lab.locator(".labkit-cert-status-good")).to_have_count(2)
    kb.press(phone_button(phone, "close"))
    on_screen(phone, "home")
    kb.press(phone_button(phone, "login"))
    on_screen(phone, "login")
    kb.type(secret_field(phone, "pin"), "9999")  # a wrong PIN is refused, and said politely
    kb.press(phone_button(phone, "login"))
    error = phone.locator(".labkit-phone-error")
    expect(error).to_have_attribute("aria-live", "polite")
    expect(error.locator(".labkit-phone-error-text")).not_to_be_empty()
    field = secret_field(phone, "pin")
    kb.tab_to(field)
    page.keyboard.press("Control+A")
    page.keyboard.type(PHONE_PIN)
    kb.press(phone_button(phone, "login"))
    on_screen(phone, "portal")
    assert_clean(page, visit)
