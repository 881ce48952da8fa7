"""2-3 申請 and 2-4 登録: the application at night, the push, registration."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from ... import course
from ...i18n import Text
from ...pki import CaKind
from ..kit import (
    AppWatcher,
    Lab,
    LabParams,
    box,
    button,
    caption,
    html_view,
    lab_params,
    lab_phone,
    lab_world,
    on_day,
)
from .shared import APPLY_STEPS, KIND_TEXT, S, StepList, apply_progress, person_info, se_certificates

# =========================================================================== 2-3 / 2-4

SE_CAPTION = Text("スマホの中の安全な場所 (GP-SE)", "The safe place in the phone (GP-SE)")


def _preview_timeline(now: datetime) -> Any:
    from ...widgets import application_timeline

    model = application_timeline(now, now=now)
    return replace(model, title=Text("いま申請した場合の予定 (まだ申請していません)",
                                     "If you applied now (not applied yet)"))


class ApplyLab(Lab):
    """2-3: the application on the phone at ``at`` (21:00 by default) with the card and SE
    APDUs traced, and the clock moved on to the push."""

    def __init__(self, p: LabParams, at: str) -> None:
        from ...widgets import ApduTraceViewer, Timeline, application_timeline

        self.lang = p.lang
        self.world = lab_world(p, on_day(p.now, at))
        self.person = self.world.resident("sample")
        self.phone = self.world.new_phone(self.person)
        self.app = self.phone.mynaportal
        self.watch = AppWatcher(self.world, self.phone)
        self.trace = ApduTraceViewer(lang=p.lang, max_rows=120)
        self.trace.attach(self.person.card, Text("マイナンバーカード (NFC)", "My Number Card (NFC)"))
        self.trace.attach(self.phone.se, Text("スマホの GP-SE", "the phone's GP-SE"))

        def timeline() -> Any:
            receipt = self.app.data.receipt
            if receipt is None:
                return _preview_timeline(self.world.now())
            return application_timeline(receipt.applied_at, registered_at=self.watch.registered_at,
                                        now=self.world.now())
        self.timeline = Timeline(timeline, lang=p.lang)
        self.steps = StepList(Text("手順 (講義 2-3 ①〜⑨、2-4)", "Steps (lecture 2-3 ①-⑨, 2-4)"), APPLY_STEPS,
                              lang=p.lang)
        self.to_push = button(Text("プッシュ通知が届く時刻まで時計を進める",
                                    "Move the clock to the push notification").get(p.lang), "labkit-lab-to-push",
                               self.advance_to_push, button_style="warning")
        self.mockup = lab_phone(self.phone, card=self.person.card, advance=self.world.advance, lang=p.lang,
                               on_change=self.update)
        self.update()
        info = html_view(person_info(self.person, p.lang), "labkit-lab-info-box")
        steps = box([self.steps.widget, self.to_push], "labkit-lab-side", flex="1 1 22em")
        side = box([steps, box([info], "labkit-lab-side", flex="1 1 22em")], "labkit-lab-row", row=True)
        self.widget = box([self.mockup, side, self.timeline, self.trace],
                           "labkit-lab labkit-lab-apply")

    def advance_to_push(self) -> None:
        """The button: move the simulated clock to the receipt's push time (if any)."""
        receipt = self.app.data.receipt
        if receipt is not None and not self.app.data.ready and self.world.now() < receipt.push_at:
            self.world.advance_to(receipt.push_at)
        self.mockup.refresh()

    def update(self) -> None:
        if not hasattr(self, "steps"):
            return
        if not self.watch.changed():
            return
        self.steps.update(apply_progress(self.app, self.watch.visited))
        receipt = self.app.data.receipt
        self.to_push.disabled = receipt is None or self.app.data.ready or S.REGISTERED in self.watch.visited
        self.timeline.refresh()


def apply(ctx: course.Context | None = None, *, at: str = "21:00") -> ApplyLab:
    """2-3: apply on the simulated phone at ``at`` on the notebook's day (21:00: the push
    comes the next morning at 8:00), with the APDU trace and the timeline."""
    return ApplyLab(lab_params(ctx), at)


class RegisterLab(Lab):
    """2-4: applied the evening before at 21:00; now 8:00, the push has arrived."""

    def __init__(self, p: LabParams) -> None:
        from ...widgets import ApduTraceViewer, SeInspector

        self.lang = p.lang
        self.world = lab_world(p, on_day(p.now, "21:00", days=-1))
        self.person = self.world.resident("sample")
        self.phone = self.world.new_phone(self.person)
        self.app = self.phone.mynaportal
        self.world.apply(self.person, self.phone, register=False)
        receipt = self.app.data.receipt
        assert receipt is not None
        self.world.advance_to(receipt.push_at)
        self.app.open()
        self.watch = AppWatcher(self.world, self.phone)
        self.inspector = SeInspector(self.phone.se, lang=p.lang)
        self.trace = ApduTraceViewer(self.phone.se, lang=p.lang, max_rows=60)
        self.certs = box([], "labkit-lab-certs")
        self.shown: dict[CaKind, bool] = {}
        self.mockup = lab_phone(self.phone, advance=self.world.advance, lang=p.lang, on_change=self.update)
        self.update()
        intro = html_view(caption(SE_CAPTION.get(p.lang)), "labkit-lab-caption")
        self.widget = box([self.mockup, intro, self.inspector, self.certs, self.trace],
                           "labkit-lab labkit-lab-register")

    def update(self) -> None:
        if not hasattr(self, "certs") or not self.watch.changed():
            return
        present = se_certificates(self.phone)
        if present != self.shown:
            self.shown = present
            self.inspector.refresh(get_status=False)
            self._show_certificates(present)

    def _show_certificates(self, present: dict[CaKind, bool]) -> None:
        from ...card import KeyRole
        from ...widgets import CertificateViewer

        viewers = []
        anchors = list(self.world.jlis.ca_certificates().values())
        for kind, role in ((CaKind.SIGN, KeyRole.SIGN), (CaKind.AUTH, KeyRole.AUTH)):
            der = self.phone.se.jpki.certificate(role) if self.phone.se.jpki is not None else None
            if present[kind] and der is not None:
                title = Text(f"SE 内のスマホ用{KIND_TEXT[kind].ja}電子証明書",
                             f"The smartphone {KIND_TEXT[kind].en} certificate in the SE")
                viewers.append(CertificateViewer(der, status=self.world.jlis, anchors=anchors, clock=self.world.clock,
                                                 lang=self.lang, title=title))
        self.certs.children = [v.widget for v in viewers]


def register(ctx: course.Context | None = None) -> RegisterLab:
    """2-4: the push has come; press 「登録する」 and watch the certificates arrive in the SE."""
    return RegisterLab(lab_params(ctx))


