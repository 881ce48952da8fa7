"""1-1 定義: the learner's world."""


from __future__ import annotations

from typing import Any

from cryptography import x509

from ...card import KeyRole
from ...clock import to_jst
from ...i18n import Text
from ...phone import Phone
from ...reader import InProcessTransport, JpkiClient
from ...widgets._base import esc
from ...world import Person, World
from ..kit import HtmlBlock, Lab, date_text, deeper, hint, kv_table, lab_phone, panel
from .texts import ROLE_CERT, attribute_rows


def read_card_certificates(person: Person) -> dict[KeyRole, x509.Certificate]:
    """Read the certificates from the person's My Number Card with APDUs (as the phone's NFC
    does): the user-authentication certificate freely, the signing certificate after the
    card's signing password (which the lab knows)."""
    transport = InProcessTransport(person.card, "NFC")
    client = JpkiClient(transport)
    with transport:
        found = {KeyRole.AUTH: client.read_certificate(KeyRole.AUTH)}
        if person.card_password:
            found[KeyRole.SIGN] = client.read_certificate(KeyRole.SIGN, pin=person.card_password)
    return found


class CardAndPhone:
    """1-1's model: who the learner is, the certificates read from their card (with APDUs)
    and what their phone holds, as bilingual lines. No widgets."""

    def __init__(self, world: World, person: Person, phone: Phone) -> None:
        self.world, self.person, self.phone = world, person, phone
        self.lang = world.lang
        self.certificates: dict[KeyRole, x509.Certificate] = {}

    def read_card(self) -> dict[KeyRole, x509.Certificate]:
        """Read both certificates from the card, as the phone's NFC does."""
        self.certificates = read_card_certificates(self.person)
        return self.certificates

    def card_lines(self) -> list[Text]:
        lines = []
        for role in (KeyRole.SIGN, KeyRole.AUTH):
            cert, label = self.certificates.get(role), ROLE_CERT[role]
            if cert is None:
                lines.append(Text(f"{label.ja}: なし", f"{label.en}: none"))
            else:
                until = date_text(to_jst(cert.not_valid_after_utc).date())
                lines.append(Text(f"{label.ja} (有効期限 {until.ja})", f"{label.en} (valid until {until.en})"))
        return lines

    def phone_lines(self) -> list[Text]:
        phone = self.phone
        present = phone.mynaportal.present() if phone.installed() else {}
        smart = [r for r in (KeyRole.SIGN, KeyRole.AUTH) if present.get(r)]
        app = (Text("マイナポータルアプリ: インストール済み", "Mynaportal app: installed") if phone.installed()
               else Text("マイナポータルアプリ: まだありません", "Mynaportal app: not installed"))
        se = (Text("スマホ用電子証明書: " + "、".join(ROLE_CERT[r].ja for r in smart),
                   "smartphone certificates: " + ", ".join(ROLE_CERT[r].en for r in smart)) if smart
              else Text("スマホ用電子証明書: まだありません (GP-SE は空です。第2章で申請・登録します)",
                        "smartphone certificates: none yet (the GP-SE is empty; Chapter 2 applies and registers)"))
        return [Text(f"{phone.model} (Android)", f"{phone.model} (Android)"), app, se]

    def summary(self) -> HtmlBlock:
        """The world as a deterministic table (no keys or serials)."""
        lang, person = self.lang, self.person
        if not self.certificates:
            self.read_card()
        card = [c.get(lang) for c in self.card_lines()]
        device = [x.get(lang) for x in self.phone_lines()]
        rows = [
            (Text("住民", "Resident").get(lang),
             kv_table("labkit-lab-person", lang, attribute_rows(person.resident.holder.attributes, lang))
             + hint(esc(Text("清瀬市 (ラボ) に住民登録されています", "registered as a resident of Kiyose City (lab)")
                          .get(lang)))),
            (Text("マイナンバーカード", "My Number Card").get(lang),
             esc(Text("ICチップの電子証明書: ", "certificates in the IC chip: ").get(lang))
             + "<br>".join(esc(c) for c in card)),
            (Text("スマートフォン", "Smartphone").get(lang), "<br>".join(esc(x) for x in device)),
        ]
        plain = "\n".join([f"{person.name} / {device[0]}", *card, *device[1:]])
        return HtmlBlock(f'<div class="labkit-lab-summary" lang="{lang}">'
                         + kv_table("labkit-lab-world", lang, rows) + "</div>", plain)


def world_summary(world: World, person: Person, phone: Phone) -> HtmlBlock:
    """1-1: who the learner is in the lab, what their card holds, what their phone holds."""
    return CardAndPhone(world, person, phone).summary()


class LearnerWorld(Lab):
    """1-1's view over :class:`CardAndPhone` (``model``): the card's two certificates in the
    certificate viewer (read with APDUs; the exchange is in ``trace``) and the phone, with
    the Mynaportal app and an empty GP-SE."""

    def __init__(self, model: CardAndPhone) -> None:
        import ipywidgets as w

        from ...widgets import ApduTraceViewer, CertificateViewer

        self.model = m = model
        self.world, self.person, self.phone, self.lang = m.world, m.person, m.phone, m.lang
        lang = m.lang
        self.trace = ApduTraceViewer(lang=lang, min_interval=0)
        self.trace.attach(m.person.card, Text("マイナンバーカード", "My Number Card"))
        self.certificates = m.read_card()
        self.trace.detach_all()
        self.viewers = {
            role: CertificateViewer(cert, status=m.world.jlis, clock=m.world.clock, lang=lang,
                                    title=Text(f"マイナンバーカードの{ROLE_CERT[role].ja}",
                                               f"The My Number Card's {ROLE_CERT[role].en}"))
            for role, cert in self.certificates.items()}
        roles = [r for r in (KeyRole.SIGN, KeyRole.AUTH) if r in self.viewers]
        short = {KeyRole.SIGN: Text("署名用", "Signing"), KeyRole.AUTH: Text("利用者証明用", "User auth")}
        tabs = w.Tab(children=[self.viewers[r].widget for r in roles], titles=[short[r].get(lang) for r in roles],
                     _dom_classes=("labkit-lab-card-tabs",))
        apdus = deeper([self.trace.widget], lang,
                       Text("カードとのやりとり (APDU)", "the exchange with the card (APDUs)"), "labkit-lab-card-apdus")
        self.card = panel([tabs, apdus], "labkit-lab-card",
            self.t(Text("マイナンバーカードの電子証明書", "The My Number Card's certificates")))
        self.phone_view = lab_phone(m.phone, lang=lang)
        self.device = panel([self.phone_view.widget], "labkit-lab-phone",
                           self.t(Text("あなたのスマートフォン", "Your smartphone")))

    @property
    def widget(self) -> Any:
        import ipywidgets as w

        return w.VBox([self.card, self.device])


def learner_world(world: World, person: Person, phone: Phone) -> LearnerWorld:
    """1-1 lab: ``lab.card`` (the card's certificates) and ``lab.device`` (the phone);
    ``lab.model`` (:class:`CardAndPhone`) drives it without widgets."""
    return LearnerWorld(CardAndPhone(world, person, phone))
