"""The lesson frame in a browser: a section's check answered, the page reloaded, the progress
still there (kept in the browser's localStorage by the course template's labkit-progress.js)
and shown in the contents; a 「もっと詳しく」 block opened with the keyboard; the ``depth``
URL parameter opening those blocks for engineers; the glossary page and its anchors.

Fixtures (Voilà server, offline routing, screenshots on failure): this folder's conftest.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

pytest.importorskip("playwright.sync_api",
                    reason="playwright is not installed: pip install -e '.[dev]'")
pytest.importorskip("pytest_playwright",
                    reason="pytest-playwright is not installed: pip install -e '.[dev]'")

from browser_support import READY_TIMEOUT, STEP, assert_clean, open_app
from playwright.sync_api import Page, expect

from labkit.lessons import lesson

pytestmark = pytest.mark.browser

def answer_every_question(page: Page, total: int) -> None:
    """Answer the section's check as a student: the first choice, then 'next question'."""
    check = page.locator(".labkit-check")
    expect(check).to_be_visible(timeout=READY_TIMEOUT)  # widgets mount after the page
    for i in range(total):
        expect(check.locator(".labkit-quiz-question")).to_contain_text(f"Q{i + 1} / {total}")
        expect(check.locator(".labkit-quiz-fb[data-correct='none']")).to_have_count(1)
        check.locator(".labkit-quiz-choice").first.click()
        expect(check.locator(".labkit-quiz-fb[data-correct='none']")).to_have_count(0)
        if i + 1 < total:
            check.locator("button.labkit-quiz-next").click()
    expect(check.locator(".labkit-quiz-score-text[data-finished='true']")).to_have_count(1)


def wait_ready(page: Page) -> None:
    """After a reload: Voilà streams the page while the kernel runs the cells."""
    page.wait_for_selector("#rendered_cells", state="attached", timeout=READY_TIMEOUT)
    page.wait_for_selector("#loading", state="detached", timeout=READY_TIMEOUT)
    expect(page.locator(".labkit-prose").first).to_be_visible()


def test_answered_check_survives_a_reload_and_shows_in_the_contents(app: tuple[Page, Any],
                                                                     voila: Any) -> None:
    page, visit = app
    url = voila.app("1-6_contacts.ipynb")
    open_app(page, url)
    goals = page.locator(".labkit-lesson-goals")
    expect(goals).to_contain_text("この節のゴール")
    expect(goals.locator(".labkit-page-n")).to_have_text("7 / 15")
    state = goals.locator(".labkit-page-state")
    expect(state).to_have_attribute("data-state", "seen", timeout=STEP)
    expect(page.locator(".labkit-lesson-summary")).to_contain_text("まとめ")

    answer_every_question(page, len(lesson("1-6").checks))
    score = page.locator(".labkit-check .labkit-quiz-score-text").get_attribute("data-score")
    expect(state).to_have_attribute("data-state", "done", timeout=STEP)
    expect(state).to_have_text(f"完了 (確認 {score}/2)")

    page.reload(wait_until="commit")  # a fresh kernel: only the browser remembers
    wait_ready(page)
    state = page.locator(".labkit-lesson-goals .labkit-page-state")
    expect(state).to_have_attribute("data-state", "done", timeout=STEP)
    expect(state).to_have_text(f"完了 (確認 {score}/2)")
    assert page.locator(".labkit-check .labkit-quiz-score-text").get_attribute("data-answered") == "0"

    open_app(page, voila.app("00_index.ipynb"))
    item = page.locator(".labkit-map-item[data-section='1-6'] .labkit-progress-state")
    expect(item).to_have_attribute("data-state", "done", timeout=STEP)
    expect(item).to_have_text(f"完了 (確認 {score}/2)")
    expect(page.locator(".labkit-map-item[data-section='1-1'] .labkit-progress-state")
           ).to_have_text("未着手")
    expect(page.locator(".labkit-progress-summary")).to_have_text("完了した節: 1 / 15")
    stored = page.evaluate("() => JSON.parse(localStorage.getItem('labkit-progress-v1'))")
    assert stored["1-6"] == {"visited": True, "done": True, "score": int(score or 0), "total": 2}
    assert_clean(page, visit)

    open_app(page, voila.app("00_index.ipynb", "?lang=en"))
    expect(page.locator(".labkit-map-item[data-section='1-6'] .labkit-progress-state")
           ).to_have_text(f"done (check {score}/2)", timeout=STEP)


def test_more_detail_opens_with_the_keyboard_and_depth_opens_it(app: tuple[Page, Any],
                                                               voila: Any) -> None:
    page, visit = app
    open_app(page, voila.app("2-7_stop_using.ipynb"))
    more = page.locator("details.labkit-more").first
    expect(more).to_be_visible()
    expect(more.locator("summary")).to_have_text("もっと詳しく (技術者向け)")
    assert more.get_attribute("open") is None
    expect(more.locator("text=OCSP")).to_be_hidden()
    more.locator("summary").focus()
    page.keyboard.press("Enter")
    expect(more).to_have_attribute("open", "")
    expect(more.get_by_text("OCSP", exact=False).first).to_be_visible()
    # the lab's technical layer (the GP-SE inspector) is folded the same way, and opens
    # with the keyboard too
    fold = page.locator(".labkit-more-widget .jupyter-widget-Collapse-header").first
    expect(fold).to_contain_text("もっと詳しく (技術者向け)")
    expect(page.locator(".labkit-lab-se .labkit-se-state")).to_be_hidden()
    expect(fold).to_have_attribute("aria-expanded", "false")
    fold.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".labkit-lab-se .labkit-se-state")).to_be_visible()
    expect(fold).to_have_attribute("aria-expanded", "true")
    assert_clean(page, visit)

    open_app(page, voila.app("2-7_stop_using.ipynb", "?lang=en&depth=engineer"))
    more = page.locator("details.labkit-more").first
    expect(more).to_have_attribute("open", "")
    expect(more.locator("summary")).to_have_text("More detail (for engineers)")
    expect(page.locator(".labkit-lab-se .labkit-se-state")).to_be_visible()  # opened by depth=engineer
    next_link = page.locator(".labkit-footer .labkit-next")
    assert re.search(r"depth=engineer", next_link.get_attribute("href") or "")
    assert_clean(page, visit)


def test_glossary_page_and_a_first_use_link(app: tuple[Page, Any], voila: Any) -> None:
    page, visit = app
    open_app(page, voila.app("1-6_contacts.ipynb", "?lang=en"))
    link = page.locator(".labkit-prose a[href*='00_glossary.ipynb']").first
    href = link.get_attribute("href") or ""
    assert re.fullmatch(r"00_glossary\.ipynb\?lang=en#[a-z0-9-]+", href), href
    link.click()
    page.wait_for_url(re.compile(r"00_glossary\.ipynb\?lang=en#"))
    open_app(page, page.url)
    anchor = href.split("#", 1)[1]
    expect(page.locator(f"dl.labkit-glossary dt#{anchor}")).to_be_visible()
    expect(page.locator("dl.labkit-glossary")).to_contain_text("temporary suspension")
    assert_clean(page, visit)
