"""Each section of the course as a lesson, as data: この節のゴール, まとめ, 注意 boxes, the
lab's checklist and a check of 1-3 questions with explained answers; and the glossary.

Public API (also used to build the printed handouts)::

    from labkit.lessons import lesson, GLOSSARY
    lesson("2-3").goals      # tuple[Text, ...]
    lesson("2-3").checks     # tuple[QuizItem, ...]: prompt, choices, answer, explanation

Notebook blocks (one call per cell): ``lessons.goals(ctx)``, ``lessons.cautions(ctx)``,
``lessons.tasks(ctx)``, ``lessons.wrap_up(ctx)``, ``lessons.check(ctx)``,
``lessons.more(ja=..., en=...)`` and ``lessons.glossary_page(ctx)``.
"""

from __future__ import annotations

from ..errors import InputError
from . import ch1, ch2
from .glossary import GLOSSARY
from .model import Lesson, QuizItem, Term

__all__ = [
    "GLOSSARY",
    "LESSONS",
    "Lesson",
    "QuizItem",
    "Term",
    "cautions",
    "check",
    "glossary_page",
    "goals",
    "lesson",
    "more",
    "tasks",
    "wrap_up",
]

#: Every page's lesson by section id: the introduction ("0") and 1-1 ... 2-8.
LESSONS: dict[str, Lesson] = {les.section: les for les in (*ch1.LESSONS, *ch2.LESSONS)}


def lesson(section_id: str) -> Lesson:
    """The lesson of a section (``"0"`` is the introduction, which has no check)."""
    try:
        return LESSONS[section_id]
    except KeyError:
        raise InputError(f"その節のレッスンはありません: {section_id!r} (0, 1-1〜1-6, 2-1〜2-8)",
                         f"no lesson for section {section_id!r} (0, 1-1 to 1-6, 2-1 to 2-8)") from None


from .render import cautions, check, glossary_page, goals, more, tasks, wrap_up  # noqa: E402
