"""The one write-transaction discipline every SQLite store in labkit uses (PKI, J-LIS, SE):
``BEGIN IMMEDIATE`` … ``COMMIT`` under the store's lock, a rollback on any exception, and
sqlite3 errors turned into the store's own bilingual error, so a crash or a bad write never
leaves half a change behind."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import StoreError
from .i18n import Text


class ChangeCounter:
    """Has anything been committed to the database since last time? A cheap question (asked
    per OCSP request): ``PRAGMA data_version`` moves on commits by any *other* connection,
    this process's or another one's, and :meth:`wrote` counts the connection's own."""

    def __init__(self) -> None:
        self.writes = 0

    def wrote(self) -> None:
        self.writes += 1

    def version(self, db: sqlite3.Connection) -> tuple[int, int]:
        """Call under the connection's lock; equal versions mean an unchanged database."""
        return self.writes, db.execute("PRAGMA data_version").fetchone()[0]


@contextmanager
def write_transaction(db: sqlite3.Connection, lock: threading.Lock | threading.RLock,
                      error: Callable[[sqlite3.Error], Exception]) -> Iterator[sqlite3.Connection]:
    """One atomic write. Inside an open transaction (a nested call) it simply joins it."""
    with lock:
        if db.in_transaction:
            yield db
            return
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise error(exc) from exc
        try:
            yield db
        except BaseException as exc:
            try:
                db.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # the connection already rolled back (e.g. a disk error)
            if isinstance(exc, sqlite3.Error):
                raise error(exc) from exc
            raise
        try:
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            db.execute("ROLLBACK")
            raise error(exc) from exc


def open_database(path: str, schema: str) -> sqlite3.Connection:
    """A store's connection: autocommit (transactions via :func:`write_transaction`), shared
    by threads under the store's lock, WAL on files, ``synchronous=FULL`` (an acknowledged
    write survives a crash), and ``schema``'s statements applied. Raises ``sqlite3.Error``."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
    db.execute("PRAGMA busy_timeout = 10000")
    if path != ":memory:":
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = FULL")
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in schema.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return db


def to_ts(when: datetime) -> int:
    """How the stores keep a time: whole seconds since the epoch."""
    return int(when.timestamp())


def from_ts(ts: int | None) -> datetime | None:
    return None if ts is None else datetime.fromtimestamp(ts, UTC)


class SqliteTables:
    """A store's tables in one SQLite database (or ``":memory:"``) opened by
    :func:`open_database`: one connection shared by threads under one lock; sqlite3 errors
    become a :class:`StoreError` saying ``FAILED``."""

    FAILED: Text

    def __init__(self, path: str | Path, schema: str) -> None:
        self.path = str(path)
        self._lock = threading.RLock()
        try:
            self._db = open_database(self.path, schema)
        except sqlite3.Error as exc:
            raise self._error(exc) from exc

    @classmethod
    def _error(cls, exc: sqlite3.Error) -> StoreError:
        return StoreError(cls.FAILED, cause=f"{type(exc).__name__}: {exc}")

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (nested calls join the outer one)."""
        with write_transaction(self._db, self._lock, self._error) as db:
            yield db

    def _all(self, sql: str, args: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._db.execute(sql, args).fetchall()
            except sqlite3.Error as exc:
                raise self._error(exc) from exc

    def close(self) -> None:
        with self._lock:
            self._db.close()
