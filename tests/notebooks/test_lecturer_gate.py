"""Reliability review F12: lecturer notes and views need the lecturer token; the URL flag
``audience=lecturer`` alone shows a student nothing more. No kernel, no browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from labkit import course
from labkit.course import authoring, classroom, runtime

VOILA = "voila/0.5.13"


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[dict[str, str], str]]]:
    out: list[tuple[dict[str, str], str]] = []
    monkeypatch.setattr(runtime, "show", lambda bundle, *, kind, lang: out.append((bundle, kind)))
    for key in (*authoring.CLEAN_ENV_DROP, "LABKIT_JLIS"):
        monkeypatch.delenv(key, raising=False)
    with course.use():
        yield out


def notes(out: list[tuple[dict[str, str], str]]) -> list[str]:
    course.note(ja="講師向けの補足", en="For lecturers only")
    return [bundle["text/html"] for bundle, kind in out if kind == "note"]


def header(out: list[tuple[dict[str, str], str]]) -> str:
    return next(bundle["text/html"] for bundle, kind in out if kind == "header")


def in_voila(monkeypatch: pytest.MonkeyPatch, query: str) -> None:
    monkeypatch.setenv("SERVER_SOFTWARE", VOILA)
    monkeypatch.setenv("QUERY_STRING", query)


def test_audience_lecturer_without_a_token_shows_no_note(shown: list, monkeypatch: pytest.MonkeyPatch) -> None:
    in_voila(monkeypatch, "audience=lecturer")
    ctx = course.setup("2-3")
    assert not ctx.lecturer and notes(shown) == []
    top = header(shown)
    assert "labkit-lecturer-mode" not in top and "講師トークン" in top  # says why, shows nothing more


def test_a_wrong_token_shows_no_note_even_if_the_server_knows_one(
        shown: list, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABKIT_LECTURER_TOKEN", "right-token")  # `make hub` exports it to every kernel
    in_voila(monkeypatch, "audience=lecturer&lecturer=wrong-token")
    assert not course.setup("2-3").lecturer
    assert notes(shown) == []
    shown.clear()
    in_voila(monkeypatch, "audience=lecturer")  # the server's environment is not the visitor's token
    assert not course.setup("2-3").lecturer and notes(shown) == []


def test_the_right_token_in_the_url_shows_the_notes_and_stays_in_the_links(
        shown: list, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LABKIT_LECTURER_TOKEN", "right-token")
    in_voila(monkeypatch, "lang=en&audience=lecturer&lecturer=right-token")
    ctx = course.setup("2-3")
    assert ctx.lecturer
    assert "labkit-lecturer-mode" in header(shown)
    assert ctx.href(course.section("2-4")) == "2-4_register.ipynb?lang=en&audience=lecturer&lecturer=right-token"
    (note,) = notes(shown)
    assert "For lecturers only" in note


def test_outside_voila_the_environment_is_the_token(shown: list, monkeypatch: pytest.MonkeyPatch) -> None:
    assert not course.setup("2-3", audience="lecturer").lecturer  # papermill without the token
    assert notes(shown) == []
    monkeypatch.setenv("LABKIT_LECTURER_TOKEN", "lab-token")  # `make lab`, the papermill test runs
    ctx = course.setup("2-3", audience="lecturer")
    assert ctx.lecturer and len(notes(shown)) == 1
    assert "lecturer=" not in ctx.href(course.section("2-4"))  # JupyterLab links carry no token
    assert not course.setup("2-3", audience="student").lecturer


def test_class_mode_token_is_checked_by_the_class_server_and_unreachable_means_no(
        monkeypatch: pytest.MonkeyPatch) -> None:
    p = course.resolve_params({}, query_string="class=abc123&lecturer=tok", env={}, voila=True)
    assert (p.class_code, p.lecturer_token) == ("abc123", "tok")
    closed = "http://127.0.0.1:9"  # nothing listens on the discard port
    assert not classroom.verify_lecturer(p, voila=True, env={"LABKIT_JLIS": closed,
                                                              "LABKIT_LECTURER_TOKEN": "other"})
    assert not classroom.verify_lecturer(p, voila=True, env={"LABKIT_JLIS": closed}, ask_server=True)
    # the server's own token (`make class` gives it to both) is checked without a request
    assert classroom.verify_lecturer(p, voila=True, env={"LABKIT_JLIS": closed, "LABKIT_LECTURER_TOKEN": "tok"})


def test_class_and_token_values_are_checked() -> None:
    p = course.resolve_params({}, query_string="class=a%22b&lecturer=x%3Cy", env={}, voila=True)
    assert (p.class_code, p.lecturer_token) == ("", "")
    assert len(p.warnings) == 2
    env = {"LABKIT_CLASS_CODE": "c0de", "LABKIT_LECTURER_TOKEN": "tok"}
    assert course.resolve_params({}, env=env, voila=True).lecturer_token == ""
    assert course.resolve_params({}, env=env, voila=False).lecturer_token == "tok"
    assert course.resolve_params({}, env=env, voila=True).class_code == "c0de"


def test_cookie_token_reads_only_its_class() -> None:
    header_value = "_xsrf=abc; labkit-class-other=zzz; labkit-class-c0de=t%2Dk; x=1"
    assert classroom.cookie_token("c0de", header_value) == "t-k"
    assert classroom.cookie_token("nope", header_value) is None
    assert classroom.cookie_token("c0de", "") is None


def test_nothing_is_reported_outside_class_mode(shown: list) -> None:
    course.setup("2-3")
    assert course.report_progress("applied") is False
    assert course.report_check(2, 3) is False
