"""Multiple-choice quiz with immediate feedback and the explanation, bilingual, in an order
fixed by the seed (questions in :mod:`labkit.widgets.quiz_data`).

Notebook use::

    Quiz(sections=("2-8",), seed=ctx.seed, lang=ctx.lang)
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..i18n import Text
from ._base import ViewMixin, esc, resolve_lang
from .quiz_data import QUESTIONS, Question

__all__ = ["Feedback", "Quiz", "QuizModel"]

L = {
    "next": Text("次の問題", "Next question"),
    "restart": Text("もう一度", "Start again"),
    "right": Text("○ 正解", "✓ Correct"),
    "wrong": Text("× 不正解", "✗ Not quite"),
    "answer_is": Text("正解", "Answer"),
    "done": Text("おつかれさまでした", "Well done"),
}


@dataclass(frozen=True, slots=True)
class Feedback:
    correct: bool
    chosen: Text
    answer: Text
    explanation: Text


class QuizModel:
    """Question order and each question's choice order come from ``seed``."""

    def __init__(self, questions: Sequence[Question] | None = None, *, sections: Sequence[str] | None = None,
                 ids: Sequence[str] | None = None, seed: int = 0, shuffle: bool = True,
                 lang: str | None = None) -> None:
        pool = list(questions if questions is not None else QUESTIONS)
        if sections is not None:
            pool = [q for q in pool if q.section in sections]
        if ids is not None:
            by_id = {q.id: q for q in pool}
            missing = [i for i in ids if i not in by_id]
            if missing:
                raise ValueError(f"no such question(s): {missing}")
            pool = [by_id[i] for i in ids]
        if not pool:
            raise ValueError("the quiz has no questions")
        self.lang = resolve_lang(lang)
        self.seed = seed
        rng = random.Random(seed)
        if shuffle:
            rng.shuffle(pool)
        self.questions = pool
        self.orders: list[list[int]] = []
        for q in pool:
            order = list(range(len(q.choices)))
            if shuffle:
                rng.shuffle(order)
            self.orders.append(order)
        self.restart()

    def restart(self) -> None:
        self.index = 0
        self.answers: dict[int, int] = {}  # question index -> displayed choice position

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def current(self) -> Question:
        return self.questions[self.index]

    def choices(self) -> list[Text]:
        """The current question's choices in display order."""
        q = self.current
        return [q.choices[i] for i in self.orders[self.index]]

    @property
    def answered(self) -> bool:
        return self.index in self.answers

    @property
    def finished(self) -> bool:
        return self.index == self.total - 1 and self.answered

    @property
    def score(self) -> int:
        return sum(1 for i, pos in self.answers.items() if self._correct(i, pos))

    def _correct(self, index: int, position: int) -> bool:
        return self.orders[index][position] == self.questions[index].answer

    def correct_position(self) -> int:
        return self.orders[self.index].index(self.current.answer)

    def answer(self, position: int) -> Feedback:
        """Choose the choice at display ``position``; a question is answered once."""
        if not 0 <= position < len(self.current.choices):
            raise ValueError(f"no choice {position}")
        if self.answered:
            position = self.answers[self.index]
        else:
            self.answers[self.index] = position
        return self.feedback()

    def feedback(self) -> Feedback:
        if not self.answered:
            raise ValueError("this question is not answered yet")
        q, position = self.current, self.answers[self.index]
        return Feedback(self._correct(self.index, position), self.choices()[position],
                        q.choices[q.answer], q.explanation)

    def next(self) -> bool:
        """Go to the next question; False at the end."""
        if self.index + 1 >= self.total:
            return False
        self.index += 1
        return True

    # -- HTML ---------------------------------------------------------------------------------
    def prompt_html(self) -> str:
        lang = self.lang
        head = f"Q{self.index + 1} / {self.total}"
        return (f'<div class="labkit-quiz-question" data-id="{self.current.id}" lang="{lang}">'
                f'<span style="color:#6b7280">{head} ({self.current.section})</span><br>'
                f"<b>{esc(self.current.prompt.get(lang))}</b></div>")

    def feedback_html(self) -> str:
        lang = self.lang
        if not self.answered:
            return '<div class="labkit-quiz-fb" data-correct="none"></div>'
        fb = self.feedback()
        verdict = (L["right"] if fb.correct else L["wrong"]).get(lang)
        bg, fg = ("#dcfce7", "#14532d") if fb.correct else ("#fee2e2", "#7f1d1d")
        answer = "" if fb.correct else f'<div>{esc(L["answer_is"].get(lang))}: {esc(fb.answer.get(lang))}</div>'
        return (f'<div class="labkit-quiz-fb" data-correct="{str(fb.correct).lower()}" lang="{lang}" '
                f'style="background:{bg};color:{fg};padding:.4em .8em;border-radius:4px;max-width:46em">'
                f"<b>{verdict}</b>{answer}<div>{esc(fb.explanation.get(lang))}</div></div>")

    def score_html(self) -> str:
        lang = self.lang
        answered = len(self.answers)
        text = (f"{answered} 問中 {self.score} 問正解 (全 {self.total} 問)" if lang == "ja"
                else f"{self.score} of {answered} correct ({self.total} questions)")
        if self.finished:
            text = f"{L['done'].get(lang)}: {text}"
        return (f'<div class="labkit-quiz-score-text" data-score="{self.score}" data-answered="{answered}" '
                f'data-total="{self.total}" data-finished="{str(self.finished).lower()}">{esc(text)}</div>')


class Quiz(ViewMixin):
    """One question at a time: choice buttons, feedback, next / start again, score."""

    def __init__(self, questions: Sequence[Question] | None = None, *, sections: Sequence[str] | None = None,
                 ids: Sequence[str] | None = None, seed: int | None = None, lang: str | None = None) -> None:
        import ipywidgets as w

        if seed is None:
            from .. import course

            seed = course.current().seed
        self.model = QuizModel(questions, sections=sections, ids=ids, seed=seed, lang=lang)
        lang = self.model.lang
        self.prompt = w.HTML(_dom_classes=("labkit-quiz-prompt",))
        self.choice_box = w.VBox(_dom_classes=("labkit-quiz-choices",))
        self.feedback = w.HTML(_dom_classes=("labkit-quiz-feedback",))
        self.score = w.HTML(_dom_classes=("labkit-quiz-score",))
        self.next_button = w.Button(description=L["next"].get(lang), _dom_classes=("labkit-quiz-next",))
        self.next_button.on_click(lambda _b: self.next())
        self.restart_button = w.Button(description=L["restart"].get(lang), _dom_classes=("labkit-quiz-restart",))
        self.restart_button.on_click(lambda _b: self.restart())
        self.choices: list[Any] = []
        self.widget = w.VBox([self.prompt, self.choice_box, self.feedback,
                              w.HBox([self.next_button, self.restart_button]), self.score],
                              _dom_classes=("labkit-quiz",))
        self._build_choices()

    def _build_choices(self) -> None:
        import ipywidgets as w

        m = self.model
        self.choices = []
        for i, text in enumerate(m.choices()):
            button = w.Button(description=text.get(m.lang), tooltip=text.get(m.lang),
                              layout=w.Layout(width="46em", max_width="100%"),
                              _dom_classes=("labkit-quiz-choice", f"labkit-quiz-choice-{i}"))
            button.on_click(lambda _b, i=i: self.answer(i))
            self.choices.append(button)
        self.choice_box.children = tuple(self.choices)
        self.redraw()

    def answer(self, position: int) -> Feedback:
        finished = self.model.finished
        feedback = self.model.answer(position)
        if self.model.finished and not finished:  # class mode: the check's result (else nothing is sent)
            from .. import course

            course.report_check(self.model.score, self.model.total)
        self.redraw()
        return feedback

    def next(self) -> None:
        if self.model.next():
            self._build_choices()

    def restart(self) -> None:
        self.model.restart()
        self._build_choices()

    def redraw(self) -> None:
        m = self.model
        self.prompt.value = m.prompt_html()
        self.feedback.value = m.feedback_html()
        self.score.value = m.score_html()
        answered = m.answered
        for i, button in enumerate(self.choices):
            button.disabled = answered
            if answered and i == m.correct_position():
                button.button_style = "success"
            elif answered and i == m.answers[m.index]:
                button.button_style = "danger"
            else:
                button.button_style = ""
        self.next_button.disabled = not answered or m.index + 1 >= m.total
        self.restart_button.layout.display = None if m.finished else "none"
