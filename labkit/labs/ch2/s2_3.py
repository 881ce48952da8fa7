"""2-3 申請 and 2-4 登録: the application at night, the push, registration."""

from __future__ import annotations

from dataclasses import replace
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
    deeper,
    html_view,
    lab_params,
    lab_phone,
    lab_world,
    on_day,
)
from .shared import APPLY_STEPS, KIND_TEXT, S, StepList, apply_progress, person_info, se_certificate_ders

# =========================================================================== 2-3 / 2-4

SE_CAPTION = Text("スマホの中の安全な場所 (GP-SE)", "The safe place in the phone (GP-SE)")
PREVIEW = Text("いま申請した場合の予定 (まだ申請していません)", "If you applied now (not applied yet)")


class Apply:
    """2-3's model: the sample person's new phone at ``at`` on the notebook's day, the app's
    states seen (``watch``), the steps done, and the clock moved on to the push. No widgets."""

    def __init__(self, p: LabParams, at: str) -> None:
        self.lang = p.lang
        self.world = lab_world(p, on_day(p.now, at))
        self.person = self.world.resident("sample")
        self.phone = self.world.new_phone(self.person)
        self.app = self.phone.mynaportal
        self.watch = AppWatcher(self.world, self.phone)

    def progress(self) -> set[str]:
        """The lecture's steps done so far (from the states the app has shown)."""
        return apply_progress(self.app, self.watch.visited)

    def push_pending(self) -> bool:
        """An application is in and its push has not been acted on yet."""
        data = self.app.data
        return data.receipt is not None and not data.ready and S.REGISTERED not in self.watch.visited

    def advance_to_push(self) -> None:
        """Move the simulated clock to the receipt's push time (if any)."""
        receipt = self.app.data.receipt
        if receipt is not None and not self.app.data.ready and self.world.now() < receipt.push_at:
            self.world.advance_to(receipt.push_at)

    def timeline(self) -> Any:
        """The application's timeline (a preview before applying)."""
        from ...widgets import application_timeline

        receipt, now = self.app.data.receipt, self.world.now()
        if receipt is None:
            return replace(application_timeline(now, now=now), title=PREVIEW)
        return application_timeline(receipt.applied_at, registered_at=self.watch.registered_at, now=now)


class ApplyLab(Lab):
    """2-3's view over :class:`Apply` (``model``): the phone mock-up with the card, the steps,
    the timeline, the card and SE APDUs traced, and a button to the push."""

    def __init__(self, model: Apply) -> None:
        from ...widgets import ApduTraceViewer, Timeline

        self.model = m = model
        self.lang, self.world, self.person, self.phone, self.app, self.watch = (
            m.lang, m.world, m.person, m.phone, m.app, m.watch)
        self.trace = ApduTraceViewer(lang=m.lang, max_rows=120)
        self.trace.attach(self.person.card, Text("マイナンバーカード (NFC)", "My Number Card (NFC)"))
        self.trace.attach(self.phone.se, Text("スマホの GP-SE", "the phone's GP-SE"))
        self.timeline = Timeline(m.timeline, lang=m.lang)
        self.steps = StepList(Text("手順 (講義 2-3 ①〜⑨、2-4)", "Steps (lecture 2-3 ①-⑨, 2-4)"), APPLY_STEPS,
                              lang=m.lang)
        self.to_push = button(Text("プッシュ通知が届く時刻まで時計を進める",
                                    "Move the clock to the push notification").get(m.lang), "labkit-lab-to-push",
                               self.advance_to_push, button_style="warning")
        self.mockup = lab_phone(self.phone, card=self.person.card, advance=self.world.advance, lang=m.lang,
                               on_change=self.update)
        self.update()
        info = html_view(person_info(self.person, m.lang), "labkit-lab-info-box")
        steps = box([self.steps.widget, self.to_push], "labkit-lab-side", flex="1 1 22em")
        side = box([steps, box([info], "labkit-lab-side", flex="1 1 22em")], "labkit-lab-row", row=True)
        apdus = deeper([self.trace], m.lang, Text("カードと GP-SE とのやりとり (APDU)",
                                                  "the exchange with the card and the GP-SE (APDUs)"),
                       "labkit-lab-apdus")
        self.widget = box([self.mockup, side, self.timeline, apdus], "labkit-lab labkit-lab-apply")

    def advance_to_push(self) -> None:
        """The button: the model moves the clock; the phone fetches and shows the push."""
        self.model.advance_to_push()
        self.mockup.refresh()

    def update(self) -> None:
        if not hasattr(self, "mockup") or not self.watch.changed():
            return
        self.steps.update(self.model.progress())
        self.to_push.disabled = not self.model.push_pending()
        self.timeline.refresh()


def apply(ctx: course.Context | None = None, *, at: str = "21:00") -> ApplyLab:
    """2-3: apply on the simulated phone at ``at`` on the notebook's day (21:00: the push
    comes the next morning at 8:00), with the APDU trace and the timeline; ``lab.model``
    (:class:`Apply`) drives it without widgets."""
    return ApplyLab(Apply(lab_params(ctx), at))


class Register:
    """2-4's model: applied the evening before at 21:00; now 8:00, the push has arrived. What
    the SE holds after 「登録する」. No widgets."""

    def __init__(self, p: LabParams) -> None:
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

    def in_se(self) -> dict[CaKind, bytes]:
        """The smartphone certificates the SE holds now (DER, signing first)."""
        return se_certificate_ders(self.phone)


class RegisterLab(Lab):
    """2-4's view over :class:`Register` (``model``): the phone mock-up, the SE inspector, the
    certificates in the SE and the SE's APDUs."""

    def __init__(self, model: Register) -> None:
        from ...widgets import ApduTraceViewer, SeInspector

        self.model = m = model
        self.lang, self.world, self.person, self.phone, self.app, self.watch = (
            m.lang, m.world, m.person, m.phone, m.app, m.watch)
        self.inspector = SeInspector(self.phone.se, lang=m.lang)
        self.trace = ApduTraceViewer(self.phone.se, lang=m.lang, max_rows=60)
        self.certs = box([], "labkit-lab-certs")
        self.shown: dict[CaKind, bytes] | None = None
        self.mockup = lab_phone(self.phone, advance=self.world.advance, lang=m.lang, on_change=self.update)
        self.update()
        intro = html_view(caption(SE_CAPTION.get(m.lang)), "labkit-lab-caption")
        se = deeper([intro, self.inspector, self.trace], m.lang, Text("GP-SE の中とやりとり (APDU)",
                                                                     "inside the GP-SE and its APDUs"), "labkit-lab-se")
        self.widget = box([self.mockup, self.certs, se], "labkit-lab labkit-lab-register")

    def update(self) -> None:
        if not hasattr(self, "mockup") or not self.watch.changed():
            return
        present = self.model.in_se()
        if present != self.shown:
            self.shown = present
            self.inspector.refresh(get_status=False)
            self._show_certificates(present)

    def _show_certificates(self, present: dict[CaKind, bytes]) -> None:
        from ...widgets import CertificateViewer

        anchors = list(self.world.jlis.ca_certificates().values())
        self.certs.children = [CertificateViewer(
            der, status=self.world.jlis, anchors=anchors, clock=self.world.clock, lang=self.lang,
            title=Text(f"SE 内のスマホ用{KIND_TEXT[kind].ja}電子証明書",
                       f"The smartphone {KIND_TEXT[kind].en} certificate in the SE")).widget
            for kind, der in present.items()]


def register(ctx: course.Context | None = None) -> RegisterLab:
    """2-4: the push has come; press 「登録する」 and watch the certificates arrive in the SE;
    ``lab.model`` (:class:`Register`) drives it without widgets."""
    return RegisterLab(Register(lab_params(ctx)))
