"""1-5 GP-SE: inspect, other app, PIN lock, extraction attack."""


from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from ...card import Aid, JpkiFile, KeyRole
from ...errors import AccessDeniedError, LabkitError
from ...i18n import Text, check_lang
from ...phone import GAME, Phone
from ...rules import TRY_LIMITS_ASSUMPTION
from ...se import DataCategory, FaultKind, SecureElement, TamperKind
from ...widgets._base import esc
from ...world import Person, World
from ..kit import (
    HtmlBlock,
    InLanguage,
    Lab,
    button,
    button_row,
    deeper,
    hint,
    html_view,
    kv_table,
    lab_phone,
    listing,
    panel,
    pin_tries,
    require_registered,
    verdict,
)

_R = TypeVar("_R")
_STORED_ORDER = (DataCategory.PRIVATE_KEY, DataCategory.CERTIFICATE, DataCategory.CA_CERTIFICATE,
                 DataCategory.PIN_STATE)


def se_contents(phone: Phone, lang: str = "ja") -> HtmlBlock:
    """1-5: what the phone's GP-SE holds for JPKI (by kind) and what it never holds, from the
    SE's own inventory (what 「スマホ電子証明書の確認」 lists)."""
    lang = check_lang(lang)
    inventory = phone.se.inventory()
    jpki = [i for i in inventory.items if i.category in _STORED_ORDER]
    stored = []
    for category in _STORED_ORDER:
        names = [i.name.get(lang) for i in jpki if i.category is category]
        if names:
            stored.append((category.label.get(lang), listing(lang, names)))
    absent = [c.label.get(lang) for c in inventory.not_stored]
    heads = (Text("種類", "Kind").get(lang), Text("内容", "Items").get(lang))
    table = kv_table("labkit-lab-se-stored", lang, [(k, esc(v)) for k, v in stored], heads)
    title_in = Text("GP-SE に格納されているもの (公的個人認証AP)", "Stored in the GP-SE (JPKI AP)").get(lang)
    title_out = Text("スマホに記録されない情報", "Never recorded on the phone").get(lang)
    items = "".join(f'<li class="labkit-lab-se-absent">{esc(a)}</li>' for a in absent)
    plain = "\n".join([title_in, *(f"{k}: {v}" for k, v in stored), title_out, *absent])
    return HtmlBlock(f'<div class="labkit-lab-summary" lang="{lang}"><b>{esc(title_in)}</b>{table}'
                     f"<b>{esc(title_out)}</b><ul>{items}</ul></div>", plain)


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


def probe_attack(se: SecureElement, *, limit: int = 64) -> list[ProbeStep]:
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


# -- prose --------------------------------------------------------------------------------------
NOT_TRIED = Text("まだ試していません", "not tried yet")
NO_ATTACK = Text("まだ攻撃していません", "no attack yet")
CHECK_HOWTO = Text(
            "「メニュー」→「スマホ電子証明書の確認」", "“Menu” → “Check the smartphone e-certificate”")
OTHER_APP_HOWTO = Text(
                "スマホに入れたパズルゲームが、GP-SE の公的個人認証AP を直接開こうとします。GP-SE はアプリの"
                "署名証明書を確かめ、アクセス規則 (ARA-M) に従って判断します。",
                "A puzzle game installed on the phone tries to open the GP-SE's JPKI AP directly. The GP-SE checks "
                "the app's signing certificate against its access rules (ARA-M).")
PIN_HOWTO = Text(
            "スマホを拾った人が、暗証番号を当てずっぽうに入力します。「ロックするまで試す」で 0000, 0001, ... と"
            "順に試すと、何回で止まるでしょうか。(本人の暗証番号は教えません)",
            "Someone who found the phone guesses PINs. “Guess until it locks” tries 0000, "
            "0001, ...: how many tries until it stops? (The owner's PIN is not shown.)")
ATTACK_HOWTO = Text(
                "攻撃者がスマホを分解し、GP-SE のチップに直接コマンドを送って鍵を読み出そうとします (論理攻撃)。"
                "または、チップにレーザーを当てて誤動作させようとします (物理攻撃)。GP-SE はどうするでしょうか。"
                "下の APDU トレースと、上の「GP-SE の中を見る」の表示の変化を見てください。",
                "An attacker opens the phone and sends commands straight to the GP-SE chip to read the keys "
                "(logical attack), or shines a laser at the chip to make it misbehave (physical attack). What does "
                "the GP-SE do? Watch the APDU trace below and the 'Inside the GP-SE' panel above.")
ERASED = Text("GP-SE が自動的にスマホ用電子証明書と鍵を消去し、自分をロックしました "
                           "(ロックまでするのはラボの想定)。攻撃者は何も持ち出せません。",
                           "The GP-SE automatically erased the smartphone certificates and keys and locked itself "
                           "(the lock is a lab assumption). The attacker gets nothing.")
KEPT = Text("鍵は読み出せませんでした (GP-SE はエラーを返し、試みを記録しています)。",
                           "The keys could not be read (the GP-SE answers with errors and records the attempts).")


class Gpse(InLanguage):
    """1-5's model: the other app's attempt, the finder's PIN guesses, the attacks and the
    owner's login, with what each showed (HTML); no widgets."""

    def __init__(self, world: World, person: Person, phone: Phone) -> None:
        require_registered(phone)
        self.world, self.person, self.phone = world, person, phone
        self.lang = world.lang
        self.game = phone.install(GAME)
        self.guesses: list[tuple[str, Text]] = []
        self.other_html = verdict(None, esc(NOT_TRIED.get(self.lang)))
        self.attack_html = verdict(None, esc(NO_ATTACK.get(self.lang)))
        self.owner_html = ""

    def try_other_app(self) -> bool:
        """The game asks the SE service for a channel to the JPKI AP: denied."""
        try:
            channel = self.game.open_jpki_channel()
        except AccessDeniedError as exc:
            rows = "".join(f"<li>{esc(e.package)}: "
                           f"{esc(self.t(Text('許可', 'allowed') if e.allowed else Text('拒否', 'denied')))}</li>"
                           for e in self.phone.access_log[-4:])
            refused = self.t(Text("GP-SE が拒否しました: ", "The GP-SE refused: "))
            log = self.t(Text("アクセスの記録 (新しいものが下):", "Access log (newest last):"))
            self.other_html = verdict(False, esc(refused) + esc(exc.text.get(self.lang))
                                      + f'<div style="font-size:12px">{esc(log)}<ul>{rows}</ul></div>')
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

    def guesses_html(self) -> str:
        if not self.guesses:
            return ""
        items = "".join(f"<li><code>{esc(p)}</code> → {esc(a.get(self.lang))}</li>" for p, a in self.guesses)
        return (f'<div class="labkit-lab-guesses" data-count="{len(self.guesses)}">'
                f"<b>{esc(self.t(Text('入力された暗証番号', 'PINs tried')))}</b>"
                f'<ol style="font-size:13px">{items}</ol></div>')

    def run_probe_attack(self) -> list[ProbeStep]:
        steps = probe_attack(self.phone.se)
        self._attacked(Text(f"{len(steps)} 個のコマンドで鍵を読み出そうとしました。",
                            f"{len(steps)} commands tried to read the keys."))
        return steps

    def run_fault_attack(self) -> object:
        event = self.phone.se.detect_fault(FaultKind.LIGHT, "laser")
        self._attacked(Text("チップのセンサーがレーザーを検知しました。", "The chip's sensors detected the laser."))
        return event

    def erased(self) -> bool:
        applet = self.phone.se.jpki
        return applet is None or not applet.has_anything()

    def _attacked(self, what: Text) -> None:
        erased = self.erased()
        outcome = ERASED if erased else KEPT
        self.attack_html = verdict(True if erased else None, esc(what.get(self.lang) + " " + outcome.get(self.lang)),
                                   css="labkit-lab-erased" if erased else "labkit-lab-kept")

    def owner_login(self) -> bool:
        try:
            self.world.login(self.phone, pin=self.person.phone_pin)
        except LabkitError as exc:
            self.owner_html = verdict(False, esc(self.t(Text("本人もログインできません: ",
                                                               "Even the owner cannot log in: ")))
                                      + esc(exc.text.get(self.lang)), css="labkit-lab-login-refused")
            return False
        self.owner_html = verdict(True, esc(self.t(Text("ログインできました", "Logged in"))),
                                  css="labkit-lab-login-ok")
        return True


class GpseLab(Lab):
    """1-5's view: ``inspector`` (the SE inspector), ``check`` (the app's 「スマホ電子証明書の確認」),
    ``other_app`` (denied by the access rules), ``pin`` (guess the PIN until it locks),
    ``attack`` (an extraction attempt; the SE erases its keys) with ``trace`` (every APDU the
    SE sees, from the moment the lab starts). ``model`` holds the state and actions."""

    def __init__(self, model: Gpse) -> None:
        from ...widgets import ApduTraceViewer, PinPad, SeInspector

        self.model = m = model
        self.world, self.person, self.phone, self.lang = m.world, m.person, m.phone, m.lang
        phone, lang = m.phone, m.lang
        self.trace = ApduTraceViewer(lang=lang, max_rows=40)
        self.trace.attach(phone.se, Text("スマホの GP-SE", "phone GP-SE"))
        self.se_view = SeInspector(phone.se, lang=lang)
        self.inspector = panel([deeper([self.se_view.widget], lang, Text("GP-SE の中を見る", "inside the GP-SE"),
                                       "labkit-lab-inspector-body")], "labkit-lab-inspector",
            self.t(Text("GP-SE の中", "Inside the GP-SE")))
        self.phone_view = lab_phone(phone, lang=lang)
        self.check = panel([html_view(hint(esc(self.t(CHECK_HOWTO))), "labkit-lab-note"), self.phone_view.widget],
                           "labkit-lab-check", self.t(Text("アプリで確認する", "Checking in the app")))
        self.other_result = html_view(m.other_html, "labkit-lab-other-result")
        self.other_app = panel([
            html_view(hint(esc(self.t(OTHER_APP_HOWTO))), "labkit-lab-note"),
            button_row(button(self.t(Text("パズルゲームから GP-SE を開く", "Open the GP-SE from the puzzle game")),
                         "labkit-lab-open-game", self.try_other_app, button_style="danger")),
            self.other_result], "labkit-lab-other-app",
            self.t(Text("ほかのアプリからは届かない", "Other apps cannot reach it")))
        self.guess_log = html_view("", "labkit-lab-guess-log")
        self.pad = PinPad(self.guess_pin, tries=pin_tries(phone, KeyRole.AUTH), brute_force=True, lang=lang,
                          title=Text("拾った人がマイナポータルアプリに暗証番号を入力",
                                     "A finder types PINs into the Mynaportal app"))
        self.pin = panel([html_view(hint(esc(self.t(PIN_HOWTO)) + "<br>" + esc(self.t(TRY_LIMITS_ASSUMPTION))),
                                    "labkit-lab-note"),
            self.pad.widget, self.guess_log], "labkit-lab-pin", self.t(Text("暗証番号はロックされる", "The PIN locks")))
        self.attack_result = html_view(m.attack_html, "labkit-lab-attack-result")
        self.owner_result = html_view(m.owner_html, "labkit-lab-owner-result")
        self.attack = panel([
            html_view(hint(esc(self.t(ATTACK_HOWTO))), "labkit-lab-note"),
            button_row(*[
                button(self.t(Text("鍵を読み出そうとする (論理攻撃)", "Try to read the keys (logical attack)")),
                            "labkit-lab-probe", self.run_probe_attack, button_style="danger"),
                    button(self.t(Text("レーザーを当てる (物理攻撃)", "Shine a laser at the chip (physical attack)")),
                            "labkit-lab-laser", self.run_fault_attack, button_style="danger"),
                    button(self.t(Text("本人がログインしてみる", "The owner tries to log in")),
                            "labkit-lab-owner-login", self.owner_login)]),
            self.attack_result, self.owner_result,
            deeper([self.trace.widget], lang, Text("GP-SE とのやりとり (APDU)", "the exchange with the GP-SE (APDUs)"),
                   "labkit-lab-attack-apdus")], "labkit-lab-attack",
            self.t(Text("盗み出そうとすると自動的に消去", "Extraction attempts erase the data")))

    # -- the model's actions, then a redraw -----------------------------------------------------
    def try_other_app(self) -> bool:
        return self._redraw(self.model.try_other_app())

    def guess_pin(self, pin: str) -> None:
        try:
            self.model.guess_pin(pin)
        finally:
            self._redraw(None)

    def run_probe_attack(self) -> list[ProbeStep]:
        return self._redraw(self.model.run_probe_attack())

    def run_fault_attack(self) -> object:
        return self._redraw(self.model.run_fault_attack())

    def owner_login(self) -> bool:
        return self._redraw(self.model.owner_login(), se=False)

    def _redraw(self, result: _R, *, se: bool = True) -> _R:
        if se:
            self.se_view.refresh(get_status=False)
        self.other_result.value = self.model.other_html
        self.guess_log.value = self.model.guesses_html()
        self.attack_result.value = self.model.attack_html
        self.owner_result.value = self.model.owner_html
        return result

    @property
    def widget(self) -> Any:
        import ipywidgets as w

        return w.VBox([self.inspector, self.check, self.other_app, self.pin, self.attack])


def gpse_lab(world: World, person: Person, phone: Phone) -> GpseLab:
    """1-5 lab: ``lab.inspector``, ``lab.check``, ``lab.other_app``, ``lab.pin``, ``lab.attack``;
    ``lab.model`` (:class:`Gpse`) for the state and actions without widgets."""
    return GpseLab(Gpse(world, person, phone))
