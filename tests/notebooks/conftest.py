"""The notebook tests' runs (papermill per language and audience, nbval once) start in the
background as the first notebook test starts, two at a time, in the order the selected tests
read them (notebook_support.prefetch)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from notebook_support import NOTEBOOK_DIR, notebooks, prefetch, stop_prefetch


@pytest.fixture(scope="session", autouse=True)
def _notebook_runs(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    runs: list[tuple[Path, str, str]] = []
    nbval = None
    for item in request.session.items:
        module = getattr(item, "module", None)
        name = getattr(module, "__name__", "")
        params = getattr(getattr(item, "callspec", None), "params", {})
        if name == "test_nbval" and item.name.startswith("test_notebook_outputs_match") and nbval is None:
            nbval = (notebooks(), tmp_path_factory.mktemp("nbval") / "junit.xml")
        elif name == "test_papermill_matrix" and "path" in params:
            runs.append((params["path"], params["lang"], params["audience"]))
        elif name == "test_content_facts" and "section" in params:
            path = NOTEBOOK_DIR / params["section"].notebook
            if path.exists():
                runs.append((path, params["lang"], "student"))
                facts = module.FACT_LIST[params["section"].id]["facts"]  # type: ignore[union-attr]
                if any(f.get("lecturer") for f in facts):  # the test reads that run too
                    runs.append((path, params["lang"], "lecturer"))
    prefetch(runs, nbval)
    yield
    stop_prefetch()
