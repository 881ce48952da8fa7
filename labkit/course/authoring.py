"""Notebook authoring and CI tools: cells that follow the conventions, skeletons, stable
stored outputs, in-place execution, and the CLI (``python -m labkit.course
execute|new|list``). Kernels never import this module (nor nbformat and nbclient)."""

from __future__ import annotations

import json
import os
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .outline import INDEX, SECTIONS, SOURCE_NOTEBOOKS, built_sections, section
from .params import DEFAULTS

PARAMETERS_SOURCE = (
    "# Parameters: papermill -p lang en; Voilà ?lang=en&audience=lecturer\n"
    + "\n".join(f"{k}: {type(v).__name__} = {json.dumps(v)}" for k, v in DEFAULTS.items())
)
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def _quote(text: str) -> str:
    text = textwrap.dedent(text).strip("\n")
    if '"""' in text or "\\" in text or text.endswith('"'):
        return repr(text)
    return '"""\n' + text + '\n"""'


def _cell(kind: str, source: str, *, tags: Sequence[str] = (), slide: str = "-",
          hide_source: bool = False) -> Any:
    import nbformat

    cell = (nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell)(
        source)
    meta: dict[str, Any] = {"slideshow": {"slide_type": slide}}
    if tags:
        meta["tags"] = list(tags)
    if hide_source:
        meta["jupyter"] = {"source_hidden": True}
    cell.metadata.update(meta)
    return cell


def parameters_cell() -> Any:
    return _cell("code", PARAMETERS_SOURCE, tags=["parameters"], slide="skip")


def setup_cell(section_id: str) -> Any:
    section(section_id)
    src = ("from labkit import course\n\n"
           f'ctx = course.setup("{section_id}", lang=lang, audience=audience, now=now, '
           "seed=seed, depth=depth)")
    return _cell("code", src, tags=["setup"], slide="skip")


def prose_cell(ja: str, en: str, *, slide: str = "-") -> Any:
    """A prose cell; ``slide`` is its slideshow type (``slide`` for a new slide)."""
    src = f"course.say(\n    ja={_quote(ja)},\n    en={_quote(en)},\n)"
    return _cell("code", src, tags=["prose"], slide=slide, hide_source=True)


def note_cell(ja: str, en: str) -> Any:
    """A 【講師】 note: a speaker note in slides, invisible to students."""
    src = f"course.note(\n    ja={_quote(ja)},\n    en={_quote(en)},\n)"
    return _cell("code", src, tags=["lecturer-note"], slide="notes")


def lab_cell(source: str, *, widget: bool = True, slide: str = "-") -> Any:
    """A lab cell calling into labkit; widget cells are excluded from nbval's comparison."""
    tags = ["lab", "nbval-ignore-output"] if widget else ["lab"]
    return _cell("code", textwrap.dedent(source).strip(), tags=tags, slide=slide)


def footer_cell() -> Any:
    return _cell("code", "course.footer()", tags=["footer"], slide="skip")


def new_notebook(section_id: str, cells: Sequence[Any]) -> Any:
    """A section notebook: parameters, setup, ``cells``, footer; kernel ``python3``."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [parameters_cell(), setup_cell(section_id), *cells, footer_cell()]
    nb.metadata.update({"kernelspec": dict(KERNELSPEC), "language_info": {"name": "python"},
                        "labkit": {"section": section_id}})
    return nb


def skeleton(section_id: str) -> Any:
    """A starting point for a new section notebook (``python -m labkit.course new``)."""
    s = section(section_id)
    return new_notebook(section_id, [
        prose_cell(f"# {s.label('ja')}\n\n(本文)", f"# {s.label('en')}\n\n(text)",
                   slide="slide"),
        note_cell("(講師向けの補足説明。講義資料の【補足説明】から)",
                  "(the lecturer's supplementary note, from the lecture's 補足説明)"),
    ])


# --------------------------------------------------------------------------- execution

CLEAN_ENV_DROP = ("QUERY_STRING", "SERVER_SOFTWARE", "VOILA_PREHEAT", "LABKIT_AUDIENCE",
                  "LABKIT_NOTEBOOK_DIR", "LABKIT_LECTURER_TOKEN", "LABKIT_CLASS_CODE", "HTTP_COOKIE")


def clean_env() -> dict[str, str]:
    """The environment for deterministic runs: no Voilà request, no lecturer default or
    token, no class."""
    return {k: v for k, v in os.environ.items() if k not in CLEAN_ENV_DROP}


def normalise(nb: Any) -> Any:
    """Make a stored notebook stable: kernel ``python3``, no timing or widget state,
    widget model ids numbered instead of random (nbval ignores them anyway)."""
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    for key in ("widgets", "papermill"):
        nb.metadata.pop(key, None)
    n = 0
    for cell in nb.cells:
        for key in ("execution", "papermill"):
            cell.metadata.pop(key, None)
        for out in cell.get("outputs", []):
            view = out.get("data", {}).get("application/vnd.jupyter.widget-view+json")
            if view is not None:
                n += 1
                view["model_id"] = f"{n:032x}"
    return nb


def execute(path: Path, *, timeout: int = 300) -> Any:
    """Execute a notebook in place with its default parameters (what nbval compares to)."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}},
                            record_timing=False, store_widget_state=False)
    client.execute(env=clean_env(), cwd=str(path.parent))
    normalise(nb)
    nbformat.write(nb, path)
    return nb


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m labkit.course",
                                     description="course notebook tools / 講座ノートブックの道具")
    sub = parser.add_subparsers(dest="cmd", required=True)
    p_exec = sub.add_parser("execute", help="execute notebooks in place (default: all)")
    p_exec.add_argument("notebooks", nargs="*", type=Path)
    p_new = sub.add_parser("new", help="write a skeleton notebook for a section, e.g. 1-1")
    p_new.add_argument("section")
    sub.add_parser("list", help="list the sections and whether their notebook exists")
    args = parser.parse_args(argv)
    directory = SOURCE_NOTEBOOKS
    if args.cmd == "execute":
        paths = args.notebooks or sorted(directory.glob("*.ipynb"))
        for path in paths:
            print(f"executing {path}", file=sys.stderr)
            execute(path)
    elif args.cmd == "new":
        import nbformat

        s = section(args.section)
        target = directory / s.notebook
        if target.exists():
            print(f"{target} exists", file=sys.stderr)
            return 1
        nbformat.write(skeleton(s.id), target)
        print(target)
    else:
        built = {s.id for s in built_sections(directory)}
        for s in (INDEX, *SECTIONS):
            mark = "built  " if s.id in built or s is INDEX else "pending"
            print(f"{mark} {s.id:6} {s.notebook:28} {s.title.ja} / {s.title.en}")
    return 0
