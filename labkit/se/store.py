"""The SE's own non-volatile memory: an SQLite database (stdlib ``sqlite3``, WAL journal),
separate from anything the phone's OS stores, so that a phone factory reset — which wipes
apps and their data — leaves it alone (lecture 2-7 【講師】).

Layout: ``section(name, data)`` holds one JSON document per part of the chip (the ISD, the
tamper counters, each applet instance; JPKI key material in a section of its own so that a
PIN-counter update never rewrites it); ``event`` is the append-only security event log;
``meta`` holds the format version.

Every write is one transaction. ``secure_delete`` is on, and after an erasure the WAL is
checkpointed and truncated, so zeroised key material is not left in the database files.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from .._sqlite import write_transaction
from ..errors import StoreError
from ..i18n import Text
from .tamper import SeEvent, TamperAction, TamperKind

__all__ = ["STORE_FORMAT", "SeStore"]

STORE_FORMAT = "labkit-se/1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS section (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS event (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL,
    message_ja TEXT NOT NULL, message_en TEXT NOT NULL, actions INTEGER NOT NULL, details TEXT NOT NULL);
"""


class SeStore:
    """``SeStore(path)`` opens or creates the store; ``SeStore()`` keeps it in memory."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._lock = threading.RLock()
        try:
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(self.path) if self.path else ":memory:",
                                       check_same_thread=False, isolation_level=None)
            if self.path is not None:
                self._db.execute("PRAGMA journal_mode=WAL")
                os.chmod(self.path, 0o600)
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute("PRAGMA secure_delete=ON")
            self._db.executescript(_SCHEMA)
            row = self._db.execute("SELECT value FROM meta WHERE key='format'").fetchone()
            if row is None:
                self._db.execute("INSERT INTO meta VALUES ('format', ?)", (STORE_FORMAT,))
            elif row[0] != STORE_FORMAT:
                raise StoreError(Text(f"SE ストアの形式 {row[0]} には対応していない",
                                      f"unsupported SE store format {row[0]}"))
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    @staticmethod
    def _error(exc: sqlite3.Error) -> StoreError:
        return StoreError(Text(f"SE ストアのエラー: {exc}", f"SE store error: {exc}"))

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with write_transaction(self._db, self._lock, self._error) as db:
            yield db

    def is_empty(self) -> bool:
        with self._lock:
            count: int = self._db.execute("SELECT COUNT(*) FROM section").fetchone()[0]
            return count == 0

    def read_sections(self) -> dict[str, Any]:
        with self._lock:
            try:
                rows = self._db.execute("SELECT name, data FROM section").fetchall()
            except sqlite3.Error as exc:
                raise self._error(exc) from exc
        try:
            return {name: json.loads(bytes(data).decode("utf-8")) for name, data in rows}
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise StoreError(Text("SE ストアの内容が壊れている", f"SE store content is corrupted: {exc}")) from exc

    def write_sections(self, changes: Mapping[str, bytes | None], *, scrub: bool = False) -> None:
        """Write the changed sections (JSON bytes; None deletes) in one transaction. With
        ``scrub``, each replaced row is first overwritten with zeros in place and the WAL
        is checkpointed and truncated afterwards."""
        with self._transaction() as db:
            for name, data in changes.items():
                if scrub:
                    db.execute("UPDATE section SET data = zeroblob(length(data)) WHERE name = ?", (name,))
                if data is None:
                    db.execute("DELETE FROM section WHERE name = ?", (name,))
                else:
                    db.execute("INSERT INTO section VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET data = excluded.data",
                               (name, data))
        if scrub:
            self.checkpoint()

    def checkpoint(self) -> None:
        """Move the WAL into the database and truncate it (no-op in memory)."""
        if self.path is None:
            return
        with self._lock:
            try:
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error as exc:
                raise self._error(exc) from exc

    # -- events ------------------------------------------------------------------------------
    def append_event(self, at: datetime, kind: TamperKind, message: Text, actions: TamperAction,
                     details: Mapping[str, Any]) -> SeEvent:
        with self._transaction() as db:
            cursor = db.execute("INSERT INTO event (at, kind, message_ja, message_en, actions, details) "
                                "VALUES (?, ?, ?, ?, ?, ?)",
                                (at.isoformat(), kind.value, message.ja, message.en, int(actions),
                                 json.dumps(dict(details), ensure_ascii=False)))
            seq = int(cursor.lastrowid or 0)
        return SeEvent(seq, at, kind, message, actions, dict(details))

    def events(self, since: int = 0) -> list[SeEvent]:
        with self._lock:
            try:
                rows = self._db.execute("SELECT seq, at, kind, message_ja, message_en, actions, details FROM event "
                                        "WHERE seq > ? ORDER BY seq", (since,)).fetchall()
            except sqlite3.Error as exc:
                raise self._error(exc) from exc
        return [SeEvent(seq, datetime.fromisoformat(at), TamperKind(kind), Text(ja, en), TamperAction(actions),
                        json.loads(details)) for seq, at, kind, ja, en, actions, details in rows]

    def close(self) -> None:
        """Checkpoint and close; a second call does nothing (a phone and its owner may both close)."""
        with self._lock:
            if getattr(self, "_closed", False):
                return
            self._closed = True
            try:
                self.checkpoint()
            finally:
                self._db.close()

    def __repr__(self) -> str:
        return f"<SeStore {self.path or ':memory:'}>"
