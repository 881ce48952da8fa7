"""A lab's step checklist that the learner ticks: the lecture's steps for labs that cannot
tick them by themselves (2-2 and 2-3 tick their own, :class:`labkit.labs.ch2.StepList`).

Notebook use (through :mod:`labkit.lessons`)::

    TaskList(Text("実習のチェックリスト", "Lab checklist"), lesson.tasks, lang=ctx.lang)
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..i18n import Text
from ._base import ViewMixin, esc, resolve_lang

__all__ = ["TaskList", "TaskListModel"]


class TaskListModel:
    """Which of the tasks are done; ``toggle`` is what a checkbox does."""

    def __init__(self, title: Text, tasks: Sequence[Text], *, lang: str | None = None) -> None:
        if not tasks:
            raise ValueError("a checklist needs at least one task / チェックリストには1つ以上の項目が必要です")
        self.title = title
        self.tasks = tuple(tasks)
        self.lang = resolve_lang(lang)
        self.done: frozenset[int] = frozenset()

    def set(self, index: int, done: bool) -> None:
        if not 0 <= index < len(self.tasks):
            raise IndexError(f"no task {index}")
        self.done = self.done | {index} if done else self.done - {index}

    def update(self, done: Iterable[int]) -> None:
        for i in done:
            self.set(i, True)

    @property
    def count(self) -> int:
        return len(self.done)

    @property
    def complete(self) -> bool:
        return self.count == len(self.tasks)

    def heading_html(self) -> str:
        lang = self.lang
        return (f'<div lang="{lang}" class="labkit-tasks-heading"><b>{esc(self.title.get(lang))}</b> '
                f'<span class="labkit-tasks-count" data-done="{self.count}" data-total="{len(self.tasks)}">'
                f"({self.count}/{len(self.tasks)})</span></div>")

    def text(self) -> str:
        lines = [f"{self.title.get(self.lang)} ({self.count}/{len(self.tasks)})"]
        lines += [f"[{'x' if i in self.done else ' '}] {t.get(self.lang)}" for i, t in enumerate(self.tasks)]
        return "\n".join(lines)


class TaskList(ViewMixin):
    """A heading with the count, then one checkbox per task (keyboard: Tab and Space)."""

    def __init__(self, title: Text, tasks: Sequence[Text], *, lang: str | None = None) -> None:
        import ipywidgets as w

        self.model = TaskListModel(title, tasks, lang=lang)
        self.heading = w.HTML()
        self.boxes = []
        for i, task in enumerate(self.model.tasks):
            box = w.Checkbox(value=False, description=task.get(self.model.lang), indent=False,
                             layout=w.Layout(width="auto", max_width="100%"), _dom_classes=("labkit-task",))
            box.observe(lambda change, i=i: self._toggled(i, change["new"]), names="value")
            self.boxes.append(box)
        self.widget = w.VBox([self.heading, *self.boxes], _dom_classes=("labkit-tasks",))
        self.redraw()

    def _toggled(self, index: int, value: bool) -> None:
        was = index in self.model.done
        self.model.set(index, bool(value))
        if value and not was:  # class mode: the lecturer's roster shows the step (else nothing is sent)
            from .. import course

            course.report_progress(f"task {index + 1}/{len(self.model.tasks)}")
        self.redraw()

    def redraw(self) -> None:
        self.heading.value = self.model.heading_html()
        for i, box in enumerate(self.boxes):
            if box.value != (i in self.model.done):
                box.value = i in self.model.done
