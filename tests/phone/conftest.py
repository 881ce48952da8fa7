"""Fixtures shared with the scenario tests (tests/scenarios/world_support.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scenarios"))

from world_support import pooled_keys


@pytest.fixture(autouse=True)
def _pooled_keys() -> Iterator[None]:
    with pooled_keys():
        yield
