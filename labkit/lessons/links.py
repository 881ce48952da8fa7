"""Glossary links in the prose: the first use of each glossary term in a section links to its
entry on the glossary page (``00_glossary.ipynb#key``).

The links are written into the notebooks' markdown (authoring: :func:`link_first_uses`), so the
text a learner reads is the text in the notebook; :func:`unlinked_first_uses` is the check the
tests run. Headings, existing links, code and 「quoted screen labels」 are never linked."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .glossary import GLOSSARY
from .model import Term

GLOSSARY_NOTEBOOK = "00_glossary.ipynb"

_SKIP = re.compile(r"^#.*$|\[[^\]]*\]\([^)]*\)|`[^`]*`|「[^」]*」", re.M)
_LINK = re.compile(r"\[([^\]]*)\]\(" + re.escape(GLOSSARY_NOTEBOOK) + r"#([a-z0-9-]+)\)")
#: ``**[word](link)**`` followed by a Japanese character is not bold in CommonMark (the closing
#: ``**`` follows a ")"): put the emphasis inside the link text instead.
_BOLD_LINK = re.compile(r"\*\*\[([^\]*][^\]]*)\]\((" + re.escape(GLOSSARY_NOTEBOOK) + r"#[a-z0-9-]+)\)\*\*")


@dataclass(frozen=True, slots=True)
class Use:
    """Where a term is first used: the text's index, the span in it, and whether it is linked."""

    term: Term
    text: int
    start: int
    end: int
    linked: bool


def _pattern(term: Term, lang: str) -> re.Pattern[str]:
    words = sorted(term.aliases(lang), key=len, reverse=True)
    alt = "|".join(re.escape(w) for w in words)
    return re.compile(alt if lang == "ja" else rf"\b(?:{alt})\b", 0 if lang == "ja" else re.I)


def _free(text: str) -> list[tuple[int, int]]:
    """The spans of ``text`` outside headings, links, code and 「labels」."""
    spans, pos = [], 0
    for m in _SKIP.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    return spans


def first_use(term: Term, texts: Sequence[str], lang: str) -> Use | None:
    """The first use of ``term`` in ``texts`` (a section's prose, in order), linked or not."""
    pattern = _pattern(term, lang)
    for i, text in enumerate(texts):
        hits: list[tuple[int, int, bool]] = []
        for link in _LINK.finditer(text):
            if link.group(2) == term.key:
                hits.append((link.start(), link.end(), True))
        for start, end in _free(text):
            m = pattern.search(text, start, end)
            if m:
                hits.append((m.start(), m.end(), False))
        if hits:
            start, end, linked = min(hits)
            return Use(term, i, start, end, linked)
    return None


def link_first_uses(texts: Sequence[str], lang: str,
                    terms: Iterable[Term] = GLOSSARY) -> tuple[list[str], list[str]]:
    """``texts`` with the first use of each term linked; and the keys of the terms used."""
    out = list(texts)
    used = []
    for term in terms:
        use = first_use(term, out, lang)
        if use is None:
            continue
        used.append(term.key)
        if not use.linked:
            text = out[use.text]
            word = text[use.start:use.end]
            out[use.text] = (f"{text[:use.start]}[{word}]({GLOSSARY_NOTEBOOK}#{term.key})"
                             f"{text[use.end:]}")
    return [_BOLD_LINK.sub(r"[**\1**](\2)", text) for text in out], used


def unlinked_first_uses(texts: Sequence[str], lang: str,
                        terms: Iterable[Term] = GLOSSARY) -> list[str]:
    """The terms whose first use in ``texts`` is not a link to the glossary (should be none)."""
    return [t.key for t in terms if (u := first_use(t, texts, lang)) is not None and not u.linked]
