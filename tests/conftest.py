"""Shared fixtures. Actor-specific fixtures live in each test folder's conftest."""

from __future__ import annotations

import pytest

from labkit.clock import SimulatedClock


@pytest.fixture
def clock() -> SimulatedClock:
    """A simulated clock at a fixed, ordinary weekday morning (JST)."""
    return SimulatedClock("2026-04-01T10:00:00+09:00")
