"""Conventions of labkit.widgets: explicit exports, models without ipywidgets, no display()
in logic, no icon fonts, CSS hooks, modest module sizes, the course language default."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import labkit.widgets as widgets
from labkit import course
from labkit.widgets import QuizModel, ValidityModel

PACKAGE = Path(widgets.__file__).parent


def test_exports() -> None:
    assert {"PasswordChecker", "PasswordCheckerModel", "PasswordExamples"} <= set(widgets.__all__)
    for name in widgets.__all__:
        assert getattr(widgets, name) is not None


def test_models_import_without_ipywidgets() -> None:
    code = "import sys, labkit.widgets; sys.exit('ipywidgets' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_sources_follow_the_conventions() -> None:
    for path in PACKAGE.glob("*.py"):
        source = path.read_text(encoding="utf-8")
        tree = ast.parse(source)
        calls = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        assert "display" not in calls, f"{path.name} calls display()"
        keywords = {k.arg for n in ast.walk(tree) if isinstance(n, ast.Call) for k in n.keywords}
        assert "icon" not in keywords, f"{path.name} uses a Button icon (CDN font)"
        assert len(source.splitlines()) <= 420, f"{path.name} is too long"


def test_language_defaults_to_the_course_run() -> None:
    course.setup("2-8", lang="en")
    assert QuizModel().lang == "en" and ValidityModel().lang == "en"
    course.setup("2-8", lang="ja")
    assert QuizModel().lang == "ja"
