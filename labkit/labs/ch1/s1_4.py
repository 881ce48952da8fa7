"""1-4 安全対策: genuine vs fake portal (real TLS) and the usage history."""


from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from ...clock import SystemClock, to_jst
from ...errors import InputError, LabkitError, ServiceError
from ...i18n import Text
from ...phone import Phone
from ...services import MynaportalService, SiteKind
from ...services.webpki import LOOKALIKE_HOST, PORTAL_HOST
from ...widgets._base import esc
from ...world import Person, World
from ..kit import (
    TD,
    TH,
    HtmlBlock,
    InLanguage,
    Lab,
    beside,
    button,
    button_row,
    hint,
    html_view,
    lab_phone,
    panel,
    require_registered,
    verdict,
)


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


@contextmanager
def on_network(phone: Phone, net: Network) -> Iterator[None]:
    """The phone on ``net`` (a rogue Wi-Fi spoofs the name); its DNS is restored after."""
    if net.site is not None:
        phone.spoof(net.host, net.site)
    try:
        yield
    finally:
        if net.site is not None:
            phone.spoof(net.host, None)


def tls_check(phone: Phone, network: Network | str) -> TlsCheck:
    """Put the phone on ``network`` and open a TLS connection to its host (OpenSSL checks
    the chain and the name against the lab web root)."""
    net = _network(network) if isinstance(network, str) else network
    with on_network(phone, net):
        return TlsCheck(net, phone.connect(net.host))


def tls_comparison(world: World, phone: Phone) -> HtmlBlock:
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
    head = "".join(TH + esc(h.get(lang)) + "</th>" for h in heads)
    body = "".join(f'<tr class="labkit-lab-tls-{"ok" if r[2].startswith(("○", "✓")) else "ng"}">'
                   + "".join(f"{TD}{esc(c)}</td>" for c in r) + "</tr>" for r in rows)
    table = (f'<table class="labkit-lab-tls-table" lang="{lang}" cellpadding="4" border="1" '
             f'style="border-collapse:collapse;font-size:14px;border-color:#d1d5db"><thead><tr>{head}</tr></thead>'
             f"<tbody>{body}</tbody></table>")
    return HtmlBlock(f'<div class="labkit-lab-summary" lang="{lang}">{table}</div>', "\n".join(plain))


class PortalSafety(InLanguage):
    """1-4's model: the network the phone is on, the last TLS check, a login through it, and
    services that leave entries in the 利用履歴 (HTML of each outcome). No widgets."""

    def __init__(self, world: World, person: Person, phone: Phone) -> None:
        require_registered(phone)
        self.world, self.person, self.phone = world, person, phone
        self.lang = world.lang
        self.network = "genuine"
        self.last: TlsCheck | None = None
        self.result_html = verdict(None, esc(self.t(Text("まだ接続していません", "not connected yet"))))
        self.login_html = self.service_html = ""

    def connect(self, network: str | None = None) -> TlsCheck:
        """A real TLS handshake on the chosen network."""
        self.network = network or self.network
        self.last = check = tls_check(self.phone, self.network)
        result = check.result
        details = (self.t(Text(f"プロトコル {result.version}、暗号スイート {result.cipher}",
                               f"protocol {result.version}, cipher suite {result.cipher}")) if check.ok
                   else result.detail)
        self.result_html = verdict(check.ok, esc(self.t(check.verdict()))
                                   + f'<div style="font-size:12px">{esc(details)}</div>')
        self.login_html = ""
        return check

    def try_login(self, network: str | None = None) -> bool:
        """Log in to whatever the chosen network leads to; refused on a fake site before the
        PIN is used or anything is signed."""
        self.network = network or self.network
        net = _network(self.network)
        pin = self.person.phone_pin
        try:
            if net.host == PORTAL_HOST:
                with on_network(self.phone, net):
                    session = self.world.login(self.phone, pin=pin)
            else:
                fake = MynaportalService(self.world.jlis, self.world.clock)
                fake.host = net.host
                session = fake.login(self.phone.mynaportal, pin=pin)
        except ServiceError as exc:
            extra = self.t(Text("暗証番号は使われず、何も署名されていません。利用履歴にも残りません。",
                                "The PIN was not used and nothing was signed; nothing enters the usage history."))
            self.login_html = verdict(False, esc(self.t(Text("アプリがログインを中止しました: ",
                                                             "The app stopped the login: ")))
                                      + esc(self.t(exc.text)) + f"<br>{esc(extra)}")
            return False
        when = f"{to_jst(session.logged_in_at):%H:%M}"
        self.login_html = verdict(True, esc(self.t(Text(f"ログインしました ({when})。利用履歴に記録されました。",
                                                        f"logged in ({when}); recorded in the usage history."))))
        return True

    def _service(self, action: Callable[[], Any], done: Callable[[Any], Text]) -> Any:
        try:
            outcome = action()
        except LabkitError as exc:
            self.service_html = verdict(False, esc(self.t(exc.text)))
            return None
        self.service_html = verdict(True, esc(self.t(done(outcome))))
        return outcome

    def submit_tax_return(self) -> Any:
        """Log in and send a signed tax return (signature with the smartphone signing key)."""
        from ...services import Procedure

        def submit() -> Any:
            session = self.world.login(self.phone, pin=self.person.phone_pin)
            return session.submit(Procedure.TAX_RETURN, {"year": to_jst(self.world.now()).year - 1},
                                  app=self.phone.mynaportal, password=self.person.phone_password)
        return self._service(submit, lambda receipt: receipt.statement)

    def use_kiosk(self) -> Any:
        return self._service(lambda: self.world.kiosk.print_juminhyo(self.phone.mynaportal, pin=self.person.phone_pin),
                             lambda copy: Text(f"{copy.store.ja} で住民票の写しを印刷しました",
                                               f"printed a residence record at {copy.store.en}"))

    def history_rows(self) -> list[Any]:
        """利用履歴 of the learner (newest first), as the app shows it."""
        return list(self.world.jlis.usage_history(holder_id=self.person.holder_id))


class PortalSafetyLab(Lab):
    """1-4's view over :class:`PortalSafety` (``model``): ``tls`` (choose a network, connect,
    inspect the server certificate, try to log in) and ``history`` (the app's 利用履歴, with
    services that add entries)."""

    def __init__(self, model: PortalSafety) -> None:
        import ipywidgets as w

        self.model = m = model
        self.world, self.person, self.phone, self.lang = m.world, m.person, m.phone, m.lang
        lang, person = m.lang, m.person
        self.choice = w.RadioButtons(options=[(n.label.get(lang), n.key) for n in NETWORKS], value=m.network,
                                     layout=w.Layout(width="auto"), _dom_classes=("labkit-lab-network",))
        self.result = html_view(m.result_html, "labkit-lab-tls-result")
        self.certificate = w.VBox(_dom_classes=("labkit-lab-server-cert",))
        self.login_result = html_view("", "labkit-lab-login-result")
        self.tls = panel([
            html_view(hint(esc(self.t(Text("スマホをつなぐネットワーク:", "The network the phone is on:")))),
                  "labkit-lab-note"),
            self.choice,
            button_row(*[button(self.t(Text("接続する", "Connect")), "labkit-lab-connect", self.connect,
                                button_style="primary"),
                    button(self.t(Text(f"ログインしてみる (暗証番号 {person.phone_pin})",
                                        f"Try to log in (PIN {person.phone_pin})")),
                            "labkit-lab-try-login", self.try_login)]),
            self.result, self.login_result, self.certificate], "labkit-lab-tls",
            self.t(Text("通信の暗号化とサーバ証明書", "Encrypted communication and the server certificate")))
        # 利用履歴 in the app, and services that leave entries in it
        self.phone_view = lab_phone(m.phone, lang=lang)
        self.service_result = html_view("", "labkit-lab-service-result")
        howto = html_view(hint(self.t(Text(
                "アプリで「ログイン」→ 暗証番号 →「ログイン」→「利用履歴」と進みます。スマホの横のボタンで電子申請や"
                "コンビニ交付を行うと、その記録も増えます (「戻る」→「利用履歴」で再表示)。",
                "In the app: “Log in” → PIN → “Log in” → “Usage history”. The buttons by the phone make an "
                "electronic application or use a convenience store; they appear in the history too (“Back” → "
                "“Usage history” to reload)."))), "labkit-lab-note")
        side = w.VBox([
            button_row(button(self.t(Text("確定申告を電子署名して提出", "Sign and submit a tax return")),
                         "labkit-lab-tax", self.submit_tax_return)),
            button_row(button(self.t(Text("コンビニで住民票の写しを取得", "Residence record at a store")),
                         "labkit-lab-konbini", self.use_kiosk)),
            self.service_result], layout=w.Layout(margin="0 0 0 1em"))
        self.history = panel([howto, beside(self.phone_view, side)], "labkit-lab-history",
                            self.t(Text("利用履歴の確認", "Checking the usage history")))

    def connect(self, network: str | None = None) -> TlsCheck:
        """The button: the model connects; the verdict and the presented certificate are shown."""
        from ...widgets import CertificateViewer

        check = self.model.connect(network or self.choice.value)
        self.choice.value = check.network.key
        self.result.value, self.login_result.value = self.model.result_html, self.model.login_html
        self.certificate.children = ()
        if check.result.presented is not None:
            pki = self.phone.network.web.pki
            viewer = CertificateViewer(check.result.presented, anchors=[pki.root], intermediates=[pki.intermediate],
                                       clock=SystemClock(), lang=self.lang,
                                       title=Text("サーバが提示したサーバ証明書 (有効期間は実際の時刻で判定)",
                                                  "The server certificate the site presented (validity judged "
                                                  "on the real time, as TLS does)"))
            self.certificate.children = (viewer.widget,)
        return check

    def try_login(self, network: str | None = None) -> bool:
        ok = self.model.try_login(network or self.choice.value)
        self.choice.value = self.model.network
        self.login_result.value = self.model.login_html
        return ok

    def submit_tax_return(self) -> Any:
        receipt = self.model.submit_tax_return()
        self.service_result.value = self.model.service_html
        return receipt

    def use_kiosk(self) -> Any:
        copy = self.model.use_kiosk()
        self.service_result.value = self.model.service_html
        return copy

    def history_rows(self) -> list[Any]:
        return self.model.history_rows()

    @property
    def widget(self) -> Any:
        import ipywidgets as w

        return w.VBox([self.tls, self.history])


def portal_safety_lab(world: World, person: Person, phone: Phone) -> PortalSafetyLab:
    """1-4 lab: ``lab.tls`` (genuine vs fake portal) and ``lab.history`` (利用履歴); ``lab.model``
    (:class:`PortalSafety`) drives it without widgets."""
    return PortalSafetyLab(PortalSafety(world, person, phone))
