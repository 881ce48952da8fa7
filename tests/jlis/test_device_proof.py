"""The device proof (lab assumption, :mod:`labkit.jlis.devices`): the review's F5 — a third
party polling, confirming or reading a phone's state without the phone's SE device key — is
refused, the real phone still gets its notifications, and a proof works only once."""

from __future__ import annotations

import dataclasses
import warnings
from datetime import date

import pytest
from jlis_support import Lab, assert_bilingual, card_signer, new_key, resident

from labkit.errors import ServiceError
from labkit.jlis import (
    DeviceAction,
    DeviceProof,
    LossItem,
    LossReport,
    MalformedRequestError,
    NotificationKind,
    Refusal,
)
from labkit.municipality import CounterService, Municipality
from labkit.office.http import HttpJlis
from labkit.office.server import create_app
from labkit.se.device_key import DeviceKeySlot


def refused(call: object) -> ServiceError:
    with pytest.raises(ServiceError) as exc:
        call()  # type: ignore[operator]
    assert exc.value.reason == Refusal.UNAUTHENTICATED, exc.value
    assert_bilingual(exc.value)
    return exc.value


def test_a_stranger_cannot_take_the_phones_notifications(lab: Lab) -> None:
    phone = lab.phone("p1")
    receipt = phone.apply(lab.jlis, lab.card())
    lab.clock.advance(minutes=3)
    refused(lambda: lab.jlis.poll("p1"))                                    # no proof
    stranger = DeviceKeySlot(new_key())
    forged = DeviceProof.make(DeviceAction.POLL, "p1", None, stranger.sign)  # another key
    refused(lambda: lab.jlis.poll("p1", forged))
    [note] = phone.poll(lab.jlis)                                             # the phone still gets it
    assert note.kind is NotificationKind.REGISTRATION_READY and note.application_id == receipt.application_id

    phone.register(lab.jlis, receipt)
    lab.jlis.report_loss(LossReport("番号 花子", date(1990, 7, 15), LossItem.PHONE))
    refused(lambda: lab.jlis.poll("p1"))
    assert [n.kind for n in phone.poll(lab.jlis)] == [NotificationKind.SUSPENDED]


def test_a_proof_works_once_and_for_its_own_call_only(lab: Lab) -> None:
    phone = lab.phone("p1")
    receipt = phone.apply(lab.jlis, lab.card())
    lab.clock.advance(minutes=3)
    app = receipt.application_id
    proof = phone.proof(DeviceAction.POLL)
    assert len(lab.jlis.poll("p1", proof)) == 1
    error = refused(lambda: lab.jlis.poll("p1", proof))                      # replayed
    assert "replay" in error.message("en")
    refused(lambda: lab.jlis.fetch_registration(app, "p1", phone.proof(DeviceAction.POLL)))  # other action
    refused(lambda: lab.jlis.fetch_registration(app, "p1", phone.proof(DeviceAction.FETCH_REGISTRATION, "app-x")))
    signed = phone.proof(DeviceAction.CONFIRM_REGISTRATION, app)
    tampered = dataclasses.replace(signed, counter=signed.counter + 10)       # the signature covers it
    refused(lambda: lab.jlis.confirm_registration(app, "p1", tampered))
    refused(lambda: lab.jlis.confirm_registration(app, "p1"))                 # a stranger marks it registered
    assert lab.status("p1").state.value == "pending"
    older = phone.proof(DeviceAction.FETCH_REGISTRATION, app)
    newer = phone.proof(DeviceAction.FETCH_REGISTRATION, app)
    assert lab.jlis.fetch_registration(app, "p1", newer).certificates
    refused(lambda: lab.jlis.fetch_registration(app, "p1", older))           # counters only go up
    refused(lambda: lab.jlis.confirm_registration(app, "p1", signed))         # made before a used one
    good = phone.proof(DeviceAction.CONFIRM_REGISTRATION, app)
    assert lab.jlis.confirm_registration(app, "p1", good).state.value == "active"


def test_status_without_a_proof_shows_only_what_the_crl_publishes(lab: Lab) -> None:
    phone = lab.phone("p1")
    receipt = phone.apply(lab.jlis, lab.card())
    public = lab.jlis.device_status("p1")
    assert (public.state.value, public.holder_id, public.se_id, public.pending_application) == \
        ("pending", None, None, None)
    own = phone.status(lab.jlis)
    assert (own.holder_id, own.se_id, own.pending_application) == ("resident-1", "se-p1", receipt.application_id)
    stale = phone.proof(DeviceAction.STATUS)
    phone.status(lab.jlis)
    refused(lambda: lab.jlis.device_status("p1", stale))                      # a bad proof is refused
    assert lab.jlis.device_status("never-seen").state.value == "unknown"      # nothing bound: nothing to hide


def test_the_key_is_bound_by_the_card_signed_application(lab: Lab) -> None:
    phone = lab.phone("p1")
    card = lab.card()
    swapped = dataclasses.replace(phone.request(card), device_key=DeviceKeySlot(new_key()).public_spki())
    with pytest.raises(ServiceError) as exc:                                  # the card signed the key
        lab.jlis.submit_application(swapped)
    assert exc.value.reason == Refusal.BAD_SIGNATURE
    with pytest.raises(MalformedRequestError):                                # no device key: malformed
        lab.jlis.submit_application(dataclasses.replace(phone.request(card, sign=False), device_key=None)
                                    .sign_with(card_signer(card)))
    phone.apply(lab.jlis, card)
    # someone else's card cannot rebind the phone id to their own key
    other_card = lab.jlis.counter.issue_card(resident("resident-2", name="見本\u3000次郎", birth=date(1980, 1, 1)),
                                             my_number="123456789026", auth_pin="1234", sign_password="ABC123")
    thief = lab.phone("p1", device=DeviceKeySlot(new_key()))
    error = refused(lambda: thief.apply(lab.jlis, other_card))
    assert "another device key" in error.message("en")
    # the holder's own card may (an SE that was reset): the old key's proofs stop working
    renewed = lab.phone("p1", device=DeviceKeySlot(new_key()))
    renewed.apply(lab.jlis, lab.card())
    refused(lambda: phone.poll(lab.jlis))
    assert renewed.poll(lab.jlis) == []


def test_over_http_a_missing_proof_is_401_and_a_bad_header_400(lab: Lab) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from starlette.testclient import TestClient
        client = TestClient(create_app(lab.jlis, CounterService(Municipality(lab.jlis.counter)), lab.clock))
    api = HttpJlis("http://testserver", client=client)
    phone = lab.phone("p1")
    receipt = phone.apply(api, lab.card())
    lab.clock.advance(minutes=3)
    answer = client.post("/api/devices/p1/poll", json={})
    assert answer.status_code == 401 and answer.json()["error"]["reason"] == "unauthenticated"
    answer = client.post("/api/devices/p1/poll", json={}, headers={"X-Device-Proof": "12.%%%"})
    assert answer.status_code == 400 and answer.json()["error"]["reason"] == "malformed"
    answer = client.get(f"/api/applications/{receipt.application_id}/registration", params={"device_id": "p1"})
    assert answer.status_code == 401
    assert client.get("/api/devices/p1").json()["holder_id"] is None
    refused(lambda: api.confirm_registration(receipt.application_id, "p1"))
    assert [n.kind for n in phone.poll(api)] == [NotificationKind.REGISTRATION_READY]
    assert sorted(k.value for k in phone.register(api, receipt)) == ["auth", "sign"]
    assert phone.status(api).holder_id == "resident-1"
