"""Without ``--class`` the server is the single-user lab of today: no token is asked for, no
class router exists, and the lab clock is the one ``POST /api/clock`` moves."""

from __future__ import annotations

import warnings
from datetime import datetime, timedelta

from class_support import START
from world_support import pooled_key

from labkit.clock import SimulatedClock
from labkit.office.compose import Office


def test_single_user_server_needs_no_token_and_has_no_class_router() -> None:
    office = Office.in_process(SimulatedClock(START), key_factory=pooled_key)
    assert office.classroom is None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient

        http = TestClient(office.app())
    with http:
        resident = http.post("/api/counter/residents", json={"name": "番号\u3000花子", "sex": 2,
                                                             "birth_date": "1990-07-15",
                                                             "address": "東京都清瀬市見本町１丁目２番３号"})
        assert resident.status_code == 200
        assert http.post("/api/counter/residents/find", json={"holder_id": resident.json()["holder"]["holder_id"]}
                         ).status_code == 200
        assert http.get("/demo").status_code == 200
        assert http.post("/api/class/join", json={"code": "X", "nickname": "y"}).status_code in (404, 405)
        assert http.post("/api/clock", json={"advance_seconds": 60}).status_code == 200
        now = datetime.fromisoformat(http.get("/api/clock").json()["now"])
        assert now == datetime.fromisoformat(START) + timedelta(seconds=60)
    office.close()
