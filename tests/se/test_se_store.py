"""The SE store outlives the objects that use it."""

from pathlib import Path


def test_closing_twice_is_harmless(tmp_path: Path) -> None:
    from labkit.se import SecureElement

    se = SecureElement(tmp_path / "se.db")
    se.close()
    se.close()
    reopened = SecureElement(tmp_path / "se.db")
    assert reopened.registry.card_state == se.registry.card_state
    reopened.close()
