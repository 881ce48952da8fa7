"""Shared pieces of the Chapter 2 labs: the lecture's step lists, reports, certificate states."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from ...clock import JST, to_jst
from ...i18n import Text, check_lang
from ...jlis.rules import DEFAULT_PUSH_POLICY, PUSH_ASSUMPTION, PushPolicy
from ...phone import Phone, PlayStore
from ...phone.mynaportal import AppState, MynaportalApp
from ...phone.playstore import StoreState
from ...pki import CaKind, CertState
from ...widgets._base import ViewMixin, esc, html_table
from ...world import Person, World
from ..kit import on_day, when_text

S = AppState


# =========================================================================== small views

class Report:
    """A deterministic table computed by labkit (not a widget): displays as HTML, and as
    plain text in ``repr`` (nbval compares both)."""

    def __init__(self, title: Text, headers: Sequence[Text], rows: Sequence[Sequence[Text]], *,
                 notes: Sequence[Text] = (), lang: str, css: str = "") -> None:
        self.title = title
        self.headers = tuple(headers)
        self.rows = tuple(tuple(r) for r in rows)
        self.notes = tuple(notes)
        self.lang = check_lang(lang)
        self.css = css

    def html(self) -> str:
        lang = self.lang
        table = html_table([h.get(lang) for h in self.headers], [[c.get(lang) for c in r] for r in self.rows],
                           css="labkit-lab-report-table")
        notes = "".join(f"<li>{esc(n.get(lang))}</li>" for n in self.notes)
        return (f'<div class="labkit-lab-report {self.css}" lang="{lang}"><b>{esc(self.title.get(lang))}</b>'
                f"{table}{f'<ul>{notes}</ul>' if notes else ''}</div>")

    def text(self) -> str:
        lang = self.lang
        lines = [self.title.get(lang), " | ".join(h.get(lang) for h in self.headers)]
        lines += [" | ".join(c.get(lang) for c in r) for r in self.rows]
        lines += [f"- {n.get(lang)}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        return self.text()


@dataclass(frozen=True, slots=True)
class Step:
    """One step of the lecture's procedure as a checklist line."""

    key: str
    label: Text


class StepList(ViewMixin):
    """The lecture's steps with a tick for each one done (``update(done_keys)``)."""

    def __init__(self, title: Text, steps: Sequence[Step], *, lang: str) -> None:
        import ipywidgets as w

        self.title = title
        self.steps = tuple(steps)
        self.lang = check_lang(lang)
        self.done: frozenset[str] = frozenset()
        self.widget = w.HTML(_dom_classes=("labkit-lab-steps",))
        self.update(())

    def html(self) -> str:
        items = []
        for step in self.steps:
            done = step.key in self.done
            mark = "✓" if done else "・"
            colour = "#15803d" if done else "#374151"
            items.append(f'<li class="labkit-lab-step" data-step="{esc(step.key)}" data-done="{str(done).lower()}" '
                         f'style="color:{colour};list-style:none">{mark} {esc(step.label.get(self.lang))}</li>')
        count = sum(1 for s in self.steps if s.key in self.done)
        return (f'<div lang="{self.lang}"><b>{esc(self.title.get(self.lang))}</b> '
                f'<span class="labkit-lab-steps-count">({count}/{len(self.steps)})</span>'
                f'<ul style="padding-left:.5em;margin:.3em 0;font-size:13px">{"".join(items)}</ul></div>')

    def update(self, done: Iterable[str]) -> None:
        self.done = frozenset(done)
        self.widget.value = self.html()


def person_info(person: Person, lang: str, *, card_password: bool = True) -> str:
    """The lab's made-up person and the passwords the learner types (lab values, not real)."""
    rows = [(Text("氏名", "Name"), Text(person.name, person.name)),
            (Text("生年月日", "Date of birth"), Text(f"{person.birth_date:%Y-%m-%d}", f"{person.birth_date:%Y-%m-%d}"))]
    if card_password and person.card_password:
        rows.append((Text("マイナンバーカード用署名用電子証明書のパスワード", "card signing-certificate password"),
                     Text(person.card_password, person.card_password)))
    rows += [(Text("スマホ用署名用電子証明書のパスワード (設定する値)", "smartphone signing password (to set)"),
              Text(person.phone_password, person.phone_password)),
             (Text("スマホ用利用者証明用電子証明書のパスワード (数字4桁)", "smartphone user-auth PIN (4 digits)"),
              Text(person.phone_pin, person.phone_pin))]
    table = html_table([Text("実習用の値", "Lab values").get(lang), ""], [[k.get(lang), v.get(lang)] for k, v in rows],
                       css="labkit-lab-person")
    note = Text("実習用の架空の人物と値です。本物のパスワードは入力しないでください。",
                "A made-up person and lab values. Never type a real password.")
    return (f'<div class="labkit-lab-info" lang="{lang}">{table}'
            f'<div style="font-size:12px">{esc(note.get(lang))}</div></div>')


# =========================================================================== pure helpers

def push_schedule(day: date | datetime, times: Sequence[str] = ("07:59", "08:00", "10:00", "19:29", "19:30", "21:00"),
                  *, lang: str = "ja", policy: PushPolicy = DEFAULT_PUSH_POLICY,
                  weekend: bool = True) -> Report:
    """2-3 / FAQ Q2: when the push notification comes for applications at ``times`` on
    ``day`` (and, with ``weekend``, 21:00 on the following Saturday), by J-LIS's rule."""
    base = day if isinstance(day, datetime) else datetime.combine(day, time(12), JST)
    applied = [on_day(base, t) for t in times]
    if weekend:
        offset = (5 - to_jst(base).weekday()) % 7
        applied.append(on_day(base, "21:00", days=offset))
    rows = []
    for at in applied:
        push = policy.push_time(at)
        if policy.in_window(at):
            minutes = int((push - at).total_seconds() // 60)
            how = Text(f"数分後 (ラボでは{minutes}分後)", f"within minutes (the lab: {minutes} min)")
        elif to_jst(at).time() >= policy.window_end:
            how = Text("おおむね翌8:00以降 (ラボでは翌朝 8:00)",
                       "around 8:00 the next morning or later (the lab: 8:00)")
        else:
            how = Text("おおむね8:00以降 (ラボでは当日の 8:00)", "around 8:00 or later (the lab: 8:00 that morning)")
        rows.append((when_text(at), when_text(push), how))
    return Report(Text("申請した時刻とプッシュ通知が届く時刻", "When you apply and when the push notification comes"),
                  (Text("申請", "Applied"), Text("プッシュ通知", "Push notification"), Text("目安", "Rule")), rows,
                  notes=(Text("8:00〜19:30 (平日・土日祝日とも) の申請は数分後、"
                              "それ以外はおおむね翌8:00以降に届きます。",
                              "Applications 8:00-19:30 (weekdays and weekends alike) get it within minutes, "
                              "others at around 8:00 the next morning or later."),
                         PUSH_ASSUMPTION),
                  lang=lang, css="labkit-lab-push-schedule")


INSTALL_STEPS: tuple[Step, ...] = (
    Step("playstore", Text("① ホーム画面で「Playストア」を押す",
                           "① On the home screen, press \"Play Store\"")),
    Step("search", Text("② 「アプリとゲームを検索」の枠を押す",
                        "② Press the \"Search for apps & games\" box")),
    Step("select", Text("③ 「マイナポータル」と入力し、検索結果から「マイナポータル」を選ぶ",
                        "③ Type マイナポータル (Mynaportal) and choose it in the results")),
    Step("install", Text("④ 「インストール」を押す", "④ Press \"Install\"")),
    Step("open", Text("表示が「開く」に変わったらインストール完了。「開く」を押す",
                      "The button changes to \"Open\": installed. Press \"Open\"")),
)


def install_stage(store: PlayStore, phone: Phone) -> int:
    """How far along 2-2 the learner is now: 0 (home) … 5 (the app was opened)."""
    from ...phone import MYNAPORTAL_PACKAGE

    installed = phone.installed(MYNAPORTAL_PACKAGE)
    if installed and store.opened is not None and store.opened is phone.mynaportal:
        return 5
    if installed:
        return 4
    if store.state is StoreState.DETAILS and store.selected is not None \
            and store.selected.package == MYNAPORTAL_PACKAGE:
        return 3
    return {StoreState.HOME: 0, StoreState.STORE: 1, StoreState.SEARCH: 2, StoreState.DETAILS: 2}[store.state]


APPLY_STEPS: tuple[Step, ...] = (
    Step("menu", Text("② 画面右下の「メニュー」を押す", "② Press \"Menu\" at the bottom right")),
    Step("apply", Text("③ 「スマホ用電子証明書を申請する」を押す",
                       "③ Press \"Apply for the smartphone e-certificate\"")),
    Step("form", Text("④ カードの署名用電子証明書のパスワードを入力 ⑤ 証明書を選ぶ ⑥ 「確認しました」→「申請する」",
                      "④ Enter the card's signing-certificate password ⑤ choose the certificates "
                      "⑥ tick \"I have read this\", press \"Apply\"")),
    Step("read", Text("⑦ カードを「モバイル非接触ICマーク」に当てて読み取る",
                      "⑦ Hold the card to the mobile contactless IC mark to read it")),
    Step("remove", Text("⑧ 読み取り成功 → カードを取り外す", "⑧ Read successfully: remove the card")),
    Step("next", Text("⑨ 「次へ」を押す", "⑨ Press \"Next\"")),
    Step("passwords", Text("スマホ用のパスワードを設定 (利用者証明用は数字4桁を2回) → 申請完了",
                           "Set the smartphone passwords (user-auth: 4 digits, twice): application complete")),
    Step("push", Text("プッシュ通知が届く (8:00〜19:30 の申請は数分後、それ以外はおおむね翌8:00以降)",
                      "The push notification arrives (minutes if applied 8:00-19:30, else around 8:00 the next "
                      "morning or later)")),
    Step("register", Text("(2-4) 「登録する」を押して登録完了", "(2-4) Press \"Register\": done")),
)


def apply_progress(app: MynaportalApp, visited: Iterable[AppState]) -> set[str]:
    """Which :data:`APPLY_STEPS` are done, from the states the app has shown and its data."""
    seen = set(visited)
    done = set()
    if seen & {S.MENU, S.FORM}:
        done.add("menu")
    if S.FORM in seen:
        done.add("apply")
    if seen & {S.READ_CARD, S.READ_SUCCESS}:
        done.add("form")
    if S.READ_SUCCESS in seen:
        done.add("read")
    if S.READ_DONE in seen:
        done.add("remove")
    if seen & {S.CONFIRM_OLD, S.SIGN_PASSWORD, S.AUTH_PIN, S.APPLIED}:
        done.add("next")
    if S.APPLIED in seen:
        done.add("passwords")
    if app.data.ready or seen & {S.REGISTER, S.REGISTERED}:
        done.add("push")
    if S.REGISTERED in seen:
        done.add("register")
    return done


KIND_TEXT = {CaKind.SIGN: Text("署名用", "signing"), CaKind.AUTH: Text("利用者証明用", "user authentication")}
STATE_TEXT = {
    CertState.GOOD: Text("有効", "valid"),
    CertState.HELD: Text("一時保留 (一時利用停止)", "on hold (temporarily suspended)"),
    CertState.REVOKED: Text("失効", "revoked"),
    CertState.EXPIRED: Text("期限切れ", "expired"),
    CertState.UNKNOWN: Text("不明", "unknown"),
}


def _phone_cert(kind: CaKind) -> Text:
    return Text(f"スマホ用{KIND_TEXT[kind].ja}電子証明書", f"smartphone {KIND_TEXT[kind].en} certificate")


@dataclass(frozen=True, slots=True)
class CertRow:
    """One certificate of a person as J-LIS sees it (no serial numbers: they are random)."""

    where: str           # "phone" / "card"
    kind: CaKind
    state: CertState
    label: Text
    state_text: Text


def _pick(statuses: list[Any]) -> Any:
    """Of several certificates of one kind (re-issued ones), the live one, else the newest."""
    live = [s for s in statuses if s.state in (CertState.GOOD, CertState.HELD)]
    return (live or statuses)[-1]


def certificate_rows(world: World, person: Person, phone: Phone | None = None) -> list[CertRow]:
    """The person's card certificates and (with ``phone``) the phone's registered ones, each
    with its state at J-LIS now (有効 / 一時保留 / 失効)."""
    rows: list[CertRow] = []
    if phone is not None:
        infos = world.jlis.device_status(phone.device_id).certificates
        for kind in (CaKind.SIGN, CaKind.AUTH):
            mine = [i for i in infos if i.kind is kind]
            if mine:
                info = _pick(mine)
                rows.append(CertRow("phone", kind, info.state, _phone_cert(kind), STATE_TEXT[info.state]))
    statuses = world.counter.card_certificates(person.resident.my_number)
    if statuses:
        for kind, profile in ((CaKind.SIGN, "sign"), (CaKind.AUTH, "auth")):
            card = [s for s in statuses if s.profile and s.profile.endswith(profile)]
            if card:
                status = _pick(card)
                rows.append(CertRow("card", kind, status.state,
                                    Text(f"マイナンバーカードの{KIND_TEXT[kind].ja}電子証明書",
                                         f"My Number Card {KIND_TEXT[kind].en} certificate"),
                                    STATE_TEXT[status.state]))
    return rows


def se_certificate_ders(phone: Phone) -> dict[CaKind, bytes]:
    """The smartphone certificates in the phone's SE now (DER, signing first), read from the SE
    itself, not through the app: a factory reset removes the app, not the SE's contents."""
    from ...card import KeyRole

    jpki = phone.se.jpki
    found = {kind: jpki.certificate(role) if jpki is not None else None
             for kind, role in ((CaKind.SIGN, KeyRole.SIGN), (CaKind.AUTH, KeyRole.AUTH))}
    return {kind: der for kind, der in found.items() if der is not None}


def se_certificates(phone: Phone) -> dict[CaKind, bool]:
    """Which smartphone certificates are in the phone's SE now (:func:`se_certificate_ders`)."""
    ders = se_certificate_ders(phone)
    return {kind: kind in ders for kind in (CaKind.SIGN, CaKind.AUTH)}


def status_html(world: World, person: Person, phone: Phone, lang: str, *, card: bool = True) -> str:
    rows = [r for r in certificate_rows(world, person, phone) if card or r.where == "phone"]
    in_se = se_certificates(phone) if phone is not None else {}
    headers = [Text("電子証明書", "Certificate"), Text("J-LIS での状態", "State at J-LIS")]
    body = []
    classes = []
    for r in rows:
        stored = ""
        if r.where == "phone":
            stored = Text("あり", "yes").get(lang) if in_se.get(r.kind) else Text("なし", "no").get(lang)
        body.append([esc(r.label.get(lang)), f'<span data-state="{r.state.value}">{esc(r.state_text.get(lang))}</span>',
                     esc(stored)])
        classes.append(f"labkit-lab-cert-{r.where}-{r.kind.value} labkit-lab-state-{r.state.value}")
    if not rows:
        body.append([esc(Text("(まだ登録されていません)", "(nothing registered yet)").get(lang)), "", ""])
        classes.append("")
    head = [h.get(lang) for h in headers] + [Text("スマホの SE 内", "in the phone's SE").get(lang)]
    when = when_text(world.now()).get(lang)
    title = Text(f"電子証明書の状態 ({when} 現在)", f"Certificate states (as of {when})").get(lang)
    return (f'<div class="labkit-lab-status" lang="{lang}"><b>{esc(title)}</b>'
            f"{html_table(head, body, css='labkit-lab-status-table', raw=True, row_classes=classes)}</div>")


def revocation_rows(world: World, ders: Sequence[bytes]) -> list[tuple[Text, Text, Text, Text]]:
    """For each certificate: its name, and its state per J-LIS's database, the current CRL
    and an OCSP query (as a relying service would check it)."""
    from cryptography import x509

    from ...pki import CrlChecker, OcspChecker

    cas = {k: x509.load_der_x509_certificate(v) for k, v in world.jlis.ca_certificates().items()}
    ocsp = OcspChecker(world.jlis.ocsp, world.clock)
    out = []
    for der in ders:
        cert = x509.load_der_x509_certificate(der)
        kind = next(k for k, ca in cas.items() if ca.subject == cert.issuer)
        issuer = cas[kind]
        crl = CrlChecker([world.jlis.crl(kind)], world.clock)

        def said(status: Any) -> Text:
            text = STATE_TEXT[status.state]
            if status.reason is not None:
                return Text(f"{text.ja} ({status.reason.label.ja})", f"{text.en} ({status.reason.label.en})")
            return text
        out.append((_phone_cert(kind), said(world.jlis.status(cert.serial_number)), said(crl.check(cert, issuer)),
                    said(ocsp.check(cert, issuer))))
    return out
