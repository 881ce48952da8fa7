"""Reliability review F4, F6, F7 replayed against J-LIS in process."""

from __future__ import annotations

from datetime import date

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jlis_support import Lab, resident

from labkit.errors import LabkitError
from labkit.jlis.names import name_key
from labkit.office.jlis_forms import LossItem, LossReport
from labkit.pki import CARD_AUTH, CARD_SIGN, PHONE_SIGN, CertState, Reason
from labkit.pki.errors import NotEligibleError


def test_f4_a_new_card_revokes_the_old_cards_certificates(lab: Lab) -> None:
    holder = resident("kiyoseshi-00063")
    old = lab.card(holder)
    old_serials = lab.jlis.counter.card_certificates(holder.holder_id)
    assert len(old_serials) == 2
    for _ in range(3):  # the review: the same resident issued a card again and again
        lab.card(holder)
    good = [rec.serial for profile in (CARD_AUTH, CARD_SIGN)
            for rec in lab.jpki.store.find(holder_id=holder.holder_id, profile=profile.id)
            if lab.jpki.status(rec.serial).state is CertState.GOOD]
    assert len(good) == 2  # only the newest card's pair
    for serial in old_serials:
        status = lab.jpki.status(serial)
        assert (status.state, status.reason) == (CertState.REVOKED, Reason.SUPERSEDED)
    assert old.jpki is not None


@pytest.mark.parametrize(("registered", "typed"), [
    ("耐久\u3000０１２号", "耐久 012号"),
    ("耐久\u3000０１２号", "耐久\u3000０１２号"),
    ("\ufa19谷\u3000次郎", "神谷 次郎"),       # U+FA19, a CJK compatibility ideograph
    ("神谷\u3000次郎", "\ufa19谷\u3000次郎"),
    ("髙橋\u3000一郎", "高橋　一郎"),         # 異体字 NFKC leaves apart
    ("渡邉\u3000花子", "渡辺 花子"),
])
def test_f6_the_hotline_finds_names_however_they_are_typed(lab: Lab, registered: str, typed: str) -> None:
    holder = resident("caller-1", name=registered, birth=date(1971, 3, 3))
    lab.card(holder)
    receipt = lab.jlis.report_loss(LossReport(typed, date(1971, 3, 3), LossItem.CARD))
    assert len(receipt.held) == 2  # both card certificates on hold
    with pytest.raises(LabkitError):
        lab.jlis.report_loss(LossReport("別人\u3000次郎", date(1971, 3, 3), LossItem.CARD))


def test_name_key_folds_only_what_it_should() -> None:
    assert name_key("\ufa19谷\u3000次郎") == name_key("神谷  次郎") == "神谷\u3000次郎"
    assert name_key("山田\u3000太郎") != name_key("山口\u3000太郎")


def test_f7_a_key_revoked_for_key_compromise_is_never_certified_again(lab: Lab) -> None:
    holder = resident("phone-owner")
    lab.card(holder)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = lab.jpki.issue(PHONE_SIGN, key.public_key(), holder)
    lab.jpki.revoke(cert.serial_number, Reason.KEY_COMPROMISE)  # phone found: signing revoked
    with pytest.raises(NotEligibleError) as refused:
        lab.jpki.issue(PHONE_SIGN, key.public_key(), holder)  # the review's reissue with the same key
    assert "keyCompromise" in refused.value.text.en and "危殆化" in refused.value.text.ja
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert lab.jpki.issue(PHONE_SIGN, other.public_key(), holder).serial_number != cert.serial_number
