"""The class bar at the top of a class-mode page (Voilà): the nickname form the first time
in a browser, then who you are, and the banner when the lecturer opens a section.

The bar's model (:class:`ClassBarModel`) does the work and says what to show; the view
(:class:`ClassBar`, ipywidgets) only draws it. The ``.labkit-class-handoff`` element is how
the kernel talks to the course template's ``labkit-class.js`` (see :mod:`.classroom`).
"""

from __future__ import annotations

import html
import threading

from ..errors import LabkitError, ServiceError
from ..i18n import Text
from .classroom import ClassLink, Student, report_progress, server_url
from .context import Context
from .outline import section

L = {
    "title": Text("クラスに参加する", "Join the class"),
    "intro": Text("講師のクラスに参加するニックネームを入力してください (このブラウザーで一度だけ)。"
                  "本名は入力しないでください。",
                  "Type a nickname to join your lecturer's class (once in this browser). Do not use your real name."),
    "nickname": Text("ニックネーム", "Nickname"),
    "join": Text("参加する", "Join"),
    "joined": Text("クラスに参加中: ", "In the class as "),
    "lecturer": Text("講師として表示しています (クラス)", "Shown as the lecturer (class)"),
    "reload": Text("参加しました。実習をクラスのサーバーで始めるため、ページを読み込み直します…",
                   "Joined. Reloading the page so that the labs run on the class server…"),
    "opened": Text("講師が次の節を開きました: ", "Your lecturer opened the next section: "),
    "local": Text("参加するまでは、実習はこのページの中だけで動きます。",
                  "Until you join, the labs run inside this page only."),
}


class ClassBarModel:
    """What the bar shows for ``ctx``: the join form, the student, the lecturer, the banner."""

    def __init__(self, ctx: Context, *, url: str | None = None, invalid: bool = False) -> None:
        self.ctx = ctx
        self.url = url or server_url()
        self.invalid = invalid  # the browser's stored token was refused: forget it
        self.message: Text | None = None
        self.reload = False
        self.open_section: str | None = None

    @property
    def student(self) -> Student | None:
        return self.ctx.student

    def t(self, text: Text) -> str:
        return text.get(self.ctx.lang)

    def join(self, nickname: str) -> Student | None:
        """Join the class with ``nickname``; the refusal (taken, bad code) becomes the message."""
        link = ClassLink(self.url)
        try:
            student = link.join(self.ctx.class_code, nickname)
        except LabkitError as exc:
            self.message = exc.text
            return None
        finally:
            link.close()
        self.ctx.student = student
        self.message = None
        self.reload = self.ctx.local_labs > 0
        report_progress("open")
        return student

    def poll(self) -> bool:
        """Ask the server which section the lecturer opened; True if the banner changed."""
        student = self.student
        token = student.token if student is not None else self.ctx.lecturer_token
        if not token:
            return False
        link = ClassLink(self.url, token, timeout=3.0)
        try:
            opened = link.state().get("open_section")
        except ServiceError:
            return False
        finally:
            link.close()
        opened = str(opened) if opened else None
        changed, self.open_section = opened != self.open_section, opened
        return changed

    # -- HTML ---------------------------------------------------------------------------
    def handoff_html(self) -> str:
        """The element ``labkit-class.js`` reads: the class code and what the browser should do."""
        code = html.escape(self.ctx.class_code)
        student = self.student
        if student is None:
            state = "invalid" if self.invalid else "need"
            return f'<span class="labkit-class-handoff" data-code="{code}" data-state="{state}"></span>'
        return (f'<span class="labkit-class-handoff" data-code="{code}" data-state="joined" '
                f'data-token="{html.escape(student.token)}" data-student="{html.escape(student.student_id)}" '
                f'data-nickname="{html.escape(student.nickname)}" data-reload="{int(self.reload)}"></span>')

    def status_html(self) -> str:
        lang = self.ctx.lang
        if self.ctx.lecturer_token:
            text = html.escape(self.t(L["lecturer"]))
        elif self.student is not None:
            text = (html.escape(self.t(L["joined"])) +
                    f'<b class="labkit-class-nickname">{html.escape(self.student.nickname)}</b>')
            if self.reload:
                text += f'<div role="status">{html.escape(self.t(L["reload"]))}</div>'
        else:
            text = (f'<b>{html.escape(self.t(L["title"]))}</b><div>{html.escape(self.t(L["intro"]))}</div>'
                    + (f'<div style="color:#4b5563">{html.escape(self.t(L["local"]))}</div>'
                       if self.ctx.local_labs else ""))
        error = ""
        if self.message is not None:
            error = f'<div class="labkit-class-error" role="alert">{html.escape(self.t(self.message))}</div>'
        return f'<div class="labkit-class-status" lang="{lang}">{text}{error}</div>'

    def banner_html(self) -> str:
        opened = self.open_section
        if opened is None or opened == self.ctx.section.id or self.ctx.lecturer_token:
            return ""
        try:
            target = section(opened)
        except LabkitError:
            return ""
        href = html.escape(self.ctx.href(target))
        label = html.escape(target.label(self.ctx.lang))
        return (f'<div class="labkit-class-banner" role="status" lang="{self.ctx.lang}" data-section="{opened}" '
                f'style="background:#fef3c7;color:#78350f;padding:.4em .8em;border-radius:4px">'
                f'{html.escape(self.t(L["opened"]))}<a href="{href}" target="_self">{label} →</a></div>')


class ClassBar:
    """The bar as ipywidgets; a daemon thread polls the banner every ``interval`` seconds."""

    def __init__(self, model: ClassBarModel, *, interval: float = 3.0) -> None:
        import ipywidgets as w

        self.model = model
        t = model.t
        self.status = w.HTML()
        self.handoff = w.HTML()
        self.banner = w.HTML()
        self.nickname = w.Text(description=t(L["nickname"]), placeholder="hanako",
                               layout=w.Layout(width="20em"), style={"description_width": "initial"},
                               _dom_classes=("labkit-class-nickname-input",))
        self.button = w.Button(description=t(L["join"]), button_style="primary", layout=w.Layout(width="auto"),
                               _dom_classes=("labkit-class-join",))
        self.button.on_click(lambda _b: self.join())
        self.nickname.on_submit(lambda _t: self.join())
        self.form = w.HBox([self.nickname, self.button])
        self.widget = w.VBox([self.status, self.form, self.banner, self.handoff], _dom_classes=("labkit-class-bar",))
        self.redraw()
        self._stop = threading.Event()
        self._interval = interval
        threading.Thread(target=self._poll, name="labkit-class-banner", daemon=True).start()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    def join(self) -> None:
        self.button.disabled = True
        try:
            self.model.join(self.nickname.value.strip())
        finally:
            self.button.disabled = False
            self.redraw()

    def redraw(self) -> None:
        m = self.model
        self.status.value = m.status_html()
        self.handoff.value = m.handoff_html()
        self.banner.value = m.banner_html()
        self.form.layout.display = "none" if (m.student is not None or m.ctx.lecturer_token) else None

    def _poll(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                if self.model.poll():
                    self.banner.value = self.model.banner_html()
            except Exception:
                pass

    def stop(self) -> None:
        self._stop.set()


def show(ctx: Context, *, invalid: bool = False) -> ClassBar:
    """Display the class bar of a class-mode page."""
    bar = ClassBar(ClassBarModel(ctx, invalid=invalid))
    from IPython.display import display

    display(bar.widget)
    return bar


__all__ = ["ClassBar", "ClassBarModel", "show"]
