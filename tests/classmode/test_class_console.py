"""The lecturer console's side of the class API (issue 12): progress and checks reported by
students, the roster with each student's counts, the summary, timelines of logged actions, the
events (phone lost, card lost, push now), resets and the open section."""

from __future__ import annotations

from datetime import datetime

import pytest
from class_support import ClassRoom

from labkit.errors import ServiceError


def test_progress_checks_state_and_open_section(room: ClassRoom) -> None:
    alice, sa = room.join("alice")
    bob, _ = room.join("bob")
    lecturer = room.lecturer()
    assert alice.state()["open_section"] is None
    assert lecturer.open("2-4") == {"open_section": "2-4"}
    assert alice.state()["open_section"] == "2-4" and lecturer.state()["open_section"] == "2-4"
    alice.progress("2-3", "apply")
    alice.checks("2-3", 2, 3)
    bob.checks("2-3", 3, 3)
    with pytest.raises(ServiceError) as bad:
        bob.checks("2-3", 4, 3)
    assert bad.value.reason == "malformed"
    with pytest.raises(ServiceError):
        alice.progress("x" * 41)
    summary = lecturer.summary()
    assert summary["students"] == 2 and summary["checks"] == {"2-3": {"answered": 2, "mean": 2.5, "total": 3}}
    row = next(r for r in lecturer.roster() if r["student_id"] == sa)
    assert (row["nickname"], row["section"], row["step"], row["last_action"]) == ("alice", "2-3", "apply", "checks")
    actions = [e["action"] for e in lecturer.timeline(sa)]
    assert actions == ["join", "progress", "checks"]
    assert lecturer.open(None) == {"open_section": None}
    with pytest.raises(ServiceError) as nobody:
        lecturer.timeline("s-nobody")
    assert nobody.value.reason == "not_found"


def test_roster_counts_timeline_and_the_three_events(room: ClassRoom) -> None:
    wa, _, sa = room.student_world("alice", seed=1)
    wb, _, sb = room.student_world("bob", seed=2)
    alice = wa.resident("sample")
    wa.apply(alice, wa.new_phone(alice))  # registered
    bob = wb.resident("sample")
    phone = wb.new_phone(bob)
    wb.apply(bob, phone, register=False)  # waiting for the push
    lecturer = room.lecturer()
    counts = {r["student_id"]: r["counts"] for r in lecturer.roster()}
    assert counts[sa] == {"applications": 1, "pushes_due": 0, "registrations": 1, "suspensions": 0,
                          "revocations": 0}
    assert counts[sb]["applications"] == 1 and counts[sb]["registrations"] == 0
    actions = [e["action"] for e in lecturer.timeline(sa)]
    for expected in ("join", "register_resident", "issue_card", "submit_application", "advance_clock",
                     "fetch_registration", "confirm_registration"):
        assert expected in actions, (expected, actions)
    # push_now moves Bob to his push; the push is then due on his phone
    done = lecturer.event("push_now", sb)
    receipt = phone.mynaportal.data.receipt
    assert receipt is not None and done[0]["detail"].startswith("now ")
    assert datetime.fromisoformat(next(r for r in lecturer.roster() if r["student_id"] == sb)["now"]) \
        == receipt.push_at
    assert lecturer.summary()["pushes_due"] == 1
    # phone_lost for everyone: Alice's registered phone is suspended, Bob has none yet
    done = {d["student_id"]: d["detail"] for d in lecturer.event("phone_lost")}
    assert "2 held" in done[sa] and done[sb] == "nothing to do"
    assert lecturer.summary()["suspensions"] == 2
    # card_lost: Alice's card certificates are held at the counter too
    lecturer.event("card_lost", sa)
    assert next(r for r in lecturer.roster() if r["student_id"] == sa)["counts"]["suspensions"] == 4
    assert "event:card_lost" in [e["action"] for e in lecturer.timeline(sa)]
    with pytest.raises(ServiceError):
        lecturer.event("meteor", sa)


def test_reset_gives_the_student_a_fresh_start(room: ClassRoom) -> None:
    wa, ca, sa = room.student_world("alice", seed=1)
    alice = wa.resident("sample")
    wa.advance(hours=5)
    lecturer = room.lecturer()
    assert lecturer.reset(sa) == {"ok": True}
    assert ca.me()["now"] == lecturer.state()["class_now"]  # back on the class time
    # her old resident is no longer hers (kept for the lecturer)
    mine = {"my_number": alice.resident.my_number}
    assert room.raw("POST", "/api/counter/residents/find", ca.token, json=mine).status_code == 403
    assert room.raw("POST", "/api/counter/residents/find", lecturer.token, json=mine).status_code == 200
    assert next(r for r in lecturer.roster() if r["student_id"] == sa)["counts"]["applications"] == 0
