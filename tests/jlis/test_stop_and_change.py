"""2-7 stop using, change of address/name, and 2-8 expiry at the 5th birthday."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from cryptography import x509
from jlis_support import Lab, Phone, key_signer, resident

from labkit.card import KeyRole, MyNumberCard
from labkit.clock import JST
from labkit.errors import ServiceError
from labkit.jlis import ApplicationKind, DeviceState, NotificationKind, Refusal, RevocationRequest
from labkit.municipality import Municipality
from labkit.pki import CaKind, CertState, Reason


def _registered(lab: Lab, holder: object = None, device: str = "p1") -> tuple[MyNumberCard, Phone, dict[CaKind, int]]:
    card = lab.card(holder)  # type: ignore[arg-type]
    phone = lab.phone(device)
    receipt = phone.apply(lab.jlis, card)
    lab.clock.advance(minutes=3)
    return card, phone, phone.register(lab.jlis, receipt)


# --- 2-7 -------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", [CaKind.AUTH, CaKind.SIGN])
def test_stop_using_revokes_both(lab: Lab, kind: CaKind) -> None:
    card, phone, serials = _registered(lab)
    receipt = phone.revoke(lab.jlis, serials[kind], kind)
    assert set(receipt.revoked) == set(serials.values())
    for serial in serials.values():
        st = lab.jlis.status(serial)
        assert st.state is CertState.REVOKED and st.reason is Reason.CESSATION_OF_OPERATION
    assert lab.status("p1").state is DeviceState.RETIRED
    with pytest.raises(ServiceError) as exc:
        phone.revoke(lab.jlis, serials[kind], kind)
    assert exc.value.reason == Refusal.CERT_REVOKED
    # afterwards the holder may start again on any phone, without a device change
    assert lab.phone("p2").apply(lab.jlis, card).old_device_id is None


def test_stop_using_needs_the_phone_key(lab: Lab) -> None:
    _, phone, serials = _registered(lab)
    stranger = RevocationRequest("p1", serials[CaKind.AUTH], os.urandom(16)).sign_with(
        key_signer(lab.phone_keys[-1]))
    with pytest.raises(ServiceError) as exc:
        lab.jlis.revoke_by_user(stranger)
    assert exc.value.reason == Refusal.BAD_SIGNATURE
    elsewhere = RevocationRequest("p9", serials[CaKind.AUTH], os.urandom(16)).sign_with(
        key_signer(phone.current[CaKind.AUTH]))
    with pytest.raises(ServiceError) as exc:
        lab.jlis.revoke_by_user(elsewhere)
    assert exc.value.reason == Refusal.NOT_REGISTERED
    assert all(lab.jlis.status(s).state is CertState.GOOD for s in serials.values())


def test_factory_reset_changes_nothing_at_jlis(lab: Lab) -> None:
    """A factory reset never talks to J-LIS: the certificates stay valid (lecture 2-7 補足)."""
    _, _, serials = _registered(lab)
    lab.clock.advance(days=30)
    assert all(lab.jlis.status(s).state is CertState.GOOD for s in serials.values())
    assert lab.status("p1").state is DeviceState.ACTIVE


def test_suspended_phone_may_still_be_revoked_by_its_holder(lab: Lab) -> None:
    _, phone, serials = _registered(lab)
    lab.jlis.counter.suspend("resident-1", "phone")  # type: ignore[arg-type]
    assert set(phone.revoke(lab.jlis, serials[CaKind.AUTH]).revoked) == set(serials.values())


# --- change of address or name ---------------------------------------------------------------

def test_moving_house_revokes_both_signing_certificates(lab: Lab) -> None:
    city = Municipality(lab.jlis.counter)
    person = city.register("番号\u3000花子", 2, date(1990, 7, 15), "東京都清瀬市見本町１丁目２番３号")
    card = city.issue_card(person, auth_pin="1234", sign_password="ABC123")
    phone = lab.phone("p1")
    receipt = phone.apply(lab.jlis, card)
    lab.clock.advance(minutes=3)
    serials = phone.register(lab.jlis, receipt)
    card_serials = {r: x509.load_der_x509_certificate(card.jpki.certificate(r)).serial_number for r in KeyRole}

    city.change_attributes(person, address="東京都清瀬市竹丘３丁目４番５号")
    for serial in (serials[CaKind.SIGN], card_serials[KeyRole.SIGN]):
        st = lab.jlis.status(serial)
        assert st.state is CertState.REVOKED and st.reason is Reason.AFFILIATION_CHANGED
    for serial in (serials[CaKind.AUTH], card_serials[KeyRole.AUTH]):
        assert lab.jlis.status(serial).state is CertState.GOOD
    [note] = [n for n in lab.poll("p1") if n.kind is NotificationKind.REVOKED]
    assert note.serials == (serials[CaKind.SIGN],)

    # the card can no longer apply until the counter writes a new signing certificate
    with pytest.raises(ServiceError) as exc:
        phone.apply(lab.jlis, card, kind=ApplicationKind.REISSUE, certificates=(CaKind.SIGN,))
    assert exc.value.reason == Refusal.CARD_REVOKED
    person = city.change_attributes(city.resident(person.my_number), card=card, new_sign_password="XYZ789")
    receipt = phone.apply(lab.jlis, card, kind=ApplicationKind.REISSUE, certificates=(CaKind.SIGN,),
                          password="XYZ789")
    lab.clock.advance(minutes=3)
    new = phone.register(lab.jlis, receipt)
    from labkit.pki import basic_attributes_of
    pkg = lab.jlis.certificate(new[CaKind.SIGN])
    assert basic_attributes_of(x509.load_der_x509_certificate(pkg)).address == "東京都清瀬市竹丘３丁目４番５号"


# --- 2-8 expiry: the 5th birthday after issuance --------------------------------------------

def test_fifth_birthday(make_lab: Callable[..., Lab]) -> None:
    lab = make_lab("2026-04-01T10:00:00+09:00")
    card, phone, serials = _registered(lab, resident(birth=date(1990, 7, 15)))
    last = lab.jlis.jpki.record(serials[CaKind.AUTH]).not_after
    assert last.astimezone(JST).date() == date(2030, 7, 15)  # 5th birthday after 2026-04-01
    lab.clock.set("2030-07-15T23:59:59+09:00")                # the last second of the birthday
    assert all(lab.jlis.status(s).state is CertState.GOOD for s in serials.values())
    lab.clock.advance(timedelta(seconds=1))                    # 16 July 00:00:00
    for serial in serials.values():
        st = lab.jlis.status(serial)
        assert st.state is CertState.EXPIRED and st.text.en == "expired"
    with pytest.raises(ServiceError) as exc:
        phone.revoke(lab.jlis, serials[CaKind.AUTH])
    assert exc.value.reason == Refusal.CERT_EXPIRED
    with pytest.raises(ServiceError) as exc:  # the card's own certificate ran out the same day
        lab.phone("p2").apply(lab.jlis, card)
    assert exc.value.reason == Refusal.CARD_EXPIRED
