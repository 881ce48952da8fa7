"""Project-level checks: one dependency list, the two-command setup, the CI entry point."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_environment_yml_only_supplies_python_and_pip() -> None:
    """conda users get the same dependencies as pip users: pyproject.toml is the only list."""
    text = (ROOT / "environment.yml").read_text(encoding="utf-8")
    entries = [line.strip()[2:].strip() for line in text.splitlines() if line.strip().startswith("- ")]
    assert entries == ["conda-forge", "python=3.11", "pip", "pip:", "-e .[dev,pcsc]"], entries
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert {"dev", "pcsc"} <= set(extras)


def test_python_version_agrees() -> None:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    minimum = re.match(r">=(\d+)\.(\d+)", meta["requires-python"]).groups()
    pinned = re.search(r"python=(\d+)\.(\d+)", (ROOT / "environment.yml").read_text()).groups()
    assert tuple(map(int, pinned)) >= tuple(map(int, minimum))


def test_voila_and_ipywidgets_are_pinned_together() -> None:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    voila = next(d for d in deps if d.startswith("voila"))
    widgets = next(d for d in deps if d.startswith("ipywidgets"))
    assert "<" in voila and "<" in widgets, "both need an upper bound (JS/Python skew)"


def test_ci_runs_make_test() -> None:
    script = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^make test\b", script, re.M)
    makefile = (ROOT / "Makefile").read_text()
    for target in ("run:", "test:", "lab:"):
        assert re.search(rf"^{target}", makefile, re.M), target


def test_readme_shows_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme and "make test" in readme


def test_cli_help_lists_commands() -> None:
    out = subprocess.run([sys.executable, "-m", "labkit", "--help"], capture_output=True,
                         text=True, check=True).stdout
    assert "labkit" in out


def test_make_test_lints_the_architecture() -> None:
    """CI (``make test``) runs ruff, the import contracts and mypy before the suite."""
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^test:.*\blint\b", makefile, re.M)
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    for tool in ("ruff check", "lint-imports", "mypy"):
        assert tool in lint, tool
    assert (ROOT / "labkit" / "py.typed").exists()


def test_every_module_of_labkit_has_a_layer() -> None:
    """A new top-level package cannot escape the layer contract."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
    layers = next(c["layers"] for c in config["contracts"] if c["type"] == "layers")
    named = {n.strip() for layer in layers for n in re.split(r"[|:]", layer)}
    top = {f"labkit.{p.stem}" for p in (ROOT / "labkit").iterdir()
           if (p.suffix == ".py" and p.stem != "__init__") or (p / "__init__.py").exists()}
    assert top and all(m in named or any(n.startswith(m + ".") for n in named) for m in top), top - named
