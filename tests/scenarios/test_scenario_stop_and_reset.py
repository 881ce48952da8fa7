"""2-7 利用をやめる: revoking from the registered phone revokes the certificates and deletes
the related data on the phone. 【講師】 a factory reset does NOT delete them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cryptography import x509
from world_support import new_world, over_http, registered

from labkit.errors import ServiceError
from labkit.jlis import DeviceState
from labkit.phone import MYNAPORTAL_PACKAGE
from labkit.pki import CaKind, CertState, Reason
from labkit.se import DataCategory
from labkit.world import World


@pytest.fixture
def world() -> Iterator[World]:
    w = new_world()
    yield w
    w.close()


@over_http
def test_stop_using_revokes_and_clears_the_se(world: World) -> None:
    person, phone = registered(world)
    serials = [c.serial for c in phone.mynaportal.status().certificates]
    app = phone.mynaportal
    app.open()
    app.press("メニュー")
    screen = app.press("失効")  # ② in the smartphone-certificate section
    assert screen.step == "2-7 ③" and screen.checks[0].checked
    app.check(screen.checks[0].id, False)
    assert not app.screen.button("はじめる").enabled  # ③ the check must be ticked
    app.check(screen.checks[0].id, True)
    screen = app.press("はじめる")
    assert screen.step == "2-7 ④⑤"
    assert "機種変更で新しいスマホから申請する場合は、この手続きは不要" in screen.render("ja")
    app.enter("パスワード", "0000")
    screen = app.press("失効")
    assert screen.state == "revoke_password" and "残り 2 回" in screen.error.ja  # ④ wrong: unchanged
    app.enter("パスワード", person.phone_pin)
    screen = app.press("失効")  # ⑤
    assert screen.state == "revoked" and screen.step == "2-7 ⑥"
    # J-LIS: both revoked (cessationOfOperation), visible over OCSP; the SE holds nothing
    for serial in serials:
        status = world.jlis.status(serial)
        assert status.state is CertState.REVOKED and status.reason is Reason.CESSATION_OF_OPERATION
    cert = x509.load_der_x509_certificate(world.jlis.certificate(serials[0]))
    issuer = next(a for a in world.portal.anchors if a.subject == cert.issuer)
    assert world.portal.revocation.check(cert, issuer).state is CertState.REVOKED
    assert world.jlis.crl(CaKind.AUTH) and world.jlis.device_status(phone.device_id).state is DeviceState.RETIRED
    assert not phone.se.jpki.has_anything()
    assert not phone.se.inventory().stores(DataCategory.PRIVATE_KEY)
    with pytest.raises(ServiceError) as refused:
        world.login(phone, pin=person.phone_pin)
    assert refused.value.reason == "not_registered"


def test_factory_reset_does_not_delete_the_certificates(world: World) -> None:
    person, phone = registered(world)
    before = world.jlis.device_status(phone.device_id)
    phone.factory_reset()
    assert not phone.installed(MYNAPORTAL_PACKAGE) and not phone.inbox
    # the SE keeps everything, and J-LIS knows nothing of the reset
    assert sum(1 for i in phone.se.inventory().items if i.category is DataCategory.CERTIFICATE) == 2
    after = world.jlis.device_status(phone.device_id)
    assert after.state is DeviceState.ACTIVE
    assert [(c.serial, c.state) for c in after.certificates] == [(c.serial, c.state) for c in before.certificates]
    # whoever reinstalls the app on this phone finds them there, still usable with the PIN:
    phone.install(MYNAPORTAL_PACKAGE)
    world.login(phone, pin=person.phone_pin)
    # which is why the lecture obliges the user to revoke (2-7) before selling or disposing
    screen = phone.mynaportal.open()
    assert "「メニュー」" in screen.render("ja")


def test_se_store_on_disk_survives_the_phone_objects(tmp_path: object) -> None:
    """With data_dir the SE lives in its own file: reopening it finds the certificates."""
    world = new_world(data_dir=tmp_path)
    _, phone = registered(world)
    path = phone.se.store.path
    phone.factory_reset()
    phone.close()
    from labkit.se import SecureElement
    reopened = SecureElement(path)
    assert reopened.jpki is not None and reopened.jpki.has_anything()
    reopened.close()
    world.close()
