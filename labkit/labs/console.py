"""The lecturer console (notebooks/console.ipynb, Voilà with ``?lecturer=TOKEN``): the class
at a glance and the lecturer's controls, over the class API (v1) of ``jlis serve --class``.

:class:`ConsoleModel` keeps the state (roster, counts, checks, one student's timeline) and
does the actions; tests drive it without ipywidgets. :class:`ConsoleView` draws it and
refreshes it from a kernel thread every ``interval`` seconds (≤ 2 s), without a reload.
The counts and check results are aggregated and carry no nickname: safe to project.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from .. import course
from ..clock import parse_time, to_jst
from ..errors import LabkitError
from ..i18n import Text, check_lang
from ..widgets._base import esc
from .console_text import ADVANCES, COUNTS, EVENTS, QUIET, ROSTER_HEADS, TH_COL, TIMELINE_ROWS, L, word
from .kit import TD, TD_NOWRAP, button, date_time_text, html_view, panel

__all__ = ["EVENTS", "ConsoleModel", "ConsoleView", "show"]

def _when(value: object, lang: str, *, real: bool = False) -> str:
    """An ISO time from the server as the console shows it (``real``: time of day only)."""
    if not value:
        return "—"
    try:
        t: datetime = to_jst(parse_time(str(value)))
    except (ValueError, LabkitError):
        return esc(str(value))
    return f"{t:%H:%M:%S}" if real else esc(date_time_text(t).get(lang))


class ConsoleModel:
    """The console's state and actions over a class link (``labkit.course.classroom.ClassLink``
    with the lecturer token). Actions leave a bilingual ``message`` (done or the refusal)."""

    def __init__(self, link: Any, *, lang: str = "ja") -> None:
        self.link = link
        self.lang = check_lang(lang)
        self.roster: list[dict[str, Any]] = []
        self.summary: dict[str, Any] = {}
        self.state: dict[str, Any] = {}
        self.selected: str | None = None
        self.events: list[dict[str, Any]] = []
        self.message: Text | None = None
        self.ok: bool | None = None
        self._lock = threading.RLock()

    def t(self, text: Text) -> str:
        return text.get(self.lang)

    # -- reading --------------------------------------------------------------------------
    def refresh(self) -> None:
        """Read roster, counts, class state and the selected student's timeline."""
        with self._lock:
            try:
                roster = self.link.roster()
                summary = self.link.summary()
                state = self.link.state()
                events = self.link.timeline(self.selected) if self.selected else []
            except LabkitError as exc:
                self.message, self.ok = exc.text, False
                return
            self.roster, self.summary, self.state, self.events = roster, summary, state, events

    def select(self, student_id: str | None) -> None:
        with self._lock:
            self.selected = student_id or None
            self.events = []
        self.refresh()

    def nickname(self, student_id: str | None) -> str:
        for s in self.roster:
            if s.get("student_id") == student_id:
                return str(s.get("nickname", ""))
        return ""

    def next_section(self) -> str:
        """The built section after the open one (the first built one if none is open)."""
        built = [s.id for s in course.built_sections()] or [s.id for s in course.SECTIONS]
        opened = self.state.get("open_section")
        if opened in built:
            i = built.index(str(opened))
            return built[min(i + 1, len(built) - 1)]
        return built[0]

    # -- actions --------------------------------------------------------------------------
    def _act(self, action: Callable[[], object], done: Text) -> bool:
        with self._lock:
            try:
                action()
            except LabkitError as exc:
                self.message, self.ok = exc.text, False
                return False
            self.message, self.ok = done, True
        self.refresh()
        return True

    def advance(self, seconds: int) -> bool:
        """Move the class time (every student's clock) forward."""
        return self._act(lambda: self.link.advance_class(int(seconds)),
                         Text(f"クラスの時刻を {int(seconds) // 60} 分進めました",
                              f"moved the class time on by {int(seconds) // 60} min"))

    def send(self, event: str, student_id: str | None = None) -> bool:
        """Send ``event`` (:data:`EVENTS`) to one student or (``None``) to everyone."""
        label = EVENTS[event] if event in EVENTS else Text(event, event)
        who = self.nickname(student_id) if student_id else None
        return self._act(lambda: self.link.event(event, student_id),
                         Text(f"「{label.ja}」を{who + ' さん' if who else '全員'}に送りました",
                              f"sent “{label.en}” to {who or 'everyone'}"))

    def reset(self, student_id: str) -> bool:
        who = self.nickname(student_id)
        return self._act(lambda: self.link.reset(student_id),
                         Text(f"{who} さんをやり直しにしました", f"{who} starts again"))

    def open(self, section_id: str | None = None) -> bool:
        """Open ``section_id`` (default: :meth:`next_section`) for everyone: their pages show a banner."""
        target = section_id or self.next_section()
        return self._act(lambda: self.link.open(target),
                         Text(f"{target} を全員に開きました", f"opened {target} for everyone"))

    # -- HTML ---------------------------------------------------------------------------
    def counts_html(self) -> str:
        lang, s = self.lang, self.summary
        cells = "".join(f'<div class="labkit-console-count" data-key="{key}" style="padding:.3em .8em;'
                        f'border:1px solid #d1d5db;border-radius:4px;min-width:6em">'
                        f'<div style="font-size:13px;color:#4b5563">{esc(label.get(lang))}</div>'
                        f'<div class="labkit-console-value" style="font-size:22px;font-weight:bold">'
                        f'{int(s.get(key) or 0)}</div></div>'
                        for key, label in COUNTS)
        opened = self.state.get("open_section") or self.t(L["none"])
        status = (f'<div style="font-size:14px;margin-top:.4em">{esc(self.t(L["class_now"]))}: '
                  f'<span class="labkit-console-class-now">{_when(self.state.get("class_now"), lang)}</span>'
                  f' — {esc(self.t(L["open_section"]))}: <span class="labkit-console-open">{esc(str(opened))}</span>'
                  f'</div>')
        label = esc(self.t(L["counts"]))
        return (f'<div class="labkit-console-counts" lang="{lang}" role="group" aria-label="{label}">'
                f'<div style="display:flex;flex-wrap:wrap;gap:.5em">{cells}</div>{status}</div>')

    def roster_html(self) -> str:
        lang = self.lang
        if not self.roster:
            return f'<p class="labkit-console-roster" lang="{lang}">{esc(self.t(L["no_students"]))}</p>'
        head = "".join(f'{TH_COL}{esc(h.get(lang))}</th>' for h in ROSTER_HEADS)
        rows = []
        for s in self.roster:
            sid = esc(str(s.get("student_id", "")))
            mark = ' style="background:#eff6ff"' if s.get("student_id") == self.selected else ""
            rows.append(f'<tr data-student="{sid}"{mark}>'
                        f'<th scope="row" style="text-align:left">{esc(str(s.get("nickname", "")))}</th>'
                        f'{TD_NOWRAP}{esc(str(s.get("section") or "—"))}</td>{TD}{word(s.get("step"), lang)}</td>'
                        f'{TD}{word(s.get("last_action"), lang)}</td>'
                        f'{TD_NOWRAP}{_when(s.get("last_seen"), lang, real=True)}</td>'
                        f'{TD_NOWRAP}{_when(s.get("now"), lang)}</td></tr>')
        return _table("roster", lang, f'{esc(self.t(L["roster"]))} ({len(self.roster)})', head, "".join(rows))

    def timeline_html(self) -> str:
        lang = self.lang
        if not self.selected:
            return f'<p class="labkit-console-timeline" lang="{lang}">{esc(self.t(L["pick"]))}</p>'
        if not self.events:
            return f'<p class="labkit-console-timeline" lang="{lang}">{esc(self.t(L["no_events"]))}</p>'
        heads = (Text("時刻 (実時間)", "When (real time)"), Text("模擬時刻", "Simulated time"),
                 Text("操作", "Action"), Text("詳細", "Detail"))
        head = "".join(f'<th scope="col" style="text-align:left">{esc(h.get(lang))}</th>' for h in heads)
        rows = "".join(f'<tr>{TD_NOWRAP}{_when(e.get("at"), lang, real=True)}</td>'
                       f'{TD_NOWRAP}{_when(e.get("now"), lang)}</td>'
                       f'<td style="text-align:left" data-action="{esc(str(e.get("action", "")))}">'
                       f'{word(e.get("action"), lang)}</td>{TD}{esc(str(e.get("detail") or ""))}</td></tr>'
                       for e in [e for e in reversed(self.events) if e.get("action") not in QUIET][:TIMELINE_ROWS])
        who = esc(self.nickname(self.selected))
        return _table("timeline", lang, f'{esc(self.t(L["timeline"]))}: {who}', head, rows)

    def checks_html(self) -> str:
        lang = self.lang
        checks = self.summary.get("checks") or {}
        heads = (Text("節", "Section"), Text("回答した人数", "Answered"), Text("平均点", "Mean score"))
        head = "".join(f'<th scope="col" style="text-align:left">{esc(h.get(lang))}</th>' for h in heads)
        rows = "".join(f'<tr data-section="{esc(str(sec))}">'
                       f'<th scope="row" style="text-align:left">{esc(str(sec))}</th>'
                       f'{TD}{int(c.get("answered") or 0)}</td>'
                       f'{TD}{float(c.get("mean") or 0):.1f} / {int(c.get("total") or 0)}</td></tr>'
                       for sec, c in sorted(checks.items()))
        if not rows:
            rows = f'<tr><td colspan="3">{esc(self.t(L["no_events"]))}</td></tr>'
        return _table("checks", lang, esc(self.t(L["checks"])), head, rows)

    def message_html(self) -> str:
        if self.message is None:
            return ""
        outcome = "ok" if self.ok else "ng"
        color = "#14532d" if self.ok else "#7f1d1d"
        role = "status" if self.ok else "alert"
        return (f'<div class="labkit-console-message" data-outcome="{outcome}" role="{role}" lang="{self.lang}" '
                f'style="color:{color}">{esc(self.t(self.message))}</div>')


class ConsoleView:
    """The console's ipywidgets: counts, roster, controls, timeline, checks; refreshed by a
    daemon thread every ``interval`` seconds while the kernel lives."""

    def __init__(self, model: ConsoleModel, *, interval: float | None = 1.5) -> None:
        import ipywidgets as w

        self.model = model
        t = model.t
        self.counts = html_view("", "labkit-console-counts-box")
        self.roster = html_view("", "labkit-console-roster-box")
        self.timeline = html_view("", "labkit-console-timeline-box")
        self.checks = html_view("", "labkit-console-checks-box")
        self.message = html_view("", "labkit-console-message-box")
        self.student = w.Dropdown(description=t(L["student"]), options=[(t(L["all"]), "")],
                                  style={"description_width": "initial"}, _dom_classes=("labkit-console-student",))
        self.student.observe(lambda ch: self._select(ch["new"]), names="value")
        self.event = w.Dropdown(description=t(L["event"]), options=[(v.get(model.lang), k) for k, v in EVENTS.items()],
                                style={"description_width": "initial"}, _dom_classes=("labkit-console-event",))
        send = button(t(L["send"]), "labkit-console-send", self._send, button_style="warning")
        self.reset_button = button(t(L["reset"]), "labkit-console-reset", self._reset, button_style="danger")
        advances = [button(label.get(model.lang), f"labkit-console-advance-{sec}", self._advancer(sec))
                    for sec, label in ADVANCES]
        self.section = w.Dropdown(description=t(L["next"]), options=[s.id for s in course.SECTIONS],
                                  style={"description_width": "initial"}, _dom_classes=("labkit-console-section",))
        open_button = button(t(L["open"]), "labkit-console-open-button", self._open, button_style="primary")
        row = w.HBox
        controls = panel([html_view(f"<b>{esc(t(L['class_now']))}</b>", "labkit-console-caption"), row(advances),
                          row([self.student, self.event, send]), row([self.reset_button]),
                          row([self.section, open_button]), self.message],
                         "labkit-console-controls", t(L["controls"]))
        self.widget = panel([self.counts, controls, self.roster, self.timeline, self.checks],
                            "labkit-console", t(L["title"]))
        self._stop = threading.Event()
        model.refresh()
        self.section.value = model.next_section()
        self.redraw()
        if interval:
            threading.Thread(target=self._loop, args=(interval,), name="labkit-console", daemon=True).start()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def _advancer(self, seconds: int) -> Callable[[], None]:
        def advance() -> None:
            self.model.advance(seconds)
            self.redraw()
        return advance

    def _select(self, student_id: str) -> None:
        self.model.select(student_id or None)
        self.redraw()

    def _send(self) -> None:
        self.model.send(self.event.value, self.student.value or None)
        self.redraw()

    def _reset(self) -> None:
        if self.student.value:
            self.model.reset(self.student.value)
            self.redraw()

    def _open(self) -> None:
        if self.model.open(self.section.value):
            self.section.value = self.model.next_section()
        self.redraw()

    def redraw(self) -> None:
        m = self.model
        for widget, value in ((self.counts, m.counts_html()), (self.roster, m.roster_html()),
                              (self.timeline, m.timeline_html()), (self.checks, m.checks_html()),
                              (self.message, m.message_html())):
            if widget.value != value:  # an unchanged page does not flicker
                widget.value = value
        options = [(m.t(L["all"]), ""), *((str(s.get("nickname")), str(s.get("student_id"))) for s in m.roster)]
        if list(self.student.options) != options:
            self.student.options = options
            self.student.value = m.selected or ""
        self.reset_button.disabled = not self.student.value

    def _loop(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.model.refresh()
                self.redraw()
            except Exception:
                pass

    def stop(self) -> None:
        self._stop.set()


def show(ctx: course.Context | None = None, *, url: str | None = None) -> ConsoleView | Any:
    """The console for the run's verified lecturer token, else the bilingual refusal."""
    from ..course.classroom import ClassLink, server_url
    from .kit import HtmlBlock

    ctx = ctx or course.current()
    lang = check_lang(ctx.lang)
    if not ctx.lecturer_token:
        text = L["need_token"].get(lang)
        return HtmlBlock(f'<div class="labkit-console-refused labkit-warning" lang="{lang}">{esc(text)}</div>', text)
    model = ConsoleModel(ClassLink(url or server_url(), ctx.lecturer_token), lang=lang)
    return ConsoleView(model, interval=1.5 if ctx.voila else None)


def _table(kind: str, lang: str, caption: str, head: str, rows: str) -> str:
    """One console table (roster, timeline, checks); ``caption``, ``head`` and ``rows`` are HTML."""
    return (f'<table class="labkit-console-{kind}" lang="{lang}" cellpadding="4" border="1" '
            f'style="border-collapse:collapse;font-size:14px;border-color:#d1d5db">'
            f'<caption style="text-align:left;font-weight:bold">{caption}</caption>'
            f'<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>')
