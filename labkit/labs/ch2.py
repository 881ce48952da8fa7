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

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

from ..clock import JST, to_jst
from ..errors import LabkitError
from ..i18n import Text, check_lang
from ..jlis import LossItem
from ..jlis.hotline import HOTLINE_NAME
from ..jlis.rules import DEFAULT_PUSH_POLICY, HOTLINE_HOURS, PushPolicy
from ..phone.mynaportal import AppState
from ..phone.playstore import StoreState
from ..pki import CaKind, CertState
from ..widgets._base import ViewMixin, esc, html_table
from ..world import Person, World

__all__ = [
    "APPLY_STEPS",
    "INSTALL_STEPS",
    "CertRow",
        "Report",
    "Step",
    "StepList",
    "apply",
    "apply_progress",
    "card_loss",
    "certificate_rows",
    "device_change",
    "device_change_outcomes",
    "install",
    "install_stage",
    "lab_phone",
    "on_day",
    "one_device",
    "phone_loss",
    "push_schedule",
    "quiz",
    "register",
    "revocation_rows",
    "se_certificates",
    "stop_using",
    "validity_calculator",
    "validity_examples",
]

S = AppState


# =========================================================================== parameters

@dataclass(frozen=True, slots=True)
class LabParams:
    lang: str
    now: datetime
    seed: int


def _params(ctx: Any = None) -> LabParams:
    """Language, simulated time and seed of the notebook run (``course.current()`` if no
    context is given)."""
    if ctx is None:
        from .. import course

        ctx = course.current()
    return LabParams(check_lang(ctx.lang), ctx.now, int(ctx.seed))


def on_day(now: datetime, clock_time: str, days: int = 0) -> datetime:
    """``now``'s day in Japan (plus ``days``) at ``"HH:MM"`` JST."""
    hour, minute = (int(x) for x in clock_time.split(":"))
    return datetime.combine(to_jst(now).date() + timedelta(days=days), time(hour, minute), JST)


_WEEKDAYS_JA = "月火水木金土日"


def when_text(at: datetime) -> Text:
    """``4月1日(水) 21:00`` / ``Wed 1 Apr 21:00`` (Japan time)."""
    t = to_jst(at)
    return Text(f"{t.month}月{t.day}日({_WEEKDAYS_JA[t.weekday()]}) {t:%H:%M}", f"{t:%a} {t.day} {t:%b %H:%M}")


def _world(p: LabParams, at: datetime) -> World:
    return World.create(now=at, seed=p.seed, lang=p.lang)


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
        self.widget = w.HTML()
        self.widget.add_class("labkit-lab-steps")
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


_LAB_PHONE: Any = None


def _lab_phone_class() -> Any:
    """:class:`labkit.widgets.PhoneMockup` plus a listener called after each redraw."""
    global _LAB_PHONE
    if _LAB_PHONE is None:
        from ..widgets import PhoneMockup

        class LabPhoneMockup(PhoneMockup):  # type: ignore[misc]
            lab_on_change: Callable[[], None] | None = None

            def redraw(self) -> None:
                super().redraw()
                if self.lab_on_change is not None:
                    self.lab_on_change()

        _LAB_PHONE = LabPhoneMockup
    return _LAB_PHONE


def lab_phone(phone: Any, app: Any = None, *, on_change: Callable[[], None] | None = None, **options: Any) -> Any:
    """The course's phone mock-up (:class:`labkit.widgets.PhoneMockup`) calling ``on_change``
    after each of its redraws (every action and refresh), so that a lab can update its
    checklist, timeline and inspectors when the learner does something on the phone."""
    mockup = _lab_phone_class()(phone, app, **options)
    mockup.lab_on_change = on_change
    return mockup


def _box(children: Sequence[Any], css: str, *, row: bool = False, **layout: Any) -> Any:
    import ipywidgets as w

    cls = w.HBox if row else w.VBox
    if row:
        layout.setdefault("flex_flow", "row wrap")
        layout.setdefault("align_items", "flex-start")
    box = cls([c.widget if isinstance(c, ViewMixin) else c for c in children], layout=w.Layout(**layout))
    for c in css.split():
        box.add_class(c)
    return box


def _html(value: str, css: str) -> Any:
    import ipywidgets as w

    widget = w.HTML(value)
    widget.add_class(css)
    return widget


def _button(label: Text, lang: str, css: str, action: Callable[[], None], **options: Any) -> Any:
    import ipywidgets as w

    button = w.Button(description=label.get(lang), layout=w.Layout(width="auto"), **options)
    button.add_class("labkit-lab-button")
    button.add_class(css)
    button.on_click(lambda _b: action())
    return button


def _caption(text: Text, lang: str) -> str:
    return f'<div style="font-weight:bold;margin:.2em 0">{esc(text.get(lang))}</div>'


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
            how = Text(f"数分後 (約{minutes}分後)", f"within minutes (~{minutes} min)")
        else:
            how = Text("翌朝 8:00 ごろ" if to_jst(at).time() >= policy.window_end else "当日の 8:00 ごろ",
                       "around 8:00 the next morning" if to_jst(at).time() >= policy.window_end
                       else "around 8:00 the same morning")
        rows.append((when_text(at), when_text(push), how))
    return Report(Text("申請した時刻とプッシュ通知が届く時刻", "When you apply and when the push notification comes"),
                  (Text("申請", "Applied"), Text("プッシュ通知", "Push notification"), Text("目安", "Rule")), rows,
                  notes=(Text("8:00〜19:30 (平日・土日祝日とも) の申請は数分後、"
                              "それ以外はおおむね翌8:00以降に届きます。",
                              "Applications 8:00-19:30 (weekdays and weekends alike) get it within minutes, "
                              "others around 8:00 the next morning."),),
                  lang=lang, css="labkit-lab-push-schedule")


INSTALL_STEPS: tuple[Step, ...] = (
    Step("playstore", Text("① ホーム画面で「Playストア」を押す",
                           "① On the home screen, press 「Playストア」 (Play Store)")),
    Step("search", Text("② 「アプリとゲームを検索」の枠を押す",
                        "② Press the 「アプリとゲームを検索」 box (search for apps & games)")),
    Step("select", Text("③ 「マイナポータル」と入力し、検索結果から「マイナポータル」を選ぶ",
                        "③ Type マイナポータル (Mynaportal) and choose it in the results")),
    Step("install", Text("④ 「インストール」を押す", "④ Press 「インストール」 (Install)")),
    Step("open", Text("表示が「開く」に変わったらインストール完了。「開く」を押す",
                      "The button changes to 「開く」 (Open): installed. Press 「開く」")),
)


def install_stage(store: Any, phone: Any) -> int:
    """How far along 2-2 the learner is now: 0 (home) … 5 (the app was opened)."""
    from ..phone import MYNAPORTAL_PACKAGE

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
    Step("menu", Text("② 画面右下の「メニュー」を押す", "② Press 「メニュー」 (menu) at the bottom right")),
    Step("apply", Text("③ 「スマホ用電子証明書を申請する」を押す", "③ Press 「スマホ用電子証明書を申請する」")),
    Step("form", Text("④ カードの署名用電子証明書のパスワードを入力 ⑤ 証明書を選ぶ ⑥ 「確認しました」→「申請する」",
                      "④ Enter the card's signing-certificate password ⑤ choose the certificates "
                      "⑥ tick 「確認しました」, press 「申請する」")),
    Step("read", Text("⑦ カードを「モバイル非接触ICマーク」に当てて読み取る",
                      "⑦ Hold the card to the 「モバイル非接触ICマーク」 to read it")),
    Step("remove", Text("⑧ 読み取り成功 → カードを取り外す", "⑧ Read successfully: remove the card")),
    Step("next", Text("⑨ 「次へ」を押す", "⑨ Press 「次へ」 (next)")),
    Step("passwords", Text("スマホ用のパスワードを設定 (利用者証明用は数字4桁を2回) → 申請完了",
                           "Set the smartphone passwords (user-auth: 4 digits, twice): application complete")),
    Step("push", Text("プッシュ通知が届く (8:00〜19:30 の申請は数分後、それ以外は翌8:00ごろ)",
                      "The push notification arrives (minutes if applied 8:00-19:30, else around 8:00 next day)")),
    Step("register", Text("(2-4) 「登録する」を押して登録完了", "(2-4) Press 「登録する」 (register): done")),
)


def apply_progress(app: Any, visited: Iterable[AppState]) -> set[str]:
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


_KIND = {CaKind.SIGN: Text("署名用", "signing"), CaKind.AUTH: Text("利用者証明用", "user authentication")}
_STATE_TEXT = {
    CertState.GOOD: Text("有効", "valid"),
    CertState.HELD: Text("一時保留 (一時利用停止)", "on hold (temporarily suspended)"),
    CertState.REVOKED: Text("失効", "revoked"),
    CertState.EXPIRED: Text("期限切れ", "expired"),
    CertState.UNKNOWN: Text("不明", "unknown"),
}


def _phone_cert(kind: CaKind) -> Text:
    return Text(f"スマホ用{_KIND[kind].ja}電子証明書", f"smartphone {_KIND[kind].en} certificate")


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


def certificate_rows(world: World, person: Person, phone: Any = None) -> list[CertRow]:
    """The person's card certificates and (with ``phone``) the phone's registered ones, each
    with its state at J-LIS now (有効 / 一時保留 / 失効)."""
    rows: list[CertRow] = []
    if phone is not None:
        infos = world.jlis.device_status(phone.device_id).certificates
        for kind in (CaKind.SIGN, CaKind.AUTH):
            mine = [i for i in infos if i.kind is kind]
            if mine:
                info = _pick(mine)
                rows.append(CertRow("phone", kind, info.state, _phone_cert(kind), _STATE_TEXT[info.state]))
    if world.service is not None:
        statuses = [world.jlis.status(s) for s in world.service.card_certificates(person.holder_id, live_only=False)]
        for kind, profile in ((CaKind.SIGN, "sign"), (CaKind.AUTH, "auth")):
            mine = [s for s in statuses if s.profile and s.profile.endswith(profile)]
            if mine:
                status = _pick(mine)
                rows.append(CertRow("card", kind, status.state,
                                    Text(f"マイナンバーカードの{_KIND[kind].ja}電子証明書",
                                         f"My Number Card {_KIND[kind].en} certificate"),
                                    _STATE_TEXT[status.state]))
    return rows


def se_certificates(phone: Any) -> dict[CaKind, bool]:
    """Which smartphone certificates are in the phone's SE now (read from the SE itself,
    not through the app: a factory reset removes the app, not the SE's contents)."""
    from ..card import KeyRole

    jpki = phone.se.jpki
    if jpki is None:
        return {CaKind.SIGN: False, CaKind.AUTH: False}
    return {CaKind.SIGN: jpki.certificate(KeyRole.SIGN) is not None,
            CaKind.AUTH: jpki.certificate(KeyRole.AUTH) is not None}


def _status_html(world: World, person: Person, phone: Any, lang: str, *, card: bool = True) -> str:
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

    from ..pki import CrlChecker, OcspChecker

    cas = {k: x509.load_der_x509_certificate(v) for k, v in world.jlis.ca_certificates().items()}
    ocsp = OcspChecker(world.jlis.ocsp, world.clock)
    out = []
    for der in ders:
        cert = x509.load_der_x509_certificate(der)
        kind = next(k for k, ca in cas.items() if ca.subject == cert.issuer)
        issuer = cas[kind]
        crl = CrlChecker([world.jlis.crl(kind)], world.clock)

        def said(status: Any) -> Text:
            text = _STATE_TEXT[status.state]
            if status.reason is not None:
                return Text(f"{text.ja} ({status.reason.label.ja})", f"{text.en} ({status.reason.label.en})")
            return text
        out.append((_phone_cert(kind), said(world.jlis.status(cert.serial_number)), said(crl.check(cert, issuer)),
                    said(ocsp.check(cert, issuer))))
    return out


def _try(action: Callable[[], Any]) -> Text:
    """Run a learner-visible action: its refusal (bilingual) or 「成功」."""
    try:
        action()
    except LabkitError as exc:
        return exc.text
    return Text("成功", "success")


# =========================================================================== lab base

class _Lab(ViewMixin):
    """A lab: its world (closed with :meth:`close`) and its widget."""

    world: World
    lang: str

    def t(self, text: Text) -> str:
        return text.get(self.lang)

    def close(self) -> None:
        self.world.close()


# =========================================================================== 2-2

class InstallLab(_Lab):
    """A new phone without the Mynaportal app, on its home screen (2-2)."""

    def __init__(self, p: LabParams) -> None:
        self.lang = p.lang
        self.world = _world(p, p.now)
        self.person = self.world.resident("sample")
        self.phone = self.world.new_phone(self.person, install=False)
        self.steps = StepList(Text("手順 (講義 2-2)", "Steps (lecture 2-2)"), INSTALL_STEPS, lang=p.lang)
        self.reached = 0
        self.mockup = lab_phone(self.phone, lang=p.lang, on_change=self.update)
        self.store = self.mockup.model.app
        self.update()
        self.widget = _box([self.mockup, self.steps.widget], "labkit-lab labkit-lab-install", row=True)

    def update(self) -> None:
        store = getattr(self, "store", None)
        if store is None:
            return
        self.reached = max(self.reached, install_stage(store, self.phone))
        self.steps.update(s.key for s in INSTALL_STEPS[: self.reached])


def install(ctx: Any = None) -> InstallLab:
    """2-2: install the Mynaportal app from the Play Store on a new phone, step by step."""
    return InstallLab(_params(ctx))


# =========================================================================== 2-3 / 2-4

class _AppWatcher:
    """Remembers the states the Mynaportal app showed and when it registered."""

    def __init__(self, world: World, phone: Any) -> None:
        self.world = world
        self.phone = phone
        self.visited: set[AppState] = set()
        self.registered_at: datetime | None = None
        self._last: Any = None

    def changed(self) -> bool:
        """Record the app's state; True if something visible changed since last time."""
        app = self.phone.mynaportal if self.phone.installed() else None
        state = app.state if app is not None else None
        if state is not None:
            self.visited.add(state)
            if state is S.REGISTERED and self.registered_at is None:
                self.registered_at = self.world.now()
        key = (state, self.world.now(), len(self.phone.inbox), self.phone.online,
               None if app is None else (app.data.ready, app.data.receipt is not None))
        if key == self._last:
            return False
        self._last = key
        return True


def _preview_timeline(now: datetime) -> Any:
    from ..widgets import application_timeline

    model = application_timeline(now, now=now)
    return replace(model, title=Text("いま申請した場合の予定 (まだ申請していません)",
                                     "If you applied now (not applied yet)"))


class ApplyLab(_Lab):
    """2-3: the application on the phone at ``at`` (21:00 by default) with the card and SE
    APDUs traced, and the clock moved on to the push."""

    def __init__(self, p: LabParams, at: str) -> None:
        from ..widgets import ApduTraceViewer, Timeline, application_timeline

        self.lang = p.lang
        self.world = _world(p, on_day(p.now, at))
        self.person = self.world.resident("sample")
        self.phone = self.world.new_phone(self.person)
        self.app = self.phone.mynaportal
        self.watch = _AppWatcher(self.world, self.phone)
        self.trace = ApduTraceViewer(lang=p.lang, max_rows=120)
        self.trace.attach(self.person.card, Text("マイナンバーカード (NFC)", "My Number Card (NFC)"))
        self.trace.attach(self.phone.se, Text("スマホの GP-SE", "the phone's GP-SE"))

        def timeline() -> Any:
            receipt = self.app.data.receipt
            if receipt is None:
                return _preview_timeline(self.world.now())
            return application_timeline(receipt.applied_at, registered_at=self.watch.registered_at,
                                        now=self.world.now())
        self.timeline = Timeline(timeline, lang=p.lang)
        self.steps = StepList(Text("手順 (講義 2-3 ①〜⑨、2-4)", "Steps (lecture 2-3 ①-⑨, 2-4)"), APPLY_STEPS,
                              lang=p.lang)
        self.to_push = _button(Text("プッシュ通知が届く時刻まで時計を進める",
                                    "Move the clock to the push notification"), p.lang, "labkit-lab-to-push",
                               self.advance_to_push, button_style="warning")
        self.mockup = lab_phone(self.phone, card=self.person.card, advance=self.world.advance, lang=p.lang,
                               on_change=self.update)
        self.update()
        info = _html(person_info(self.person, p.lang), "labkit-lab-info-box")
        steps = _box([self.steps.widget, self.to_push], "labkit-lab-side", flex="1 1 22em")
        side = _box([steps, _box([info], "labkit-lab-side", flex="1 1 22em")], "labkit-lab-row", row=True)
        self.widget = _box([self.mockup, side, self.timeline, self.trace],
                           "labkit-lab labkit-lab-apply")

    def advance_to_push(self) -> None:
        """The button: move the simulated clock to the receipt's push time (if any)."""
        receipt = self.app.data.receipt
        if receipt is not None and not self.app.data.ready and self.world.now() < receipt.push_at:
            self.world.advance_to(receipt.push_at)
        self.mockup.refresh()

    def update(self) -> None:
        if not hasattr(self, "steps"):
            return
        if not self.watch.changed():
            return
        self.steps.update(apply_progress(self.app, self.watch.visited))
        receipt = self.app.data.receipt
        self.to_push.disabled = receipt is None or self.app.data.ready or S.REGISTERED in self.watch.visited
        self.timeline.refresh()


def apply(ctx: Any = None, *, at: str = "21:00") -> ApplyLab:
    """2-3: apply on the simulated phone at ``at`` on the notebook's day (21:00: the push
    comes the next morning at 8:00), with the APDU trace and the timeline."""
    return ApplyLab(_params(ctx), at)


class RegisterLab(_Lab):
    """2-4: applied the evening before at 21:00; now 8:00, the push has arrived."""

    def __init__(self, p: LabParams) -> None:
        from ..widgets import ApduTraceViewer, SeInspector

        self.lang = p.lang
        self.world = _world(p, on_day(p.now, "21:00", days=-1))
        self.person = self.world.resident("sample")
        self.phone = self.world.new_phone(self.person)
        self.app = self.phone.mynaportal
        self.world.apply(self.person, self.phone, register=False)
        receipt = self.app.data.receipt
        assert receipt is not None
        self.world.advance_to(receipt.push_at)
        self.app.open()
        self.watch = _AppWatcher(self.world, self.phone)
        self.inspector = SeInspector(self.phone.se, lang=p.lang)
        self.trace = ApduTraceViewer(self.phone.se, lang=p.lang, max_rows=60)
        self.certs = _box([], "labkit-lab-certs")
        self.shown: dict[CaKind, bool] = {}
        self.mockup = lab_phone(self.phone, advance=self.world.advance, lang=p.lang, on_change=self.update)
        self.update()
        intro = _html(_caption(Text("スマホの中の安全な場所 (GP-SE)", "The safe place in the phone (GP-SE)"), p.lang),
                      "labkit-lab-caption")
        self.widget = _box([self.mockup, intro, self.inspector, self.certs, self.trace],
                           "labkit-lab labkit-lab-register")

    def update(self) -> None:
        if not hasattr(self, "certs") or not self.watch.changed():
            return
        present = se_certificates(self.phone)
        if present != self.shown:
            self.shown = present
            self.inspector.refresh(get_status=False)
            self._show_certificates(present)

    def _show_certificates(self, present: dict[CaKind, bool]) -> None:
        from ..card import KeyRole
        from ..widgets import CertificateViewer

        viewers = []
        anchors = list(self.world.jlis.ca_certificates().values())
        for kind, role in ((CaKind.SIGN, KeyRole.SIGN), (CaKind.AUTH, KeyRole.AUTH)):
            if present[kind] and self.phone.se.jpki is not None:
                der = self.phone.se.jpki.certificate(role)
                title = Text(f"SE 内のスマホ用{_KIND[kind].ja}電子証明書",
                             f"The smartphone {_KIND[kind].en} certificate in the SE")
                viewers.append(CertificateViewer(der, status=self.world.jlis, anchors=anchors, clock=self.world.clock,
                                                 lang=self.lang, title=title))
        self.certs.children = [v.widget for v in viewers]


def register(ctx: Any = None) -> RegisterLab:
    """2-4: the push has come; press 「登録する」 and watch the certificates arrive in the SE."""
    return RegisterLab(_params(ctx))


# =========================================================================== 2-5

class DeviceChangeLab(_Lab):
    """2-5: the old phone (registered) and a new phone with the app installed. ``old_online``
    False: the old phone is switched off (airplane mode) when the change starts."""

    def __init__(self, p: LabParams, *, old_online: bool) -> None:
        from ..widgets import Timeline, device_change_timeline

        self.lang = p.lang
        self.world = _world(p, on_day(p.now, "09:00", days=-1))
        self.person = self.world.resident("sample")
        self.old = self.world.new_phone(self.person, name="old", model="Pixel 7")
        self.world.apply(self.person, self.old)
        self.world.advance_to(on_day(p.now, "10:00"))
        self.new = self.world.new_phone(self.person, name="new", model="Pixel 9")
        self.old.set_online(old_online)
        self.old_online_at: datetime | None = None
        self._watch_old = _AppWatcher(self.world, self.old)
        self._watch_new = _AppWatcher(self.world, self.new)

        def timeline() -> Any:
            receipt = self.new.mynaportal.data.receipt
            if receipt is None:
                return _preview_device_change(self.world.now())
            return device_change_timeline(receipt.applied_at, old_online_at=self.old_online_at, now=self.world.now())
        self.timeline = Timeline(timeline, lang=p.lang)
        self.status = _html("", "labkit-lab-status-box")
        self.old_mockup = lab_phone(self.old, lang=p.lang, on_change=self.update)
        self.new_mockup = lab_phone(self.new, card=self.person.card, advance=self.world.advance, lang=p.lang,
                                   on_change=self.update)
        self.old_mockup.model.mark_read()  # yesterday's registration push was read long ago
        self.old_mockup.redraw()
        self.update(force=True)
        old_box = _box([_html(_caption(Text("旧スマホ (これまで使っていたスマホ)", "Old phone (registered)"), p.lang),
                              "labkit-lab-caption"), self.old_mockup], "labkit-lab-old-phone")
        new_box = _box([_html(_caption(Text("新しいスマホ (マイナポータルアプリをインストール済み)",
                                            "New phone (Mynaportal app installed)"), p.lang), "labkit-lab-caption"),
                        self.new_mockup], "labkit-lab-new-phone")
        info = _html(person_info(self.person, p.lang), "labkit-lab-info-box")
        scenario = "online" if old_online else "offline"
        self.widget = _box([_box([new_box, old_box], "labkit-lab-phones", row=True),
                            _box([self.status, info], "labkit-lab-row", row=True), self.timeline],
                           f"labkit-lab labkit-lab-device-change labkit-lab-old-{scenario}")

    def update(self, force: bool = False) -> None:
        if not hasattr(self, "status"):
            return
        if self.old.online:
            self.old.sync()  # a push reaches an online phone at once
        changed = self._watch_old.changed() | self._watch_new.changed()
        if not (changed or force):
            return
        receipt = self.new.mynaportal.data.receipt
        if receipt is not None and self.old_online_at is None and self.old.online:
            self.old_online_at = max(self.world.now(), receipt.applied_at)
        self.status.value = self._status_html()
        self.timeline.refresh()
        for mockup in (getattr(self, "old_mockup", None), getattr(self, "new_mockup", None)):
            if mockup is not None and mockup.model.fingerprint() != getattr(mockup, "_lab_seen", None):
                mockup._lab_seen = mockup.model.fingerprint()
                mockup.redraw()

    def _status_html(self) -> str:
        lang = self.lang
        rows = []
        for name, phone in ((Text("旧スマホ", "old phone"), self.old), (Text("新しいスマホ", "new phone"), self.new)):
            in_se = se_certificates(phone)
            count = sum(in_se.values())
            infos = self.world.jlis.device_status(phone.device_id).certificates
            states = sorted({_STATE_TEXT[i.state].get(lang) for i in infos}) or ["—"]
            rows.append([name.get(lang), Text(f"{count} 枚", f"{count}").get(lang), "、".join(states)
                         if lang == "ja" else ", ".join(states)])
        head = [Text("スマホ", "Phone").get(lang), Text("SE 内の証明書", "certificates in the SE").get(lang),
                Text("J-LIS での状態", "state at J-LIS").get(lang)]
        when = when_text(self.world.now()).get(lang)
        title = Text(f"{when} 現在", f"as of {when}").get(lang)
        return (f'<div class="labkit-lab-status" lang="{lang}"><b>{esc(title)}</b>'
                f"{html_table(head, rows, css='labkit-lab-phones-table')}</div>")


def _preview_device_change(now: datetime) -> Any:
    from ..widgets import device_change_timeline

    model = device_change_timeline(now, now=now)
    return replace(model, title=Text("いま新しいスマホで申請した場合 (まだ申請していません)",
                                     "If you applied on the new phone now (not applied yet)"))


def device_change(ctx: Any = None, *, old_online: bool = True) -> DeviceChangeLab:
    """2-5: change to a new phone; the old phone online (deletes by itself) or switched off
    (``old_online=False``: bring it back after 48 hours and see what stays)."""
    return DeviceChangeLab(_params(ctx), old_online=old_online)


def device_change_outcomes(ctx: Any = None) -> Report:
    """2-5, both cases to the end with the real objects: the old phone online during the
    change, and the old phone offline until 49 hours later."""
    p = _params(ctx)
    world = _world(p, on_day(p.now, "09:00", days=-1))
    try:
        rows = []
        cases = ((Text("旧スマホの電源を入れ、ネットワークに接続したまま", "old phone on and online"), "sample", True),
                 (Text("旧スマホの電源を切ったまま、49時間後に接続", "old phone off, online again 49 hours later"),
                  "taro", False))
        started = []
        for label, key, online in cases:
            person = world.resident(key)
            old = world.new_phone(person, name=f"old-{key}")
            world.apply(person, old)
            started.append((label, person, old, online))
        world.advance_to(on_day(p.now, "10:00"))
        for _label, person, old, online in started:
            old.set_online(online)
            new = world.new_phone(person, name=f"new-{person.key}")
            world.apply(person, new, device_change=True)
        world.advance(hours=49)
        for label, person, old, _online in started:
            old.set_online(True)
            count = sum(se_certificates(old).values())
            states = {i.state for i in world.jlis.device_status(old.device_id).certificates}
            state = Text("、".join(sorted(_STATE_TEXT[s].ja for s in states)),
                         ", ".join(sorted(_STATE_TEXT[s].en for s in states)))
            se = Text("削除された (0 枚)", "deleted (0)") if count == 0 else \
                Text(f"残っている ({count} 枚)", f"still there ({count})")
            login = _try(lambda old=old, person=person: world.login(old, pin=person.phone_pin))
            rows.append((label, se, state, login))
        return Report(Text("機種変更のあと、旧スマホはどうなるか", "After the device change: the old phone"),
                      (Text("旧スマホ", "Old phone"), Text("旧スマホの SE の証明書", "Certificates in its SE"),
                       Text("J-LIS での状態", "State at J-LIS"), Text("旧スマホでログイン", "Log in on the old phone")),
                      rows, notes=(Text("どちらの場合も、新しいスマホで申請した時点で"
                                        "旧スマホの証明書は失効しています。",
                                        "In both cases the old phone's certificates were revoked as soon as the new "
                                        "phone applied."),
                                   Text("48時間以内にネットワークにつながった旧スマホは、別の手続きなしで証明書を削除します。",
                                        "An old phone that comes online within 48 hours deletes them without any "
                                        "separate procedure.")),
                      lang=p.lang, css="labkit-lab-device-outcomes")
    finally:
        world.close()


# =========================================================================== 2-6

class HotlinePanel(ViewMixin):
    """マイナンバー総合フリーダイヤル: call, press 4, report the loss (any hour)."""

    def __init__(self, world: World, person: Person, item: LossItem, lang: str,
                 on_change: Callable[[], None]) -> None:
        self.world, self.person, self.item, self.lang = world, person, item, lang
        self.on_change = on_change
        self.log: list[Text] = []
        self.receipt: Any = None
        what = (Text("スマホの紛失を届け出る (一時利用停止)", "Report the lost phone (suspend)")
                if item is LossItem.PHONE else
                Text("カードの紛失を届け出る (一時利用停止)", "Report the lost card (suspend)"))
        self.hours = _html("", "labkit-lab-hotline-hours")
        self.reply = _html("", "labkit-lab-hotline-log")
        self.call = _button(Text("電話する", "Call"), lang, "labkit-lab-hotline-call", self.dial)
        self.press4 = _button(Text("4番を押す", "Press 4"), lang, "labkit-lab-hotline-press4", self.press_four)
        self.report = _button(what, lang, "labkit-lab-hotline-report", self.report_loss, button_style="danger")
        self.enquire = _button(Text("手続きについて質問する", "Ask about the procedure"), lang,
                               "labkit-lab-hotline-enquire", self.ask)
        self.widget = _box([_html(_caption(HOTLINE_NAME, lang), "labkit-lab-caption"), self.hours,
                            _box([self.call, self.press4, self.enquire, self.report], "labkit-lab-buttons", row=True),
                            self.reply], "labkit-lab-hotline", border="1px solid #d1d5db", padding=".4em",
                           margin=".3em 0")
        self.redraw()

    def dial(self) -> None:
        self._say(self.world.hotline.guidance())

    def press_four(self) -> None:
        self._say(self.world.hotline.press(4))

    def ask(self) -> None:
        try:
            self._say(self.world.hotline.enquire("手続きについて"))
        except LabkitError as exc:
            self._say(Text(f"受付時間外です: {exc.text.ja}", f"outside the opening hours: {exc.text.en}"))

    def report_loss(self) -> None:
        try:
            self.receipt = self.world.report_loss(self.person, self.item)
            self._say(self.receipt.message)
        except LabkitError as exc:
            self._say(exc.text)

    def _say(self, text: Text) -> None:
        stamp = when_text(self.world.now())
        self.log.append(Text(f"[{stamp.ja}] {text.ja}", f"[{stamp.en}] {text.en}"))
        self.redraw()
        self.on_change()

    def redraw(self) -> None:
        lang = self.lang
        now = self.world.now()
        open_now = HOTLINE_HOURS.is_open(now)
        state = (Text("受付時間内", "open now") if open_now
                 else Text("受付時間外 (問い合わせは翌受付時間に)", "closed for enquiries now"))
        hours = Text(f"問い合わせ: 平日 9:30〜20:00、土日祝 9:30〜17:30 — 今 ({when_text(now).ja}) は{state.ja}。"
                     "紛失・盗難による一時利用停止は24時間365日受け付けます (音声ガイダンス4番)。",
                     f"Enquiries: weekdays 9:30-20:00, weekends/holidays 9:30-17:30 — now ({when_text(now).en}): "
                     f"{state.en}. Suspension after loss or theft: 24 hours a day, 365 days a year "
                     "(voice guidance: 4).")
        self.hours.value = (f'<div data-open="{str(open_now).lower()}" style="font-size:13px">'
                            f"{esc(hours.get(lang))}</div>")
        self.reply.value = "".join(f'<div class="labkit-lab-hotline-line" style="font-size:13px">'
                                   f"{esc(t.get(lang))}</div>" for t in self.log[-5:])


class CounterPanel(ViewMixin):
    """市区町村窓口: the found phone / the lost and found card."""

    def __init__(self, world: World, person: Person, item: LossItem, lang: str,
                 on_change: Callable[[], None], *, new_password: str = "FOUND2026") -> None:
        self.world, self.person, self.item, self.lang = world, person, item, lang
        self.on_change = on_change
        self.new_password = new_password
        self.log: list[Text] = []
        #: The counter's buttons by what they do: "phone_found" (2-6, phone), "card_lost" and
        #: "card_found" (2-6, card).
        self.buttons: dict[str, Any] = {}
        if item is LossItem.PHONE:
            self.buttons["phone_found"] = _button(
                Text("スマホが見つかった: 一時保留の解除を申し出る", "Phone found: ask to lift the hold"), lang,
                "labkit-lab-counter-phone-found", self.phone_found, button_style="success")
        else:
            self.buttons["card_lost"] = _button(Text("カードの紛失届を出す", "Report the lost card"), lang,
                                                "labkit-lab-counter-card-lost", self.card_lost)
            self.buttons["card_found"] = _button(Text("カードが見つかった: 届け出る", "Card found: report it"), lang,
                                                 "labkit-lab-counter-card-found", self.card_found,
                                                 button_style="success")
        buttons = list(self.buttons.values())
        self.reply = _html("", "labkit-lab-counter-log")
        self.widget = _box([_html(_caption(Text("市区町村窓口 (清瀬市)", "Municipal counter (Kiyose City)"), lang),
                                  "labkit-lab-caption"), _box(buttons, "labkit-lab-buttons", row=True), self.reply],
                           "labkit-lab-counter", border="1px solid #d1d5db", padding=".4em", margin=".3em 0")

    def _municipality(self) -> Any:
        return self.world.municipality

    def phone_found(self) -> None:
        try:
            released, revoked = self._municipality().phone_found(self.person.resident)
        except LabkitError as exc:
            self._say(exc.text)
            return
        self._say(Text(f"利用者証明用電子証明書の一時保留を解除しました ({len(released)} 件)。"
                       f"署名用電子証明書は失効しました ({len(revoked)} 件): 必要なら新たに発行の申請を"
                       "してください (再発行の手数料は市区町村窓口に確認)。",
                       f"The hold on the user-authentication certificate is lifted ({len(released)}). The signing "
                       f"certificate was revoked ({len(revoked)}): apply for a new one if needed (ask the municipality "
                       "about the re-issue fee)."))

    def card_lost(self) -> None:
        try:
            held = self._municipality().report_card_loss(self.person.resident)
        except LabkitError as exc:
            self._say(exc.text)
            return
        extra = Text(f"{len(held)} 件を一時保留にしました。", f"{len(held)} certificates put on hold.") if held else \
            Text("(フリーダイヤルで一時利用停止済みです)", "(already suspended through the toll-free line)")
        self._say(Text(f"紛失届を受け付けました。{extra.ja}", f"Loss report received. {extra.en}"))

    def card_found(self) -> None:
        try:
            self._municipality().card_found(self.person.resident, self.person.card,
                                            new_sign_password=self.new_password)
        except LabkitError as exc:
            self._say(exc.text)
            return
        self.person.card_password = self.new_password
        self._say(Text(f"カードの利用者証明用電子証明書の一時保留を解除し、署名用電子証明書を新しく発行しました "
                       f"(新しいパスワード: {self.new_password})。スマホ用電子証明書はマイナポータルアプリの"
                       "「一時利用停止の解除」で解除します。",
                       f"The card's user-authentication certificate is released and a new signing certificate issued "
                       f"(new password: {self.new_password}). Lift the smartphone certificates' suspension in the "
                       "Mynaportal app (「一時利用停止の解除」)."))

    def _say(self, text: Text) -> None:
        stamp = when_text(self.world.now())
        self.log.append(Text(f"[{stamp.ja}] {text.ja}", f"[{stamp.en}] {text.en}"))
        self.reply.value = "".join(f'<div class="labkit-lab-counter-line" style="font-size:13px">'
                                   f"{esc(t.get(self.lang))}</div>" for t in self.log[-4:])
        self.on_change()


class LossLab(_Lab):
    """2-6: a registered phone, then the phone (or the card) is lost late in the evening."""

    def __init__(self, p: LabParams, item: LossItem) -> None:
        self.lang = p.lang
        self.item = item
        self.world = _world(p, on_day(p.now, "10:00", days=-1))
        self.person = self.world.resident("sample")
        self.phone = self.world.new_phone(self.person)
        self.world.apply(self.person, self.phone)
        self.world.advance_to(on_day(p.now, "22:30"))
        self.phone.mynaportal.open()
        self._watch = _AppWatcher(self.world, self.phone)
        self.status = _html("", "labkit-lab-status-box")
        self.hotline = HotlinePanel(self.world, self.person, item, p.lang, self.refresh)
        self.counter = CounterPanel(self.world, self.person, item, p.lang, self.refresh)
        self.info = _html("", "labkit-lab-info-box")
        self.mockup = lab_phone(self.phone, card=self.person.card, advance=self.world.advance, lang=p.lang,
                               on_change=self.update)
        self.mockup.model.mark_read()  # yesterday's registration push was read long ago
        self.refresh()
        side = _box([self.status, self.hotline, self.counter, self.info], "labkit-lab-side")
        kind = "phone" if item is LossItem.PHONE else "card"
        self.widget = _box([self.mockup, side], f"labkit-lab labkit-lab-loss labkit-lab-loss-{kind}")

    def update(self) -> None:
        if hasattr(self, "status") and self._watch.changed():
            self._redraw_panels()

    def refresh(self) -> None:
        """After the hotline or the counter acted: pushes, status, phone."""
        if not hasattr(self, "status"):
            return
        if hasattr(self, "mockup"):
            self.mockup.refresh()  # fetches pushes and redraws; calls update()
        self._redraw_panels()

    def _redraw_panels(self) -> None:
        self.status.value = _status_html(self.world, self.person, self.phone, self.lang)
        self.hotline.redraw()
        self.info.value = person_info(self.person, self.lang)


def phone_loss(ctx: Any = None) -> LossLab:
    """2-6: lose the phone at 22:30, try to log in, call the hotline, find it again."""
    return LossLab(_params(ctx), LossItem.PHONE)


def card_loss(ctx: Any = None) -> LossLab:
    """2-6: lose the My Number Card; found again: the counter, then the app."""
    return LossLab(_params(ctx), LossItem.CARD)


# =========================================================================== 2-7

class StopUsingLab(_Lab):
    """2-7: a registered phone; factory reset it (the SE keeps the certificates), then revoke
    properly from the phone and check the CRL and OCSP."""

    def __init__(self, p: LabParams) -> None:
        from ..widgets import SeInspector

        self.lang = p.lang
        self.world = _world(p, on_day(p.now, "09:00"))
        self.person = self.world.resident("sample")
        self.phone = self.world.new_phone(self.person)
        self.world.apply(self.person, self.phone)
        self.world.advance_to(on_day(p.now, "10:00"))
        infos = self.world.jlis.device_status(self.phone.device_id).certificates
        ordered = sorted(infos, key=lambda i: i.kind.value, reverse=True)  # signing first
        self.ders = [self.world.jlis.certificate(i.serial) for i in ordered]
        self.phone.mynaportal.open()
        self._watch = _AppWatcher(self.world, self.phone)
        self.inspector = SeInspector(self.phone.se, lang=p.lang)
        self.status = _html("", "labkit-lab-status-box")
        self.checks = _html("", "labkit-lab-revocation")
        self.reset_button = _button(Text("端末を初期化する (工場出荷時の状態に戻す)", "Factory reset the phone"),
                                    p.lang, "labkit-lab-factory-reset", self.factory_reset, button_style="danger")
        self.check_button = _button(Text("失効情報を確認する (CRL と OCSP)", "Check revocation (CRL and OCSP)"), p.lang,
                                    "labkit-lab-revocation-check", self.check_revocation)
        self.mockup = lab_phone(self.phone, lang=p.lang, on_change=self.update)
        self.mockup.model.mark_read()  # the registration push was read long ago
        self.mockup.redraw()
        self.update(force=True)
        side = _box([_box([self.reset_button, self.check_button], "labkit-lab-buttons", row=True), self.status,
                     self.checks, _html(person_info(self.person, p.lang, card_password=False), "labkit-lab-info-box")],
                    "labkit-lab-side")
        self.widget = _box([self.mockup, side, self.inspector],
                           "labkit-lab labkit-lab-stop-using")

    def factory_reset(self) -> None:
        """端末初期化: apps and their data go; the mock-up falls back to the home screen."""
        self.phone.factory_reset()
        self.mockup.model.home()
        self.mockup.redraw()
        self.update(force=True)

    def check_revocation(self) -> None:
        lang = self.lang
        rows = [[c.get(lang) for c in row] for row in revocation_rows(self.world, self.ders)]
        head = [Text("電子証明書", "Certificate").get(lang), "J-LIS", "CRL", "OCSP"]
        when = when_text(self.world.now()).get(lang)
        title = Text(f"失効情報 ({when})", f"Revocation status ({when})").get(lang)
        self.checks.value = (f'<div lang="{lang}"><b>{esc(title)}</b>'
                             f"{html_table(head, rows, css='labkit-lab-revocation-table')}</div>")

    def update(self, force: bool = False) -> None:
        if not hasattr(self, "status"):
            return
        if not (self._watch.changed() or force):
            return
        self.status.value = _status_html(self.world, self.person, self.phone, self.lang, card=False)
        self.inspector.refresh(get_status=False)


def stop_using(ctx: Any = None) -> StopUsingLab:
    """2-7: factory reset vs 「失効」, with the SE inspector and a CRL/OCSP check."""
    return StopUsingLab(_params(ctx))


# =========================================================================== 2-8

VALIDITY_CASES: tuple[tuple[str, str], ...] = (
    ("1990-02-17", "2026-04-01"),
    ("1990-02-17", "2026-02-17"),
    ("2000-02-29", "2026-04-01"),
    ("2000-02-29", "2027-03-01"),
)


def validity_examples(ctx: Any = None, cases: Sequence[tuple[str, str]] = VALIDITY_CASES) -> Report:
    """FAQ Q1: the end of validity for some (birthday, issuance day) pairs, by the PKI's rule."""
    from ..widgets import ValidityModel

    p = _params(ctx)
    model = ValidityModel(lang=p.lang)
    rows = []
    for birth, issued in cases:
        result = model.calculate(issued, birth)
        b, i = date.fromisoformat(birth), date.fromisoformat(issued)
        end = to_jst(result.not_after).date() if result.not_after else None
        rows.append((Text(f"{b.year}年{b.month}月{b.day}日", b.isoformat()),
                     Text(f"{i.year}年{i.month}月{i.day}日", i.isoformat()),
                     Text(f"{end.year}年{end.month}月{end.day}日 23:59:59" if end else "—",
                          f"{end.isoformat()} 23:59:59" if end else "—")))
    return Report(Text("有効期限の例 (発行後5回目の誕生日まで)",
                       "Examples: valid until the 5th birthday after issuance"),
                  (Text("生年月日", "Born"), Text("発行日", "Issued"),
                   Text("有効期限 (日本時間)", "Valid until (JST)")),
                  rows, notes=(Text("2月29日生まれの方は、うるう年でない年は2月28日を誕生日として数えます。",
                                    "For people born on 29 February, the birthday in common years is 28 February."),
                               Text("マイナンバーカードの有効期限のほうが早い場合は、そこまでです。",
                                    "If the My Number Card expires earlier, the certificate ends with it.")),
                  lang=p.lang, css="labkit-lab-validity-examples")


def validity_calculator(ctx: Any = None) -> Any:
    """FAQ Q1: the calculator, preset to a 2月29日 birthday and the notebook's day."""
    from ..widgets import ValidityCalculator

    p = _params(ctx)
    return ValidityCalculator(issued=to_jst(p.now).date(), birth=date(2000, 2, 29), lang=p.lang)


def one_device(ctx: Any = None) -> Report:
    """FAQ Q3: a person registered on one phone applies (not as a device change) on a second
    phone: J-LIS refuses; the first phone keeps working."""
    p = _params(ctx)
    world = _world(p, on_day(p.now, "10:00"))
    try:
        person = world.resident("sample")
        first = world.new_phone(person, name="first")
        world.apply(person, first)
        second = world.new_phone(person, name="second")
        refusal = _try(lambda: world.apply(person, second, register=False))
        login_first = _try(lambda: world.login(first, pin=person.phone_pin))
        rows = [(Text("1台目のスマホで申請・登録", "Apply and register on phone 1"), Text("成功", "success")),
                (Text("2台目のスマホで新たに申請", "Apply anew on phone 2"), refusal),
                (Text("1台目のスマホでマイナポータルにログイン", "Log in to Mynaportal on phone 1"), login_first)]
        return Report(Text("1人につき登録できるスマホは1台のみ", "One person, one phone"),
                      (Text("操作", "What"), Text("結果", "Result")), rows,
                      notes=(Text("新しいスマホに移すときは「機種変更」で申請します (2-5)。",
                                  "To move to a new phone, apply through 「機種変更」 (device change, 2-5)."),),
                      lang=p.lang, css="labkit-lab-one-device")
    finally:
        world.close()


def quiz(ctx: Any = None, sections: Sequence[str] = ("2-1", "2-3", "2-5", "2-6", "2-7", "2-8")) -> Any:
    """The Chapter 2 quiz (FAQ Q1–Q4 and review questions), in an order fixed by the seed."""
    from ..widgets import Quiz

    p = _params(ctx)
    return Quiz(sections=tuple(sections), seed=p.seed, lang=p.lang)
