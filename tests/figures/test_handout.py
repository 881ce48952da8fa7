"""Handouts (make handouts) and slide PDFs (make slides): what the printed pages say, in both
languages, rendered by chromium and read back with poppler (pdftotext, pdffonts, pdftoppm)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from labkit import course, handout
from labkit.widgets.quiz_data import QUESTIONS

ROOT = Path(__file__).resolve().parents[2]
POPPLER = all(shutil.which(t) for t in ("pdftotext", "pdffonts", "pdftoppm", "pdfinfo"))
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed (make system-packages)")


def test_prose_is_the_notebooks_lecture_without_the_lab_instructions() -> None:
    blocks = handout.prose(course.section("2-3"))
    ja = "\n".join(b.ja for b in blocks)
    en = "\n".join(b.en for b in blocks)
    assert "⑦〜⑨ マイナンバーカードを読み取る" in ja and "Read the My Number Card" in en
    assert "8:00〜19:30" in ja
    assert "実習" not in ja and "## Lab" not in en  # "実習: 夜21:00に申請する" needs the widgets
    # 1-2's lab subsections (### under "## 実習") go too; its lecture headings stay
    one_two = "\n".join(b.ja for b in handout.prose(course.section("1-2")))
    assert "③コンビニ" in one_two.replace(" ", "") and "銀行口座を開設する" not in one_two


def test_checks_come_with_their_answers_in_a_fixed_order() -> None:
    item = next(q for q in QUESTIONS if q.id == "faq-q1")
    choices, right = handout._choices(item)
    assert choices[right] == item.choices[item.answer]
    assert handout._choices(item) == (choices, right)  # the same on every build
    assert sorted(c.ja for c in choices) == sorted(c.ja for c in item.choices)


def pdf_text(path: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-layout"] + (["-f", str(first), "-l", str(last)] if first else []) + [str(path), "-"]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def fonts(path: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout
    return [line.split() for line in out.splitlines()[2:] if line.strip()]


def dark_pixels(path: Path, page: int, tmp: Path) -> int:
    """Render one page to a greyscale image (pdftoppm) and count the dark pixels."""
    stem = tmp / f"page{page}"
    subprocess.run(["pdftoppm", "-r", "40", "-gray", "-singlefile", "-f", str(page), "-l", str(page), str(path),
                    str(stem)], check=True)
    data = (stem.with_suffix(".pgm")).read_bytes()
    header_end = 0
    for _ in range(3):  # "P5", "width height", "maxval": three newline-ended fields
        header_end = data.index(b"\n", header_end) + 1
    return sum(1 for b in data[header_end:] if b < 128)


@pytest.mark.slow
@pytest.mark.browser
@needs_poppler
def test_handouts_print_both_languages_with_embedded_fonts(tmp_path: Path) -> None:
    for lang, title, section, figure_text in (
            ("ja", "スマホ用電子証明書 講座", "2-3 申請", "プッシュ通知"),
            ("en", "Smartphone e-certificate course", "2-3 Applying", "push notification")):
        # In a worker thread: Playwright's sync API refuses the event loop that the browser
        # tests' session keeps running in this one.
        with ThreadPoolExecutor(max_workers=1) as pool:
            pdf = pool.submit(handout.write_pdf, lang, tmp_path).result()
        assert pdf == tmp_path / lang / "course.pdf"
        info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
        assert "(A4)" in info
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        assert pages >= 16  # a title page, then a page (or more) per section, then checks
        text = pdf_text(pdf)
        assert title in text and section in text and figure_text in text
        for s in course.built_sections(ROOT / "notebooks"):
            assert s.label(lang) in text, s.id
        assert "J-LIS" in text and "19:30" in text  # figures are text, not pictures of text
        checks = "確認問題の解答と解説" if lang == "ja" else "Answers and explanations"
        assert checks in text and text.index(checks) > text.index(section)
        found = fonts(pdf)
        assert found and all(row[-5] == "yes" for row in found), found  # the "emb" column
        assert dark_pixels(pdf, 1, tmp_path) > 200
        assert dark_pixels(pdf, pages // 2, tmp_path) > 200


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.notebooks
@needs_poppler
def test_slides_pdf_per_language_shows_the_figures() -> None:
    subprocess.run([sys.executable, str(ROOT / "slides" / "build.py"), "--only", "2-3"], check=True, cwd=ROOT,
                   timeout=1500)
    for lang, words in (("ja", ("申請", "鍵ペアの生成", "通知の時間帯")),
                        ("en", ("Applying", "generate key pair", "push window"))):
        pdf = ROOT / "build" / "slides" / lang / "slides.pdf"
        assert pdf.exists()
        text = pdf_text(pdf)
        for word in words:
            assert word in text, (lang, word)
        assert all(row[-5] == "yes" for row in fonts(pdf))
