"""The screen model every phone app in the lab renders: plain frozen data, no widgets.

A :class:`Screen` is what one app shows at one moment: a bilingual title and body, buttons
(with their enabled state), text inputs and check boxes, plus the last error or notice.
``labkit.widgets`` draws it; tests and notebooks read it directly. Values typed into secret
inputs never appear in a screen (only how many characters were typed).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ..errors import InputError
from ..i18n import DEFAULT_LANG, Text

__all__ = ["Button", "Checkbox", "Input", "InputKind", "Screen", "match_label"]


class InputKind(StrEnum):
    TEXT = "text"
    PASSWORD = "password"  # shown as dots; the value never leaves the app
    DIGITS = "digits"      # a 4-digit PIN pad, also secret


@dataclass(frozen=True, slots=True)
class Button:
    """A button (or a menu item). ``id`` is stable for programs; people press the label."""

    id: str
    label: Text
    enabled: bool = True
    #: Why it is disabled, when it is (shown as a hint).
    hint: Text | None = None


@dataclass(frozen=True, slots=True)
class Input:
    id: str
    label: Text
    kind: InputKind = InputKind.TEXT
    #: TEXT inputs show their value; secret ones only how many characters were typed.
    value: str = ""
    filled: int = 0
    placeholder: Text | None = None

    @property
    def secret(self) -> bool:
        return self.kind is not InputKind.TEXT


@dataclass(frozen=True, slots=True)
class Checkbox:
    id: str
    label: Text
    checked: bool = False
    #: Explanation under the box (e.g. what a certificate is for).
    help: Text | None = None


@dataclass(frozen=True, slots=True)
class Screen:
    """One screen. ``state`` is the state-machine state it renders; ``step`` the lecture step
    (e.g. ``"2-3 ⑦"``) so a notebook can put the lecture text beside it."""

    app: str
    state: str
    title: Text
    body: tuple[Text, ...] = ()
    buttons: tuple[Button, ...] = ()
    inputs: tuple[Input, ...] = ()
    checks: tuple[Checkbox, ...] = ()
    step: str | None = None
    error: Text | None = None
    notice: Text | None = None
    #: Extra rows for tables (inventory, usage history): each row a dict of Texts.
    rows: tuple[dict[str, Text], ...] = field(default=())

    def button(self, label: str | Text) -> Button | None:
        return next((b for b in self.buttons if match_label(b.label, label) or b.id == label), None)

    def labels(self, lang: str = DEFAULT_LANG) -> list[str]:
        """Button labels in ``lang`` (enabled or not), in screen order."""
        return [b.label.get(lang) for b in self.buttons]

    def render(self, lang: str = DEFAULT_LANG) -> str:
        """A plain-text rendering (tests, logs, the CLI)."""
        lines = [f"[{self.title.get(lang)}]" + (f"  ({self.step})" if self.step else "")]
        lines += [t.get(lang) for t in self.body]
        for row in self.rows:
            lines.append("  " + " | ".join(v.get(lang) for v in row.values()))
        for box in self.checks:
            lines.append(f"  [{'x' if box.checked else ' '}] {box.label.get(lang)}")
        for inp in self.inputs:
            shown = inp.value if not inp.secret else "●" * inp.filled
            lines.append(f"  {inp.label.get(lang)}: {shown}")
        if self.buttons:
            lines.append("  " + "  ".join(f"「{b.label.get(lang)}」" if b.enabled else f"({b.label.get(lang)})"
                                          for b in self.buttons))
        if self.notice is not None:
            lines.append(f"  ✓ {self.notice.get(lang)}")
        if self.error is not None:
            lines.append(f"  ! {self.error.get(lang)}")
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


def _norm(text: str) -> str:
    return text.strip().strip("「」\"'").replace(" ", "").replace("\u3000", "").casefold()


def match_label(label: Text, wanted: str | Text) -> bool:
    """A label matches its Japanese or English text, with or without 「」 and spaces."""
    if isinstance(wanted, Text):
        return label == wanted
    if not isinstance(wanted, str):
        raise InputError(Text("ボタンは文字列で指定します", "name the button with a string"))
    key = _norm(wanted)
    return key in (_norm(label.ja), _norm(label.en))
