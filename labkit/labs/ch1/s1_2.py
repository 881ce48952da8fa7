"""1-2 できること: portal, bank and kiosk."""


from __future__ import annotations

from typing import Any

from ...card import KeyRole
from ...i18n import Text
from ...phone import BANK, Phone
from ...services import SMARTPHONE_FROM, Account, Juminhyo
from ...widgets._base import esc
from ...world import Person, World
from ..kit import (
    HtmlBlock,
    InLanguage,
    Lab,
    button,
    button_row,
    date_time_text,
    hint,
    html_view,
    kv_table,
    lab_phone,
    panel,
    pin_errors,
    pin_tries,
    require_registered,
    verdict,
)
from .texts import ROLE_CERT, attribute_rows


def registration_summary(world: World, person: Person, phone: Phone) -> HtmlBlock:
    """1-2: the phone the labs use: both smartphone certificates registered (what Chapter 2
    teaches step by step)."""
    lang = world.lang
    present = phone.mynaportal.present()
    roles = [r for r in (KeyRole.SIGN, KeyRole.AUTH) if present.get(r)]
    names = [Text(f"スマホ用{ROLE_CERT[r].ja}", f"smartphone {ROLE_CERT[r].en}").get(lang) for r in roles]
    head = Text(f"{person.name} さんのスマホ ({phone.model}) に、次のスマホ用電子証明書が登録されています "
                f"({date_time_text(world.now()).ja} 現在):",
                f"{person.name}'s phone ({phone.model}) holds these smartphone certificates "
                f"(as of {date_time_text(world.now()).en}):").get(lang)
    items = "".join(f"<li>{esc(n)}</li>" for n in names)
    plain = head + "\n" + "\n".join(names)
    return HtmlBlock(f'<div class="labkit-lab-summary" lang="{lang}"><p>{esc(head)}</p><ul>{items}</ul></div>',
                     plain)


class Services(InLanguage):
    """1-2's model: the bank account opened with the signing certificate and the 住民票 printed
    with the user-authentication certificate, with what each showed (HTML). No widgets."""

    def __init__(self, world: World, person: Person, phone: Phone) -> None:
        require_registered(phone)
        self.world, self.person, self.phone = world, person, phone
        self.lang = world.lang
        self.bank_app = phone.install(BANK)
        self.account: Account | None = None
        self.juminhyo: Juminhyo | None = None
        self.bank_html = verdict(None, esc(self.t(Text(
            "まだ申し込んでいません", "no application yet"))))
        self.kiosk_html = verdict(None, esc(self.t(Text("まだ印刷していません", "nothing printed yet"))))

    def open_account(self, password: str) -> Account:
        """② The bank app asks the Mynaportal app for a signature; the bank verifies it."""
        self.account = a = pin_errors(lambda: self.world.bank.open_account(self.bank_app, password=password))
        lang = self.lang
        rows = [(self.t(Text("口座番号", "Account number")), esc(a.number)), *attribute_rows(a, lang)]
        head = self.t(Text("口座を開設しました。銀行は署名用電子証明書を検証し、基本4情報を証明書から読み取りました:",
                           "Account opened. The bank verified the signing certificate and read the four basic "
                           "attributes from it:"))
        self.bank_html = verdict(True, esc(head) + kv_table("labkit-lab-account", lang, rows))
        return a

    def print_juminhyo(self, pin: str) -> Juminhyo:
        """③ The kiosk authenticates with the user-auth certificate and prints the record."""
        self.juminhyo = record = pin_errors(lambda: self.world.kiosk.print_juminhyo(self.phone.mynaportal, pin=pin))
        text = record.text(self.lang)
        paper = (f'<pre class="labkit-lab-juminhyo" style="background:#fff;border:1px dashed #9ca3af;'
                 f'padding:.6em;font-size:13px;white-space:pre-wrap">{esc(text)}</pre>')
        self.kiosk_html = verdict(True, esc(self.t(Text("印刷しました:", "Printed:"))) + paper)
        return record


class ServicesLab(Lab):
    """1-2's view over :class:`Services` (``model``): ``portal`` (log in through the app),
    ``bank`` (open an account: the bank checks the signing certificate and reads the four basic
    attributes), ``kiosk`` (print a 住民票)."""

    def __init__(self, model: Services) -> None:
        from ...widgets import PinPad

        self.model = m = model
        self.world, self.person, self.phone, self.lang = m.world, m.person, m.phone, m.lang
        person, phone, lang = m.person, m.phone, m.lang
        # ① the portal, through the app's own screens
        self.phone_view = lab_phone(phone, lang=lang)
        pin = hint(esc(self.t(Text(f"この実習のスマホ用利用者証明用パスワード (数字4桁): {person.phone_pin}",
                                     f"The smartphone user-authentication PIN (4 digits) in this lab: "
                                     f"{person.phone_pin}"))))
        self.portal = panel([html_view(pin, "labkit-lab-note"), self.phone_view.widget], "labkit-lab-portal",
            self.t(Text("① マイナポータルにログイン", "① Log in to Mynaportal")))
        # ② the bank
        self.bank_result = html_view(m.bank_html, "labkit-lab-bank-result")
        self.bank_pad = PinPad(self.open_account, kind="signing", tries=pin_tries(phone, KeyRole.SIGN), lang=lang,
                               title=Text("スマホ用署名用電子証明書のパスワード", "Smartphone signing password"))
        password = hint(esc(self.t(Text(f"この実習のスマホ用署名用パスワード: {person.phone_password}",
                                          f"The smartphone signing password in this lab: {person.phone_password}"))))
        self.bank = panel([html_view(password, "labkit-lab-note"), self.bank_pad.widget, self.bank_result],
                         "labkit-lab-bank",
            self.t(Text("② 銀行口座の開設 (民間オンラインサービス)",
                        "② Opening a bank account (a private online service)")))
        # ③ the kiosk
        self.kiosk_result = html_view(m.kiosk_html, "labkit-lab-kiosk-result")
        self.kiosk_pad = PinPad(self.print_juminhyo, tries=pin_tries(phone, KeyRole.AUTH), lang=lang,
                                title=Text("マルチコピー機: スマホをかざして暗証番号を入力",
                                           "Multi-copy machine: hold the phone, enter the PIN"))
        since = self.t(Text(f"{SMARTPHONE_FROM.year}年{SMARTPHONE_FROM.month}月", f"{SMARTPHONE_FROM:%B %Y}"))
        self.kiosk = panel([html_view(hint(esc(self.t(Text(
            f"スマホ用電子証明書でのコンビニ交付: {since}から順次対応",
            f"Convenience-store issuance with the smartphone certificate: progressively from {since}")))) + pin,
            "labkit-lab-note"), self.kiosk_pad.widget, self.kiosk_result], "labkit-lab-kiosk",
            self.t(Text("③ コンビニで住民票の写しを取得", "③ A residence record at a convenience store")))
        # ④ not yet
        health = button(self.t(Text("スマホを健康保険証として使う", "Use the phone as a health insurance card")),
                         "labkit-lab-health", lambda: None)
        health.disabled = True
        self.health = panel([button_row(health, html_view(hint(esc(self.t(Text("今後対応予定です", "planned")))),
                                               "labkit-lab-health-note"))], "labkit-lab-health-panel",
                           self.t(Text("④ 健康保険証としての利用", "④ Use as a health insurance card")))

    # -- actions (the PIN pads call these): the model acts, then the results are shown ---------
    def open_account(self, password: str) -> Account:
        """② The bank app asks the Mynaportal app for a signature; the bank verifies it."""
        account = self.model.open_account(password)
        self.bank_result.value = self.model.bank_html
        return account

    def print_juminhyo(self, pin: str) -> Juminhyo:
        """③ The kiosk authenticates with the user-auth certificate and prints the record."""
        record = self.model.print_juminhyo(pin)
        self.kiosk_result.value = self.model.kiosk_html
        return record

    @property
    def widget(self) -> Any:
        import ipywidgets as w

        return w.VBox([self.portal, self.bank, self.kiosk, self.health])


def services_lab(world: World, person: Person, phone: Phone) -> ServicesLab:
    """1-2 lab: ``lab.portal``, ``lab.bank``, ``lab.kiosk`` (the phone must be registered)."""
    return ServicesLab(Services(world, person, phone))


