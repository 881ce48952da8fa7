"""The lessons as data (labkit.lessons): every section has goals, まとめ and a check with
explained answers; the lecture's warnings are 注意 boxes; the glossary defines the lecture's
terms and each section links the first use of a term to it; the views show the page number and
fold the technical blocks for students. Static (no kernel): runs in ``make test-fast``."""

from __future__ import annotations

import ast
import html
import json
import re
from pathlib import Path

import pytest

from labkit import course, lessons
from labkit.i18n import Text
from labkit.lessons import GLOSSARY, lesson
from labkit.lessons.glossary import BEYOND
from labkit.lessons.links import GLOSSARY_NOTEBOOK, first_use, link_first_uses, unlinked_first_uses
from labkit.lessons.render import depth_of, goals_html, more_html, page_number, wrap_up_html
from labkit.widgets.quiz_data import QUESTIONS
from labkit.widgets.tasks import TaskListModel

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SECTIONS = [s for s in course.SECTIONS if s.id != "0"]


def _texts(*texts: Text) -> list[str]:
    return [t.ja for t in texts] + [t.en for t in texts]


@pytest.mark.parametrize("section", SECTIONS, ids=[s.id for s in SECTIONS])
def test_every_section_is_a_complete_lesson(section: course.Section) -> None:
    les = lesson(section.id)
    assert 2 <= len(les.goals) <= 3 and 2 <= len(les.summary) <= 3
    assert 1 <= len(les.checks) <= 3
    for text in (*les.goals, *les.summary, *les.cautions, *les.tasks):
        assert text.ja.strip() and text.en.strip()
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text.ja), text.ja
    for item in les.checks:
        assert item.section == section.id, item.id
        assert item.explanation.ja.strip() and item.explanation.en.strip()
        assert 0 <= item.answer < len(item.choices)
    # every lab has a step checklist: its own (2-2, 2-3) or the lesson's
    assert les.tasks or section.id in ("2-2", "2-3")


def test_the_introduction_has_goals_and_the_as_of_statuses_but_no_check() -> None:
    intro = lesson("0")
    assert intro.goals and not intro.checks
    as_of = " ".join(_texts(*intro.summary))
    for fact in ("Android", "2023年12月より順次", "今後対応予定", "December 2023", "planned"):
        assert fact in as_of


def test_unknown_section_is_a_bilingual_error() -> None:
    with pytest.raises(Exception) as err:
        lesson("3-1")
    assert "3-1" in str(err.value) and "レッスン" in str(err.value)


def test_chapter_1_reuses_the_five_chapter_1_questions() -> None:
    used = {q.id for s in SECTIONS if s.chapter == 1 for q in lesson(s.id).checks}
    assert {"convenience-store", "not-stored", "access", "hotline-suspend", "hotline-number"} <= used


def test_the_lecturer_warnings_are_cautions_for_students() -> None:
    """2-3 wait for the push; 2-5 no separate revocation; 2-7 a factory reset does not delete."""
    assert {s.id for s in SECTIONS if lesson(s.id).cautions} == {"2-3", "2-5", "2-7"}
    c23 = " ".join(_texts(*lesson("2-3").cautions))
    assert "プッシュ通知が届くのを待つ必要があります" in c23 and "翌8:00以降" in c23 and "or later" in c23
    c25 = " ".join(_texts(*lesson("2-5").cautions))
    assert "機種変更と同時" in c25 and "利用をやめる手続き" in c25 and "必要はありません" in c25
    c27 = " ".join(_texts(*lesson("2-7").cautions))
    assert "端末初期化では、電子証明書は削除されません" in c27 and "does not delete" in c27
    assert "失効する際の操作は不要" in c27


def test_quiz_explanations_keep_the_lectures_conditions() -> None:
    """The review's fixes: no "機種変更以外で", no guidance number for suspension, 以降 kept."""
    by_id = {q.id: q for q in QUESTIONS}
    reset = by_id["factory-reset"].explanation
    assert "機種変更以外で" not in reset.ja and "Android から iPhone" in reset.ja
    assert "機種変更」として申請する場合は、この手続きは不要" in reset.ja and "iPhone" in reset.en
    assert "4番" not in by_id["hotline-suspend"].explanation.ja
    assert "guidance 4" not in by_id["hotline-suspend"].explanation.en
    assert "翌 8:00 以降" in by_id["faq-q2"].explanation.ja
    assert "or later" in by_id["faq-q2"].explanation.en
    for q in QUESTIONS:
        for text in _texts(q.prompt, q.explanation, *q.choices):
            assert "翌朝 8:00 頃" not in text and "翌朝 8:00 ごろ" not in text


# --------------------------------------------------------------------------- glossary

def test_glossary_defines_the_lectures_terms() -> None:
    keys = [t.key for t in GLOSSARY]
    assert len(keys) == len(set(keys))
    assert {"jlis", "signing", "user-auth", "hold", "revocation", "gpse", "omapi", "ara-m", "apdu",
            "push"} <= set(keys)
    hold = next(t for t in GLOSSARY if t.key == "hold")
    assert "一時保留" in hold.definition.ja and "一時利用停止" in hold.definition.ja
    assert "同じ" in hold.definition.ja and "same" in hold.definition.en
    for term in GLOSSARY:
        assert term.term.ja and term.term.en and term.definition.ja and term.definition.en
        assert re.fullmatch(r"[a-z0-9-]+", term.key)
    # terms the lecture never uses say that they go beyond it
    for key in ("jlis", "apdu", "omapi", "ara-m", "crl-ocsp"):
        term = next(t for t in GLOSSARY if t.key == key)
        assert BEYOND[0] in term.definition.ja and BEYOND[1] in term.definition.en


def _prose(path: Path) -> list[dict[str, str]]:
    """The ja/en texts of the prose and もっと詳しく cells of a notebook, in order."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = []
    for cell in cells:
        source = "".join(cell["source"])
        if not source.startswith(("course.say(", "lessons.more(")):
            continue
        call = ast.parse(source).body[0].value  # type: ignore[attr-defined]
        found.append({kw.arg: kw.value.value for kw in call.keywords})
    return found


@pytest.mark.parametrize("section", course.SECTIONS, ids=[s.id for s in course.SECTIONS])
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_first_use_of_each_term_links_to_the_glossary(section: course.Section, lang: str) -> None:
    texts = [t[lang] for t in _prose(NOTEBOOKS / section.notebook)]
    assert unlinked_first_uses(texts, lang) == []
    linked = {t.key for t in GLOSSARY if (u := first_use(t, texts, lang)) is not None and u.linked}
    listed = {t.key for t in GLOSSARY if section.id in t.sections}
    assert linked <= listed, "update Term.sections in labkit/lessons/glossary.py"


def test_linking_skips_headings_links_code_and_screen_labels() -> None:
    texts = ["# 失効\n「失効」を押します。`失効` [失効](x.ipynb) ここで失効させます。失効"]
    out, used = link_first_uses(texts, "ja")
    assert used == ["revocation"]
    assert out[0].count(f"({GLOSSARY_NOTEBOOK}#revocation)") == 1
    assert out[0].endswith(f"ここで[失効]({GLOSSARY_NOTEBOOK}#revocation)させます。失効")
    assert unlinked_first_uses(out, "ja") == []
    en, _ = link_first_uses(["You must revoke it. Revocation ..."], "en")
    assert en[0].startswith(f"You must [revoke]({GLOSSARY_NOTEBOOK}#revocation) it.")


# --------------------------------------------------------------------------- views

def test_page_numbers_count_the_fifteen_pages() -> None:
    assert page_number("0") == (1, 15)
    assert page_number("1-1") == (2, 15)
    assert page_number("2-8") == (15, 15)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_goals_and_summary_views(lang: str) -> None:
    ctx = course.setup("2-3", lang=lang)
    goals = goals_html(ctx)
    assert 'data-labkit-page="2-3"' in goals and "10 / 15" in goals and 'data-labkit-checks="2"' in goals
    assert ("この節のゴール" if lang == "ja" else "Goals of this section") in goals
    assert f'href="{GLOSSARY_NOTEBOOK}?lang={lang}"' in goals
    for goal in lesson("2-3").goals:
        assert goal.get(lang) in goals
    summary = wrap_up_html(ctx)
    assert ("まとめ" if lang == "ja" else "Summary") in summary
    assert all(html.escape(s.get(lang)) in summary for s in lesson("2-3").summary)


def test_technical_blocks_are_closed_for_students_and_open_for_engineers() -> None:
    closed = more_html("<p>APDU</p>", "ja", "basic")
    opened = more_html("<p>APDU</p>", "en", "engineer")
    assert closed.startswith('<details class="labkit-more"') and " open " not in closed
    assert "<summary" in closed and "もっと詳しく (技術者向け)" in closed
    assert '" open style=' in opened and "More detail (for engineers)" in opened


def test_depth_parameter_from_papermill_and_the_url() -> None:
    """``depth`` works like ``lang``: the parameters cell (papermill), then the URL; links keep it."""
    base = {"lang": "ja", "audience": "student", "now": "2026-04-01T10:00:00+09:00", "seed": 0}
    assert course.resolve_params(base, env={}).depth == "basic"
    assert course.resolve_params({**base, "depth": "engineer"}, env={}).depth == "engineer"
    assert course.resolve_params(base, query_string="depth=engineer", env={}).depth == "engineer"
    typo = course.resolve_params(base, query_string="depth=expert", env={})
    assert typo.depth == "basic" and "depth" in typo.warnings[0].ja and "engineer" in typo.warnings[0].en
    with pytest.raises(ValueError, match="depth"):
        course.resolve_params({**base, "depth": "expert"}, env={})
    ctx = course.setup("1-5", depth="engineer")
    assert depth_of(ctx) == "engineer"
    assert ctx.href(course.section("1-6")) == "1-6_contacts.ipynb?lang=ja&depth=engineer"
    assert depth_of(course.setup("1-5")) == "basic"


def test_glossary_links_keep_the_parameters_before_the_anchor() -> None:
    ctx = course.setup("2-6", lang="en", depth="engineer")
    out = course.render_markdown(f"[hold]({GLOSSARY_NOTEBOOK}#hold)", ctx)
    assert f'href="{GLOSSARY_NOTEBOOK}?lang=en&amp;depth=engineer#hold"' in out or \
        f'href="{GLOSSARY_NOTEBOOK}?lang=en&depth=engineer#hold"' in out
    assert course.section("glossary").notebook == GLOSSARY_NOTEBOOK


def test_check_is_the_sections_quiz_with_its_progress_class() -> None:
    ctx = course.setup("1-6", lang="en")
    quiz = lessons.check(ctx)
    assert [q.id for q in sorted(quiz.model.questions, key=lambda q: q.id)] == ["hotline-number",
                                                                              "hotline-suspend"]
    assert {"labkit-check", "labkit-check-1-6"} <= set(quiz.widget._dom_classes)
    quiz.answer(quiz.model.correct_position())
    quiz.next()
    quiz.answer(quiz.model.correct_position())
    score = quiz.model.score_html()
    assert 'data-score="2"' in score and 'data-total="2"' in score and 'data-finished="true"' in score


def test_task_list_counts_ticks() -> None:
    model = TaskListModel(Text("実習", "Lab"), lesson("2-7").tasks, lang="ja")
    assert model.count == 0 and not model.complete
    model.set(1, True)
    model.set(1, True)
    assert model.count == 1 and "(1/4)" in model.heading_html()
    model.update(range(4))
    assert model.complete and model.text().count("[x]") == 4
    model.set(0, False)
    assert model.count == 3
    with pytest.raises(IndexError):
        model.set(9, True)
    with pytest.raises(ValueError):
        TaskListModel(Text("a", "a"), [], lang="ja")


def test_task_list_view_follows_the_checkboxes() -> None:
    view = lessons.tasks(course.setup("1-1", lang="en"))
    view.boxes[0].value = True
    assert view.model.done == {0} and "(1/2)" in view.heading.value
    assert view.boxes[1].description == lesson("1-1").tasks[1].en


# --------------------------------------------------------------------------- notebooks

FIXED_DIRECTIONS = ("右の表", "右の **SE", "右の **マイナンバー", "右の手順", "table on the right",
                    "inspector** on the right", "On the right, **My Number", "on the right gets")


@pytest.mark.parametrize("section", course.SECTIONS, ids=[s.id for s in course.SECTIONS])
def test_notebook_is_a_lesson_with_thin_calls(section: course.Section) -> None:
    cells = json.loads((NOTEBOOKS / section.notebook).read_text(encoding="utf-8"))["cells"]
    sources = ["".join(c["source"]) for c in cells]
    calls = [s for s in sources if s.startswith("lessons.")]
    les = lesson(section.id)
    expected = ["lessons.goals(ctx)", "lessons.wrap_up(ctx)"]
    expected += ["lessons.check(ctx)"] if les.checks else []
    expected += ["lessons.tasks(ctx)"] if les.tasks else []
    expected += ["lessons.cautions(ctx)"] if les.cautions else []
    assert sorted(c for c in calls if not c.startswith("lessons.more(")) == sorted(expected)
    # order: title, goals first; まとめ and the check last before the footer
    assert sources.index("lessons.goals(ctx)") == 3
    tail = ["lessons.wrap_up(ctx)", *(["lessons.check(ctx)"] if les.checks else []), "course.footer()"]
    assert sources[-len(tail):] == tail
    prose = " ".join(t for c in _prose(NOTEBOOKS / section.notebook) for t in c.values())
    for wrong in FIXED_DIRECTIONS:
        assert wrong not in prose, wrong
