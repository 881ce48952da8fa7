"""The shared write-transaction discipline of the SQLite stores."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from labkit._sqlite import write_transaction
from labkit.errors import StoreError


class Boom(Exception):
    pass


def _db() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    db.execute("CREATE TABLE t (x INTEGER UNIQUE)")
    return db


def _error(exc: sqlite3.Error) -> StoreError:
    return StoreError("保存できません", "store failed", cause=str(exc))


def test_commit_rollback_and_error_mapping() -> None:
    db, lock = _db(), threading.RLock()
    with write_transaction(db, lock, _error) as tx:
        tx.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(Boom), write_transaction(db, lock, _error) as tx:
        tx.execute("INSERT INTO t VALUES (2)")
        raise Boom
    with pytest.raises(StoreError) as info, write_transaction(db, lock, _error) as tx:
        tx.execute("INSERT INTO t VALUES (3)")
        tx.execute("INSERT INTO t VALUES (1)")  # UNIQUE violation
    assert "UNIQUE" in str(info.value.details["cause"])
    assert [r[0] for r in db.execute("SELECT x FROM t")] == [1]  # 2 and 3 rolled back
    assert not db.in_transaction


def test_nested_calls_join_the_outer_transaction() -> None:
    db, lock = _db(), threading.RLock()
    with pytest.raises(Boom), write_transaction(db, lock, _error) as outer:
        outer.execute("INSERT INTO t VALUES (1)")
        with write_transaction(db, lock, _error) as inner:
            inner.execute("INSERT INTO t VALUES (2)")
        raise Boom
    assert db.execute("SELECT count(*) FROM t").fetchone() == (0,)
