"""利用履歴 (1-4 ③) and the municipal counter's register."""

from __future__ import annotations

from datetime import date

import pytest
from jlis_support import Lab

from labkit.card import KeyRole
from labkit.errors import InputError, ServiceError
from labkit.jlis import LossItem, MalformedRequestError, Refusal, UsageKind, UsageRecord
from labkit.municipality import CardState, Municipality, ResidentRegistry
from labkit.pki import CaKind, Sex
from labkit.reader import InProcessTransport, JpkiClient, PinBlockedError, WrongPinError


def test_history_records_every_step_with_time_and_device(lab: Lab) -> None:
    card = lab.card()
    phone = lab.phone("p1")
    receipt = phone.apply(lab.jlis, card)
    lab.clock.advance(minutes=3)
    serials = phone.register(lab.jlis, receipt)
    lab.clock.advance(hours=1)
    login = lab.jlis.record_usage(UsageRecord(UsageKind.LOGIN, serials[CaKind.AUTH], "マイナポータル", "p1"))
    assert login.holder_id == "resident-1" and login.at == lab.jlis.now() and login.detail.ja == "ログイン"
    lab.jlis.record_usage(UsageRecord(UsageKind.SIGNATURE, serials[CaKind.SIGN], "lab-bank", "p1"))
    lab.jlis.record_usage(UsageRecord(UsageKind.LOGIN, serials[CaKind.AUTH], "マイナポータル", "p1",
                                      outcome=Refusal.CERT_HELD.value))
    lab.jlis.counter.suspend("resident-1", LossItem.PHONE)
    phone.revoke(lab.jlis, serials[CaKind.AUTH])

    history = lab.jlis.usage_history(serial=serials[CaKind.AUTH])
    kinds = [e.kind for e in reversed(history)]
    for expected in (UsageKind.CARD_ISSUANCE, UsageKind.APPLICATION, UsageKind.ISSUANCE, UsageKind.REGISTRATION,
                     UsageKind.LOGIN, UsageKind.SIGNATURE, UsageKind.SUSPENSION, UsageKind.REVOCATION):
        assert expected in kinds
    assert [e.at for e in history] == sorted((e.at for e in history), reverse=True)  # newest first
    assert {e.device_id for e in history if e.kind is UsageKind.LOGIN} == {"p1"}
    assert any(e.outcome == "held" for e in history)
    assert lab.jlis.usage_history(holder_id="resident-1", limit=2) == history[:2]


@pytest.mark.parametrize("bad", [
    dict(serial=None, holder_id=None), dict(serial=1, holder_id="x"), dict(holder_id="x", limit=0),
])
def test_history_query_is_checked(lab: Lab, bad: dict) -> None:
    with pytest.raises(MalformedRequestError):
        lab.jlis.usage_history(**bad)


def test_usage_of_an_unknown_certificate(lab: Lab) -> None:
    with pytest.raises(ServiceError) as exc:
        lab.jlis.record_usage(UsageRecord(UsageKind.LOGIN, 12345, "portal"))
    assert exc.value.reason == Refusal.CERT_UNKNOWN
    with pytest.raises(MalformedRequestError):
        lab.jlis.record_usage(UsageRecord(UsageKind.LOGIN, 12345, "portal", outcome="because"))


# --- the municipality ------------------------------------------------------------------------

def test_register_issue_and_persist(lab: Lab, tmp_path: object) -> None:
    path = f"{tmp_path}/city.db"
    city = Municipality(lab.jlis.counter, registry=ResidentRegistry(path))
    adult = city.register("見本\u3000花子", Sex.FEMALE, date(1990, 7, 15), "東京都清瀬市見本町１丁目２番３号")
    child = city.register("見本\u3000さくら", Sex.FEMALE, date(2016, 4, 10), "東京都清瀬市見本町１丁目２番３号")
    city.issue_card(adult, auth_pin="1234", sign_password="ABC123")
    child_card = city.issue_card(child, auth_pin="5678", sign_password=None)
    assert child_card.jpki.certificate(KeyRole.SIGN) is None
    with pytest.raises(InputError):
        city.issue_card(child, auth_pin="5678", sign_password="ABC123")  # under 15: no signing certificate
    city.registry.close()

    again = ResidentRegistry(path)
    stored = again.get(adult.my_number)
    assert stored.card_state is CardState.ISSUED and stored.holder.card_expiry == date(2035, 7, 15)  # 10th
    assert again.get(child.my_number).holder.card_expiry == date(2030, 4, 10)                        # 5th
    assert lab.jlis.db.holder(adult.holder_id) == stored.holder


def test_card_loss_reported_at_the_counter(lab: Lab) -> None:
    city = Municipality(lab.jlis.counter)
    person = city.register("見本\u3000花子", Sex.FEMALE, date(1990, 7, 15), "東京都清瀬市見本町１丁目２番３号")
    city.issue_card(person, auth_pin="1234", sign_password="ABC123")
    assert len(city.report_card_loss(person)) == 2
    assert city.report_card_loss(person) == ()  # already suspended (the hotline was first)
    assert city.resident(person.my_number).card_state is CardState.LOST


def test_locked_pin_reset_at_the_counter(lab: Lab) -> None:
    city = Municipality(lab.jlis.counter)
    person = city.register("見本\u3000花子", Sex.FEMALE, date(1990, 7, 15), "東京都清瀬市見本町１丁目２番３号")
    card = city.issue_card(person, auth_pin="1234", sign_password="ABC123")
    client = JpkiClient(InProcessTransport(card))
    for _ in range(3):
        with pytest.raises((WrongPinError, PinBlockedError)):
            client.verify(KeyRole.AUTH, "9999", allow_last_try=True)
    assert client.pin_tries(KeyRole.AUTH).blocked
    city.reset_pin(person, card, KeyRole.AUTH, "2468")
    client.verify(KeyRole.AUTH, "2468")
    assert "auth PIN reset" in city.resident(person.my_number).history
