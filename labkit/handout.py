"""Printable handouts (``make handouts``): ``build/handouts/{ja,en}/course.pdf``, A4, from the
same sources as the course: per section the goals, the lecture prose of the notebook's
``course.say`` cells, the figures and step screens of :mod:`labkit.figures` and the まとめ;
the checks at the end, then their answers with explanations. HTML → PDF by Debian's chromium
(Playwright), fonts embedded.

Goals, まとめ, 注意, the checks and the glossary come from :mod:`labkit.lessons`.

    python -m labkit.handout [--lang ja|en] [--out build/handouts] [--html-only]
"""

from __future__ import annotations

import argparse
import ast
import html
import random
import re
import shutil
import sys
from pathlib import Path
from typing import Any

from . import course, figures, lessons
from .i18n import LANGS, Text, check_lang

__all__ = ["handout_html", "prose", "write_pdf"]

ROOT = Path(__file__).resolve().parent.parent
#: Prose blocks that instruct the hands-on lab (widgets that paper does not have).
_LAB_HEADING = re.compile(r"^\s*#+\s*(実習|Lab\b|自分で|確認クイズ)")
_HEADING = re.compile(r"^\s*(#+)\s")
L = {
    "goals": Text("この節のゴール", "Goals of this section"),
    "summary": Text("まとめ", "Summary"),
    "cautions": Text("注意", "Caution"),
    "figures": Text("図", "Figures"),
    "screens": Text("画面の流れ", "The screens, step by step"),
    "lab": Text("実習は講座アプリ (Voilà) で行います。", "The hands-on lab is in the course app (Voilà)."),
    "checks": Text("確認問題", "Checks"),
    "answers": Text("確認問題の解答と解説", "Answers and explanations"),
    "answer": Text("正解", "Answer"),
    "contents": Text("目次", "Contents"),
    "glossary": Text("用語集", "Glossary"),
    "subtitle": Text("配布資料", "Handout"),
}


def prose(section: course.Section, directory: Path | None = None) -> list[Text]:
    """The lecture prose of a section: every ``course.say(ja=..., en=...)`` cell of its
    notebook, read (not executed) from the source; lab instructions (a block headed 実習 / Lab,
    and the unheaded blocks that continue it) are left out."""
    import nbformat

    path = (directory or ROOT / "notebooks") / section.notebook
    out: list[Text] = []
    lab_level = 0  # heading level of the lab block we are in (0: not in a lab)
    for cell in nbformat.read(path, as_version=4).cells:
        if cell.cell_type != "code" or "course.say(" not in cell.source:
            continue
        for node in ast.walk(ast.parse(cell.source)):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "say"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "course"):
                kw = {k.arg: k.value.value for k in node.keywords
                      if isinstance(k.value, ast.Constant) and isinstance(k.value.value, str)}
                if "ja" not in kw or "en" not in kw:
                    continue
                heading = _HEADING.match(kw["ja"])
                level = len(heading.group(1)) if heading else 99
                if _LAB_HEADING.match(kw["ja"]):
                    lab_level = level
                elif lab_level and level <= lab_level:
                    lab_level = 0
                if not lab_level:
                    out.append(Text(kw["ja"], kw["en"]))
    return out


def _md(text: str) -> str:
    body = course.render_markdown(text, course.current())
    return re.sub(r"<h1>.*?</h1>", "", body, count=1)  # the section heading is the handout's own


def _items(title: Text, items: tuple[Text, ...], lang: str, css: str) -> str:
    if not items:
        return ""
    lis = "".join(f"<li>{html.escape(i.get(lang))}</li>" for i in items)
    return f'<div class="{css}"><h3>{html.escape(title.get(lang))}</h3><ul>{lis}</ul></div>'


def _choices(item: Any) -> tuple[list[Text], int]:
    """The choices in a fixed order per question (the data puts the answer first)."""
    order = list(range(len(item.choices)))
    random.Random(item.id).shuffle(order)
    return [item.choices[i] for i in order], order.index(item.answer)


def section_html(section: course.Section, lang: str) -> str:
    t = lambda x: html.escape(x.get(lang))  # noqa: E731
    lesson = lessons.lesson(section.id)
    parts = [f'<section class="handout-section" id="s{section.id}"><h2>{html.escape(section.label(lang))}</h2>',
             _items(L["goals"], lesson.goals, lang, "goals")]
    for block in prose(section):
        parts.append(f'<div class="prose">{_md(block.get(lang))}</div>')
    parts.append(_items(L["cautions"], lesson.cautions, lang, "cautions"))
    if section.id in figures.SECTION_FIGURES:
        figs = figures.section_figures(section.id, lang)
        big = [f for f in figs if f.kind != "screen"]
        small = [f for f in figs if f.kind == "screen"]
        parts += [f'<div class="figure">{figures.figure_html(f, lang)}</div>' for f in big]
        if small:
            parts.append(f'<h3>{t(L["screens"])}</h3><div class="screens">'
                         + "".join(figures.figure_html(f, lang) for f in small) + "</div>")
    if section.chapter:
        parts.append(f'<p class="lab-note">{t(L["lab"])}</p>')
    parts.append(_items(L["summary"], lesson.summary, lang, "summary"))
    return "".join(parts) + "</section>"


def checks_html(lang: str) -> str:
    t = lambda x: html.escape(x.get(lang))  # noqa: E731
    questions, answers = [], []
    letters = "abcdefgh"
    for section in course.SECTIONS:
        for n, item in enumerate(lessons.lesson(section.id).checks, 1):
            choices, right = _choices(item)
            label = f"{section.id} Q{n}"
            lis = "".join(f"<li>({letters[i]}) {t(c)}</li>" for i, c in enumerate(choices))
            questions.append(f'<div class="check"><p><b>{label}</b> {t(item.prompt)}</p><ul class="choices">{lis}'
                             "</ul></div>")
            answers.append(f'<div class="answer"><p><b>{label}</b> {t(L["answer"])}: ({letters[right]}) '
                           f"{t(choices[right])}</p><p>{t(item.explanation)}</p></div>")
    if not questions:
        return ""
    return (f'<section class="handout-section" id="checks"><h2>{t(L["checks"])}</h2>{"".join(questions)}</section>'
            f'<section class="handout-section" id="answers"><h2>{t(L["answers"])}</h2>{"".join(answers)}</section>')


def glossary_html(lang: str) -> str:
    rows = "".join(f"<dt>{html.escape(term.term.get(lang))}</dt><dd>{html.escape(term.definition.get(lang))}</dd>"
                   for term in lessons.GLOSSARY)
    return f'<section class="handout-section" id="glossary"><h2>{L["glossary"].get(lang)}</h2><dl>{rows}</dl></section>'


CSS = """
@page { size: A4; margin: 16mm 15mm 18mm 15mm; }
body { font-family: 'Noto Sans CJK JP', sans-serif; font-size: 10pt; line-height: 1.6; color: #111827; }
h1 { font-size: 20pt; margin: 0 0 4mm; } h2, h3 { break-after: avoid; }
h2 { font-size: 15pt; border-bottom: 2px solid #1d4ed8;
  padding-bottom: 1mm; } h3 { font-size: 11.5pt; margin: 4mm 0 1mm; }
.handout-section { break-before: page; }
.goals, .summary, .cautions { border-radius: 3mm; padding: 1mm 4mm; margin: 3mm 0; break-inside: avoid; }
.goals { background: #eff6ff; } .summary { background: #f0fdf4; } .cautions { background: #fef2f2; }
.prose table { border-collapse: collapse; font-size: 9pt; } .prose td, .prose th { border: 1px solid #9ca3af;
  padding: 1mm 2mm; }
.figure { break-inside: avoid; margin: 3mm 0; } .figure svg { max-width: 100%; height: auto; }
.figure figcaption, .screens figcaption { font-size: 8.5pt; color: #374151; }
.screens { display: flex; flex-wrap: wrap; gap: 3mm; } .screens figure { width: 41mm; margin: 0;
  break-inside: avoid; } .screens svg { width: 100%; height: auto; }
.lab-note { color: #1d4ed8; font-size: 9pt; }
.check, .answer { break-inside: avoid; margin-bottom: 2mm; } .choices { list-style: none; padding-left: 4mm; }
.toc li { margin: 0; }
"""


def handout_html(lang: str) -> str:
    lang = check_lang(lang)
    title = html.escape(course.COURSE_TITLE.get(lang))
    toc = "".join(f'<li><a href="#s{s.id}">{html.escape(s.label(lang))}</a></li>' for s in course.built_sections(
        ROOT / "notebooks"))
    body = "".join(section_html(s, lang) for s in course.built_sections(ROOT / "notebooks"))
    return (f'<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{CSS}</style></head><body><h1>{title}</h1><p>{L['subtitle'].get(lang)}</p>"
            f'<h3>{L["contents"].get(lang)}</h3><ol class="toc">{toc}</ol>{body}{checks_html(lang)}'
            f"{glossary_html(lang)}</body></html>")


def write_pdf(lang: str, out: Path) -> Path:
    """Print the handout with chromium (A4, page numbers, backgrounds) to ``out/<lang>/course.pdf``."""
    from playwright.sync_api import sync_playwright

    target = out / lang / "course.pdf"
    target.parent.mkdir(parents=True, exist_ok=True)
    page_html = handout_html(lang)
    (target.parent / "course.html").write_text(page_html, encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium",
                                    args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.route(re.compile(r"^(?!data:|about:)"), lambda r: r.abort())  # nothing leaves the machine
            page.set_content(page_html, wait_until="load")
            page.evaluate("document.fonts.ready")
            footer = ('<div style="font-size:8px;width:100%;text-align:center;color:#6b7280">'
                      f'{html.escape(course.COURSE_TITLE.get(lang))} — <span class="pageNumber"></span> / '
                      '<span class="totalPages"></span></div>')
            page.pdf(path=str(target), format="A4", print_background=True, prefer_css_page_size=True,
                     display_header_footer=True, header_template="<span></span>", footer_template=footer)
        finally:
            browser.close()
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="print the course handouts (A4 PDF)")
    parser.add_argument("--lang", choices=LANGS, action="append")
    parser.add_argument("--out", default=str(ROOT / "build" / "handouts"))
    parser.add_argument("--html-only", action="store_true")
    args = parser.parse_args(argv)
    out = Path(args.out)
    for lang in args.lang or list(LANGS):
        if args.html_only:
            (out / lang).mkdir(parents=True, exist_ok=True)
            (out / lang / "course.html").write_text(handout_html(lang), encoding="utf-8")
            print(f"wrote {out / lang / 'course.html'}")
        else:
            print(f"wrote {write_pdf(lang, out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
