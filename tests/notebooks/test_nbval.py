"""``pytest --nbval`` (strict: every stored output is compared) on every course notebook.

nbval runs once, in a subprocess, over all notebooks; each notebook is then reported as
its own test here, so a failing cell fails this session and names the notebook and cell."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest
from notebook_support import nbval_run, notebooks, read, run_nbval

pytestmark = pytest.mark.notebooks

NOTEBOOKS = notebooks()


@pytest.fixture(scope="session")
def nbval_results(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict]:
    return nbval_run(NOTEBOOKS, tmp_path_factory.mktemp("nbval") / "junit.xml")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_outputs_match(nbval_results: tuple[Any, dict], path: Path) -> None:
    proc, results = nbval_results
    cells = results.get(path.name)
    assert cells, f"nbval reported nothing for {path.name}:\n{proc.stdout[-4000:]}{proc.stderr}"
    n_code = sum(1 for c in read(path).cells if c.cell_type == "code")
    assert len(cells) == n_code, "nbval must check every code cell"
    failures = [f"{name}: {text}" for name, text in cells if text is not None]
    assert not failures, "\n\n".join(failures)


def test_nbval_exit_status(nbval_results: tuple[Any, dict]) -> None:
    proc, _ = nbval_results
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def _cell(source: str, outputs: list[dict], tags: tuple[str, ...] = ()) -> Any:
    cell = nbformat.v4.new_code_cell(source)
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def test_nbval_is_strict_but_ignores_stderr(tmp_path: Path) -> None:
    """Guard the guard: a changed output and an exception fail; stderr noise, a random
    address and a widget cell do not."""
    def out(text: str) -> dict:
        return {"output_type": "stream", "name": "stdout", "text": text}

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        _cell('print("same")', [out("same\n")]),
        _cell('print("changed")', [out("original\n")]),
        _cell('import sys, warnings\nwarnings.warn("noise")\nprint("x", file=sys.stderr)\n'
              'print("ok")', [out("ok\n")]),
        _cell("print(hex(id(object())))", [out("0x7f0000001234\n")]),
        _cell("1/0", []),
        _cell('print("anything")', [out("ignored\n")], tags=("nbval-ignore-output",)),
    ]
    for i, cell in enumerate(nb.cells, 1):
        cell.execution_count = i
    path = tmp_path / "selftest.ipynb"
    nbformat.write(nb, path)
    proc, results = run_nbval([path], tmp_path / "junit.xml")
    verdicts = [text is None for _, text in results.get("selftest.ipynb", [])]
    assert verdicts == [True, False, True, True, False, True], proc.stdout[-4000:]
    assert proc.returncode != 0
