"""The run's parameters (lang, audience, now, seed, depth): defaults, the parameters cell that
papermill fills, and the Voilà query string (``?lang=en&audience=lecturer&now=...&seed=...``).

Precedence: query string > parameters cell > defaults. ``LABKIT_AUDIENCE=lecturer`` in the
environment (set by ``make lab``) turns the *default* audience into ``lecturer``. To add a
parameter, add a :class:`Param` to :data:`PARAMS` and a field to :class:`Params`.

Two more values are not parameters of the cell (``class`` is a Python keyword, and a token
does not belong in a notebook): the class code (``?class=CODE``, else ``LABKIT_CLASS_CODE``)
and the lecturer token (``?lecturer=TOKEN``; outside Voilà ``LABKIT_LECTURER_TOKEN``, which
``make lab`` and the papermill runs set). ``audience=lecturer`` alone is only a wish: the
notes and lecturer views need the token, checked by :mod:`labkit.course.classroom`
(reliability review F12).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qs

from ..clock import JST, parse_time
from ..errors import InputError
from ..i18n import LANGS, Text

AUDIENCES = ("student", "lecturer")


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter: a choice (``choices``), an integer (int default) or a date-time.

    A bad value in the parameters cell raises :class:`InputError`; a bad value in a query
    string (a learner's typo) is ignored with a warning, so the app still opens."""

    name: str
    default: str | int
    choices: tuple[str, ...] = ()
    env: str | None = None  # environment variable that may replace the default

    def check(self, value: object) -> None:
        """Raise a bilingual error unless ``value`` is allowed in the parameters cell."""
        if self.choices:
            if value not in self.choices:
                raise InputError(
                    f"{self.name} は {' または '.join(self.choices)} です (受け取った値: {value!r})",
                    f"{self.name} must be {' or '.join(map(repr, self.choices))} (got {value!r})")
        elif isinstance(self.default, int):
            if not isinstance(value, int) or isinstance(value, bool):
                raise InputError(f"{self.name} は整数です (受け取った値: {value!r})",
                                 f"{self.name} must be an integer (got {value!r})")
        else:
            parse_time(value)  # type: ignore[arg-type]  # raises a bilingual ValueError

    def read(self, raw: str) -> str | int | Text:
        """A query-string value, or the warning that says why it is ignored."""
        name = self.name
        if self.choices:
            if raw in self.choices:
                return raw
            allowed = " / ".join(self.choices)
            return Text(f"URL の {name}={raw!r} は使えません ({allowed})。",
                        f"Ignored {name}={raw!r} in the URL (use {allowed}).")
        if isinstance(self.default, int):
            try:
                return int(raw)
            except ValueError:
                return Text(f"URL の {name}={raw!r} は整数ではありません。",
                            f"Ignored {name}={raw!r} in the URL (not an integer).")
        # parse_qs turns an unencoded "+09:00" into " 09:00"; accept both spellings.
        candidate = raw.replace(" ", "+")
        try:
            when = parse_time(candidate)
        except ValueError:
            return Text(f"URL の {name}={raw!r} は日時として読めません。",
                        f"Ignored {name}={raw!r} in the URL (not a date-time).")
        if not NOW_RANGE[0] <= when < NOW_RANGE[1]:  # reliability review F11
            first, last = (f"{d:%Y-%m-%d}" for d in NOW_RANGE)
            return Text(f"URL の {name}={raw!r} はラボの認証局が扱える期間 ({first} 〜 {last}、ラボの想定) の外です。",
                        f"Ignored {name}={raw!r} in the URL: outside what the lab CA handles "
                        f"({first} to {last}, a lab assumption).")
        return candidate


#: ``now`` values the lab's CA and rules handle (ラボの想定 / lab assumption): from 2016 (the
#: My Number Card) up to the end of 2045, so a lab CA created then (10-year roots) and every
#: card and phone certificate stay within the dates the labs compute with.
NOW_RANGE = (datetime(2016, 1, 1, tzinfo=JST), datetime(2046, 1, 1, tzinfo=JST))

PARAMS: tuple[Param, ...] = (
    Param("lang", "ja", LANGS),
    Param("audience", "student", AUDIENCES, env="LABKIT_AUDIENCE"),
    Param("now", "2026-04-01T10:00:00+09:00"),
    Param("seed", 0),
    # technical blocks (もっと詳しく) closed for students, open for engineers (labkit.lessons)
    Param("depth", "basic", ("basic", "engineer")),
)
DEFAULTS: dict[str, Any] = {p.name: p.default for p in PARAMS}


@dataclass(frozen=True, slots=True)
class Params:
    lang: str
    audience: str
    now: str
    seed: int
    depth: str = "basic"
    warnings: tuple[Text, ...] = ()
    class_code: str = ""  # ?class=CODE or LABKIT_CLASS_CODE: the course in class mode
    lecturer_token: str = ""  # ?lecturer=TOKEN (Voilà) or LABKIT_LECTURER_TOKEN (elsewhere); unchecked here

    def values(self) -> dict[str, Any]:
        """The parameters by name, without the warnings."""
        return {p.name: getattr(self, p.name) for p in PARAMS}


#: Query keys and environment variables of the class mode (not cell parameters).
CLASS_QUERY, LECTURER_QUERY = "class", "lecturer"
CLASS_ENV, LECTURER_ENV, JLIS_ENV = "LABKIT_CLASS_CODE", "LABKIT_LECTURER_TOKEN", "LABKIT_JLIS"
_TOKEN = re.compile(r"^[A-Za-z0-9_\-.~]{1,128}$")


def resolve_params(cell: Mapping[str, object], *, query_string: str = "",
                   env: Mapping[str, str] | None = None, voila: bool = False) -> Params:
    """Combine the parameters cell's values (missing ones take their defaults) with a Voilà
    query string; pure, for tests. In Voilà (``voila``) the lecturer token comes from the
    query string only: the server's environment (``make hub`` exports the token) is not the
    visitor's."""
    env = os.environ if env is None else env
    unknown = sorted(set(cell) - set(DEFAULTS))
    if unknown:
        raise InputError(f"そのようなパラメータはありません: {unknown} (使えるもの: {list(DEFAULTS)})",
                         f"no such parameter: {unknown} (allowed: {list(DEFAULTS)})")
    values: dict[str, Any] = {**DEFAULTS, **cell}
    for p in PARAMS:
        p.check(values[p.name])
    warnings: list[Text] = []
    query = {k: v[-1] for k, v in parse_qs(query_string).items()}
    for p in PARAMS:
        if p.env and values[p.name] == p.default and env.get(p.env) in p.choices:
            values[p.name] = env[p.env]
        if p.name in query:
            read = p.read(query[p.name])
            if isinstance(read, Text):
                warnings.append(read)
            else:
                values[p.name] = read
    class_code = (query.get(CLASS_QUERY) or env.get(CLASS_ENV, "")).strip()
    token = query.get(LECTURER_QUERY, "") if voila else (query.get(LECTURER_QUERY) or env.get(LECTURER_ENV, ""))
    for name, value in ((CLASS_QUERY, class_code), (LECTURER_QUERY, token)):
        if value and not _TOKEN.fullmatch(value):
            warnings.append(Text(f"URL の {name}= は使えない文字を含むため無視しました。",
                                 f"Ignored {name}= in the URL (characters not allowed)."))
    class_code = class_code if _TOKEN.fullmatch(class_code or "-") else ""
    token = token if _TOKEN.fullmatch(token or "-") else ""
    return Params(**values, warnings=tuple(warnings), class_code=class_code, lecturer_token=token)


def in_voila(env: Mapping[str, str] | None = None) -> bool:
    """True in a kernel that Voilà started for a page request."""
    env = os.environ if env is None else env
    return env.get("SERVER_SOFTWARE", "").startswith("voila")


def wait_for_voila_request(section_id: str = "index") -> None:
    """With ``--preheat_kernel`` the kernel runs before the request arrives: prepare what
    does not depend on it (:mod:`labkit.preheat`), then wait for it so that QUERY_STRING is
    the student's, not empty. Outside preheating this is a no-op."""
    if os.environ.get("VOILA_PREHEAT", "False") != "False":
        from ..preheat import prepare
        from .voila_request import wait_for_request

        prepare(section_id)
        wait_for_request()
