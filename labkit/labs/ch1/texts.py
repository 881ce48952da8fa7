"""Words the Chapter 1 labs share."""

from __future__ import annotations

from ...card import KeyRole
from ...i18n import Text
from ...pki import Sex

SEX = {Sex.MALE: Text("男性", "male"), Sex.FEMALE: Text("女性", "female"),
       Sex.NOT_APPLICABLE: Text("—", "—")}
ROLE_CERT = {KeyRole.SIGN: Text("署名用電子証明書", "signing certificate"),
             KeyRole.AUTH: Text("利用者証明用電子証明書", "user-authentication certificate")}
