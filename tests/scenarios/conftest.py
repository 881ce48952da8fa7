"""Scenario fixtures: every card and SE key comes from a pre-generated pool; every scenario
runs with its worlds' back office in process, and those marked ``@over_http``
(world_support.py) once more with it over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from world_support import office_mode, pooled_keys


@pytest.fixture(autouse=True)
def office(request: pytest.FixtureRequest) -> Iterator[str]:
    """``in_process``, or each of OFFICE_MODES for a test marked ``@over_http``."""
    mode = getattr(request, "param", "in_process")
    with office_mode(mode):
        yield mode


@pytest.fixture(autouse=True)
def _pooled_keys() -> Iterator[None]:
    with pooled_keys():
        yield
