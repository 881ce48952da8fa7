"""What a notebook knows about its run: section, parameters, simulated clock, randomness."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from ..clock import SimulatedClock, parse_time
from ..i18n import Text
from .outline import INDEX, Section
from .params import DEFAULTS, Params


@dataclass(slots=True)
class Context:
    """One notebook run. Randomness comes from :attr:`rng` (seeded by the ``seed``
    parameter); nothing seeds the global :mod:`random` module."""

    section: Section
    lang: str
    audience: str
    now: datetime
    seed: int
    clock: SimulatedClock
    rng: random.Random
    voila: bool = False
    warnings: tuple[Text, ...] = ()
    params: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def create(cls, section: Section = INDEX, params: Params | None = None, *,
               voila: bool = False) -> Context:
        """The context for ``section`` run with ``params`` (default: the defaults)."""
        p = params or Params(**DEFAULTS)
        return cls(section=section, lang=p.lang, audience=p.audience, now=parse_time(p.now),
                   seed=p.seed, clock=SimulatedClock(p.now), rng=random.Random(p.seed),
                   voila=voila, warnings=p.warnings, params=p.values())

    @property
    def lecturer(self) -> bool:
        return self.audience == "lecturer"

    def t(self, ja: str, en: str) -> str:
        """Pick the text for this run's language."""
        return Text(ja, en).get(self.lang)

    def query(self, **overrides: Any) -> str:
        """The query string that carries this run's parameters to another app (``?lang=ja``);
        defaults other than ``lang`` are left out."""
        params = {**self.params, **overrides}
        keep = {k: v for k, v in params.items() if k == "lang" or v != DEFAULTS.get(k)}
        order = [k for k in DEFAULTS if k in keep]
        return "?" + urlencode([(k, keep[k]) for k in order])

    def href(self, target: Section | str, **overrides: Any) -> str:
        nb = target.notebook if isinstance(target, Section) else target
        return nb + self.query(**overrides)
