"""The figure tests draw for real: a private, empty figure cache for the session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _private_figure_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    mp = pytest.MonkeyPatch()
    mp.setenv("LABKIT_FIGURE_CACHE", str(tmp_path_factory.mktemp("figure-cache")))
    from labkit import figures

    figures.section_figures_cached.cache_clear()
    yield
    mp.undo()
