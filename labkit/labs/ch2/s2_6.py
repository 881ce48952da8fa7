"""2-6 紛失時: hotline, counter, found again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ... import course
from ...errors import LabkitError
from ...i18n import Text
from ...jlis import LossItem, LossReceipt
from ...jlis.hotline import HOTLINE_NAME
from ...jlis.rules import HOTLINE_HOURS
from ...widgets._base import ViewMixin, esc
from ...world import Person, World
from ..kit import (
    AppWatcher,
    InWorldLanguage,
    Lab,
    LabParams,
    box,
    button,
    caption,
    html_view,
    lab_model,
    lab_params,
    lab_phone,
    lab_world,
    on_day,
    when_text,
)
from .shared import person_info, status_html

# =========================================================================== 2-6

COUNTER_NAME = Text("市区町村窓口 (清瀬市)", "Municipal counter (Kiyose City)")

class Hotline(InWorldLanguage):
    """マイナンバー総合フリーダイヤル as the learner uses it: call, press 4, ask, report the
    loss (any hour); what it said (``log``) and the opening hours now. No widgets."""

    def __init__(self, world: World, person: Person, item: LossItem) -> None:
        self.world, self.person, self.item = world, person, item
        self.log: list[Text] = []
        self.receipt: LossReceipt | None = None

    def dial(self) -> None:
        self._say(self.world.hotline.guidance())

    def press_four(self) -> None:
        self._say(self.world.hotline.press(4))

    def ask(self) -> None:
        try:
            self._say(self.world.hotline.enquire("手続きについて"))
        except LabkitError as exc:
            self._say(exc.text)

    def report_loss(self) -> None:
        try:
            self.receipt = self.world.report_loss(self.person, self.item)
            self._say(self.receipt.message)
        except LabkitError as exc:
            self._say(exc.text)

    def _say(self, text: Text) -> None:
        stamp = when_text(self.world.now())
        self.log.append(Text(f"[{stamp.ja}] {text.ja}", f"[{stamp.en}] {text.en}"))

    def hours_html(self) -> str:
        lang = self.lang
        now = self.world.now()
        open_now = HOTLINE_HOURS.is_open(now)
        state = (Text("受付時間内", "open now") if open_now
                 else Text("受付時間外 (次の受付時間にお問い合わせください)",
                           "outside the opening hours (please call again when the line opens)"))
        hours = Text(f"スマホ用電子証明書のお問い合わせ (音声ガイダンス4番): 平日 9:30〜20:00、土日祝 9:30〜17:30 — "
                     f"今 ({when_text(now).ja}) は{state.ja}。"
                     "紛失・盗難による一時利用停止は24時間365日受け付けます。",
                     "Enquiries about the smartphone e-certificate (voice guidance 4): weekdays 9:30-20:00, "
                     f"weekends/holidays 9:30-17:30 — now ({when_text(now).en}): "
                     f"{state.en}. Suspension after loss or theft: 24 hours a day, 365 days a year.")
        return (f'<div data-open="{str(open_now).lower()}" style="font-size:13px">'
                f"{esc(hours.get(lang))}</div>")

    def log_html(self) -> str:
        return "".join(f'<div class="labkit-lab-hotline-line" style="font-size:13px">'
                       f"{esc(t.get(self.lang))}</div>" for t in self.log[-5:])


class HotlinePanel(ViewMixin):
    """The hotline's view: its buttons act on :class:`Hotline` (``model``), then redraw."""

    def __init__(self, model: Hotline, on_change: Callable[[], None]) -> None:
        self.model = model
        self.on_change = on_change
        lang = model.lang
        what = (Text("スマホの紛失を届け出る (一時利用停止)", "Report the lost phone (suspend)")
                if model.item is LossItem.PHONE else
                Text("カードの紛失を届け出る (一時利用停止)", "Report the lost card (suspend)"))
        self.hours = html_view("", "labkit-lab-hotline-hours")
        self.reply = html_view("", "labkit-lab-hotline-log")
        self.call = button(Text("電話する", "Call").get(lang), "labkit-lab-hotline-call", self._do(model.dial))
        self.press4 = button(Text("4番を押す", "Press 4").get(lang), "labkit-lab-hotline-press4",
                             self._do(model.press_four))
        self.report = button(what.get(lang), "labkit-lab-hotline-report", self._do(model.report_loss),
                             button_style="danger")
        self.enquire = button(Text("手続きについて質問する", "Ask about the procedure").get(lang),
                              "labkit-lab-hotline-enquire", self._do(model.ask))
        self.widget = box([html_view(caption(HOTLINE_NAME.get(lang)), "labkit-lab-caption"), self.hours,
                           box([self.call, self.press4, self.enquire, self.report], "labkit-lab-buttons", row=True),
                           self.reply], "labkit-lab-hotline", border="1px solid #d1d5db", padding=".4em",
                          margin=".3em 0")
        self.redraw()

    def _do(self, action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            action()
            self.redraw()
            self.on_change()
        return run

    def redraw(self) -> None:
        self.hours.value = self.model.hours_html()
        self.reply.value = self.model.log_html()


class Counter(InWorldLanguage):
    """市区町村窓口: the found phone / the lost and found card; what it said (``log``)."""

    def __init__(self, world: World, person: Person, item: LossItem, *, new_password: str = "FOUND2026") -> None:
        self.world, self.person, self.item = world, person, item
        self.new_password = new_password
        self.log: list[Text] = []

    def phone_found(self) -> None:
        try:
            released, revoked = self.world.municipality.phone_found(self.person.resident)
        except LabkitError as exc:
            self._say(exc.text)
            return
        self._say(Text(f"利用者証明用電子証明書の一時保留を解除しました ({len(released)} 件)。"
                       f"署名用電子証明書は失効しました ({len(revoked)} 件): 必要な場合は新たな証明書の発行申請を"
                       "してください。再発行時の手数料は、お住まいの市区町村の窓口でご確認ください "
                       "(ラボでは手数料は扱わず、マイナポータルアプリから申請し直します)。",
                       f"The hold on the user-authentication certificate is lifted ({len(released)}). The signing "
                       f"certificate was revoked ({len(revoked)}): apply for a new one if you need it. Ask your "
                       "municipality's counter about the re-issue fee (the lab has no fees: you apply again in the "
                       "Mynaportal app)."))

    def card_lost(self) -> None:
        try:
            held = self.world.municipality.report_card_loss(self.person.resident)
        except LabkitError as exc:
            self._say(exc.text)
            return
        extra = Text(f"{len(held)} 件を一時保留にしました。", f"{len(held)} certificates put on hold.") if held else \
            Text("(フリーダイヤルで一時利用停止済みです)", "(already suspended through the toll-free line)")
        self._say(Text(f"紛失届を受け付けました。{extra.ja}", f"Loss report received. {extra.en}"))

    def card_found(self) -> None:
        try:
            self.world.municipality.card_found(self.person.resident, self.person.card,
                                               new_sign_password=self.new_password)
        except LabkitError as exc:
            self._say(exc.text)
            return
        self.person.card_password = self.new_password
        self._say(Text(f"カードの利用者証明用電子証明書の一時保留を解除し、署名用電子証明書を新しく発行しました "
                       f"(新しいパスワード: {self.new_password})。スマホ用電子証明書はマイナポータルアプリの"
                       "「一時利用停止の解除」で解除します。(ラボの想定: 講義はカードが見つかったときの窓口の手続きを"
                       "述べていません。ラボでは、まず窓口でカードの電子証明書を使える状態に戻します)",
                       f"The card's user-authentication certificate is released and a new signing certificate issued "
                       f"(new password: {self.new_password}). Lift the smartphone certificates' suspension in the "
                       "Mynaportal app (\"Lift the suspension\"). (Lab assumption: the lecture does not describe a "
                       "counter step when the card is found; the lab first makes the card's certificates usable "
                       "again at the counter.)"))

    def _say(self, text: Text) -> None:
        stamp = when_text(self.world.now())
        self.log.append(Text(f"[{stamp.ja}] {text.ja}", f"[{stamp.en}] {text.en}"))

    def log_html(self) -> str:
        return "".join(f'<div class="labkit-lab-counter-line" style="font-size:13px">'
                       f"{esc(t.get(self.lang))}</div>" for t in self.log[-4:])


class CounterPanel(ViewMixin):
    """The counter's view over :class:`Counter` (``model``)."""

    def __init__(self, model: Counter, on_change: Callable[[], None]) -> None:
        self.model = model
        self.on_change = on_change
        lang = model.lang
        #: The counter's buttons by what they do: "phone_found" (2-6, phone), "card_lost" and
        #: "card_found" (2-6, card).
        self.buttons: dict[str, Any] = {}
        if model.item is LossItem.PHONE:
            self.buttons["phone_found"] = button(
                Text("スマホが見つかった: 一時保留の解除を申し出る", "Phone found: ask to lift the hold").get(lang),
                "labkit-lab-counter-phone-found", self._do(model.phone_found), button_style="success")
        else:
            self.buttons["card_lost"] = button(Text("カードの紛失届を出す", "Report the lost card").get(lang),
                                               "labkit-lab-counter-card-lost", self._do(model.card_lost))
            self.buttons["card_found"] = button(Text("カードが見つかった: 届け出る", "Card found: report it").get(lang),
                                                "labkit-lab-counter-card-found", self._do(model.card_found),
                                                button_style="success")
        self.reply = html_view("", "labkit-lab-counter-log")
        self.widget = box([html_view(caption(COUNTER_NAME.get(lang)), "labkit-lab-caption"),
                           box(list(self.buttons.values()), "labkit-lab-buttons", row=True), self.reply],
                          "labkit-lab-counter", border="1px solid #d1d5db", padding=".4em", margin=".3em 0")

    def _do(self, action: Callable[[], None]) -> Callable[[], None]:
        def run() -> None:
            action()
            self.reply.value = self.model.log_html()
            self.on_change()
        return run


class Loss(InWorldLanguage):
    """2-6's model: a registered phone, then the phone (or the card) is lost late in the
    evening; the hotline and the counter act on the same world. No widgets."""

    def __init__(self, p: LabParams, item: LossItem) -> None:
        self.item = item
        self.world = lab_world(p, on_day(p.now, "10:00", days=-1))
        self.person = self.world.resident("sample")
        self.phone = self.world.new_phone(self.person)
        self.world.apply(self.person, self.phone)
        self.world.advance_to(on_day(p.now, "22:30"))
        self.phone.mynaportal.open()
        self.watch = AppWatcher(self.world, self.phone)
        self.hotline = Hotline(self.world, self.person, item)
        self.counter = Counter(self.world, self.person, item)

    def status_html(self) -> str:
        return status_html(self.world, self.person, self.phone, self.lang)


class LossLab(Lab):
    """2-6's view over :class:`Loss` (``model``): the phone mock-up, the certificate states,
    the hotline and the counter."""

    def __init__(self, model: Loss) -> None:
        self.model = m = model
        self.lang, self.item, self.world, self.person, self.phone = m.lang, m.item, m.world, m.person, m.phone
        self.status = html_view("", "labkit-lab-status-box")
        self.hotline = HotlinePanel(m.hotline, self.refresh)
        self.counter = CounterPanel(m.counter, self.refresh)
        self.info = html_view("", "labkit-lab-info-box")
        self.mockup = lab_phone(self.phone, card=self.person.card, advance=self.world.advance, lang=m.lang,
                                on_change=self.update)
        self.mockup.model.mark_read()  # yesterday's registration push was read long ago
        self.refresh()
        side = box([self.status, self.hotline, self.counter, self.info], "labkit-lab-side")
        kind = "phone" if m.item is LossItem.PHONE else "card"
        self.widget = box([self.mockup, side], f"labkit-lab labkit-lab-loss labkit-lab-loss-{kind}")

    def update(self) -> None:
        if hasattr(self, "status") and self.model.watch.changed():
            self._redraw_panels()

    def refresh(self) -> None:
        """After the hotline or the counter acted: pushes, status, phone."""
        if not hasattr(self, "status"):
            return
        if hasattr(self, "mockup"):
            self.mockup.refresh()  # fetches pushes and redraws; calls update()
        self._redraw_panels()

    def _redraw_panels(self) -> None:
        self.status.value = self.model.status_html()
        self.hotline.redraw()
        self.info.value = person_info(self.person, self.lang)


def phone_loss(ctx: course.Context | None = None) -> LossLab:
    """2-6: lose the phone at 22:30, try to log in, call the hotline, find it again."""
    return LossLab(lab_model(Loss, lab_params(ctx), item=LossItem.PHONE))


def card_loss(ctx: course.Context | None = None) -> LossLab:
    """2-6: lose the My Number Card; found again: the counter, then the app."""
    return LossLab(lab_model(Loss, lab_params(ctx), item=LossItem.CARD))


