"""The API's JSON edge: strict decoding, stable canonical bytes, the refusal catalogue."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

import pytest
from jlis_support import assert_bilingual

from labkit.errors import InputError, ServiceError
from labkit.i18n import Text
from labkit.jlis import (
    ApplicationKind,
    ApplicationRequest,
    LossItem,
    LossReport,
    MalformedRequestError,
    Notification,
    NotificationKind,
    Refusal,
    refuse,
)
from labkit.office.refusals import HTTP_STATUS
from labkit.office.wire import canonical, decode, encode
from labkit.pki import CaKind


def request(**overrides: object) -> ApplicationRequest:
    fields: dict[str, object] = dict(device_id="p1", se_id="se-1", kind=ApplicationKind.NEW,
                                     certificates=(CaKind.SIGN,), public_keys={CaKind.SIGN: b"\x30\x00"},
                                     card_certificate=b"\x30\x01\x00", device_model="Pixel 8", app_version="54.0",
                                     nonce=bytes(range(16)))
    fields.update(overrides)
    return ApplicationRequest(**fields)  # type: ignore[arg-type]


def test_round_trip_and_canonical_bytes() -> None:
    req = request()
    data = encode(req)
    assert data["public_keys"] == {"sign": "MAA="} and data["kind"] == "new"
    assert decode(ApplicationRequest, data) == req
    assert req.to_be_signed() == request().to_be_signed()  # deterministic
    assert req.to_be_signed() != request(device_id="p2").to_be_signed()
    assert req.to_be_signed() == req.sign_with(lambda di: b"sig").to_be_signed()  # signature excluded
    assert len(req.digest_info()) == 51
    big = Notification(1, "p1", NotificationKind.SUSPENDED, datetime(2026, 4, 1, tzinfo=UTC), None,
                       (2**158 + 1,), Text("停止", "suspended"))
    assert encode(big)["serials"] == [f"{2**158 + 1:x}"]
    assert decode(Notification, encode(big)) == big
    assert canonical(LossReport("a", date(2000, 1, 2), LossItem.CARD)) == \
        b'{"address":"","birth_date":"2000-01-02","item":"card","name":"a"}'


@pytest.mark.parametrize(("mutate", "field"), [
    (lambda d: d.update(kind="renew"), "kind"),
    (lambda d: d.update(extra=1), "extra"),
    (lambda d: d.pop("nonce"), "nonce"),
    (lambda d: d.update(nonce="!!"), "nonce"),
    (lambda d: d.update(nonce="AAAA"), "nonce"),        # too short
    (lambda d: d.update(device_id="a b"), "device_id"),
    (lambda d: d.update(certificates="sign"), "certificates"),
    (lambda d: d.update(public_keys={"both": "AA=="}), "public_keys"),
    (lambda d: d.update(app_version=54), "app_version"),
])
def test_strict_decoding(mutate: object, field: str) -> None:
    data = encode(request())
    mutate(data)  # type: ignore[operator]
    with pytest.raises(MalformedRequestError) as exc:
        decode(ApplicationRequest, data)
    assert isinstance(exc.value, InputError) and isinstance(exc.value, ServiceError)
    assert exc.value.reason == "malformed"
    assert field in exc.value.message("en") or field in str(exc.value.details)


def test_not_an_object() -> None:
    for junk in ([], "x", None, 3):
        with pytest.raises(MalformedRequestError):
            decode(ApplicationRequest, junk)


def test_every_refusal_is_bilingual_with_a_status() -> None:
    for reason in Refusal:
        exc = refuse(reason)
        assert exc.reason == reason.value
        assert_bilingual(exc)
        assert 400 <= reason.http_status < 600
    assert HTTP_STATUS[Refusal.TOO_LARGE] == 413
    assert isinstance(refuse(Refusal.MALFORMED), MalformedRequestError)
    detailed = refuse(Refusal.CERT_HELD, Text("詳細", "detail"), serial=1)
    assert detailed.message("en").endswith("(detail)") and detailed.details["serial"] == 1


def test_nonce_is_required_in_process_too() -> None:
    with pytest.raises(MalformedRequestError):
        request(nonce=b"short")
    assert request(nonce=os.urandom(32)).nonce
