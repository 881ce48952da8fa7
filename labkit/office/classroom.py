"""The class store of ``labkit jlis serve --class`` (issue 12): students and their hashed
tokens, which student owns which resident, card holder, phone and application, the activity
log of the lecturer console, check results, the open section and each student's clock.

It lives in the server's SQLite file next to the PKI and J-LIS tables (``class_`` tables;
WAL, ``synchronous=FULL``, one ``BEGIN IMMEDIATE`` transaction per change through
:func:`labkit._sqlite.write_transaction`), so a ``kill -9`` of the class server loses no
student, token or ownership row it had answered.

Each student's clock is the class time plus its stored offset (seconds, >= 0); the clock
itself is :class:`~labkit.office.class_clock.ClassClock`. :data:`ACTING` and :data:`CLOCK_OF`
are the context variables the class guard sets for each request.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from .._sqlite import SqliteTables, from_ts, to_ts
from ..clock import Clock, SystemClock
from ..i18n import Text
from .refusals import Refusal, refuse

__all__ = ["ACTING", "CA_MARGIN", "CLOCK_OF", "Actor", "ClassSetup", "ClassStore", "Kind", "Role",
           "Student", "acting", "clean_nickname", "new_class_code", "new_token", "token_hash"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS class_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS class_students (
    student_id TEXT PRIMARY KEY, nickname TEXT NOT NULL UNIQUE, token_hash TEXT NOT NULL UNIQUE,
    offset_s INTEGER NOT NULL DEFAULT 0, section TEXT, step TEXT, joined_at INTEGER NOT NULL,
    last_seen INTEGER);
CREATE TABLE IF NOT EXISTS class_owned (
    kind TEXT NOT NULL, key TEXT NOT NULL, student_id TEXT NOT NULL, PRIMARY KEY (kind, key));
CREATE INDEX IF NOT EXISTS class_owned_student ON class_owned (student_id, kind);
CREATE TABLE IF NOT EXISTS class_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, student_id TEXT NOT NULL, at INTEGER NOT NULL, sim INTEGER NOT NULL,
    action TEXT NOT NULL, detail TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS class_log_student ON class_log (student_id, id);
CREATE TABLE IF NOT EXISTS class_checks (
    student_id TEXT NOT NULL, section TEXT NOT NULL, score INTEGER NOT NULL, total INTEGER NOT NULL,
    at INTEGER NOT NULL, PRIMARY KEY (student_id, section));
"""

#: Readable class codes (no 0/O, 1/I).
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAX_NICKNAME = 20
#: Joins beyond this are refused (anyone with the code could otherwise fill the store).
MAX_STUDENTS = 300
#: How long before the first lab root expires every clock stops (one CRL lifetime: a CRL
#: published then is still inside the roots' validity).
CA_MARGIN = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ClassSetup:
    """``labkit jlis serve --class``: the class code and lecturer token (None: the stored ones,
    else new ones)."""

    code: str | None = None
    lecturer_token: str | None = None


class Role(StrEnum):
    PUBLIC = "public"
    STUDENT = "student"
    LECTURER = "lecturer"


class Kind(StrEnum):
    """What a student may own."""

    MY_NUMBER = "my_number"
    HOLDER = "holder"
    DEVICE = "device"
    APPLICATION = "application"


@dataclass(frozen=True, slots=True)
class Actor:
    """Who the current request is from (set by the class guard)."""

    role: Role
    student_id: str | None = None


@dataclass(frozen=True, slots=True)
class Student:
    student_id: str
    nickname: str
    offset_s: int
    section: str | None
    step: str | None
    joined_at: datetime
    last_seen: datetime | None


#: The current request's actor (None: in process, no class guard).
ACTING: ContextVar[Actor | None] = ContextVar("labkit_class_actor", default=None)
#: Whose simulated time J-LIS work runs on (None: the class time).
CLOCK_OF: ContextVar[str | None] = ContextVar("labkit_class_clock_of", default=None)


@contextmanager
def acting(actor: Actor | None, clock_of: str | None) -> Iterator[None]:
    """Run a block as ``actor`` on ``clock_of``'s time."""
    t1, t2 = ACTING.set(actor), CLOCK_OF.set(clock_of)
    try:
        yield
    finally:
        CLOCK_OF.reset(t2)
        ACTING.reset(t1)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def new_class_code() -> str:
    return "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def clean_nickname(value: object) -> str:
    """NFKC, trimmed, 1-20 characters, no control or format characters."""
    text = unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else ""
    if not 0 < len(text) <= MAX_NICKNAME or any(unicodedata.category(c).startswith("C") for c in text):
        raise refuse(Refusal.MALFORMED, Text(f"ニックネームは制御文字を含まない 1〜{MAX_NICKNAME} 文字です",
                                             f"the nickname is 1-{MAX_NICKNAME} characters, no control characters"),
                     field="nickname")
    return text


class ClassStore(SqliteTables):
    """The class tables; thread-safe (one connection, one lock), like :class:`~labkit.jlis.JlisDb`."""

    FAILED = Text("クラスのデータベースを操作できません", "the class database failed")

    def __init__(self, path: str | Path = ":memory:", *, wall: Clock | None = None) -> None:
        self.wall: Clock = wall or SystemClock()
        super().__init__(path, _SCHEMA)
        self._offsets = {sid: off for sid, off in self._all("SELECT student_id, offset_s FROM class_students")}
        self._hashes = {h: sid for sid, h in self._all("SELECT student_id, token_hash FROM class_students")}

    def pragma(self, name: str) -> Any:
        """A PRAGMA's value (tests check ``journal_mode`` and ``synchronous``)."""
        return self._all(f"PRAGMA {name}")[0][0]

    # -- meta ---------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        rows = self._all("SELECT value FROM class_meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str | None) -> None:
        with self._tx() as db:
            if value is None:
                db.execute("DELETE FROM class_meta WHERE key = ?", (key,))
            else:
                db.execute("INSERT OR REPLACE INTO class_meta VALUES (?, ?)", (key, value))

    def credentials(self, code: str | None, lecturer_token: str | None) -> tuple[str, str]:
        """The class code (upper case: a join compares it case-insensitively) and lecturer token:
        given ones win, else the stored ones (a restart continues the lesson), else new ones;
        whichever is used is stored."""
        code = (code or self.meta("code") or new_class_code()).strip().upper()  # joins compare upper case
        lecturer_token = lecturer_token or self.meta("lecturer_token") or new_token()
        self.set_meta("code", code)
        self.set_meta("lecturer_token", lecturer_token)
        return code, lecturer_token

    # -- students -----------------------------------------------------------------------------
    def join(self, nickname: str) -> tuple[Student, str]:
        """A new student and its token (only the token's SHA-256 is stored)."""
        nickname = clean_nickname(nickname)
        token = new_token()
        sid = f"s-{secrets.token_hex(4)}"
        now = self.wall.now()
        with self._tx() as db:
            if db.execute("SELECT 1 FROM class_students WHERE nickname = ?", (nickname,)).fetchone():
                raise refuse(Refusal.NICKNAME_TAKEN, nickname=nickname)
            if db.execute("SELECT COUNT(*) FROM class_students").fetchone()[0] >= MAX_STUDENTS:
                raise refuse(Refusal.FORBIDDEN, Text(f"満員です ({MAX_STUDENTS} 人まで)",
                                                     f"the class is full ({MAX_STUDENTS} students)"))
            db.execute("INSERT INTO class_students (student_id, nickname, token_hash, joined_at) VALUES (?, ?, ?, ?)",
                       (sid, nickname, token_hash(token), to_ts(now)))
        self._offsets[sid] = 0
        self._hashes[token_hash(token)] = sid
        return Student(sid, nickname, 0, None, None, now, None), token

    def student_by_token(self, token: str) -> str | None:
        """The student whose token this is: its SHA-256 compared with every stored hash by
        ``hmac.compare_digest`` (constant time, no early exit)."""
        digest = token_hash(token)
        found = None
        for stored, sid in list(self._hashes.items()):
            if hmac.compare_digest(stored, digest):
                found = sid
        return found

    def _student(self, r: tuple[Any, ...]) -> Student:
        return Student(r[0], r[1], r[2], r[3], r[4], from_ts(r[5]) or self.wall.now(), from_ts(r[6]))

    def student(self, sid: str) -> Student | None:
        rows = self._all("SELECT student_id, nickname, offset_s, section, step, joined_at, last_seen "
                         "FROM class_students WHERE student_id = ?", (sid,))
        return self._student(rows[0]) if rows else None

    def students(self) -> list[Student]:
        return [self._student(r) for r in self._all(
            "SELECT student_id, nickname, offset_s, section, step, joined_at, last_seen FROM class_students "
            "ORDER BY joined_at, nickname")]

    def offset(self, sid: str | None) -> int:
        return self._offsets.get(sid, 0) if sid else 0

    def max_offset(self) -> int:
        return max(self._offsets.values(), default=0)

    def set_offset(self, sid: str, seconds: int) -> None:
        with self._tx() as db:
            db.execute("UPDATE class_students SET offset_s = ? WHERE student_id = ?", (seconds, sid))
        self._offsets[sid] = seconds

    def set_progress(self, sid: str, section: str, step: str | None) -> None:
        with self._tx() as db:
            db.execute("UPDATE class_students SET section = ?, step = ? WHERE student_id = ?", (section, step, sid))

    def set_check(self, sid: str, section: str, score: int, total: int) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO class_checks VALUES (?, ?, ?, ?, ?)",
                       (sid, section, score, total, to_ts(self.wall.now())))

    def checks(self) -> dict[str, dict[str, Any]]:
        """Per section: how many answered, the mean score and the total."""
        rows = self._all("SELECT section, COUNT(*), AVG(score), MAX(total) FROM class_checks GROUP BY section")
        return {r[0]: {"answered": r[1], "mean": round(float(r[2]), 3), "total": r[3]} for r in rows}

    def reset(self, sid: str) -> None:
        """The student starts again: clock back to the class time, no resources of its own."""
        with self._tx() as db:
            db.execute("DELETE FROM class_owned WHERE student_id = ?", (sid,))
            db.execute("UPDATE class_students SET offset_s = 0, section = NULL, step = NULL WHERE student_id = ?",
                       (sid,))
        self._offsets[sid] = 0

    # -- ownership ----------------------------------------------------------------------------
    def owner(self, kind: Kind, key: str | None) -> str | None:
        if not key:
            return None
        rows = self._all("SELECT student_id FROM class_owned WHERE kind = ? AND key = ?", (kind.value, key))
        return rows[0][0] if rows else None

    def own(self, sid: str, *items: tuple[Kind, str]) -> None:
        """Record ``items`` as ``sid``'s (the first owner keeps a key)."""
        with self._tx() as db:
            for kind, key in items:
                db.execute("INSERT OR IGNORE INTO class_owned VALUES (?, ?, ?)", (kind.value, key, sid))

    def owned(self, sid: str, kind: Kind) -> list[str]:
        return [r[0] for r in self._all("SELECT key FROM class_owned WHERE student_id = ? AND kind = ? ORDER BY rowid",
                                        (sid, kind.value))]

    # -- activity log -------------------------------------------------------------------------
    def log(self, sid: str, action: str, detail: str, sim: datetime) -> None:
        now = self.wall.now()
        with self._tx() as db:
            db.execute("INSERT INTO class_log (student_id, at, sim, action, detail) VALUES (?, ?, ?, ?, ?)",
                       (sid, to_ts(now), to_ts(sim), action, detail[:200]))
            db.execute("UPDATE class_students SET last_seen = ? WHERE student_id = ?", (to_ts(now), sid))

    def timeline(self, sid: str, limit: int = 500) -> list[dict[str, Any]]:
        rows = self._all("SELECT at, sim, action, detail FROM class_log WHERE student_id = ? ORDER BY id DESC LIMIT ?",
                         (sid, limit))
        return [{"at": _iso(r[0]), "now": _iso(r[1]), "action": r[2], "detail": r[3]} for r in reversed(rows)]

    def last_action(self, sid: str) -> str | None:
        rows = self._all("SELECT action FROM class_log WHERE student_id = ? ORDER BY id DESC LIMIT 1", (sid,))
        return rows[0][0] if rows else None


def _iso(ts: int) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat()
