"""The four things to prepare before applying (lecture 2-1), as checks with bilingual reasons.

The app runs :func:`check_prerequisites` before it touches the card (so a typo in the
password never costs a try); J-LIS checks again what it can see for itself (device model,
app version, a signing certificate in the request), so an app that skipped the checks is
refused with the same reason codes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import ServiceError
from ..i18n import Text
from ..office.refusals import Refusal, refuse
from ..rules import check_signing_password

__all__ = ["COMPATIBLE_MODELS", "DEFAULT_DEVICE_POLICY", "MINIMUM_APP_VERSION", "DevicePolicy",
           "check_prerequisites", "parse_version"]

#: The lab's list of compatible Android models (the real list is behind the lecture's QR
#: code; these stand for GP-SE-equipped, Osaifu-Keitai-class phones).
COMPATIBLE_MODELS = frozenset({
    "Pixel 7", "Pixel 7a", "Pixel 8", "Pixel 8a", "Pixel 9", "Galaxy S23", "Galaxy A54 5G",
    "Xperia 1 V", "Xperia 10 V", "AQUOS sense8", "AQUOS R8", "arrows We", "LAB-PHONE",
})
#: The oldest Mynaportal app version J-LIS accepts ("最新版に更新してください").
MINIMUM_APP_VERSION = "54.0"


def parse_version(text: str) -> tuple[int, ...] | None:
    """``"54.1.2"`` → ``(54, 1, 2)``; None if it is not dotted digits."""
    if not isinstance(text, str) or not re.fullmatch(r"[0-9]{1,6}(\.[0-9]{1,6}){0,3}", text):
        return None
    return tuple(int(p) for p in text.split("."))


@dataclass(frozen=True, slots=True)
class DevicePolicy:
    compatible_models: frozenset[str] = field(default=COMPATIBLE_MODELS)
    minimum_app_version: str = MINIMUM_APP_VERSION

    def device_refusal(self, model: str) -> ServiceError | None:
        if model in self.compatible_models:
            return None
        return refuse(Refusal.DEVICE_NOT_SUPPORTED, Text(f"機種: {model}", f"model: {model}"), model=model)

    def app_refusal(self, version: str) -> ServiceError | None:
        have, need = parse_version(version), parse_version(self.minimum_app_version)
        assert need is not None
        if have is not None and have >= need:
            return None
        return refuse(Refusal.APP_OUTDATED,
                      Text(f"お使いの版 {version}、必要な版 {self.minimum_app_version} 以上",
                           f"installed {version}, required {self.minimum_app_version} or later"),
                      version=version, minimum=self.minimum_app_version)


DEFAULT_DEVICE_POLICY = DevicePolicy()


def check_prerequisites(*, card_has_signing_certificate: bool, signing_password: str, device_model: str,
                        app_version: str, policy: DevicePolicy = DEFAULT_DEVICE_POLICY) -> list[ServiceError]:
    """Every unmet prerequisite of 2-1, in the lecture's order (① card … ④ app); empty = ready."""
    problems: list[ServiceError] = []
    if not card_has_signing_certificate:
        problems.append(refuse(Refusal.NO_SIGNING_CERTIFICATE))
    verdict = check_signing_password(signing_password)
    if not verdict.ok:
        problems.append(refuse(Refusal.PASSWORD_FORMAT,
                               Text(" ".join(verdict.messages("ja")), " ".join(verdict.messages("en"))),
                               codes=list(verdict.codes)))
    for refusal in (policy.device_refusal(device_model), policy.app_refusal(app_version)):
        if refusal is not None:
            problems.append(refusal)
    return problems
