"""Lab models driven from code with ipywidgets made unimportable: the state and actions of a
lab need no frontend (its view is tested in test_ch1.py / test_ch2.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from labkit import course
from labkit.errors import LabkitError
from labkit.labs import ch1
from labkit.se import CardLifeCycle
from labkit.world import World


@pytest.fixture(autouse=True)
def _no_widgets(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # any `import ipywidgets` now fails
    with course.use():
        yield


def test_gpse_model_refuses_the_other_app_locks_the_pin_and_erases_on_attack() -> None:
    world = World.create(now="2026-04-01T10:00:00+09:00", seed=0, lang="en")
    person = world.resident("sample")
    phone = world.new_phone(person)
    world.apply(person, phone)
    with pytest.raises(ImportError):
        import ipywidgets  # noqa: F401
    m = ch1.Gpse(world, person, phone)
    assert "not tried yet" in m.other_html and "no attack yet" in m.attack_html
    assert not m.try_other_app() and 'data-outcome="ng"' in m.other_html
    for pin in ("0000", "0001", "0002"):
        with pytest.raises(LabkitError):
            m.guess_pin(pin)
    assert [p for p, _ in m.guesses] == ["0000", "0001", "0002"] and 'data-count="3"' in m.guesses_html()
    assert not m.owner_login() and "Even the owner cannot log in" in m.owner_html
    m.run_probe_attack()
    assert m.erased() and phone.se.registry.card_state == CardLifeCycle.CARD_LOCKED
    assert "labkit-lab-erased" in m.attack_html
    world.close()


def test_stop_using_model_factory_reset_keeps_the_certificates_until_revoked() -> None:
    from labkit.labs import ch2
    from labkit.phone import MYNAPORTAL_PACKAGE
    from labkit.pki import CaKind

    m = ch2.StopUsing(ch2.lab_params(course.current()))
    assert "有効" in m.status_html()
    m.factory_reset()
    assert not m.phone.installed(MYNAPORTAL_PACKAGE)
    assert ch2.se_certificates(m.phone) == {CaKind.SIGN: True, CaKind.AUTH: True}
    assert m.revocation_html().count("有効") == 6  # J-LIS, CRL and OCSP for both: still valid
    m.phone.install(MYNAPORTAL_PACKAGE)
    assert m.phone.mynaportal.revoke(m.person.phone_pin) is not None
    assert ch2.se_certificates(m.phone) == {CaKind.SIGN: False, CaKind.AUTH: False}
    checks = m.revocation_html()
    assert checks.count("失効 (利用の停止)") == 6 and "有効" not in checks
    m.world.close()


def test_loss_model_hotline_suspends_at_night_and_the_counter_lifts_the_hold() -> None:
    from datetime import timedelta

    from labkit.jlis import LossItem
    from labkit.labs import ch2
    from labkit.pki import CertState

    m = ch2.Loss(ch2.lab_params(course.current()), LossItem.PHONE)
    assert 'data-open="false"' in m.hotline.hours_html() and "24時間365日" in m.hotline.hours_html()
    m.hotline.dial()
    m.hotline.press_four()
    m.hotline.ask()
    assert "4番" in m.hotline.log_html() and "受付時間外" in m.hotline.log_html()
    m.hotline.report_loss()  # 22:30 on a weekday: suspension is taken all the same
    assert m.hotline.receipt is not None and "一時保留" in m.status_html()
    states = {(r.where, r.kind.value): r.state for r in ch2.certificate_rows(m.world, m.person, m.phone)}
    assert {s for (where, _), s in states.items() if where == "phone"} == {CertState.HELD}
    m.world.advance(timedelta(hours=12))  # next morning at the city office
    m.counter.phone_found()
    rows = [r for r in ch2.certificate_rows(m.world, m.person, m.phone) if r.where == "phone"]
    assert sorted(r.state.value for r in rows) == sorted([CertState.GOOD.value, CertState.REVOKED.value])
    assert "手数料" in m.counter.log_html()
    m.world.close()


def test_services_model_opens_an_account_and_prints_a_juminhyo() -> None:
    from labkit.reader import WrongPinError

    world = World.create(now="2026-04-01T10:00:00+09:00", seed=0, lang="en")
    person = world.resident("sample")
    phone = world.new_phone(person)
    world.apply(person, phone)
    m = ch1.Services(world, person, phone)
    assert "no application yet" in m.bank_html and m.account is None
    with pytest.raises(WrongPinError):
        m.open_account("WRONG1")
    account = m.open_account(person.phone_password)
    assert account.name == person.name and 'data-outcome="ok"' in m.bank_html
    record = m.print_juminhyo(person.phone_pin)
    assert m.juminhyo is record and "Printed:" in m.kiosk_html
    world.close()


def test_benefits_model_logs_logins_and_only_the_app_reaches_the_certificate() -> None:
    world = World.create(now="2026-04-01T10:00:00+09:00", seed=0, lang="en")
    person = world.resident("sample")
    phone = world.new_phone(person)
    world.apply(person, phone)
    m = ch1.Benefits(world, person, phone)
    assert "no logins yet" in m.logins_html()
    world.login(phone, pin=person.phone_pin)
    assert len(m.logins()) == 1 and 'data-outcome="ok"' in m.logins_html()
    assert not m.try_game() and "Puzzle game: refused" in m.apps_html
    assert m.try_mynaportal() and "signing certificate" in m.apps_html
    m.set_finger("other")
    assert phone.biometrics.user == "someone else"
    world.close()
