"""Helpers shared by the notebook tests (imported by name: this folder is on sys.path)."""

from __future__ import annotations

import ast
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import nbformat

from labkit import course
from labkit.course import authoring

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
HERE = Path(__file__).resolve().parent
SANITIZE = HERE / "sanitize.cfg"
FACTS = HERE / "facts.toml"
LANGS = ("ja", "en")
AUDIENCES = ("student", "lecturer")
#: Every notebook page: the index, the sections, the glossary and the lecturer console.
PAGES = (course.INDEX, *course.SECTIONS, course.GLOSSARY_PAGE, course.CONSOLE_PAGE)


def notebooks() -> list[Path]:
    """The course notebooks, in teaching order (landing page first)."""
    order = {s.notebook: i for i, s in enumerate(PAGES)}
    found = sorted(NOTEBOOK_DIR.glob("*.ipynb"), key=lambda p: (order.get(p.name, 999), p.name))
    return found


def section_of(path: Path) -> course.Section:
    for s in PAGES:
        if s.notebook == path.name:
            return s
    raise KeyError(path.name)


def read(path: Path) -> Any:
    return nbformat.read(path, as_version=4)


def labkit_outputs(nb: Any, kind: str | None = None) -> list[dict[str, Any]]:
    """Outputs written by labkit.course (they carry metadata.labkit.kind and .lang)."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            meta = out.get("metadata", {}).get("labkit")
            if meta and (kind is None or meta.get("kind") == kind):
                found.append(out)
    return found


class _TextExtractor(HTMLParser):
    """Visible text of an HTML fragment (no <style>/<script>)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in ("style", "script"):
            self._skip += 1
        elif tag in ("p", "li", "br", "tr", "h1", "h2", "h3", "h4", "div", "td", "th"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_text(fragment: str) -> str:
    parser = _TextExtractor()
    parser.feed(fragment)
    return "".join(parser.parts)


def visible_text(nb: Any) -> str:
    """What a student sees of an executed notebook: rendered outputs only (Voilà strips
    sources). HTML outputs are reduced to their text; widget views are not text."""
    parts = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stdout":
                parts.append(out.get("text", ""))
            data = out.get("data", {})
            if "application/vnd.jupyter.widget-view+json" in data:
                continue
            if "text/html" in data:
                parts.append(html_text(data["text/html"]))
            elif "text/markdown" in data:
                parts.append(data["text/markdown"])
            elif "text/plain" in data:
                parts.append(data["text/plain"])
    return "\n".join(parts)


_DASHES = re.compile(r"[‐-―−〜～~]")
_CJK = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60"
_CJK_SPACE = re.compile(f"(?<=[{_CJK}])\\s+|\\s+(?=[{_CJK}])")


def normalise(text: str) -> str:
    """Compare facts loosely: NFKC, one kind of dash, collapsed spaces, no space next to a
    Japanese character ("QR コード" = "QRコード"), case-insensitive."""
    text = unicodedata.normalize("NFKC", text)
    text = _DASHES.sub("-", text)
    text = re.sub(r"\s+", " ", text)
    text = _CJK_SPACE.sub("", text)
    return text.strip().casefold()


def cjk_ratio(text: str) -> float:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    cjk = sum(1 for c in letters if re.match(f"[{_CJK}]", c))
    return cjk / len(letters)


def bilingual_calls(cell_source: str) -> list[tuple[str, dict[str, str]]]:
    """``course.say``/``course.note`` calls in a cell: (function name, {ja, en} texts)."""
    calls = []
    for node in ast.walk(ast.parse(cell_source)):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "course"
                and node.func.attr in ("say", "note")):
            texts = {kw.arg: kw.value.value for kw in node.keywords
                     if kw.arg in LANGS and isinstance(kw.value, ast.Constant)}
            calls.append((node.func.attr, texts))
    return calls


_RUNS: dict[tuple[str, str, str], Any] = {}
_RUN_DIR: Any = None


def executed(path: Path, lang: str, audience: str) -> Any:
    """The notebook run through papermill with these parameters, once per test session
    (the parameter matrix and the content checks share runs). Kernels get an environment
    without Voilà request variables or the lecturer default."""
    import os
    import tempfile

    global _RUN_DIR
    key = (path.name, lang, audience)
    if key not in _RUNS:
        if _RUN_DIR is None:
            _RUN_DIR = tempfile.TemporaryDirectory(prefix="papermill-")
        out = Path(_RUN_DIR.name) / f"{path.stem}.{lang}.{audience}.ipynb"
        saved = {k: os.environ.pop(k) for k in authoring.CLEAN_ENV_DROP if k in os.environ}
        try:
            _RUNS[key] = execute_with_papermill(path, out, lang=lang, audience=audience)
        finally:
            os.environ.update(saved)
    return _RUNS[key]


def execute_with_papermill(path: Path, out: Path, *, lang: str, audience: str) -> Any:
    """A papermill run; a lecturer's run has the lecturer token in the kernel's environment
    (as `make lab` gives it), without which audience=lecturer shows no note (F12)."""
    import os
    import secrets

    import papermill as pm

    token = os.environ.get("LABKIT_LECTURER_TOKEN")
    if audience == "lecturer":
        os.environ["LABKIT_LECTURER_TOKEN"] = secrets.token_urlsafe(12)
    try:
        pm.execute_notebook(
            str(path), str(out),
            parameters={"lang": lang, "audience": audience},
            kernel_name="python3", cwd=str(path.parent), progress_bar=False,
            execution_timeout=120, log_output=False,
        )
    finally:
        os.environ.pop("LABKIT_LECTURER_TOKEN", None)
        if token is not None:
            os.environ["LABKIT_LECTURER_TOKEN"] = token
    return read(out)


def run_nbval(paths: list[Path], junit: Path) -> tuple[Any, dict[str, list[tuple[str, str | None]]]]:
    """Run ``pytest --nbval`` (strict) in a subprocess on ``paths``.

    Returns the completed process and, per notebook file name, its cells as
    ``(test name, failure text or None)`` read from the JUnit report. A subprocess keeps the
    nbval plugin out of the main session (it would otherwise collect every .ipynb) and gives
    the kernels a clean environment."""
    import os
    import subprocess
    import sys
    import xml.etree.ElementTree as ET

    top = Path(os.path.commonpath([p.parent for p in paths]))
    env = authoring.clean_env()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "pytest", "--nbval", "--nbval-current-env",
           f"--nbval-sanitize-with={SANITIZE}", "--nbval-cell-timeout=120",
           "-p", "nbval_stderr", "-p", "no:cacheprovider", "-q", "--color=no",
           f"--junitxml={junit}", f"--rootdir={top}", *map(str, paths)]
    proc = subprocess.run(cmd, cwd=top, env=env, capture_output=True, text=True,
                          timeout=900, check=False)
    results: dict[str, list[tuple[str, str | None]]] = {}
    if junit.exists():
        for case in ET.parse(junit).getroot().iter("testcase"):
            name = case.get("classname", "").rsplit(".ipynb", 1)[0].rsplit(".", 1)[-1] + ".ipynb"
            problem = case.find("failure")
            if problem is None:
                problem = case.find("error")
            text = None if problem is None else (problem.get("message", "") + "\n"
                                                 + (problem.text or ""))
            results.setdefault(name, []).append((case.get("name", ""), text))
    return proc, results
