"""2-2 アプリのインストール: the Play Store steps."""

from __future__ import annotations

from ... import course
from ...i18n import Text
from ..kit import Lab, LabParams, box, lab_params, lab_phone, lab_world
from .shared import INSTALL_STEPS, StepList, install_stage

# =========================================================================== 2-2

class InstallLab(Lab):
    """A new phone without the Mynaportal app, on its home screen (2-2)."""

    def __init__(self, p: LabParams) -> None:
        self.lang = p.lang
        self.world = lab_world(p, p.now)
        self.person = self.world.resident("sample")
        self.phone = self.world.new_phone(self.person, install=False)
        self.steps = StepList(Text("手順 (講義 2-2)", "Steps (lecture 2-2)"), INSTALL_STEPS, lang=p.lang)
        self.reached = 0
        self.mockup = lab_phone(self.phone, lang=p.lang, on_change=self.update)
        self.store = self.mockup.model.app
        self.update()
        self.widget = box([self.mockup, self.steps.widget], "labkit-lab labkit-lab-install", row=True)

    def update(self) -> None:
        store = getattr(self, "store", None)
        if store is None:
            return
        self.reached = max(self.reached, install_stage(store, self.phone))
        self.steps.update(s.key for s in INSTALL_STEPS[: self.reached])


def install(ctx: course.Context | None = None) -> InstallLab:
    """2-2: install the Mynaportal app from the Play Store on a new phone, step by step."""
    return InstallLab(lab_params(ctx))


