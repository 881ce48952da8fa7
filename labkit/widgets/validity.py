"""Validity calculator (lecture 2-8 Q1): issuance date + date of birth (+ the card's expiry)
→ the certificate's end, by the lab PKI's own rule (:mod:`labkit.pki.validity`: the 5th
birthday after issuance, 23:59:59 JST, capped by the card; 2月29日 → 2月28日 in common
years), with the reasoning spelled out.

Notebook use::

    ValidityCalculator(birth=date(2000, 2, 29), lang=ctx.lang)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from ..clock import JST, Clock, to_jst
from ..errors import LabkitError
from ..i18n import Text
from ..pki.validity import (
    BIRTHDAYS,
    SIGNING_MIN_AGE,
    age_on,
    birthday_in,
    certificate_not_after,
    end_of_day,
    nth_birthday_after,
)
from ._base import ViewMixin, default_clock, error_text, esc, fmt_date, resolve_lang

__all__ = ["ValidityCalculator", "ValidityModel", "ValidityResult"]

#: "No card given": a cap that never applies.
_NO_CARD = date(9999, 12, 30)
_KINDS = {"auth": Text("利用者証明用", "user authentication"), "signing": Text("署名用", "signing")}


@dataclass(frozen=True, slots=True)
class ValidityResult:
    issued_at: datetime
    birth: date
    card_expiry: date | None
    kind: str
    not_after: datetime | None = None
    birthdays: tuple[date, ...] = ()
    capped_by_card: bool = False
    error: Text | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def issued_day(self) -> date:
        return to_jst(self.issued_at).date()

    @property
    def fifth_birthday(self) -> date | None:
        return self.birthdays[-1] if self.birthdays else None

    @property
    def issued_on_birthday(self) -> bool:
        return birthday_in(self.birth, self.issued_day.year) == self.issued_day

    @property
    def leap_day_rule(self) -> bool:
        """Born on 29 February and at least one counted birthday moved to 28 February."""
        return (self.birth.month, self.birth.day) == (2, 29) and any(d.day == 28 for d in self.birthdays)

    def explanation(self, lang: str) -> list[str]:
        """The reasoning, one step per line."""
        ja = lang == "ja"
        issued = fmt_date(self.issued_day, lang)
        if self.birth > self.issued_day:
            return [error_text(LabkitError(Text("生年月日が発行日より後です",
                                                "the date of birth is after the issuance date"))).get(lang)]
        age = age_on(self.birth, self.issued_day)
        lines = [f"発行日: {issued} (発行時 {age}歳)" if ja else f"Issued: {issued} (age {age})"]
        if self.error is not None:
            return [*lines, self.error.get(lang)]
        if self.issued_on_birthday:
            lines.append("発行日が誕生日なので、その日の誕生日は数えません。" if ja
                         else "Issued on a birthday: that birthday does not count.")
        counted = "、".join(f"{i}回目 {d.isoformat()}" for i, d in enumerate(self.birthdays, 1)) if ja else \
            ", ".join(f"#{i} {d.isoformat()}" for i, d in enumerate(self.birthdays, 1))
        lines.append(f"発行後の誕生日: {counted}" if ja else f"Birthdays after issuance: {counted}")
        if self.leap_day_rule:
            lines.append("2月29日生まれなので、うるう年でない年の誕生日は2月28日とします (ラボの想定: "
                         "年齢は誕生日の前日の終わりに加わるため)。" if ja else
                         "Born on 29 February: in common years the birthday is taken as 28 February (lab "
                         "assumption: a year of age completes at the end of the day before the birthday).")
        fifth = self.fifth_birthday
        assert fifth is not None and self.not_after is not None
        lines.append(f"5回目の誕生日 {fmt_date(fifth, lang)} の 23:59:59 (日本時間) まで" if ja else
                     f"Valid until 23:59:59 JST on the 5th birthday, {fmt_date(fifth, lang)}")
        if self.capped_by_card and self.card_expiry is not None:
            lines.append(f"ただしカードの有効期限 {fmt_date(self.card_expiry, lang)} のほうが早いので、"
                         "そこで終わります (ラボの想定)。" if ja else
                         f"But the card expires earlier ({fmt_date(self.card_expiry, lang)}), so it ends then "
                         "(lab assumption).")
        end = to_jst(self.not_after)
        lines.append(f"有効期限: {end:%Y-%m-%d %H:%M:%S} JST" if ja else f"Valid until: {end:%Y-%m-%d %H:%M:%S} JST")
        return lines


class ValidityModel:
    """Pure calculator; ``kind="signing"`` also applies the under-15 rule."""

    def __init__(self, *, lang: str | None = None) -> None:
        self.lang = resolve_lang(lang)
        self.result: ValidityResult | None = None

    @staticmethod
    def _instant(issued: date | datetime | str) -> datetime:
        if isinstance(issued, str):
            issued = date.fromisoformat(issued) if len(issued) == 10 else datetime.fromisoformat(issued)
        if isinstance(issued, datetime):
            return issued if issued.tzinfo else issued.replace(tzinfo=JST)
        return datetime.combine(issued, time(12, 0), JST)  # only the JST day matters

    def calculate(self, issued: date | datetime | str, birth: date | str, card_expiry: date | str | None = None,
                  *, kind: str = "auth") -> ValidityResult:
        if kind not in _KINDS:
            raise ValueError(f"kind must be one of {sorted(_KINDS)}")
        at = self._instant(issued)
        born = date.fromisoformat(birth) if isinstance(birth, str) else birth
        card = date.fromisoformat(card_expiry) if isinstance(card_expiry, str) else card_expiry
        day = to_jst(at).date()
        try:
            not_after = certificate_not_after(born, at, card or _NO_CARD,
                                              min_age=SIGNING_MIN_AGE if kind == "signing" else None)
        except LabkitError as exc:
            result = ValidityResult(at, born, card, kind, error=exc.text)
        else:
            fifth = nth_birthday_after(born, day, BIRTHDAYS)
            birthdays = tuple(nth_birthday_after(born, day, n) for n in range(1, BIRTHDAYS + 1))
            capped = not_after < end_of_day(fifth)
            result = ValidityResult(at, born, card, kind, not_after, birthdays, capped)
        self.result = result
        return result

    def html(self) -> str:
        r = self.result
        lang = self.lang
        if r is None:
            msg = Text("発行日と生年月日を入力してください", "Enter the issuance date and the date of birth")
            return f'<div class="labkit-validity-out" data-ok="none">{esc(msg.get(lang))}</div>'
        items = "".join(f"<li>{esc(line)}</li>" for line in r.explanation(lang))
        head = (Text(f"{_KINDS[r.kind].ja}電子証明書の有効期限", f"End of the {_KINDS[r.kind].en} certificate")
                .get(lang))
        end = f"{to_jst(r.not_after):%Y-%m-%d}" if r.not_after else ""
        bg = "#f0fdf4" if r.ok else "#fef2f2"
        return (f'<div class="labkit-validity-out" data-ok="{str(r.ok).lower()}" data-not-after="{end}" '
                f'lang="{lang}" style="background:{bg};padding:.4em .8em;border-radius:4px;max-width:48em">'
                f"<b>{esc(head)}</b><ol style=\"margin:.2em 0\">{items}</ol></div>")


_L = {
    "issued": Text("発行日", "Issued"), "birth": Text("生年月日", "Birth"),
    "card": Text("カードの有効期限", "Card expiry"), "kind": Text("種類", "Kind"),
    "title": Text("有効期限の計算 (発行後5回目の誕生日まで)", "Validity calculator (until the 5th birthday)"),
}


class ValidityCalculator(ViewMixin):
    """Date pickers for the issuance day, the birthday and (optionally) the card's expiry;
    the result and its explanation update on every change."""

    def __init__(self, *, issued: date | None = None, birth: date | None = None, card_expiry: date | None = None,
                 kind: str = "auth", clock: Clock | None = None, lang: str | None = None) -> None:
        import ipywidgets as w

        self.model = ValidityModel(lang=lang)
        lang = self.model.lang
        issued = issued or to_jst((clock or default_clock()).now()).date()
        style = {"description_width": "initial"}
        self.issued, self.birth, self.card = (
            w.DatePicker(value=value, description=_L[part].get(lang), style=style,
                         _dom_classes=(f"labkit-validity-{part}",))
            for part, value in (("issued", issued), ("birth", birth), ("card", card_expiry)))
        self.kind = w.Dropdown(options=[(t.get(lang), k) for k, t in _KINDS.items()], value=kind,
                               description=_L["kind"].get(lang), style=style, _dom_classes=("labkit-validity-kind",))
        self.output = w.HTML(_dom_classes=("labkit-validity-result",))
        for widget in (self.issued, self.birth, self.card, self.kind):
            widget.observe(self._changed, names="value")
        self.widget = w.VBox([w.HTML(f"<b>{esc(_L['title'].get(lang))}</b>"),
                              w.HBox([self.issued, self.birth]), w.HBox([self.card, self.kind]), self.output],
                              _dom_classes=("labkit-validity",))
        self.update()

    def _changed(self, _change: dict[str, Any]) -> None:
        self.update()

    def set(self, *, issued: date | None = None, birth: date | None = None, card_expiry: date | None = None,
            kind: str | None = None) -> ValidityResult | None:
        """Fill the pickers like a learner would; returns the new result."""
        if issued is not None:
            self.issued.value = issued
        if birth is not None:
            self.birth.value = birth
        if card_expiry is not None:
            self.card.value = card_expiry
        if kind is not None:
            self.kind.value = kind
        return self.model.result

    def update(self) -> ValidityResult | None:
        if self.issued.value is None or self.birth.value is None:
            self.model.result = None
        else:
            self.model.calculate(self.issued.value, self.birth.value, self.card.value, kind=self.kind.value)
        self.output.value = self.model.html()
        return self.model.result
