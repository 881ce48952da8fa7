"""Review F2: no clock move takes the server past its lab CA's validity (409, never a 500),
and a stored clock outside it — from an older server, or a --now too far — never stops a
restart: a bilingual warning, and the server starts from a valid time."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from jlis_server import ServerProcess

from labkit.clock import SimulatedClock
from labkit.jlis import JlisDb
from labkit.office.compose import CLOCK_META, Office, lab_clock
from labkit.pki import CaKind

START = "2026-04-01T10:00:00+09:00"
FAR = "9999-12-31T23:59:59+09:00"


def ca_end(client: object) -> datetime:
    ders = [client.get(f"/ca/{kind.value}.der").content for kind in CaKind]  # type: ignore[attr-defined]
    return min(x509.load_der_x509_certificate(der).not_valid_after_utc for der in ders)


def assert_out_of_range(answer: object) -> None:
    assert answer.status_code == 409, answer.text  # type: ignore[attr-defined]
    error = answer.json()["error"]  # type: ignore[attr-defined]
    assert error["reason"] == "clock_out_of_range" and "認証局" in error["ja"] and "CA" in error["en"]


def test_no_move_past_the_ca(tmp_path: Path) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
        client = TestClient(Office.in_process(SimulatedClock(START)).app())
    end = ca_end(client)
    assert_out_of_range(client.post("/api/clock", json={"set": FAR}))
    assert_out_of_range(client.post("/api/clock", json={"advance_seconds": 9007199254740991}))
    assert_out_of_range(client.post("/api/clock", json={"advance_seconds": 10**30}))  # not even a timedelta
    assert_out_of_range(client.post("/api/clock", json={"set": end.isoformat()}))
    for body in ({"advance_seconds": "1"}, {"advance_seconds": True}, {"set": "soon"}, {"set": 5}, {}):
        answer = client.post("/api/clock", json=body)
        assert answer.status_code == 400 and answer.json()["error"]["reason"] == "malformed", body
    last = end - timedelta(seconds=1)
    assert client.post("/api/clock", json={"set": last.isoformat()}).status_code == 200
    assert_out_of_range(client.post("/api/clock", json={"advance_seconds": 1}))
    assert client.get("/crl/sign.crl").status_code == 200  # J-LIS still signs at its last second
    assert datetime.fromisoformat(client.get("/api/clock").json()["now"]) == last


def test_f2_replay_restart_on_the_same_db(jlis_server: Callable[..., ServerProcess], tmp_path: Path) -> None:
    import httpx
    server = jlis_server("--now", START)
    assert_out_of_range(httpx.post(server.url + "/api/clock", json={"set": FAR}))
    assert_out_of_range(httpx.post(server.url + "/api/clock", json={"advance_seconds": 9007199254740991}))
    end = ca_end(httpx.Client(base_url=server.url))
    assert httpx.get(server.url + "/crl/sign.crl").status_code == 200
    server.kill()
    server.start()  # nothing was stored: same start
    assert httpx.get(server.url + "/api/clock").json()["now"].startswith("2026-04-01T")
    server.stop()

    # an older server did store such clocks: the restart warns and starts from --now
    for stored in (FAR, (end + timedelta(days=3)).isoformat()):
        records = JlisDb(server.db)
        records.set_meta(CLOCK_META, stored)
        records.close()
        server.start()
        assert httpx.get(server.url + "/api/clock").json()["now"].startswith("2026-04-01T")
        assert httpx.get(server.url + "/crl/auth.crl").status_code == 200
        server.stop()
        out = server.output()
        assert "警告" in out and "outside the lab CA's validity" in out, out


def test_lab_clock_starts_within_the_ca(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "jlis.db")
    assert lab_clock(db, START).now().isoformat() == "2026-04-01T10:00:00+09:00"  # a new db: as given
    Office.in_process(lab_clock(db, START), db=db).close()  # the CA is made on 2026-04-01
    assert capsys.readouterr().err == ""
    later = lab_clock(db, "2026-05-01T10:00:00+09:00").now()
    assert later.isoformat() == "2026-05-01T10:00:00+09:00"
    far = lab_clock(db, "2100-01-01T00:00:00+09:00").now()  # --now past the CA: a day before its end
    begin = datetime.fromisoformat(START)
    assert begin + timedelta(days=365 * 9) < far < begin + timedelta(days=365 * 11)
    err = capsys.readouterr().err
    assert err.count("labkit: 警告") == 1 and err.count("labkit: warning") == 1
    early = lab_clock(db, "2020-01-01T00:00:00+09:00").now()  # the stored time is later: never back
    assert early.isoformat() == "2026-04-01T10:00:00+09:00" and capsys.readouterr().err == ""


def test_valid_start_picks_the_nearest_valid_time() -> None:
    from labkit.office.clock_guard import SAFE_MARGIN, valid_start
    begin, end = datetime.fromisoformat(START), datetime.fromisoformat("2036-03-31T23:59:59+09:00")
    assert valid_start(begin, begin, (begin, end)) == (begin, None)
    assert valid_start(end, begin, (begin, end))[0] == begin                   # back to --now
    early = datetime.fromisoformat("2020-01-01T00:00:00+09:00")
    start, warning = valid_start(early, early, (begin, end))
    assert start == begin and warning is not None and "2020-01-01" in warning.en
    assert valid_start(end, end, (begin, end))[0] == end - SAFE_MARGIN
    assert valid_start(early, early, None) == (early, None)                    # no CA yet: anything goes
