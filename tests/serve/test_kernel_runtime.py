"""What labkit.course.setup changes in a Voilà page's kernel, checked in a real kernel."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from jupyter_client.manager import start_new_kernel

from labkit.course import authoring

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def run_cells(env: dict[str, str], cells: list[str]) -> None:
    km, kc = start_new_kernel(kernel_name="python3", env=env, cwd=str(NOTEBOOKS))
    try:
        for code in cells:
            reply = kc.execute_interactive(code, timeout=120, output_hook=lambda msg: None)
            assert reply["content"]["status"] == "ok", reply["content"]
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def stored_inputs(ipython_dir: Path) -> list[str]:
    db = ipython_dir / "profile_default" / "history.sqlite"
    if not db.exists():
        return []
    with sqlite3.connect(db) as con:
        return [row[0] for row in con.execute("SELECT source_raw FROM history")]


@pytest.mark.parametrize("voila", [True, False])
def test_a_voila_page_kernel_writes_no_input_history(tmp_path: Path, voila: bool) -> None:
    env = {**authoring.clean_env(), "IPYTHONDIR": str(tmp_path / "ipython")}
    if voila:
        env.update({"SERVER_SOFTWARE": "voila/0.5.13", "QUERY_STRING": ""})
    run_cells(env, ["from labkit import course\nctx = course.setup('index')", "x = 1 + 1", "y = x * 3"])
    inputs = stored_inputs(tmp_path / "ipython")
    if voila:
        assert not any("y = x * 3" in source for source in inputs)
    else:  # JupyterLab, papermill: IPython's history as usual
        assert any("y = x * 3" in source for source in inputs)
