"""Lab of lecture 2-1: check a candidate password against the card's signing-password rule
(or, with ``kind="auth_pin"``, the smartphone's 4-digit user-authentication PIN)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..i18n import Text, check_lang
from ..rules import CHECKS, RuleResult
from ._base import ViewMixin, default_lang

_LABELS: dict[str, dict[str, Text]] = {
    "signing": {
        "title": Text("マイナンバーカード用署名用電子証明書のパスワードを確かめる",
                      "Check a signing-certificate password for the My Number Card"),
        "field": Text("パスワード", "Password"),
        "placeholder": Text("例: ABC123", "e.g. ABC123"),
    },
    "auth_pin": {
        "title": Text("スマホ用利用者証明用電子証明書のパスワード (数字4桁) を確かめる",
                      "Check a smartphone user-authentication password (4 digits)"),
        "field": Text("暗証番号", "PIN"),
        "placeholder": Text("例: 1234", "e.g. 1234"),
    },
}
BUTTON = Text("確認する", "Check")
PROMPT = Text("候補を入力すると、条件を満たすかどうかをその場で表示します。",
              "Type a candidate; the verdict appears as you type.")
PRIVACY = Text("本物のパスワードは入力しないでください。",
               "Do not type your real password.")
RULE = Text("条件", "Rule")
OK = Text("○ 使えます", "✓ Allowed")
NG = Text("× 使えません", "✗ Not allowed")


@dataclass
class PasswordCheckerModel:
    """The checker's state without any widget: what was typed and the verdict."""

    kind: str = "signing"
    lang: str = "ja"
    value: str = ""
    result: RuleResult | None = None
    history: list[tuple[str, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        check_lang(self.lang)
        if self.kind not in CHECKS:
            raise ValueError(f"kind must be one of {sorted(CHECKS)} (got {self.kind!r})")

    def label(self, key: str) -> str:
        return _LABELS[self.kind][key].get(self.lang)

    def check(self, value: str) -> RuleResult:
        self.value = value
        self.result = CHECKS[self.kind](value)
        self.history.append((value, self.result.ok))
        return self.result

    def rule_html(self) -> str:
        rule = CHECKS[self.kind]("").rule.get(self.lang)
        return (f'<div class="labkit-rule" lang="{self.lang}"><b>{RULE.get(self.lang)}:</b> '
                f"{html.escape(rule)}<br>{PRIVACY.get(self.lang)}</div>")

    def verdict_html(self) -> str:
        """The verdict for the last value; a prompt before anything was typed."""
        if self.result is None or self.value == "":
            return (f'<div class="labkit-verdict labkit-verdict-none" lang="{self.lang}">'
                    f"{PROMPT.get(self.lang)}</div>")
        shown = html.escape(self.value)
        if self.result.ok:
            return (f'<div class="labkit-verdict labkit-verdict-ok" data-ok="true" '
                    f'lang="{self.lang}"><b>{OK.get(self.lang)}</b>: <code>{shown}</code></div>')
        items = "".join(f"<li>{html.escape(m)}</li>" for m in self.result.messages(self.lang))
        allowed = Text("使えるのは", "Allowed").get(self.lang)
        return (f'<div class="labkit-verdict labkit-verdict-ng" data-ok="false" '
                f'lang="{self.lang}"><b>{NG.get(self.lang)}</b>: <code>{shown}</code>'
                f'<ul class="labkit-reasons">{items}</ul>'
                f"{allowed}: {html.escape(self.result.rule.get(self.lang))}</div>")


class PasswordChecker(ViewMixin):
    """A text field, a button and a verdict; ``.model`` holds the state, ``.widget`` the
    view. Displaying the object displays the view."""

    def __init__(self, kind: str = "signing", lang: str | None = None) -> None:
        import ipywidgets as w

        self.model = PasswordCheckerModel(kind=kind, lang=lang or default_lang())
        m = self.model
        self.input = w.Text(value="", placeholder=m.label("placeholder"),
                            description=m.label("field"), continuous_update=True,
                            style={"description_width": "initial"},
                            layout=w.Layout(width="22em"), _dom_classes=("labkit-pwcheck-input",))
        self.button = w.Button(description=BUTTON.get(m.lang), button_style="primary",
                               _dom_classes=("labkit-pwcheck-button",))
        self.result = w.HTML(value=m.verdict_html(), _dom_classes=("labkit-pwcheck-result",))
        title = w.HTML(value=f"<b>{html.escape(m.label('title'))}</b>")
        self.widget = w.VBox([title, w.HTML(value=m.rule_html()),
                              w.HBox([self.input, self.button]), self.result],
                              _dom_classes=("labkit-pwcheck", f"labkit-pwcheck-{kind}"))
        self.input.observe(self._on_value, names="value")
        self.button.on_click(lambda _button: self.update())

    def _on_value(self, change: dict[str, Any]) -> None:
        self.update(change["new"])

    def update(self, value: str | None = None) -> RuleResult:
        """Check ``value`` (default: the field's content) and show the verdict."""
        result = self.model.check(self.input.value if value is None else value)
        self.result.value = self.model.verdict_html()
        return result

    def type(self, value: str) -> RuleResult:
        """What a learner does: put ``value`` in the field (tests and demos)."""
        self.input.value = value
        if self.model.value != value or self.model.result is None:  # unchanged value
            self.update(value)
        assert self.model.result is not None
        return self.model.result


class PasswordExamples:
    """A static table of candidates and verdicts (deterministic output for nbval)."""

    def __init__(self, samples: Sequence[str], kind: str = "signing",
                 lang: str | None = None) -> None:
        self.model = PasswordCheckerModel(kind=kind, lang=lang or default_lang())
        self.rows = [(s, CHECKS[kind](s)) for s in samples]

    def html(self) -> str:
        lang = self.model.lang
        head = (Text("候補", "Candidate"), Text("判定", "Verdict"), Text("理由", "Why"))
        rows = []
        for value, r in self.rows:
            verdict = (OK if r.ok else NG).get(lang)
            why = "<br>".join(html.escape(m) for m in r.messages(lang)) or "—"
            cls = "labkit-verdict-ok" if r.ok else "labkit-verdict-ng"
            rows.append(f'<tr class="{cls}"><td><code>{html.escape(value)}</code></td>'
                        f"<td>{verdict}</td><td>{why}</td></tr>")
        header = "".join(f"<th>{h.get(lang)}</th>" for h in head)
        return (f'<div class="labkit-prose labkit-examples" lang="{lang}"><table>'
                f"<thead><tr>{header}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")

    def text(self) -> str:
        lang = self.model.lang
        lines = []
        for value, r in self.rows:
            verdict = (OK if r.ok else NG).get(lang)
            why = " ".join(r.messages(lang))
            lines.append(f"{value!r}: {verdict}" + (f" — {why}" if why else ""))
        return "\n".join(lines)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        return {"text/html": self.html(), "text/plain": self.text()}
