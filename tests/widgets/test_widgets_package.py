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


def test_widgets_share_one_layout_and_style_model_per_kind() -> None:
    """Issue 13: a page's browser builds every widget model before it shows the first widget,
    so widgets whose layout and style never change share the kernel's one Layout (per
    settings) and one style model per kind; a shared layout or style refuses changes. A phone
    mock-up then opens fewer than 1.5 models per widget (3 each: widget, layout, style)."""
    import warnings

    import ipywidgets as w
    import pytest

    from labkit.widgets import PhoneMockup
    from labkit.widgets._base import shared
    from labkit.world import World

    a, b = w.Button(**shared(w.Button, width="auto")), w.Button(**shared(w.Button, width="auto"))
    assert a.layout is b.layout and a.style is b.style and a.layout.width == "auto"
    assert w.Button(**shared(w.Button)).layout is not a.layout  # other settings, another Layout
    assert "style" not in shared(w.VBox) and shared(w.HTML)["style"] is shared(w.HTML)["style"]
    with pytest.raises(TypeError, match="shared Layout"):
        a.layout.width = "3em"
    with pytest.raises(TypeError, match="shared ButtonStyle"):
        a.style.button_color = "red"
    assert a.layout.width == "auto" and a.style.button_color is None  # undone

    def models() -> dict[str, w.Widget]:  # the kernel's live models (Widget.widgets is deprecated)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return dict(w.Widget.widgets)

    world = World.create(now="2026-04-01T21:00:00+09:00")
    try:
        phone = world.new_phone(world.resident("sample"))
        first = PhoneMockup(phone, lang="en")
        before = models()
        second = PhoneMockup(phone, lang="en")
        added = [model for key, model in models().items() if key not in before]
        widgets_added = [x for x in added if not isinstance(x, (w.Layout, w.Style))]
        assert second.title.layout is first.title.layout and second.home_button.style is first.home_button.style
        assert len(widgets_added) >= 15 and len(added) < 1.5 * len(widgets_added), (len(added), len(widgets_added))
    finally:
        world.close()
