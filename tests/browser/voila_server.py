"""Start the course's Voilà server the way `make run` does (voila.json, the 'course'
template via JUPYTER_PATH) on a free loopback port; shared by the browser tests and
tests/bench/bench_notebooks.py."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from labkit.course import authoring

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
EXTERNAL = re.compile(r"^(?!https?://127\.0\.0\.1[:/])(?!data:|blob:|about:)")


def voila_command(port: int, notebooks: str = "notebooks/") -> list[str]:
    """Plain Voilà on ``notebooks`` (the course's folder by default) with test-friendly settings."""
    return [sys.executable, "-m", "voila", notebooks, "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", "--show_tracebacks=True",
            "--MappingKernelManager.cull_idle_timeout=30",
            "--MappingKernelManager.cull_interval=10"]


def course_command(port: int, *options: str) -> list[str]:
    """The `make run` launcher (labkit.serve: preheated pools, cap, queue) on another port."""
    return [sys.executable, "-m", "labkit.serve", "notebooks/", "--no-browser", f"--port={port}",
            "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", *options]


#: The lecturer token of the test servers: ``?audience=lecturer&lecturer=`` + this shows the
#: notes (audience=lecturer alone does not: reliability review F12).
LECTURER_TOKEN = "test-lecturer-token"
LECTURER = f"audience=lecturer&lecturer={LECTURER_TOKEN}"


def voila_env() -> dict[str, str]:
    env = authoring.clean_env()
    env["LABKIT_LECTURER_TOKEN"] = LECTURER_TOKEN
    env["JUPYTER_PATH"] = os.pathsep.join(
        filter(None, [str(ROOT / "share" / "jupyter"), env.get("JUPYTER_PATH")]))
    return env


def kernel_processes(server: VoilaServer) -> dict[int, Any]:
    """The server's kernel processes by pid (psutil)."""
    import psutil

    found = {}
    for proc in psutil.Process(server.proc.pid).children(recursive=True):
        try:
            if "ipykernel" in " ".join(proc.cmdline()):
                found[proc.pid] = proc
        except psutil.Error:  # exited meanwhile
            pass
    return found


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
    """A server on a free port; ``command(port)`` builds its command line (default: plain
    Voilà as the browser tests use it), run in ``cwd``."""

    def __init__(self, log: Path, command: Callable[[int], list[str]] = voila_command,
                 cwd: Path = ROOT, ready_timeout: float = 60, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self._log_file = log.open("w")
        self.proc = subprocess.Popen(command(self.port), cwd=cwd, env=env or voila_env(),
                                     stdout=self._log_file, stderr=subprocess.STDOUT)
        try:
            wait_ready(f"{self.url}/voila/static/voila.js", self.proc, ready_timeout)
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
