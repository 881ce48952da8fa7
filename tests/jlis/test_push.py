"""2-3 / FAQ Q2: the push notification's timing, registration only after it, and the
certificates' notBefore equal to the push time (J-LIS issues when it processes)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from cryptography import x509
from jlis_support import Lab, assert_bilingual

from labkit.card import KeyRole
from labkit.clock import JST
from labkit.errors import ServiceError
from labkit.jlis import NotificationKind, Refusal
from labkit.pki import CaKind, CertState


def jst(*args: int) -> datetime:
    return datetime(*args, tzinfo=JST)


@pytest.mark.parametrize(("applied", "push"), [
    ("2026-04-01T19:29:00+09:00", jst(2026, 4, 1, 19, 32)),   # inside the window: minutes later
    ("2026-04-01T19:30:00+09:00", jst(2026, 4, 2, 8, 0)),     # 19:30 waits for the morning
    ("2026-04-02T07:59:00+09:00", jst(2026, 4, 2, 8, 0)),     # early morning: 8:00 the same day
    ("2026-04-04T12:00:00+09:00", jst(2026, 4, 4, 12, 3)),    # Saturday: the same rule
    ("2026-04-01T21:00:00+09:00", jst(2026, 4, 2, 8, 0)),     # the lecture's 21:00 lab
])
def test_push_and_registration_timing(make_lab: Callable[..., Lab], applied: str, push: datetime) -> None:
    lab = make_lab(applied)
    card = lab.card()
    receipt = lab.phone("p1").apply(lab.jlis, card)
    assert receipt.push_at == push
    assert push.strftime("%H:%M") in receipt.message.ja

    lab.clock.set(push - timedelta(seconds=1))
    assert lab.poll("p1") == []
    with pytest.raises(ServiceError) as exc:
        lab.fetch(receipt.application_id, "p1")
    assert exc.value.reason == Refusal.BEFORE_PUSH
    assert_bilingual(exc.value)
    assert push.strftime("%H:%M") in exc.value.message("en")

    lab.clock.set(push)
    [note] = lab.poll("p1")
    assert note.kind is NotificationKind.REGISTRATION_READY and note.due_at == push
    assert note.application_id == receipt.application_id
    assert lab.poll("p1") == []  # delivered once
    package = lab.fetch(receipt.application_id, "p1")
    for der in package.certificates.values():
        assert x509.load_der_x509_certificate(der).not_valid_before_utc == push


def test_late_poll_still_stamps_the_push_time(make_lab: Callable[..., Lab]) -> None:
    """Nobody asks J-LIS anything overnight: the certificates still start at 8:00."""
    lab = make_lab("2026-04-01T21:00:00+09:00")
    receipt = lab.phone("p1").apply(lab.jlis, lab.card())
    lab.clock.set(jst(2026, 4, 2, 11, 45))
    package = lab.fetch(receipt.application_id, "p1")
    cert = x509.load_der_x509_certificate(package.certificates[CaKind.AUTH])
    assert cert.not_valid_before_utc == jst(2026, 4, 2, 8, 0)
    assert lab.jlis.status(cert.serial_number).state is CertState.GOOD


def test_card_suspended_before_the_push_refuses_the_application(make_lab: Callable[..., Lab]) -> None:
    lab = make_lab("2026-04-01T21:00:00+09:00")
    card = lab.card()
    receipt = lab.phone("p1").apply(lab.jlis, card)
    lab.clock.set(jst(2026, 4, 2, 3, 0))  # card lost during the night, reported at once
    card_serial = x509.load_der_x509_certificate(card.jpki.certificate(KeyRole.SIGN)).serial_number
    lab.jpki.hold(card_serial)
    lab.clock.set(jst(2026, 4, 2, 8, 30))
    [note] = lab.poll("p1")
    assert note.kind is NotificationKind.APPLICATION_REFUSED
    assert "一時保留" in note.message.ja
    with pytest.raises(ServiceError) as exc:
        lab.fetch(receipt.application_id, "p1")
    assert exc.value.reason == Refusal.APPLICATION_REFUSED
    assert lab.jlis.db.links(application_id=receipt.application_id) == []


def test_issued_certificates_wait_for_confirmation(lab: Lab) -> None:
    receipt = lab.phone("p1").apply(lab.jlis, lab.card())
    lab.clock.advance(minutes=3)
    status = lab.status("p1")
    assert status.pending_application == receipt.application_id and status.certificates == ()
    lab.fetch(receipt.application_id, "p1")
    status = lab.confirm(receipt.application_id, "p1")
    assert status.pending_application is None and len(status.certificates) == 2
    # confirming again is harmless
    assert lab.confirm(receipt.application_id, "p1") == status


def test_the_heartbeat_is_skipped_only_while_nothing_can_be_due(make_lab: Callable[..., Lab]) -> None:
    """``tick`` (run before every J-LIS answer, OCSP included) does its queries only after a
    commit or once the next push is due; the OCSP hot path steps aside while it is due."""
    lab = make_lab("2026-04-01T21:00:00+09:00")
    core = lab.jlis.core
    receipt = lab.phone("p1").apply(lab.jlis, lab.card())
    lab.jlis.tick()
    assert not core.tick_due()
    lab.clock.set(receipt.push_at - timedelta(seconds=1))
    assert not core.tick_due()
    lab.clock.set(receipt.push_at)
    assert core.tick_due()
    assert lab.jlis.ocsp_cached(b"\x30\x00") is None
    lab.jlis.tick()  # the push is processed: the certificates are issued
    assert [n.kind for n in lab.poll("p1")] == [NotificationKind.REGISTRATION_READY]
    lab.jlis.tick()
    assert not core.tick_due()
    core.db.set_meta("probe", "1")  # any commit makes the next tick look again
    assert core.tick_due()
