"""Phones in several notebook kernels share one J-LIS: a world served over HTTP and a world
connected to it by URL (one clock: the server's; OCSP over HTTP). The connected world gets
its residents and cards from the server's municipal counter, and the counter's other
operations work from it too."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from world_support import new_world

from labkit.card import KeyRole
from labkit.errors import ServiceError
from labkit.jlis import DeviceState, LossItem
from labkit.municipality import CardState
from labkit.office.desk import CounterDesk
from labkit.office.http import HttpCounter
from labkit.pki import CertState
from labkit.reader import InProcessTransport, JpkiClient, PinBlockedError, WrongPinError
from labkit.world import SAMPLE_PEOPLE, World


@pytest.fixture(scope="module", autouse=True)
def office() -> str:
    """This module serves its own world over HTTP: one run is enough."""
    return "in_process"


@pytest.fixture
def worlds() -> Iterator[tuple[World, World]]:
    lecturer = new_world()
    student = World.create(jlis=lecturer.serve())
    yield lecturer, student
    student.close()
    lecturer.close()


def test_a_second_kernel_applies_and_logs_in_over_http(worlds: tuple[World, World]) -> None:
    lecturer, student = worlds
    hanako = lecturer.resident("sample")
    assert student.now() == lecturer.now()
    phone = student.new_phone()
    student.apply(hanako, phone)  # the card is handed over; J-LIS is reached over HTTP
    assert lecturer.now() - lecturer.clock.now() == timedelta(0)
    assert lecturer.jlis.device_status(phone.device_id).state is DeviceState.ACTIVE
    session = student.login(phone, pin=hanako.phone_pin)  # OCSP over HTTP
    assert session.history()[0].kind.value == "login"
    student.advance(hours=1)
    assert lecturer.now() == student.now()


def test_the_counter_works_from_a_connected_kernel(worlds: tuple[World, World]) -> None:
    lecturer, student = worlds
    hanako = lecturer.resident("sample")
    assert isinstance(student.municipality, CounterDesk) and isinstance(student.counter, HttpCounter)
    me = student.resident("sample")  # the same sample person, made at the server's counter
    assert me.name == hanako.name and me.birth_date == hanako.birth_date
    assert me.address.startswith(SAMPLE_PEOPLE["sample"][3]) and me.address != hanako.address  # a room number
    assert lecturer.municipality.resident(me.resident.my_number).card_state is CardState.ISSUED
    assert student.resident("sample") is me
    assert student.resident("child").card.jpki.certificate(KeyRole.SIGN) is None  # under 15

    phone = student.new_phone(me)
    student.apply(me, phone)
    receipt = student.report_loss(me, LossItem.PHONE)  # the hotline tells the two apart by the address
    assert len(receipt.held) == 2
    assert {c.state for c in student.counter.card_certificates(hanako.resident.my_number)} == {CertState.GOOD}
    released, revoked = student.phone_found(me)
    assert len(released) == 1 and len(revoked) == 1
    student.login(phone, pin=me.phone_pin)

    held = student.report_card_loss(me)  # the card's two certificates and the phone's user-auth one
    assert len(held) == 3 and me.resident.card_state is CardState.LOST
    with pytest.raises(ServiceError) as refused:
        student.login(phone, pin=me.phone_pin)
    assert refused.value.reason == "held"

    card = me.card
    old_signing = card.jpki.certificate(KeyRole.SIGN)
    student.card_found(me, new_sign_password="FOUND2026")  # the card goes over the counter and back
    assert me.card is card and card.jpki.certificate(KeyRole.SIGN) != old_signing
    assert me.card_password == "FOUND2026" and me.resident.card_state is CardState.ISSUED
    JpkiClient(InProcessTransport(card)).verify(KeyRole.SIGN, "FOUND2026")

    client = JpkiClient(InProcessTransport(card))
    for _ in range(3):
        with pytest.raises((WrongPinError, PinBlockedError)):
            client.verify(KeyRole.AUTH, "9999", allow_last_try=True)
    student.reset_pin(me, "auth", "5678")
    JpkiClient(InProcessTransport(card)).verify(KeyRole.AUTH, "5678")
    assert me.card_pin == "5678"

    student.change_attributes(me, address="東京都清瀬市梅園１丁目１番１号")
    assert me.address == "東京都清瀬市梅園１丁目１番１号"
    assert lecturer.municipality.resident(me.resident.my_number).holder.attributes.address == me.address
    with pytest.raises(ServiceError) as wrong:
        student.municipality.card_found(me.resident, hanako.card, new_sign_password="FOUND2026")
    assert wrong.value.reason == "wrong_card" and "ご本人" in wrong.value.text.ja
