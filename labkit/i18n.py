"""Bilingual text. Learner-facing strings are Japanese first, with English available."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")
DEFAULT_LANG: Lang = "ja"


def check_lang(lang: str) -> Lang:
    """Return ``lang`` if it is a supported language, else raise a bilingual ValueError."""
    if lang not in LANGS:
        raise ValueError(f"言語は ja または en です (got {lang!r}) / lang must be 'ja' or 'en'")
    return lang


@dataclass(frozen=True, slots=True)
class Text:
    """One message in both languages; ``str()`` gives ``ja / en``."""

    ja: str
    en: str

    def get(self, lang: str = DEFAULT_LANG) -> str:
        return self.ja if check_lang(lang) == "ja" else self.en

    def format(self, **kwargs: object) -> Text:
        return Text(self.ja.format(**kwargs), self.en.format(**kwargs))

    def __str__(self) -> str:
        return f"{self.ja} / {self.en}"
