"""The JPKI AP inside the SE: the card's interface with the smartphone profile (read with the
reader engineer's JpkiClient, as a PC would), provisioning through OMAPI, PIN rules and
limits, zeroising erasure, and the 「スマホ電子証明書の確認」 inventory."""

from __future__ import annotations

import base64
from collections.abc import Callable

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from se_support import AUTH_PIN, JPKI_SELECT, SIGN_PASSWORD, apdu, omapi_for, sw

from labkit.apdu import SW, StatusWordError
from labkit.card import Aid, KeyRole
from labkit.errors import CardError, LabkitError
from labkit.reader import InProcessTransport, JpkiClient
from labkit.se import (
    SENSITIVE,
    AppIdentity,
    DataCategory,
    JpkiProvisioningClient,
    SecureElement,
)

JPKI = bytes(Aid.JPKI)


def test_same_jpki_interface_with_the_smartphone_profile(provisioned: Callable[..., SecureElement]) -> None:
    se = provisioned()
    client = JpkiClient(InProcessTransport(se))
    assert client.token_label() == "JPKIAPGPSETOKEN"
    assert client.read_file(0x0008) == bytes.fromhex("8F8F00")
    with pytest.raises(CardError) as info:  # on the phone the auth certificate needs its PIN
        client.read_certificate(KeyRole.AUTH)
    assert info.value.sw == SW.SECURITY_STATUS_NOT_SATISFIED
    certs = client.read_certificates(auth_pin=AUTH_PIN, sign_password=SIGN_PASSWORD)
    assert certs.sign is not None and "PHONE-SIGN" in certs.sign.subject.rfc4514_string()
    signature = client.sign(KeyRole.AUTH, b"login challenge", pin=AUTH_PIN)
    certs.auth.public_key().verify(signature, b"login challenge", padding.PKCS1v15(), hashes.SHA256())
    signature = client.sign(KeyRole.SIGN, b"tax return", pin=SIGN_PASSWORD)
    certs.sign.public_key().verify(signature, b"tax return", padding.PKCS1v15(), hashes.SHA256())
    # Only the JPKI AP: no 券面事項入力補助AP / 券面事項確認AP in the phone.
    for kenmen in ("D3921000310001010408", "D3921000310001010402"):
        assert sw(se.transmit, "00A4040C0A" + kenmen) == SW.FILE_NOT_FOUND


def test_pin_retry_limits_lock(provisioned: Callable[..., SecureElement]) -> None:
    se = provisioned()
    assert sw(se.transmit, JPKI_SELECT.hex()) == SW.OK
    assert sw(se.transmit, "00A4020C020018") == SW.OK
    wrong = "0020008004" + b"9999".hex()
    assert [sw(se.transmit, wrong) for _ in range(4)] == [0x63C2, 0x63C1, 0x63C0, SW.REFERENCE_DATA_BLOCKED]
    assert sw(se.transmit, "0020008004" + AUTH_PIN.encode().hex()) == SW.REFERENCE_DATA_BLOCKED
    assert sw(se.transmit, "00200080") == 0x63C0
    assert sw(se.transmit, "00A4020C02001B") == SW.OK
    wrong = "0020008006" + b"WRONG1".hex()
    assert [sw(se.transmit, wrong) for _ in range(5)] == [0x63C4, 0x63C3, 0x63C2, 0x63C1, 0x63C0]
    se.close()
    reopened = SecureElement(se.store.path)
    assert reopened.jpki is not None and reopened.jpki.pin_status(KeyRole.SIGN).blocked


def _fresh_channel(se: SecureElement, app: AppIdentity) -> JpkiProvisioningClient:
    channel = omapi_for(se, app).get_readers()[0].open_session().open_logical_channel(JPKI)
    assert channel is not None
    return JpkiProvisioningClient(channel.transmit)


def test_provisioning_rules(se: SecureElement, mynaportal: AppIdentity) -> None:
    client = _fresh_channel(se, mynaportal)
    with pytest.raises(StatusWordError) as info:  # no key yet: no PIN, no certificate
        client.set_pin(KeyRole.AUTH, AUTH_PIN)
    assert info.value.sw == SW.CONDITIONS_NOT_SATISFIED
    public = client.generate_key_pair(KeyRole.AUTH)
    assert public.key_size == 2048 and se.jpki is not None and se.jpki.has_key(KeyRole.AUTH)
    for bad in ("123", "12345", "abcd"):
        with pytest.raises(StatusWordError) as info:
            client.set_pin(KeyRole.AUTH, bad)
        assert info.value.sw == SW.WRONG_DATA
    client.set_pin(KeyRole.AUTH, AUTH_PIN)
    from se_support import ca_certificate, issue

    from labkit.se.jpki import JpkiProvisioningIns

    with pytest.raises(StatusWordError) as info:  # a certificate for another key is refused
        client.write_certificate(KeyRole.AUTH, ca_certificate())
    assert info.value.sw == SW.WRONG_DATA
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 4, 1, tzinfo=UTC)
    der = issue(public, "PHONE-AUTH", now, now + timedelta(days=1800))
    block = bytes((0x80, JpkiProvisioningIns.WRITE_CERTIFICATE, 0x01, 0x01, 0x04)) + der[:4]
    assert sw(client._transmit, block.hex()) == SW.CONDITIONS_NOT_SATISFIED  # block 1 before block 0
    client.write_certificate(KeyRole.AUTH, der)
    assert se.jpki.certificate(KeyRole.AUTH) == der
    for call in (lambda: client.generate_key_pair(KeyRole.AUTH), lambda: client.set_pin(KeyRole.AUTH, "5678"),
                 lambda: client.write_certificate(KeyRole.AUTH, der)):
        with pytest.raises(StatusWordError) as info:
            call()
        assert info.value.sw == SW.CONDITIONS_NOT_SATISFIED
    assert client.certificates_present() == {KeyRole.AUTH: True, KeyRole.SIGN: False}
    client.generate_key_pair(KeyRole.SIGN)
    with pytest.raises(StatusWordError) as info:  # the signing password rule: 6-16 A-Z/0-9
        client.set_pin(KeyRole.SIGN, "abc123")
    assert info.value.sw == SW.WRONG_DATA
    client.set_pin(KeyRole.SIGN, "ABCDEFGHIJ123456")


def _key_material(se: SecureElement) -> list[bytes]:
    assert se.jpki is not None
    return [bytes(se.jpki.sealed_keys.material.buffer(role)) for role in KeyRole]


def test_revocation_zeroises_keys_and_certificates(provisioned: Callable[..., SecureElement],
                                                   mynaportal: AppIdentity) -> None:
    se = provisioned()
    assert se.jpki is not None and se.store.path is not None
    keys = _key_material(se)
    buffers = [se.jpki.sealed_keys.material.buffer(r) for r in KeyRole]
    buffers += [se.jpki._certs.buffer(r) for r in KeyRole]  # type: ignore[attr-defined]
    raw_before = se.store.path.read_bytes()
    assert any(base64.b64encode(k)[:40] in raw_before for k in keys)  # the store holds the keys ...
    client = _fresh_channel(se, mynaportal)
    client.erase()  # 失効: the Mynaportal app erases through OMAPI
    se.power_on()  # (the JPKI AP is not multi-selectable: free it from the app's channel)
    assert all(len(b) > 0 and not any(b) for b in buffers)  # ... overwritten with zeros in place
    assert not se.jpki.has_anything() and not se.jpki.pin_status(KeyRole.AUTH).is_set
    files = [se.store.path, se.store.path.with_name(se.store.path.name + "-wal")]
    for path in files:
        if path.exists():
            raw = path.read_bytes()
            for key in keys:  # ... and gone from the database files (secure_delete + WAL truncate)
                assert base64.b64encode(key)[:40] not in raw and key[:64] not in raw
    assert sw(se.transmit, JPKI_SELECT.hex()) == SW.OK
    assert apdu(se.transmit, "00B0880003").data == bytes(3)  # EF 0008 by SFI: no certificates
    assert sw(se.transmit, "802A00970433445566") == SW.REFERENCED_DATA_NOT_FOUND  # no key to sign with


def test_partial_erase_and_delete_of_the_instance(provisioned: Callable[..., SecureElement]) -> None:
    from labkit.se import GlobalPlatformHost, SecurityLevel, StaticKeys

    se = provisioned()
    assert se.jpki is not None
    assert sw(se.transmit, JPKI_SELECT.hex()) == SW.OK
    assert sw(se.transmit, "80E40002") == SW.OK  # signing only (loss: the signing cert is revoked)
    assert se.jpki.has_key(KeyRole.AUTH) and not se.jpki.has_key(KeyRole.SIGN)
    assert sw(se.transmit, "80E40003") == SW.INCORRECT_P1P2
    buffer = se.jpki.sealed_keys.material.buffer(KeyRole.AUTH)
    gp = GlobalPlatformHost(se.transmit)
    gp.select_isd()
    gp.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.FULL)
    gp.delete(JPKI)  # GP DELETE of the instance zeroises too
    assert not any(buffer) and se.jpki is None


def test_inventory_lists_the_minimum_and_not_tax_or_pension(provisioned: Callable[..., SecureElement]) -> None:
    inventory = provisioned().inventory()
    counts = {c: sum(1 for i in inventory.items if i.category is c) for c in DataCategory}
    assert counts[DataCategory.PRIVATE_KEY] == 2 and counts[DataCategory.CERTIFICATE] == 2
    assert counts[DataCategory.PIN_STATE] == 2 and counts[DataCategory.SE_MANAGEMENT_KEY] == 1
    assert DataCategory.TAX in inventory.not_stored and DataCategory.PENSION in inventory.not_stored
    assert set(inventory.not_stored) == set(SENSITIVE)
    ja, en = inventory.summary("ja"), inventory.summary("en")
    assert "税関係情報" in ja and "年金関係情報" in ja and "pension" in en
    assert "スマホ用利用者証明用電子証明書" in ja and "never leaves the SE" in en
    rows = inventory.rows("en")
    assert {"category", "holder", "name", "detail"} <= set(rows[0])
    assert not any("PRIVATE KEY" in r["detail"] for r in rows)
    assert [a.state.get("en") for a in inventory.applets] == ["SELECTABLE"] * 3


def test_list_contents_reports_the_aps_own_items_over_omapi(provisioned: Callable[..., SecureElement],
                                                             mynaportal: AppIdentity) -> None:
    """The JPKI AP answers LIST CONTENTS with exactly what it reports to the SE inventory; the
    other applets (ISD keys, ARA-M rules) are not its to tell."""
    se = provisioned()
    client = _fresh_channel(se, mynaportal)
    listed = client.list_contents()
    assert se.jpki is not None and listed == tuple(se.jpki.inventory_items())
    assert {i.category for i in listed} == {DataCategory.PRIVATE_KEY, DataCategory.CERTIFICATE,
                                             DataCategory.CA_CERTIFICATE, DataCategory.PIN_STATE}
    assert len(se.inventory().items) > len(listed)
    assert sw(client._transmit, "80CA010000") == SW.INCORRECT_P1P2
    from labkit.se.inventory import decode_items, encode_items

    assert decode_items(encode_items(listed), listed[0].holder) == listed
    with pytest.raises(LabkitError):
        decode_items(bytes.fromhex("E103800141"), listed[0].holder)  # a category, nothing else
