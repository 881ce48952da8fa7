"""What a lesson is made of, as frozen data: goals, まとめ, 注意 boxes, the lab's task list,
the check questions, and the glossary's terms. The content lives in :mod:`.ch1`, :mod:`.ch2`
and :mod:`.glossary`; the views in :mod:`.render`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NotRequired, TypedDict

from ..i18n import Text
from ..widgets.quiz_data import QUESTIONS, Question

__all__ = ["Lesson", "LessonRow", "QuizItem", "Term", "checks", "lessons", "texts"]

#: A check question with its choices and explained answer (the quiz widget's item).
QuizItem = Question


@dataclass(frozen=True, slots=True)
class Lesson:
    """One section as a lesson. ``tasks`` is the lab's step checklist the learner ticks
    (empty where the lab ticks its own steps, 2-2 and 2-3)."""

    section: str
    goals: tuple[Text, ...]
    summary: tuple[Text, ...]
    cautions: tuple[Text, ...] = ()
    checks: tuple[QuizItem, ...] = ()
    tasks: tuple[Text, ...] = ()


@dataclass(frozen=True, slots=True)
class Term:
    """A glossary entry. ``key`` is its anchor on the glossary page; ``aliases`` are the
    spellings (per language) whose first use in a section links to it; ``sections`` are the
    sections whose prose links to it."""

    key: str
    term: Text
    definition: Text
    sections: tuple[str, ...] = ()
    aliases_ja: tuple[str, ...] = ()
    aliases_en: tuple[str, ...] = ()

    def aliases(self, lang: str) -> tuple[str, ...]:
        own = self.term.get(lang)
        extra = self.aliases_ja if lang == "ja" else self.aliases_en
        return extra or (own,)


#: (ja, en) text pairs, as the chapters write them.
Pairs = Sequence[tuple[str, str]]


def texts(pairs: Pairs) -> tuple[Text, ...]:
    return tuple(Text(ja, en) for ja, en in pairs)


def checks(*ids: str) -> tuple[QuizItem, ...]:
    """The quiz items with these ids, in this order (a typo fails at import)."""
    by_id = {q.id: q for q in QUESTIONS}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise KeyError(f"no such quiz item(s): {missing}")
    return tuple(by_id[i] for i in ids)


class LessonRow(TypedDict):
    """A lesson as a chapter's table writes it: (ja, en) pairs and quiz ids."""

    goals: Pairs
    summary: Pairs
    cautions: NotRequired[Pairs]
    checks: NotRequired[Sequence[str]]
    tasks: NotRequired[Pairs]


def lessons(table: Mapping[str, LessonRow]) -> tuple[Lesson, ...]:
    """A chapter's lessons from its table (section id → row), in the table's order: the
    chapters are text, the wrapping into :class:`Text` and quiz items is done once here."""
    return tuple(
        Lesson(section, goals=texts(row["goals"]), summary=texts(row["summary"]),
               cautions=texts(row.get("cautions", ())), checks=checks(*row.get("checks", ())),
               tasks=texts(row.get("tasks", ())))
        for section, row in table.items())
