"""Class mode (issue 12): roles, tokens and ownership, with the reliability review's attacks
replayed (F1 the counter takeover chain, F5 other people's phones, F8 usage history) — each
without a token (401), with another student's token (403) and with the owner's or the
lecturer's (allowed). Every refusal is the bilingual JSON error."""

from __future__ import annotations

from typing import Any

import pytest
from class_support import CODE, LECTURER, ClassRoom

from labkit.errors import ServiceError
from labkit.office import class_guard, classroom
from labkit.office.contract import LossItem, LossReport


def _error(response: Any, status: int, reason: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    err = response.json()["error"]
    assert err["reason"] == reason and err["ja"] and err["en"] and err["ja"] != err["en"]
    return err


def _alice_with_phone(room: ClassRoom) -> tuple[Any, Any, str, str]:
    """Alice: a resident with a card and a registered phone; Bob: a second student."""
    wa, ca, _ = room.student_world("alice", seed=1)
    cb, _ = room.join("bob")
    person = wa.resident("sample")
    phone = wa.new_phone(person)
    wa.apply(person, phone)
    return wa, person, str(ca.token), str(cb.token)


def test_join_answers_a_token_and_refuses_a_wrong_code_a_taken_or_bad_nickname(room: ClassRoom) -> None:
    client, sid = room.join("alice")
    assert client.me()["student_id"] == sid and client.me()["nickname"] == "alice"
    _error(room.raw("POST", "/api/class/join", json={"code": "WRONG1", "nickname": "eve"}), 403, "forbidden")
    _error(room.raw("POST", "/api/class/join", json={"code": CODE, "nickname": "ａｌｉｃｅ"}), 409, "nickname_taken")
    for bad in ("", " ", "x" * 21, "a\u0000b", "tab\there", 42):
        _error(room.raw("POST", "/api/class/join", json={"code": CODE, "nickname": bad}), 400, "malformed")
    # the token is stored only as its SHA-256
    store = room.office.classroom.store  # type: ignore[union-attr]
    dump = "\n".join(store._db.iterdump())
    assert client.token and client.token not in dump and classroom.token_hash(client.token) in dump


def test_public_endpoints_need_no_token_the_rest_answer_401_then_403(room: ClassRoom) -> None:
    for path in ("/", "/ca/sign.der", "/crl/auth.crl", "/api/clock"):
        assert room.raw("GET", path).status_code == 200, path
    guarded = [("POST", "/api/counter/residents/find", {"holder_id": "x"}), ("GET", "/api/usage?holder_id=x", None),
               ("POST", "/api/devices/d1/poll", {}), ("GET", "/api/devices/d1", None),
               ("POST", "/api/clock", {"advance_seconds": 60}), ("GET", "/api/status/01", None),
               ("POST", "/api/hotline/loss", {"name": "x", "birth_date": "1990-01-01", "item": "card"}),
               ("GET", "/api/class/roster", None), ("GET", "/api/class/me", None)]
    for method, path, body in guarded:
        response = room.raw(method, path, json=body)
        _error(response, 401, "unauthenticated")
        assert response.headers["www-authenticate"] == "Bearer"
        _error(room.raw(method, path, "not-a-token", json=body), 403, "forbidden")
    _error(room.http.get("/api/usage?holder_id=x", headers={"authorization": "Basic abc"}), 401, "unauthenticated")
    # lecturer-only: /demo and the console
    student, _ = room.join("carol")
    _error(room.raw("GET", "/demo"), 401, "unauthenticated")
    _error(room.raw("GET", "/demo", student.token), 403, "forbidden")
    assert room.raw("GET", "/demo", LECTURER).status_code == 200
    _error(room.raw("GET", "/api/class/roster", student.token), 403, "forbidden")
    _error(room.raw("GET", "/api/class/me", LECTURER), 403, "forbidden")


def test_tokens_are_compared_in_constant_time(room: ClassRoom, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[object, object]] = []
    real = class_guard.hmac.compare_digest

    def spy(a: Any, b: Any) -> bool:
        calls.append((a, b))
        return real(a, b)
    monkeypatch.setattr(class_guard.hmac, "compare_digest", spy)
    monkeypatch.setattr(classroom.hmac, "compare_digest", spy)
    student, _ = room.join("alice")
    calls.clear()
    assert room.raw("GET", "/api/class/me", student.token).status_code == 200
    assert any(b == LECTURER.encode() for _, b in calls)  # the lecturer token
    assert any(a == classroom.token_hash(str(student.token)) or b == classroom.token_hash(str(student.token))
               for a, b in calls)  # the stored hash


def test_f1_chain_another_student_cannot_take_over_a_resident(room: ClassRoom) -> None:
    wa, person, alice, bob = _alice_with_phone(room)
    mine = {"my_number": person.resident.my_number}
    holder = {"holder_id": person.resident.holder.holder_id}
    steps = [("/api/counter/residents/find", holder), ("/api/counter/residents/find", mine),
             ("/api/counter/cards", {**mine, "auth_pin": "6666", "sign_password": "EVIL12"}),
             ("/api/counter/attributes", {**mine, "name": "悪意\u3000太郎"}),
             ("/api/counter/card-loss", mine), ("/api/counter/phone-found", mine),
             ("/api/counter/card-found", mine), ("/api/counter/card-certificates", mine),
             ("/api/counter/pin-reset", {**mine, "card": {}, "role": "sign", "new_pin": "EVIL12"})]
    for path, body in steps:
        _error(room.raw("POST", path, json=body), 401, "unauthenticated")
        _error(room.raw("POST", path, bob, json=body), 403, "forbidden")
    # a my_number nobody has: the same 403 (whether it exists is not told)
    _error(room.raw("POST", "/api/counter/residents/find", bob, json={"my_number": "123456789018"}), 403, "forbidden")
    loss = {"name": person.name, "birth_date": person.birth_date.isoformat(), "item": "card"}
    _error(room.raw("POST", "/api/hotline/loss", bob, json=loss), 403, "identity_mismatch")
    # step 4: Bob's phone applying with Alice's card is refused before J-LIS looks at it
    wb = room.world(bob, seed=2)
    with pytest.raises(ServiceError) as refused:
        wb.apply(person, wb.new_phone(), device_change=True)
    assert "許可されていません" in str(refused.value) or "not allowed" in str(refused.value)
    # nothing changed: Alice's phone certificates are still good, her name is hers
    found = room.raw("POST", "/api/counter/residents/find", alice, json=mine)
    assert found.status_code == 200 and found.json()["holder"]["attributes"]["name"] == person.name
    for info in wa.counter.card_certificates(person.resident.my_number):
        assert info.state.value == "good"
    # the owner and the lecturer may
    assert room.raw("POST", "/api/counter/card-certificates", alice, json=mine).status_code == 200
    assert room.raw("POST", "/api/counter/residents/find", LECTURER, json=holder).status_code == 200
    assert room.raw("POST", "/api/hotline/loss", alice, json=loss).status_code == 200


def test_f5_other_students_phones_cannot_be_polled_read_or_confirmed(room: ClassRoom) -> None:
    wa, person, alice, bob = _alice_with_phone(room)
    phone = wa.phones[-1]
    device = phone.device_id
    app_id = phone.mynaportal.data.receipt.application_id  # type: ignore[union-attr]
    loss = {"name": person.name, "birth_date": person.birth_date.isoformat(), "item": "phone"}
    assert room.raw("POST", "/api/hotline/loss", alice, json=loss).status_code == 200  # a push now waits
    calls = [("POST", f"/api/devices/{device}/poll", {}), ("GET", f"/api/devices/{device}", None),
             ("GET", f"/api/applications/{app_id}/registration?device_id={device}", None),
             ("POST", f"/api/applications/{app_id}/confirm", {"device_id": device})]
    for method, path, body in calls:
        _error(room.raw(method, path, json=body), 401, "unauthenticated")
        _error(room.raw(method, path, bob, json=body), 403, "forbidden")
    # Alice's push was not stolen: her phone still gets it
    assert [m.notification.kind.value for m in phone.sync()] == ["suspended"]
    assert room.raw("GET", f"/api/devices/{device}", LECTURER).status_code == 200


def test_f8_usage_history_is_readable_and_writable_by_its_owner_only(room: ClassRoom) -> None:
    wa, person, alice, bob = _alice_with_phone(room)
    holder = person.resident.holder.holder_id
    serial = f"{wa.counter.card_certificates(person.resident.my_number)[0].serial:x}"
    record = {"serial": serial, "kind": "signature", "service": "evil-bank", "detail": None}
    for token, status in ((None, 401), (bob, 403)):
        reason = "unauthenticated" if status == 401 else "forbidden"
        _error(room.raw("GET", f"/api/usage?holder_id={holder}", token), status, reason)
        _error(room.raw("GET", f"/api/usage?serial={serial}", token), status, reason)
        _error(room.raw("POST", "/api/usage", token, json=record), status, reason)
        _error(room.raw("GET", f"/api/status/{serial}", token), status, reason)
    history = room.raw("GET", f"/api/usage?holder_id={holder}", alice)
    assert history.status_code == 200 and all(e["service"] != "evil-bank" for e in history.json())
    assert room.raw("POST", "/api/usage", alice, json={**record, "service": "my-bank"}).status_code == 200
    assert room.raw("GET", f"/api/status/{serial}", alice).json()["state"] == "good"
    assert room.raw("GET", f"/api/usage?holder_id={holder}", LECTURER).status_code == 200


def test_a_hotline_report_for_someone_else_looks_like_no_match(room: ClassRoom) -> None:
    _, person, _, bob = _alice_with_phone(room)
    wb = room.world(bob, seed=2)
    report = LossReport(person.name, person.birth_date, LossItem.PHONE)
    with pytest.raises(ServiceError) as refused:
        wb.jlis.report_loss(report)
    assert refused.value.reason == "identity_mismatch"


def test_the_class_api_refuses_bad_input_with_the_bilingual_error(room: ClassRoom) -> None:
    student, _ = room.join("alice")
    _error(room.http.post("/api/class/join", content=b"code=X", headers={"content-type": "text/plain"}), 415,
           "unsupported_media_type")
    _error(room.http.post("/api/class/join", content=b"[" * 100 + b"]" * 100,
                          headers={"content-type": "application/json"}), 400, "malformed")
    _error(room.raw("POST", "/api/class/join", json=["not", "an", "object"]), 403, "forbidden")
    _error(room.raw("POST", "/api/class/progress", student.token, json={"section": 3}), 400, "malformed")
    _error(room.raw("POST", "/api/class/checks", student.token, json={"section": "2-3", "score": True,
                                                                      "total": 3}), 400, "malformed")
    _error(room.raw("POST", "/api/class/events", LECTURER, json={"event": "push_now", "student_id": "s-x"}),
           404, "not_found")
    _error(room.raw("POST", "/api/class/students/s-x/reset", LECTURER, json={}), 404, "not_found")
    _error(room.raw("POST", "/api/class/clock", LECTURER, json={"advance_seconds": -5}), 400, "malformed")
    _error(room.raw("POST", "/api/class/clock", LECTURER, json={"advance_seconds": "60"}), 400, "malformed")
    _error(room.raw("POST", "/api/class/open", LECTURER, json={"section": "\u0000"}), 400, "malformed")
    _error(room.raw("POST", "/api/clock", student.token, json={"set": "yesterday"}), 400, "malformed")
    _error(room.raw("POST", "/api/clock", student.token, json={"advance_seconds": 1, "set": "x"}), 400, "malformed")
