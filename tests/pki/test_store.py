"""One suite for both stores, plus what only SQLite can show (persistence, crashes)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pki_support import assert_bilingual, make_holder

from labkit.clock import SimulatedClock
from labkit.errors import StoreError
from labkit.pki import (
    CARD_AUTH,
    CaKind,
    CertRecord,
    Jpki,
    MemoryStore,
    Reason,
    Revocation,
    SqliteStore,
    Store,
)
from labkit.pki.store import NewCertificate

T0 = datetime(2026, 4, 1, 1, 0, tzinfo=UTC)


def new(serial: int, ca: CaKind = CaKind.AUTH, *, profile: str = "card-auth", holder: str | None = "h1",
        offset: int = 0, key: bytes | None = None) -> NewCertificate:
    start = T0 + timedelta(minutes=offset)
    return NewCertificate(CertRecord(serial, ca, profile, holder, start, start + timedelta(days=365),
                                     f"cert-{serial}".encode()), key)


def with_cas(store: Store) -> Store:
    for kind in CaKind:
        store.create_ca(kind, lambda s, kind=kind: new(s, kind, profile="root", holder=None, key=b"KEY"))
    return store


def sequence(*serials: int) -> Callable[[], int]:
    it: Iterator[int] = iter(serials)
    return lambda: next(it)


def make(kind: str, tmp_path: Path, serials: Callable[[], int]) -> Store:
    return MemoryStore(serials) if kind == "memory" else SqliteStore(tmp_path / "s.db", serials)


@pytest.fixture(params=["memory", "sqlite"])
def kind(request: pytest.FixtureRequest) -> str:
    return request.param


def test_ca_records(store: Store) -> None:
    assert store.get_ca(CaKind.SIGN) is None
    with_cas(store)
    ca = store.get_ca(CaKind.SIGN)
    assert ca is not None and ca.key_pem == b"KEY" and ca.root.profile == "root"
    assert (ca.crl_number, ca.revision, ca.crl_der) == (0, 0, None)
    assert store.private_key(ca.root.serial) == b"KEY"
    with pytest.raises(StoreError) as info:
        store.create_ca(CaKind.SIGN, lambda s: new(s, CaKind.SIGN, key=b"K2"))
    assert_bilingual(info.value)


def test_issue_skips_taken_serials_and_never_reuses(kind: str, tmp_path: Path) -> None:
    # the two roots take serials 1 and 2; the source then offers them again before 3
    store = with_cas(make(kind, tmp_path, sequence(1, 2, 2, 1, 3, *[3] * 64)))
    offered: list[int] = []

    def build(serial: int) -> NewCertificate:
        offered.append(serial)
        return new(serial)
    store.issue(CaKind.AUTH, build)
    assert offered == [3]
    with pytest.raises(StoreError):  # the source only repeats taken serials now
        store.issue(CaKind.AUTH, new)
    assert [r.serial for r in store.find(ca=CaKind.AUTH, profile="card-auth")] == [3]
    store.close()


def test_serials_are_positive_and_at_most_20_octets() -> None:
    store = with_cas(MemoryStore())
    serials = [store.issue(CaKind.AUTH, new).serial for _ in range(50)]
    assert len(set(serials)) == 50
    assert all(0 < s and len(s.to_bytes(20, "big").lstrip(b"\0")) <= 20 for s in serials)
    with pytest.raises(ValueError):
        new(2 ** 160)


def test_failed_build_records_nothing(store: Store) -> None:
    with_cas(store)
    allocated: list[int] = []

    def explode(serial: int) -> NewCertificate:
        allocated.append(serial)
        raise RuntimeError("signing failed")
    with pytest.raises(RuntimeError):
        store.issue(CaKind.AUTH, explode)
    assert store.get(allocated[0]) is None and store.private_key(allocated[0]) is None
    assert store.find(profile="card-auth") == []
    assert store.issue(CaKind.AUTH, new).profile == "card-auth"


def test_issue_needs_the_ca(store: Store) -> None:
    with pytest.raises(StoreError):
        store.issue(CaKind.AUTH, new)


def test_find_filters_and_orders(store: Store) -> None:
    with_cas(store)
    a = store.issue(CaKind.AUTH, lambda s: new(s, offset=5))
    b = store.issue(CaKind.AUTH, lambda s: new(s, holder="h2", offset=1))
    c = store.issue(CaKind.SIGN, lambda s: new(s, CaKind.SIGN, profile="card-sign", offset=3))
    assert [r.serial for r in store.find(profile="card-auth")] == [b.serial, a.serial]
    assert [r.serial for r in store.find(holder_id="h1")] == [c.serial, a.serial]
    assert [r.serial for r in store.find(ca=CaKind.SIGN, holder_id="h1")] == [c.serial]
    assert store.get(a.serial) == a


def test_revocation_compare_and_set(store: Store) -> None:
    with_cas(store)
    rec = store.issue(CaKind.AUTH, new)
    hold = Revocation(Reason.CERTIFICATE_HOLD, T0 + timedelta(hours=1))
    updated = store.set_revocation(rec.serial, expected=None, new=hold)
    assert updated.revocation == hold and store.get(rec.serial).revocation == hold
    assert store.get_ca(CaKind.AUTH).revision == 1 and store.get_ca(CaKind.SIGN).revision == 0
    with pytest.raises(StoreError):  # someone else changed it first
        store.set_revocation(rec.serial, expected=None, new=hold)
    assert [r.serial for r in store.revoked(CaKind.AUTH)] == [rec.serial] and store.revoked(CaKind.SIGN) == []
    store.set_revocation(rec.serial, expected=hold, new=None)
    assert store.get(rec.serial).revocation is None and store.revoked(CaKind.AUTH) == []
    assert store.get_ca(CaKind.AUTH).revision == 2
    with pytest.raises(StoreError):
        store.set_revocation(12345, expected=None, new=hold)


def test_crl_numbers_are_monotonic_and_atomic(store: Store) -> None:
    with_cas(store)
    seen: list[tuple[int, int]] = []
    for _ in range(3):
        store.publish_crl(CaKind.SIGN, lambda n, revoked: (seen.append((n, len(revoked))), f"crl{n}".encode())[1])
    assert seen == [(1, 0), (2, 0), (3, 0)]
    with pytest.raises(RuntimeError):
        store.publish_crl(CaKind.SIGN, lambda n, r: (_ for _ in ()).throw(RuntimeError("boom")))
    ca = store.get_ca(CaKind.SIGN)
    assert (ca.crl_number, ca.crl_der) == (3, b"crl3")
    assert store.get_ca(CaKind.AUTH).crl_number == 0


def scenario(store: Store) -> list[object]:
    """The same operations, observed the same way, for the parity test."""
    with_cas(store)
    out: list[object] = []
    recs = [store.issue(CaKind.AUTH if i % 2 else CaKind.SIGN,
                        lambda s, i=i: new(s, CaKind.AUTH if i % 2 else CaKind.SIGN, holder=f"h{i % 3}", offset=i))
            for i in range(6)]
    store.set_revocation(recs[1].serial, expected=None, new=Revocation(Reason.KEY_COMPROMISE, T0, T0))
    store.set_revocation(recs[3].serial, expected=None, new=Revocation(Reason.CERTIFICATE_HOLD, T0))
    out += [store.find(), store.find(holder_id="h1"), store.revoked(CaKind.AUTH), store.revoked(CaKind.SIGN)]
    out.append(store.publish_crl(CaKind.AUTH, lambda n, r: repr((n, [x.serial for x in r])).encode()))
    out += [store.get_ca(k) for k in CaKind]
    return out


def test_memory_and_sqlite_behave_the_same(tmp_path: Path) -> None:
    serials = list(range(100, 140))
    memory = scenario(MemoryStore(sequence(*serials)))
    sqlite = scenario(SqliteStore(tmp_path / "p.db", sequence(*serials)))
    assert memory == sqlite


# --- SQLite only -------------------------------------------------------------------------

def test_sqlite_pragmas_and_reopen(tmp_path: Path, make_jpki: Callable[..., Jpki], ee_key: rsa.RSAPrivateKey,
                                   clock: SimulatedClock) -> None:
    path = tmp_path / "jlis.db"
    store = SqliteStore(path)
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    jpki = make_jpki(store)
    cert = jpki.issue(CARD_AUTH, ee_key.public_key(), make_holder())
    jpki.hold(cert.serial_number)
    crl_number = jpki.store.get_ca(CaKind.AUTH).crl_number
    jpki.crl(CaKind.AUTH)
    store.close()

    again = Jpki.create(SqliteStore(path), clock, key_factory=lambda: pytest.fail("must not make new CA keys"))
    assert again.anchors == jpki.anchors
    assert again.responder(CaKind.AUTH) == jpki.responder(CaKind.AUTH)
    assert again.status(cert.serial_number).state.value == "held"
    clock.advance(seconds=1)
    again.release_hold(cert.serial_number)
    again.crl(CaKind.AUTH)
    assert again.store.get_ca(CaKind.AUTH).crl_number == crl_number + 2
    again.store.close()


def test_sqlite_errors_become_store_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as info:
        SqliteStore(tmp_path / "missing-dir" / "x.db")
    assert_bilingual(info.value)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError):
        SqliteStore(garbage)
    closed = SqliteStore(tmp_path / "c.db")
    closed.close()
    with pytest.raises(StoreError):
        closed.get(1)


def test_sqlite_rejects_an_unknown_schema_version(tmp_path: Path) -> None:
    SqliteStore(tmp_path / "v.db").close()
    with sqlite3.connect(tmp_path / "v.db") as db:
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(StoreError):
        SqliteStore(tmp_path / "v.db")


_CRASH = textwrap.dedent("""
    import os, sys
    from datetime import UTC, datetime, timedelta
    from labkit.pki import CaKind, CertRecord, SqliteStore
    from labkit.pki.store import NewCertificate

    store = SqliteStore(sys.argv[1])
    def build(serial):
        now = datetime(2026, 4, 1, tzinfo=UTC)
        record = CertRecord(serial, CaKind.AUTH, "card-auth", "h1", now, now + timedelta(days=1), b"x")
        with open(sys.argv[2], "w") as f:
            f.write(str(serial))
        os._exit(9)   # the process dies after the serial was allocated, before anything is recorded
    store.issue(CaKind.AUTH, build)
""")


def test_crash_between_serial_allocation_and_recording(tmp_path: Path) -> None:
    path = tmp_path / "crash.db"
    store = with_cas(SqliteStore(path))
    before = store.find()
    store.close()
    marker = tmp_path / "serial.txt"
    proc = subprocess.run([sys.executable, "-c", _CRASH, str(path), str(marker)], capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[2])})
    assert proc.returncode == 9, proc.stderr
    serial = int(marker.read_text())

    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    reopened = SqliteStore(path)
    assert reopened.get(serial) is None
    assert reopened.find() == before
    assert reopened.issue(CaKind.AUTH, new).serial > 0  # writable again: no lock left behind
    reopened.close()


def test_concurrent_issuance_gives_distinct_serials(store: Store) -> None:
    with_cas(store)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(15):
                store.issue(CaKind.AUTH, new)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    serials = [r.serial for r in store.find(profile="card-auth")]
    assert len(serials) == len(set(serials)) == 60
