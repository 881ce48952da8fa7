"""Several students at once on a real (uvicorn) class server: each request runs on its own
student's time (the context variables the guard sets reach J-LIS's worker threads and never
leak into another request), and what each did is its own."""

from __future__ import annotations

import threading
from datetime import date, datetime, timedelta

import pytest
from class_support import CODE, LECTURER, START
from world_support import pooled_key

from labkit.clock import SimulatedClock
from labkit.office.class_client import ClassClient
from labkit.office.classroom import ClassSetup, Kind
from labkit.office.compose import Office
from labkit.office.contract import CardRequest, ResidentRequest
from labkit.office.http import HttpCounter, HttpJlis
from labkit.pki import Sex

STUDENTS = 6
pytestmark = pytest.mark.slow
ADDRESS = "東京都清瀬市見本町１丁目２番３号"


def test_students_in_parallel_each_on_their_own_time() -> None:
    office = Office.in_process(SimulatedClock(START), key_factory=pooled_key, classroom=ClassSetup(CODE, LECTURER))
    url = office.serve()
    start = datetime.fromisoformat(START)
    errors: list[BaseException] = []
    seen: dict[int, list[datetime]] = {}
    made: dict[int, str] = {}

    def student(i: int) -> None:
        try:
            client = ClassClient(url)
            client.join(CODE, f"student{i}")
            with HttpJlis(url, token=client.token) as jlis:
                jlis.advance_clock(3600 * (i + 1))
                counter = HttpCounter(jlis)
                name = f"並行\u3000{'一二三四五六'[i]}子"
                resident = counter.register_resident(ResidentRequest(name, Sex.FEMALE, date(1990, 1, 1 + i), ADDRESS))
                counter.issue_card(CardRequest(resident.my_number, "1234", None))
                made[i] = resident.my_number
                seen[i] = [jlis.now() for _ in range(15)]
            client.close()
        except BaseException as exc:  # reported below
            errors.append(exc)
    threads = [threading.Thread(target=student, args=(i,)) for i in range(STUDENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    try:
        assert not errors, errors
        for i in range(STUDENTS):
            assert set(seen[i]) == {start + timedelta(hours=i + 1)}, (i, seen[i])
        lecturer = ClassClient(url, LECTURER)
        roster = {r["nickname"]: r for r in lecturer.roster()}
        for i in range(STUDENTS):
            assert datetime.fromisoformat(roster[f"student{i}"]["now"]) == start + timedelta(hours=i + 1)
        # each resident is its own maker's
        store = office.classroom.store  # type: ignore[union-attr]
        owners = {store.owner(Kind.MY_NUMBER, n)
                  for n in made.values()}
        assert len(owners) == STUDENTS
        assert datetime.fromisoformat(lecturer.state()["class_now"]) == start
    finally:
        office.close()
