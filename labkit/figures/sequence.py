"""Draw a recorded flow (:mod:`.flows`) as a sequence diagram: one column per actor, one
numbered arrow per message, in the order labkit performed them."""

from __future__ import annotations

from ..i18n import Text
from ._svg import AMBER, BLUE, GREEN, INK, LINE, MUTED, PALE, Canvas, wrap
from .flows import FlowRecord

_FILL = {
    "person": PALE["grey"],
    "card": PALE["green"],
    "phone": PALE["blue"],
    "se": PALE["green"],
    "push": PALE["amber"],
    "jlis": PALE["purple"],
    "hotline": PALE["red"],
    "municipality": PALE["red"],
    "service": PALE["grey"],
}
_ARROW = {"call": (BLUE, "blue"), "push": (AMBER, "amber"), "apdu": (GREEN, "green")}
#: Under every flow: the arrows are what the lab did, and its details go beyond the lecture.
RECORDED = Text(
    "ラボの J-LIS・カード・スマホを実際に動かして記録したやりとりです (APDU や OCSP などの細部はラボの想定)",
    "Recorded by running the lab's J-LIS, card and phone (details such as APDUs and OCSP are the lab's assumptions)",
)
LEGEND = {
    "call": Text("依頼・申請", "request"),
    "push": Text("プッシュ通知", "push notification"),
    "apdu": Text("IC チップへの命令 (APDU)", "commands to a chip (APDU)"),
}


def describe(record: FlowRecord, lang: str) -> str:
    """The diagram as sentences (the SVG's <desc>, for screen readers and search)."""
    names = {a.key: a.label.get(lang) for a in record.actors}
    steps = [f"{i}. {names[m.src]} → {names[m.dst]}: {m.label.get(lang)}" for i, m in enumerate(record.messages, 1)]
    head = "登場する相手: " if lang == "ja" else "Actors: "
    sep = "、" if lang == "ja" else ", "
    return head + sep.join(names.values()) + (" 。" if lang == "ja" else ". ") + " ".join(steps)


def _arrow(c: Canvas, x1: float, x2: float, y: float, kind: str) -> None:
    """A horizontal arrow of a message ``kind`` (its colour and head; a push is dashed), in the
    diagram and in its legend alike."""
    colour, marker = _ARROW[kind]
    c.line(x1, y, x2, y, stroke=colour, width=1.6, arrow=marker, dash="5 3" if kind == "push" else "")


def sequence_svg(record: FlowRecord, lang: str, uid: str) -> str:
    n = len(record.actors)
    col = max(112.0, min(170.0, 820.0 / max(n, 1)))
    margin = 14.0
    width = margin * 2 + col * n
    xs = {a.key: margin + col * (i + 0.5) for i, a in enumerate(record.actors)}
    head_h = 58.0
    rows = []
    y = 18 + head_h + 14
    for i, m in enumerate(record.messages, 1):
        left = min(xs[m.dst], xs[m.src]) + 12
        span = max(abs(xs[m.dst] - xs[m.src]) - 22, min(300.0, width - left - 12))
        rows.append((m, y, span))
        lines = len(wrap(f"{i}. {m.label.get(lang)}", 11, span, 3))
        y += 24 + lines * 15
    note = wrap(RECORDED.get(lang), 10, width - 2 * margin, 3)
    height = y + 42 + 13 * len(note)
    c = Canvas(width, height, uid)
    for a in record.actors:
        x = xs[a.key]
        c.line(x, 18 + head_h, x, height - 32 - 13 * len(note), stroke=LINE, dash="4 4")
        c.rect(
            x - col / 2 + 5,
            10,
            col - 10,
            head_h,
            fill=_FILL.get(a.kind, PALE["grey"]),
            stroke=LINE,
            cls=f"labkit-actor labkit-actor-{a.kind}",
        )
        c.block(
            x,
            30,
            a.label.get(lang),
            col - 18,
            size=12,
            anchor="middle",
            weight="bold",
            max_lines=3,
            cls="labkit-actor-label",
        )
    for i, (m, top, span) in enumerate(rows, 1):
        colour = _ARROW[m.kind][0]
        x1, x2 = xs[m.src], xs[m.dst]
        left = min(x1, x2)
        text_x = left + 12
        label = f"{i}. {m.label.get(lang)}"
        bottom = c.block(
            text_x,
            top + 12,
            label,
            span,
            size=11,
            fill=colour if m.kind != "call" else INK,
            max_lines=3,
            cls=f"labkit-msg labkit-msg-{m.kind}",
        )
        direction = 1 if x2 > x1 else -1
        _arrow(c, x1, x2 - direction * 3, bottom - 4, m.kind)
    lx = margin
    for kind in _ARROW:
        _arrow(c, lx, lx + 26, height - 16 - 13 * len(note), kind)
        c.text(lx + 32, height - 12 - 13 * len(note), LEGEND[kind].get(lang), size=10.5, fill=MUTED)
        lx += 40 + len(LEGEND[kind].get(lang)) * (10.5 if lang == "ja" else 6.2)
    for i, line in enumerate(note):
        c.text(margin, height - 6 - 13 * (len(note) - 1 - i), line, size=10, fill=MUTED, cls="labkit-flow-note")
    return c.document(title=record.title.get(lang), desc=describe(record, lang), lang=lang)


__all__ = ["LEGEND", "RECORDED", "describe", "sequence_svg"]
