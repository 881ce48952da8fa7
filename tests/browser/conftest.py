"""The browser tests' fixtures, shared by every module of this folder (one Voilà server and
one chromium for the whole session):

- No browser download: pytest-playwright's launch is pointed at Debian's chromium.
- Voilà runs on a free loopback port with --show_tracebacks=True (errors become visible
  text we can assert on) and kernel culling (closed pages leak kernels, voila#1458).
- Every non-loopback request is aborted: the suite must pass offline.
- A failing test leaves a screenshot in build/browser-failures/.
- Assertions wait ``EXPECT_TIMEOUT`` ms (a module may set its own: a click is a round trip
  to the kernel on a busy 2-core machine).

Helpers the modules call (``open_app``, ``assert_clean`` …) are in browser_support.py: a module
cannot import a ``conftest`` by name (other test folders have one too).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_support import DEFAULT_EXPECT_TIMEOUT, FAILURES, READY_TIMEOUT, Visit
from voila_server import CHROMIUM, EXTERNAL, VoilaServer


@pytest.fixture(scope="session")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    server = VoilaServer(tmp_path_factory.mktemp("voila") / "voila.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def axe() -> Path:
    """axe-core's script (fetched from npm once), for the accessibility audits."""
    from axe import axe_script

    try:
        return axe_script()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip(f"chromium not found at {CHROMIUM} (apt-get install chromium)")
    return {**browser_type_launch_args, "executable_path": CHROMIUM,
            "args": ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "ja-JP", "viewport": {"width": 1000, "height": 800}}


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Keep each phase's report on the test item (``rep_call``) for the ``app`` fixture."""
    rep = yield
    setattr(item, f"rep_{rep.when}", rep)
    return rep


@pytest.fixture(autouse=True)
def _expect_timeout(request: pytest.FixtureRequest) -> Iterator[None]:
    """Assertions wait the module's ``EXPECT_TIMEOUT`` (ms), Playwright's default elsewhere."""
    from playwright.sync_api import expect

    expect.set_options(timeout=getattr(request.module, "EXPECT_TIMEOUT", DEFAULT_EXPECT_TIMEOUT))
    yield
    expect.set_options(timeout=DEFAULT_EXPECT_TIMEOUT)


@pytest.fixture
def app(page: Any, request: pytest.FixtureRequest) -> Iterator[tuple[Any, Visit]]:
    """A page that may talk to loopback only and waits for Voilà (which streams the whole
    run); screenshot on failure."""
    visit = Visit()

    def route(r: Any) -> None:
        visit.external.append(r.request.url)
        r.abort()

    page.set_default_navigation_timeout(READY_TIMEOUT)
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
