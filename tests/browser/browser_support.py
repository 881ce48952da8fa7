"""Helpers of the browser tests (the fixtures are in this folder's conftest.py): open a Voilà
app and wait for it, check that it rendered cleanly and offline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from voila_server import ROOT

if TYPE_CHECKING:  # playwright itself is imported on use: without it the modules skip
    from playwright.sync_api import Page

FAILURES = ROOT / "build" / "browser-failures"
READY_TIMEOUT = 90_000  # first kernel start on a cold, busy 2-core machine
STEP = 20_000  # one click → kernel → redraw, on a busy 2-core machine
DEFAULT_EXPECT_TIMEOUT = 5_000  # Playwright's default


class Visit:
    """What a page did: external requests it tried, JavaScript errors it threw."""

    def __init__(self) -> None:
        self.external: list[str] = []
        self.errors: list[str] = []


def open_app(page: Page, url: str) -> None:
    """Go to a Voilà app and wait until every cell ran and the outputs are mounted."""
    from playwright.sync_api import expect

    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("#loading", state="detached", timeout=READY_TIMEOUT)
    expect(page.locator("#rendered_cells")).to_be_visible()
    expect(page.locator(".labkit-prose").first).to_be_visible()


def assert_clean(page: Page, visit: Any) -> None:
    """Rendered without errors (Voilà runs with --show_tracebacks=True) and offline."""
    from playwright.sync_api import expect

    expect(page.locator(".voila-error")).to_have_count(0)
    body = page.locator("body").inner_text()
    for bad in ("Traceback", "There was an error when executing cell", "Error displaying widget"):
        assert bad not in body, body[:2000]
    assert visit.errors == [], visit.errors
    assert visit.external == [], f"requests leaving the machine: {visit.external}"


def prose_langs(page: Page) -> set[str]:
    return set(page.locator(".labkit-prose").evaluate_all("els => els.map(e => e.lang)"))
