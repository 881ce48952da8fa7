"""The course as students and lecturers see it in a browser: landing page, every section app
in Japanese and English (the Chapter 2 labs among them), the 2-1 password lab, lecturer notes
only for lecturers. (Accessibility: test_a11y.py.)

The course is served by Voilà exactly as `make run` does (voila.json and the 'course'
template) and driven through Playwright with Debian's chromium; the fixtures (one server, one
browser, offline pages, screenshots of failures) are this folder's conftest.py.
"""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

pytest.importorskip("playwright.sync_api",
                    reason="playwright is not installed: pip install -e '.[dev]'")
pytest.importorskip("pytest_playwright",
                    reason="pytest-playwright is not installed: pip install -e '.[dev]'")

from browser_support import assert_clean, open_app, prose_langs
from playwright.sync_api import Page, expect
from voila_server import LECTURER, LECTURER_TOKEN

from labkit import course

pytestmark = pytest.mark.browser


def test_landing_page_is_the_course_index(app: tuple[Page, Any], voila: Any) -> None:
    page, visit = app
    open_app(page, voila.url + "/")
    assert page.url.startswith(voila.app(course.INDEX.notebook))
    expect(page.locator(".labkit-map")).to_be_visible()
    built = course.built_sections()
    links = page.locator(".labkit-map a")
    expect(links).to_have_count(len(built))
    hrefs = links.evaluate_all("els => els.map(e => e.getAttribute('href'))")
    assert hrefs == [f"{s.notebook}?lang=ja" for s in built]  # teaching order
    expect(page.locator(".labkit-upcoming")).to_have_count(len(course.SECTIONS) - len(built))
    assert prose_langs(page) == {"ja"}
    assert_clean(page, visit)

    open_app(page, voila.url + "/?lang=en")  # the redirect keeps the query
    assert prose_langs(page) == {"en"}
    expect(page.locator(".labkit-map")).to_contain_text("Chapter 2 How to use")
    if len(built) < len(course.SECTIONS):
        expect(page.locator(".labkit-map")).to_contain_text("coming soon")


#: The Chapter 2 apps' lab (CSS selector), a word of it in Japanese and in English, and whether
#: it has the phone mock-up.
LABS = {
    "2-2_install.ipynb": (".labkit-lab-install", "Playストア", "Play Store", True),
    "2-3_apply.ipynb": (".labkit-lab-apply", "メニュー", "Menu", True),
    "2-4_register.ipynb": (".labkit-lab-register", "登録する", "Register", True),
    "2-5_device_change.ipynb": (".labkit-lab-device-change", "メニュー", "Menu", True),
    "2-6_loss.ipynb": (".labkit-lab-loss", "電話する", "Call", True),
    "2-7_stop_using.ipynb": (".labkit-lab-stop-using", "端末を初期化する", "Factory reset", True),
    "2-8_faq.ipynb": (".labkit-quiz", "有効期限の例", "Examples: valid until", False),
}


@pytest.mark.timeout(1200)  # 17 page loads on a busy 2-core machine
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_app_from_the_landing_page_renders(app: tuple[Page, Any], voila: Any, lang: str) -> None:
    """... for students: no lecturer notes; the Chapter 2 labs are there. (Accessibility is
    audited once per page, on its lecturer view, a superset of this one: test_a11y.py.)"""
    page, visit = app
    open_app(page, voila.app(course.INDEX.notebook, f"?lang={lang}"))
    targets = page.locator(".labkit-map a").evaluate_all("els => els.map(e => e.href)")
    assert len(targets) == len(course.built_sections()) >= 2
    for section, url in zip(course.built_sections(), targets, strict=True):
        open_app(page, url)
        assert_clean(page, visit)
        assert prose_langs(page) == {lang}, url
        expect(page.locator(".labkit-prose h1").first).to_contain_text(section.title.get(lang))
        expect(page.locator(".labkit-header .labkit-lang-switch")).to_have_count(1)
        expect(page.locator(".labkit-footer .labkit-index")).to_have_count(1)
        expect(page.locator(".labkit-note")).to_have_count(0)
        assert "【講師】" not in page.content() and "【Lecturer】" not in page.content()
        if section.notebook in LABS:
            lab, ja, en, phone = LABS[section.notebook]
            expect(page.locator(lab).first).to_be_visible()
            expect(page.locator("#rendered_cells")).to_contain_text(ja if lang == "ja" else en)
            if phone:
                expect(page.locator(".labkit-phone-frame").first).to_be_visible()


def test_language_switch_keeps_the_section(app: tuple[Page, Any], voila: Any) -> None:
    page, visit = app
    open_app(page, voila.app("2-1_preparation.ipynb"))
    assert prose_langs(page) == {"ja"}
    page.locator(".labkit-lang-switch").click()
    page.wait_for_url("**/2-1_preparation.ipynb?lang=en")
    open_app(page, page.url)
    assert prose_langs(page) == {"en"}
    expect(page.locator(".labkit-lang-switch")).to_have_text("日本語")
    assert_clean(page, visit)


CHECKS = {
    "ja": {"lower": "英小文字", "ok": "使えます", "wide": "全角文字", "short": "6文字以上",
           "prompt": "候補を入力すると", "button": "確認する"},
    "en": {"lower": "Lower-case letters", "ok": "Allowed", "wide": "Full-width",
           "short": "at least 6", "prompt": "Type a candidate", "button": "Check"},
}


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_student_checks_passwords_in_the_2_1_lab(app: tuple[Page, Any], voila: Any,
                                                 lang: str) -> None:
    page, visit = app
    words = CHECKS[lang]
    open_app(page, voila.app("2-1_preparation.ipynb", f"?lang={lang}"))
    field = page.locator(".labkit-pwcheck-input input")
    result = page.locator(".labkit-pwcheck-result")
    expect(field).to_be_visible()
    expect(result).to_contain_text(words["prompt"])

    field.click()
    field.press_sequentially("abc123")  # typed key by key, like a student
    expect(result.locator(".labkit-verdict-ng")).to_contain_text(words["lower"])

    field.fill("ABC123")
    page.locator(".labkit-pwcheck-button").get_by_text(words["button"]).click()
    expect(result.locator(".labkit-verdict-ok")).to_contain_text(words["ok"])
    expect(result).to_contain_text("ABC123")

    field.fill("ＡＢＣ１２３")
    expect(result.locator(".labkit-verdict-ng")).to_contain_text(words["wide"])
    field.fill("A1")
    expect(result.locator(".labkit-reasons li")).to_contain_text(words["short"])
    field.fill("")
    expect(result).to_contain_text(words["prompt"])
    assert_clean(page, visit)


def test_lecturer_notes_only_for_lecturers(app: tuple[Page, Any], voila: Any) -> None:
    page, visit = app
    secret = "自身の理解で回答せずに"
    # audience=lecturer alone (a student editing the URL) shows nothing more (F12)
    open_app(page, voila.app("00_introduction.ipynb", "?audience=lecturer"))
    expect(page.locator(".labkit-note")).to_have_count(0)
    assert secret not in page.content() and "【講師】" not in page.content()
    expect(page.locator(".labkit-lecturer-mode")).to_have_count(0)
    open_app(page, voila.app("00_introduction.ipynb", "?audience=lecturer&lecturer=wrong-token"))
    expect(page.locator(".labkit-note")).to_have_count(0)

    open_app(page, voila.app("00_introduction.ipynb", f"?{LECTURER}"))
    note = page.locator(".labkit-note")
    expect(note).to_have_count(1)
    expect(note).to_contain_text("【講師】")
    expect(note).to_contain_text(secret)
    expect(page.locator(".labkit-lecturer-mode")).to_be_visible()
    # links from a lecturer page stay in lecturer mode
    assert f"audience=lecturer&lecturer={LECTURER_TOKEN}" in page.locator(".labkit-home").get_attribute("href")
    assert_clean(page, visit)

    open_app(page, voila.app("00_introduction.ipynb"))
    expect(page.locator(".labkit-note")).to_have_count(0)
    # not hidden but absent: the student page's HTML never contains the note
    with urllib.request.urlopen(voila.app("00_introduction.ipynb"), timeout=60) as r:
        html = r.read().decode()

    def present(text: str) -> bool:  # outputs are embedded as JSON with \\u escapes
        return text in html or json.dumps(text)[1:-1] in html

    assert present("みなさん、こんにちは")
    assert not present(secret) and not present('class="labkit-note"')
