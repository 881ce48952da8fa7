"""What a preheated kernel does before its student arrives.

With ``--preheat_kernel`` Voilà starts each section's kernels ahead and runs the notebook
until :func:`labkit.course.setup` waits for the page request (the query string carries the
student's language and parameters, so nothing that depends on them can run earlier). The
wait is idle time: :func:`prepare` spends it on everything that does not depend on the
request, so that after the request only the section's own work is left:

- imports: ipywidgets, the course widgets, the lessons and figures, the chapter's labs and
  their whole labkit stack (about 1 s of a 2-core machine's time per kernel);
- RSA keys: the keys a lab world and its first application need (:mod:`labkit.keypool`),
  claimed from the server's pool or generated now;
- the Markdown renderer of the prose;
- the chapter's own ahead-of-time work (``prepare_section`` of its labs module) for the
  notebook's default time and seed: 2-5's outcome table and the worlds of the 2-5 and 2-6
  labs, which the page then shows in the student's language.

Outside a preheated kernel (papermill, nbval, JupyterLab, a plain Voilà kernel) nothing
calls this: the same work simply happens on first use.
"""

from __future__ import annotations

import os
import sys

from . import keypool

#: Keys per section: 2 lab CA roots, 2 OCSP responders, the card's 2 keys, 2 phone SE keys
#: (one application), with a little room for a second card or phone.
DEFAULT_KEYS = 10
ENV_KEYS = "LABKIT_PREHEAT_KEYS"


def chapter_module(section_id: str) -> str | None:
    """The labs module a section uses: ``"2-3"`` → ``labkit.labs.ch2``; None for the index
    and the introduction, which have no lab world."""
    chapter = section_id.split("-", 1)[0]
    return f"labkit.labs.ch{chapter}" if "-" in section_id and chapter.isdigit() else None


def keys_for(section_id: str) -> int:
    if chapter_module(section_id) is None:
        return 0
    try:
        return max(0, int(os.environ.get(ENV_KEYS, DEFAULT_KEYS)))
    except ValueError:
        return DEFAULT_KEYS


def prepare(section_id: str) -> dict[str, int]:
    """Import what the section's page needs and stock its RSA keys; returns what was done
    (for logs and tests). The imports are written out, so the layer contract sees them (this
    module sits above the labs; the course runtime calls it while it waits)."""
    import ipywidgets  # noqa: F401  (the widgets' first import is the biggest)

    from . import figures, lessons, widgets  # noqa: F401  (every section page shows them)
    from .course import render

    render._md()  # mistune and its plugins
    labs: object = None
    name = chapter_module(section_id)
    if name == "labkit.labs.ch1":
        from .labs import ch1 as labs
    elif name == "labkit.labs.ch2":
        from .labs import ch2 as labs
    done = {"lab_modules": int(labs is not None), "keys": keypool.prefetch(keys_for(section_id))}
    work_out = getattr(labs, "prepare_section", None)  # a chapter's own ahead-of-time work
    if work_out is not None:
        from .clock import parse_time
        from .course.params import DEFAULTS

        try:
            done["worked_out"] = int(work_out(section_id, parse_time(DEFAULTS["now"]), int(DEFAULTS["seed"])))
        except Exception as exc:  # the page then does this work itself: never fail it for this
            print(f"labkit.preheat: {section_id}: the work ahead failed, the page will do it: {exc!r}",
                  file=sys.stderr)
            done["worked_out"] = 0
        done["keys"] = keypool.prefetch(keys_for(section_id))  # the student's own actions: stock again
    return done
