"""2-5 機種変更: the old phone's certificates are revoked with the application (superseded);
the old phone deletes them itself if it comes online within 48 hours (inclusive)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from jlis_support import Lab, Phone

from labkit.jlis import ApplicationKind, DeviceState, NotificationKind
from labkit.pki import CaKind, CertState, Reason


def _two_phones(lab: Lab) -> tuple[Phone, Phone, dict[CaKind, int], object]:
    card = lab.card()
    old = lab.phone("old")
    receipt = old.apply(lab.jlis, card)
    lab.clock.advance(minutes=3)
    serials = old.register(lab.jlis, receipt)
    lab.poll("old")  # the registration push was delivered long ago
    new = lab.phone("new")
    change = new.apply(lab.jlis, card, kind=ApplicationKind.DEVICE_CHANGE)
    return old, new, serials, change


def test_device_change_revokes_the_old_phone_at_once(lab: Lab) -> None:
    _, new, serials, change = _two_phones(lab)
    assert set(change.revoked_serials) == set(serials.values()) and change.old_device_id == "old"
    for serial in serials.values():
        status = lab.jlis.status(serial)
        assert status.state is CertState.REVOKED and status.reason is Reason.SUPERSEDED
    assert lab.status("old").state is DeviceState.RETIRED
    lab.clock.advance(minutes=3)
    new_serials = new.register(lab.jlis, change)
    assert all(lab.jlis.status(s).state is CertState.GOOD for s in new_serials.values())
    assert lab.status("new").state is DeviceState.ACTIVE


@pytest.mark.parametrize(("after", "deletes"), [
    (timedelta(minutes=1), True),
    (timedelta(hours=48), True),                   # exactly 48 hours: still deletes
    (timedelta(hours=48, seconds=1), False),       # one second late: the order has lapsed
    (timedelta(days=7), False),
])
def test_deletion_order_48_hours(lab: Lab, after: timedelta, deletes: bool) -> None:
    _, _, serials, change = _two_phones(lab)
    lab.clock.advance(after)
    notes = lab.poll("old")
    if deletes:
        [order] = notes
        assert order.kind is NotificationKind.DELETE_CERTIFICATES
        assert set(order.serials) == set(serials.values())
        assert order.expires_at == change.applied_at + timedelta(hours=48)
    else:
        assert notes == []
    assert lab.poll("old") == []  # never twice, never after lapsing
    # either way the certificates left in the old SE are revoked
    assert all(lab.jlis.status(s).state is CertState.REVOKED for s in serials.values())


def test_device_change_without_an_old_phone_is_a_new_application(lab: Lab) -> None:
    receipt = lab.phone("p1").apply(lab.jlis, lab.card(), kind=ApplicationKind.DEVICE_CHANGE)
    assert receipt.old_device_id is None and receipt.revoked_serials == ()


def test_device_change_revokes_a_suspended_old_phone_too(lab: Lab) -> None:
    card = lab.card()
    old = lab.phone("old")
    receipt = old.apply(lab.jlis, card)
    lab.clock.advance(minutes=3)
    serials = old.register(lab.jlis, receipt)
    lab.jlis.counter.suspend("resident-1", "phone")  # type: ignore[arg-type]
    change = lab.phone("new").apply(lab.jlis, card, kind=ApplicationKind.DEVICE_CHANGE)
    assert set(change.revoked_serials) == set(serials.values())
    assert all(lab.jlis.status(s).reason is Reason.SUPERSEDED for s in serials.values())
