"""The municipal counter in process (CounterService) and over HTTP (HttpCounter against the
Starlette app) behave identically: the same scenario gives the same results and the same
refusals (class, reason, Japanese and English text)."""

from __future__ import annotations

import copy
import warnings
from collections.abc import Callable
from datetime import date
from typing import Any

from jlis_support import Lab

from labkit.card import KeyRole, MyNumberCard, my_number_check_digit
from labkit.errors import LabkitError
from labkit.municipality import (
    AttributeChange,
    CardFoundRequest,
    CardRequest,
    CounterApi,
    CounterReceipt,
    CounterService,
    Municipality,
    PinReset,
    ResidentQuery,
    ResidentRequest,
)
from labkit.office.http import HttpCounter, HttpJlis
from labkit.office.server import create_app
from labkit.pki import CaKind, Sex
from labkit.reader import InProcessTransport, JpkiClient

ADDRESS = "東京都清瀬市見本町１丁目２番３号"
HANAKO = "123456789018"
SAKURA = "000000000019"
NOBODY = "11111111111" + str(my_number_check_digit("11111111111"))


def http_counter(lab: Lab, city: Municipality) -> HttpCounter:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette suggests httpx2 for its test client
        from starlette.testclient import TestClient

        client = TestClient(create_app(lab.jlis, CounterService(city), lab.clock))
    return HttpCounter(HttpJlis("http://testserver", client=client))


def receipt_shape(r: CounterReceipt) -> tuple[Any, ...]:
    return (r.resident.card_state.value, r.resident.history, r.message.en, len(r.held), len(r.released),
            len(r.revoked), len(r.issued), r.card is not None)


def scenario(lab: Lab, api: CounterApi) -> list[Any]:
    trace: list[Any] = []

    def step(name: str, fn: Callable[[], Any], shape: Callable[[Any], Any] = receipt_shape) -> Any:
        try:
            result = fn()
        except LabkitError as exc:
            trace.append((name, type(exc).__name__, getattr(exc, "reason", None), exc.message("ja"),
                          exc.message("en")))
            return None
        trace.append((name, shape(result)))
        return result

    def person(r: Any) -> tuple[Any, ...]:
        a = r.holder.attributes
        return (r.my_number, r.holder_id, a.name, a.sex, a.birth_date, a.address, r.holder.card_expiry,
                r.card_state.value, r.history)

    assert isinstance(api, CounterApi)
    step("register", lambda: api.register_resident(ResidentRequest("番号\u3000花子", Sex.FEMALE, date(1990, 7, 15),
                                                                    ADDRESS, HANAKO)), person)
    step("again", lambda: api.register_resident(ResidentRequest("番号\u3000花子", Sex.FEMALE, date(1990, 7, 15),
                                                                 ADDRESS, HANAKO)), person)
    step("child", lambda: api.register_resident(ResidentRequest("見本\u3000さくら", Sex.FEMALE, date(2016, 4, 10),
                                                                 ADDRESS, SAKURA)), person)
    step("find", lambda: api.find_resident(ResidentQuery(holder_id="kiyoseshi-00001")), person)
    step("nobody", lambda: api.find_resident(ResidentQuery(my_number=NOBODY)))
    step("child signing", lambda: api.issue_card(CardRequest(SAKURA, "1234", "ABC123")))
    step("child card", lambda: api.issue_card(CardRequest(SAKURA, "1234")))
    issued = step("card", lambda: api.issue_card(CardRequest(HANAKO, "1234", "ABC123")))
    card = MyNumberCard.from_state(issued.card)  # handed over the counter
    client = JpkiClient(InProcessTransport(card))
    client.verify(KeyRole.SIGN, "ABC123")

    phone = lab.phone("p1")
    receipt = phone.apply(lab.jlis, card)
    lab.clock.advance(minutes=3)
    serials = phone.register(lab.jlis, receipt)
    step("phone found too early", lambda: api.phone_found(HANAKO))
    step("card lost", lambda: api.report_card_loss(HANAKO))
    step("card lost again", lambda: api.report_card_loss(HANAKO))
    trace.append(("phone held", lab.jlis.status(serials[CaKind.AUTH]).state.value))
    step("phone found", lambda: api.phone_found(HANAKO))
    trace.append(("phone auth", lab.jlis.status(serials[CaKind.AUTH]).state.value))

    other = api.issue_card(CardRequest(SAKURA, "5678"))
    step("someone else's card", lambda: api.card_found(CardFoundRequest(HANAKO, other.card, "FOUND2026")))
    step("card found", lambda: api.card_found(CardFoundRequest(HANAKO, card.to_state(), "FOUND2026")))
    step("card found again", lambda: api.card_found(CardFoundRequest(HANAKO)))
    found = api.find_resident(ResidentQuery(my_number=HANAKO))
    trace.append(("after found", found.card_state.value))

    moved = step("move", lambda: api.change_attributes(AttributeChange(HANAKO, address="東京都清瀬市梅園１丁目１番１号",
                                                                      card=card.to_state(),
                                                                      new_sign_password="MOVED2026")))
    card.load_state(moved.card)  # the same card, back from the counter (a power cycle: a new session)
    JpkiClient(InProcessTransport(card)).verify(KeyRole.SIGN, "MOVED2026")
    step("ascii digits", lambda: api.change_attributes(AttributeChange(HANAKO, address="清瀬市1-1")))
    step("bad name", lambda: api.change_attributes(AttributeChange(HANAKO, name="花子")))

    locked = copy.deepcopy(card.to_state())
    locked["jpki"]["pins"]["auth"]["remaining"] = 0
    reset = step("reset", lambda: api.reset_pin(PinReset(HANAKO, locked, KeyRole.AUTH, "2468")))
    card.load_state(reset.card)
    JpkiClient(InProcessTransport(card)).verify(KeyRole.AUTH, "2468")
    step("broken card", lambda: api.reset_pin(PinReset(HANAKO, {"format": "nope"}, KeyRole.AUTH, "2468")))
    step("unknown", lambda: api.phone_found(NOBODY))
    step("card certificates", lambda: api.card_certificates(HANAKO),
         # Certificates issued at the same simulated instant are listed by serial, and serials
         # are random per lab: compare the set of rows, not their order.
         lambda infos: sorted((i.kind.value, i.profile, i.state.value, int(i.reason or 0)) for i in infos))
    step("nobody's certificates", lambda: api.card_certificates(NOBODY))
    return trace


def test_same_counter_in_process_and_over_http(make_lab: Callable[..., Lab]) -> None:
    first = make_lab()
    local = scenario(first, CounterService(Municipality(first.jlis.counter)))
    second = make_lab()
    remote = scenario(second, http_counter(second, Municipality(second.jlis.counter)))
    assert len(local) == len(remote)
    for a, b in zip(local, remote, strict=True):
        assert a == b
    refusals = {t[2] for t in local if len(t) == 5}
    assert {"resident_exists", "resident_unknown", "malformed", "nothing_to_lift", "wrong_card",
            "not_eligible"} <= refusals
    assert ("phone held", "held") in local and ("phone auth", "good") in local

