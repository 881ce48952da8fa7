"""Chapter 2 labs (スマホ用電子証明書の利用方法): one function per lab, each building its own
lab world on the simulated clock and returning a widget for the notebook to display.

=========  ==========================  ===================================================
section    function                    what the learner does
=========  ==========================  ===================================================
2-2        :func:`install`             Play Store: 「アプリとゲームを検索」 → マイナポータル
                                       → 「インストール」 → 「開く」 on a phone without the app
2-3        :func:`apply`               the whole application on the phone mock-up at 21:00,
                                       card and SE APDUs in the trace, then the clock to the
                                       push the next morning (timeline)
2-3, 2-8   :func:`push_schedule`       when the push comes for applications at various times
2-4        :func:`register`            「登録する」 after the push; the SE inspector and the
                                       certificate viewer show what was written
2-5        :func:`device_change`       two phones; the old one online, or offline past 48 h
2-5        :func:`device_change_outcomes`  both cases run to the end (a report)
2-6        :func:`phone_loss`,         hotline (一時利用停止, 24時間365日), login refused,
           :func:`card_loss`           found again: municipal counter / the app
2-7        :func:`stop_using`          factory reset (the SE keeps the certificates), then
                                       「失効」, checked over CRL and OCSP
2-8        :func:`validity_examples`,  the 5th-birthday rule (2月29日 too), one device per
           :func:`validity_calculator`, person, and the quiz
           :func:`one_device`, :func:`quiz`
=========  ==========================  ===================================================

Every lab takes the notebook's context (``ctx``: language, ``now``, ``seed``) and is
deterministic given it, apart from RSA keys and serial numbers, which no compared output
shows. Labs return objects that display as their ``widget``; their attributes (``world``,
``person``, ``phone``, ``mockup`` …) let tests and lecturers drive them from code.
"""

from __future__ import annotations

from datetime import datetime

from ...jlis import LossItem
from ..kit import lab_params, lab_phone, make_ahead, on_day, when_text
from .s2_2 import Install, InstallLab, install
from .s2_3 import Apply, ApplyLab, Register, RegisterLab, apply, register
from .s2_5 import DeviceChange, DeviceChangeLab, device_change, device_change_outcomes, local_outcome_rows
from .s2_6 import Counter, Hotline, Loss, LossLab, card_loss, phone_loss
from .s2_7 import StopUsing, StopUsingLab, stop_using
from .s2_8 import one_device, quiz, validity_calculator, validity_examples
from .shared import (
    APPLY_STEPS,
    INSTALL_STEPS,
    CertRow,
    Report,
    Step,
    StepList,
    apply_progress,
    certificate_rows,
    install_stage,
    push_schedule,
    revocation_rows,
    se_certificates,
)

__all__ = [
    "APPLY_STEPS", "INSTALL_STEPS", "Apply", "ApplyLab", "CertRow", "Counter", "DeviceChange", "DeviceChangeLab",
    "Hotline", "Install", "InstallLab", "Loss", "LossLab", "Register", "RegisterLab", "Report", "Step", "StepList",
    "StopUsing", "StopUsingLab", "apply", "apply_progress", "card_loss", "certificate_rows", "device_change",
    "device_change_outcomes", "install", "install_stage", "lab_params", "lab_phone", "on_day", "one_device",
    "phone_loss", "prepare_section", "push_schedule", "quiz", "register", "revocation_rows", "se_certificates",
    "stop_using", "validity_calculator", "validity_examples", "when_text",
]


def prepare_section(section_id: str, now: datetime, seed: int) -> bool:
    """What a preheated kernel can work out for a section's page before its student arrives
    (labkit.preheat), for the notebook's default time and seed: 2-5's outcome table (two
    device changes run through 49 hours) and the models of 2-5's and 2-6's labs, whose
    worlds are built, applied and registered the same way in either language (~1 s per lab).
    True if there was something to do."""
    if section_id == "2-5":
        local_outcome_rows(now, seed)
        for old_online in (True, False):
            make_ahead(DeviceChange, now, seed, old_online=old_online)
    elif section_id == "2-6":
        for item in LossItem:
            make_ahead(Loss, now, seed, item=item)
    else:
        return False
    return True
