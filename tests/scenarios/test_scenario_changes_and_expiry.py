"""A change of address revokes the signing certificates (card and phone; the four basic
attributes changed) while the user-authentication ones survive; and FAQ Q1: the
certificates run until the 5th birthday after issuance — the day after, every service
refuses them."""

from __future__ import annotations

import pytest
from world_support import new_world, over_http, registered

from labkit.errors import ServiceError
from labkit.jlis import NotificationKind
from labkit.phone import BANK
from labkit.pki import CertState, Reason
from labkit.services import Procedure


@over_http
def test_address_change_revokes_signing_only() -> None:
    world = new_world()
    person, phone = registered(world)
    bank_app = phone.install(BANK)
    card_sign = [c.serial for c in world.counter.card_certificates(person.resident.my_number)
                 if c.profile == "card-sign"]
    world.advance(days=10)
    world.municipality.change_attributes(person.resident, address="東京都清瀬市梅園１丁目１番１号")
    world.sync()
    assert any(m.notification.kind is NotificationKind.REVOKED for m in phone.inbox)
    states = {c.kind.value: (c.state, c.reason) for c in phone.mynaportal.status().certificates}
    assert states["sign"] == (CertState.REVOKED, Reason.AFFILIATION_CHANGED)
    assert states["auth"] == (CertState.GOOD, None)
    assert world.jlis.status(card_sign[0]).reason is Reason.AFFILIATION_CHANGED
    session = world.login(phone, pin=person.phone_pin)  # user-auth survives
    with pytest.raises(ServiceError) as refused:
        session.submit(Procedure.MOVING, {"to": "梅園"}, app=phone.mynaportal, password=person.phone_password)
    assert refused.value.reason == "revoked"
    assert "基本4情報の変更" in refused.value.text.ja and "basic attributes changed" in refused.value.text.en
    with pytest.raises(ServiceError) as refused:
        world.bank.open_account(bank_app, password=person.phone_password)
    assert refused.value.reason == "revoked"
    world.close()


def test_expiry_the_day_after_the_5th_birthday() -> None:
    world = new_world()  # 見本 花子, born 1990-02-17; issued 2026-04-01
    person, phone = registered(world)
    bank_app = phone.install(BANK)
    not_after = {c.kind.value: c.not_after for c in phone.mynaportal.status().certificates}
    assert {v.isoformat() for v in not_after.values()} == {"2031-02-17T14:59:59+00:00"}  # 23:59:59 JST
    world.advance_to("2031-02-17T23:00:00+09:00")  # the last day: still fine
    world.login(phone, pin=person.phone_pin)
    world.advance_to("2031-02-18T00:00:00+09:00")
    refusals = []
    for attempt in (lambda: world.login(phone, pin=person.phone_pin),
                    lambda: world.bank.open_account(bank_app, password=person.phone_password),
                    lambda: world.kiosk.print_juminhyo(phone.mynaportal, pin=person.phone_pin)):
        with pytest.raises(ServiceError) as refused:
            attempt()
        refusals.append(refused.value)
    assert {r.reason for r in refusals} == {"expired"}
    assert all("有効期限" in r.text.ja or "有効期間" in r.text.ja for r in refusals)
    assert all("expired" in r.text.en for r in refusals)
    world.close()
