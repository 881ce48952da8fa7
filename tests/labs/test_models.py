"""Lab models driven from code with ipywidgets made unimportable: the state and actions of a
lab need no frontend (its view is tested in test_ch1.py / test_ch2.py)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest

from labkit import course
from labkit.errors import LabkitError
from labkit.i18n import Text
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


# --------------------------------------------------------------------------- 1-1, 1-4, 1-6

def _registered(lang: str, *, apply: bool = True) -> tuple[World, object, object]:
    world = World.create(now="2026-04-01T10:00:00+09:00", seed=0, lang=lang)
    person = world.resident("sample")
    phone = world.new_phone(person)
    if apply:
        world.apply(person, phone)
    return world, person, phone


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_card_and_phone_model_reads_the_card_and_tells_what_the_phone_holds(lang: str) -> None:
    from labkit.card import KeyRole

    world, person, phone = _registered(lang, apply=False)
    m = ch1.CardAndPhone(world, person, phone)
    assert [c.en for c in m.card_lines()] == ["signing certificate: none", "user-authentication certificate: none"]
    certs = m.read_card()
    assert set(certs) == {KeyRole.SIGN, KeyRole.AUTH}
    assert certs[KeyRole.SIGN].serial_number != certs[KeyRole.AUTH].serial_number
    assert all(world.jlis.status(c.serial_number).state.value == "good" for c in certs.values())  # J-LIS issued them
    assert all("valid until 2031-" in c.en and "有効期限 2031年" in c.ja for c in m.card_lines())
    assert "まだありません" in m.phone_lines()[2].ja and "none yet" in m.phone_lines()[2].en
    world.apply(person, phone)
    shown = m.summary()
    assert "スマホ用電子証明書: 署名用電子証明書、利用者証明用電子証明書" in m.phone_lines()[2].ja
    assert {"ja": "インストール済み", "en": "installed"}[lang] in shown.plain and lang in shown.html
    world.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_portal_safety_model_refuses_fake_sites_before_the_pin_and_logs_real_use(lang: str) -> None:
    world, person, phone = _registered(lang)
    m = ch1.PortalSafety(world, person, phone)
    before = len(m.history_rows())
    for key in ("impostor", "lookalike", "wrong_name"):
        check = m.connect(key)
        assert not check.ok and 'data-outcome="ng"' in m.result_html
        assert not m.try_login() and m.network == key
        assert {"ja": "ログインを中止しました", "en": "stopped the login"}[lang] in m.login_html
    assert len(m.history_rows()) == before  # nothing signed, nothing recorded
    assert m.connect("genuine").ok and "TLSv1" in m.result_html and m.login_html == ""
    assert m.try_login() and len(m.history_rows()) == before + 1
    assert m.submit_tax_return() is not None and 'data-outcome="ok"' in m.service_html
    assert m.use_kiosk() is not None and {"ja": "住民票の写しを印刷", "en": "residence record"}[lang] in m.service_html
    assert len(m.history_rows()) >= before + 3
    world.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_contacts_model_moves_the_clock_and_answers_the_phone(lang: str) -> None:
    from datetime import timedelta

    from labkit.clock import SimulatedClock

    m = ch1.Contacts(SimulatedClock("2026-04-01T10:00:00+09:00"), lang)
    assert m.status_now().open and 'data-open="true"' in m.status_html()
    saturday = m.set_time("2026-04-04T18:00:00+09:00")
    assert not saturday.open and {"ja": "9:30〜17:30", "en": "9:30 to 17:30"}[lang] in m.status_html()
    answer = m.press(4)
    assert "受付時間外" in answer.ja and "closed" in answer.en and 'data-key="4"' in m.heard_html
    assert m.advance(timedelta(hours=15, minutes=30)).open  # Sunday 9:30
    assert "受け付けます" in m.press(4).ja
    assert m.set_time("2027-01-01T03:00:00+09:00").new_year and not m.status_now().open


# --------------------------------------------------------------------------- 2-2 to 2-5

def _params(lang: str, now: str = "2026-04-01T10:00:00+09:00") -> object:
    from datetime import datetime

    from labkit.labs.kit import LabParams

    return LabParams(lang, datetime.fromisoformat(now), 0)


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_install_model_follows_the_play_store_steps(lang: str) -> None:
    from labkit.labs import ch2
    from labkit.phone import MYNAPORTAL_PACKAGE

    m = ch2.Install(_params(lang))
    assert not m.phone.installed(MYNAPORTAL_PACKAGE) and m.progress() == set()
    m.store.press("playstore")
    m.store.press("search")
    m.store.enter("query", "マイナポータル")
    m.store.press(next(b.id for b in m.store.screen.buttons if b.id.startswith("result:")))
    assert m.progress() == {"playstore", "search", "select"}
    m.store.press("install")
    assert m.phone.installed(MYNAPORTAL_PACKAGE) and "install" in m.progress()
    m.store.press("open")
    assert m.store.opened is m.phone.mynaportal and m.progress() == {s.key for s in ch2.INSTALL_STEPS}
    m.world.close()


def _apply_headless(m: object, lang: str) -> None:
    """2-3 on the phone's screens without widgets (as the mock-up forwards the clicks)."""
    from labkit.widgets.phone_model import PhoneMockupModel

    phone = PhoneMockupModel(m.phone, card=m.person.card, advance=m.world.advance, lang=lang)
    steps = [("press", "menu"), ("press", "apply"), ("enter", "password", m.person.card_password),
             ("check", "confirmed", True), ("press", "submit"), ("hold_card",), ("remove_card",), ("press", "next"),
             ("enter", "password", m.person.phone_password), ("press", "next"), ("enter", "pin", m.person.phone_pin),
             ("enter", "pin_again", m.person.phone_pin), ("press", "next")]
    for name, *args in steps:
        getattr(phone, name)(*args)
        assert phone.failure is None and phone.screen.error is None, (name, args)
        m.watch.changed()
    assert phone.screen.state == "applied"
    phone.press("close")


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_apply_model_applies_at_night_and_registers_after_the_morning_push(lang: str) -> None:
    from labkit.labs import ch2
    from labkit.pki import CaKind

    m = ch2.Apply(_params(lang), "21:00")
    assert not m.push_pending() and m.progress() == set()
    assert {"ja": "まだ申請していません", "en": "not applied yet"}[lang] in m.timeline().title.get(lang)
    _apply_headless(m, lang)
    assert m.progress() >= {"menu", "apply", "form", "read", "remove", "next", "passwords"}
    assert m.push_pending() and m.timeline().mark("push") is not None
    m.advance_to_push()
    m.watch.changed()
    assert m.world.now().isoformat() == "2026-04-02T08:00:00+09:00" and "push" in m.progress()
    assert m.app.press("register").state == "register"
    assert m.app.press("register").state == "registered"
    m.watch.changed()
    assert "register" in m.progress() and not m.push_pending()
    assert ch2.se_certificates(m.phone) == {CaKind.SIGN: True, CaKind.AUTH: True}
    assert m.watch.registered_at is not None and m.timeline().mark("register") is not None
    m.world.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_register_model_finds_both_certificates_in_the_se(lang: str) -> None:
    from cryptography import x509

    from labkit.labs import ch2
    from labkit.pki import CaKind, CertState

    m = ch2.Register(_params(lang))
    assert m.world.now().isoformat() == "2026-04-01T08:00:00+09:00" and m.in_se() == {}
    assert m.app.press("register").state == "register" and m.in_se() == {}
    assert m.app.press("register").state == "registered"
    certs = m.in_se()
    assert list(certs) == [CaKind.SIGN, CaKind.AUTH]
    for der in certs.values():
        serial = x509.load_der_x509_certificate(der).serial_number
        assert m.world.jlis.status(serial).state is CertState.GOOD  # issued by J-LIS, valid
    m.world.close()


@pytest.mark.parametrize(("lang", "old_online"), [("ja", True), ("en", False)])
def test_device_change_model_old_phone_deletes_online_or_keeps_revoked_ones(lang: str, old_online: bool) -> None:
    from datetime import timedelta

    from labkit.labs import ch2
    from labkit.pki import CaKind

    m = ch2.DeviceChange(_params(lang), old_online=old_online)
    assert ch2.se_certificates(m.old) == {CaKind.SIGN: True, CaKind.AUTH: True}
    assert {"ja": "2 枚", "en": "<td>2</td>"}[lang] in m.status_html() and m.timeline() is not None
    m.world.apply(m.person, m.new, device_change=True)
    m.sync()
    left = sum(ch2.se_certificates(m.old).values())
    if old_online:
        assert left == 0 and m.old_online_at is not None  # the deletion push, at once
        assert "0 枚" in m.status_html() and "失効" in m.status_html()
    else:
        assert left == 2 and m.old_online_at is None
        m.world.advance(timedelta(hours=49))
        m.old.set_online(True)
        assert m.sync() and m.old_online_at is not None
        assert sum(ch2.se_certificates(m.old).values()) == 2 and "revoked" in m.status_html()  # past 48 h: kept
    m.world.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_faq_and_device_change_reports_are_models_already(lang: str) -> None:
    """2-5's outcomes and 2-8's FAQ are computed reports (no lab object to split): they run
    headless and say what really happened."""
    from labkit.labs import ch2

    p = _params(lang)
    validity = ch2.validity_examples(p)
    ends = [r[2].en for r in validity.rows]
    assert ends == ["2031-02-17 23:59:59", "2031-02-17 23:59:59", "2031-02-28 23:59:59", "2032-02-29 23:59:59"]
    one = ch2.one_device(p)
    refusal, login = one.rows[1][1], one.rows[2][1]
    assert refusal.en != "success" and login == Text("成功", "success")  # the 2nd phone is refused, the 1st works
    outcomes = ch2.device_change_outcomes(p)
    assert [r[1].en for r in outcomes.rows] == ["deleted (0)", "still there (2)"]
    assert all(r[2].en == "revoked" and r[3].en != "success" for r in outcomes.rows)  # revoked either way
    assert outcomes.lang == lang and outcomes.title.get(lang) in outcomes.text()
