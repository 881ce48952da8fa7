"""The kernel runtime: what the notebooks call (``setup``, ``say``, ``note``, ``footer``,
``chapter_map``) and which context is current.

One kernel runs one notebook, so the context that ``setup`` starts is the kernel's current
context: widgets and labs read their default language, clock and seed from
:func:`current`. Code that needs another context for a while (tests, a second run in the
same process) uses ``with course.use(ctx): ...``, which restores the previous one.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from ..errors import ServiceError
from ..i18n import Text
from . import classroom, render
from .context import Context
from .outline import CONSOLE_PAGE, section
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
    p = resolve_params(cell, query_string=os.environ.get("QUERY_STRING", "") if voila else "", voila=voila)
    verified = classroom.verify_lecturer(p, voila=voila, ask_server=sec is CONSOLE_PAGE)
    if p.audience == "lecturer" and not verified:
        p = replace(p, warnings=(*p.warnings, NO_TOKEN))
    _active = ctx = Context.create(sec, p, voila=voila, lecturer_verified=verified)
    invalid = _find_student(ctx)
    if voila:
        keep_errors_in_the_server_log()
        forget_history()
        show(render.header(ctx), kind="header", lang=ctx.lang)
        if ctx.in_class:
            from . import classbar

            classbar.show(ctx, invalid=invalid)
    return ctx


NO_TOKEN = Text("講師用の表示には講師トークンが必要です (?lecturer=…)。生徒用の表示にしています。",
                "The lecturer view needs the lecturer token (?lecturer=…); showing the student view.")


def _find_student(ctx: Context) -> bool:
    """Class mode in Voilà: the student whose token the browser sent (cookie); reports the
    page as opened. True if the browser's token was refused (it should forget it)."""
    cookie = os.environ.pop("HTTP_COOKIE", "")  # used once, not inherited by subprocesses
    if not (ctx.in_class and ctx.voila) or ctx.lecturer_token:
        return False
    token = classroom.cookie_token(ctx.class_code, cookie)
    if token is None:
        return False
    try:
        ctx.student = classroom.student_from_token(classroom.server_url(), token)
    except ServiceError as exc:
        ctx.warnings = (*ctx.warnings, exc.text)
        return False
    if ctx.student is None:
        return True
    classroom.report_progress("open")
    return False


_SERVER_LOG = logging.getLogger("labkit.kernel")


def keep_errors_in_the_server_log() -> None:
    """In Voilà, what goes wrong while the kernel handles a widget message (a malformed
    ``comm_open``, a bad update, a failing click handler) goes to the server's log, never to
    the page (review F13: a traceback gives away paths and versions). The kernel's stderr
    stream is an iopub message to the browser, so library log records (the comm manager logs
    such errors with their traceback) and warnings go to the kernel process's own stderr, the
    server's log; a traceback for a comm message is logged there instead of being sent as an
    ``error`` message. Cell errors while Voilà runs the notebook are Voilà's to show or hide
    (``show_tracebacks``). Idempotent."""
    root = logging.getLogger()
    if any(getattr(h, "labkit_server_log", False) for h in root.handlers):
        return
    try:
        fd = sys.stderr.fileno()  # ipykernel: the process's stderr from before it was captured
    except (AttributeError, OSError, ValueError):
        if sys.__stderr__ is None:
            return
        fd = sys.__stderr__.fileno()
    handler = logging.StreamHandler(open(os.dup(fd), "w", encoding="utf-8", errors="replace", buffering=1))
    handler.setFormatter(logging.Formatter("[labkit kernel %(process)d] %(levelname)s %(name)s: %(message)s"))
    handler.labkit_server_log = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    logging.captureWarnings(True)
    _log_comm_tracebacks()


def forget_history() -> None:
    """A Voilà page's kernel keeps no IPython input history: nobody reads it, and IPython
    writes it to its SQLite file (with a sync to disk) after every cell, which forty kernels
    of a class pay for on every page load and click (about a tenth of their CPU)."""
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.history_manager.enabled = False


def _log_comm_tracebacks() -> None:
    """A traceback the shell would show for a comm message (ipywidgets shows one for an
    exception in a widget's message handler or callback) goes to the log instead."""
    from IPython import get_ipython

    shell = get_ipython()
    kernel = getattr(shell, "kernel", None)  # None outside a kernel (and without a shell)
    if kernel is None:
        return
    show_traceback = shell.showtraceback

    def showtraceback(exc_tuple: Any = None, *args: Any, **kwargs: Any) -> None:
        parent = kernel.get_parent() or {}
        kind = str(parent.get("header", {}).get("msg_type", ""))
        if kind.startswith("comm_"):
            _SERVER_LOG.error("%s failed", kind, exc_info=exc_tuple or True)
            return
        show_traceback(exc_tuple, *args, **kwargs)

    shell.showtraceback = showtraceback


def say(ja: str, en: str) -> None:
    """Display one prose block in the run's language. Both versions are required."""
    ctx = current()
    show(render.prose(ctx, ja, en), kind="prose", lang=ctx.lang)


def note(ja: str, en: str) -> None:
    """A lecturer-only note (補足説明): displayed only for the audience ``lecturer`` with a
    verified lecturer token (:attr:`Context.lecturer`).

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
