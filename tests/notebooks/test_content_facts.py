"""Every fact the course outline lists for a section appears in what a student sees of that
section's notebook, in Japanese and in English (facts.toml). Lecturer-only facts appear for
lecturers and never for students. Sections without a notebook yet are skipped as pending."""

from __future__ import annotations

import tomllib
from typing import Any

import pytest
from notebook_support import FACTS, LANGS, NOTEBOOK_DIR, executed, normalise, visible_text

from labkit import course

FACT_LIST: dict[str, Any] = tomllib.loads(FACTS.read_text(encoding="utf-8"))["sections"]
ALL = (course.INDEX, *course.SECTIONS)


def test_fact_list_covers_the_outline() -> None:
    """facts.toml and labkit.course.SECTIONS name the same sections; every fact is bilingual."""
    assert set(FACT_LIST) == {s.id for s in ALL}
    for sid, entry in FACT_LIST.items():
        assert entry["facts"], sid
        for fact in entry["facts"]:
            assert fact["ja"] and fact["en"], (sid, fact["fact"])


def _missing(fact: dict[str, Any], lang: str, text: str) -> list[str]:
    """The required strings of ``fact`` not found in ``text`` (alternatives: "a | b")."""
    return [needle for needle in fact[lang]
            if not any(normalise(alt) in text for alt in needle.split(" | "))]


@pytest.mark.notebooks
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("section", ALL, ids=[s.id for s in ALL])
def test_facts_are_taught(section: course.Section, lang: str) -> None:
    path = NOTEBOOK_DIR / section.notebook
    if not path.exists():
        pytest.skip(f"pending: {section.id} {section.title.ja} ({section.title.en}) — "
                    f"notebooks/{section.notebook} not built yet")
    student = normalise(visible_text(executed(path, lang, "student")))
    facts = FACT_LIST[section.id]["facts"]
    problems = []
    for fact in facts:
        missing = _missing(fact, lang, student)
        if fact.get("lecturer"):
            lecturer = normalise(visible_text(executed(path, lang, "lecturer")))
            if _missing(fact, lang, lecturer):
                problems.append(f"[lecturer] {fact['fact']}: {_missing(fact, lang, lecturer)}")
            if not missing:  # single words may occur in prose; the whole note must not
                problems.append(f"[shown to students] {fact['fact']}")
        elif missing:
            problems.append(f"{fact['fact']}: missing {missing}")
    assert not problems, f"{section.notebook} ({lang}):\n" + "\n".join(problems)
