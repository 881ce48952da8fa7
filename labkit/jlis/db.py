"""J-LIS's own records, in SQLite: holders, phones, applications, which phone holds which
certificate, push notifications (deletion orders included), the usage history, spent nonces and
the journal of card issuances at the counter, and each phone's device key with the last proof
counter accepted from it (``jlis_device_keys``, read and written by :mod:`labkit.jlis.devices`).

The PKI store keeps certificates and their revocation state; these tables keep everything
else. Both may live in one file (``labkit jlis serve --db FILE``: tables prefixed
``jlis_``) or this one in ``":memory:"`` for notebooks and tests. WAL journal,
``synchronous=FULL`` and one ``BEGIN IMMEDIATE`` transaction per change: a killed server
keeps every change it had answered. Times are UTC epoch seconds; serials 40-digit hex.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .._sqlite import ChangeCounter, SqliteTables, from_ts, to_ts
from ..i18n import Text
from ..office.jlis_forms import Notification, NotificationKind, UsageEvent, UsageKind
from ..office.wire import holder_from_json, holder_to_json
from ..pki import CaKind, Holder, Reason

__all__ = ["ApplicationRow", "DeviceRow", "JlisDb", "LinkRow"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jlis_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS jlis_holders (
    holder_id TEXT PRIMARY KEY, name TEXT NOT NULL, birth_date TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS jlis_holders_name ON jlis_holders (name, birth_date);
CREATE TABLE IF NOT EXISTS jlis_devices (
    device_id TEXT PRIMARY KEY, holder_id TEXT, se_id TEXT, state TEXT NOT NULL,
    retire_reason INTEGER, updated_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS jlis_devices_holder ON jlis_devices (holder_id, state);
CREATE TABLE IF NOT EXISTS jlis_applications (
    application_id TEXT PRIMARY KEY, device_id TEXT NOT NULL, holder_id TEXT NOT NULL,
    se_id TEXT NOT NULL, kind TEXT NOT NULL, certificates TEXT NOT NULL, public_keys TEXT NOT NULL,
    card_serial TEXT NOT NULL, state TEXT NOT NULL, applied_at INTEGER NOT NULL,
    push_at INTEGER NOT NULL, refusal TEXT, old_device_id TEXT, revoked TEXT NOT NULL DEFAULT '[]');
CREATE INDEX IF NOT EXISTS jlis_applications_state ON jlis_applications (state, push_at);
CREATE INDEX IF NOT EXISTS jlis_applications_holder ON jlis_applications (holder_id, state);
CREATE TABLE IF NOT EXISTS jlis_phone_certs (
    serial TEXT PRIMARY KEY, device_id TEXT NOT NULL, holder_id TEXT NOT NULL,
    application_id TEXT NOT NULL, kind TEXT NOT NULL, settled INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS jlis_phone_certs_device ON jlis_phone_certs (device_id);
CREATE INDEX IF NOT EXISTS jlis_phone_certs_holder ON jlis_phone_certs (holder_id);
CREATE TABLE IF NOT EXISTS jlis_notifications (
    id INTEGER PRIMARY KEY AUTOINCREMENT, device_id TEXT NOT NULL, kind TEXT NOT NULL,
    due_at INTEGER NOT NULL, expires_at INTEGER, application_id TEXT, serials TEXT NOT NULL,
    ja TEXT NOT NULL, en TEXT NOT NULL, delivered_at INTEGER, lapsed INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS jlis_notifications_device ON jlis_notifications (device_id, delivered_at);
CREATE TABLE IF NOT EXISTS jlis_usage (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, kind TEXT NOT NULL, holder_id TEXT,
    serial TEXT, device_id TEXT, service TEXT NOT NULL, outcome TEXT NOT NULL, ja TEXT NOT NULL,
    en TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS jlis_usage_holder ON jlis_usage (holder_id, at);
CREATE TABLE IF NOT EXISTS jlis_nonces (nonce TEXT PRIMARY KEY, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS jlis_device_keys (
    device_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, holder_id TEXT, counter INTEGER NOT NULL,
    bound_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS jlis_card_issuances (
    issuance_id TEXT PRIMARY KEY, holder_id TEXT NOT NULL, known TEXT NOT NULL, state TEXT NOT NULL,
    at INTEGER NOT NULL);
"""


def _hex(serial: int) -> str:
    return f"{serial:040x}"


@dataclass(frozen=True, slots=True)
class DeviceRow:
    device_id: str
    holder_id: str | None
    se_id: str | None
    state: str
    retire_reason: Reason | None = None


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    application_id: str
    device_id: str
    holder_id: str
    se_id: str
    kind: str
    certificates: tuple[CaKind, ...]
    public_keys: dict[CaKind, bytes]
    card_serial: int
    state: str
    applied_at: datetime
    push_at: datetime
    refusal: tuple[str, Text] | None = None
    old_device_id: str | None = None
    revoked: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class LinkRow:
    serial: int
    device_id: str
    holder_id: str
    application_id: str
    kind: CaKind
    settled: bool


class JlisDb(SqliteTables):
    """The J-LIS tables in one SQLite database; thread-safe (one connection, one lock)."""

    FAILED = Text("J-LIS のデータベースを操作できません", "the J-LIS database failed")

    def __init__(self, path: str | Path = ":memory:") -> None:
        super().__init__(path, _SCHEMA)
        self._changes = ChangeCounter()

    @contextmanager
    def tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (nested calls join the outer one); counted for :meth:`version`."""
        with self._tx() as db:
            try:
                yield db
            finally:
                self._changes.wrote()

    def version(self) -> tuple[int, int]:
        """Equal values mean nothing was committed to the file in between (see ChangeCounter)."""
        with self._lock:
            try:
                return self._changes.version(self._db)
            except sqlite3.Error as exc:
                raise self._error(exc) from exc

    def next_push_at(self, state: str) -> datetime | None:
        """When the earliest application in ``state`` is due (None: there is none)."""
        rows = self._all("SELECT MIN(push_at) FROM jlis_applications WHERE state = ?", (state,))
        return from_ts(rows[0][0]) if rows else None

    # -- meta -------------------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        rows = self._all("SELECT value FROM jlis_meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO jlis_meta VALUES (?, ?)", (key, value))

    # -- holders ----------------------------------------------------------------------------
    def put_holder(self, holder: Holder) -> None:
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO jlis_holders VALUES (?, ?, ?, ?)",
                       (holder.holder_id, holder.attributes.name, holder.attributes.birth_date.isoformat(),
                        holder_to_json(holder)))

    def holder(self, holder_id: str) -> Holder | None:
        rows = self._all("SELECT data FROM jlis_holders WHERE holder_id = ?", (holder_id,))
        return holder_from_json(rows[0][0]) if rows else None

    def holders_born(self, birth_date: date) -> list[Holder]:
        """Everyone born on ``birth_date`` (the hotline compares normalised names itself)."""
        rows = self._all("SELECT data FROM jlis_holders WHERE birth_date = ? ORDER BY holder_id",
                         (birth_date.isoformat(),))
        return [holder_from_json(r[0]) for r in rows]

    # -- devices ----------------------------------------------------------------------------
    def device(self, device_id: str) -> DeviceRow | None:
        rows = self._all("SELECT device_id, holder_id, se_id, state, retire_reason FROM jlis_devices "
                         "WHERE device_id = ?", (device_id,))
        return self._device(rows[0]) if rows else None

    @staticmethod
    def _device(row: tuple[Any, ...]) -> DeviceRow:
        return DeviceRow(row[0], row[1], row[2], row[3], None if row[4] is None else Reason(row[4]))

    def devices_of(self, holder_id: str, state: str | None = None) -> list[DeviceRow]:
        rows = self._all("SELECT device_id, holder_id, se_id, state, retire_reason FROM jlis_devices "
                         "WHERE holder_id = ? AND (? IS NULL OR state = ?) ORDER BY updated_at, device_id",
                         (holder_id, state, state))
        return [self._device(r) for r in rows]

    def put_device(self, row: DeviceRow, at: datetime) -> None:
        with self.tx() as db:
            db.execute("INSERT OR REPLACE INTO jlis_devices VALUES (?, ?, ?, ?, ?, ?)",
                       (row.device_id, row.holder_id, row.se_id, row.state,
                        None if row.retire_reason is None else int(row.retire_reason), to_ts(at)))

    # -- applications -----------------------------------------------------------------------
    _APP = ("SELECT application_id, device_id, holder_id, se_id, kind, certificates, public_keys, card_serial, "
            "state, applied_at, push_at, refusal, old_device_id, revoked FROM jlis_applications")

    @staticmethod
    def _app(r: tuple[Any, ...]) -> ApplicationRow:
        keys = {CaKind(k): bytes.fromhex(v) for k, v in json.loads(r[6]).items()}
        refusal = None
        if r[11] is not None:
            code, ja, en = json.loads(r[11])
            refusal = (code, Text(ja, en))
        return ApplicationRow(r[0], r[1], r[2], r[3], r[4], tuple(CaKind(k) for k in json.loads(r[5])), keys,
                              int(r[7], 16), r[8], from_ts(r[9]), from_ts(r[10]), refusal, r[12],  # type: ignore[arg-type]
                              tuple(int(s, 16) for s in json.loads(r[13])))

    def add_application(self, app: ApplicationRow) -> None:
        with self.tx() as db:
            db.execute("INSERT INTO jlis_applications VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (app.application_id, app.device_id, app.holder_id, app.se_id, app.kind,
                        json.dumps([k.value for k in app.certificates]),
                        json.dumps({k.value: v.hex() for k, v in app.public_keys.items()}),
                        _hex(app.card_serial), app.state, to_ts(app.applied_at), to_ts(app.push_at),
                        None, app.old_device_id, json.dumps([_hex(s) for s in app.revoked])))

    def application(self, application_id: str) -> ApplicationRow | None:
        rows = self._all(self._APP + " WHERE application_id = ?", (application_id,))
        return self._app(rows[0]) if rows else None

    def applications(self, *, state: str, holder_id: str | None = None, due_by: datetime | None = None,
                     device_id: str | None = None) -> list[ApplicationRow]:
        rows = self._all(self._APP + " WHERE state = ? AND (? IS NULL OR holder_id = ?) AND (? IS NULL OR push_at <= ?)"
                         " AND (? IS NULL OR device_id = ?) ORDER BY push_at, applied_at, application_id",
                         (state, holder_id, holder_id, None if due_by is None else 1,
                          None if due_by is None else to_ts(due_by), device_id, device_id))
        return [self._app(r) for r in rows]

    def set_application_state(self, application_id: str, state: str, *, expected: str,
                              refusal: tuple[str, Text] | None = None) -> bool:
        """Compare-and-set; False if the application was not in ``expected``."""
        with self.tx() as db:
            cur = db.execute("UPDATE jlis_applications SET state = ?, refusal = COALESCE(?, refusal) "
                             "WHERE application_id = ? AND state = ?",
                             (state, None if refusal is None else json.dumps([refusal[0], refusal[1].ja,
                                                                               refusal[1].en], ensure_ascii=False),
                              application_id, expected))
            return cur.rowcount == 1

    # -- which phone holds which certificate ------------------------------------------------
    _LINK = "SELECT serial, device_id, holder_id, application_id, kind, settled FROM jlis_phone_certs"

    @staticmethod
    def _link(r: tuple[Any, ...]) -> LinkRow:
        return LinkRow(int(r[0], 16), r[1], r[2], r[3], CaKind(r[4]), bool(r[5]))

    def link(self, serial: int, device_id: str, holder_id: str, application_id: str, kind: CaKind) -> None:
        with self.tx() as db:
            db.execute("INSERT OR IGNORE INTO jlis_phone_certs VALUES (?, ?, ?, ?, ?, 0)",
                       (_hex(serial), device_id, holder_id, application_id, CaKind(kind).value))

    def link_of(self, serial: int) -> LinkRow | None:
        rows = self._all(self._LINK + " WHERE serial = ?", (_hex(serial),))
        return self._link(rows[0]) if rows else None

    def links(self, *, device_id: str | None = None, holder_id: str | None = None,
              application_id: str | None = None) -> list[LinkRow]:
        rows = self._all(self._LINK + " WHERE (? IS NULL OR device_id = ?) AND (? IS NULL OR holder_id = ?)"
                         " AND (? IS NULL OR application_id = ?) ORDER BY rowid",
                         (device_id, device_id, holder_id, holder_id, application_id, application_id))
        return [self._link(r) for r in rows]

    def unsettled_on_retired(self) -> list[tuple[LinkRow, Reason]]:
        rows = self._all("SELECT c.serial, c.device_id, c.holder_id, c.application_id, c.kind, c.settled, "
                         "d.retire_reason FROM jlis_phone_certs c JOIN jlis_devices d ON d.device_id = c.device_id "
                         "WHERE d.state = 'retired' AND c.settled = 0 ORDER BY c.rowid")
        return [(self._link(r[:6]), Reason(r[6] if r[6] is not None else 0)) for r in rows]

    def settle(self, serial: int) -> None:
        with self.tx() as db:
            db.execute("UPDATE jlis_phone_certs SET settled = 1 WHERE serial = ?", (_hex(serial),))

    # -- notifications ----------------------------------------------------------------------
    def notify(self, device_id: str, kind: str, due_at: datetime, text: Text, *, application_id: str | None = None,
               serials: tuple[int, ...] = (), expires_at: datetime | None = None) -> None:
        with self.tx() as db:
            db.execute("INSERT INTO jlis_notifications (device_id, kind, due_at, expires_at, application_id, "
                       "serials, ja, en) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       (device_id, kind, to_ts(due_at), None if expires_at is None else to_ts(expires_at),
                        application_id, json.dumps([_hex(s) for s in serials]), text.ja, text.en))

    def due(self, device_id: str, now: datetime) -> list[Notification]:
        rows = self._all("SELECT id, device_id, kind, due_at, expires_at, application_id, serials, ja, en "
                         "FROM jlis_notifications WHERE device_id = ? AND delivered_at IS NULL AND lapsed = 0 "
                         "AND due_at <= ? ORDER BY due_at, id", (device_id, to_ts(now)))
        return [Notification(r[0], r[1], NotificationKind(r[2]), from_ts(r[3]), r[5],  # type: ignore[arg-type]
                             tuple(int(s, 16) for s in json.loads(r[6])), Text(r[7], r[8]), from_ts(r[4]))
                for r in rows]

    def mark_delivered(self, ids: list[int], at: datetime) -> None:
        with self.tx() as db:
            db.executemany("UPDATE jlis_notifications SET delivered_at = ? WHERE id = ?", [(to_ts(at), n) for n in ids])

    def mark_lapsed(self, ids: list[int]) -> None:
        with self.tx() as db:
            db.executemany("UPDATE jlis_notifications SET lapsed = 1 WHERE id = ?", [(n,) for n in ids])

    # -- usage history ----------------------------------------------------------------------
    def add_usage(self, at: datetime, kind: str, text: Text, *, holder_id: str | None, serial: int | None,
                  device_id: str | None, service: str = "J-LIS", outcome: str = "ok") -> UsageEvent:
        with self.tx() as db:
            cur = db.execute("INSERT INTO jlis_usage (at, kind, holder_id, serial, device_id, service, outcome, ja, en)"
                             " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             (to_ts(at), kind, holder_id, None if serial is None else _hex(serial), device_id,
                              service, outcome, text.ja, text.en))
            row_id = cur.lastrowid
        assert row_id is not None
        return UsageEvent(row_id, datetime.fromtimestamp(to_ts(at), UTC), UsageKind(kind), holder_id, serial, device_id,
                          service, outcome, text)

    def usage(self, holder_id: str, limit: int) -> list[UsageEvent]:
        rows = self._all("SELECT id, at, kind, holder_id, serial, device_id, service, outcome, ja, en FROM jlis_usage "
                         "WHERE holder_id = ? ORDER BY at DESC, id DESC LIMIT ?", (holder_id, limit))
        return [UsageEvent(r[0], from_ts(r[1]), UsageKind(r[2]), r[3],  # type: ignore[arg-type]
                           None if r[4] is None else int(r[4], 16), r[5], r[6], r[7], Text(r[8], r[9])) for r in rows]

    # -- nonces -----------------------------------------------------------------------------
    def spend_nonce(self, nonce: bytes, at: datetime) -> bool:
        """Record a request nonce; False if it was seen before (a replay)."""
        with self.tx() as db:
            cur = db.execute("INSERT OR IGNORE INTO jlis_nonces VALUES (?, ?)", (nonce.hex(), to_ts(at)))
            return cur.rowcount == 1

    # -- card issuances at the counter (journal) ----------------------------------------------
    def begin_issuance(self, issuance_id: str, holder_id: str, known: list[int], at: datetime) -> None:
        """Intent first: the holder's card certificates that existed before this issuance."""
        with self.tx() as db:
            db.execute("INSERT INTO jlis_card_issuances VALUES (?, ?, ?, 'open', ?)",
                       (issuance_id, holder_id, json.dumps([_hex(s) for s in known]), to_ts(at)))

    def end_issuance(self, issuance_id: str, state: str) -> None:
        with self.tx() as db:
            db.execute("UPDATE jlis_card_issuances SET state = ? WHERE issuance_id = ?", (state, issuance_id))

    def open_issuances(self) -> list[tuple[str, str, frozenset[int]]]:
        """Issuances a crash interrupted: (id, holder, serials known before)."""
        rows = self._all("SELECT issuance_id, holder_id, known FROM jlis_card_issuances WHERE state = 'open' "
                         "ORDER BY at, issuance_id")
        return [(r[0], r[1], frozenset(int(s, 16) for s in json.loads(r[2]))) for r in rows]
