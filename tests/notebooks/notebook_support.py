"""Helpers shared by the notebook tests (imported by name: this folder is on sys.path)."""

from __future__ import annotations

import ast
import re
import secrets
import unicodedata
from concurrent.futures import Future, ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, ClassVar

import nbformat
from jupyter_client.manager import AsyncKernelManager

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


_RUNS: dict[tuple[str, str, str], Future[Any]] = {}
_RUN_DIR: Any = None
_POOL: ThreadPoolExecutor | None = None
_NBVAL: Future[Any] | None = None
#: Notebook runs at once in the background (each is a kernel: about one core).
WORKERS = 2


def prefetch(runs: list[tuple[Path, str, str]], nbval: tuple[list[Path], Path] | None = None) -> None:
    """Start the session's notebook runs in the background, WORKERS at a time: the nbval run
    (``(paths, junit)``, the longest) first, then each ``(path, lang, audience)`` in the order
    the tests read them. The tests then find their runs done or under way, and the machine's
    cores stay busy while a test checks one. The runs are the ones :func:`executed` and
    :func:`nbval_run` return; without a prefetch they run when first asked for."""
    global _POOL, _NBVAL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(WORKERS, thread_name_prefix="notebooks")
    if nbval is not None and _NBVAL is None:
        _NBVAL = _POOL.submit(run_nbval, *nbval)
    for path, lang, audience in runs:
        _submit(path, lang, audience)


def stop_prefetch() -> None:
    """At the session's end: drop the runs not started (a stopped session), wait for the rest."""
    if _POOL is not None:
        _POOL.shutdown(wait=True, cancel_futures=True)


def nbval_run(paths: list[Path], junit: Path) -> tuple[Any, dict[str, list[tuple[str, str | None]]]]:
    """:func:`run_nbval`'s result, from the prefetched run if there is one."""
    return _NBVAL.result() if _NBVAL is not None else run_nbval(paths, junit)


def executed(path: Path, lang: str, audience: str) -> Any:
    """The notebook run through papermill with these parameters, once per test session
    (the parameter matrix and the content checks share runs). Kernels get an environment
    without Voilà request variables or the lecturer default."""
    return _submit(path, lang, audience).result()


def _submit(path: Path, lang: str, audience: str) -> Future[Any]:
    import tempfile

    global _RUN_DIR
    key = (path.name, lang, audience)
    if key not in _RUNS:
        if _RUN_DIR is None:
            _RUN_DIR = tempfile.TemporaryDirectory(prefix="papermill-")
        out = Path(_RUN_DIR.name) / f"{path.stem}.{lang}.{audience}.ipynb"
        if _POOL is not None:
            _RUNS[key] = _POOL.submit(execute_with_papermill, path, out, lang=lang, audience=audience)
        else:
            done: Future[Any] = Future()
            try:
                done.set_result(execute_with_papermill(path, out, lang=lang, audience=audience))
            except Exception as exc:
                done.set_exception(exc)
            _RUNS[key] = done
    return _RUNS[key]


class _CleanEnvKernelManager(AsyncKernelManager):
    """Starts the kernel with :func:`authoring.clean_env` (plus ``extra_env``), whatever a test
    running meanwhile in the main thread has put into ``os.environ``."""

    extra_env: ClassVar[dict[str, str]] = {}

    async def _async_pre_start_kernel(self, **kw: Any) -> Any:
        kw["env"] = {**authoring.clean_env(), **self.extra_env}
        return await super()._async_pre_start_kernel(**kw)


def execute_with_papermill(path: Path, out: Path, *, lang: str, audience: str,
                           env: dict[str, str] | None = None) -> Any:
    """A papermill run; ``env`` is added to the kernel's clean environment (never through
    ``os.environ``: runs go on in background threads); a lecturer's run gets a lecturer token."""
    import papermill as pm

    env = dict(env or {})
    if audience == "lecturer":  # as `make lab` gives it; without it audience=lecturer shows no note (F12)
        env.setdefault("LABKIT_LECTURER_TOKEN", secrets.token_urlsafe(12))
    manager = type("_RunKernelManager", (_CleanEnvKernelManager,), {"extra_env": env})
    pm.execute_notebook(
        str(path), str(out),
        parameters={"lang": lang, "audience": audience},
        kernel_name="python3", cwd=str(path.parent), progress_bar=False,
        execution_timeout=120, log_output=False, kernel_manager_class=manager,
    )
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
