"""Phones in several notebook kernels share one J-LIS: a world served over HTTP and a world
connected to it by URL (one clock: the server's; OCSP over HTTP)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from world_support import new_world

from labkit.errors import ServiceError
from labkit.jlis import DeviceState
from labkit.world import World


def test_a_second_kernel_applies_and_logs_in_over_http() -> None:
    lecturer = new_world()
    hanako = lecturer.resident("sample")
    url = lecturer.serve()
    student = World.create(jlis=url)
    try:
        assert student.now() == lecturer.now()
        phone = student.new_phone()
        student.apply(hanako, phone)  # the card is handed over; J-LIS is reached over HTTP
        assert lecturer.now() - lecturer.clock.now() == timedelta(0)
        assert lecturer.jlis.device_status(phone.device_id).state is DeviceState.ACTIVE
        session = student.login(phone, pin=hanako.phone_pin)  # OCSP over HTTP
        assert session.history()[0].kind.value == "login"
        student.advance(hours=1)
        assert lecturer.now() == student.now()
        with pytest.raises(ServiceError) as refused:
            student.resident("taro")
        assert refused.value.reason == "unavailable" and "講師" in refused.value.text.ja
    finally:
        student.close()
        lecturer.close()
