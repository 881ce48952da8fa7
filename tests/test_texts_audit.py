"""``make texts`` / ``labkit texts``: every ja/en pair of a package and its notebooks, with
where it is used, in texts.md and texts.csv (labkit.texts_audit)."""

from __future__ import annotations

import csv
from pathlib import Path

import nbformat

from labkit.cli import main as cli_main
from labkit.texts_audit import collect, write_csv, write_markdown

MODULE = '''
from labkit.i18n import Text

GREETING = Text("こんにちは", "Hello")
NAMED = Text(ja="窓口", en="counter")


def tries(n, lang):
    ja = lang == "ja"
    note = "ラボの想定" if ja else "lab assumption"
    return Text(f"残り {n} 回", f"{n} tries left"), note


OPTIONS = [("4番", "4"), ("はい", "はい"), ("x", "y")]
HOLIDAYS = {"元日": "New Year's Day"}
PLAIN = Text(GREETING.ja, "not a literal")
C = Text
CAPTION = C("図の説明", "a caption")
STEP = ("「登録する」を押す", "press 「登録する」 (Register)")
'''

NOTEBOOK_CELLS = [
    'lang: str = "ja"',
    "%matplotlib inline\nfrom labkit import course\nctx = course.setup('1-1', lang=lang)",
    'course.say(\n    ja="""\n# 見出し\n| 表 | セル |\n""",\n    en="""\n# Heading\n| table | cell |\n""",\n)',
    'course.note(ja="講師の皆さまへ", en="To lecturers")\nctx.t("はい", "yes")',
]


def _project(tmp_path: Path) -> Path:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "mod.py").write_text(MODULE, encoding="utf-8")
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in NOTEBOOK_CELLS])
    nbformat.write(nb, notebooks / "1-1_x.ipynb")
    return package


def test_collect_finds_each_kind_of_pair_with_its_place(tmp_path: Path) -> None:
    entries = collect(tmp_path, package=_project(tmp_path))
    got = {(e.ja, e.en, e.where, e.kind) for e in entries}
    assert ("こんにちは", "Hello", "pkg/mod.py:4", "Text") in got
    assert ("窓口", "counter", "pkg/mod.py:5", "Text") in got
    assert ("残り {n} 回", "{n} tries left", "pkg/mod.py:11", "Text") in got  # f-strings keep placeholders
    assert ("ラボの想定", "lab assumption", "pkg/mod.py:10", "if-ja") in got
    assert ("4番", "4", "pkg/mod.py:14", "pair") in got
    assert ("元日", "New Year's Day", "pkg/mod.py:15", "pair") in got
    assert ("図の説明", "a caption", "pkg/mod.py:18", "C") in got  # an alias of Text
    # an English text quoting a Japanese label is still English: exactly what the checks must see
    assert ("「登録する」を押す", "press 「登録する」 (Register)", "pkg/mod.py:19", "pair") in got
    # Japanese on both sides, or no Japanese at all, or not literal: not a ja/en pair
    assert not any(e.ja in ("はい", "x", "{GREETING.ja}") and e.where.startswith("pkg/") for e in entries)
    # notebooks: course.say / course.note / ctx.t, a magic line does not hide the cell
    say = next(e for e in entries if e.kind == "say")
    assert say.where == "notebooks/1-1_x.ipynb:cell 2:1"
    assert "# 見出し" in say.ja and "# Heading" in say.en
    assert {("講師の皆さまへ", "To lecturers", "note"), ("はい", "yes", "t")} <= {(e.ja, e.en, e.kind) for e in entries}
    assert len(entries) == 11


def test_markdown_and_csv_hold_every_pair(tmp_path: Path) -> None:
    entries = collect(tmp_path, package=_project(tmp_path))
    write_markdown(entries, tmp_path / "texts.md")
    write_csv(entries, tmp_path / "texts.csv")
    md = (tmp_path / "texts.md").read_text(encoding="utf-8")
    assert "## pkg/mod.py" in md and "## notebooks/1-1_x.ipynb" in md
    assert "| 4 | こんにちは | Hello |" in md
    assert "\\| 表 \\| セル \\|" in md and "<br>" in md  # table pipes and newlines stay inside one cell
    with (tmp_path / "texts.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["ja"], r["en"], r["where"], r["kind"]) for r in rows] == \
        [(e.ja, e.en, e.where, e.kind) for e in entries]


def test_cli_writes_the_listing_of_labkit_and_the_notebooks(tmp_path: Path, capsys) -> None:
    assert cli_main(["texts", "--out", str(tmp_path)]) == 0
    assert "ja/en pairs" in capsys.readouterr().out
    with (tmp_path / "texts.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    where = {r["where"].split(":", 1)[0] for r in rows}
    assert {"labkit/rules.py", "labkit/jlis/service.py", "labkit/phone/mynaportal/texts.py",
            "labkit/labs/ch2/s2_6.py"} <= where
    assert any(w.startswith("notebooks/") and w.endswith(".ipynb") for w in where)
    assert any(r["ja"] == "署名用パスワード" and r["en"] == "digital signature password" for r in rows)
    assert (tmp_path / "texts.md").read_text(encoding="utf-8").startswith("# labkit: every learner-visible text")
