"""Browser tests: the course served by Voilà (exactly as `make run` does: voila.json and the
'course' template), driven through Playwright with Debian's chromium.

- No browser download: pytest-playwright's launch is pointed at /usr/bin/chromium.
- Voilà runs on a free loopback port with --show_tracebacks=True (errors become visible
  text we can assert on) and kernel culling (closed pages leak kernels, voila#1458).
- Every non-loopback request is aborted: the suite must pass offline.
- A failing test leaves a screenshot in build/browser-failures/.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from labkit import course

ROOT = Path(__file__).resolve().parents[2]
FAILURES = ROOT / "build" / "browser-failures"
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
EXTERNAL = re.compile(r"^(?!https?://127\.0\.0\.1[:/])(?!data:|blob:|about:)")


def voila_command(port: int) -> list[str]:
    """The `make run` command on another port, with test-friendly settings."""
    return [sys.executable, "-m", "voila", "notebooks/", "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--show_tracebacks=True",
            "--MappingKernelManager.cull_idle_timeout=30",
            "--MappingKernelManager.cull_interval=10"]


def voila_env() -> dict[str, str]:
    env = course.clean_env()
    env["JUPYTER_PATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "share" / "jupyter"), env.get("JUPYTER_PATH")]))
    return env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Poll a static asset: it needs no kernel (GET / or a notebook would start one)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"voila exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError(url)


class VoilaServer:
    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._log_file = log.open("w")
        self.proc = subprocess.Popen(voila_command(self.port), cwd=ROOT, env=voila_env(),
                                     stdout=self._log_file, stderr=subprocess.STDOUT)
        try:
            wait_ready(f"{self.url}/voila/static/voila.js", self.proc)
        except Exception:
            self.stop()
            raise RuntimeError(self.log.read_text()[-3000:]) from None

    def app(self, notebook: str, query: str = "") -> str:
        return f"{self.url}/voila/render/{notebook}{query}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_file.close()


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
