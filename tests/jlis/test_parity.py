"""The in-process service and HttpJlis (over the Starlette app) behave identically: the same
scenario gives the same results and the same refusals (class, reason, text)."""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from jlis_support import Lab, key_signer

from labkit.errors import LabkitError
from labkit.jlis import (
    ApplicationKind,
    DeviceAction,
    JlisApi,
    LossItem,
    LossReport,
    RevocationRequest,
    UsageKind,
    UsageRecord,
)
from labkit.municipality import CounterService, Municipality
from labkit.office.http import HttpJlis
from labkit.office.server import create_app
from labkit.pki import CaKind


def http_api(lab: Lab) -> HttpJlis:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette suggests httpx2 for its test client
        from starlette.testclient import TestClient

        client = TestClient(create_app(lab.jlis, CounterService(Municipality(lab.jlis.counter)), lab.clock))
    return HttpJlis("http://testserver", client=client)


def scenario(lab: Lab, api: JlisApi) -> list[Any]:
    trace: list[Any] = []

    def step(name: str, fn: Callable[[], Any], shape: Callable[[Any], Any] = lambda r: type(r).__name__) -> Any:
        try:
            result = fn()
        except LabkitError as exc:
            trace.append((name, type(exc).__name__, getattr(exc, "reason", None), exc.message("ja"),
                          exc.message("en")))
            return None
        trace.append((name, shape(result)))
        return result

    assert isinstance(api, JlisApi)
    card = lab.card()
    phone, other = lab.phone("p1"), lab.phone("p2")
    receipt = step("apply", lambda: phone.apply(api, card), lambda r: (r.state.value, r.push_at.isoformat()))
    step("too early", lambda: phone.fetch(api, receipt.application_id))
    step("poll early", lambda: phone.poll(api), len)
    lab.clock.advance(minutes=3)
    step("stranger polls", lambda: api.poll("p1"))
    proof = phone.proof(DeviceAction.POLL)
    step("poll", lambda: api.poll("p1", proof), lambda r: [(n.kind.value, n.message.en, len(n.serials)) for n in r])
    step("replayed poll", lambda: api.poll("p1", proof))
    step("wrong device", lambda: other.fetch(api, receipt.application_id))
    step("stranger confirms", lambda: api.confirm_registration(receipt.application_id, "p1"))
    serials = step("register", lambda: phone.register(api, receipt), lambda r: sorted(k.value for k in r))
    serials = {c.kind: c.serial for c in api.device_status("p1").certificates}
    step("status", lambda: phone.status(api),
         lambda r: (r.state.value, r.holder_id, [c.state.value for c in r.certificates]))
    step("stranger's status", lambda: api.device_status("p1"),
         lambda r: (r.state.value, r.holder_id, len(r.certificates)))
    step("second phone", lambda: other.apply(api, card))
    step("bad app version", lambda: lab.phone("p3", app_version="1.0").apply(api, card))
    step("login", lambda: api.record_usage(UsageRecord(UsageKind.LOGIN, serials[CaKind.AUTH], "portal", "p1")),
         lambda r: (r.kind.value, r.detail.ja, r.outcome))
    step("unknown cert usage", lambda: api.record_usage(UsageRecord(UsageKind.LOGIN, 99, "portal")))
    step("bad outcome", lambda: api.record_usage(UsageRecord(UsageKind.LOGIN, serials[CaKind.AUTH], "p", None, "x")))
    step("who are you", lambda: api.report_loss(LossReport("誰\u3000か", date(2000, 1, 1), LossItem.PHONE)))
    step("phone lost", lambda: api.report_loss(LossReport("番号 花子", date(1990, 7, 15), LossItem.PHONE)),
         lambda r: len(r.held))
    step("held status", lambda: api.status(serials[CaKind.AUTH]), lambda r: (r.state.value, r.text.en))
    step("device change", lambda: other.apply(api, card, kind=ApplicationKind.DEVICE_CHANGE),
         lambda r: (r.old_device_id, len(r.revoked_serials)))
    step("old phone", lambda: phone.poll(api), lambda r: sorted(n.kind.value for n in r))
    step("stranger revokes", lambda: api.revoke_by_user(RevocationRequest("p1", serials[CaKind.AUTH], os.urandom(16))
                                                        .sign_with(key_signer(lab.phone_keys[0]))))
    step("history", lambda: api.usage_history(holder_id="resident-1"), lambda r: [e.kind.value for e in r])
    step("history query", lambda: api.usage_history(serial=None, holder_id=None))
    step("unknown serial", lambda: api.status(0x1234), lambda r: r.state.value)
    step("no such certificate", lambda: api.certificate(0x1234))
    step("crl", lambda: api.crl(CaKind.SIGN)[:1])
    step("ca", lambda: sorted(api.ca_certificates()))
    step("card-found kind", lambda: api.lift_suspension_by_card(phone.request(card)))
    return trace


def test_same_behaviour_in_process_and_over_http(make_lab: Callable[..., Lab]) -> None:
    local = scenario(first := make_lab(), first.jlis)
    second = make_lab()
    remote = scenario(second, http_api(second))
    assert len(local) == len(remote)
    for a, b in zip(local, remote, strict=True):
        assert a == b
    refusals = {t[2] for t in local if len(t) == 5}
    assert {"before_push", "wrong_device", "one_device", "app_outdated", "unknown_certificate", "malformed",
            "identity_mismatch", "bad_signature", "unauthenticated"} <= refusals


@pytest.mark.parametrize("where", ["local", "http"])
def test_clock_is_shared(lab: Lab, where: str) -> None:
    api: JlisApi = lab.jlis if where == "local" else http_api(lab)
    assert api.now() == lab.jlis.now()
