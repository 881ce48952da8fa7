"""Unit tests of labkit.course (parameters, prose, notes, navigation, authoring) and of the
course widgets' models. No kernel, no browser: these run in ``make test-fast``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from notebook_support import html_text, normalise

from labkit import course
from labkit.course import authoring, runtime
from labkit.errors import InputError
from labkit.widgets import PasswordChecker, PasswordCheckerModel, PasswordExamples

BASE = {"lang": "ja", "audience": "student", "now": "2026-04-01T10:00:00+09:00", "seed": 0}


def resolve(query: str = "", env: dict[str, str] | None = None, **params: Any) -> course.Params:
    return course.resolve_params({**BASE, **params}, query_string=query, env=env or {})


# ---------------------------------------------------------------- parameters

def test_parameters_cell_values_are_used_without_a_query() -> None:
    p = resolve(lang="en", audience="lecturer", seed=7)
    assert (p.lang, p.audience, p.seed, p.warnings) == ("en", "lecturer", 7, ())


def test_query_string_overrides_the_parameters_cell() -> None:
    p = resolve("lang=en&audience=lecturer&now=2026-04-01T21:00:00%2B09:00&seed=3")
    assert (p.lang, p.audience, p.now, p.seed) == ("en", "lecturer",
                                                   "2026-04-01T21:00:00+09:00", 3)


def test_unencoded_plus_in_now_is_accepted() -> None:
    assert resolve("now=2026-04-01T21:00:00+09:00").now == "2026-04-01T21:00:00+09:00"


@pytest.mark.parametrize("query", ["lang=fr", "audience=admin", "now=yesterday", "seed=x"])
def test_bad_query_values_are_ignored_with_a_bilingual_warning(query: str) -> None:
    p = resolve(query)
    assert (p.lang, p.audience, p.now, p.seed) == tuple(BASE.values())
    assert len(p.warnings) == 1 and p.warnings[0].ja and p.warnings[0].en


@pytest.mark.parametrize("bad", [{"lang": "fr"}, {"audience": "teacher"}, {"seed": "1"},
                                 {"now": "tomorrow"}])
def test_bad_parameters_cell_values_raise(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        resolve(**bad)


def test_lecturer_default_from_the_environment() -> None:
    env = {"LABKIT_AUDIENCE": "lecturer"}
    assert resolve(env=env).audience == "lecturer"
    assert resolve("audience=student", env=env).audience == "student"


def test_preheated_kernels_wait_for_the_request(monkeypatch: pytest.MonkeyPatch) -> None:
    from labkit.course import voila_request

    calls: list[int] = []
    monkeypatch.setattr(voila_request, "wait_for_request", lambda: calls.append(1))
    monkeypatch.setattr("labkit.preheat.prepare", lambda section: {})
    monkeypatch.delenv("VOILA_PREHEAT", raising=False)
    course.params.wait_for_voila_request()
    assert calls == []
    monkeypatch.setenv("VOILA_PREHEAT", "True")
    course.params.wait_for_voila_request()
    assert calls == [1]


def test_in_voila_is_decided_by_the_request_environment() -> None:
    assert course.in_voila({"SERVER_SOFTWARE": "voila/0.5.13"})
    assert not course.in_voila({})


# ---------------------------------------------------------------- context and links

@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[dict[str, str], str, str]]]:
    shown: list[tuple[dict[str, str], str, str]] = []
    monkeypatch.setattr(runtime, "show",
                        lambda bundle, *, kind, lang: shown.append((bundle, kind, lang)))
    for key in authoring.CLEAN_ENV_DROP:
        monkeypatch.delenv(key, raising=False)
    with course.use():
        yield shown


def test_setup_outside_voila_shows_nothing_and_seeds(captured: list) -> None:
    ctx = course.setup("2-1", lang="en", seed=5)
    assert captured == []
    assert ctx.section.id == "2-1" and ctx.lang == "en" and not ctx.voila
    assert ctx.clock.now().isoformat() == "2026-04-01T10:00:00+09:00"
    import random
    assert ctx.rng.random() == random.Random(5).random()
    assert course.current() is ctx and ctx.t("ja", "en") == "en"


def test_use_restores_the_previous_context_and_setup_leaves_global_random_alone(captured: list) -> None:
    import random

    outer = course.setup("1-1", lang="en")
    state = random.getstate()
    with course.use() as fresh:
        assert course.current() is fresh and fresh.lang == "ja"
        inner = course.setup("2-1", seed=9)
        assert course.current() is inner
    assert course.current() is outer
    assert random.getstate() == state


def test_setup_refuses_an_unknown_parameter(captured: list) -> None:
    with pytest.raises(InputError, match="depht"):
        course.setup("2-1", depht="basic")


def test_kernels_load_neither_the_authoring_tools_nor_nbformat() -> None:
    import subprocess
    import sys

    code = ("import sys; from labkit import course; course.setup('2-1'); "
            "print(sorted(m for m in sys.modules if m.startswith(('nbformat', 'nbclient', "
            "'labkit.course.authoring'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_setup_in_voila_reads_the_query_and_shows_a_header(
        captured: list, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
    monkeypatch.setenv("QUERY_STRING", "lang=en&audience=lecturer")
    ctx = course.setup("2-1")
    assert (ctx.lang, ctx.audience, ctx.voila) == ("en", "lecturer", True)
    (bundle, kind, lang), = captured
    assert kind == "header" and lang == "en"
    header = bundle["text/html"]
    assert 'href="2-1_preparation.ipynb?lang=ja&amp;audience=lecturer"' in header
    assert "00_index.ipynb?lang=en&amp;audience=lecturer" in header and "日本語" in header


def test_links_carry_lang_and_non_default_parameters(captured: list) -> None:
    ctx = course.setup("0", lang="en", audience="lecturer", seed=2)
    assert ctx.href(course.section("2-1")) == "2-1_preparation.ipynb?lang=en&audience=lecturer&seed=2"
    html = course.render_markdown("see [2-1](2-1_preparation.ipynb) and [web](https://x.test)", ctx)
    assert 'href="2-1_preparation.ipynb?lang=en&audience=lecturer&seed=2" target="_self"' in html
    assert 'href="https://x.test"' in html


def test_japanese_line_breaks_are_joined() -> None:
    html = course.render_markdown("説明を読んで、\n  実習します。\n\n- ① 一つ目、\n  続き\n- ② 二つ目",
                                  course.Context.create())
    assert "読んで、実習します" in html and "一つ目、続き" in html and "<li>② 二つ目</li>" in html


def test_say_shows_one_language(captured: list) -> None:
    course.setup("0", lang="ja")
    course.say(ja="# 見出し\n\n本文", en="# Heading\n\nText")
    (bundle, kind, lang), = captured
    assert kind == "prose" and lang == "ja"
    assert "<h1>見出し</h1>" in bundle["text/html"] and "Heading" not in bundle["text/html"]
    assert 'lang="ja"' in bundle["text/html"]
    with pytest.raises(InputError):
        course.say(ja="本文", en="  ")


@pytest.mark.parametrize(("audience", "shown"), [("student", 0), ("lecturer", 1)])
def test_note_only_for_lecturers(captured: list, audience: str, shown: int,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABKIT_LECTURER_TOKEN", "t0ken")  # JupyterLab / papermill: the kernel's environment
    course.setup("0", lang="en", audience=audience)
    course.note(ja="講師向け", en="For lecturers")
    assert len(captured) == shown
    if shown:
        bundle, kind, _ = captured[0]
        assert kind == "note" and "For lecturers" in bundle["text/html"]
        assert "【Lecturer】" in bundle["text/plain"] and "講師向け" not in bundle["text/html"]
    with pytest.raises(InputError):
        course.note(ja="", en="x")


def test_footer_only_in_voila(captured: list, monkeypatch: pytest.MonkeyPatch) -> None:
    course.setup("0")
    course.footer()
    assert captured == []
    monkeypatch.setenv("SERVER_SOFTWARE", "voila/0.5.13")
    course.setup("0")
    captured.clear()
    course.footer()
    (bundle, kind, _), = captured
    assert kind == "footer" and "00_index.ipynb?lang=ja" in bundle["text/html"]


def test_chapter_map_links_only_built_sections(tmp_path: Path, captured: list) -> None:
    for name in ("00_index.ipynb", "00_introduction.ipynb", "2-1_preparation.ipynb"):
        (tmp_path / name).write_text("{}")
    ctx = course.setup("index", lang="en")
    html = course.chapter_map_html(ctx, tmp_path)
    assert html.count("labkit-built") == 2 and html.count("labkit-upcoming") == 13
    assert 'href="2-1_preparation.ipynb?lang=en"' in html
    assert "1-1_definition.ipynb" not in html and "coming soon" in html
    text = normalise(html_text(html))
    for s in course.SECTIONS:
        assert normalise(s.label("en")) in text


def test_sections_follow_the_outline() -> None:
    ids = [s.id for s in course.SECTIONS]
    assert ids == ["0", *(f"1-{i}" for i in range(1, 7)), *(f"2-{i}" for i in range(1, 9))]
    assert course.section("2-1").notebook == "2-1_preparation.ipynb"
    assert course.section("0").notebook == "00_introduction.ipynb"
    assert course.INDEX.notebook == "00_index.ipynb"
    with pytest.raises(InputError):
        course.section("3-1")


# ---------------------------------------------------------------- authoring

def test_skeleton_follows_the_conventions() -> None:
    nb = authoring.skeleton("1-1")
    nbformat.validate(nb)
    tags = [c.metadata.get("tags", []) for c in nb.cells]
    assert tags[0] == ["parameters"] and tags[1] == ["setup"] and tags[-1] == ["footer"]
    assert ["prose"] in tags and ["lecturer-note"] in tags
    assert nb.metadata.kernelspec.name == "python3"
    assert nb.metadata.labkit.section == "1-1"
    assert all("slideshow" in c.metadata for c in nb.cells)


def test_prose_cell_source_round_trips() -> None:
    tricky = 'a "quoted" word and a backslash \\ and """'
    cell = authoring.prose_cell(ja="本文", en=tricky)
    ns: dict[str, Any] = {}

    class Fake:
        @staticmethod
        def say(ja: str, en: str) -> None:
            ns.update(ja=ja, en=en)

    exec(cell.source, {"course": Fake})
    assert (ns["ja"].strip(), ns["en"]) == ("本文", tricky)
    assert cell.metadata.jupyter.source_hidden is True


def test_lab_cells_with_widgets_are_not_compared() -> None:
    assert "nbval-ignore-output" in authoring.lab_cell("Widget()").metadata.tags
    assert "nbval-ignore-output" not in authoring.lab_cell("table()", widget=False).metadata.tags


def test_normalise_makes_widget_ids_stable() -> None:
    nb = authoring.new_notebook("0", [])
    cell = nb.cells[1]
    cell.outputs = [nbformat.from_dict({"output_type": "display_data", "metadata": {},
                                        "data": {"application/vnd.jupyter.widget-view+json":
                                                 {"model_id": "f" * 32}}})]
    cell.metadata["execution"] = {"iopub.status.busy": "2026"}
    nb.metadata["widgets"] = {"state": {}}
    authoring.normalise(nb)
    view = cell.outputs[0].data["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == "0" * 31 + "1"
    assert "widgets" not in nb.metadata and "execution" not in cell.metadata


# ---------------------------------------------------------------- widgets

def test_password_model_verdicts() -> None:
    m = PasswordCheckerModel(lang="en")
    assert "Type a candidate" in m.verdict_html()
    m.check("abc123")
    assert 'data-ok="false"' in m.verdict_html() and "Lower-case" in m.verdict_html()
    m.check("ABC123")
    assert 'data-ok="true"' in m.verdict_html()
    assert m.history == [("abc123", False), ("ABC123", True)]
    assert "A-Z" in m.rule_html() and "real password" in m.rule_html()
    with pytest.raises(ValueError):
        PasswordCheckerModel(kind="other")
    with pytest.raises(ValueError):
        PasswordCheckerModel(lang="fr")


def test_password_checker_view_follows_typing() -> None:
    checker = PasswordChecker(lang="ja")
    assert "labkit-pwcheck" in checker.widget._dom_classes
    assert checker.type("ABC 12").codes == ("invalid_char",)
    assert "使えない文字" in checker.result.value
    checker.input.value = "ABC123"  # what the browser does
    assert checker.model.result.ok and "使えます" in checker.result.value
    checker.button.click()
    assert checker.model.history[-1] == ("ABC123", True)


def test_password_checker_escapes_what_is_typed() -> None:
    checker = PasswordChecker(lang="en")
    checker.type("<b>x</b>")
    assert "<b>x</b>" not in checker.result.value and "&lt;b&gt;" in checker.result.value


def test_auth_pin_checker() -> None:
    checker = PasswordChecker(kind="auth_pin", lang="en")
    assert not checker.type("12345").ok and checker.type("1234").ok
    assert "labkit-pwcheck-auth_pin" in checker.widget._dom_classes


def test_password_examples_are_deterministic() -> None:
    table = PasswordExamples(["ABC123", "abc"], lang="en")
    bundle = table._repr_mimebundle_()
    assert bundle == PasswordExamples(["ABC123", "abc"], lang="en")._repr_mimebundle_()
    assert "✓ Allowed" in bundle["text/plain"] and "at least 6" in bundle["text/plain"]
    assert bundle["text/html"].count("<tr") == 3
