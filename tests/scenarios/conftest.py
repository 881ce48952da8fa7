"""Scenario fixtures: every card and SE key comes from a pre-generated pool."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from world_support import pooled_keys


@pytest.fixture(autouse=True)
def _pooled_keys() -> Iterator[None]:
    with pooled_keys():
        yield
