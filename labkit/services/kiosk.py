"""コンビニ交付 (lecture 1-2 ③): a convenience-store kiosk prints a 住民票の写し after the
resident holds the phone to the kiosk's reader and enters the 4-digit PIN (or uses
biometrics). The smartphone certificate is accepted from **2023年12月**.

The user-auth certificate carries no personal data: the kiosk learns *who* it is from J-LIS
(which certificate belongs to which resident) and fetches the record from the municipality.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from ..clock import Clock, to_jst
from ..errors import ServiceError
from ..i18n import Text
from ..office.contract import JlisApi
from ..pki import BasicAttributes
from .protocol import Authenticator, Purpose
from .relying import RelyingParty

__all__ = ["SMARTPHONE_FROM", "ConvenienceStoreKiosk", "Juminhyo"]

#: 「2023年12月より順次対応」.
SMARTPHONE_FROM = date(2023, 12, 1)


@dataclass(frozen=True, slots=True)
class Juminhyo:
    """住民票の写し as printed (lab: clearly marked as a sample)."""

    municipality: Text
    attributes: BasicAttributes
    printed_at: datetime
    store: Text
    number: str

    def text(self, lang: str = "ja") -> str:
        a = self.attributes
        when = f"{to_jst(self.printed_at):%Y-%m-%d %H:%M}"
        if lang == "ja":
            return (f"住民票の写し (見本・ラボ)\n{self.municipality.ja}\n氏名: {a.name}\n住所: {a.address}\n"
                    f"生年月日: {a.birth_date.isoformat()}\n"
                    f"交付: {when} {self.store.ja} (コンビニ交付) 第{self.number}号")
        return (f"Copy of the residence record (SAMPLE, lab)\n{self.municipality.en}\nname: {a.name}\n"
                f"address: {a.address}\nborn: {a.birth_date.isoformat()}\nissued {when} at {self.store.en} "
                f"(convenience store) no. {self.number}")


class ConvenienceStoreKiosk(RelyingParty):
    """A multi-copy machine (マルチコピー機) offering コンビニ交付."""

    def __init__(self, jlis: JlisApi, clock: Clock, *, lookup: Callable[[str], BasicAttributes] | None,
                 municipality: Text, store: Text | None = None) -> None:
        super().__init__("konbini-kofu", Text("コンビニ交付", "convenience-store issuance"), jlis, clock)
        self.lookup = lookup
        self.municipality = municipality
        self.store = store or Text("ラボマート清瀬店", "Lab Mart Kiyose")
        self.printed: list[Juminhyo] = []

    def print_juminhyo(self, app: Authenticator, *, pin: str | None = None, biometric: bool = False) -> Juminhyo:
        """Hold the phone to the reader, enter the PIN: the kiosk authenticates the resident
        with the smartphone user-auth certificate and prints the residence record."""
        today = to_jst(self.now()).date()
        if today < SMARTPHONE_FROM:
            raise ServiceError(Text(f"スマホ用電子証明書でのコンビニ交付は2023年12月から順次対応です (本日 {today})",
                                    f"smartphone certificates are accepted from December 2023 (today {today})"),
                               reason="not_yet_available")
        if self.lookup is None:
            raise ServiceError(Text("この端末は市区町村のシステムにつながっていません",
                                    "this kiosk is not connected to the municipality"), reason="unavailable")
        challenge = self.challenge(Purpose.KIOSK)
        assertion = app.authenticate(challenge, pin=pin, biometric=biometric)
        cert = self.verify_login(assertion)
        holder_id = self.jlis.status(cert.serial_number).holder_id
        if holder_id is None:
            raise ServiceError(Text("住民を特定できません", "the resident cannot be identified"), reason="unknown")
        number = f"{len(self.printed) + 1:06d}"
        copy = Juminhyo(self.municipality, self.lookup(holder_id), self.now(), self.store, number)
        self.printed.append(copy)
        return copy
