"""The kernel runtime: what the notebooks call (``setup``, ``say``, ``note``, ``footer``,
``chapter_map``) and which context is current.

One kernel runs one notebook, so the context that ``setup`` starts is the kernel's current
context: widgets and labs read their default language, clock and seed from
:func:`current`. Code that needs another context for a while (tests, a second run in the
same process) uses ``with course.use(ctx): ...``, which restores the previous one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

from . import render
from .context import Context
from .outline import section
from .params import in_voila, resolve_params, wait_for_voila_request

_active: Context | None = None


def current() -> Context:
    """The context of this kernel's notebook; a default one (ja, student) before ``setup``."""
    global _active
    if _active is None:
        _active = Context.create()
    return _active


@contextmanager
def use(ctx: Context | None = None) -> Iterator[Context]:
    """Make ``ctx`` (default: a fresh default context) current for the ``with`` block;
    ``setup`` inside the block replaces it until the block ends."""
    global _active
    saved, _active = _active, ctx or Context.create()
    try:
        yield _active
    finally:
        _active = saved


def show(bundle: render.Bundle, *, kind: str, lang: str) -> None:
    """Display one course output, tagged with its kind and language in the metadata."""
    from IPython.display import display

    display(bundle, raw=True, metadata={"labkit": {"kind": kind, "lang": lang}})


def setup(section_id: str, **cell: str | int) -> Context:
    """Resolve the parameters cell's values (``lang``, ``audience``, ``now``, ``seed``; see
    :data:`~labkit.course.params.PARAMS`) with the Voilà query, start the simulated clock and
    make the context current; in Voilà also display the header. Call once, right after the
    ``parameters`` cell."""
    global _active
    sec = section(section_id)
    wait_for_voila_request(sec.id)  # a no-op unless Voilà preheats kernels
    voila = in_voila()
    p = resolve_params(cell, query_string=os.environ.get("QUERY_STRING", "") if voila else "")
    _active = ctx = Context.create(sec, p, voila=voila)
    if voila:
        show(render.header(ctx), kind="header", lang=ctx.lang)
    return ctx


def say(ja: str, en: str) -> None:
    """Display one prose block in the run's language. Both versions are required."""
    ctx = current()
    show(render.prose(ctx, ja, en), kind="prose", lang=ctx.lang)


def note(ja: str, en: str) -> None:
    """A lecturer-only note (補足説明): displayed only when the audience is ``lecturer``.

    For students the cell has no output at all, so nothing of the note reaches the page."""
    ctx = current()
    bundle = render.note(ctx, ja, en)
    if bundle is not None:
        show(bundle, kind="note", lang=ctx.lang)


def chapter_map() -> None:
    """Display the chapter map (the landing page's main content)."""
    ctx = current()
    show(render.chapter_map(ctx), kind="map", lang=ctx.lang)


def footer() -> None:
    """In Voilà: links to the previous section, the index and the next section (built ones
    only). Elsewhere (JupyterLab, papermill, nbval) nothing, so outputs stay stable."""
    ctx = current()
    if ctx.voila:
        show(render.footer(ctx), kind="footer", lang=ctx.lang)
