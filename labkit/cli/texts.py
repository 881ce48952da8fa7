"""``labkit texts [--out build]``: every learner-visible ja/en text of labkit and the
notebooks in ``build/texts.md`` and ``build/texts.csv`` (see :mod:`labkit.texts_audit`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["register"]


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("texts", help="学習者が読む文言の一覧 / list every learner-visible text",
                                   description="labkit とノートブックの ja/en の文言を texts.md と texts.csv に"
                                               "書き出します / write every ja/en text to texts.md and texts.csv")
    parser.add_argument("--out", default="build", help="output directory (default build)")
    parser.set_defaults(func=_texts)


def _texts(args: Any) -> int:
    from ..texts_audit import report, run

    out = Path(args.out)
    return report(run(out), out)
