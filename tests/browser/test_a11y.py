"""Accessibility of every app (WCAG 2.2 AA, the level JIS X 8341-3 asks of public services).

For each app, in Japanese and English (tests/browser/axe.py, ``audit``):

- axe-core's WCAG 2.0/2.1/2.2 A and AA rules find nothing serious or critical, at 1280 px and
  at 390 px (a phone held upright);
- at 390 px the page does not scroll sideways (wide tables and the APDU trace scroll inside
  their own named, focusable region);
- every piece of Japanese text is inside an element whose ``lang`` is ``ja`` (so a screen
  reader reading an English page pronounces it as Japanese), and the page's language is the
  run's language.

Each page is audited once, in its lecturer view: the student view plus the lecturer notes and
badge, so nothing a student sees goes unaudited (test_voila_apps.py's render test loads every
student view and checks it has no notes). axe-core comes from npm at test time. The
keyboard-only labs are in test_keyboard.py.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("playwright.sync_api",
                    reason="playwright is not installed: pip install -e '.[dev]'")
pytest.importorskip("pytest_playwright",
                    reason="pytest-playwright is not installed: pip install -e '.[dev]'")

from axe import audit
from browser_support import assert_clean, open_app
from playwright.sync_api import Page
from voila_server import LECTURER

from labkit import course

pytestmark = pytest.mark.browser

APPS = [course.INDEX, *course.built_sections()]


def _id(section: course.Section) -> str:
    return section.notebook.removesuffix(".ipynb")


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("section", APPS, ids=_id)
def test_lecturer_view_meets_wcag_aa_on_desktop_and_phone(app: tuple[Page, Any], voila: Any, axe: Any,
                                                          section: course.Section, lang: str) -> None:
    page, visit = app
    open_app(page, voila.app(section.notebook, f"?lang={lang}&{LECTURER}"))
    assert page.evaluate("() => document.documentElement.lang") == lang
    problems = audit(page, axe)
    assert_clean(page, visit)
    assert not problems, "\n".join(problems)
