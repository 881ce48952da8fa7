"""SQLite implementation of :class:`~labkit.pki.store.Store` (stdlib ``sqlite3``).

WAL journal, foreign keys on, every write in ``BEGIN IMMEDIATE … COMMIT`` so a crash at
any point leaves the previous committed state. Serials are stored as 40-digit hex text
(they exceed SQLite's 64-bit INTEGER), which also sorts numerically. Times are UTC epoch
seconds. Every ``sqlite3.Error`` becomes a :class:`~labkit.errors.StoreError`.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .._sqlite import ChangeCounter, from_ts, to_ts, write_transaction
from ..errors import StoreError
from ..i18n import Text
from .constants import CaKind, Reason
from .store import (
    CaRecord,
    CertRecord,
    NewCertificate,
    Revocation,
    RevokedEntry,
    Store,
    already_changed,
    random_serial,
)

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS certificates (
    serial     TEXT PRIMARY KEY CHECK (length(serial) = 40),
    ca         TEXT NOT NULL CHECK (ca IN ('sign', 'auth')),
    profile    TEXT NOT NULL,
    holder_id  TEXT,
    not_before INTEGER NOT NULL,
    not_after  INTEGER NOT NULL CHECK (not_after > not_before),
    der        BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS certificates_holder ON certificates (holder_id);
CREATE INDEX IF NOT EXISTS certificates_ca ON certificates (ca, profile);
CREATE TABLE IF NOT EXISTS keys (
    serial TEXT PRIMARY KEY REFERENCES certificates (serial),
    pem    BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS revocations (
    serial          TEXT PRIMARY KEY REFERENCES certificates (serial),
    reason          INTEGER NOT NULL,
    revoked_at      INTEGER NOT NULL,
    invalidity_date INTEGER
);
CREATE TABLE IF NOT EXISTS cas (
    kind         TEXT PRIMARY KEY CHECK (kind IN ('sign', 'auth')),
    root_serial  TEXT NOT NULL UNIQUE REFERENCES keys (serial),
    crl_number   INTEGER NOT NULL DEFAULT 0,
    revision     INTEGER NOT NULL DEFAULT 0,
    crl_der      BLOB,
    crl_revision INTEGER NOT NULL DEFAULT -1
);
"""

_CERT_COLUMNS = ("SELECT c.serial, c.ca, c.profile, c.holder_id, c.not_before, c.not_after, c.der, "
                 "r.reason, r.revoked_at, r.invalidity_date FROM certificates c "
                 "LEFT JOIN revocations r ON r.serial = c.serial")


def _hex(serial: int) -> str:
    return f"{serial:040x}"


def _at(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


def _cert(row: tuple[Any, ...]) -> CertRecord:
    serial, ca, profile, holder, nb, na, der, reason, revoked_at, invalidity = row
    revocation = None if reason is None else Revocation(Reason(reason), _at(revoked_at), from_ts(invalidity))
    return CertRecord(int(serial, 16), CaKind(ca), profile, holder, _at(nb), _at(na), bytes(der), revocation)


class SqliteStore(Store):
    """A store in one SQLite file (or ``":memory:"``); safe to share between threads."""

    def __init__(self, path: str | Path, serials: Callable[[], int] = random_serial) -> None:
        super().__init__(serials)
        self.path = str(path)
        self._lock = threading.RLock()
        self._changes = ChangeCounter()
        self._revisions: dict[CaKind, tuple[tuple[int, int], int]] = {}
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=10)
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA busy_timeout = 10000")
            if self.path != ":memory:":
                self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = FULL")
        except sqlite3.Error as exc:
            raise self._error(exc) from exc
        self._migrate()

    @staticmethod
    def _error(exc: sqlite3.Error) -> StoreError:
        return StoreError(Text("証明書データベースを操作できません", "the certificate database failed"),
                          cause=f"{type(exc).__name__}: {exc}")

    def _migrate(self) -> None:
        with self._tx() as db:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                db.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) != SCHEMA_VERSION:
                raise StoreError(Text("データベースの版が違います", "unsupported database schema version"),
                                 found=row[0], expected=SCHEMA_VERSION)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; any exception rolls back and sqlite errors become StoreError."""
        with write_transaction(self._db, self._lock, self._error) as db:
            try:
                yield db
            finally:
                self._changes.wrote()

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                yield self._db
            except sqlite3.Error as exc:
                raise self._error(exc) from exc

    def _taken(self, db: sqlite3.Connection) -> Callable[[int], bool]:
        return lambda s: db.execute("SELECT 1 FROM certificates WHERE serial = ?", (_hex(s),)).fetchone() is not None

    def _insert(self, db: sqlite3.Connection, new: NewCertificate, ca: CaKind) -> CertRecord:
        rec = new.record
        if rec.ca is not ca or rec.revocation is not None:
            raise StoreError(Text("発行記録が不正です", "inconsistent issuance record"), serial=rec.serial)
        db.execute("INSERT INTO certificates VALUES (?, ?, ?, ?, ?, ?, ?)",
                   (_hex(rec.serial), rec.ca.value, rec.profile, rec.holder_id, to_ts(rec.not_before),
                    to_ts(rec.not_after), rec.der))
        if new.private_key_pem is not None:
            db.execute("INSERT INTO keys VALUES (?, ?)", (_hex(rec.serial), new.private_key_pem))
        return rec

    def create_ca(self, kind: CaKind, build: Callable[[int], NewCertificate]) -> CaRecord:
        with self._tx() as db:
            if db.execute("SELECT 1 FROM cas WHERE kind = ?", (kind.value,)).fetchone():
                raise StoreError(Text("この認証局は既にあります", "this CA already exists"), ca=kind.value)
            new = build(self._allocate(self._taken(db)))
            if new.private_key_pem is None:
                raise StoreError(Text("認証局の鍵がありません", "a CA needs its private key"), ca=kind.value)
            rec = self._insert(db, new, kind)
            db.execute("INSERT INTO cas (kind, root_serial) VALUES (?, ?)", (kind.value, _hex(rec.serial)))
        return self.get_ca(kind)  # type: ignore[return-value]

    def get_ca(self, kind: CaKind) -> CaRecord | None:
        with self._read() as db:
            row = db.execute("SELECT root_serial, crl_number, revision, crl_der, crl_revision FROM cas WHERE kind = ?",
                             (kind.value,)).fetchone()
            if row is None:
                return None
            root = self.get(int(row[0], 16))
            key = self.private_key(int(row[0], 16))
        assert root is not None and key is not None  # foreign keys guarantee both
        return CaRecord(kind, root, key, row[1], row[2], None if row[3] is None else bytes(row[3]), row[4])

    def revision(self, kind: CaKind) -> int:
        """Read again only after a commit (by any connection): OCSP asks this per request."""
        with self._lock:  # not _read(): its context manager alone was a third of the cost
            try:
                version = self._changes.version(self._db)
                known = self._revisions.get(kind)
                if known is not None and known[0] == version:
                    return known[1]
                row = self._db.execute("SELECT revision FROM cas WHERE kind = ?", (kind.value,)).fetchone()
            except sqlite3.Error as exc:
                raise self._error(exc) from exc
            revision = -1 if row is None else int(row[0])
            self._revisions[kind] = (version, revision)
        return revision

    def issue(self, ca: CaKind, build: Callable[[int], NewCertificate]) -> CertRecord:
        with self._tx() as db:
            if not db.execute("SELECT 1 FROM cas WHERE kind = ?", (ca.value,)).fetchone():
                raise StoreError(Text("認証局がありません", "no such CA"), ca=ca.value)
            return self._insert(db, build(self._allocate(self._taken(db))), ca)

    def get(self, serial: int) -> CertRecord | None:
        with self._read() as db:
            row = db.execute(_CERT_COLUMNS + " WHERE c.serial = ?", (_hex(serial),)).fetchone()
        return None if row is None else _cert(row)

    def private_key(self, serial: int) -> bytes | None:
        with self._read() as db:
            row = db.execute("SELECT pem FROM keys WHERE serial = ?", (_hex(serial),)).fetchone()
        return None if row is None else bytes(row[0])

    def find(self, *, ca: CaKind | None = None, holder_id: str | None = None,
             profile: str | None = None) -> list[CertRecord]:
        where, args = [], []
        for column, value in (("c.ca", None if ca is None else ca.value), ("c.holder_id", holder_id),
                              ("c.profile", profile)):
            if value is not None:
                where.append(f"{column} = ?")
                args.append(value)
        sql = _CERT_COLUMNS + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY c.not_before, c.serial"
        with self._read() as db:
            return [_cert(row) for row in db.execute(sql, args).fetchall()]

    def revoked(self, ca: CaKind) -> list[CertRecord]:
        with self._read() as db:
            rows = db.execute(_CERT_COLUMNS + " WHERE c.ca = ? AND r.serial IS NOT NULL ORDER BY c.serial",
                              (ca.value,)).fetchall()
        return [_cert(row) for row in rows]

    def set_revocation(self, serial: int, *, expected: Revocation | None,
                       new: Revocation | None) -> CertRecord:
        with self._tx() as db:
            current = self.get(serial)
            if current is None:
                raise StoreError(Text("その証明書はありません", "no such certificate"), serial=serial)
            if current.revocation != expected:
                raise already_changed(serial)
            db.execute("DELETE FROM revocations WHERE serial = ?", (_hex(serial),))
            if new is not None:
                db.execute("INSERT INTO revocations VALUES (?, ?, ?, ?)",
                           (_hex(serial), int(new.reason), to_ts(new.revoked_at),
                            None if new.invalidity_date is None else to_ts(new.invalidity_date)))
            db.execute("UPDATE cas SET revision = revision + 1 WHERE kind = ?", (current.ca.value,))
        return self.get(serial)  # type: ignore[return-value]

    def revoked_entries(self, ca: CaKind) -> list[RevokedEntry]:
        with self._read() as db:
            rows = db.execute("SELECT r.serial, r.reason, r.revoked_at, r.invalidity_date, c.not_after "
                              "FROM revocations r JOIN certificates c ON c.serial = r.serial "
                              "WHERE c.ca = ? ORDER BY r.serial", (ca.value,)).fetchall()
        return [RevokedEntry(int(serial, 16), reason, at, inv, na) for serial, reason, at, inv, na in rows]

    def publish_crl(self, kind: CaKind, build: Callable[[int, list[RevokedEntry]], bytes]) -> CaRecord:
        with self._tx() as db:
            row = db.execute("SELECT crl_number, revision FROM cas WHERE kind = ?", (kind.value,)).fetchone()
            if row is None:
                raise StoreError(Text("認証局がありません", "no such CA"), ca=kind.value)
            der = build(row[0] + 1, self.revoked_entries(kind))
            db.execute("UPDATE cas SET crl_number = ?, crl_der = ?, crl_revision = ? WHERE kind = ?",
                       (row[0] + 1, der, row[1], kind.value))
        return self.get_ca(kind)  # type: ignore[return-value]

    def close(self) -> None:
        with self._lock:
            try:
                self._db.close()
            except sqlite3.Error as exc:
                raise self._error(exc) from exc
