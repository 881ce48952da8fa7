"""マイナンバー総合フリーダイヤル (lecture 1-6, 2-6): the number to call when a card or phone
is lost.

* Voice guidance: press **4** for the smartphone e-certificate.
* Enquiries: weekdays 9:30–20:00, weekends and holidays 9:30–17:30 (``outside_hours``
  otherwise).
* Temporary suspension (一時利用停止) of a lost phone's or card's certificates: **24時間365日**,
  after an identity check (name and date of birth; the address too when that is ambiguous).

The hotline works over any :class:`~labkit.office.contract.JlisApi`, in process or over HTTP.
"""

from __future__ import annotations

from ..i18n import Text
from ..office.contract import JlisApi, LossReceipt, LossReport
from ..office.refusals import Refusal, refuse
from .rules import HOTLINE_GUIDANCE_NUMBER, HOTLINE_HOURS, HotlineHours

__all__ = ["HOTLINE_NAME", "Hotline"]

HOTLINE_NAME = Text("マイナンバー総合フリーダイヤル", "My Number general toll-free line")

_MENU = Text(
    "マイナンバー総合フリーダイヤルです。スマホ用電子証明書については4番を押してください。"
    "紛失・盗難による一時利用停止は24時間365日受け付けます。",
    "This is the My Number general toll-free line. For the smartphone e-certificate press 4. "
    "Suspension after loss or theft is taken 24 hours a day, 365 days a year.",
)


class Hotline:
    """The toll-free line; ``jlis`` is where suspensions go."""

    def __init__(self, jlis: JlisApi, hours: HotlineHours = HOTLINE_HOURS) -> None:
        self.jlis = jlis
        self.hours = hours

    def guidance(self) -> Text:
        """What the caller hears first."""
        return _MENU

    def is_open(self) -> bool:
        return self.hours.is_open(self.jlis.now())

    def press(self, number: int) -> Text:
        """Voice guidance: only 4 leads to the smartphone e-certificate desk."""
        if number != HOTLINE_GUIDANCE_NUMBER:
            return Text("スマホ用電子証明書については4番を押してください", "for the smartphone e-certificate press 4")
        # The lecture gives 4 for enquiries about the smartphone e-certificate; it does not say
        # which number takes a suspension, so the desk does not claim to.
        return Text("スマホ用電子証明書の窓口です", "smartphone e-certificate desk")

    def enquire(self, question: str) -> Text:
        """General questions: only during the opening hours."""
        if not self.is_open():
            raise refuse(Refusal.OUTSIDE_HOURS)
        return Text(f"ご質問「{question}」を承りました。教材にない内容は担当窓口からご案内します",
                    f"your question ({question!r}) was taken; matters beyond the material are answered by the desk")

    def report_loss(self, report: LossReport) -> LossReceipt:
        """Suspend at once, any hour (HotlineHours.accepts_suspension is always true)."""
        assert self.hours.accepts_suspension(self.jlis.now())
        return self.jlis.report_loss(report)
