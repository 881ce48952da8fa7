"""Course widgets. Each class keeps a pure model (no ipywidgets, unit-tested) and builds an
ipywidgets view from it; the object displays as its view, and nothing here calls display().
Views carry stable CSS classes (``labkit-...``) for the browser tests."""

from .password import PasswordChecker, PasswordCheckerModel, PasswordExamples

__all__ = ["PasswordChecker", "PasswordCheckerModel", "PasswordExamples"]
