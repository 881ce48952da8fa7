"""What a notebook knows about its run: section, parameters, simulated clock, randomness."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from ..clock import SimulatedClock, parse_time
from ..i18n import Text
from .outline import INDEX, Section
from .params import CLASS_QUERY, DEFAULTS, LECTURER_QUERY, Params

if TYPE_CHECKING:
    from .classroom import Student


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
    #: class mode (:mod:`.classroom`): the class code, the student once known, and the
    #: lecturer token once verified (empty otherwise)
    class_code: str = ""
    student: Student | None = None
    lecturer_token: str = ""
    #: a lab of this page built its world in the kernel because the student was not known yet
    local_labs: int = 0

    @classmethod
    def create(cls, section: Section = INDEX, params: Params | None = None, *,
               voila: bool = False, lecturer_verified: bool = False) -> Context:
        """The context for ``section`` run with ``params`` (default: the defaults);
        ``lecturer_verified``: the params' lecturer token was checked (:mod:`.classroom`)."""
        p = params or Params(**DEFAULTS)
        return cls(section=section, lang=p.lang, audience=p.audience, now=parse_time(p.now),
                   seed=p.seed, clock=SimulatedClock(p.now), rng=random.Random(p.seed),
                   voila=voila, warnings=p.warnings, params=p.values(), class_code=p.class_code,
                   lecturer_token=p.lecturer_token if lecturer_verified else "")

    @property
    def lecturer(self) -> bool:
        """Lecturer notes and views: ``audience=lecturer`` *and* a verified lecturer token
        (``audience=lecturer`` alone shows nothing more; reliability review F12)."""
        return self.audience == "lecturer" and bool(self.lecturer_token)

    @property
    def in_class(self) -> bool:
        return bool(self.class_code)

    def t(self, ja: str, en: str) -> str:
        """Pick the text for this run's language."""
        return Text(ja, en).get(self.lang)

    def query(self, **overrides: Any) -> str:
        """The query string that carries this run's parameters to another app (``?lang=ja``);
        defaults other than ``lang`` are left out."""
        params = {**self.params, **overrides}
        keep = {k: v for k, v in params.items() if k == "lang" or v != DEFAULTS.get(k)}
        order = [k for k in DEFAULTS if k in keep]
        pairs = [(k, keep[k]) for k in order]
        if self.class_code:
            pairs.append((CLASS_QUERY, self.class_code))
        if self.lecturer_token and self.voila:  # the lecturer keeps the mode from page to page
            pairs.append((LECTURER_QUERY, self.lecturer_token))
        return "?" + urlencode(pairs)

    def href(self, target: Section | str, **overrides: Any) -> str:
        nb = target.notebook if isinstance(target, Section) else target
        return nb + self.query(**overrides)
