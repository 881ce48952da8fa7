"""Notebook conventions of the course: parameters, bilingual prose, lecturer notes, navigation.

Every section notebook has the same frame (``python -m labkit.course new 1-1`` writes it)::

    # [parameters]  (papermill tag; Voilà: ?lang=en&audience=lecturer&now=...&seed=...&depth=...)
    lang: str = "ja"
    audience: str = "student"
    now: str = "2026-04-01T10:00:00+09:00"
    seed: int = 0
    depth: str = "basic"

    # [setup]
    from labkit import course
    ctx = course.setup("2-1", lang=lang, audience=audience, now=now, seed=seed, depth=depth)

    # [prose]            one cell per paragraph group, Japanese first, English always present
    course.say(ja=\"\"\"...\"\"\", en=\"\"\"...\"\"\")

    # [lecturer-note]    【講師】補足説明: output only for audience "lecturer" with the lecturer token
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
never reaches a student's browser (Voilà strips cell sources). ``audience=lecturer`` in a URL
is not enough: the lecturer token must be verified too (:mod:`.classroom`, review F12).

The package, by job: :mod:`.outline` (course map), :mod:`.params` (parameters and their
precedence), :mod:`.context` (one run), :mod:`.classroom` and :mod:`.classbar` (class mode),
:mod:`.render` (HTML), :mod:`.runtime` (what the notebooks call; the current context) and
:mod:`.authoring` (skeletons, execution, CLI; not
imported here, so kernels load neither nbformat nor nbclient).
"""

from .classroom import report_check, report_progress
from .context import Context
from .outline import (
    CHAPTERS,
    CONSOLE_PAGE,
    COURSE_TITLE,
    GLOSSARY_PAGE,
    INDEX,
    SECTIONS,
    Section,
    built_sections,
    section,
)
from .params import AUDIENCES, DEFAULTS, PARAMS, Param, Params, in_voila, resolve_params
from .render import NOTE_LABEL, chapter_map_html, render_markdown
from .runtime import chapter_map, current, footer, note, say, setup, use

__all__ = [
    "AUDIENCES", "CHAPTERS", "CONSOLE_PAGE", "COURSE_TITLE", "DEFAULTS", "GLOSSARY_PAGE", "INDEX", "NOTE_LABEL",
    "PARAMS", "SECTIONS", "Context", "Param", "Params", "Section", "built_sections", "chapter_map",
    "chapter_map_html", "current", "footer", "in_voila", "note", "render_markdown",
    "report_check", "report_progress", "resolve_params", "say", "section", "setup", "use",
]
