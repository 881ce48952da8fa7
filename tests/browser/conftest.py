"""Browser tests: the course served by Voilà (exactly as `make run` does: voila.json and the
'course' template), driven through Playwright with Debian's chromium.

- No browser download: pytest-playwright's launch is pointed at /usr/bin/chromium.
- Voilà runs on a free loopback port with --show_tracebacks=True (errors become visible
  text we can assert on) and kernel culling (closed pages leak kernels, voila#1458).
- Every non-loopback request is aborted: the suite must pass offline.
- A failing test leaves a screenshot in build/browser-failures/.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from voila_server import CHROMIUM, EXTERNAL, ROOT, VoilaServer

FAILURES = ROOT / "build" / "browser-failures"


@pytest.fixture(scope="session")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    server = VoilaServer(tmp_path_factory.mktemp("voila") / "voila.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "ja-JP", "viewport": {"width": 1000, "height": 800}}


class Visit:
    """What a page did: external requests it tried, JavaScript errors it threw."""

    def __init__(self) -> None:
        self.external: list[str] = []
        self.errors: list[str] = []


@pytest.fixture
def app(page: Any, request: pytest.FixtureRequest) -> Iterator[tuple[Any, Visit]]:
    """A page that may talk to loopback only; screenshot on failure."""
    visit = Visit()

    def route(r: Any) -> None:
        visit.external.append(r.request.url)
        r.abort()

    page.route(EXTERNAL, route)
    page.on("pageerror", lambda exc: visit.errors.append(str(exc)))
    yield page, visit
    rep = getattr(request.node, "rep_call", None)
    if rep is not None and rep.failed:
        FAILURES.mkdir(parents=True, exist_ok=True)
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid.split("::")[-1])
        try:
            page.screenshot(path=str(FAILURES / f"{name}.png"), full_page=True)
        except Exception as exc:  # the page may be gone; the test already failed
            print(f"screenshot failed: {exc}")
