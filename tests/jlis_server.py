"""A real ``labkit jlis serve`` subprocess on a free loopback port, for every test that needs
one (single-user or ``--class``); imported by name, as tests/ is on sys.path.

Its output goes to a log file beside ``--db`` (a pipe nobody reads could fill and stall the
server); :meth:`ServerProcess.output` returns what the current run printed. The environment
is the test run's without the class settings (``LABKIT_CLASS_*``, ``LABKIT_LECTURER_TOKEN``),
plus ``env``: a restart with ``env = {}`` is a restart without them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

REPO = Path(__file__).resolve().parents[1]
CODE = "C1A55C0DE"
LECTURER_TOKEN = "test-lecturer-token"  # the same as the browser tests' Voilà (voila_server.py)
START = "2026-04-01T10:00:00+09:00"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _class_setting(name: str) -> bool:
    return name.startswith("LABKIT_CLASS") or name == "LABKIT_LECTURER_TOKEN"


@dataclass
class ServerProcess:
    """One ``labkit jlis serve --db db *args`` process; :meth:`start` (re)starts it on the same
    port and waits until ``GET /api/clock`` answers, :meth:`kill` is a crash (SIGKILL),
    :meth:`stop` a normal shutdown."""

    db: Path
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    _log: IO[bytes] | None = None
    _log_start: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.db.with_name(self.db.name + ".log")

    def start(self, timeout: float = 60.0) -> ServerProcess:
        cmd = [sys.executable, "-m", "labkit", "jlis", "serve", "--port", str(self.port), "--db", str(self.db),
               *self.args]
        env = {k: v for k, v in os.environ.items() if not _class_setting(k)}
        self._close_log()  # after a crash (kill) or a failed start
        env.update(self.env, PYTHONUNBUFFERED="1",
                   PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])))
        self._log = self.log_path.open("ab")
        self._log_start = self._log.tell()
        self.proc = subprocess.Popen(cmd, cwd=REPO, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"labkit jlis serve exited with {self.proc.returncode}:\n{self.output()[-3000:]}")
            try:
                if httpx.get(self.url + "/api/clock", timeout=1).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"labkit jlis serve did not answer in time:\n{self.output()[-3000:]}")

    def output(self) -> str:
        """What this run printed so far (stdout and stderr)."""
        with self.log_path.open("rb") as log:
            log.seek(self._log_start)
            return log.read().decode(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no shutdown handlers, no flushing — a crash."""
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        self._close_log()

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self._close_log()

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None


class ClassServer(ServerProcess):
    """A class J-LIS in ``workdir`` with the known class code and lecturer token, started at once
    (shared by tests/labs, tests/browser and tests/serve)."""

    def __init__(self, workdir: Path, *, now: str = START) -> None:
        super().__init__(workdir / "class.db", ["--class", "--now", now],
                         {"LABKIT_CLASS_CODE": CODE, "LABKIT_LECTURER_TOKEN": LECTURER_TOKEN})
        self.start()
