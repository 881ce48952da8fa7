"""Static checks of the committed notebooks: the conventions every section notebook follows.

These read JSON only (no kernel), so they run in ``make test-fast`` too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from notebook_support import (
    NOTEBOOK_DIR,
    PAGES,
    bilingual_calls,
    labkit_outputs,
    notebooks,
    read,
    section_of,
)

from labkit import course

NOTEBOOKS = notebooks()
IDS = [p.name for p in NOTEBOOKS]
PARAMS = {"lang": ("str", "ja"), "audience": ("str", "student"),
          "now": ("str", "2026-04-01T10:00:00+09:00"), "seed": ("int", 0),
          "depth": ("str", "basic")}
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_every_notebook_is_a_registered_section() -> None:
    registered = {s.notebook for s in PAGES}
    names = {p.name for p in NOTEBOOK_DIR.glob("*.ipynb")}
    assert names - registered == set(), "add the section to labkit.course.SECTIONS"
    assert course.INDEX.notebook in names and "00_introduction.ipynb" in names
    assert NOTEBOOKS[0].name == course.INDEX.notebook


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_kernel_and_execution(path: Path) -> None:
    nb = read(path)
    assert nb.metadata.kernelspec.name == "python3"
    assert "widgets" not in nb.metadata, "run `python -m labkit.course execute` (no widget state)"
    counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1)), (
        "commit notebooks executed top to bottom: python -m labkit.course execute " + path.name)
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            assert out.output_type != "error", cell.source
            assert not (out.output_type == "stream" and out.name == "stderr"), cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_parameters_and_setup_cells(path: Path) -> None:
    nb = read(path)
    code = [c for c in nb.cells if c.cell_type == "code"]
    params, setup = code[0], code[1]
    assert params.metadata.get("tags") == ["parameters"]
    found = {}
    for node in ast.parse(params.source).body:
        assert isinstance(node, ast.AnnAssign), "parameters: only `name: type = value` lines"
        found[node.target.id] = (node.annotation.id, ast.literal_eval(node.value))
    assert found == PARAMS
    assert "setup" in setup.metadata.get("tags", [])
    assert f'course.setup("{section_of(path).id}", lang=lang, audience=audience, now=now, ' \
           f'seed=seed, depth=depth)' in setup.source
    assert nb.metadata.get("labkit", {}).get("section") == section_of(path).id
    assert "course.footer()" in code[-1].source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_prose_is_bilingual_and_rendered_by_the_kernel(path: Path) -> None:
    """No markdown cells: Voilà renders them before the kernel knows ?lang=, and removing
    them is server-wide. Every say/note call carries a Japanese and an English text."""
    nb = read(path)
    assert [c for c in nb.cells if c.cell_type == "markdown"] == []
    calls = [call for c in nb.cells if c.cell_type == "code" for call in bilingual_calls(c.source)]
    assert any(name == "say" for name, _ in calls)
    for name, texts in calls:
        assert set(texts) == {"ja", "en"}, f"course.{name} needs literal ja= and en= texts"
        assert texts["ja"].strip() and texts["en"].strip()


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_cell_tags_and_slides(path: Path) -> None:
    nb = read(path)
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        slide = cell.metadata.get("slideshow", {}).get("slide_type")
        assert slide in SLIDE_TYPES, f"slideshow.slide_type missing: {cell.source[:60]!r}"
        has_widget = any(WIDGET_VIEW in o.get("data", {}) for o in cell.get("outputs", []))
        if has_widget:
            assert "nbval-ignore-output" in tags, f"widget cell not ignored: {cell.source!r}"
        if "course.note(" in cell.source:
            assert "lecturer-note" in tags and slide == "notes"
        if "course.say(" in cell.source:
            assert "prose" in tags


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_committed_outputs_are_the_student_japanese_run(path: Path) -> None:
    nb = read(path)
    hint = f"re-execute with the defaults: python -m labkit.course execute notebooks/{path.name}"
    assert labkit_outputs(nb, "note") == [], hint
    assert {o.metadata.labkit.lang for o in labkit_outputs(nb)} == {"ja"}, hint
    assert labkit_outputs(nb, "prose"), "no prose output: execute the notebook"
