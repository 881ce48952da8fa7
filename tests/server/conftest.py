"""Fixtures for the J-LIS server tests (jlis_support is shared)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "jlis"))  # jlis_support

from jlis_server import ServerProcess


@pytest.fixture
def jlis_server(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    started: list[ServerProcess] = []

    def start(*args: str, db: Path | None = None) -> ServerProcess:
        server = ServerProcess(db or tmp_path / "jlis.db", list(args)).start()
        started.append(server)
        return server
    yield start
    for server in started:
        server.stop()
