"""HTML of the course's outputs: prose and lecturer notes (Markdown → HTML), the header, the
footer and the chapter map. Pure functions of a :class:`Context`; the runtime displays them.

A bundle is a display mime bundle: ``{"text/html": ..., "text/plain": ...}``.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..i18n import Text
from .context import Context
from .outline import CHAPTERS, COURSE_TITLE, INDEX, SECTIONS, Section, built_sections

Bundle = dict[str, str]

NOTE_LABEL = Text("【講師】補足説明", "【Lecturer】 Supplementary note")
UPCOMING = Text("準備中", "coming soon")

_RELATIVE_NB_LINK = re.compile(r'href="([A-Za-z0-9_.\-]+\.ipynb)(#[A-Za-z0-9_\-]+)?"')
_CJK = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60"
#: A line break between two Japanese characters: browsers would show it as a space.
_CJK_BREAK = re.compile(f"(?<=[{_CJK}])\n[ \t]*(?=[{_CJK}])")


def _md() -> Any:
    import mistune

    return mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])


def render_markdown(text: str, ctx: Context) -> str:
    """Markdown → HTML. Links to sibling notebooks carry the run's parameters."""
    out = _md()(_CJK_BREAK.sub("", textwrap.dedent(text).strip()))
    return _RELATIVE_NB_LINK.sub(
        lambda m: f'href="{ctx.href(m.group(1))}{m.group(2) or ""}" target="_self"', out)


def prose(ctx: Context, ja: str, en: str) -> Bundle:
    """One prose block in the run's language. Both versions are required."""
    if not ja.strip() or not en.strip():
        raise InputError("本文は日本語と英語の両方が必要です。",
                         "prose needs both a Japanese and an English version")
    text = ctx.t(ja, en)
    body = render_markdown(text, ctx)
    return {"text/html": f'<div class="labkit-prose" lang="{ctx.lang}">{body}</div>',
            "text/plain": textwrap.dedent(text).strip()}


def note(ctx: Context, ja: str, en: str) -> Bundle | None:
    """A lecturer-only note (補足説明); ``None`` unless :attr:`Context.lecturer` (audience and token)."""
    if not ja.strip() or not en.strip():
        raise InputError("補足説明は日本語と英語の両方が必要です。",
                         "a lecturer note needs both a Japanese and an English version")
    if not ctx.lecturer:
        return None
    text = ctx.t(ja, en)
    label = NOTE_LABEL.get(ctx.lang)
    body = render_markdown(text, ctx)
    return {"text/html": f'<aside class="labkit-note" lang="{ctx.lang}">'
                         f'<div class="labkit-note-label">{label}</div>{body}</aside>',
            "text/plain": f"{label}\n{textwrap.dedent(text).strip()}"}


def chapter_map_html(ctx: Context, directory: Path | None = None) -> str:
    """The outline's chapter map; built sections are links, the others are marked upcoming."""
    built = {s.id for s in built_sections(directory)}
    parts = [f'<nav class="labkit-map" lang="{ctx.lang}">']
    for chapter, title in CHAPTERS.items():
        parts.append(f'<section class="labkit-map-chapter" data-chapter="{chapter}">'
                     f"<h3>{html.escape(title.get(ctx.lang))}</h3><ol>")
        for s in (s for s in SECTIONS if s.chapter == chapter):
            label = html.escape(s.label(ctx.lang))
            if s.id in built:
                parts.append(f'<li class="labkit-map-item labkit-built" data-section="{s.id}">'
                             f'<a href="{html.escape(ctx.href(s))}" target="_self">{label}</a>'
                             "</li>")
            else:
                parts.append(f'<li class="labkit-map-item labkit-upcoming" '
                             f'data-section="{s.id}"><span>{label}</span> '
                             f'<span class="labkit-badge">{UPCOMING.get(ctx.lang)}</span></li>')
        parts.append("</ol></section>")
    parts.append("</nav>")
    return "".join(parts)


def chapter_map(ctx: Context, directory: Path | None = None) -> Bundle:
    """The chapter map (the landing page's main content), as HTML and as plain text."""
    lines = []
    built = {s.id for s in built_sections(directory)}
    for chapter, title in CHAPTERS.items():
        lines.append(title.get(ctx.lang))
        for s in (s for s in SECTIONS if s.chapter == chapter):
            mark = s.notebook if s.id in built else UPCOMING.get(ctx.lang)
            lines.append(f"  {s.label(ctx.lang)} [{mark}]")
    return {"text/html": chapter_map_html(ctx, directory), "text/plain": "\n".join(lines)}


def header(ctx: Context) -> Bundle:
    """The Voilà page header: home link, lecturer badge, language switch, URL warnings."""
    other = "en" if ctx.lang == "ja" else "ja"
    other_label = "English" if other == "en" else "日本語"
    home = html.escape(ctx.href(INDEX))
    switch = html.escape(ctx.href(ctx.section, lang=other))
    title = html.escape(ctx.section.label(ctx.lang))
    course_title = html.escape(COURSE_TITLE.get(ctx.lang))
    page_title = course_title if ctx.section is INDEX else f"{title} — {course_title}"
    badge = ""
    if ctx.lecturer:
        badge = f'<span class="labkit-badge labkit-lecturer-mode">{ctx.t("講師用", "Lecturer")}</span>'
    warn = "".join(f'<div class="labkit-warning">{html.escape(w.get(ctx.lang))}</div>'
                   for w in ctx.warnings)
    return {"text/html": (
        f'<header class="labkit-nav labkit-header" lang="{ctx.lang}">'
        f'<a class="labkit-home" href="{home}" target="_self">{course_title}</a>{badge}'
        f'<span class="labkit-spacer"></span>'
        f'<a class="labkit-lang-switch" href="{switch}" target="_self" hreflang="{other}" '
        f'lang="{other}">{other_label}</a></header>{warn}'
        f"<script>document.title = {json.dumps(page_title)};"
        f"document.documentElement.lang = {json.dumps(ctx.lang)};</script>"
    ), "text/plain": ""}


def _neighbours(ctx: Context) -> tuple[Section | None, Section | None]:
    order = [INDEX, *built_sections()]
    if ctx.section not in order:
        return None, None
    i = order.index(ctx.section)
    return (order[i - 1] if i > 0 else None), (order[i + 1] if i + 1 < len(order) else None)


def footer(ctx: Context) -> Bundle:
    """Links to the previous section, the index and the next section (built ones only)."""
    prev, nxt = _neighbours(ctx)
    links = []
    if prev is not None:
        links.append(f'<a class="labkit-prev" href="{html.escape(ctx.href(prev))}" '
                     f'target="_self">← {html.escape(prev.label(ctx.lang))}</a>')
    if ctx.section is not INDEX:
        links.append(f'<a class="labkit-index" href="{html.escape(ctx.href(INDEX))}" '
                     f'target="_self">{ctx.t("目次", "Contents")}</a>')
    if nxt is not None:
        links.append(f'<a class="labkit-next" href="{html.escape(ctx.href(nxt))}" '
                     f'target="_self">{html.escape(nxt.label(ctx.lang))} →</a>')
    return {"text/html": f'<footer class="labkit-nav labkit-footer" lang="{ctx.lang}">'
                         + "".join(links) + "</footer>", "text/plain": ""}
