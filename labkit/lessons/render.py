"""The lesson blocks a section notebook shows, one call per cell: goals (with the page number),
注意 boxes, the lab checklist, まとめ, the check, 「もっと詳しく」 blocks and the glossary page.

HTML is built by pure ``*_html`` functions (tested without a kernel); the display functions
add the output metadata the course uses (``labkit.kind``/``lang``). The browser keeps the
learner's progress (share/jupyter/voila/templates/course/labkit-progress.js) by reading the
``data-labkit-*`` attributes written here and the check's score."""

from __future__ import annotations

import html
from typing import Any

from .. import course
from ..errors import InputError
from ..i18n import Text
from . import lesson
from .glossary import GLOSSARY

DEPTHS = ("basic", "engineer")
GLOSSARY_NOTEBOOK = "00_glossary.ipynb"

L = {
    "goals": Text("この節のゴール", "Goals of this section"),
    "summary": Text("まとめ", "Summary"),
    "caution": Text("注意", "Caution"),
    "check": Text("確認問題", "Check"),
    "check_hint": Text("答えを選ぶと、正解と解説が表示されます。結果はこのブラウザに保存され、目次に表示されます。",
                       "Choose an answer to see whether it is right and why. The result is kept in this "
                       "browser and shown in the contents."),
    "tasks": Text("実習のチェックリスト", "Lab checklist"),
    "more": Text("もっと詳しく (技術者向け)", "More detail (for engineers)"),
    "glossary": Text("用語集", "Glossary"),
    "page": Text("ページ", "Page"),
}


def _ctx(ctx: Any) -> Any:
    return ctx if ctx is not None else course.current()


def depth_of(ctx: Any) -> str:
    """``basic`` (students: technical blocks closed) or ``engineer`` (open)."""
    depth = getattr(ctx, "depth", None) or ctx.params.get("depth", "basic")
    if depth not in DEPTHS:
        raise InputError(f"depth は basic または engineer です (受け取った値: {depth!r})",
                         f"depth must be 'basic' or 'engineer' (got {depth!r})")
    return str(depth)


def _show(body: str, plain: str, *, kind: str, lang: str) -> None:
    from IPython.display import display

    display({"text/html": body, "text/plain": plain}, raw=True,
            metadata={"labkit": {"kind": kind, "lang": lang}})


def _items(texts: tuple[Text, ...], lang: str, tag: str = "ul") -> str:
    return f"<{tag}>" + "".join(f"<li>{html.escape(t.get(lang))}</li>" for t in texts) + f"</{tag}>"


def page_number(section_id: str) -> tuple[int, int]:
    """``(n, total)``: the section's place among the course's pages (introduction = 1)."""
    ids = [s.id for s in course.SECTIONS]
    return ids.index(section_id) + 1, len(ids)


def goals_html(ctx: Any) -> str:
    sid, lang = ctx.section.id, ctx.lang
    n, total = page_number(sid)
    glossary = html.escape(ctx.href(GLOSSARY_NOTEBOOK))
    return (f'<section class="labkit-lesson-goals" lang="{lang}" data-labkit-page="{sid}" '
            f'data-labkit-page-index="{n}" data-labkit-page-total="{total}" '
            f'data-labkit-checks="{len(lesson(sid).checks)}" '
            'style="max-width:52em;border:1px solid #93c5fd;background:#eff6ff;border-radius:6px;'
            'padding:.4em 1em;margin:.5em 0">'
            f'<div class="labkit-page-counter" style="font-size:13px;color:#1e3a8a">'
            f'{L["page"].get(lang)} <span class="labkit-page-n">{n} / {total}</span> '
            f'<span class="labkit-page-state"></span> · '
            f'<a href="{glossary}" target="_self" style="text-decoration:underline">{L["glossary"].get(lang)}</a></div>'
            f'<h2 style="font-size:1.15em;margin:.3em 0">{L["goals"].get(lang)}</h2>'
            f"{_items(lesson(sid).goals, lang)}</section>")


def goals(ctx: Any = None) -> None:
    """この節のゴール, with "n / 15" and a link to the glossary: the first block of a section."""
    ctx = _ctx(ctx)
    les = lesson(ctx.section.id)
    n, total = page_number(ctx.section.id)
    plain = "\n".join([f"{n} / {total}", L["goals"].get(ctx.lang),
                       *(f"- {g.get(ctx.lang)}" for g in les.goals)])
    _show(goals_html(ctx), plain, kind="goals", lang=ctx.lang)


def cautions_html(ctx: Any) -> str:
    lang = ctx.lang
    boxes = []
    for text in lesson(ctx.section.id).cautions:
        boxes.append('<aside class="labkit-caution" role="note" '
                     'style="max-width:52em;border-left:5px solid #b91c1c;background:#fef2f2;'
                     'padding:.3em 1em;margin:.5em 0">'
                     f'<b style="color:#991b1b">{L["caution"].get(lang)}</b> '
                     f"{html.escape(text.get(lang))}</aside>")
    return f'<div class="labkit-cautions" lang="{lang}">{"".join(boxes)}</div>'


def cautions(ctx: Any = None) -> None:
    """The section's 注意 boxes: what the lecture tells lecturers to warn learners about,
    shown to everyone (self-study has no lecturer)."""
    ctx = _ctx(ctx)
    les = lesson(ctx.section.id)
    if not les.cautions:
        raise InputError(f"{ctx.section.id} には注意がありません", f"{ctx.section.id} has no cautions")
    plain = "\n".join(f"{L['caution'].get(ctx.lang)}: {c.get(ctx.lang)}" for c in les.cautions)
    _show(cautions_html(ctx), plain, kind="caution", lang=ctx.lang)


def tasks(ctx: Any = None) -> Any:
    """The lab's checklist (the learner ticks each step)."""
    from ..widgets.tasks import TaskList

    ctx = _ctx(ctx)
    les = lesson(ctx.section.id)
    title = Text(f"{L['tasks'].ja} ({ctx.section.id})", f"{L['tasks'].en} ({ctx.section.id})")
    return TaskList(title, les.tasks, lang=ctx.lang)


def wrap_up_html(ctx: Any) -> str:
    lang = ctx.lang
    return (f'<section class="labkit-lesson-summary" lang="{lang}" '
            'style="max-width:52em;border:1px solid #86efac;background:#f0fdf4;border-radius:6px;'
            'padding:.4em 1em;margin:.8em 0">'
            f'<h2 style="font-size:1.15em;margin:.3em 0">{L["summary"].get(lang)}</h2>'
            f"{_items(lesson(ctx.section.id).summary, lang)}</section>")


def wrap_up(ctx: Any = None) -> None:
    """まとめ: the section's 2-3 takeaways."""
    ctx = _ctx(ctx)
    plain = "\n".join([L["summary"].get(ctx.lang),
                       *(f"- {s.get(ctx.lang)}" for s in lesson(ctx.section.id).summary)])
    _show(wrap_up_html(ctx), plain, kind="summary", lang=ctx.lang)


def check(ctx: Any = None) -> Any:
    """The section's check: 1-3 questions with explained answers (the course quiz widget).
    Its score is what the browser records as the section's result."""
    from ..widgets import Quiz

    ctx = _ctx(ctx)
    les = lesson(ctx.section.id)
    _show(f'<h2 class="labkit-check-heading" lang="{ctx.lang}" style="font-size:1.15em">'
          f'{L["check"].get(ctx.lang)}</h2><p style="font-size:13px">{L["check_hint"].get(ctx.lang)}</p>',
          L["check"].get(ctx.lang), kind="check", lang=ctx.lang)
    quiz = Quiz(les.checks, seed=ctx.seed, lang=ctx.lang)
    quiz.widget.add_class("labkit-check")
    quiz.widget.add_class(f"labkit-check-{ctx.section.id}")
    return quiz


def more_html(body_html: str, lang: str, depth: str) -> str:
    """A collapsible technical block: closed for ``basic``, open for ``engineer``. A native
    <details>/<summary> is reachable with Tab and toggled with Enter or Space."""
    opened = " open" if depth == "engineer" else ""
    return (f'<details class="labkit-more" lang="{lang}" data-depth="{depth}"{opened} '
            'style="max-width:52em;border:1px solid #d1d5db;border-radius:6px;padding:.2em .8em;'
            'margin:.5em 0;background:#f9fafb">'
            f'<summary style="cursor:pointer;font-weight:bold">{L["more"].get(lang)}</summary>'
            f'<div class="labkit-prose" lang="{lang}">{body_html}</div></details>')


def more(ja: str, en: str, ctx: Any = None) -> None:
    """Technical detail (APDU, GlobalPlatform, SCP03/ARA-M, CRL/OCSP) for engineers, folded
    away for citizens. ``?depth=engineer`` (or papermill ``-p depth engineer``) opens it."""
    ctx = _ctx(ctx)
    if not ja.strip() or not en.strip():
        raise InputError("本文は日本語と英語の両方が必要です。",
                         "the block needs both a Japanese and an English version")
    text = ja if ctx.lang == "ja" else en
    body = course.render_markdown(text, ctx)
    _show(more_html(body, ctx.lang, depth_of(ctx)), f"{L['more'].get(ctx.lang)}\n{text.strip()}",
          kind="more", lang=ctx.lang)


def glossary_html(ctx: Any) -> str:
    lang = ctx.lang
    rows = []
    for term in GLOSSARY:
        used = " ".join(
            f'<a href="{html.escape(ctx.href(course.section(s)))}" target="_self">'
            f'{html.escape(course.section(s).title.get(lang) if s == "0" else s)}</a>'
            for s in term.sections)
        rows.append(f'<dt id="{term.key}" style="font-weight:bold;margin-top:.6em">'
                    f"{html.escape(term.term.get(lang))}</dt>"
                    f"<dd style=\"margin-left:1.5em\">{html.escape(term.definition.get(lang))}"
                    + (f' <span style="font-size:13px;color:#4b5563">({used})</span>' if used else "")
                    + "</dd>")
    return f'<dl class="labkit-glossary" lang="{lang}" style="max-width:52em">{"".join(rows)}</dl>'


def glossary_page(ctx: Any = None) -> None:
    """The glossary: every term with its definition and the sections that use it."""
    ctx = _ctx(ctx)
    plain = "\n".join(f"{t.term.get(ctx.lang)}: {t.definition.get(ctx.lang)}" for t in GLOSSARY)
    _show(glossary_html(ctx), plain, kind="glossary", lang=ctx.lang)
