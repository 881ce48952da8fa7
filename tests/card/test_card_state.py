"""Save/load of the EEPROM image; retry counters survive power cycles and reloads."""

from __future__ import annotations

import copy
import json
import stat
from pathlib import Path

import pytest
from card_support import JPKI_AID

from labkit.card import CardStateError, KeyRole, MyNumberCard

SELECT_JPKI = bytes.fromhex(f"00A4040C0A{JPKI_AID}")


def _wrong_auth_pin(card: MyNumberCard) -> bytes:
    card.transmit(SELECT_JPKI)
    card.transmit(bytes.fromhex("00A4020C020018"))
    return card.transmit(bytes.fromhex("002000800430303030"))


def test_round_trip_keeps_everything(card: MyNumberCard, tmp_path: Path) -> None:
    path = tmp_path / "card.json"
    _wrong_auth_pin(card)
    card.save(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = MyNumberCard.load(path)
    assert loaded.to_state() == card.to_state()
    assert loaded.atr == card.atr and loaded.jpki.serial == card.jpki.serial
    assert loaded.jpki.pin_status(KeyRole.AUTH).remaining == 2
    assert _wrong_auth_pin(loaded) == bytes.fromhex("63C1")


def test_counters_survive_power_cycles(card: MyNumberCard) -> None:
    assert _wrong_auth_pin(card) == bytes.fromhex("63C2")
    card.power_off()
    card.power_on()
    assert _wrong_auth_pin(card) == bytes.fromhex("63C1")


def test_bound_card_saves_every_counter_change(card: MyNumberCard, tmp_path: Path) -> None:
    path = tmp_path / "bound.json"
    card.bind(path)
    _wrong_auth_pin(card)
    assert json.loads(path.read_text())["jpki"]["pins"]["auth"]["remaining"] == 2
    reloaded = MyNumberCard.load(path, bind=True)
    _wrong_auth_pin(reloaded)
    assert MyNumberCard.load(path).jpki.pin_status(KeyRole.AUTH).remaining == 1


@pytest.mark.parametrize("mutate", [
    lambda s: s.update(format="something-else"),
    lambda s: s.update(version=99),
    lambda s: s.update(atr="zz"),
    lambda s: s.update(atr="00"),
    lambda s: s.pop("jpki"),
    lambda s: s["jpki"].update(profile="iphone"),
    lambda s: s["jpki"]["keys"].update(auth="!!notbase64"),
    lambda s: s["jpki"]["keys"].update(auth="AAAA"),
    lambda s: s["jpki"]["keys"].update(auth=s["jpki"]["keys"]["sign"]),  # cert no longer matches
    lambda s: s["jpki"]["keys"].update(other=s["jpki"]["keys"]["sign"]),
    lambda s: s["jpki"]["certificates"].update(auth="MAMCAQA="),
    lambda s: s["jpki"]["pins"]["auth"].update(remaining=7),
    lambda s: s["jpki"]["pins"]["auth"].update(remaining="3"),
    lambda s: s["jpki"]["pins"]["auth"].update(value="12"),
    lambda s: s["jpki"]["pins"]["sign"].update(value=123456),
    lambda s: s["jpki"]["pins"].pop("sign"),
    lambda s: s["kenhojo"].update(my_number_ef="AAAA"),
    lambda s: s["kenhojo"]["pin"].update(remaining=-1),
    lambda s: s.update(kenhojo=[]),
])
def test_corrupted_state_is_refused_with_a_bilingual_error(adult_state: dict, mutate) -> None:
    state = copy.deepcopy(adult_state)
    mutate(state)
    with pytest.raises(CardStateError) as info:
        MyNumberCard.from_state(state)
    text = info.value.text
    assert text.ja and text.en and text.ja != text.en


def test_corrupted_files(tmp_path: Path, card: MyNumberCard) -> None:
    path = tmp_path / "card.json"
    card.save(path)
    good = path.read_text()
    path.write_text(good[: len(good) // 2])
    with pytest.raises(CardStateError) as info:
        MyNumberCard.load(path)
    assert "壊れています" in info.value.message("ja") and "corrupted" in info.value.message("en")
    path.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(CardStateError):
        MyNumberCard.load(path)
    with pytest.raises(CardStateError) as info:
        MyNumberCard.load(tmp_path / "missing.json")
    assert "no card state file" in info.value.message("en")


def test_failed_save_leaves_the_old_file(card: MyNumberCard, tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "card.json"
    card.save(path)
    before = path.read_text()

    def boom(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr("labkit.card._card.os.replace", boom)
    with pytest.raises(OSError):
        card.save(path)
    assert path.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["card.json"]
