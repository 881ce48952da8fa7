"""A small SVG canvas for the course figures: text in the CJK font, wrapping that knows a
Japanese character is about twice as wide as a Latin one, arrows, and a self-contained,
accessible document (``role="img"``, ``aria-label``, ``<title>``, ``<desc>``; no external
references, so a figure can be inlined in a page, a slide or a PDF)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TypedDict, Unpack

from ..widgets._base import esc

#: Noto Sans CJK JP (Debian fonts-noto-cjk) first: the same glyphs on screen, slide and paper.
FONT = "'Noto Sans CJK JP', 'Noto Sans JP', 'Noto Sans CJK', sans-serif"

INK = "#1f2937"
MUTED = "#6b7280"
LINE = "#9ca3af"
BLUE = "#1d4ed8"
GREEN = "#15803d"
RED = "#b91c1c"
AMBER = "#b45309"
PURPLE = "#7c3aed"
PALE = {
    "blue": "#eff6ff",
    "green": "#f0fdf4",
    "red": "#fef2f2",
    "amber": "#fffbeb",
    "grey": "#f9fafb",
    "purple": "#f5f3ff",
}


def char_width(ch: str) -> float:
    """Width of one character in em: wide (CJK, full-width) 1.0, else about 0.56."""
    return 1.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 0.56


def text_width(text: str, size: float) -> float:
    return sum(char_width(c) for c in text) * size


_TOKEN = re.compile(r"[A-Za-z0-9.,:;'’()\-/%+]+ ?|.", re.S)


def wrap(text: str, size: float, width: float, max_lines: int = 8) -> list[str]:
    """Greedy line breaking: Latin words stay whole, Japanese breaks between characters
    (but not before 、。」) and similar closing marks)."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for token in _TOKEN.findall(para):
            if line and text_width(line + token.rstrip(), size) > width and token not in "、。」）)』,.":
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line += token
        lines.append(line.rstrip())
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][:-1] + "…"
    return lines


TEXT_SIZE = 12


class TextStyle(TypedDict, total=False):
    """How :meth:`Canvas.text` draws a line (its keywords), passed on by :meth:`Canvas.block`."""

    size: float
    anchor: str
    fill: str
    weight: str
    cls: str


@dataclass
class Canvas:
    """Collects SVG elements; :meth:`document` wraps them into one accessible ``<svg>``."""

    width: float
    height: float
    uid: str
    parts: list[str] = field(default_factory=list)

    def add(self, element: str) -> None:
        self.parts.append(element)

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        fill: str = "none",
        stroke: str = LINE,
        rx: float = 6,
        cls: str = "",
        extra: str = "",
    ) -> None:
        c = f' class="{esc(cls)}"' if cls else ""
        self.add(
            f'<rect{c} x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="{rx}" '
            f'fill="{fill}" stroke="{stroke}"{extra}/>'
        )

    def line(
        self,
        x1: float,
        y1: float,
        x2: float,
        y2: float,
        *,
        stroke: str = LINE,
        width: float = 1,
        dash: str = "",
        arrow: str = "",
    ) -> None:
        d = f' stroke-dasharray="{dash}"' if dash else ""
        m = f' marker-end="url(#{self.uid}-{arrow})"' if arrow else ""
        self.add(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}" '
            f'stroke-width="{width}"{d}{m}/>'
        )

    def text(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float = TEXT_SIZE,
        anchor: str = "start",
        fill: str = INK,
        weight: str = "normal",
        cls: str = "",
    ) -> None:
        c = f' class="{esc(cls)}"' if cls else ""
        w = f' font-weight="{weight}"' if weight != "normal" else ""
        self.add(
            f'<text{c} x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{fill}"{w}>{esc(text)}</text>'
        )

    def block(
        self,
        x: float,
        y: float,
        text: str,
        width: float,
        *,
        leading: float = 1.35,
        max_lines: int = 8,
        **style: Unpack[TextStyle],
    ) -> float:
        """Wrapped text whose first baseline is ``y``, each line drawn by :meth:`text` in
        ``style``; returns the y below the last line."""
        size = style.get("size", TEXT_SIZE)
        lines = wrap(text, size, width, max_lines)
        for i, line in enumerate(lines):
            self.text(x, y + i * size * leading, line, **style)
        return y + len(lines) * size * leading

    def document(self, *, title: str, desc: str, lang: str) -> str:
        markers = "".join(
            f'<marker id="{self.uid}-{name}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>'
            for name, colour in (
                ("ink", INK),
                ("blue", BLUE),
                ("green", GREEN),
                ("red", RED),
                ("amber", AMBER),
                ("purple", PURPLE),
            )
        )
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="labkit-figure-svg" id="{esc(self.uid)}" '
            f'lang="{lang}" xml:lang="{lang}" role="img" aria-label="{esc(title)}" '
            f'width="{self.width:.0f}" height="{self.height:.0f}" '
            f'viewBox="0 0 {self.width:.0f} {self.height:.0f}" font-family="{esc(FONT)}">'
            f"<title>{esc(title)}</title><desc>{esc(desc)}</desc><defs>{markers}</defs>"
            f'<rect x="0" y="0" width="{self.width:.0f}" height="{self.height:.0f}" fill="#ffffff"/>'
            + "".join(self.parts)
            + "</svg>"
        )
