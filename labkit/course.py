"""Notebook conventions of the course: parameters, bilingual prose, lecturer notes, navigation.

Every section notebook has the same frame (``python -m labkit.course new 1-1`` writes it)::

    # [parameters]  (papermill tag; Voilà: ?lang=en&audience=lecturer&now=...&seed=...)
    lang: str = "ja"
    audience: str = "student"
    now: str = "2026-04-01T10:00:00+09:00"
    seed: int = 0

    # [setup]
    from labkit import course
    ctx = course.setup("2-1", lang=lang, audience=audience, now=now, seed=seed)

    # [prose]            one cell per paragraph group, Japanese first, English always present
    course.say(ja=\"\"\"...\"\"\", en=\"\"\"...\"\"\")

    # [lecturer-note]    【講師】補足説明: output only when audience == "lecturer"
    course.note(ja=\"\"\"...\"\"\", en=\"\"\"...\"\"\")

    # [lab]              one or two calls into labkit, ending in a widget
    PasswordChecker(lang=ctx.lang)

    # [footer]
    course.footer()

Why prose is rendered by the kernel rather than kept in markdown cells: one Voilà server must
serve Japanese and English per request (``?lang=en``), and papermill's ``lang`` must switch
the language too. Markdown cells are rendered by the server before the kernel runs and can
only be removed server-wide (TagRemovePreprocessor), so both languages live in one code cell
and the kernel, which knows the request's parameters, displays one of them. Lecturer notes
work the same way: for students the note cell produces no output at all, so the note's text
never reaches a student's browser (Voilà strips cell sources).

Parameter precedence: Voilà query string > parameters cell (papermill injects there) >
defaults. ``LABKIT_AUDIENCE=lecturer`` in the environment (set by ``make lab``) turns the
*default* audience into ``lecturer`` so that lecturers see the notes in JupyterLab.
"""

from __future__ import annotations

import html
import json
import os
import random
import re
import sys
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from .clock import SimulatedClock, parse_time
from .errors import InputError
from .i18n import LANGS, Text

# --------------------------------------------------------------------------- course map

AUDIENCES = ("student", "lecturer")
DEFAULTS: dict[str, Any] = {
    "lang": "ja",
    "audience": "student",
    "now": "2026-04-01T10:00:00+09:00",
    "seed": 0,
}
COURSE_TITLE = Text("スマホ用電子証明書 講座", "Smartphone e-certificate course")


@dataclass(frozen=True, slots=True)
class Section:
    """One lecture section and the notebook that teaches it."""

    id: str  # "0", "1-1", ... "2-8"; "index" for the landing page
    slug: str
    title: Text
    chapter: int

    @property
    def notebook(self) -> str:
        prefix = "00" if self.id in ("0", "index") else self.id
        return f"{prefix}_{self.slug}.ipynb"

    def label(self, lang: str) -> str:
        """``2-1 事前準備``; the introduction has no number."""
        title = self.title.get(lang)
        return title if self.id in ("0", "index") else f"{self.id} {title}"


INDEX = Section("index", "index", COURSE_TITLE, 0)

#: The chapter map of the outline, in teaching order. Add nothing here without the outline.
SECTIONS: tuple[Section, ...] = (
    Section("0", "introduction", Text("はじめに", "Introduction"), 0),
    Section("1-1", "definition", Text("定義", "What it is"), 1),
    Section("1-2", "services", Text("できること", "What you can do with it"), 1),
    Section("1-3", "benefits", Text("メリット", "Three benefits"), 1),
    Section("1-4", "portal_safety",
            Text("マイナポータル(アプリ)の安全対策", "How Mynaportal (app) keeps you safe"), 1),
    Section("1-5", "gpse_safety",
            Text("スマホ用電子証明書の安全性", "How the certificate is kept safe in the phone"), 1),
    Section("1-6", "contacts", Text("問い合わせ先", "Where to ask"), 1),
    Section("2-1", "preparation", Text("事前準備", "Preparation"), 2),
    Section("2-2", "install", Text("アプリのインストール", "Installing the app"), 2),
    Section("2-3", "apply", Text("申請", "Applying"), 2),
    Section("2-4", "register", Text("登録", "Registering"), 2),
    Section("2-5", "device_change", Text("機種変更", "Changing to a new phone"), 2),
    Section("2-6", "loss", Text("紛失時", "If you lose your card or phone"), 2),
    Section("2-7", "stop_using", Text("利用をやめる", "Stopping use (revocation)"), 2),
    Section("2-8", "faq", Text("よくある質問", "Frequently asked questions"), 2),
)

CHAPTERS: dict[int, Text] = {
    0: Text("はじめに", "Introduction"),
    1: Text("第1章 スマホ用電子証明書とは", "Chapter 1 What the smartphone e-certificate is"),
    2: Text("第2章 スマホ用電子証明書の利用方法",
            "Chapter 2 How to use the smartphone e-certificate"),
}


def section(section_id: str) -> Section:
    """The section with this id (``"2-1"``), or the landing page (``"index"``)."""
    if section_id == INDEX.id:
        return INDEX
    for s in SECTIONS:
        if s.id == section_id:
            return s
    raise InputError(f"そのような節はありません: {section_id!r}",
                     f"no such section: {section_id!r}")


def notebook_dir() -> Path:
    """Where the course notebooks are: ``$LABKIT_NOTEBOOK_DIR``, else the kernel's working
    directory when it holds the landing notebook (Voilà, papermill and nbval all run there),
    else ``notebooks/`` next to the package (editable install)."""
    env = os.environ.get("LABKIT_NOTEBOOK_DIR")
    if env:
        return Path(env)
    cwd = Path.cwd()
    if (cwd / INDEX.notebook).exists():
        return cwd
    return Path(__file__).resolve().parent.parent / "notebooks"


def built_sections(directory: Path | None = None) -> list[Section]:
    """The sections whose notebook exists, in teaching order."""
    directory = directory or notebook_dir()
    return [s for s in SECTIONS if (directory / s.notebook).exists()]


# --------------------------------------------------------------------------- parameters

@dataclass(frozen=True, slots=True)
class Params:
    lang: str
    audience: str
    now: str
    seed: int
    warnings: tuple[Text, ...] = ()


def _check_params(lang: object, audience: object, now: object, seed: object) -> None:
    if lang not in LANGS:
        raise InputError(f"lang は ja または en です (受け取った値: {lang!r})",
                         f"lang must be 'ja' or 'en' (got {lang!r})")
    if audience not in AUDIENCES:
        raise InputError(f"audience は student または lecturer です (受け取った値: {audience!r})",
                         f"audience must be 'student' or 'lecturer' (got {audience!r})")
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise InputError(f"seed は整数です (受け取った値: {seed!r})",
                         f"seed must be an integer (got {seed!r})")
    parse_time(now)  # type: ignore[arg-type]  # raises a bilingual ValueError


def resolve_params(*, lang: str, audience: str, now: str, seed: int,
                   query_string: str = "", env: Mapping[str, str] | None = None) -> Params:
    """Combine the parameters cell with a Voilà query string; pure, for tests.

    Bad values in the parameters cell (papermill) raise :class:`InputError`. Bad values in a
    query string (a learner's typo) are ignored with a warning, so the app still opens.
    """
    env = os.environ if env is None else env
    _check_params(lang, audience, now, seed)
    if audience == DEFAULTS["audience"] and env.get("LABKIT_AUDIENCE") in AUDIENCES:
        audience = env["LABKIT_AUDIENCE"]
    warnings: list[Text] = []
    query = {k: v[-1] for k, v in parse_qs(query_string).items()}
    if "lang" in query:
        if query["lang"] in LANGS:
            lang = query["lang"]
        else:
            warnings.append(Text(f"URL の lang={query['lang']!r} は使えません (ja / en)。",
                                 f"Ignored lang={query['lang']!r} in the URL (use ja / en)."))
    if "audience" in query:
        if query["audience"] in AUDIENCES:
            audience = query["audience"]
        else:
            warnings.append(Text(
                f"URL の audience={query['audience']!r} は使えません (student / lecturer)。",
                f"Ignored audience={query['audience']!r} in the URL (use student / lecturer)."))
    if "now" in query:
        # parse_qs turns an unencoded "+09:00" into " 09:00"; accept both spellings.
        candidate = query["now"].replace(" ", "+")
        try:
            parse_time(candidate)
            now = candidate
        except ValueError:
            warnings.append(Text(f"URL の now={query['now']!r} は日時として読めません。",
                                 f"Ignored now={query['now']!r} in the URL (not a date-time)."))
    if "seed" in query:
        try:
            seed = int(query["seed"])
        except ValueError:
            warnings.append(Text(f"URL の seed={query['seed']!r} は整数ではありません。",
                                 f"Ignored seed={query['seed']!r} in the URL (not an integer)."))
    return Params(lang, audience, now, seed, tuple(warnings))


def in_voila(env: Mapping[str, str] | None = None) -> bool:
    """True in a kernel that Voilà started for a page request."""
    env = os.environ if env is None else env
    return env.get("SERVER_SOFTWARE", "").startswith("voila")


def _wait_for_voila_request(section_id: str) -> None:
    """With ``--preheat_kernel`` the kernel runs before the request arrives: prepare what
    does not depend on it (:mod:`labkit.preheat`), then wait for it so that QUERY_STRING is
    the student's, not empty. Outside preheating this is a no-op."""
    if os.environ.get("VOILA_PREHEAT", "False") != "False":
        from voila.utils import wait_for_request

        from .preheat import prepare

        prepare(section_id)
        wait_for_request()


# --------------------------------------------------------------------------- context

@dataclass(slots=True)
class Context:
    """What a notebook knows about its run: language, audience, simulated time, randomness."""

    section: Section
    lang: str
    audience: str
    now: datetime
    seed: int
    clock: SimulatedClock
    rng: random.Random
    voila: bool = False
    warnings: tuple[Text, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def lecturer(self) -> bool:
        return self.audience == "lecturer"

    def t(self, ja: str, en: str) -> str:
        """Pick the text for this run's language."""
        return ja if self.lang == "ja" else en

    def query(self, **overrides: Any) -> str:
        """The query string that carries this run's parameters to another app (``?lang=ja``);
        defaults other than ``lang`` are left out."""
        params = {**self.params, **overrides}
        keep = {k: v for k, v in params.items() if k == "lang" or v != DEFAULTS.get(k)}
        order = [k for k in DEFAULTS if k in keep]
        return "?" + urlencode([(k, keep[k]) for k in order])

    def href(self, target: Section | str, **overrides: Any) -> str:
        nb = target.notebook if isinstance(target, Section) else target
        return nb + self.query(**overrides)


_current: Context | None = None


def setup(section_id: str, *, lang: str = DEFAULTS["lang"],
          audience: str = DEFAULTS["audience"], now: str = DEFAULTS["now"],
          seed: int = DEFAULTS["seed"]) -> Context:
    """Resolve the parameters, seed randomness and start the simulated clock; in Voilà also
    display the navigation bar. Call once, right after the ``parameters`` cell."""
    global _current
    sec = section(section_id)
    _wait_for_voila_request(sec.id)  # a no-op unless Voilà preheats kernels
    voila = in_voila()
    p = resolve_params(lang=lang, audience=audience, now=now, seed=seed,
                       query_string=os.environ.get("QUERY_STRING", "") if voila else "")
    random.seed(p.seed)
    ctx = Context(
        section=sec, lang=p.lang, audience=p.audience, now=parse_time(p.now), seed=p.seed,
        clock=SimulatedClock(p.now), rng=random.Random(p.seed), voila=voila,
        warnings=p.warnings,
        params={"lang": p.lang, "audience": p.audience, "now": p.now, "seed": p.seed},
    )
    _current = ctx
    if voila:
        _display({"text/html": _header_html(ctx), "text/plain": ""}, kind="header",
                 lang=ctx.lang)
    return ctx


def current() -> Context:
    """The context of this kernel's notebook; a default one (ja, student) before ``setup``."""
    global _current
    if _current is None:
        p = DEFAULTS
        _current = Context(section=INDEX, lang=p["lang"], audience=p["audience"],
                           now=parse_time(p["now"]), seed=p["seed"],
                           clock=SimulatedClock(p["now"]), rng=random.Random(p["seed"]),
                           params=dict(p))
    return _current


def t(ja: str, en: str) -> str:
    """Pick the text for the current language (for labels built in a notebook)."""
    return current().t(ja, en)


# --------------------------------------------------------------------------- prose

def _md() -> Any:
    import mistune

    return mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])


_RELATIVE_NB_LINK = re.compile(r'href="([A-Za-z0-9_.\-]+\.ipynb)"')
_CJK = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff01-\uff60"
#: A line break between two Japanese characters: browsers would show it as a space.
_CJK_BREAK = re.compile(f"(?<=[{_CJK}])\n[ \t]*(?=[{_CJK}])")


def render_markdown(text: str, ctx: Context | None = None) -> str:
    """Markdown → HTML. Links to sibling notebooks carry the run's parameters."""
    ctx = ctx or current()
    out = _md()(_CJK_BREAK.sub("", textwrap.dedent(text).strip()))
    return _RELATIVE_NB_LINK.sub(lambda m: f'href="{ctx.href(m.group(1))}" target="_self"', out)


def _display(bundle: dict[str, str], *, kind: str, lang: str) -> None:
    from IPython.display import display

    display(bundle, raw=True, metadata={"labkit": {"kind": kind, "lang": lang}})


def say(ja: str, en: str) -> None:
    """Display one prose block in the run's language. Both versions are required."""
    ctx = current()
    if not ja.strip() or not en.strip():
        raise InputError("本文は日本語と英語の両方が必要です。",
                         "prose needs both a Japanese and an English version")
    text = ja if ctx.lang == "ja" else en
    body = render_markdown(text, ctx)
    _display({"text/html": f'<div class="labkit-prose" lang="{ctx.lang}">{body}</div>',
              "text/plain": textwrap.dedent(text).strip()}, kind="prose", lang=ctx.lang)


NOTE_LABEL = Text("【講師】補足説明", "【Lecturer】 Supplementary note")


def note(ja: str, en: str) -> None:
    """A lecturer-only note (補足説明): displayed only when the audience is ``lecturer``.

    For students the cell has no output at all, so nothing of the note reaches the page."""
    ctx = current()
    if not ja.strip() or not en.strip():
        raise InputError("補足説明は日本語と英語の両方が必要です。",
                         "a lecturer note needs both a Japanese and an English version")
    if not ctx.lecturer:
        return
    text = ja if ctx.lang == "ja" else en
    label = NOTE_LABEL.get(ctx.lang)
    body = render_markdown(text, ctx)
    _display({"text/html": f'<aside class="labkit-note" lang="{ctx.lang}">'
                           f'<div class="labkit-note-label">{label}</div>{body}</aside>',
              "text/plain": f"{label}\n{textwrap.dedent(text).strip()}"},
             kind="note", lang=ctx.lang)


# --------------------------------------------------------------------------- navigation

UPCOMING = Text("準備中", "coming soon")


def chapter_map_html(ctx: Context | None = None, directory: Path | None = None) -> str:
    """The outline's chapter map; built sections are links, the others are marked upcoming."""
    ctx = ctx or current()
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


def chapter_map() -> None:
    """Display the chapter map (the landing page's main content)."""
    ctx = current()
    lines = []
    built = {s.id for s in built_sections()}
    for chapter, title in CHAPTERS.items():
        lines.append(title.get(ctx.lang))
        for s in (s for s in SECTIONS if s.chapter == chapter):
            mark = s.notebook if s.id in built else UPCOMING.get(ctx.lang)
            lines.append(f"  {s.label(ctx.lang)} [{mark}]")
    _display({"text/html": chapter_map_html(ctx), "text/plain": "\n".join(lines)},
             kind="map", lang=ctx.lang)


def _neighbours(ctx: Context) -> tuple[Section | None, Section | None]:
    order = [INDEX, *built_sections()]
    if ctx.section not in order:
        return None, None
    i = order.index(ctx.section)
    return (order[i - 1] if i > 0 else None), (order[i + 1] if i + 1 < len(order) else None)


def _header_html(ctx: Context) -> str:
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
    return (
        f'<header class="labkit-nav labkit-header" lang="{ctx.lang}">'
        f'<a class="labkit-home" href="{home}" target="_self">{course_title}</a>{badge}'
        f'<span class="labkit-spacer"></span>'
        f'<a class="labkit-lang-switch" href="{switch}" target="_self" hreflang="{other}" '
        f'lang="{other}">{other_label}</a></header>{warn}'
        f"<script>document.title = {json.dumps(page_title)};"
        f"document.documentElement.lang = {json.dumps(ctx.lang)};</script>"
    )


def footer() -> None:
    """In Voilà: links to the previous section, the index and the next section (built ones
    only). Elsewhere (JupyterLab, papermill, nbval) nothing, so outputs stay stable."""
    ctx = current()
    if not ctx.voila:
        return
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
    _display({"text/html": f'<footer class="labkit-nav labkit-footer" lang="{ctx.lang}">'
                           + "".join(links) + "</footer>",
              "text/plain": ""}, kind="footer", lang=ctx.lang)




# --------------------------------------------------------------------------- authoring

PARAMETERS_SOURCE = (
    "# Parameters: papermill -p lang en; Voilà ?lang=en&audience=lecturer\n"
    + "\n".join(f"{k}: {type(v).__name__} = {json.dumps(v)}" for k, v in DEFAULTS.items())
)


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
           "seed=seed)")
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
    nb.metadata.update({
        "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)",
                       "language": "python"},
        "language_info": {"name": "python"},
        "labkit": {"section": section_id},
    })
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
                  "LABKIT_NOTEBOOK_DIR")


def clean_env() -> dict[str, str]:
    """The environment for deterministic runs: no Voilà request, no lecturer default."""
    return {k: v for k, v in os.environ.items() if k not in CLEAN_ENV_DROP}


def normalise(nb: Any) -> Any:
    """Make a stored notebook stable: kernel ``python3``, no timing or widget state,
    widget model ids numbered instead of random (nbval ignores them anyway)."""
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3 (ipykernel)",
                                 "language": "python"}
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
    directory = Path(__file__).resolve().parent.parent / "notebooks"
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


if __name__ == "__main__":
    sys.exit(main())
