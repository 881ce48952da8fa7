"""Helpers shared by the PKI tests (a module, not a conftest, so tests can import it)."""

from __future__ import annotations

from datetime import date

from labkit.errors import LabkitError
from labkit.pki import BasicAttributes, Holder, Sex


def attributes(**overrides: object) -> BasicAttributes:
    fields: dict[str, object] = dict(name="番号\u3000花子", sex=Sex.FEMALE, birth_date=date(1990, 7, 15),
                                     address="東京都清瀬市見本町１丁目２番３号")
    fields.update(overrides)
    return BasicAttributes(**fields)  # type: ignore[arg-type]


def make_holder(holder_id: str = "resident-1", *, card_expiry: date = date(2035, 7, 15),
                **attribute_overrides: object) -> Holder:
    return Holder(holder_id, attributes(**attribute_overrides), "Tokyo", "Kiyose-shi", card_expiry)


def assert_bilingual(exc: LabkitError) -> None:
    """A learner-facing error: Japanese and English texts, both present and different."""
    ja, en = exc.message("ja"), exc.message("en")
    assert ja and en and ja != en
    assert any(_japanese(ch) for ch in ja), ja
    assert not any(_japanese(ch) for ch in en.replace("\u3000", "")), en


def _japanese(ch: str) -> bool:
    """Kana or kanji (full-width digits may appear in English examples)."""
    return "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff"
