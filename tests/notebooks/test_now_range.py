"""Reliability review F11 replayed: a ``?now=`` that parses but lies outside what the lab CA
handles gets the bilingual warning and the default, like ``now=garbage`` does."""

from __future__ import annotations

import pytest

from labkit import course

BASE = {"lang": "ja", "audience": "student", "now": "2026-04-01T10:00:00+09:00", "seed": 0}


@pytest.mark.parametrize("now", ["1900-01-01T00:00:00", "9999-12-31T23:59:59+09:00", "2100-01-01"])
def test_out_of_range_now_is_ignored_with_a_warning(now: str) -> None:
    params = course.resolve_params(BASE, query_string=f"now={now}", env={})
    assert params.now == BASE["now"]
    assert len(params.warnings) == 1
    warning = params.warnings[0]
    assert "ラボの想定" in warning.ja and "lab assumption" in warning.en and now[:10] in warning.en


def test_in_range_now_is_taken() -> None:
    params = course.resolve_params(BASE, query_string="now=2027-05-11T09:00:00%2B09:00", env={})
    assert params.now == "2027-05-11T09:00:00+09:00" and params.warnings == ()
