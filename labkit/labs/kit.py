"""The labs kit, shared by both chapters: the lab base, layout helpers, deterministic blocks,
the phone mock-up with a change listener, the app watcher and small phone/PIN helpers.

A lab keeps its state and actions in plain attributes and methods (drivable from code and
tests) and builds its ipywidgets view from these helpers; ipywidgets is imported only inside
them, so the models import without a frontend.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol, TypeVar, cast

from .. import course
from ..card import KeyRole
from ..clock import JST, to_jst
from ..errors import InputError, LabkitError, ServiceError
from ..i18n import Text, check_lang
from ..phone import Phone
from ..phone.mynaportal import AppState
from ..reader import PinBlockedError, WrongPinError
from ..widgets import PhoneMockup
from ..widgets._base import ViewMixin, esc, shared
from ..world import World

# =========================================================================== run parameters


@dataclass(frozen=True, slots=True)
class LabParams:
    lang: str
    now: datetime
    seed: int


def lab_params(ctx: course.Context | None = None) -> LabParams:
    """Language, simulated time and seed of the notebook run (``course.current()`` if no
    context is given)."""
    ctx = ctx or course.current()
    return LabParams(check_lang(ctx.lang), ctx.now, int(ctx.seed))


def lab_world(p: LabParams, at: datetime) -> World:
    """The lab's world at ``at``. In class mode, once the student is known, it is the
    student's world on the class J-LIS: their own clock moved forward to ``at`` (or to the
    same time of day on a later day if their clock is past it: it never goes back), a seed
    of their own. Before the student joins, the lab runs in the kernel as usual."""
    ctx = course.current()
    student = ctx.student
    if student is None:
        if ctx.in_class:
            ctx.local_labs += 1
        return World.create(now=at, seed=p.seed, lang=p.lang)
    world = World.create(jlis=student.url, token=student.token, seed=student.seed, lang=p.lang)
    now = world.now()
    target = at
    while target < now:
        target += timedelta(days=1)
    world.advance_to(target)
    return world


class WorldModel(Protocol):
    """A lab model over a world of its own; its language is the world's (``world.lang``)."""

    world: World


class InWorldLanguage:
    """A lab model (or part of one) whose language is its world's, so that a model made before
    the page's language was known (:func:`make_ahead`) takes it with ``world.lang``."""

    world: World

    @property
    def lang(self) -> str:
        return self.world.lang


M = TypeVar("M", bound=WorldModel)
_AHEAD: dict[tuple[object, ...], WorldModel] = {}


def make_ahead(make: Callable[..., WorldModel], now: datetime, seed: int, **options: object) -> None:
    """Build a lab's model while a preheated kernel waits for its student (labkit.preheat),
    for the notebook's default time and seed; the language comes with the request."""
    _AHEAD[_ahead_key(make, now, seed, options)] = make(LabParams("ja", now, seed), **options)


def _ahead_key(make: Callable[..., object], now: datetime, seed: int, options: dict[str, object]) -> tuple[object, ...]:
    return make, now, seed, tuple(sorted(options.items()))


def lab_model(make: Callable[..., M], p: LabParams, **options: object) -> M:
    """``make(p, **options)``, or the same model made ahead (:func:`make_ahead`) for the same
    time, seed and options, now in ``p.lang``. In class mode it is always made now: the lab
    runs on the student's own world."""
    ready = _AHEAD.pop(_ahead_key(make, p.now, p.seed, options), None)
    if ready is not None and not course.current().in_class:
        ready.world.lang = check_lang(p.lang)
        return cast(M, ready)  # stored under this very ``make``
    if ready is not None:
        ready.world.close()
    return make(p, **options)


# =========================================================================== time as text

_WEEKDAYS_JA = "月火水木金土日"


def on_day(now: datetime, clock_time: str, days: int = 0) -> datetime:
    """``now``'s day in Japan (plus ``days``) at ``"HH:MM"`` JST."""
    hour, minute = (int(x) for x in clock_time.split(":"))
    return datetime.combine(to_jst(now).date() + timedelta(days=days), time(hour, minute), JST)


def when_text(at: datetime) -> Text:
    """``4月1日(水) 21:00`` / ``Wed 1 Apr 21:00`` (Japan time)."""
    t = to_jst(at)
    return Text(f"{t.month}月{t.day}日({_WEEKDAYS_JA[t.weekday()]}) {t:%H:%M}", f"{t:%a} {t.day} {t:%b %H:%M}")


def date_time_text(value: datetime) -> Text:
    """``2026年4月1日 (水) 10:00`` / ``Wed 2026-04-01 10:00`` (JST)."""
    t = to_jst(value)
    return Text(f"{t.year}年{t.month}月{t.day}日 ({_WEEKDAYS_JA[t.weekday()]}) {t:%H:%M}", f"{t:%a} {t:%Y-%m-%d %H:%M}")


def date_text(value: date) -> Text:
    return Text(f"{value.year}年{value.month}月{value.day}日", value.isoformat())


def hm(value: datetime | time) -> str:
    """``9:30``, ``20:00``."""
    return f"{value.hour}:{value.minute:02d}"


def listing(lang: str, items: Sequence[str]) -> str:
    """Items joined the way each language lists them (``、`` / ``, ``)."""
    return Text("、", ", ").get(lang).join(items)


# =========================================================================== deterministic HTML

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
TD = '<td style="text-align:left;vertical-align:top">'
TD_NOWRAP = '<td style="text-align:left;vertical-align:top;white-space:nowrap">'
TH = '<th style="text-align:left;white-space:nowrap">'


def kv_table(css: str, lang: str, rows: Sequence[tuple[str, str]], heads: tuple[str, str] | None = None) -> str:
    """A two-column table: escaped heads, row labels escaped, values as given (HTML)."""
    head = "" if heads is None else ("<thead><tr>" + "".join(f'<th style="text-align:left">{esc(h)}</th>'
                                                             for h in heads) + "</tr></thead>")
    body = "".join(f'<tr><th style="text-align:left;white-space:nowrap;vertical-align:top">{esc(k)}</th>'
                   f"{TD}{v}</td></tr>" for k, v in rows)
    return (f'<table class="{css}" lang="{lang}" cellpadding="4" border="1" '
            f'style="border-collapse:collapse;font-size:14px;border-color:#d1d5db">{head}<tbody>{body}</tbody></table>')


def verdict(ok: bool | None, text: str, *, css: str = "") -> str:
    """A green (ok), red (refused) or grey (None: nothing yet) box; ``data-outcome`` for tests."""
    outcome = "none" if ok is None else ("ok" if ok else "ng")
    style = {"ok": "", "ng": "", "none": "color:#6b7280;padding:.4em .8em"}[outcome]
    cls = "labkit-verdict" + ("" if ok is None else f" labkit-verdict-{outcome}")
    return (f'<div class="{cls} labkit-lab-result {css}" data-outcome="{outcome}" style="{style}">'
            f"{text}</div>")


def hint(text: str) -> str:
    return f'<div class="labkit-lab-hint" style="color:#4b5563;font-size:13px">{text}</div>'


def caption(text: str) -> str:
    return f'<div style="font-weight:bold;margin:.2em 0">{esc(text)}</div>'


# =========================================================================== widgets

class InLanguage:
    """A lab's model or view in the run's language ``lang``: ``t(Text)`` is its string."""

    lang: str

    def t(self, text: Text) -> str:
        return text.get(self.lang)


class Lab(InLanguage, ViewMixin):
    """A lab: it displays as its ``widget``; its parts display on their own too. Labs that
    build their own world close it with :meth:`close`."""

    world: World

    def close(self) -> None:
        self.world.close()


def box(children: Sequence[Any], css: str, *, row: bool = False, **layout: Any) -> Any:
    """A VBox (``row``: a wrapping HBox) of widgets or views, with the CSS classes ``css``."""
    import ipywidgets as w

    cls = w.HBox if row else w.VBox
    if row:
        layout.setdefault("flex_flow", "row wrap")
        layout.setdefault("align_items", "flex-start")
    return cls([c.widget if isinstance(c, ViewMixin) else c for c in children], layout=w.Layout(**layout),
               _dom_classes=tuple(css.split()))  # its own layout: beside() and labs set flex later


def panel(children: Sequence[Any], css: str, title: str | None = None) -> Any:
    """A titled, framed lab panel with a stable CSS class."""
    import ipywidgets as w

    items = list(children)
    if title is not None:
        items.insert(0, w.HTML(f'<div style="font-weight:bold;font-size:15px;margin:.3em 0">{esc(title)}</div>',
                               **shared(w.HTML)))
    return box(items, f"labkit-lab {css}", border="1px solid #d1d5db", padding=".5em .8em", margin=".4em 0",
               max_width="64em", overflow="auto")


MORE = Text("もっと詳しく (技術者向け)", "More detail (for engineers)")


def engineer_depth() -> bool:
    """True when the run asked for the engineers' depth (``depth=engineer``)."""
    return course.current().params.get("depth") == "engineer"


def deeper(children: Sequence[Any], lang: str, what: Text, css: str) -> Any:
    """The technical layer of a lab (APDU traces, GP tables) folded into a 「もっと詳しく
    (技術者向け)」 section: closed for students, open with ``depth=engineer`` (issue 11)."""
    import ipywidgets as w

    body = box(children, f"labkit-more-body {css}")
    return w.Accordion(children=[body], titles=[f"{MORE.get(lang)}: {what.get(lang)}"],
                       selected_index=0 if engineer_depth() else None, _dom_classes=("labkit-more-widget",))


def button_row(*children: Any) -> Any:
    """Buttons side by side at their natural width (a VBox would stretch them)."""
    return box(children, "", row=True, align_items="center")


def beside(phone_view: Any, side: Any) -> Any:
    """The phone mock-up at its full width, instructions and results beside it."""
    phone_view.widget.layout.flex = "0 0 auto"
    side.layout.flex = "1 1 16em"
    side.layout.min_width = "16em"  # below the phone when the page is narrow
    return box([phone_view, side], "", row=True, align_items=None)


def html_view(value: str, css: str) -> Any:
    import ipywidgets as w

    return w.HTML(value, **shared(w.HTML), _dom_classes=(css,))


def button(label: str, css: str, action: Callable[[], object], *, width: str = "auto", **options: Any) -> Any:
    """A button (at its natural width) calling ``action()``; ``options`` go to ``ipywidgets.Button``."""
    import ipywidgets as w

    widget = w.Button(description=label, **shared(w.Button, width=width), _dom_classes=("labkit-lab-button", css),
                      **options)
    widget.on_click(lambda _b: action())
    return widget


class LabPhoneMockup(PhoneMockup):
    """:class:`labkit.widgets.PhoneMockup` calling ``lab_on_change`` after each redraw."""

    lab_on_change: Callable[[], None] | None = None

    def redraw(self) -> None:
        super().redraw()
        if self.lab_on_change is not None:
            self.lab_on_change()


def lab_phone(phone: Phone, app: Any = None, *, on_change: Callable[[], None] | None = None,
              **options: Any) -> LabPhoneMockup:
    """The course's phone mock-up calling ``on_change`` after each of its redraws (every
    action and refresh), so that a lab can update its checklist, timeline and inspectors when
    the learner does something on the phone."""
    mockup = LabPhoneMockup(phone, app, **options)
    mockup.lab_on_change = on_change
    return mockup


# =========================================================================== phone helpers

class AppWatcher:
    """Remembers the states the Mynaportal app showed and when it registered."""

    def __init__(self, world: World, phone: Phone) -> None:
        self.world = world
        self.phone = phone
        self.visited: set[AppState] = set()
        self.registered_at: datetime | None = None
        self._last: object = None

    def changed(self) -> bool:
        """Record the app's state; True if something visible changed since last time."""
        app = self.phone.mynaportal if self.phone.installed() else None
        state = app.state if app is not None else None
        if state is not None:
            if state not in self.visited:
                course.report_progress(state.value)  # class mode only (labkit.course.classroom)
            self.visited.add(state)
            if state is AppState.REGISTERED and self.registered_at is None:
                self.registered_at = self.world.now()
        key = (state, self.world.now(), len(self.phone.inbox), self.phone.online,
               None if app is None else (app.data.ready, app.data.receipt is not None))
        if key == self._last:
            return False
        self._last = key
        return True


def attempt(action: Callable[[], object]) -> Text:
    """Run a learner-visible action: its refusal (bilingual) or 「成功」."""
    try:
        action()
    except LabkitError as exc:
        return exc.text
    return Text("成功", "success")


def pin_errors(action: Callable[[], Any]) -> Any:
    """Run an app action for a PIN pad: the app's wrong-PIN and locked refusals become the
    card errors the pad understands (tries left, lock); everything else passes through."""
    try:
        return action()
    except ServiceError as exc:
        if exc.reason == "wrong_pin":
            left = int(str(exc.details.get("tries_left") or 0))
            raise WrongPinError(exc.text, sw=0x63C0 | left, tries_left=left) from None
        if exc.reason == "locked":
            raise PinBlockedError(exc.text, sw=0x6983) from None
        raise


def pin_tries(phone: Phone, role: KeyRole) -> Callable[[], int | None]:
    """Tries left of a smartphone PIN/password, read from the phone's SE."""
    def tries() -> int | None:
        applet = phone.se.jpki
        if applet is None:
            return None
        status = applet.pin_status(role)
        return status.remaining if status.is_set else None
    return tries


def registered(phone: Phone) -> bool:
    try:
        return all(phone.mynaportal.present().values())
    except LabkitError:
        return False


def require_registered(phone: Phone) -> None:
    if not registered(phone):
        raise InputError(Text("この実習はスマホ用電子証明書を登録したスマホで行います (world.apply(person, phone))",
                              "this lab needs a phone with registered smartphone certificates "
                              "(world.apply(person, phone))"))
