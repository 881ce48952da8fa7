"""``kill -9`` of ``labkit jlis serve --db F`` while clients make records over HTTP (residents,
cards, applications, registrations): after a restart on F every record the server answered
for is there. Every store commits (WAL, ``synchronous=FULL``, one ``BEGIN IMMEDIATE`` per
change: :mod:`labkit._sqlite`) before the answer leaves, so nothing answered can be lost."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import pytest
from jlis_server import ServerProcess
from jlis_support import Phone, new_key

from labkit.card import MyNumberCard
from labkit.errors import ServiceError
from labkit.jlis import DeviceAction, Refusal
from labkit.municipality import CardRequest, ResidentQuery, ResidentRequest
from labkit.office.http import HttpCounter, HttpJlis
from labkit.pki import CertState, Sex

START = "2026-04-01T10:00:00+09:00"
pytestmark = pytest.mark.slow
WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


@dataclass
class Acked:
    """What the server answered for (collected by the client threads)."""

    residents: dict[str, str] = field(default_factory=dict)           # my_number -> holder_id
    cards: dict[str, tuple[int, ...]] = field(default_factory=dict)   # my_number -> issued serials
    applications: dict[str, tuple[Phone, str]] = field(default_factory=dict)  # app id -> (phone, holder)
    lock: threading.Lock = field(default_factory=threading.Lock)


def worker(url: str, n: int, keys: itertools.cycle[object], acked: Acked, stop: threading.Event) -> None:
    jlis = HttpJlis(url, timeout=10)
    counter = HttpCounter(jlis)
    try:
        for i in itertools.count():
            if stop.is_set():
                return
            name = f"耐久\u3000{n}{i:03d}号".translate(WIDE)
            person = counter.register_resident(ResidentRequest(name, Sex.FEMALE, date(1990, 1 + n, 1 + i % 28),
                                                               "東京都清瀬市見本町１丁目２番３号"))
            with acked.lock:
                acked.residents[person.my_number] = person.holder_id
            issued = counter.issue_card(CardRequest(person.my_number, "1234", "ABC123"))
            with acked.lock:
                acked.cards[person.my_number] = issued.issued
            assert issued.card is not None
            phone = Phone(f"dur-{n}-{i}", keys)  # type: ignore[arg-type]
            receipt = phone.apply(jlis, MyNumberCard.from_state(issued.card))
            with acked.lock:
                acked.applications[receipt.application_id] = (phone, person.holder_id)
    except ServiceError as exc:
        assert exc.reason == Refusal.UNAVAILABLE, exc  # the server died under us: stop
    finally:
        jlis.close()


def test_kill_9_loses_no_acknowledged_record(jlis_server: Callable[..., ServerProcess]) -> None:
    server = jlis_server("--now", START)
    keys = itertools.cycle([new_key() for _ in range(6)])
    acked, stop = Acked(), threading.Event()
    threads = [threading.Thread(target=worker, args=(server.url, n, keys, acked, stop)) for n in range(3)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 60
    while len(acked.applications) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()  # SIGKILL mid-traffic: requests are in flight
    stop.set()
    for t in threads:
        t.join(timeout=60)
    assert len(acked.applications) >= 4, "the clients made too few records before the kill"

    server.start()
    with HttpJlis(server.url) as jlis:
        counter = HttpCounter(jlis)
        for my_number, holder_id in acked.residents.items():
            assert counter.find_resident(ResidentQuery(my_number=my_number)).holder_id == holder_id
        for my_number, serials in acked.cards.items():
            known = {c.serial: c.state for c in counter.card_certificates(my_number)}
            assert all(known.get(s) is CertState.GOOD for s in serials), (my_number, serials, known)
        for app_id, (phone, holder_id) in acked.applications.items():
            status = phone.status(jlis)  # the proof's counter is checked against the restored one
            assert (status.holder_id, status.pending_application) == (holder_id, app_id)
        jlis.advance_clock(180)  # the push is due: every acknowledged application is processed
        for app_id, (phone, _) in acked.applications.items():
            assert [n.application_id for n in phone.poll(jlis)] == [app_id]
            assert set(phone.fetch(jlis, app_id).certificates) == {"auth", "sign"}
            assert phone.confirm(jlis, app_id).state.value == "active"
        # the device counters are durable too: a proof J-LIS accepted stays spent after a crash
        phone, _ = next(iter(acked.applications.values()))
        used = phone.proof(DeviceAction.POLL)
        assert jlis.poll(phone.device_id, used) == []
        server.kill()
        server.start()
        with pytest.raises(ServiceError) as exc:
            jlis.poll(phone.device_id, used)
        assert exc.value.reason == Refusal.UNAUTHENTICATED


def test_every_store_of_the_server_commits_durably(tmp_path: object) -> None:
    """The settings the kill -9 test relies on: WAL and synchronous=FULL on each connection."""
    from labkit.jlis import JlisDb
    from labkit.municipality import ResidentRegistry
    from labkit.pki import SqliteStore
    path = str(tmp_path) + "/jlis.db"  # type: ignore[operator]
    for store in (JlisDb(path), SqliteStore(path), ResidentRegistry(path)):
        conn = store._db  # type: ignore[attr-defined]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert conn.isolation_level is None  # explicit BEGIN IMMEDIATE ... COMMIT (labkit._sqlite)
        store.close()
