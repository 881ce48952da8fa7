"""Scenario fixtures: every card and SE key comes from a pre-generated pool, and every
scenario module runs twice, with its worlds' back office in process and over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from world_support import OFFICE_MODES, office_mode, pooled_keys


@pytest.fixture(scope="module", autouse=True, params=OFFICE_MODES)
def office(request: pytest.FixtureRequest) -> Iterator[str]:
    with office_mode(request.param):
        yield request.param


@pytest.fixture(autouse=True)
def _pooled_keys() -> Iterator[None]:
    with pooled_keys():
        yield
