"""Time in class mode (issue 12, review F2): each student's simulated time is its own, the
lecturer moves the whole class, and no clock can be moved past the lab CA's validity or by a
step too big for the server (a bilingual refusal, never a 500, and the server still works)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from class_support import LECTURER, ClassRoom

from labkit.office.contract import LossItem, NotificationKind, UsageKind


def _now(room: ClassRoom, token: str | None) -> datetime:
    return datetime.fromisoformat(room.raw("GET", "/api/clock", token).json()["now"])


def _refused(response: Any, status: int, reason: str) -> None:
    assert response.status_code == status, response.text
    err = response.json()["error"]
    assert err["reason"] == reason and err["ja"] != err["en"]


def test_a_student_moves_only_its_own_time_and_pushes(room: ClassRoom) -> None:
    wa, ca, sa = room.student_world("alice", seed=1)
    wb, cb, sb = room.student_world("bob", seed=2)
    start = _now(room, None)
    # Bob applies and does not wait for the push
    bob = wb.resident("sample")
    phone = wb.new_phone(bob)
    wb.apply(bob, phone, register=False)
    receipt = phone.mynaportal.data.receipt
    assert receipt is not None and receipt.push_at > start
    # Alice moves a day on: her time only
    wa.advance(days=1)
    assert _now(room, ca.token) == start + timedelta(days=1)
    assert _now(room, cb.token) == start and _now(room, None) == start and _now(room, LECTURER) == start
    assert room.office.jlis.now() == start  # the class time
    # Bob's push is not delivered on Alice's time
    assert phone.sync() == []
    assert not phone.mynaportal.data.ready
    # "advance to the push" on Bob's own clock delivers it
    wb.clock.set(receipt.push_at)
    kinds = [m.notification.kind for m in phone.sync()]
    assert NotificationKind.REGISTRATION_READY in kinds
    assert _now(room, ca.token) == start + timedelta(days=1)  # Alice unchanged
    # a student's clock never goes back
    _refused(room.raw("POST", "/api/clock", cb.token, json={"set": start.isoformat()}), 400, "malformed")
    _refused(room.raw("POST", "/api/clock", cb.token, json={"advance_seconds": -1}), 400, "malformed")
    assert sa != sb


def test_the_lecturer_moves_the_whole_class(room: ClassRoom) -> None:
    _, ca, _ = room.student_world("alice", seed=1)
    _, cb, _ = room.student_world("bob", seed=2)
    start = _now(room, None)
    room.raw("POST", "/api/clock", ca.token, json={"advance_seconds": 600})
    answer = room.lecturer().advance_class(3600)
    assert datetime.fromisoformat(answer["class_now"]) == start + timedelta(hours=1)
    assert _now(room, None) == start + timedelta(hours=1)
    assert _now(room, cb.token) == start + timedelta(hours=1)
    assert _now(room, ca.token) == start + timedelta(hours=1, minutes=10)  # her own lead is kept
    # POST /api/clock with the lecturer token is the class time too
    assert room.raw("POST", "/api/clock", LECTURER, json={"advance_seconds": 60}).status_code == 200
    assert _now(room, cb.token) == start + timedelta(hours=1, minutes=1)
    # students may not move the class
    _refused(room.raw("POST", "/api/class/clock", cb.token, json={"advance_seconds": 60}), 403, "forbidden")
    _refused(room.raw("POST", "/api/clock", None, json={"advance_seconds": 60}), 401, "unauthenticated")


@pytest.mark.parametrize("body", [{"advance_seconds": 9007199254740991}, {"advance_seconds": 20 * 365 * 86400},
                                  {"set": "9999-12-31T23:59:59+09:00"}, {"set": "2036-03-31T00:00:00+09:00"}])
def test_no_clock_goes_past_the_ca_validity(room: ClassRoom, body: dict[str, Any]) -> None:
    student, _ = room.join("alice")
    limit = room.office.classroom.clock.limit  # type: ignore[union-attr]
    assert limit is not None
    for token in (student.token, LECTURER):
        before = _now(room, token)
        _refused(room.raw("POST", "/api/clock", token, json=body), 409, "clock_out_of_range")
        assert _now(room, token) == before
    if "advance_seconds" in body:
        _refused(room.raw("POST", "/api/class/clock", LECTURER, json=body), 409, "clock_out_of_range")
    # the server still answers CRLs and OCSP
    assert room.raw("GET", "/crl/sign.crl").status_code == 200


def test_a_student_ahead_bounds_the_class_move(room: ClassRoom) -> None:
    student, _ = room.join("alice")
    limit = room.office.classroom.clock.limit  # type: ignore[union-attr]
    assert limit is not None
    start = _now(room, None)
    lead = int((limit - start).total_seconds()) - 3600
    assert room.raw("POST", "/api/clock", student.token, json={"advance_seconds": lead}).status_code == 200
    # the class may move 59 minutes, not 2 hours: Alice would pass the limit
    _refused(room.raw("POST", "/api/class/clock", LECTURER, json={"advance_seconds": 7200}), 409,
             "clock_out_of_range")
    assert room.raw("POST", "/api/class/clock", LECTURER, json={"advance_seconds": 3540}).status_code == 200
    assert _now(room, student.token) < limit


def test_lecturer_work_on_a_students_resident_runs_on_the_students_time(room: ClassRoom) -> None:
    wa, _, _ = room.student_world("alice", seed=1)
    alice = wa.resident("sample")
    wa.apply(alice, wa.new_phone(alice))
    alice_now = wa.advance(days=1)
    lecturer = room.world(LECTURER)
    assert lecturer.now() == room.office.jlis.now() < alice_now  # the lecturer reads the class time
    receipt = lecturer.jlis.report_loss(alice.loss_report(LossItem.PHONE))  # the hotline, for Alice
    assert receipt.held and receipt.at == alice_now
    events = lecturer.jlis.usage_history(holder_id=alice.holder_id)
    assert {e.at for e in events if e.kind is UsageKind.SUSPENSION} == {alice_now}
