"""``labkit jlis serve --class`` as its own process (issue 12): it prints the class code and the
lecturer token (from the environment, else the ones stored in ``--db``), and a ``kill -9``
mid-lesson loses no acknowledged record: students and tokens, what they own, their clocks, their
progress, the activity log and J-LIS's own records. Without ``--class`` a non-loopback ``--host``
is refused with a bilingual error."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from jlis_server import START, ServerProcess

from labkit.cli import main
from labkit.errors import ServiceError
from labkit.office.class_client import ClassClient
from labkit.office.classroom import ClassStore
from labkit.office.contract import CardRequest, ResidentRequest
from labkit.office.http import HttpCounter, HttpJlis
from labkit.pki import Sex

pytestmark = pytest.mark.slow


def test_without_class_a_non_loopback_host_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jlis", "serve", "--host", "0.0.0.0", "--db", ":memory:"]) == 2
    err = capsys.readouterr().err
    assert "--class" in err and "ループバック" in err and "loopback only" in err


def test_kill_9_mid_lesson_loses_no_acknowledged_record(tmp_path: Path) -> None:
    db = tmp_path / "class.db"
    server = ServerProcess(db, ["--class", "--now", START],
                           {"LABKIT_CLASS_CODE": "c1a55c0de", "LABKIT_LECTURER_TOKEN": "teacher-token-123456"})
    try:
        printed = server.start().output()
        assert "C1A55C0DE" in printed and "teacher-token-123456" in printed
        lecturer = ClassClient(server.url, "teacher-token-123456")
        alice, bob = ClassClient(server.url), ClassClient(server.url)
        sa = alice.join("c1a55c0de", "alice")["student_id"]  # the code as typed, lower case
        bob.join("C1A55C0DE", "bob")
        with HttpJlis(server.url, token=alice.token) as jlis:
            counter = HttpCounter(jlis)
            resident = counter.register_resident(ResidentRequest("耐久\u3000花子", Sex.FEMALE, date(1990, 7, 15),
                                                                 "東京都清瀬市見本町１丁目２番３号"))
            issued = counter.issue_card(CardRequest(resident.my_number, "1234", "ABC123"))
            alice_now = jlis.advance_clock(3600)
        alice.checks("2-3", 2, 3)
        lecturer.open("2-4")
        # Bob reports progress in a loop while the server is killed
        acknowledged: list[str] = []
        stop = threading.Event()

        def report() -> None:
            for i in range(10_000):
                if stop.is_set():
                    return
                try:
                    bob.progress("2-3", f"step{i}")
                except ServiceError:
                    return
                acknowledged.append(f"2-3 step{i}")
        worker = threading.Thread(target=report)
        worker.start()
        while len(acknowledged) < 20:
            time.sleep(0.01)
        server.kill()
        stop.set()
        worker.join(timeout=30)
        assert len(acknowledged) >= 20

        # restart without the environment: the stored code and token are used again
        server.env = {}
        printed = server.start().output()
        assert "C1A55C0DE" in printed and "teacher-token-123456" in printed
        assert alice.me()["student_id"] == sa
        assert datetime.fromisoformat(alice.me()["now"]) == alice_now
        assert datetime.fromisoformat(bob.me()["now"]) == alice_now - timedelta(hours=1)
        with HttpJlis(server.url, token=alice.token) as jlis:
            found = jlis.call_json("POST", "/api/counter/residents/find", {"my_number": resident.my_number})
            assert found["my_number"] == resident.my_number
            assert {c.serial for c in HttpCounter(jlis).card_certificates(resident.my_number)} >= set(issued.issued)
        with HttpJlis(server.url, token=bob.token) as jlis, pytest.raises(ServiceError) as refused:
            jlis.call_json("POST", "/api/counter/residents/find", {"my_number": resident.my_number})
        assert refused.value.reason == "forbidden"
        assert lecturer.state()["open_section"] == "2-4"
        assert lecturer.summary()["checks"] == {"2-3": {"answered": 1, "mean": 2.0, "total": 3}}
        bob_id = bob.me()["student_id"]
        logged = [e["detail"] for e in lecturer.timeline(bob_id) if e["action"] == "progress"]
        assert logged[:len(acknowledged)] == acknowledged  # every acknowledged report is there, in order
        actions = [e["action"] for e in lecturer.timeline(sa)]
        assert {"register_resident", "issue_card", "advance_clock", "checks"} <= set(actions)
    finally:
        server.stop()
    # WAL and synchronous=FULL: every answered write is on disk before the answer
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    store = ClassStore(db)
    assert store.pragma("journal_mode") == "wal" and store.pragma("synchronous") == 2  # FULL
    store.close()
