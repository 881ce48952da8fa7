"""2-1 / 2-3: prerequisites, the card-signed application, one person one device (FAQ Q3)."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import date

import pytest
from cryptography import x509
from jlis_support import SIGN_PASSWORD, Lab, assert_bilingual, card_signer, resident

from labkit.card import KeyRole
from labkit.errors import ServiceError
from labkit.jlis import (
    ApplicationKind,
    ApplicationState,
    DeviceState,
    MalformedRequestError,
    Refusal,
    check_prerequisites,
)
from labkit.pki import PHONE_AUTH, PHONE_SIGN, CaKind, CertState, Jpki, MemoryStore, profile_of
from labkit.reader import WrongPinError


def refusal(exc_info: pytest.ExceptionInfo[ServiceError]) -> str:
    assert_bilingual(exc_info.value)
    return exc_info.value.reason


# --- the four prerequisites (2-1) -------------------------------------------------------------

def test_prerequisites_all_met() -> None:
    assert check_prerequisites(card_has_signing_certificate=True, signing_password="ABC123",
                               device_model="Pixel 8", app_version="54.0") == []


def test_prerequisites_each_reason_in_lecture_order() -> None:
    problems = check_prerequisites(card_has_signing_certificate=False, signing_password="abc",
                                   device_model="iPhone 15", app_version="53.9.9")
    assert [p.reason for p in problems] == ["no_signing_certificate", "password_format", "device_not_supported",
                                            "app_outdated"]
    for p in problems:
        assert_bilingual(p)
    assert "英小文字" in problems[1].message("ja") and "iPhone 15" in problems[2].message("en")


@pytest.mark.parametrize(("password", "ok"), [("ABC123", True), ("ABCDEF", False), ("123456", False),
                                              ("AB12", False), ("A" * 15 + "1", True), ("A" * 16 + "1", False)])
def test_prerequisite_password_rule(password: str, ok: bool) -> None:
    problems = check_prerequisites(card_has_signing_certificate=True, signing_password=password,
                                   device_model="Pixel 8", app_version="54.0")
    assert (problems == []) is ok


@pytest.mark.parametrize(("model", "version", "reason"), [
    ("iPhone 15", "54.0", "device_not_supported"),
    ("Pixel 8", "53.12", "app_outdated"),
    ("Pixel 8", "latest", "app_outdated"),
])
def test_server_side_prerequisites(lab: Lab, model: str, version: str, reason: str) -> None:
    card = lab.card()
    phone = lab.phone("p1", model=model, app_version=version)
    with pytest.raises(ServiceError) as exc:
        phone.apply(lab.jlis, card)
    assert refusal(exc) == reason


def test_card_without_signing_certificate(lab: Lab) -> None:
    child = resident("child-1", name="番号\u3000小太郎", birth=date(2016, 5, 5))
    card = lab.card(child, sign_password=None)
    assert card.jpki.certificate(KeyRole.SIGN) is None
    with pytest.raises(ServiceError) as exc:
        lab.jlis.submit_application(lab.phone("p1").request(card, sign=False))
    assert refusal(exc) == Refusal.NO_SIGNING_CERTIFICATE


# --- the card's signature and certificate -----------------------------------------------------

def test_application_accepted_and_phone_certificates_carry_the_card_attributes(lab: Lab) -> None:
    card = lab.card()
    phone = lab.phone("p1")
    receipt = phone.apply(lab.jlis, card)
    assert receipt.state is ApplicationState.PENDING and receipt.kind is ApplicationKind.NEW
    lab.clock.advance(minutes=3)
    package = lab.fetch(receipt.application_id, "p1")
    sign = x509.load_der_x509_certificate(package.certificates[CaKind.SIGN])
    auth = x509.load_der_x509_certificate(package.certificates[CaKind.AUTH])
    card_cert = x509.load_der_x509_certificate(card.jpki.certificate(KeyRole.SIGN))
    assert profile_of(sign) is PHONE_SIGN and profile_of(auth) is PHONE_AUTH
    from labkit.pki import basic_attributes_of
    assert basic_attributes_of(sign) == basic_attributes_of(card_cert)
    assert basic_attributes_of(auth) is None  # user-auth: no personal data
    assert sign.public_key().public_numbers() == phone.current[CaKind.SIGN].public_key().public_numbers()
    assert package.ca_certificates[CaKind.SIGN] == lab.jpki.ca(CaKind.SIGN).der
    status = lab.confirm(receipt.application_id, "p1")
    assert status.state is DeviceState.ACTIVE and {c.kind for c in status.certificates} == set(CaKind)


def test_only_the_certificates_applied_for(lab: Lab) -> None:
    card = lab.card()
    receipt = lab.phone("p1").apply(lab.jlis, card, certificates=(CaKind.AUTH,))
    lab.clock.advance(minutes=3)
    assert set(lab.fetch(receipt.application_id, "p1").certificates) == {CaKind.AUTH}


def test_tampered_application_is_refused(lab: Lab) -> None:
    card = lab.card()
    req = lab.phone("p1").request(card)
    forged = dataclasses.replace(req, device_id="attacker")
    with pytest.raises(ServiceError) as exc:
        lab.jlis.submit_application(forged)
    assert refusal(exc) == Refusal.BAD_SIGNATURE


def test_signature_by_another_card_is_refused(lab: Lab) -> None:
    card, other = lab.card(), lab.card(resident("resident-2", name="見本\u3000次郎"))
    req = lab.phone("p1").request(card, sign=False).sign_with(card_signer(other))
    with pytest.raises(ServiceError) as exc:
        lab.jlis.submit_application(req)
    assert refusal(exc) == Refusal.BAD_SIGNATURE


def test_wrong_card_password_never_reaches_jlis(lab: Lab) -> None:
    card = lab.card()
    with pytest.raises(WrongPinError):
        lab.phone("p1").request(card, password="WRONG1")
    assert lab.jlis.usage_history(holder_id="resident-1")[0].kind.value == "card_issuance"


def test_card_user_auth_certificate_is_not_enough(lab: Lab) -> None:
    card = lab.card()
    req = lab.phone("p1").request(card, card_der=card.jpki.certificate(KeyRole.AUTH))
    with pytest.raises(ServiceError) as exc:
        lab.jlis.submit_application(req)
    assert refusal(exc) == Refusal.NOT_CARD_SIGNING


def test_card_from_another_ca_is_untrusted(lab: Lab, ca_keys: list) -> None:
    foreign = Jpki.create(MemoryStore(), lab.clock, key_factory=itertools.cycle(ca_keys[::-1]).__next__)
    from labkit.jlis.service import JlisService
    card = JlisService(foreign).counter.issue_card(resident(), my_number="123456789018", auth_pin="1234",
                                           sign_password=SIGN_PASSWORD)
    with pytest.raises(ServiceError) as exc:
        lab.phone("p1").apply(lab.jlis, card)
    assert refusal(exc) == Refusal.CARD_UNTRUSTED


@pytest.mark.parametrize(("action", "reason"), [("hold", Refusal.CARD_HELD), ("revoke", Refusal.CARD_REVOKED)])
def test_suspended_or_revoked_card(lab: Lab, action: str, reason: Refusal) -> None:
    card = lab.card()
    serial = x509.load_der_x509_certificate(card.jpki.certificate(KeyRole.SIGN)).serial_number
    getattr(lab.jpki, action)(serial)
    with pytest.raises(ServiceError) as exc:
        lab.phone("p1").apply(lab.jlis, card)
    assert refusal(exc) == reason


def test_replayed_application(lab: Lab) -> None:
    card = lab.card()
    req = lab.phone("p1").request(card)
    lab.jlis.submit_application(req)
    with pytest.raises(ServiceError) as exc:
        lab.jlis.submit_application(req)
    assert refusal(exc) == Refusal.REPLAYED


@pytest.mark.parametrize("bad", ["no_keys", "same_key", "short_key"])
def test_malformed_keys(lab: Lab, bad: str) -> None:
    card = lab.card()
    phone = lab.phone("p1")
    req = phone.request(card, sign=False)
    keys = dict(req.public_keys)
    if bad == "no_keys":
        keys.pop(CaKind.AUTH)
    elif bad == "same_key":
        keys[CaKind.AUTH] = keys[CaKind.SIGN]
    else:
        keys[CaKind.AUTH] = b"\x30\x03\x02\x01\x01"
    req = dataclasses.replace(req, public_keys=keys).sign_with(card_signer(card))
    with pytest.raises(MalformedRequestError):
        lab.jlis.submit_application(req)


# --- one person, one device (FAQ Q3) ---------------------------------------------------------

def _registered(lab: Lab, device: str = "p1") -> tuple[object, object]:
    card = lab.card()
    phone = lab.phone(device)
    receipt = phone.apply(lab.jlis, card)
    lab.clock.advance(minutes=3)
    phone.register(lab.jlis, receipt)
    return card, phone


def test_second_phone_must_declare_a_device_change(lab: Lab) -> None:
    card, _ = _registered(lab)
    with pytest.raises(ServiceError) as exc:
        lab.phone("p2").apply(lab.jlis, card)
    assert refusal(exc) == Refusal.ONE_DEVICE
    assert "機種変更" in exc.value.message("ja") and "device change" in exc.value.message("en")
    assert lab.phone("p2").apply(lab.jlis, card, kind=ApplicationKind.DEVICE_CHANGE).old_device_id == "p1"


def test_same_phone_cannot_apply_twice(lab: Lab) -> None:
    card, phone = _registered(lab)
    for kind in (ApplicationKind.NEW, ApplicationKind.DEVICE_CHANGE):
        with pytest.raises(ServiceError) as exc:
            phone.apply(lab.jlis, card, kind=kind)  # type: ignore[attr-defined]
        assert refusal(exc) == Refusal.ALREADY_REGISTERED


def test_newer_application_cancels_an_unregistered_one(lab: Lab) -> None:
    card = lab.card()
    first = lab.phone("p1").apply(lab.jlis, card)
    lab.clock.advance(minutes=5)  # issued, not registered
    second = lab.phone("p2").apply(lab.jlis, card)
    with pytest.raises(ServiceError) as exc:
        lab.fetch(first.application_id, "p1")
    assert refusal(exc) == Refusal.APPLICATION_CANCELLED
    first_serials = [c.serial for c in lab.jlis.db.links(application_id=first.application_id)]
    assert first_serials and all(lab.jlis.status(s).state is CertState.REVOKED for s in first_serials)
    lab.clock.advance(minutes=3)
    assert lab.fetch(second.application_id, "p2").certificates


def test_registration_belongs_to_its_phone(lab: Lab) -> None:
    card = lab.card()
    receipt = lab.phone("p1").apply(lab.jlis, card)
    lab.clock.advance(minutes=3)
    with pytest.raises(ServiceError) as exc:
        lab.fetch(receipt.application_id, "p2")
    assert refusal(exc) == Refusal.WRONG_DEVICE
    with pytest.raises(ServiceError) as exc:
        lab.fetch("app-nope", "p1")
    assert refusal(exc) == Refusal.NOT_FOUND

