"""2-7 利用をやめる: factory reset vs revocation."""

from __future__ import annotations

from ... import course
from ...i18n import Text
from ...widgets._base import esc, html_table
from ..kit import (
    AppWatcher,
    Lab,
    LabParams,
    box,
    button,
    deeper,
    html_view,
    lab_params,
    lab_phone,
    lab_world,
    on_day,
    when_text,
)
from .shared import person_info, revocation_rows, status_html

# =========================================================================== 2-7

FACTORY_RESET = Text("端末を初期化する (工場出荷時の状態に戻す)", "Factory reset the phone")
CHECK_REVOCATION = Text("失効情報を確認する (CRL と OCSP)", "Check revocation (CRL and OCSP)")



class StopUsing:
    """2-7's model: a registered phone that can be factory reset (the SE keeps the
    certificates) and revoked from the app; its certificates' states at J-LIS and over CRL and
    OCSP. No widgets."""

    def __init__(self, p: LabParams) -> None:
        self.lang = p.lang
        self.world = lab_world(p, on_day(p.now, "09:00"))
        self.person = self.world.resident("sample")
        self.phone = self.world.new_phone(self.person)
        self.world.apply(self.person, self.phone)
        self.world.advance_to(on_day(p.now, "10:00"))
        infos = self.world.jlis.device_status(self.phone.device_id).certificates
        ordered = sorted(infos, key=lambda i: i.kind.value, reverse=True)  # signing first
        self.ders = [self.world.jlis.certificate(i.serial) for i in ordered]
        self.phone.mynaportal.open()
        self.watch = AppWatcher(self.world, self.phone)

    def factory_reset(self) -> None:
        """端末初期化: apps and their data go; the SE stays."""
        self.phone.factory_reset()

    def status_html(self) -> str:
        return status_html(self.world, self.person, self.phone, self.lang, card=False)

    def revocation_html(self) -> str:
        lang = self.lang
        rows = [[c.get(lang) for c in row] for row in revocation_rows(self.world, self.ders)]
        head = [Text("電子証明書", "Certificate").get(lang), "J-LIS", "CRL", "OCSP"]
        when = when_text(self.world.now()).get(lang)
        title = Text(f"失効情報 ({when})", f"Revocation status ({when})").get(lang)
        return (f'<div lang="{lang}"><b>{esc(title)}</b>'
                f"{html_table(head, rows, css='labkit-lab-revocation-table')}</div>")


class StopUsingLab(Lab):
    """2-7's view: the phone mock-up, the factory-reset and revocation-check buttons, the
    certificate states and the SE inspector over :class:`StopUsing` (``model``)."""

    def __init__(self, model: StopUsing) -> None:
        from ...widgets import SeInspector

        self.model = m = model
        self.lang, self.world, self.person, self.phone = m.lang, m.world, m.person, m.phone
        self.inspector = SeInspector(self.phone.se, lang=m.lang)
        self.status = html_view("", "labkit-lab-status-box")
        self.checks = html_view("", "labkit-lab-revocation")
        self.reset_button = button(FACTORY_RESET.get(m.lang), "labkit-lab-factory-reset", self.factory_reset,
                                   button_style="danger")
        self.check_button = button(CHECK_REVOCATION.get(m.lang), "labkit-lab-revocation-check", self.check_revocation)
        self.mockup = lab_phone(self.phone, lang=m.lang, on_change=self.update)
        self.mockup.model.mark_read()  # the registration push was read long ago
        self.mockup.redraw()
        self.update(force=True)
        info = html_view(person_info(self.person, m.lang, card_password=False), "labkit-lab-info-box")
        side = box([box([self.reset_button, self.check_button], "labkit-lab-buttons", row=True), self.status,
                    self.checks, info], "labkit-lab-side")
        inside = deeper([self.inspector], m.lang, Text("GP-SE の中を見る", "inside the GP-SE"), "labkit-lab-se")
        self.widget = box([self.mockup, side, inside],
                          "labkit-lab labkit-lab-stop-using")

    def factory_reset(self) -> None:
        """The button: the mock-up falls back to the home screen."""
        self.model.factory_reset()
        self.mockup.model.home()
        self.mockup.redraw()
        self.update(force=True)

    def check_revocation(self) -> None:
        self.checks.value = self.model.revocation_html()

    def update(self, force: bool = False) -> None:
        if not hasattr(self, "status"):
            return
        if not (self.model.watch.changed() or force):
            return
        self.status.value = self.model.status_html()
        self.inspector.refresh(get_status=False)


def stop_using(ctx: course.Context | None = None) -> StopUsingLab:
    """2-7: factory reset vs 「失効」, with the SE inspector and a CRL/OCSP check; ``lab.model``
    (:class:`StopUsing`) drives it without widgets."""
    return StopUsingLab(StopUsing(lab_params(ctx)))
