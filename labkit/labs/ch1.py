"""Chapter 1 labs (lecture 1-1 to 1-6): one function per lab.

Each function takes the objects a notebook made with the World facade (``world``, a
resident, a phone) and returns a lab object: it displays as the whole lab, and its parts
(``lab.card``, ``lab.bank``, ...) display on their own, so a notebook can put the lecture's
text between them. Everything drives real labkit objects: the card is read with APDUs, the
portal, bank and kiosk verify the smartphone certificates, TLS is a real handshake, the SE
applies its own access rules and tamper policy.

=====  =====================================================================================
1-1    :func:`world_summary` (deterministic), :func:`learner_world` (card certificates, phone)
1-2    :func:`registration_summary` (deterministic), :func:`services_lab` (portal, bank, kiosk)
1-3    :func:`benefits_lab` (no card needed, only the app, biometrics vs PIN)
1-4    :func:`tls_comparison` (deterministic), :func:`portal_safety_lab` (TLS, 利用履歴)
1-5    :func:`se_contents` (deterministic), :func:`gpse_lab` (inspect, other app, PIN, attack)
1-6    :func:`hotline_now` (deterministic), :func:`contacts_lab` (is it open now?)
=====  =====================================================================================

Deterministic outputs (compared by nbval) never show keys, serial numbers or signatures.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from cryptography import x509

from ..card import Aid, JpkiFile, KeyRole
from ..clock import SimulatedClock, SystemClock, parse_time, to_jst
from ..errors import AccessDeniedError, InputError, LabkitError, ServiceError
from ..i18n import Text, check_lang
from ..jlis.holidays import holidays, is_weekend_or_holiday
from ..jlis.hotline import HOTLINE_NAME, Hotline
from ..jlis.rules import HOTLINE_GUIDANCE_NUMBER, HOTLINE_HOURS
from ..phone import BANK, GAME
from ..pki import Sex
from ..reader import InProcessTransport, JpkiClient, PinBlockedError, WrongPinError
from ..se import DataCategory, FaultKind, TamperKind
from ..services import SMARTPHONE_FROM, MynaportalService, SiteKind
from ..services.webpki import LOOKALIKE_HOST, PORTAL_HOST

__all__ = [
    "NETWORKS",
    "PRESET_TIMES",
    "BenefitsLab",
    "ContactsLab",
    "GpseLab",
    "HotlineStatus",
    "HtmlBlock",
    "LearnerWorld",
    "Network",
    "PortalSafetyLab",
    "ServicesLab",
    "TlsCheck",
    "benefits_lab",
    "contacts_lab",
    "gpse_lab",
    "hotline_now",
    "hotline_status",
    "learner_world",
    "portal_safety_lab",
    "probe_attack",
    "read_card_certificates",
    "registration_summary",
    "se_contents",
    "services_lab",
    "tls_check",
    "tls_comparison",
    "world_summary",
]


# =========================================================================== shared pieces

def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


_WEEKDAYS = ("月", "火", "水", "木", "金", "土", "日")


def _when(value: datetime, lang: str) -> str:
    """``2026年4月1日 (水) 10:00`` / ``Wed 2026-04-01 10:00`` (JST)."""
    t = to_jst(value)
    if lang == "ja":
        return f"{t.year}年{t.month}月{t.day}日 ({_WEEKDAYS[t.weekday()]}) {t:%H:%M}"
    return f"{t:%a} {t:%Y-%m-%d %H:%M}"


def _hm(value: Any) -> str:
    """``9:30``, ``20:00``."""
    return f"{value.hour}:{value.minute:02d}"


def _day(value: date, lang: str) -> str:
    if lang == "ja":
        return f"{value.year}年{value.month}月{value.day}日"
    return value.isoformat()


_SEX = {Sex.MALE: Text("男性", "male"), Sex.FEMALE: Text("女性", "female"),
        Sex.NOT_APPLICABLE: Text("—", "—")}
_ROLE_CERT = {KeyRole.SIGN: Text("署名用電子証明書", "signing certificate"),
              KeyRole.AUTH: Text("利用者証明用電子証明書", "user-authentication certificate")}


class HtmlBlock:
    """A deterministic output: HTML for Voilà and JupyterLab, plain text as its repr (both
    are compared by nbval, so neither may contain keys, serials or signatures)."""

    def __init__(self, html_text: str, plain: str) -> None:
        self.html = html_text
        self.plain = plain

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.plain


#: Table cells align left (JupyterLab's stylesheet right-aligns table cells).
_TD = '<td style="text-align:left;vertical-align:top">'
_TD_NOWRAP = '<td style="text-align:left;vertical-align:top;white-space:nowrap">'
_TH = '<th style="text-align:left;white-space:nowrap">'


def _table(css: str, lang: str, rows: Sequence[tuple[str, str]], heads: tuple[str, str] | None = None) -> str:
    head = "" if heads is None else ("<thead><tr>" + "".join(f'<th style="text-align:left">{_esc(h)}</th>'
                                                             for h in heads) + "</tr></thead>")
    body = "".join(f'<tr><th style="text-align:left;white-space:nowrap;vertical-align:top">{_esc(k)}</th>'
                   f"{_TD}{v}</td></tr>" for k, v in rows)
    return (f'<table class="{css}" lang="{lang}" cellpadding="4" border="1" '
            f'style="border-collapse:collapse;font-size:14px;border-color:#d1d5db">{head}<tbody>{body}</tbody></table>')


def _verdict(ok: bool | None, text: str, *, css: str = "") -> str:
    """A green (ok), red (refused) or grey (None: nothing yet) box; ``data-outcome`` for tests."""
    outcome = "none" if ok is None else ("ok" if ok else "ng")
    style = {"ok": "", "ng": "", "none": "color:#6b7280;padding:.4em .8em"}[outcome]
    cls = "labkit-verdict" + ("" if ok is None else f" labkit-verdict-{outcome}")
    return (f'<div class="{cls} labkit-lab-result {css}" data-outcome="{outcome}" style="{style}">'
            f"{text}</div>")


def _hint(text: str) -> str:
    return f'<div class="labkit-lab-hint" style="color:#4b5563;font-size:13px">{text}</div>'


class _Lab:
    """A lab displays as its whole ``widget``; its parts display on their own too."""

    lang: str

    @property
    def widget(self) -> Any:
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def t(self, text: Text) -> str:
        return text.get(self.lang)


def _box(children: Sequence[Any], css: str, title: str | None = None) -> Any:
    """A titled lab panel (VBox) with a stable CSS class."""
    import ipywidgets as w

    items = list(children)
    if title is not None:
        items.insert(0, w.HTML(f'<div style="font-weight:bold;font-size:15px;margin:.3em 0">{_esc(title)}</div>'))
    box = w.VBox(items, layout=w.Layout(border="1px solid #d1d5db", padding=".5em .8em", margin=".4em 0",
                                        max_width="64em", overflow="auto"))
    box.add_class("labkit-lab")
    box.add_class(css)
    return box


def _row(*children: Any) -> Any:
    """Buttons side by side at their natural width (a VBox would stretch them)."""
    import ipywidgets as w

    return w.HBox(list(children), layout=w.Layout(flex_flow="row wrap", align_items="center"))


def _beside(phone_view: Any, side: Any) -> Any:
    """The phone mock-up at its full width, instructions and results beside it."""
    import ipywidgets as w

    phone_view.widget.layout.flex = "0 0 auto"
    side.layout.flex = "1 1 16em"
    side.layout.min_width = "16em"  # below the phone when the page is narrow
    return w.HBox([phone_view.widget, side], layout=w.Layout(flex_flow="row wrap"))


def _html(value: str, css: str) -> Any:
    import ipywidgets as w

    widget = w.HTML(value)
    widget.add_class(css)
    return widget


def _button(label: str, css: str, on_click: Callable[[], Any], *, style: str = "") -> Any:
    import ipywidgets as w

    button = w.Button(description=label, button_style=style, layout=w.Layout(width="auto"))
    button.add_class("labkit-lab-button")
    button.add_class(css)
    button.on_click(lambda _b: on_click())
    return button


def _pin_errors(action: Callable[[], Any]) -> Any:
    """Run an app action for a PIN pad: the app's wrong-PIN and locked refusals become the
    card errors the pad understands (tries left, lock); everything else passes through."""
    try:
        return action()
    except ServiceError as exc:
        if exc.reason == "wrong_pin":
            left = int(exc.details.get("tries_left") or 0)
            raise WrongPinError(exc.text, sw=0x63C0 | left, tries_left=left) from None
        if exc.reason == "locked":
            raise PinBlockedError(exc.text, sw=0x6983) from None
        raise


def _tries(phone: Any, role: KeyRole) -> Callable[[], int | None]:
    """Tries left of a smartphone PIN/password, read from the phone's SE."""
    def tries() -> int | None:
        applet = phone.se.jpki
        if applet is None:
            return None
        status = applet.pin_status(role)
        return status.remaining if status.is_set else None
    return tries


def _phone_view(phone: Any, lang: str, **options: Any) -> Any:
    from ..widgets import PhoneMockup

    return PhoneMockup(phone, lang=lang, **options)


def _registered(phone: Any) -> bool:
    try:
        return all(phone.mynaportal.present().values())
    except LabkitError:
        return False


def _require_registered(phone: Any) -> None:
    if not _registered(phone):
        raise InputError(Text("この実習はスマホ用電子証明書を登録したスマホで行います (world.apply(person, phone))",
                              "this lab needs a phone with registered smartphone certificates "
                              "(world.apply(person, phone))"))


# =========================================================================== 1-1 定義

def read_card_certificates(person: Any) -> dict[KeyRole, x509.Certificate]:
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


def _person_rows(person: Any, lang: str) -> list[tuple[str, str]]:
    a = person.resident.holder.attributes
    T = Text
    return [
        (T("氏名", "Name").get(lang), _esc(a.name)),
        (T("生年月日", "Date of birth").get(lang), _esc(_day(a.birth_date, lang))),
        (T("性別", "Sex").get(lang), _esc(_SEX.get(a.sex, T("—", "—")).get(lang))),
        (T("住所", "Address").get(lang), _esc(a.address)),
    ]


def world_summary(world: Any, person: Any, phone: Any) -> HtmlBlock:
    """1-1: who the learner is in the lab, what their card holds, what their phone holds."""
    lang = world.lang
    certs = read_card_certificates(person)
    card = []
    for role in (KeyRole.SIGN, KeyRole.AUTH):
        cert = certs.get(role)
        label = _ROLE_CERT[role].get(lang)
        if cert is None:
            card.append(f"{label}: " + Text("なし", "none").get(lang))
        else:
            until = _day(to_jst(cert.not_valid_after_utc).date(), lang)
            card.append(Text(f"{label} (有効期限 {until})", f"{label} (valid until {until})").get(lang))
    present = phone.mynaportal.present() if phone.installed() else {}
    smart = [r for r in (KeyRole.SIGN, KeyRole.AUTH) if present.get(r)]
    app = (Text("マイナポータルアプリ: インストール済み", "Mynaportal app: installed") if phone.installed()
           else Text("マイナポータルアプリ: まだありません", "Mynaportal app: not installed"))
    se = (Text("スマホ用電子証明書: " + "、".join(_ROLE_CERT[r].ja for r in smart),
               "smartphone certificates: " + ", ".join(_ROLE_CERT[r].en for r in smart)) if smart
          else Text("スマホ用電子証明書: まだありません (GP-SE は空です。第2章で申請・登録します)",
                    "smartphone certificates: none yet (the GP-SE is empty; Chapter 2 applies and registers)"))
    rows = [
        (Text("住民", "Resident").get(lang),
         _table("labkit-lab-person", lang, _person_rows(person, lang))
         + _hint(_esc(Text("清瀬市 (ラボ) に住民登録されています", "registered as a resident of Kiyose City (lab)")
                      .get(lang)))),
        (Text("マイナンバーカード", "My Number Card").get(lang),
         _esc(Text("ICチップの電子証明書: ", "certificates in the IC chip: ").get(lang))
         + "<br>".join(_esc(c) for c in card)),
        (Text("スマートフォン", "Smartphone").get(lang),
         "<br>".join(_esc(x) for x in (f"{phone.model} (Android)", app.get(lang), se.get(lang)))),
    ]
    plain = "\n".join([f"{person.name} / {phone.model} (Android)", *card, app.get(lang), se.get(lang)])
    return HtmlBlock(f'<div class="labkit-lab-summary" lang="{lang}">'
                     + _table("labkit-lab-world", lang, rows) + "</div>", plain)


class LearnerWorld(_Lab):
    """1-1: the card's two certificates in the certificate viewer (read with APDUs; the
    exchange is in ``trace``) and the phone, with the Mynaportal app and an empty GP-SE."""

    def __init__(self, world: Any, person: Any, phone: Any) -> None:
        import ipywidgets as w

        from ..widgets import ApduTraceViewer, CertificateViewer

        self.world, self.person, self.phone = world, person, phone
        self.lang = lang = world.lang
        self.trace = ApduTraceViewer(lang=lang, min_interval=0)
        self.trace.attach(person.card, Text("マイナンバーカード", "My Number Card"))
        self.certificates = read_card_certificates(person)
        self.trace.detach_all()
        self.viewers = {
            role: CertificateViewer(cert, status=world.jlis, clock=world.clock, lang=lang,
                                    title=Text(f"マイナンバーカードの{_ROLE_CERT[role].ja}",
                                               f"The My Number Card's {_ROLE_CERT[role].en}"))
            for role, cert in self.certificates.items()}
        roles = [r for r in (KeyRole.SIGN, KeyRole.AUTH) if r in self.viewers]
        short = {KeyRole.SIGN: Text("署名用", "Signing"), KeyRole.AUTH: Text("利用者証明用", "User auth")}
        tabs = w.Tab(children=[self.viewers[r].widget for r in roles], titles=[short[r].get(lang) for r in roles])
        tabs.add_class("labkit-lab-card-tabs")
        apdu_title = Text("カードとのやりとり (APDU) を見る", "Show the exchange with the card (APDUs)")
        apdus = w.Accordion(children=[self.trace.widget], titles=[self.t(apdu_title)])
        apdus.selected_index = None
        self.card = _box([tabs, apdus], "labkit-lab-card",
            self.t(Text("マイナンバーカードの電子証明書", "The My Number Card's certificates")))
        self.phone_view = _phone_view(phone, lang)
        self.device = _box([self.phone_view.widget], "labkit-lab-phone",
                           self.t(Text("あなたのスマートフォン", "Your smartphone")))

    @property
    def widget(self) -> Any:
        import ipywidgets as w

        return w.VBox([self.card, self.device])


def learner_world(world: Any, person: Any, phone: Any) -> LearnerWorld:
    """1-1 lab: ``lab.card`` (the card's certificates) and ``lab.device`` (the phone)."""
    return LearnerWorld(world, person, phone)


# =========================================================================== 1-2 できること

def registration_summary(world: Any, person: Any, phone: Any) -> HtmlBlock:
    """1-2: the phone the labs use: both smartphone certificates registered (what Chapter 2
    teaches step by step)."""
    lang = world.lang
    present = phone.mynaportal.present()
    roles = [r for r in (KeyRole.SIGN, KeyRole.AUTH) if present.get(r)]
    names = [f"スマホ用{_ROLE_CERT[r].ja}" if lang == "ja" else f"smartphone {_ROLE_CERT[r].en}" for r in roles]
    head = Text(f"{person.name} さんのスマホ ({phone.model}) に、次のスマホ用電子証明書が登録されています "
                f"({_when(world.now(), 'ja')} 現在):",
                f"{person.name}'s phone ({phone.model}) holds these smartphone certificates "
                f"(as of {_when(world.now(), 'en')}):").get(lang)
    items = "".join(f"<li>{_esc(n)}</li>" for n in names)
    plain = head + "\n" + "\n".join(names)
    return HtmlBlock(f'<div class="labkit-lab-summary" lang="{lang}"><p>{_esc(head)}</p><ul>{items}</ul></div>',
                     plain)


class ServicesLab(_Lab):
    """1-2: ``portal`` (log in through the app), ``bank`` (open an account: the bank checks
    the signing certificate and reads the four basic attributes), ``kiosk`` (print a 住民票)."""

    def __init__(self, world: Any, person: Any, phone: Any) -> None:
        from ..widgets import PinPad

        _require_registered(phone)
        self.world, self.person, self.phone = world, person, phone
        self.lang = lang = world.lang
        self.account: Any = None
        self.juminhyo: Any = None
        # ① the portal, through the app's own screens
        self.phone_view = _phone_view(phone, lang)
        pin = _hint(_esc(self.t(Text(f"この実習のスマホ用利用者証明用パスワード (数字4桁): {person.phone_pin}",
                                     f"The smartphone user-authentication PIN (4 digits) in this lab: "
                                     f"{person.phone_pin}"))))
        self.portal = _box([_html(pin, "labkit-lab-note"), self.phone_view.widget], "labkit-lab-portal",
            self.t(Text("① マイナポータルにログイン", "① Log in to Mynaportal")))
        # ② the bank
        self.bank_app = phone.install(BANK)
        self.bank_result = _html(_verdict(None, _esc(self.t(Text(
            "まだ申し込んでいません", "no application yet")))), "labkit-lab-bank-result")
        self.bank_pad = PinPad(self.open_account, kind="signing", tries=_tries(phone, KeyRole.SIGN), lang=lang,
                               title=Text("スマホ用署名用電子証明書のパスワード", "Smartphone signing password"))
        password = _hint(_esc(self.t(Text(f"この実習のスマホ用署名用パスワード: {person.phone_password}",
                                          f"The smartphone signing password in this lab: {person.phone_password}"))))
        self.bank = _box([_html(password, "labkit-lab-note"), self.bank_pad.widget, self.bank_result],
                         "labkit-lab-bank",
            self.t(Text("② 銀行口座の開設 (民間オンラインサービス)",
                        "② Opening a bank account (a private online service)")))
        # ③ the kiosk
        self.kiosk_result = _html(_verdict(None, _esc(self.t(Text("まだ印刷していません", "nothing printed yet")))),
                                  "labkit-lab-kiosk-result")
        self.kiosk_pad = PinPad(self.print_juminhyo, tries=_tries(phone, KeyRole.AUTH), lang=lang,
                                title=Text("マルチコピー機: スマホをかざして暗証番号を入力",
                                           "Multi-copy machine: hold the phone, enter the PIN"))
        since = (f"{SMARTPHONE_FROM.year}年{SMARTPHONE_FROM.month}月" if lang == "ja"
                 else f"{SMARTPHONE_FROM:%B %Y}")
        self.kiosk = _box([_html(_hint(_esc(self.t(Text(
            f"スマホ用電子証明書でのコンビニ交付: {since}から順次対応",
            f"Convenience-store issuance with the smartphone certificate: progressively from {since}")))) + pin,
            "labkit-lab-note"), self.kiosk_pad.widget, self.kiosk_result], "labkit-lab-kiosk",
            self.t(Text("③ コンビニで住民票の写しを取得", "③ A residence record at a convenience store")))
        # ④ not yet
        health = _button(self.t(Text("スマホを健康保険証として使う", "Use the phone as a health insurance card")),
                         "labkit-lab-health", lambda: None)
        health.disabled = True
        self.health = _box([_row(health, _html(_hint(_esc(self.t(Text("今後対応予定です", "planned")))),
                                               "labkit-lab-health-note"))], "labkit-lab-health-panel",
                           self.t(Text("④ 健康保険証としての利用", "④ Use as a health insurance card")))

    # -- actions (the PIN pads call these) -------------------------------------------------
    def open_account(self, password: str) -> Any:
        """② The bank app asks the Mynaportal app for a signature; the bank verifies it."""
        self.account = _pin_errors(lambda: self.world.bank.open_account(self.bank_app, password=password))
        a, lang = self.account, self.lang
        rows = [(self.t(Text("口座番号", "Account number")), _esc(a.number)),
                (self.t(Text("氏名", "Name")), _esc(a.name)),
                (self.t(Text("生年月日", "Date of birth")), _esc(_day(a.birth_date, lang))),
                (self.t(Text("性別", "Sex")), _esc(_SEX.get(a.sex, Text("—", "—")).get(lang))),
                (self.t(Text("住所", "Address")), _esc(a.address))]
        head = self.t(Text("口座を開設しました。銀行は署名用電子証明書を検証し、基本4情報を証明書から読み取りました:",
                           "Account opened. The bank verified the signing certificate and read the four basic "
                           "attributes from it:"))
        self.bank_result.value = _verdict(True, _esc(head) + _table("labkit-lab-account", lang, rows))
        return self.account

    def print_juminhyo(self, pin: str) -> Any:
        """③ The kiosk authenticates with the user-auth certificate and prints the record."""
        self.juminhyo = _pin_errors(lambda: self.world.kiosk.print_juminhyo(self.phone.mynaportal, pin=pin))
        text = self.juminhyo.text(self.lang)
        paper = (f'<pre class="labkit-lab-juminhyo" style="background:#fff;border:1px dashed #9ca3af;'
                 f'padding:.6em;font-size:13px;white-space:pre-wrap">{_esc(text)}</pre>')
        self.kiosk_result.value = _verdict(True, _esc(self.t(Text("印刷しました:", "Printed:"))) + paper)
        return self.juminhyo

    @property
    def widget(self) -> Any:
        import ipywidgets as w

        return w.VBox([self.portal, self.bank, self.kiosk, self.health])


def services_lab(world: Any, person: Any, phone: Any) -> ServicesLab:
    """1-2 lab: ``lab.portal``, ``lab.bank``, ``lab.kiosk`` (the phone must be registered)."""
    return ServicesLab(world, person, phone)


# =========================================================================== 1-3 メリット

_FINGERS = (("owner", Text("本人の指", "the owner's finger")), ("other", Text("別の人の指", "someone else's finger")))


class BenefitsLab(_Lab):
    """1-3: ``phone`` (log in with the PIN, register biometrics, log in with a finger; the card
    stays at home), ``logins`` (every login with its method), ``apps`` (only the Mynaportal app
    reaches the certificate)."""

    def __init__(self, world: Any, person: Any, phone: Any) -> None:
        import ipywidgets as w

        _require_registered(phone)
        self.world, self.person, self.phone = world, person, phone
        self.lang = lang = world.lang
        self.phone_view = _phone_view(phone, lang)
        self.finger = w.ToggleButtons(options=[(t.get(lang), key) for key, t in _FINGERS], value="owner",
                                      description=self.t(Text("センサーに触れる指", "Finger on the sensor")),
                                      style={"description_width": "initial"})
        self.finger.add_class("labkit-lab-finger")
        self.finger.observe(lambda change: self.set_finger(change["new"]), names="value")
        self.login_table = _html("", "labkit-lab-logins")
        self.phone_view.title.observe(lambda _change: self.redraw(), names="value")
        steps = self.t(Text(
            "1. 「ログイン」→ 暗証番号 (数字4桁) を入力 →「ログイン」。<br>"
            "2. 「ログアウト」→「メニュー」→「生体認証などを利用登録する」→ 暗証番号を入力 →「登録する」"
            "→「閉じる」。<br>"
            "3. 「ログイン」→「生体認証でログイン」。指を「別の人の指」に変えて、もう一度試してみましょう。",
            "1. “Log in” → type the 4-digit PIN → “Log in”.<br>"
            "2. “Log out” → “Menu” → “Register biometrics etc.” → type the PIN → “Register” → “Close”.<br>"
            "3. “Log in” → “Log in with biometrics”. Then switch to someone else's finger and try again."))
        status = self.t(Text(
            f"マイナンバーカード: 家に置いたまま (スマホにかざしていません) / カードリーダー: なし / "
            f"暗証番号: {person.phone_pin}",
            f"My Number Card: left at home (not held to the phone) / card reader: none / PIN: {person.phone_pin}"))
        side = w.VBox([self.finger, self.login_table], layout=w.Layout(margin="0 0 0 1em"))
        self.finger.layout.width = "auto"
        self.login_panel = _box([_html(_hint(steps) + _hint(_esc(status)), "labkit-lab-note"),
                                 _beside(self.phone_view, side)], "labkit-lab-benefits",
                                self.t(Text("暗証番号と生体認証でログイン", "Log in with the PIN and with biometrics")))
        self.game = phone.install(GAME)
        self.apps_result = _html(_verdict(None, _esc(self.t(Text("まだ試していません", "not tried yet")))),
                                 "labkit-lab-apps-result")
        self.apps = _box([
            _row(_button(self.t(Text("マイナポータルアプリから確かめる", "Check from the Mynaportal app")),
                            "labkit-lab-app-mynaportal", self.try_mynaportal),
                    _button(self.t(Text("パズルゲームから読み出そうとする", "Try to read it from a puzzle game")),
                            "labkit-lab-app-game", self.try_game, style="danger")),
            self.apps_result], "labkit-lab-apps",
            self.t(Text("証明書に届くのはマイナポータルアプリだけ", "Only the Mynaportal app reaches the certificate")))
        self.redraw()

    def set_finger(self, who: str) -> None:
        """Whose finger is on the sensor: ``owner`` or ``other``."""
        self.phone.biometrics.user = self.phone.biometrics.enrolled if who == "owner" else "someone else"
        if self.finger.value != who:
            self.finger.value = who
        self.redraw()

    def logins(self) -> list[Any]:
        """The login events of the usage history (newest first)."""
        from ..jlis import UsageKind

        events = self.world.jlis.usage_history(holder_id=self.person.holder_id)
        return [e for e in events if e.kind is UsageKind.LOGIN]

    def redraw(self) -> None:
        lang = self.lang
        rows = self.logins()
        if not rows:
            self.login_table.value = _hint(_esc(self.t(Text("ログインの記録はまだありません", "no logins yet"))))
            return
        head = (self.t(Text("日時", "When")), self.t(Text("ログインの記録", "Login")), self.t(Text("結果", "Result")))
        body = "".join(
            f'<tr data-outcome="{_esc(e.outcome)}">{_TD_NOWRAP}{_esc(f"{to_jst(e.at):%H:%M}")}</td>'
            f"{_TD}{_esc(e.detail.get(lang))}</td>"
            f"{_TD_NOWRAP}{_esc(self.t(Text('成功', 'ok')) if e.outcome == 'ok' else e.outcome)}</td></tr>"
            for e in rows)
        self.login_table.value = (
            f'<b>{_esc(self.t(Text("ログインの記録 (利用履歴から)", "Logins (from the usage history)")))}</b>'
            f'<table class="labkit-lab-login-table" cellpadding="3" border="1" style="border-collapse:collapse;'
            f'font-size:13px;border-color:#d1d5db"><thead><tr>{"".join(_TH + _esc(h) + "</th>" for h in head)}'
            f"</tr></thead><tbody>{body}</tbody></table>")

    def try_mynaportal(self) -> bool:
        """The Mynaportal app looks into the SE: allowed by the SE's access rules."""
        present = self.phone.mynaportal.present()
        names = "、".join(_ROLE_CERT[r].ja for r, ok in present.items() if ok) if self.lang == "ja" else \
            ", ".join(_ROLE_CERT[r].en for r, ok in present.items() if ok)
        self.apps_result.value = _verdict(True, _esc(self.t(Text(
            f"マイナポータルアプリ: GP-SE に届きました (スマホ用の{names}があります)",
            f"Mynaportal app: reached the GP-SE (it holds the smartphone {names})"))))
        return True

    def try_game(self) -> bool:
        """Another app opens the SE's JPKI AP directly: the SE's access rules refuse it."""
        try:
            channel = self.game.open_jpki_channel()
        except AccessDeniedError as exc:
            self.apps_result.value = _verdict(False, _esc(self.t(Text(
                f"パズルゲーム: 拒否されました ({exc.text.ja})", f"Puzzle game: refused ({exc.text.en})"))))
            return False
        channel.close()  # pragma: no cover - the SE never lets it in
        self.apps_result.value = _verdict(True, "?")  # pragma: no cover
        return True  # pragma: no cover

    @property
    def widget(self) -> Any:
        import ipywidgets as w

        return w.VBox([self.login_panel, self.apps])


def benefits_lab(world: Any, person: Any, phone: Any) -> BenefitsLab:
    """1-3 lab: ``lab.login_panel`` (PIN vs biometrics) and ``lab.apps`` (only the app)."""
    return BenefitsLab(world, person, phone)


# =========================================================================== 1-4 安全対策

@dataclass(frozen=True, slots=True)
class Network:
    """A network the learner can put the phone on: which site ``host`` leads to."""

    key: str
    label: Text
    host: str
    site: SiteKind | None  # None: normal DNS


NETWORKS: tuple[Network, ...] = (
    Network("genuine", Text("いつもの回線 → 本物のマイナポータル", "your usual network → the genuine Mynaportal"),
            PORTAL_HOST, None),
    Network("impostor", Text("偽の Wi-Fi → 同じ名前を名乗る偽サイト",
                             "a rogue Wi-Fi → a fake site using the same name"), PORTAL_HOST, SiteKind.IMPOSTOR),
    Network("lookalike", Text(f"似たドメイン {LOOKALIKE_HOST} の偽サイト",
                              f"a fake site on the look-alike domain {LOOKALIKE_HOST}"), LOOKALIKE_HOST, None),
    Network("wrong_name", Text("偽の Wi-Fi → 別のサイトの証明書を出すサーバ",
                               "a rogue Wi-Fi → a server showing another site's certificate"),
            PORTAL_HOST, SiteKind.WRONG_NAME),
)


def _network(key: str) -> Network:
    for n in NETWORKS:
        if n.key == key:
            return n
    raise InputError(Text(f"そのようなネットワークはありません: {key!r}", f"no such network: {key!r}"))


@dataclass(frozen=True, slots=True)
class TlsCheck:
    """One real TLS handshake from the phone, as the learner sees it."""

    network: Network
    result: Any  # labkit.services.TlsResult

    @property
    def ok(self) -> bool:
        return bool(self.result.ok)

    def verdict(self) -> Text:
        if self.ok:
            return Text(f"{self.network.host} と暗号化通信を確立しました "
                        "(サーバ証明書は信頼できる認証局につながり、名前も一致)",
                        f"encrypted connection to {self.network.host} established (the server certificate chains "
                        "to a trusted CA and the name matches)")
        failure = self.result.failure.text
        return Text(f"接続を拒否しました: {failure.ja}", f"connection refused: {failure.en}")


def tls_check(phone: Any, network: Network | str) -> TlsCheck:
    """Put the phone on ``network`` and open a TLS connection to its host (OpenSSL checks
    the chain and the name against the lab web root); the phone's DNS is restored after."""
    net = _network(network) if isinstance(network, str) else network
    if net.site is not None:
        phone.spoof(net.host, net.site)
    try:
        result = phone.connect(net.host)
    finally:
        if net.site is not None:
            phone.spoof(net.host, None)
    return TlsCheck(net, result)


def tls_comparison(world: Any, phone: Any) -> HtmlBlock:
    """1-4: the same phone on every lab network: only the genuine portal is accepted."""
    lang = world.lang
    rows = []
    plain = []
    for net in NETWORKS:
        check = tls_check(phone, net)
        issuer = check.result.presented.issuer.rfc4514_string() if check.result.presented is not None else "—"
        mark = Text("○ 受け入れ", "✓ accepted") if check.ok else Text("× 拒否", "✗ refused")
        reason = "" if check.ok else check.result.failure.text.get(lang)
        rows.append((net.label.get(lang), issuer, mark.get(lang), reason))
        plain.append(f"{net.key}: {'ok' if check.ok else check.result.failure.value}")
    heads = [Text("接続先", "Network"), Text("サーバ証明書の発行者", "Issuer of the server certificate"),
             Text("アプリの判定", "The app's verdict"), Text("理由", "Why")]
    head = "".join(_TH + _esc(h.get(lang)) + "</th>" for h in heads)
    body = "".join(f'<tr class="labkit-lab-tls-{"ok" if r[2].startswith(("○", "✓")) else "ng"}">'
                   + "".join(f"{_TD}{_esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    table = (f'<table class="labkit-lab-tls-table" lang="{lang}" cellpadding="4" border="1" '
             f'style="border-collapse:collapse;font-size:14px;border-color:#d1d5db"><thead><tr>{head}</tr></thead>'
             f"<tbody>{body}</tbody></table>")
    return HtmlBlock(f'<div class="labkit-lab-summary" lang="{lang}">{table}</div>', "\n".join(plain))


class PortalSafetyLab(_Lab):
    """1-4: ``tls`` (choose a network, connect, inspect the server certificate, try to log in)
    and ``history`` (the app's 利用履歴, with services that add entries)."""

    def __init__(self, world: Any, person: Any, phone: Any) -> None:
        import ipywidgets as w

        _require_registered(phone)
        self.world, self.person, self.phone = world, person, phone
        self.lang = lang = world.lang
        self.last: TlsCheck | None = None
        self.choice = w.RadioButtons(options=[(n.label.get(lang), n.key) for n in NETWORKS], value="genuine",
                                     layout=w.Layout(width="auto"))
        self.choice.add_class("labkit-lab-network")
        self.result = _html(_verdict(None, _esc(self.t(Text("まだ接続していません", "not connected yet")))),
                            "labkit-lab-tls-result")
        self.certificate = w.VBox()
        self.certificate.add_class("labkit-lab-server-cert")
        self.login_result = _html("", "labkit-lab-login-result")
        self.tls = _box([
            _html(_hint(_esc(self.t(Text("スマホをつなぐネットワーク:", "The network the phone is on:")))),
                  "labkit-lab-note"),
            self.choice,
            _row(*[_button(self.t(Text("接続する", "Connect")), "labkit-lab-connect", self.connect, style="primary"),
                    _button(self.t(Text(f"ログインしてみる (暗証番号 {person.phone_pin})",
                                        f"Try to log in (PIN {person.phone_pin})")),
                            "labkit-lab-try-login", self.try_login)]),
            self.result, self.login_result, self.certificate], "labkit-lab-tls",
            self.t(Text("通信の暗号化とサーバ証明書", "Encrypted communication and the server certificate")))
        # 利用履歴 in the app, and services that leave entries in it
        self.phone_view = _phone_view(phone, lang)
        self.service_result = _html("", "labkit-lab-service-result")
        howto = _html(_hint(self.t(Text(
                "アプリで「ログイン」→ 暗証番号 →「ログイン」→「利用履歴」と進みます。スマホの横のボタンで電子申請や"
                "コンビニ交付を行うと、その記録も増えます (「戻る」→「利用履歴」で再表示)。",
                "In the app: “Log in” → PIN → “Log in” → “Usage history”. The buttons by the phone make an "
                "electronic application or use a convenience store; they appear in the history too (“Back” → "
                "“Usage history” to reload)."))), "labkit-lab-note")
        side = w.VBox([
            _row(_button(self.t(Text("確定申告を電子署名して提出", "Sign and submit a tax return")),
                         "labkit-lab-tax", self.submit_tax_return)),
            _row(_button(self.t(Text("コンビニで住民票の写しを取得", "Residence record at a store")),
                         "labkit-lab-konbini", self.use_kiosk)),
            self.service_result], layout=w.Layout(margin="0 0 0 1em"))
        self.history = _box([howto, _beside(self.phone_view, side)], "labkit-lab-history",
                            self.t(Text("利用履歴の確認", "Checking the usage history")))

    def connect(self, network: str | None = None) -> TlsCheck:
        """A real TLS handshake on the chosen network; shows the server certificate."""
        from ..widgets import CertificateViewer

        if network is not None:
            self.choice.value = network
        check = tls_check(self.phone, self.choice.value)
        self.last = check
        result = check.result
        details = ""
        if check.ok:
            details = self.t(Text(f"プロトコル {result.version}、暗号スイート {result.cipher}",
                                  f"protocol {result.version}, cipher suite {result.cipher}"))
        else:
            details = result.detail
        self.result.value = _verdict(check.ok, _esc(check.verdict().get(self.lang))
                                     + f'<div style="font-size:12px">{_esc(details)}</div>')
        self.login_result.value = ""
        if result.presented is not None:
            pki = self.phone.network.web.pki
            viewer = CertificateViewer(result.presented, anchors=[pki.root], intermediates=[pki.intermediate],
                                       clock=SystemClock(), lang=self.lang,
                                       title=Text("サーバが提示したサーバ証明書 (有効期間は実際の時刻で判定)",
                                                  "The server certificate the site presented (validity judged "
                                                  "on the real time, as TLS does)"))
            self.certificate.children = (viewer.widget,)
        else:
            self.certificate.children = ()
        return check

    def try_login(self, network: str | None = None) -> bool:
        """Log in to whatever the chosen network leads to; refused on a fake site before the
        PIN is used or anything is signed."""
        if network is not None:
            self.choice.value = network
        net = _network(self.choice.value)
        pin = self.person.phone_pin
        try:
            if net.host == PORTAL_HOST:
                if net.site is not None:
                    self.phone.spoof(net.host, net.site)
                try:
                    session = self.world.login(self.phone, pin=pin)
                finally:
                    self.phone.spoof(net.host, None)
            else:
                fake = MynaportalService(self.world.jlis, self.world.clock)
                fake.host = net.host
                session = fake.login(self.phone.mynaportal, pin=pin)
        except ServiceError as exc:
            extra = self.t(Text("暗証番号は使われず、何も署名されていません。利用履歴にも残りません。",
                                "The PIN was not used and nothing was signed; nothing enters the usage history."))
            self.login_result.value = _verdict(False, _esc(self.t(Text("アプリがログインを中止しました: ",
                                                                       "The app stopped the login: ")))
                                               + _esc(exc.text.get(self.lang)) + f"<br>{_esc(extra)}")
            return False
        when = f"{to_jst(session.logged_in_at):%H:%M}"
        self.login_result.value = _verdict(True, _esc(self.t(Text(
            f"ログインしました ({when})。利用履歴に記録されました。",
            f"logged in ({when}); recorded in the usage history."))))
        return True

    def submit_tax_return(self) -> Any:
        """Log in and send a signed tax return (signature with the smartphone signing key)."""
        from ..services import Procedure

        try:
            session = self.world.login(self.phone, pin=self.person.phone_pin)
            receipt = session.submit(Procedure.TAX_RETURN, {"year": to_jst(self.world.now()).year - 1},
                                     app=self.phone.mynaportal, password=self.person.phone_password)
        except LabkitError as exc:
            self.service_result.value = _verdict(False, _esc(exc.text.get(self.lang)))
            return None
        self.service_result.value = _verdict(True, _esc(receipt.statement.get(self.lang)))
        return receipt

    def use_kiosk(self) -> Any:
        try:
            copy = self.world.kiosk.print_juminhyo(self.phone.mynaportal, pin=self.person.phone_pin)
        except LabkitError as exc:
            self.service_result.value = _verdict(False, _esc(exc.text.get(self.lang)))
            return None
        self.service_result.value = _verdict(True, _esc(self.t(Text(
            f"{copy.store.ja} で住民票の写しを印刷しました", f"printed a residence record at {copy.store.en}"))))
        return copy

    def history_rows(self) -> list[Any]:
        """利用履歴 of the learner (newest first), as the app shows it."""
        return list(self.world.jlis.usage_history(holder_id=self.person.holder_id))

    @property
    def widget(self) -> Any:
        import ipywidgets as w

        return w.VBox([self.tls, self.history])


def portal_safety_lab(world: Any, person: Any, phone: Any) -> PortalSafetyLab:
    """1-4 lab: ``lab.tls`` (genuine vs fake portal) and ``lab.history`` (利用履歴)."""
    return PortalSafetyLab(world, person, phone)


# =========================================================================== 1-5 GP-SE

_STORED_ORDER = (DataCategory.PRIVATE_KEY, DataCategory.CERTIFICATE, DataCategory.CA_CERTIFICATE,
                 DataCategory.PIN_STATE)


def se_contents(phone: Any, lang: str = "ja") -> HtmlBlock:
    """1-5: what the phone's GP-SE holds for JPKI (by kind) and what it never holds, from the
    SE's own inventory (what 「スマホ電子証明書の確認」 lists)."""
    lang = check_lang(lang)
    inventory = phone.se.inventory()
    jpki = [i for i in inventory.items if i.category in _STORED_ORDER]
    stored = []
    for category in _STORED_ORDER:
        names = [i.name.get(lang) for i in jpki if i.category is category]
        if names:
            stored.append((category.label.get(lang), "、".join(names) if lang == "ja" else ", ".join(names)))
    absent = [c.label.get(lang) for c in inventory.not_stored]
    heads = (Text("種類", "Kind").get(lang), Text("内容", "Items").get(lang))
    table = _table("labkit-lab-se-stored", lang, [(k, _esc(v)) for k, v in stored], heads)
    title_in = Text("GP-SE に格納されているもの (公的個人認証AP)", "Stored in the GP-SE (JPKI AP)").get(lang)
    title_out = Text("スマホに記録されない情報", "Never recorded on the phone").get(lang)
    items = "".join(f'<li class="labkit-lab-se-absent">{_esc(a)}</li>' for a in absent)
    plain = "\n".join([title_in, *(f"{k}: {v}" for k, v in stored), title_out, *absent])
    return HtmlBlock(f'<div class="labkit-lab-summary" lang="{lang}"><b>{_esc(title_in)}</b>{table}'
                     f"<b>{_esc(title_out)}</b><ul>{items}</ul></div>", plain)


def _probe_commands() -> list[bytes]:
    """An extraction attempt, command by command: select the JPKI AP, then try to read every
    key and PIN file (by path and by short identifier), then sweep unknown instructions."""
    commands = [bytes.fromhex("00A4040C0A") + bytes(Aid.JPKI)]
    for fid in (JpkiFile.AUTH_KEY, JpkiFile.SIGN_KEY, JpkiFile.AUTH_PIN, JpkiFile.SIGN_PIN):
        commands.append(bytes.fromhex("00A4020C02") + int(fid).to_bytes(2, "big"))
        commands.append(bytes.fromhex("00B0000080"))
        commands.append(bytes((0x00, 0xB0, 0x80 | int(fid), 0x00, 0x80)))
    commands += [bytes((0x80, ins, 0x00, 0x00)) for ins in range(0xF0, 0x100)]
    return commands


#: What the SE does when it has had enough (see :class:`labkit.se.TamperPolicy`).
_REACTIONS = (TamperKind.JPKI_ERASED, TamperKind.CARD_LOCKED, TamperKind.CARD_TERMINATED)


@dataclass(frozen=True, slots=True)
class ProbeStep:
    command: bytes
    response: bytes

    @property
    def sw(self) -> int:
        return int.from_bytes(self.response[-2:], "big")


def probe_attack(se: Any, *, limit: int = 64) -> list[ProbeStep]:
    """Send an extraction attempt straight to the chip (as a tool wired to the SE would,
    bypassing Android and the access rules) until the SE's tamper response has erased the
    JPKI keys (or, on an SE with nothing to erase, locked itself); returns every exchange. The
    SE answers each probe with an error and counts it; at its policy's limit it erases the
    certificates and keys and locks itself."""
    steps: list[ProbeStep] = []
    start = len(se.events())
    commands = _probe_commands()
    for i in range(limit):
        command = commands[i % len(commands)]
        steps.append(ProbeStep(command, se.transmit(command)))
        if any(e.kind in _REACTIONS for e in se.events()[start:]):
            break
    return steps


class GpseLab(_Lab):
    """1-5: ``inspector`` (the SE inspector), ``check`` (the app's 「スマホ電子証明書の確認」),
    ``other_app`` (denied by the access rules), ``pin`` (guess the PIN until it locks),
    ``attack`` (an extraction attempt; the SE erases its keys) with ``trace`` (every APDU the
    SE sees, from the moment the lab starts)."""

    def __init__(self, world: Any, person: Any, phone: Any) -> None:

        from ..widgets import ApduTraceViewer, PinPad, SeInspector

        _require_registered(phone)
        self.world, self.person, self.phone = world, person, phone
        self.lang = lang = world.lang
        self.trace = ApduTraceViewer(lang=lang, max_rows=40)
        self.trace.attach(phone.se, Text("スマホの GP-SE", "phone GP-SE"))
        self.se_view = SeInspector(phone.se, lang=lang)
        self.inspector = _box([self.se_view.widget], "labkit-lab-inspector",
            self.t(Text("GP-SE の中を見る", "Inside the GP-SE")))
        self.phone_view = _phone_view(phone, lang)
        self.check = _box([_html(_hint(_esc(self.t(Text(
            "「メニュー」→「スマホ電子証明書の確認」", "“Menu” → “Check the smartphone e-certificate”")))),
            "labkit-lab-note"), self.phone_view.widget], "labkit-lab-check",
            self.t(Text("アプリで確認する", "Checking in the app")))
        self.game = phone.install(GAME)
        self.other_result = _html(_verdict(None, _esc(self.t(Text("まだ試していません", "not tried yet")))),
                                  "labkit-lab-other-result")
        self.other_app = _box([
            _html(_hint(_esc(self.t(Text(
                "スマホに入れたパズルゲームが、GP-SE の公的個人認証AP を直接開こうとします。GP-SE はアプリの"
                "署名証明書を確かめ、アクセス規則 (ARA-M) に従って判断します。",
                "A puzzle game installed on the phone tries to open the GP-SE's JPKI AP directly. The GP-SE checks "
                "the app's signing certificate against its access rules (ARA-M).")))), "labkit-lab-note"),
            _row(_button(self.t(Text("パズルゲームから GP-SE を開く", "Open the GP-SE from the puzzle game")),
                         "labkit-lab-open-game", self.try_other_app, style="danger")),
            self.other_result], "labkit-lab-other-app",
            self.t(Text("ほかのアプリからは届かない", "Other apps cannot reach it")))
        self.guesses: list[tuple[str, Text]] = []
        self.guess_log = _html("", "labkit-lab-guess-log")
        self.pad = PinPad(self.guess_pin, tries=_tries(phone, KeyRole.AUTH), brute_force=True, lang=lang,
                          title=Text("拾った人がマイナポータルアプリに暗証番号を入力",
                                     "A finder types PINs into the Mynaportal app"))
        self.pin = _box([_html(_hint(_esc(self.t(Text(
            "スマホを拾った人が、暗証番号を当てずっぽうに入力します。「ロックするまで試す」で 0000, 0001, ... と"
            "順に試すと、何回で止まるでしょうか。(本人の暗証番号は教えません)",
            "Someone who found the phone guesses PINs. “Guess until it locks” tries 0000, "
            "0001, ...: how many tries until it stops? (The owner's PIN is not shown.)")))), "labkit-lab-note"),
            self.pad.widget, self.guess_log], "labkit-lab-pin", self.t(Text("暗証番号はロックされる", "The PIN locks")))
        self.attack_result = _html(_verdict(None, _esc(self.t(Text("まだ攻撃していません", "no attack yet")))),
                                   "labkit-lab-attack-result")
        self.owner_result = _html("", "labkit-lab-owner-result")
        self.attack = _box([
            _html(_hint(_esc(self.t(Text(
                "攻撃者がスマホを分解し、GP-SE のチップに直接コマンドを送って鍵を読み出そうとします (論理攻撃)。"
                "または、チップにレーザーを当てて誤動作させようとします (物理攻撃)。GP-SE はどうするでしょうか。"
                "下の APDU トレースと、上の「GP-SE の中を見る」の表示の変化を見てください。",
                "An attacker opens the phone and sends commands straight to the GP-SE chip to read the keys "
                "(logical attack), or shines a laser at the chip to make it misbehave (physical attack). What does "
                "the GP-SE do? Watch the APDU trace below and the 'Inside the GP-SE' panel above.")))),
                "labkit-lab-note"),
            _row(*[_button(self.t(Text("鍵を読み出そうとする (論理攻撃)", "Try to read the keys (logical attack)")),
                            "labkit-lab-probe", self.run_probe_attack, style="danger"),
                    _button(self.t(Text("レーザーを当てる (物理攻撃)", "Shine a laser at the chip (physical attack)")),
                            "labkit-lab-laser", self.run_fault_attack, style="danger"),
                    _button(self.t(Text("本人がログインしてみる", "The owner tries to log in")),
                            "labkit-lab-owner-login", self.owner_login)]),
            self.attack_result, self.owner_result, self.trace.widget], "labkit-lab-attack",
            self.t(Text("盗み出そうとすると自動的に消去", "Extraction attempts erase the data")))

    # -- actions ----------------------------------------------------------------------------
    def try_other_app(self) -> bool:
        """The game asks the SE service for a channel to the JPKI AP: denied."""
        try:
            channel = self.game.open_jpki_channel()
        except AccessDeniedError as exc:
            rows = "".join(f"<li>{_esc(e.package)}: "
                           f"{_esc(self.t(Text('許可', 'allowed') if e.allowed else Text('拒否', 'denied')))}</li>"
                           for e in self.phone.access_log[-4:])
            refused = self.t(Text("GP-SE が拒否しました: ", "The GP-SE refused: "))
            log = self.t(Text("アクセスの記録 (新しいものが下):", "Access log (newest last):"))
            self.other_result.value = _verdict(False, _esc(refused) + _esc(exc.text.get(self.lang))
                                               + f'<div style="font-size:12px">{_esc(log)}<ul>{rows}</ul></div>')
            self.se_view.refresh(get_status=False)
            return False
        channel.close()  # pragma: no cover - the SE never lets it in
        return True  # pragma: no cover

    def guess_pin(self, pin: str) -> None:
        """One guess through the Mynaportal app: VERIFY in the SE (a wrong PIN costs a try).
        Every guess is listed (the finder's guesses are no secret)."""
        app = self.phone.mynaportal
        answer = Text("一致", "correct")
        try:
            app.se().verify(KeyRole.AUTH, pin, allow_last_try=True)
        except LabkitError as exc:
            answer = exc.text
            raise
        finally:
            app.close()  # never leave a verified PIN on an open channel
            self.guesses.append((pin, answer))
            items = "".join(f"<li><code>{_esc(p)}</code> → {_esc(a.get(self.lang))}</li>" for p, a in self.guesses)
            self.guess_log.value = (f'<div class="labkit-lab-guesses" data-count="{len(self.guesses)}">'
                                    f"<b>{_esc(self.t(Text('入力された暗証番号', 'PINs tried')))}</b>"
                                    f'<ol style="font-size:13px">{items}</ol></div>')
            self.se_view.refresh(get_status=False)

    def run_probe_attack(self) -> list[ProbeStep]:
        steps = probe_attack(self.phone.se)
        self._show_attack(Text(f"{len(steps)} 個のコマンドで鍵を読み出そうとしました。",
                               f"{len(steps)} commands tried to read the keys."))
        return steps

    def run_fault_attack(self) -> Any:
        event = self.phone.se.detect_fault(FaultKind.LIGHT, "laser")
        self._show_attack(Text("チップのセンサーがレーザーを検知しました。", "The chip's sensors detected the laser."))
        return event

    def erased(self) -> bool:
        applet = self.phone.se.jpki
        return applet is None or not applet.has_anything()

    def _show_attack(self, what: Text) -> None:
        self.se_view.refresh(get_status=False)
        if self.erased():
            outcome = Text("GP-SE が自動的にスマホ用電子証明書と鍵を消去し、自分をロックしました。"
                           "攻撃者は何も持ち出せません。",
                           "The GP-SE automatically erased the smartphone certificates and keys and locked itself. "
                           "The attacker gets nothing.")
        else:
            outcome = Text("鍵は読み出せませんでした (GP-SE はエラーを返し、試みを記録しています)。",
                           "The keys could not be read (the GP-SE answers with errors and records the attempts).")
        erased = self.erased()
        self.attack_result.value = _verdict(True if erased else None,
                                            _esc(what.get(self.lang) + " " + outcome.get(self.lang)),
                                            css="labkit-lab-erased" if erased else "labkit-lab-kept")

    def owner_login(self) -> bool:
        try:
            self.world.login(self.phone, pin=self.person.phone_pin)
        except LabkitError as exc:
            self.owner_result.value = _verdict(False, _esc(self.t(Text("本人もログインできません: ",
                                                                       "Even the owner cannot log in: ")))
                                               + _esc(exc.text.get(self.lang)), css="labkit-lab-login-refused")
            return False
        self.owner_result.value = _verdict(True, _esc(self.t(Text("ログインできました", "Logged in"))),
                                           css="labkit-lab-login-ok")
        return True

    @property
    def widget(self) -> Any:
        import ipywidgets as w

        return w.VBox([self.inspector, self.check, self.other_app, self.pin, self.attack])


def gpse_lab(world: Any, person: Any, phone: Any) -> GpseLab:
    """1-5 lab: ``lab.inspector``, ``lab.check``, ``lab.other_app``, ``lab.pin``, ``lab.attack``."""
    return GpseLab(world, person, phone)


# =========================================================================== 1-6 問い合わせ先

_HOLIDAY_EN = {"元日": "New Year's Day", "成人の日": "Coming of Age Day", "建国記念の日": "National Foundation Day",
               "天皇誕生日": "The Emperor's Birthday", "春分の日": "Vernal Equinox Day", "昭和の日": "Showa Day",
               "憲法記念日": "Constitution Memorial Day", "みどりの日": "Greenery Day", "こどもの日": "Children's Day",
               "海の日": "Marine Day", "山の日": "Mountain Day", "敬老の日": "Respect for the Aged Day",
               "秋分の日": "Autumnal Equinox Day", "スポーツの日": "Sports Day", "文化の日": "Culture Day",
               "勤労感謝の日": "Labour Thanksgiving Day", "国民の休日": "Citizens' Holiday",
               "振替休日": "substitute holiday"}


@dataclass(frozen=True, slots=True)
class HotlineStatus:
    """The hotline at one moment: what kind of day, the hours, open or not."""

    at: datetime
    short_day: bool  # weekend or holiday: 9:30-17:30
    holiday: str | None
    open: bool

    def day_text(self) -> Text:
        if self.holiday is not None:
            return Text(f"祝日 ({self.holiday})", f"holiday ({_HOLIDAY_EN.get(self.holiday, self.holiday)})")
        if self.short_day:
            return Text("土日", "weekend")
        return Text("平日", "weekday")

    def hours_text(self) -> Text:
        h = HOTLINE_HOURS
        start, end = (h.holiday_open, h.holiday_close) if self.short_day else (h.weekday_open, h.weekday_close)
        return Text(f"{_hm(start)}〜{_hm(end)}", f"{_hm(start)} to {_hm(end)}")

    def enquiry_text(self) -> Text:
        hours = self.hours_text()
        if self.open:
            return Text(f"受付中 (受付時間 {hours.ja})", f"open (hours {hours.en})")
        return Text(f"受付時間外 (受付時間 {hours.ja})", f"closed (hours {hours.en})")


def hotline_status(at: datetime | str) -> HotlineStatus:
    """Whether マイナンバー総合フリーダイヤル answers enquiries at ``at`` (JST)."""
    when = to_jst(parse_time(at))
    day = when.date()
    holiday = holidays(day.year).get(day)
    return HotlineStatus(when, is_weekend_or_holiday(day), holiday, HOTLINE_HOURS.is_open(when))


def _status_html(status: HotlineStatus, lang: str) -> tuple[str, str]:
    suspension = Text("受付中 (24時間365日)", "open (24 hours a day, 365 days a year)")
    rows = [
        (Text("日時", "Date and time").get(lang), _esc(_when(status.at, lang) + " JST")),
        (Text("曜日の区分", "Kind of day").get(lang), _esc(status.day_text().get(lang))),
        (Text("お問い合わせ (音声ガイダンス4番)", "Enquiries (voice guidance 4)").get(lang),
         f'<span class="labkit-lab-enquiry" data-open="{str(status.open).lower()}" '
         f'style="font-weight:bold;color:{"#14532d" if status.open else "#7f1d1d"}">'
         f"{_esc(status.enquiry_text().get(lang))}</span>"),
        (Text("紛失・盗難による一時利用停止", "Temporary suspension (loss or theft)").get(lang),
         f'<span class="labkit-lab-suspension" style="font-weight:bold;color:#14532d">'
         f"{_esc(suspension.get(lang))}</span>"),
    ]
    plain = " / ".join([_when(status.at, lang), status.day_text().get(lang), status.enquiry_text().get(lang),
                        suspension.get(lang)])
    return _table("labkit-lab-hotline-status", lang, rows), plain


def hotline_now(clock: Any, lang: str = "ja") -> HtmlBlock:
    """1-6: is マイナンバー総合フリーダイヤル open at the simulated clock's time?"""
    lang = check_lang(lang)
    status = hotline_status(clock.now())
    table, plain = _status_html(status, lang)
    title = Text(f"{HOTLINE_NAME.ja}: いま電話するとどうなる?", f"{HOTLINE_NAME.en}: what if I call now?").get(lang)
    return HtmlBlock(f'<div class="labkit-lab-summary" lang="{lang}"><b>{_esc(title)}</b>{table}</div>', plain)


#: Moments worth checking (the edges of the hours, a weekend, a holiday, the middle of the night).
PRESET_TIMES: tuple[tuple[Text, str], ...] = (
    (Text("平日 (水) 10:00", "Weekday (Wed) 10:00"), "2026-04-01T10:00:00+09:00"),
    (Text("平日 (水) 9:29", "Weekday (Wed) 9:29"), "2026-04-01T09:29:00+09:00"),
    (Text("平日 (水) 19:59", "Weekday (Wed) 19:59"), "2026-04-01T19:59:00+09:00"),
    (Text("平日 (水) 20:00", "Weekday (Wed) 20:00"), "2026-04-01T20:00:00+09:00"),
    (Text("土曜 17:29", "Saturday 17:29"), "2026-04-04T17:29:00+09:00"),
    (Text("土曜 18:00", "Saturday 18:00"), "2026-04-04T18:00:00+09:00"),
    (Text("祝日 (みどりの日・月) 18:00", "Holiday (Greenery Day, Mon) 18:00"), "2026-05-04T18:00:00+09:00"),
    (Text("元日 3:00 (深夜)", "New Year's Day 3:00 (night)"), "2027-01-01T03:00:00+09:00"),
)


class _ClockOnly:
    """What the hotline needs of J-LIS to tell its hours: the time."""

    def __init__(self, clock: Any) -> None:
        self.clock = clock

    def now(self) -> datetime:
        return self.clock.now()  # type: ignore[no-any-return]


class ContactsLab(_Lab):
    """1-6: the simulated clock (presets and steps), whether the hotline answers now, and the
    voice guidance (press 4)."""

    def __init__(self, clock: Any, lang: str = "ja") -> None:
        import ipywidgets as w

        self.lang = lang = check_lang(lang)
        self.clock = clock if hasattr(clock, "set") else SimulatedClock(clock.now())
        self.hotline = Hotline(_ClockOnly(self.clock))  # type: ignore[arg-type]
        self.preset = w.Dropdown(options=[(t.get(lang), iso) for t, iso in PRESET_TIMES], value=None,
                                 description=self.t(Text("日時を選ぶ", "Pick a time")),
                                 style={"description_width": "initial"})
        self.preset.add_class("labkit-lab-preset")
        self.preset.observe(lambda change: change["new"] and self.set_time(change["new"]), names="value")
        steps = [(Text("+30分", "+30 min"), timedelta(minutes=30), "30m"),
                 (Text("+1時間", "+1 hour"), timedelta(hours=1), "1h"),
                 (Text("+1日", "+1 day"), timedelta(days=1), "1d")]
        buttons = [_button(label.get(lang), f"labkit-lab-advance-{key}", lambda d=delta: self.advance(d))
                   for label, delta, key in steps]
        self.status = _html("", "labkit-lab-hotline")
        keys = []
        for row in ((1, 2, 3), (4, 5, 6), (7, 8, 9), (0,)):
            line = []
            for n in row:
                key = _button(str(n), f"labkit-lab-key-{n}", lambda n=n: self.press(n))
                key.layout.width = "3.2em"
                line.append(key)
            keys.append(w.HBox(line))
        self.heard = _html(_hint(_esc(self.hotline.guidance().get(lang))), "labkit-lab-guidance")
        self.widget_box = _box([
            _html(_hint(_esc(self.t(Text(
                "ラボの時計を動かして、フリーダイヤルの受付時間を確かめましょう。祝日の判定は国民の祝日に関する法律に"
                "従って計算しています。",
                "Move the lab clock and check the toll-free line's hours. Public holidays are computed from the "
                "Act on National Holidays.")))), "labkit-lab-note"),
            _row(self.preset, *buttons), self.status,
            _html(f"<b>{_esc(self.t(Text('電話をかけてみる (音声ガイダンス)', 'Call and listen (voice guidance)')))}"
                  "</b>", "labkit-lab-call-title"),
            w.HBox([w.VBox(keys, layout=w.Layout(flex="0 0 auto")), self.heard])], "labkit-lab-contacts",
            self.t(Text("いま電話すると?", "What if I call now?")))
        self.redraw()

    def status_now(self) -> HotlineStatus:
        return hotline_status(self.clock.now())

    def set_time(self, when: datetime | str) -> HotlineStatus:
        self.clock.set(parse_time(when))
        self.redraw()
        return self.status_now()

    def advance(self, delta: timedelta) -> HotlineStatus:
        self.clock.advance(delta)
        self.redraw()
        return self.status_now()

    def press(self, number: int) -> Text:
        """A key on the phone during the voice guidance: 4 is the smartphone certificate."""
        answer = self.hotline.press(number)
        if number == HOTLINE_GUIDANCE_NUMBER:
            extra = (Text("お問い合わせを受け付けます。", "Your enquiry is taken now.") if self.hotline.is_open()
                     else Text("お問い合わせは受付時間外です。紛失・盗難の一時利用停止は受け付けます。",
                               "Enquiries are closed now; suspension after loss or theft is taken."))
            answer = Text(f"{answer.ja}。{extra.ja}", f"{answer.en}. {extra.en}")
        self.heard.value = (f'<div class="labkit-lab-heard" data-key="{number}">'
                            + _hint(_esc(f"[{number}] " + answer.get(self.lang))) + "</div>")
        return answer

    def redraw(self) -> None:
        table, _ = _status_html(self.status_now(), self.lang)
        self.status.value = table

    @property
    def widget(self) -> Any:
        return self.widget_box


def contacts_lab(clock: Any, lang: str = "ja") -> ContactsLab:
    """1-6 lab: the hotline on the simulated ``clock`` (the notebook's ``ctx.clock``)."""
    return ContactsLab(clock, lang)
