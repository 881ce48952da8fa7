"""2-2 アプリのインストール: the Play Store steps."""

from __future__ import annotations

from ... import course
from ...i18n import Text
from ..kit import Lab, LabParams, box, lab_params, lab_phone, lab_world
from .shared import INSTALL_STEPS, StepList, install_stage

# =========================================================================== 2-2


class Install:
    """2-2's model: a new phone without the Mynaportal app, its home screen and Play Store
    (``store``), and how far along the lecture's steps the learner got. No widgets."""

    def __init__(self, p: LabParams) -> None:
        self.lang = p.lang
        self.world = lab_world(p, p.now)
        self.person = self.world.resident("sample")
        self.phone = self.world.new_phone(self.person, install=False)
        self.store = self.world.play_store(self.phone)
        self.reached = 0

    def progress(self) -> set[str]:
        """The steps done so far (they stay done)."""
        self.reached = max(self.reached, install_stage(self.store, self.phone))
        return {s.key for s in INSTALL_STEPS[: self.reached]}


class InstallLab(Lab):
    """2-2's view over :class:`Install` (``model``): the phone mock-up on its home screen and
    the checklist of steps."""

    def __init__(self, model: Install) -> None:
        self.model = m = model
        self.lang, self.world, self.person, self.phone, self.store = m.lang, m.world, m.person, m.phone, m.store
        self.steps = StepList(Text("手順 (講義 2-2)", "Steps (lecture 2-2)"), INSTALL_STEPS, lang=m.lang)
        self.mockup = lab_phone(self.phone, m.store, lang=m.lang, on_change=self.update)
        self.update()
        self.widget = box([self.mockup, self.steps.widget], "labkit-lab labkit-lab-install", row=True)

    def update(self) -> None:
        if hasattr(self, "mockup"):
            self.steps.update(self.model.progress())


def install(ctx: course.Context | None = None) -> InstallLab:
    """2-2: install the Mynaportal app from the Play Store on a new phone, step by step;
    ``lab.model`` (:class:`Install`) drives it without widgets."""
    return InstallLab(Install(lab_params(ctx)))
