"""Card issuance at the counter leaves nothing half-written: a failure part-way, or a crash
(the journal found open by the next J-LIS), ends with every certificate issued meanwhile
revoked, the register unchanged and the card handed in untouched."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jlis_support import Lab, resident

from labkit.card import CardStateError, KeyRole, MyNumberCard
from labkit.clock import SimulatedClock
from labkit.errors import InputError, LabkitError, ServiceError, StoreError
from labkit.jlis.db import JlisDb
from labkit.jlis.service import JlisService
from labkit.municipality import CardState, Municipality, ResidentRegistry
from labkit.pki import CARD_AUTH, CARD_SIGN, CertState, Jpki, Reason, Sex, SqliteStore

ADDRESS = "東京都清瀬市見本町１丁目２番３号"


def states(lab: Lab, holder_id: str) -> list[tuple[str, CertState, Reason | None]]:
    out = []
    for profile in (CARD_AUTH, CARD_SIGN):
        for rec in lab.jpki.store.find(holder_id=holder_id, profile=profile.id):
            st = lab.jpki.status(rec.serial)
            out.append((profile.id, st.state, st.reason))
    return out


def fail_on_issue(lab: Lab, monkeypatch: pytest.MonkeyPatch, n: int) -> None:
    """The PKI issues ``n - 1`` certificates, then the n-th call fails (a store error)."""
    real, calls = lab.jpki.issue, itertools.count(1)

    def issue(*args: object, **kwargs: object) -> object:
        if next(calls) >= n:
            raise StoreError("ストアに書けません", "the store failed")
        return real(*args, **kwargs)  # type: ignore[arg-type]
    monkeypatch.setattr(lab.jpki, "issue", issue)


def test_a_failure_between_the_two_certificates_leaves_no_good_certificate(
        lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    city = Municipality(lab.jlis.counter)
    person = city.register("見本\u3000花子", Sex.FEMALE, date(1990, 7, 15), ADDRESS)
    fail_on_issue(lab, monkeypatch, 2)  # the auth certificate is issued, the signing one fails
    with pytest.raises(StoreError):
        city.issue_card(person, auth_pin="1234", sign_password="ABC123")
    assert states(lab, person.holder_id) == [(CARD_AUTH.id, CertState.REVOKED, Reason.UNSPECIFIED)]
    assert city.resident(person.my_number).card_state is CardState.NONE
    history = lab.jlis.usage_history(holder_id=person.holder_id)
    assert history[0].detail.en == "discarded: the card was never handed over"
    monkeypatch.undo()
    city.issue_card(person, auth_pin="1234", sign_password="ABC123")  # the counter tries again
    assert sorted(s for _, s, _ in states(lab, person.holder_id)) == sorted(
        [CertState.REVOKED, CertState.GOOD, CertState.GOOD])


def test_a_failed_reissue_leaves_the_card_as_it_was(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    city = Municipality(lab.jlis.counter)
    person = city.register("見本\u3000花子", Sex.FEMALE, date(1990, 7, 15), ADDRESS)
    card = city.issue_card(person, auth_pin="1234", sign_password="ABC123")
    city.report_card_loss(person)
    before = copy.deepcopy(card.to_state())

    def broken(*args: object, **kwargs: object) -> None:
        raise StoreError("ストアに書けません", "the store failed")
    monkeypatch.setattr(card, "load_state", broken)  # fails after the certificate was issued
    with pytest.raises(StoreError):
        city.card_found(person, card, new_sign_password="FOUND2026")
    assert card.to_state() == before
    signing = [s for p, s, _ in states(lab, person.holder_id) if p == CARD_SIGN.id]
    assert signing == [CertState.REVOKED, CertState.REVOKED]  # the old one (key compromise) and the new one


def test_counter_inputs_are_checked_before_anything_is_done(lab: Lab) -> None:
    city = Municipality(lab.jlis.counter)
    person = city.register("見本\u3000花子", Sex.FEMALE, date(1990, 7, 15), ADDRESS)
    other = city.register("見本\u3000太郎", Sex.MALE, date(1985, 11, 3), ADDRESS)
    card = city.issue_card(person, auth_pin="1234", sign_password="ABC123")
    taros = city.issue_card(other, auth_pin="1234", sign_password="ABC123")
    city.report_card_loss(person)
    with pytest.raises(InputError):
        city.card_found(person, card, new_sign_password="weak")
    with pytest.raises(ServiceError) as wrong:
        city.card_found(person, taros, new_sign_password="FOUND2026")
    assert wrong.value.reason == "wrong_card"
    with pytest.raises(ServiceError):
        city.reset_pin(person, taros, KeyRole.AUTH, "2468")
    assert {s for _, s, _ in states(lab, person.holder_id)} == {CertState.HELD}  # nothing lifted yet


def test_a_crash_during_issuance_is_settled_by_the_next_jlis(make_lab: Callable[..., Lab], tmp_path: Path,
                                                             ca_keys: list[rsa.RSAPrivateKey]) -> None:
    path = tmp_path / "jlis.db"
    clock = SimulatedClock("2026-04-01T10:00:00+09:00")

    def jlis() -> JlisService:
        return JlisService(Jpki.create(SqliteStore(path), clock, key_factory=itertools.cycle(ca_keys).__next__),
                           JlisDb(path))

    first = jlis()
    holder = resident()

    class Crash(BaseException):
        """The process dies: no exception handler runs."""

    def crash(card: MyNumberCard) -> None:
        raise Crash
    first.core.discard_issuance = lambda *a: None  # type: ignore[method-assign]  # a dead process cleans nothing
    with pytest.raises(Crash):
        first.counter.issue_card(holder, my_number="123456789018", auth_pin="1234", sign_password="ABC123",
                                 on_issued=crash)
    assert len(first.db.open_issuances()) == 1
    assert {first.jpki.status(s).state for s in first.counter.card_certificates(holder.holder_id)} == {CertState.GOOD}

    second = jlis()  # the restarted server
    serials = second.counter.card_certificates(holder.holder_id, live_only=False)
    assert [second.status(s).state for s in serials] == [CertState.REVOKED, CertState.REVOKED]  # status ticks
    assert second.db.open_issuances() == []


def test_load_state_refuses_another_chip_and_a_broken_state(lab: Lab) -> None:
    card, other = lab.card(), lab.card(resident("resident-2"))
    before = copy.deepcopy(card.to_state())
    with pytest.raises(CardStateError):
        card.load_state(other.to_state())
    with pytest.raises(LabkitError):
        card.load_state({"format": "labkit-mynumbercard", "version": 1, "atr": "3B", "jpki": {}})
    assert card.to_state() == before


def test_the_register_is_shared_with_the_server_database(lab: Lab, tmp_path: Path) -> None:
    registry = ResidentRegistry(tmp_path / "city.db")
    Municipality(lab.jlis.counter, registry=registry).register("見本\u3000花子", Sex.FEMALE, date(1990, 7, 15), ADDRESS)
    again = Municipality(lab.jlis.counter, registry=ResidentRegistry(tmp_path / "city.db"))
    assert again.register("見本\u3000太郎", Sex.MALE, date(1985, 11, 3), ADDRESS).holder_id == "kiyoseshi-00002"
