"""Every notebook × lang (ja/en) × audience (student/lecturer) through papermill: the run's
text is in the requested language, and lecturer notes appear for lecturers only."""

from __future__ import annotations

from pathlib import Path

import pytest
from notebook_support import (
    AUDIENCES,
    LANGS,
    bilingual_calls,
    cjk_ratio,
    executed,
    html_text,
    labkit_outputs,
    normalise,
    notebooks,
    read,
    section_of,
    visible_text,
)

from labkit import course

pytestmark = pytest.mark.notebooks

NOTEBOOKS = notebooks()


@pytest.mark.parametrize("audience", AUDIENCES)
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_language_and_audience(path: Path, lang: str, audience: str) -> None:
    nb = executed(path, lang, audience)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and f'lang = "{lang}"' in injected[0].source

    outputs = labkit_outputs(nb)
    assert outputs, "no labkit output at all"
    assert {o.metadata["labkit"]["lang"] for o in outputs} == {lang}

    prose = "\n".join(html_text(o.data["text/html"]) for o in labkit_outputs(nb, "prose"))
    if lang == "ja":
        assert cjk_ratio(prose) > 0.5, prose[:300]
    else:
        assert cjk_ratio(prose) < 0.1, prose[:300]
    title = section_of(path).label(lang)
    assert normalise(title) in normalise(visible_text(nb))

    source = read(path)
    notes = [texts for c in source.cells for name, texts in bilingual_calls(c.source)
             if name == "note"]
    shown = labkit_outputs(nb, "note")
    text = normalise(visible_text(nb))
    if audience == "lecturer":
        assert len(shown) == len(notes)
        for note in notes:
            assert normalise(html_text(course.render_markdown(note[lang], course.current()))) in text
        if notes:
            assert normalise(course.NOTE_LABEL.get(lang)) in text
    else:
        assert shown == []
        for note in notes:
            for version in note.values():
                assert normalise(html_text(course.render_markdown(version, course.current()))) not in text
        assert "【講師】" not in text and "lecturer】" not in text
