"""Fixtures for the notebook tests: a clean environment and memoised papermill runs, so the
parameter matrix and the content checks share one execution per (notebook, lang, audience)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from notebook_support import execute_with_papermill

from labkit import course


@pytest.fixture(scope="session", autouse=True)
def _clean_kernel_env() -> Iterator[None]:
    """Kernels inherit our environment: drop Voilà request variables and the lecturer
    default so that runs are decided by their parameters only."""
    saved = {k: os.environ.pop(k) for k in course.CLEAN_ENV_DROP if k in os.environ}
    yield
    os.environ.update(saved)


@pytest.fixture(scope="session")
def executed(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path, str, str], Any]:
    """``executed(path, lang, audience)`` → the executed notebook (run once per session)."""
    cache: dict[tuple[str, str, str], Any] = {}
    out_dir = tmp_path_factory.mktemp("papermill")

    def run(path: Path, lang: str, audience: str) -> Any:
        key = (path.name, lang, audience)
        if key not in cache:
            out = out_dir / f"{path.stem}.{lang}.{audience}.ipynb"
            cache[key] = execute_with_papermill(path, out, lang=lang, audience=audience)
        return cache[key]

    return run
