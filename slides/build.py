"""Build reveal.js slides from the course notebooks, fully offline (`make slides`).

For each language, every notebook is executed with ``audience=lecturer`` (papermill), so the
【講師】 notes cells (slide type ``notes``) become reveal speaker notes (press ``s``). Code is
hidden. Slides have no kernel, so where the notebook's lab widgets were, the deck shows the
section's figures from :mod:`labkit.figures` (who talks to whom, the SE, the timelines; one
slide each) and the phone screens of the lecture's numbered steps (four per slide), with a
short pointer to the app for the hands-on part.
reveal.js 4, require.js and jQuery come from npm once (build/npm → build/slides/vendor);
nothing is loaded from a CDN. Output: build/slides/index.html, build/slides/{ja,en}/*.html and
one PDF per language, build/slides/{ja,en}/slides.pdf (every deck printed by chromium with
reveal's ``?print-pdf``, joined with poppler's pdfunite).

    python slides/build.py [--lang ja|en] [--only 2-3] [--check] [--no-pdf]

``--check`` serves the result on loopback and opens every deck in chromium (Playwright),
failing on any request that leaves the machine, a deck that does not start, or a lecturer
note missing from the speaker notes.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import html
import http.server
import os
import re
import secrets
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import SlidesExporter
from traitlets.config import Config

from labkit import course, figures
from labkit.course import authoring

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
OUT = ROOT / "build" / "slides"
VENDOR = OUT / "vendor"
NPM_CACHE = ROOT / "build" / "npm"
#: reveal.js 4.0.2 is what nbconvert's reveal template is written for.
PACKAGES = {"reveal.js": "4.0.2", "requirejs": "2.3.7", "jquery": "3.7.1"}
CSS_DIR = ROOT / "share" / "jupyter" / "voila" / "templates" / "course"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
LAB_POINTER = {
    "ja": "▶ 実習: この操作は講座アプリ (Voilà) で行います。",
    "en": "▶ Lab: try this in the course app (Voilà).",
}
#: Phone screens per slide.
SCREENS_PER_SLIDE = 4
PDF_NAME = "slides.pdf"


def vendor() -> None:
    """Unpack the pinned npm packages into build/slides/vendor (download once)."""
    for name, version in PACKAGES.items():
        target = VENDOR / name
        if target.exists():
            continue
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        tgz = NPM_CACHE / f"{name}-{version}.tgz"
        if not tgz.exists():
            subprocess.run(["npm", "pack", f"{name}@{version}", "--silent",
                            "--pack-destination", str(NPM_CACHE)], check=True,
                           stdout=subprocess.DEVNULL)
        with tarfile.open(tgz) as tar, tempfile.TemporaryDirectory() as tmp:
            tar.extractall(tmp, filter="data")
            shutil.move(str(Path(tmp) / "package"), target)


def notebooks(only: list[str] | None = None) -> list[Path]:
    return [NOTEBOOKS / s.notebook for s in (course.INDEX, *course.SECTIONS)
            if (NOTEBOOKS / s.notebook).exists() and (not only or s.id in only)]


def execute(path: Path, lang: str, workdir: Path) -> Any:
    import papermill as pm

    saved = dict(os.environ)
    for key in authoring.CLEAN_ENV_DROP:  # kernels inherit this environment
        os.environ.pop(key, None)
    os.environ["LABKIT_LECTURER_TOKEN"] = secrets.token_urlsafe(12)  # the notes need it (F12)
    try:
        out = workdir / f"{path.stem}.{lang}.ipynb"
        pm.execute_notebook(str(path), str(out), kernel_name="python3", cwd=str(path.parent),
                            parameters={"lang": lang, "audience": "lecturer"},
                            progress_bar=False, execution_timeout=120)
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return nbformat.read(out, as_version=4)


def _html_cell(body: str, slide_type: str) -> Any:
    cell = nbformat.v4.new_code_cell(source="", metadata={"slideshow": {"slide_type": slide_type}})
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": body})]
    return cell


def figure_cells(section_id: str, lang: str) -> list[Any]:
    """One slide per figure (flows, SE, timelines), then the step screens four to a slide."""
    if section_id not in figures.SECTION_FIGURES:
        return []
    figs = figures.section_figures(section_id, lang)
    cells = [_html_cell(f'<style>{figures.CSS}</style><div class="labkit-figures labkit-slide-figure">'
                        f"{figures.figure_html(f, lang)}</div>", "subslide")
             for f in figs if f.kind != "screen"]
    screens = [f for f in figs if f.kind == "screen"]
    for i in range(0, len(screens), SCREENS_PER_SLIDE):
        row = "".join(figures.figure_html(f, lang) for f in screens[i:i + SCREENS_PER_SLIDE])
        cells.append(_html_cell(f'<style>{figures.CSS}</style>'
                                f'<div class="labkit-figures labkit-slide-screens">{row}</div>', "subslide"))
    return cells


def for_slides(nb: Any, lang: str) -> Any:
    """Drop skipped cells and papermill's injected parameters (reveal would open with an
    empty slide); widgets cannot run without a kernel: point to the app, and show the
    section's figures and step screens where the first lab (or a figures cell) was."""
    nb.cells = [c for c in nb.cells
                if c.metadata.get("slideshow", {}).get("slide_type") != "skip"
                and "injected-parameters" not in c.metadata.get("tags", [])]
    at = None
    for i, cell in enumerate(nb.cells):
        outputs = cell.get("outputs", [])
        shows_figures = cell.cell_type == "code" and "figures.show(" in cell.source
        if shows_figures or any(WIDGET_VIEW in o.get("data", {}) for o in outputs):
            if at is None:
                at = i + 1
            cell.outputs = [] if shows_figures else [nbformat.v4.new_output(
                "display_data", data={"text/html": f'<div class="labkit-slide-lab">'
                                                   f"{html.escape(LAB_POINTER[lang])}</div>"})]
    section_id = nb.metadata.get("labkit", {}).get("section", "")
    extra = figure_cells(section_id, lang)
    at = len(nb.cells) if at is None else at
    while at < len(nb.cells) and nb.cells[at].metadata.get("slideshow", {}).get("slide_type") == "notes":
        at += 1  # keep a lecturer note on the slide it belongs to
    nb.cells[at:at] = extra
    nb.metadata.pop("widgets", None)
    return nb


def exporter(lang: str) -> SlidesExporter:
    c = Config()
    c.SlidesExporter.reveal_url_prefix = "../vendor/reveal.js"
    c.SlidesExporter.reveal_theme = "white"
    c.SlidesExporter.reveal_transition = "none"
    c.SlidesExporter.require_js_url = "../vendor/requirejs/require.js"
    c.SlidesExporter.jquery_url = "../vendor/jquery/dist/jquery.min.js"
    c.SlidesExporter.language_code = lang
    c.TemplateExporter.exclude_input = True
    c.TemplateExporter.exclude_input_prompt = True
    c.TemplateExporter.exclude_output_prompt = True
    c.TemplateExporter.extra_template_basedirs = [str(ROOT / "slides" / "templates")]
    c.TemplateExporter.extra_template_paths = [str(CSS_DIR)]
    return SlidesExporter(config=c, template_name="course_reveal")


def build(langs: list[str], only: list[str] | None = None) -> list[Path]:
    vendor()
    decks = []
    with tempfile.TemporaryDirectory(prefix="slides-") as tmp:
        for lang in langs:
            (OUT / lang).mkdir(parents=True, exist_ok=True)
            exp = exporter(lang)
            for path in notebooks(only):
                nb = for_slides(execute(path, lang, Path(tmp)), lang)
                body, _ = exp.from_notebook_node(nb, resources={"metadata": {
                    "name": course.section(nb.metadata["labkit"]["section"]).label(lang)}})
                target = OUT / lang / f"{path.stem}.slides.html"
                target.write_text(body, encoding="utf-8")
                decks.append(target)
                print(f"wrote {target.relative_to(ROOT)}")
    links = "".join(f'<li><a href="{d.parent.name}/{d.name}">{d.parent.name}: {d.stem}</a></li>'
                    for d in decks)
    links += "".join(f'<li><a href="{lang}/{PDF_NAME}">{lang}: PDF</a></li>' for lang in langs)
    (OUT / "index.html").write_text(
        '<!DOCTYPE html><html lang="ja"><meta charset="utf-8"><title>slides</title>'
        f"<h1>スマホ用電子証明書 講座 — スライド / slides</h1><ul>{links}</ul>"
        "<p>講師ノート: s キー / speaker notes: press s</p></html>", encoding="utf-8")
    return decks


@contextlib.contextmanager
def _chromium() -> Iterator[tuple[str, Any]]:
    """build/slides served on loopback, and Debian's chromium through Playwright."""
    from playwright.sync_api import sync_playwright

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(OUT))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium")
                                        or "/usr/bin/chromium", args=["--no-sandbox"])
            try:
                yield f"http://127.0.0.1:{server.server_address[1]}", browser
            finally:
                browser.close()
    finally:
        server.shutdown()


def _offline_page(browser: Any, external: list[str]) -> Any:
    page = browser.new_page()
    page.route(re.compile(r"^(?!https?://127\.0\.0\.1[:/])(?!data:|about:)"),
               lambda r: (external.append(r.request.url), r.abort()))
    return page


def check(decks: list[Path]) -> int:
    """Open every deck from a loopback HTTP server in chromium; no request may leave."""
    problems = []
    with _chromium() as (base, browser):
        for deck in decks:
            external: list[str] = []
            page = _offline_page(browser, external)
            url = f"{base}/{deck.parent.name}/{deck.name}"
            page.goto(url)
            try:
                page.wait_for_selector(".reveal.ready", timeout=30_000)
            except Exception:
                problems.append(f"{url}: reveal did not start")
            notes = page.locator("aside.notes").count()
            source = nbformat.read(NOTEBOOKS / (deck.name.replace(".slides.html", "")
                                                + ".ipynb"), as_version=4)
            expected = sum("course.note(" in c.source for c in source.cells)
            if notes != expected:
                problems.append(f"{url}: {notes} speaker notes, expected {expected}")
            if external:
                problems.append(f"{url}: external requests {external}")
            slides = page.locator(".slides > section").count()
            pictures = page.locator(".slides svg.labkit-figure-svg").count()
            print(f"ok {deck.relative_to(ROOT)}: {slides} slides, {notes} notes, {pictures} figures")
            page.close()
    for problem in problems:
        print("FAIL", problem, file=sys.stderr)
    return 1 if problems else 0


def pdf(decks: list[Path]) -> list[Path]:
    """Print every deck of each language with reveal's ?print-pdf and join them in teaching
    order into build/slides/<lang>/slides.pdf (fonts are embedded by chromium)."""
    out = []
    with _chromium() as (base, browser), tempfile.TemporaryDirectory(prefix="slides-pdf-") as tmp:
        for lang in sorted({d.parent.name for d in decks}):
            parts = []
            for n, deck in enumerate(d for d in decks if d.parent.name == lang):
                external: list[str] = []
                page = _offline_page(browser, external)
                page.goto(f"{base}/{lang}/{deck.name}?print-pdf")
                page.wait_for_selector(".reveal.ready", timeout=60_000)
                part = Path(tmp) / f"{lang}-{n:02d}.pdf"
                page.pdf(path=str(part), print_background=True, prefer_css_page_size=True)
                page.close()
                if external:
                    raise RuntimeError(f"{deck}: external requests {external}")
                parts.append(part)
            target = OUT / lang / PDF_NAME
            if len(parts) == 1:
                shutil.copyfile(parts[0], target)
            else:
                subprocess.run(["pdfunite", *map(str, parts), str(target)], check=True)
            print(f"wrote {target.relative_to(ROOT)} ({len(parts)} decks)")
            out.append(target)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description="build offline reveal.js slides")
    parser.add_argument("--lang", choices=("ja", "en"), action="append")
    parser.add_argument("--only", action="append", help="only these sections (e.g. 2-3; for trying)")
    parser.add_argument("--check", action="store_true", help="open every deck in chromium")
    parser.add_argument("--no-pdf", action="store_true", help="do not print the PDFs")
    args = parser.parse_args()
    decks = build(args.lang or ["ja", "en"], args.only)
    if not args.no_pdf:
        pdf(decks)
    return check(decks) if args.check else 0


if __name__ == "__main__":
    sys.exit(main())
