"""A real class J-LIS for tests: ``labkit jlis serve --class`` in a subprocess on a free
loopback port, with a known class code and lecturer token (shared by tests/labs and
tests/browser; imported by name, tests/ is on sys.path)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
CODE = "C1A55C0DE"
LECTURER_TOKEN = "test-lecturer-token"  # the same as the browser tests' Voilà (voila_server.py)
START = "2026-04-01T10:00:00+09:00"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ClassServer:
    """The server process; ``url`` once it answers ``GET /api/clock``."""

    def __init__(self, workdir: Path, *, now: str = START) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "LABKIT_CLASS_CODE": CODE, "LABKIT_LECTURER_TOKEN": LECTURER_TOKEN,
               "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
        self.log = (workdir / "class-server.log").open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "labkit", "jlis", "serve", "--class", "--port", str(self.port),
             "--db", str(workdir / "class.db"), "--now", now],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError((workdir / "class-server.log").read_text()[-3000:])
            try:
                if httpx.get(f"{self.url}/api/clock", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise TimeoutError(self.url)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
