"""Lab models driven from code with ipywidgets made unimportable: the state and actions of a
lab need no frontend (its view is tested in test_ch1.py / test_ch2.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from labkit import course
from labkit.errors import LabkitError
from labkit.labs import ch1
from labkit.se import CardLifeCycle
from labkit.world import World


@pytest.fixture(autouse=True)
def _no_widgets(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # any `import ipywidgets` now fails
    with course.use():
        yield


def test_gpse_model_refuses_the_other_app_locks_the_pin_and_erases_on_attack() -> None:
    world = World.create(now="2026-04-01T10:00:00+09:00", seed=0, lang="en")
    person = world.resident("sample")
    phone = world.new_phone(person)
    world.apply(person, phone)
    with pytest.raises(ImportError):
        import ipywidgets  # noqa: F401
    m = ch1.Gpse(world, person, phone)
    assert "not tried yet" in m.other_html and "no attack yet" in m.attack_html
    assert not m.try_other_app() and 'data-outcome="ng"' in m.other_html
    for pin in ("0000", "0001", "0002"):
        with pytest.raises(LabkitError):
            m.guess_pin(pin)
    assert [p for p, _ in m.guesses] == ["0000", "0001", "0002"] and 'data-count="3"' in m.guesses_html()
    assert not m.owner_login() and "Even the owner cannot log in" in m.owner_html
    m.run_probe_attack()
    assert m.erased() and phone.se.registry.card_state == CardLifeCycle.CARD_LOCKED
    assert "labkit-lab-erased" in m.attack_html
    world.close()
