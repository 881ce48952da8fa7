"""Accessibility of every app (WCAG 2.2 AA, the level JIS X 8341-3 asks of public services).

For each app, in Japanese and English, as a student and as a lecturer:

- axe-core's WCAG 2.0/2.1/2.2 A and AA rules find nothing serious or critical, at 1280 px and
  at 390 px (a phone held upright);
- at 390 px the page does not scroll sideways (wide tables and the APDU trace scroll inside
  their own named, focusable region);
- every piece of Japanese text is inside an element whose ``lang`` is ``ja`` (so a screen
  reader reading an English page pronounces it as Japanese), and the page's language is the
  run's language.

axe-core comes from npm at test time (tests/browser/axe.py). The keyboard-only labs are in
test_keyboard.py.
"""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("playwright.sync_api",
                    reason="playwright is not installed: pip install -e '.[dev]'")
pytest.importorskip("pytest_playwright",
                    reason="pytest-playwright is not installed: pip install -e '.[dev]'")

import test_voila_apps as base
from axe import axe_script, describe, run_axe
from playwright.sync_api import Page
from test_voila_apps import assert_clean, open_app

from labkit import course

voila = base.voila
app = base.app
browser_type_launch_args = base.browser_type_launch_args
browser_context_args = base.browser_context_args

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
APPS = [course.INDEX, *course.built_sections()]


@pytest.fixture(scope="session")
def axe() -> Any:
    try:
        return axe_script()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))


#: Text nodes with Japanese script whose nearest ``lang`` is not ``ja``; and the reverse for
#: ``lang="ja"`` elements holding English sentences is not checked (loanwords such as
#: "APDU" or "OK" belong in Japanese text).
WRONG_LANG = """() => {
  const jp = /[\\u3040-\\u30ff\\u3400-\\u9fff\\uff66-\\uff9f]/;
  const out = [];
  const root = document.querySelector('#rendered_cells');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !jp.test(n.data) || el.closest('script, style, [hidden], [aria-hidden="true"]')) continue;
    if (!el.getClientRects().length) continue;
    const owner = el.closest('[lang]');
    const lang = owner ? owner.getAttribute('lang') : '';
    if (!lang.startsWith('ja')) out.push(n.data.trim().slice(0, 60) + ' [lang=' + lang + ']');
  }
  return out;
}"""

#: How far the page itself scrolls sideways (0 = it does not).
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def settle(page: Page, quiet_ms: int = 1_000, limit_ms: int = 30_000) -> None:
    """Wait until the widgets are mounted: the page's element count stops changing."""
    page.wait_for_function("""([quiet, limit]) => new Promise(resolve => {
        const start = Date.now(); let last = -1, since = Date.now();
        const tick = () => {
          const n = document.querySelectorAll('#rendered_cells *').length;
          if (n !== last) { last = n; since = Date.now(); }
          if (Date.now() - since >= quiet || Date.now() - start >= limit) resolve(true);
          else setTimeout(tick, 200);
        };
        tick();
    })""", arg=[quiet_ms, limit_ms], timeout=limit_ms + 5_000)


def _id(section: course.Section) -> str:
    return section.notebook.removesuffix(".ipynb")


@pytest.mark.parametrize("audience", ["student", "lecturer"])
@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("section", APPS, ids=_id)
def test_app_meets_wcag_aa_on_desktop_and_phone(app: tuple[Page, Any], voila: Any, axe: Any,
                                                section: course.Section, lang: str,
                                                audience: str) -> None:
    page, visit = app
    page.set_default_navigation_timeout(base.READY_TIMEOUT)  # Voilà streams the whole run
    page.set_viewport_size(DESKTOP)
    open_app(page, voila.app(section.notebook, f"?lang={lang}&audience={audience}"))
    settle(page)
    assert_clean(page, visit)
    assert page.evaluate("() => document.documentElement.lang") == lang
    problems = []
    findings = run_axe(page, axe)
    if findings:
        problems.append(f"at 1280 px:\n{describe(findings)}")
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)  # let the layout settle
    findings = run_axe(page, axe)
    if findings:
        problems.append(f"at 390 px:\n{describe(findings)}")
    sideways = page.evaluate(SIDEWAYS)
    if sideways > 0:
        problems.append(f"at 390 px the page scrolls sideways by {sideways} px")
    wrong = page.evaluate(WRONG_LANG)
    if wrong:
        problems.append("Japanese text not marked lang=ja:\n    " + "\n    ".join(wrong[:15]))
    assert not problems, "\n".join(problems)
