"""The clock, bilingual text and the error tree that every actor relies on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from labkit.clock import JST, SimulatedClock, parse_time, to_jst
from labkit.errors import CardError, InputError, LabkitError, ServiceError
from labkit.i18n import Text, check_lang


def test_naive_times_are_jst() -> None:
    t = parse_time("2026-04-01T19:30:00")
    assert t.utcoffset() == timedelta(hours=9)
    assert t.astimezone(UTC).hour == 10


def test_simulated_clock_moves_forward_only() -> None:
    clock = SimulatedClock("2026-04-01T21:00:00+09:00")
    clock.advance(hours=11)
    assert to_jst(clock.now()).hour == 8 and to_jst(clock.now()).day == 2
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(timedelta(seconds=-1))
    clock.set(datetime(2030, 1, 1, tzinfo=UTC))
    assert to_jst(clock.now()) == datetime(2030, 1, 1, 9, tzinfo=JST)


def test_bad_time_text_is_explained_in_both_languages() -> None:
    with pytest.raises(ValueError) as info:
        parse_time("yesterday")
    assert "日時" in str(info.value) and "ISO 8601" in str(info.value)


def test_text_language_selection() -> None:
    t = Text("一時保留", "hold")
    assert t.get("ja") == "一時保留" and t.get("en") == "hold"
    assert str(t) == "一時保留 / hold"
    with pytest.raises(ValueError):
        t.get("fr")
    assert check_lang("en") == "en"


def test_error_tree_carries_both_languages() -> None:
    err = ServiceError(Text("失効済み", "revoked"), reason="revoked", serial=5)
    assert isinstance(err, LabkitError)
    assert err.message("ja") == "失効済み" and err.message("en") == "revoked"
    assert err.reason == "revoked" and err.details["serial"] == 5
    assert isinstance(InputError("不正", "bad"), ValueError)
    assert CardError("x", "y", sw=0x6982).sw == 0x6982
