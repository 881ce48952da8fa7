"""2-6 紛失時: the hotline (24時間365日 suspension, identity check, hours), phone found at the
counter, card found at the counter and then in the app."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from cryptography import x509
from jlis_support import Lab, Phone, assert_bilingual, resident

from labkit.card import KeyRole, MyNumberCard
from labkit.errors import ServiceError
from labkit.jlis import ApplicationKind, LossItem, LossReport, NotificationKind, Refusal
from labkit.jlis.hotline import Hotline
from labkit.municipality import Municipality
from labkit.pki import CaKind, CertState, Reason

NAME, BIRTH = "番号\u3000花子", date(1990, 7, 15)


def _registered(lab: Lab) -> tuple[MyNumberCard, Phone, dict[CaKind, int]]:
    card = lab.card()
    phone = lab.phone("p1")
    receipt = phone.apply(lab.jlis, card)
    lab.clock.advance(minutes=3)
    serials = phone.register(lab.jlis, receipt)
    lab.poll("p1")
    return card, phone, serials


def _card_serials(card: MyNumberCard) -> dict[KeyRole, int]:
    return {r: x509.load_der_x509_certificate(card.jpki.certificate(r)).serial_number for r in KeyRole}


def state(lab: Lab, serial: int) -> CertState:
    return lab.jlis.status(serial).state


# --- the hotline ------------------------------------------------------------------------------

def test_voice_guidance_and_hours(make_lab: Callable[..., Lab]) -> None:
    lab = make_lab("2026-04-29T18:00:00+09:00")  # 昭和の日, a holiday: closed from 17:30
    line = Hotline(lab.jlis)
    assert "4番" in line.guidance().ja and "smartphone" in line.press(4).en
    assert "4番" in line.press(1).ja
    with pytest.raises(ServiceError) as exc:
        line.enquire("更新について")
    assert exc.value.reason == Refusal.OUTSIDE_HOURS and "17:30" in exc.value.message("ja")
    lab.clock.set("2026-04-30T18:00:00+09:00")  # Thursday
    assert "更新" in line.enquire("更新について").ja


def test_phone_lost_at_3am_on_new_years_day(make_lab: Callable[..., Lab]) -> None:
    lab = make_lab("2026-12-31T12:00:00+09:00")
    card, _, phone_serials = _registered(lab)
    lab.clock.set("2027-01-01T03:00:00+09:00")
    line = Hotline(lab.jlis)
    assert not line.is_open()
    receipt = line.report_loss(LossReport("番号 花子", BIRTH, LossItem.PHONE))  # spaces as spoken
    assert set(receipt.held) == set(phone_serials.values())
    assert all(state(lab, s) is CertState.HELD for s in phone_serials.values())
    assert all(state(lab, s) is CertState.GOOD for s in _card_serials(card).values())
    [note] = lab.poll("p1")
    assert note.kind is NotificationKind.SUSPENDED
    again = line.report_loss(LossReport(NAME, BIRTH, LossItem.PHONE))
    assert again.held == () and "既に" in again.message.ja


def test_card_lost_suspends_card_and_phone(lab: Lab) -> None:
    card, _, phone_serials = _registered(lab)
    receipt = Hotline(lab.jlis).report_loss(LossReport(NAME, BIRTH, LossItem.CARD))
    everything = {*phone_serials.values(), *_card_serials(card).values()}
    assert set(receipt.held) == everything
    assert all(state(lab, s) is CertState.HELD for s in everything)


@pytest.mark.parametrize(("name", "birth"), [("番号\u3000花子", date(1990, 7, 16)), ("番号\u3000太郎", BIRTH)])
def test_identity_check(lab: Lab, name: str, birth: date) -> None:
    _registered(lab)
    with pytest.raises(ServiceError) as exc:
        Hotline(lab.jlis).report_loss(LossReport(name, birth, LossItem.PHONE))
    assert exc.value.reason == Refusal.IDENTITY_MISMATCH
    assert_bilingual(exc.value)


def test_namesakes_need_the_address(lab: Lab) -> None:
    _registered(lab)
    lab.card(resident("resident-2", address="東京都清瀬市竹丘１丁目１番１号"))
    line = Hotline(lab.jlis)
    with pytest.raises(ServiceError) as exc:
        line.report_loss(LossReport(NAME, BIRTH, LossItem.PHONE))
    assert exc.value.reason == Refusal.IDENTITY_MISMATCH and "住所" in exc.value.message("ja")
    receipt = line.report_loss(LossReport(NAME, BIRTH, LossItem.PHONE, address="東京都清瀬市見本町１丁目２番３号"))
    assert len(receipt.held) == 2


def test_nothing_to_suspend(lab: Lab) -> None:
    lab.card()
    with pytest.raises(ServiceError) as exc:
        Hotline(lab.jlis).report_loss(LossReport(NAME, BIRTH, LossItem.PHONE))
    assert exc.value.reason == Refusal.NOTHING_TO_SUSPEND


# --- phone found: the municipal counter -------------------------------------------------------

def test_phone_found_at_the_counter_then_reissue_signing(lab: Lab) -> None:
    card, phone, serials = _registered(lab)
    lab.jlis.counter.suspend("resident-1", LossItem.PHONE)
    released, revoked = Municipality(lab.jlis.counter).ops.phone_found("resident-1")
    assert released == (serials[CaKind.AUTH],) and revoked == (serials[CaKind.SIGN],)
    assert state(lab, serials[CaKind.AUTH]) is CertState.GOOD
    assert lab.jlis.status(serials[CaKind.SIGN]).reason is Reason.KEY_COMPROMISE
    assert [n.kind for n in lab.poll("p1")] == [NotificationKind.SUSPENDED, NotificationKind.RESUMED]
    with pytest.raises(ServiceError) as exc:  # the user-auth one is fine: nothing to re-issue
        phone.apply(lab.jlis, card, kind=ApplicationKind.REISSUE, certificates=(CaKind.AUTH,))
    assert exc.value.reason == Refusal.STILL_ACTIVE
    receipt = phone.apply(lab.jlis, card, kind=ApplicationKind.REISSUE, certificates=(CaKind.SIGN,))
    lab.clock.advance(minutes=3)
    new = phone.register(lab.jlis, receipt)
    assert state(lab, new[CaKind.SIGN]) is CertState.GOOD
    kinds = {c.kind: c.state for c in lab.status("p1").certificates if c.state is CertState.GOOD}
    assert kinds == {CaKind.AUTH: CertState.GOOD, CaKind.SIGN: CertState.GOOD}


def test_phone_found_with_nothing_held(lab: Lab) -> None:
    _registered(lab)
    with pytest.raises(ServiceError) as exc:
        lab.jlis.counter.phone_found("resident-1")
    assert exc.value.reason == Refusal.NOTHING_TO_LIFT


# --- card found: the counter for the card, the app for the phone ------------------------------

def test_card_found(lab: Lab) -> None:
    card, phone, serials = _registered(lab)
    card_serials = _card_serials(card)
    lab.jlis.counter.suspend("resident-1", LossItem.CARD)

    # in the app first: the card's own signing certificate is still held → counter first
    with pytest.raises(ServiceError) as exc:
        phone.apply(lab.jlis, card, kind=ApplicationKind.CARD_FOUND, certificates=(CaKind.SIGN,))
    assert exc.value.reason == Refusal.CARD_HELD and "窓口" in exc.value.message("ja")

    city = Municipality(lab.jlis.counter)
    city.registry.add(_resident_record(lab))
    released, revoked = city.card_found(city.registry.by_holder("resident-1"), card, new_sign_password="NEW456")
    assert released == (card_serials[KeyRole.AUTH],) and revoked == (card_serials[KeyRole.SIGN],)
    assert state(lab, card_serials[KeyRole.AUTH]) is CertState.GOOD
    assert lab.jlis.status(card_serials[KeyRole.SIGN]).reason is Reason.KEY_COMPROMISE
    new_card_sign = _card_serials(card)[KeyRole.SIGN]
    assert new_card_sign != card_serials[KeyRole.SIGN] and state(lab, new_card_sign) is CertState.GOOD
    assert all(state(lab, s) is CertState.HELD for s in serials.values())  # phone: still suspended

    receipt = phone.apply(lab.jlis, card, kind=ApplicationKind.CARD_FOUND, certificates=(CaKind.SIGN,),
                          password="NEW456")
    assert state(lab, serials[CaKind.AUTH]) is CertState.GOOD
    assert lab.jlis.status(serials[CaKind.SIGN]).reason is Reason.SUPERSEDED
    assert receipt.revoked_serials == (serials[CaKind.SIGN],)
    lab.clock.advance(minutes=3)
    new = phone.register(lab.jlis, receipt)  # the re-issued signing certificate: register again
    assert state(lab, new[CaKind.SIGN]) is CertState.GOOD
    with pytest.raises(ServiceError) as exc:
        phone.apply(lab.jlis, card, kind=ApplicationKind.CARD_FOUND, certificates=(CaKind.SIGN,), password="NEW456")
    assert exc.value.reason == Refusal.NOTHING_TO_LIFT


def test_card_found_in_the_app_needs_a_new_signing_key(lab: Lab) -> None:
    card, phone, _ = _registered(lab)
    lab.jlis.counter.suspend("resident-1", LossItem.PHONE)  # phone certificates held, card good
    with pytest.raises(ServiceError) as exc:
        phone.apply(lab.jlis, card, kind=ApplicationKind.CARD_FOUND, certificates=())
    assert exc.value.reason == Refusal.MALFORMED


def _resident_record(lab: Lab) -> object:
    from labkit.municipality import Resident
    return Resident("123456789018", resident())
