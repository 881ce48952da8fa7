"""The relying services' checks and refusals: replay, tampering, revocation states mapped to
stable reasons with Japanese and English text, the kiosk's start date, the usage history."""

from __future__ import annotations

from dataclasses import replace

import pytest
from world_support import new_world, registered, shared_registered

from labkit.errors import ServiceError
from labkit.i18n import Text
from labkit.jlis import Refusal, UsageKind
from labkit.phone import Phone
from labkit.pki import Failure, Problem
from labkit.services import FAILURE_REFUSALS, Procedure, refusal_for
from labkit.world import Person, World

shared = pytest.fixture(scope="module", name="shared")(shared_registered)


def test_every_failure_maps_to_a_bilingual_refusal() -> None:
    service = Text("テスト", "test")
    for failure, refusal in FAILURE_REFUSALS:
        error = refusal_for([Problem(failure)], service)
        assert error.reason == refusal.value
        assert error.text.ja.startswith(refusal.text.ja) and error.text.en.startswith(refusal.text.en)
        assert "テスト" in error.text.ja and "test" in error.text.en
    both = refusal_for([Problem(Failure.EXPIRED), Problem(Failure.REVOKED)], service)
    assert both.reason == Refusal.CERT_REVOKED.value and "有効期間" in both.text.ja


def test_a_replayed_or_forged_answer_is_refused(shared: tuple[World, Person, Phone]) -> None:
    world, person, phone = shared
    challenge = world.portal.challenge()
    assertion = phone.mynaportal.authenticate(challenge, pin=person.phone_pin)
    world.portal.verify_login(assertion)
    with pytest.raises(ServiceError) as replayed:
        world.portal.verify_login(assertion)
    assert replayed.value.reason == "replayed"
    other = world.portal.challenge()
    forged = replace(assertion, challenge=other)  # a signature over another challenge
    with pytest.raises(ServiceError) as bad:
        world.portal.verify_login(forged)
    assert bad.value.reason == "bad_signature"
    history = world.jlis.usage_history(holder_id=person.holder_id)
    assert history[0].kind is UsageKind.LOGIN and history[0].outcome == "bad_signature"


def test_an_altered_document_is_not_genuine(shared: tuple[World, Person, Phone]) -> None:
    world, person, phone = shared
    office = world.portal.offices[Procedure.MOVING]
    document = world.portal.document(Procedure.MOVING, {"to": "梅園"})
    signature = phone.mynaportal.sign_document(document, password=person.phone_password)
    good = office.receive(document, signature)
    assert good.ok and good.signer is not None and good.signer.name == person.name
    altered = office.receive(document.replace("梅園".encode(), "中里".encode()), signature)
    assert not altered.ok and Failure.DIGEST_MISMATCH in altered.verification.failures
    assert "改ざん" in altered.statement.ja and "altered" in altered.statement.en


def test_wrong_signing_password_is_counted(shared: tuple[World, Person, Phone]) -> None:
    _, person, phone = shared
    with pytest.raises(ServiceError) as wrong:
        phone.mynaportal.sign_document(b"x", password="WRONG1")
    assert wrong.value.reason == "wrong_pin" and "残り 4 回" in wrong.value.text.ja
    phone.mynaportal.sign_document(b"x", password=person.phone_password)  # resets the counter


def test_held_login_is_recorded_and_explained() -> None:
    world = new_world()
    person, phone = registered(world)
    world.report_loss(person)
    with pytest.raises(ServiceError) as held:
        world.login(phone, pin=person.phone_pin)
    assert held.value.reason == "held" and "マイナポータル" in held.value.text.ja
    assert "on hold" in held.value.text.en
    event = world.jlis.usage_history(holder_id=person.holder_id)[0]
    assert (event.kind, event.outcome, event.device_id) == (UsageKind.LOGIN, "held", phone.device_id)
    world.close()


def test_kiosk_accepts_smartphones_from_december_2023() -> None:
    world = new_world("2023-11-30T10:00:00+09:00")
    person, phone = registered(world)
    with pytest.raises(ServiceError) as early:
        world.kiosk.print_juminhyo(phone.mynaportal, pin=person.phone_pin)
    assert early.value.reason == "not_yet_available" and "2023年12月" in early.value.text.ja
    world.advance_to("2023-12-01T09:00:00+09:00")
    copy = world.kiosk.print_juminhyo(phone.mynaportal, pin=person.phone_pin)
    assert person.name in copy.text("en") and "SAMPLE" in copy.text("en")
    world.close()
