"""labkit.figures: every SVG is well-formed, accessible and self-contained, and what it shows
comes from the lab objects (the SE's applets, the J-LIS time rules, recorded flows, the app's
own screens)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import time

import pytest

from labkit import course, figures
from labkit.errors import InputError
from labkit.figures import flows, screens, timelines
from labkit.figures.se_figure import se_model, se_svg
from labkit.jlis.rules import DEFAULT_PUSH_POLICY, HOTLINE_HOURS, PushPolicy
from labkit.phone.apps import GAME, MYNAPORTAL

SVG = "{http://www.w3.org/2000/svg}"
CJK = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
LANGS = ("ja", "en")


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def texts(svg: str) -> str:
    """All text drawn in the figure (tspans and texts), joined."""
    return " ".join("".join(e.itertext()) for e in parse(svg).iter(f"{SVG}text"))


def check_accessible(svg: str, lang: str) -> None:
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("lang") == lang
    label = root.get("aria-label") or ""
    assert label.strip()
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None and (title.text or "").strip() == label
    assert desc is not None and (desc.text or "").strip()
    if lang == "ja":
        assert CJK.search(label), label
    else:
        assert not CJK.search(label.replace("「", "").replace("」", "")) or "「" in label, label
    assert "Noto Sans CJK JP" in (root.get("font-family") or "")
    # self-contained: no external reference of any kind
    assert "<image" not in svg and "href" not in svg and "@import" not in svg
    for url in re.findall(r"url\(([^)]*)\)", svg):
        assert url.startswith("#"), url
    assert "http://" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in svg


@pytest.mark.slow
@pytest.mark.parametrize("lang", LANGS)
def test_every_section_has_accessible_figures(lang: str) -> None:
    sections = [s.id for s in course.SECTIONS if s.chapter in (1, 2)]
    assert sections[0] == "1-1" and sections[-1] == "2-8"
    ids: set[str] = set()
    for section in sections:
        figs = figures.section_figures(section, lang)
        assert figs, section
        for fig in figs:
            check_accessible(fig.svg, lang)
            assert fig.caption.get(lang).strip()
            assert fig.id not in ids
            ids.add(fig.id)
            uid = parse(fig.svg).get("id")
            assert uid and uid not in {None, ""}


def test_unknown_section_is_a_bilingual_error() -> None:
    with pytest.raises(InputError) as err:
        figures.section_figures("9-9", "ja")
    assert "9-9" in err.value.text.ja and "9-9" in err.value.text.en
    with pytest.raises(ValueError):
        figures.section_figures("1-6", "fr")


def test_show_returns_an_html_widget_in_the_run_language() -> None:
    ctx = course.setup("1-6", lang="en")
    widget = figures.show(ctx, "1-6")
    assert widget.__class__.__name__ == "HTML"
    assert "<svg" in widget.value and 'lang="en"' in widget.value
    assert "Hours of the My Number toll-free line" in widget.value
    assert "受付時間" in figures.show("ja", "1-6").value


# --------------------------------------------------------------------------- the SE


@pytest.mark.slow  # runs lab worlds (RSA keys in card and SE)
def test_se_figure_lists_the_applets_the_se_really_has() -> None:
    from labkit.se.inventory import build_inventory
    from labkit.world import World

    with World.create(now="2026-04-01T10:00:00+09:00") as world:
        phone = world.new_phone(world.resident("sample"))
        applets = build_inventory(phone.se).applets
    assert len(applets) >= 3
    model = se_model()
    for lang in LANGS:
        svg = se_svg(model, lang, "t")
        check_accessible(svg, lang)
        drawn = texts(svg)
        for info in applets:
            assert info.name.get(lang) in drawn, info.name
    # the arrows are the SE's decisions: only the Mynaportal app opens the JPKI AP
    jpki = next(name for _, name in model.applets if name.en == "JPKI AP")
    assert model.decision(MYNAPORTAL.title, jpki).allowed
    assert not model.decision(GAME.title, jpki).allowed
    assert "reserved for another app" in model.decision(GAME.title, jpki).reason.en
    svg = se_svg(model, "ja", "t")
    assert svg.count("labkit-se-denied") == sum(not a.allowed for a in model.access)
    assert "税関係情報" in texts(svg)  # what the lecture says is never stored


# --------------------------------------------------------------------------- timelines


def edges(svg: str) -> dict[str, list[str]]:
    root = parse(svg)
    out: dict[str, list[str]] = {"start": [], "end": []}
    for e in root.iter(f"{SVG}text"):
        cls = e.get("class") or ""
        for edge in out:
            if f"labkit-push-edge-{edge}" in cls:
                out[edge].append(e.text or "")
    return out


def test_push_window_edges_come_from_the_rules() -> None:
    svg = timelines.push_window_svg("ja", "t")
    found = edges(svg)
    assert set(found["start"]) == {timelines.hhmm(DEFAULT_PUSH_POLICY.window_start)} == {"8:00"}
    assert set(found["end"]) == {timelines.hhmm(DEFAULT_PUSH_POLICY.window_end)} == {"19:30"}
    other = PushPolicy(window_start=time(9, 0), window_end=time(18, 0))
    moved = edges(timelines.push_window_svg("en", "t", other))
    assert set(moved["start"]) == {"9:00"} and set(moved["end"]) == {"18:00"}
    drawn = texts(svg)
    assert "通知 10:03" in drawn  # 10:00 + the policy's delay
    assert "通知 翌 8:00" in drawn  # 21:00 waits for the morning


def test_hotline_bars_are_the_rule_asked_minute_by_minute() -> None:
    svg = timelines.hotline_svg("en", "t")
    labels = [e.text for e in parse(svg).iter(f"{SVG}text") if "labkit-open-label" in (e.get("class") or "")]
    w, h = HOTLINE_HOURS.weekday_open, HOTLINE_HOURS.weekday_close
    assert labels[0] == f"{timelines.hhmm(w)}〜{timelines.hhmm(h)}" == "9:30〜20:00"
    assert labels[1] == "9:30〜17:30"
    assert labels[2] == "24 hours, 365 days"


def test_widget_timelines_become_accessible_figures() -> None:
    for name, model in timelines.standard_models().items():
        for lang in LANGS:
            svg = timelines.model_svg(model, lang, f"t-{name}")
            check_accessible(svg, lang)
            for note in model.notes:
                assert note.get(lang) in texts(svg)
    validity = timelines.model_svg(timelines.standard_models()["validity"], "ja", "v")
    assert "2031-02-17" in texts(validity)  # 5th birthday after 2026-04-01 for a 17 Feb birthday


# --------------------------------------------------------------------------- flows


@pytest.mark.slow  # runs lab worlds (RSA keys in card and SE)
def test_application_flow_is_recorded_from_the_run() -> None:
    rec = flows.record("apply")
    kinds = [a.kind for a in rec.actors]
    assert kinds == ["card", "phone", "se", "push", "jlis"]
    said = [(m.src.split(":")[0], m.dst.split(":")[0], m.label.en) for m in rec.messages]
    assert ("phone", "card", "signature") in said
    assert ("phone", "se", "generate key pair") in said
    assert said.index(("phone", "se", "generate key pair")) < said.index(("phone", "card", "signature"))
    assert said[-1][:2] == ("push", "phone")
    assert any(dst == "jlis" and "application" in label for _, dst, label in said)


@pytest.mark.slow  # runs lab worlds (RSA keys in card and SE)
def test_device_change_flow_tells_the_old_phone_to_delete() -> None:
    rec = flows.record("device_change")
    old = [m for m in rec.messages if m.dst in ("phone:old", "se:old")]
    assert old[0].kind == "push" and old[1].label.en == "erase data"
    assert not any(m.src == "phone:old" and m.dst == "jlis" for m in rec.messages)  # no separate revocation


@pytest.mark.slow  # runs lab worlds (RSA keys in card and SE)
def test_loss_flow_goes_through_the_hotline_and_the_counter() -> None:
    rec = flows.record("loss")
    route = [(m.src, m.dst) for m in rec.messages]
    assert route[:2] == [("person", "hotline"), ("hotline", "jlis")]
    assert ("person", "municipality") in route and ("municipality", "jlis") in route
    from labkit.figures.sequence import sequence_svg

    for lang in LANGS:
        svg = sequence_svg(rec, lang, "t")
        check_accessible(svg, lang)
        drawn = texts(svg).replace(" ", "")  # labels may wrap over lines
        for actor in rec.actors:
            assert actor.label.get(lang).replace(" ", "") in drawn


# --------------------------------------------------------------------------- step screens


@pytest.mark.slow  # runs lab worlds (RSA keys in card and SE)
def test_apply_screens_follow_the_lecture_steps() -> None:
    steps = screens.steps("apply")
    marks = [s.mark for s in steps]
    assert [m.ja for m in marks[:7]] == ["①", "②", "③", "④⑤⑥", "⑦", "⑧", "⑨"]
    states = [s.screen.state for s in steps]
    assert states[:3] == ["home", "menu", "form"] and states[-1] == "applied"
    form = steps[3].screen
    for lang in LANGS:
        svg = screens.screen_svg(form, lang, "t", mark="2-3 ④⑤⑥")
        check_accessible(svg, lang)
        drawn = texts(svg)
        assert form.title.get(lang) in drawn
        for button in form.buttons:
            assert button.label.get(lang) in drawn
        assert "ABC123" not in svg  # a secret input shows dots only
        assert "●" * 6 in drawn


@pytest.mark.slow  # runs lab worlds (RSA keys in card and SE)
def test_device_change_screens_end_registered() -> None:
    steps = screens.steps("device_change")
    assert [s.mark.en for s in steps][-3:] == ["⑩", "⑪", "⑫"]
    assert next(s for s in steps if s.mark.ja == "⑥").screen.state == "confirm_old"
    assert steps[-1].screen.state == "registered"


def test_figures_are_kept_on_disk_per_source_version() -> None:
    first = figures.section_figures("1-6", "ja")
    folder = figures.cache_dir()
    assert folder is not None and (folder / "1-6.ja.json").exists()
    figures.section_figures_cached.cache_clear()
    assert figures.section_figures("1-6", "ja") == first  # read back, equal
    (folder / "1-6.ja.json").write_text("{not json", encoding="utf-8")
    figures.section_figures_cached.cache_clear()
    assert figures.section_figures("1-6", "ja") == first  # a damaged entry is drawn again


@pytest.mark.slow  # runs lab worlds (RSA keys in card and SE)
def test_flow_figures_say_what_is_the_labs_assumption() -> None:
    from labkit.figures.sequence import RECORDED, sequence_svg

    for lang, word in (("ja", "ラボの想定"), ("en", "lab's assumptions")):
        svg = sequence_svg(flows.record("apply"), lang, "t")
        assert RECORDED.get(lang).replace(" ", "") in texts(svg).replace(" ", "") and word in RECORDED.get(lang)
