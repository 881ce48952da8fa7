"""The secure element inside the phone: apps → OMAPI → ARA-M → applets, drawn from a real lab
phone. The applets come from the SE's GlobalPlatform registry, what they hold from its
inventory, the rules from its ARA-M, and every allowed/denied arrow from actually opening a
logical channel through OMAPI as that app (so the SE's access control decides, not the figure).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

from ..i18n import Text
from ._svg import GREEN, INK, LINE, MUTED, PALE, RED, Canvas

__all__ = ["Access", "SeModel", "se_model", "se_svg"]


@dataclass(frozen=True, slots=True)
class Access:
    app: Text
    applet: Text
    allowed: bool
    reason: Text


@dataclass(frozen=True, slots=True)
class SeModel:
    apps: tuple[Text, ...]
    applets: tuple[tuple[bytes, Text], ...]  # (AID, name) of every instance, registry order
    ara: Text  # the ARA-M's own name
    rules: tuple[Text, ...]  # each rule in words
    jpki_contents: tuple[Text, ...]
    not_stored: tuple[Text, ...]
    access: tuple[Access, ...]

    def decision(self, app: Text, applet: Text) -> Access:
        return next(a for a in self.access if a.app == app and a.applet == applet)


_LOCK = threading.Lock()


@cache
def se_model() -> SeModel:
    """A registered phone with the Mynaportal app, the lab bank's app and a game installed."""
    from ..errors import LabkitError
    from ..phone.apps import BANK, CATALOG, GAME
    from ..se import AraM
    from .flows import figure_world, registered_phone

    with _LOCK, figure_world() as world:
        phone = registered_phone(world, world.resident("sample"))
        phone.install(BANK)
        phone.install(GAME)
        se = phone.se
        inventory = se.inventory()
        names = {info.aid: info.name for info in inventory.applets}
        titles = {p.package: p.title for p in CATALOG}
        by_hash = {p.certificate_hash: p.title for p in CATALOG}
        ara = se.ara
        assert ara is not None
        rules = tuple(_rule_text(r, names, by_hash) for r in ara.rules)
        apps = tuple(titles[p] for p in phone.packages if p in titles)
        targets = tuple(
            (info.aid, info.name) for info in inventory.applets if not isinstance(se.applet(info.aid), AraM)
        )
        access = []
        for package in phone.packages:
            for aid, name in targets:
                session = phone.omapi(package).get_readers()[0].open_session()
                try:
                    channel = session.open_logical_channel(aid)
                    if channel is None:  # OMAPI: no channel free (not an access decision)
                        raise AssertionError(f"no logical channel for {package}")
                    channel.close()
                    access.append(Access(titles[package], name, True, Text("許可", "allowed")))
                except LabkitError as exc:
                    access.append(Access(titles[package], name, False, _why(exc.text)))
                finally:
                    session.close()
        jpki = tuple(i.name for i in inventory.items if i.holder.en == "JPKI AP")
        ara_name = next(info.name for info in inventory.applets if isinstance(se.applet(info.aid), AraM))
        return SeModel(
            apps, targets, ara_name, rules, jpki, tuple(c.label for c in inventory.not_stored), tuple(access)
        )


def _why(text: Text) -> Text:
    """The SE's reason, i.e. the last parenthesis of the OMAPI error (the whole text if none)."""

    def last(s: str) -> str:
        m = re.search(r"\(([^()]*)\)\s*$", s)
        return m.group(1) if m else s

    return Text(last(text.ja), last(text.en))


def _rule_text(rule: Any, names: dict[bytes, Text], by_hash: dict[bytes, Text]) -> Text:
    target = names.get(rule.aid, Text("すべての SE アプリ", "every SE application"))  # no AID: every one
    who = by_hash.get(rule.cert_hash) if rule.cert_hash else None
    whom = (
        Text(f"「{who.ja}」アプリだけ", f"only the {who.en} app")
        if who
        else Text("すべてのアプリ", "every app")
        if rule.cert_hash is None
        else Text("特定のアプリ", "one app")
    )
    verdict = Text("許可", "allowed") if rule.apdu is not False else Text("禁止", "never")
    return Text(f"{target.ja} ← {whom.ja}: {verdict.ja}", f"{target.en} <- {whom.en}: {verdict.en}")


def describe(model: SeModel, lang: str) -> str:
    ok = Text("開ける", "may open").get(lang)
    no = Text("開けない", "may not open").get(lang)
    parts = [f"{a.app.get(lang)} → {a.applet.get(lang)}: {ok if a.allowed else no}" for a in model.access]
    head = Text(
        "スマホのアプリは OMAPI を通して GP-SE に話しかけ、ARA-M のアクセス規則が通すかどうかを決めます。",
        "Phone apps reach the GP-SE through OMAPI; the ARA-M access rules decide who gets through. ",
    )
    return head.get(lang) + " / ".join(parts)


def se_svg(model: SeModel, lang: str, uid: str) -> str:
    t = lambda x: x.get(lang)  # noqa: E731
    width = 820.0
    jpki_x, jpki_w = 30.0, 520.0
    n = len(model.apps)
    app_w = min(160.0, (jpki_w - 20) / max(n, 1) - 12)
    app_xs = [jpki_x + 20 + (jpki_w - 40) * (i + 0.5) / n for i in range(n)]
    c = Canvas(width, 10, uid)
    c.text(14, 22, t(Text("スマホのアプリ", "Apps on the phone")), size=12, fill=MUTED, weight="bold")
    for x, app in zip(app_xs, model.apps, strict=True):
        c.rect(x - app_w / 2, 32, app_w, 40, fill=PALE["blue"], cls="labkit-se-app")
        c.block(x, 56, t(app), app_w - 10, size=12, anchor="middle", weight="bold", max_lines=2)
    c.rect(14, 92, width - 28, 34, fill=PALE["grey"], cls="labkit-se-omapi")
    c.text(
        width - 24,
        114,
        t(Text("OMAPI (アプリが SE と話す窓口)", "OMAPI (how apps talk to the SE)")),
        size=12,
        anchor="end",
        weight="bold",
    )
    se_top = 146.0
    ara_top = se_top + 34
    ara_h = 28 + 16 * len(model.rules)
    c.rect(20, ara_top, width - 40, ara_h, fill=PALE["amber"], cls="labkit-se-ara")
    c.text(30, ara_top + 18, t(model.ara), size=12, weight="bold")
    for i, rule in enumerate(model.rules):
        c.text(40, ara_top + 36 + 16 * i, "• " + t(rule), size=11, cls="labkit-se-rule")
    applet_top = ara_top + ara_h + 26
    jpki_name = next((name for _, name in model.applets if name.en == "JPKI AP"), None)
    others = [name for _, name in model.applets if name != jpki_name]
    jpki_h = 40 + 15 * len(model.jpki_contents)
    other_w = (width - 40 - jpki_w - 20) if others else 0
    box_h = max(jpki_h, 60.0)
    if jpki_name is not None:
        c.rect(jpki_x, applet_top, jpki_w, box_h, fill=PALE["green"], stroke=GREEN, cls="labkit-se-applet")
        c.text(jpki_x + 10, applet_top + 20, t(jpki_name), size=13, weight="bold", cls="labkit-se-applet-name")
        for i, item in enumerate(model.jpki_contents):
            c.text(jpki_x + 20, applet_top + 40 + 15 * i, "・" + t(item), size=11)
    for j, name in enumerate(others):
        ox = jpki_x + jpki_w + 20
        h = (box_h - 10 * (len(others) - 1)) / len(others)
        c.rect(ox, applet_top + j * (h + 10), other_w, h, fill=PALE["grey"], cls="labkit-se-applet")
        c.block(
            ox + 10,
            applet_top + j * (h + 10) + 20,
            t(name),
            other_w - 20,
            size=12,
            weight="bold",
            cls="labkit-se-applet-name",
        )
    se_bottom = applet_top + box_h + 14
    c.rect(14, se_top, width - 28, se_bottom - se_top, stroke=INK, rx=12)
    c.text(
        26,
        se_top + 20,
        t(Text("GP-SE (スマホの中の IC チップ)", "GP-SE (the IC chip inside the phone)")),
        size=12,
        weight="bold",
    )
    if jpki_name is not None:  # one arrow per app towards the JPKI AP, as the SE decided
        for x, app in zip(app_xs, model.apps, strict=True):
            a = model.decision(app, jpki_name)
            if a.allowed:
                c.line(x, 72, x, applet_top - 2, stroke=GREEN, width=2.2, arrow="green")
                c.text(x + 6, applet_top - 8, t(Text("✓ 許可", "✓ allowed")), size=11, fill=GREEN, weight="bold")
            else:
                c.line(x, 72, x, ara_top - 2, stroke=RED, width=2, dash="5 3")
                c.text(x, ara_top + 4, "✕", size=18, anchor="middle", fill=RED, weight="bold")
                c.text(x + 10, ara_top - 6, t(Text("拒否", "denied")), size=11, fill=RED, weight="bold")
    y = se_bottom + 22
    if model.not_stored:
        sep = "、" if lang == "ja" else ", "
        y = (
            c.block(
                14,
                y,
                t(Text("スマホに記録されない情報: ", "Not recorded on the phone: "))
                + sep.join(t(x) for x in model.not_stored),
                width - 28,
                size=11,
                fill=MUTED,
            )
            + 8
        )
    # the matrix: every app x every applet, each cell from a real OMAPI attempt
    cols = [name for _, name in model.applets]
    col_w = (width - 28 - 170) / max(len(cols), 1)
    c.text(
        14,
        y + 6,
        t(
            Text(
                "OMAPI でチャネルを開けるか (実際に試した結果)",
                "Can the app open a channel through OMAPI? (actually tried)",
            )
        ),
        size=11.5,
        weight="bold",
    )
    y += 16
    for j, name in enumerate(cols):
        c.block(14 + 170 + col_w * j + 6, y + 12, t(name), col_w - 12, size=11, weight="bold", max_lines=2)
    y += 34
    for app in model.apps:
        c.line(14, y - 13, width - 14, y - 13, stroke=LINE)
        c.text(20, y + 2, t(app), size=11.5)
        for j, name in enumerate(cols):
            a = model.decision(app, name)
            mark = (
                ("✓ " + t(Text("許可", "allowed")))
                if a.allowed
                else ("✕ " + t(Text("拒否", "denied")) + ": " + t(a.reason))
            )
            c.block(
                14 + 170 + col_w * j + 6,
                y + 2,
                mark,
                col_w - 12,
                size=10.5,
                fill=GREEN if a.allowed else RED,
                max_lines=2,
                cls="labkit-se-cell labkit-se-" + ("allowed" if a.allowed else "denied"),
            )
        y += 34
    c.height = y
    title = t(
        Text(
            "スマホの中の GP-SE: アプリ → OMAPI → ARA-M → SE アプリ",
            "The GP-SE inside the phone: apps → OMAPI → ARA-M → SE applications",
        )
    )
    return c.document(title=title, desc=describe(model, lang), lang=lang)
