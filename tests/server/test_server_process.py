"""The J-LIS server as its own process: a phone (this test process) and a relying party (a
second client process) share it; a SIGKILL loses nothing that was answered.

The municipal counter registers the resident and issues the card over HTTP
(``/api/counter``); the card is handed over as its state."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from jlis_server import REPO, ServerProcess
from jlis_support import Phone, new_key

from labkit.card import MyNumberCard
from labkit.errors import ServiceError
from labkit.jlis import LossItem, LossReport, Refusal
from labkit.municipality import CardRequest, ResidentRequest
from labkit.office.http import HttpCounter, HttpJlis
from labkit.pki import CaKind, Sex

START = "2026-04-01T10:00:00+09:00"
ADDRESS = "東京都清瀬市見本町１丁目２番３号"
pytestmark = pytest.mark.slow

RELYING_PARTY = textwrap.dedent("""
    import json, sys
    from cryptography import x509
    from labkit.clock import SystemClock
    from labkit.office.http import HttpJlis
    from labkit.pki import CaKind, OcspChecker

    class ServerClock:
        def __init__(self, jlis): self.jlis = jlis
        def now(self): return self.jlis.now()

    jlis = HttpJlis(sys.argv[1])
    out = {}
    for serial in sys.argv[2:]:
        status = jlis.status(int(serial, 16))
        cert = x509.load_der_x509_certificate(jlis.certificate(int(serial, 16)))
        kind = CaKind.SIGN if status.profile.endswith("sign") else CaKind.AUTH
        issuer = x509.load_der_x509_certificate(jlis.ca_certificates()[kind])
        ocsp = OcspChecker(jlis.ocsp, ServerClock(jlis)).check(cert, issuer)
        out[serial] = [status.state.value, ocsp.state.value]
    print(json.dumps(out))
""")


def relying_party(url: str, *serials: int) -> dict[str, list[str]]:
    """A second process asks J-LIS (status API and OCSP) about ``serials``."""
    result = subprocess.run([sys.executable, "-c", RELYING_PARTY, url, *(f"{s:x}" for s in serials)],
                            cwd=REPO, capture_output=True, text=True, timeout=60, check=True)
    return {int(k, 16): v for k, v in json.loads(result.stdout).items()}  # type: ignore[misc]


def counter_card(server: ServerProcess, name: str) -> tuple[MyNumberCard, str]:
    """The municipal counter of the server: a resident registered and a card issued there."""
    with HttpCounter(server.url) as counter:
        person = counter.register_resident(ResidentRequest(name, Sex.FEMALE, date(1990, 7, 15), ADDRESS))
        issued = counter.issue_card(CardRequest(person.my_number, "1234", "ABC123"))
    assert issued.card is not None
    return MyNumberCard.from_state(issued.card), person.holder_id


def test_two_processes_and_a_crash(jlis_server: Callable[..., ServerProcess], tmp_path: Path) -> None:
    import itertools
    keys = itertools.cycle([new_key() for _ in range(4)])
    server = jlis_server("--now", START)
    phone_api = HttpJlis(server.url)
    card, holder_id = counter_card(server, "番号\u3000花子")

    phone = Phone("pixel-1", keys)
    receipt = phone.apply(phone_api, card)
    with pytest.raises(ServiceError) as exc:
        phone.register(phone_api, receipt)
    assert exc.value.reason == Refusal.BEFORE_PUSH
    phone_api.advance_clock(180)
    serials = phone.register(phone_api, receipt)
    assert relying_party(server.url, *serials.values()) == {s: ["good", "good"] for s in serials.values()}

    receipt_loss = phone_api.report_loss(LossReport("番号 花子", date(1990, 7, 15), LossItem.PHONE))
    assert set(receipt_loss.held) == set(serials.values())
    # a second resident's application is accepted but not yet due when the server dies
    card2, _ = counter_card(server, "見本\u3000次子")
    second = Phone("pixel-2", keys)
    pending = second.apply(phone_api, card2)
    history_before = phone_api.usage_history(holder_id=holder_id)

    server.kill()
    with pytest.raises(ServiceError) as exc:
        phone_api.status(serials[CaKind.AUTH])
    assert exc.value.reason == Refusal.UNAVAILABLE

    server.start()  # same --db, same --now: the clock resumes from where it was
    assert phone_api.now() == receipt.push_at
    assert relying_party(server.url, *serials.values()) == {s: ["held", "held"] for s in serials.values()}
    assert phone_api.usage_history(holder_id=holder_id) == history_before
    assert phone_api.device_status("pixel-1").state.value == "active"
    phone_api.advance_clock(180)
    package = second.fetch(phone_api, pending.application_id)
    assert set(package.certificates) == set(CaKind)
    phone_api.close()


def test_malformed_traffic_never_kills_the_server(jlis_server: Callable[..., ServerProcess]) -> None:
    import httpx
    server = jlis_server("--now", START)
    with httpx.Client(base_url=server.url, timeout=10) as http:
        answers = [
            http.post("/api/applications", content=b"\xff\xfe garbage", headers={"content-type": "application/json"}),
            http.post("/api/applications", content=b"{}", headers={"content-type": "text/plain"}),
            http.post("/api/applications", content=b"x" * (300 * 1024), headers={"content-type": "application/json"}),
            http.post("/ocsp", content=b"\x30\x80" * 10, headers={"content-type": "application/ocsp-request"}),
            http.get("/certs/zzz.der"), http.get("/ca/root.der"), http.delete("/api/usage"),
        ]
        assert [a.status_code for a in answers] == [400, 415, 413, 200, 400, 404, 405]
        assert answers[3].content == bytes.fromhex("30030a0101")  # OCSP malformedRequest
        assert http.get("/api/clock").status_code == 200
