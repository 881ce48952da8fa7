"""Chapter 1 labs (labkit.labs.ch1): what each lab cell shows and does, driven as a student
would (buttons, PIN pads, the phone mock-up) but without a browser. The deterministic
outputs (the ones nbval compares) are checked to be equal across runs and free of serials."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta

import pytest

from labkit import course
from labkit.card import KeyRole
from labkit.clock import SimulatedClock
from labkit.errors import InputError
from labkit.jlis import UsageKind
from labkit.labs import ch1
from labkit.pki import basic_attributes_of
from labkit.se import CardLifeCycle, TamperKind
from labkit.widgets import PinOutcome
from labkit.world import Person, World

NOW = "2026-04-01T10:00:00+09:00"
HEX_SERIAL = re.compile(r"\b[0-9A-F]{16,}\b")


@pytest.fixture(autouse=True)
def _course_context() -> Iterator[None]:
    """Widgets default to the course context: start each test from a fresh one."""
    with course.use():
        yield


def _world(lang: str = "ja") -> World:
    return World.create(now=NOW, seed=0, lang=lang)


def _registered(lang: str = "ja") -> tuple[World, Person, object]:
    world = _world(lang)
    person = world.resident("sample")
    phone = world.new_phone(person)
    world.apply(person, phone)
    return world, person, phone


# ------------------------------------------------------------------------------ 1-1

def test_card_certificates_are_read_from_the_card() -> None:
    world = _world()
    person = world.resident("sample")
    certs = ch1.read_card_certificates(person)
    assert set(certs) == {KeyRole.SIGN, KeyRole.AUTH}
    attrs = basic_attributes_of(certs[KeyRole.SIGN])
    assert attrs is not None and attrs.name == person.name
    assert basic_attributes_of(certs[KeyRole.AUTH]) is None  # no personal data
    world.close()


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_world_summary_is_deterministic_and_shows_no_serials(lang: str) -> None:
    outputs = []
    for _ in range(2):
        world = _world(lang)
        person = world.resident("sample")
        phone = world.new_phone(person)
        block = ch1.world_summary(world, person, phone)
        outputs.append((block._repr_html_(), repr(block)))
        world.close()
    assert outputs[0] == outputs[1]
    html, plain = outputs[0]
    assert "見本\u3000花子" in html and "Pixel 8" in plain
    assert ("まだありません" if lang == "ja" else "none yet") in plain
    assert ("2031年2月17日" if lang == "ja" else "2031-02-17") in plain  # the 5th birthday
    assert not HEX_SERIAL.search(html)


def test_learner_world_shows_both_card_certificates_and_the_reading() -> None:
    world = _world()
    person = world.resident("sample")
    phone = world.new_phone(person)
    lab = ch1.learner_world(world, person, phone)
    assert set(lab.viewers) == {KeyRole.SIGN, KeyRole.AUTH}
    sign = lab.viewers[KeyRole.SIGN].model
    assert sign.status().state == "good" and sign.trusted()
    assert any(f.key.startswith("basic_") for f in sign.fields())
    rows = lab.trace.model.visible()
    assert any("VERIFY" in r.explain("en") for r in rows)
    assert person.card_password not in lab.trace.model.text()  # the password is masked
    assert lab.phone_view.model.screen.state == "home"
    lab.phone_view.press("menu")
    lab.phone_view.press("check")
    assert "税関係情報" in lab.phone_view.model.render_text()
    assert len(lab.widget.children) == 2
    world.close()


# ------------------------------------------------------------------------------ 1-2

def test_services_need_a_registered_phone() -> None:
    world = _world()
    person = world.resident("sample")
    phone = world.new_phone(person)
    with pytest.raises(InputError):
        ch1.services_lab(world, person, phone)
    world.close()


def test_services_lab_portal_bank_and_kiosk() -> None:
    world, person, phone = _registered()
    summary = ch1.registration_summary(world, person, phone)
    assert "スマホ用署名用電子証明書" in repr(summary) and "10:03" in repr(summary)
    lab = ch1.services_lab(world, person, phone)
    # ① log in through the app's own screens
    view = lab.phone_view
    view.press("ログイン")
    view.model.enter("pin", person.phone_pin)
    assert view.press("ログイン").state == "portal"
    # ② the bank: a wrong password costs a try, the right one opens the account
    wrong = lab.bank_pad.model.submit("WRONG123")
    assert wrong.outcome is PinOutcome.WRONG and wrong.tries_left == 4
    lab.bank_pad.model.submit(person.phone_password)
    assert lab.account is not None and lab.account.name == person.name
    html = lab.bank_result.value
    assert 'data-outcome="ok"' in html
    for value in ("見本\u3000花子", "1990年2月17日", "女性", "東京都清瀬市中里"):
        assert value in html
    # ③ the kiosk
    bad = lab.kiosk_pad.model.submit("0000")
    assert bad.outcome is PinOutcome.WRONG and bad.tries_left == 2
    lab.kiosk_pad.model.submit(person.phone_pin)
    assert "住民票の写し" in lab.kiosk_result.value and lab.juminhyo is not None
    kinds = {e.service for e in world.jlis.usage_history(holder_id=person.holder_id)}
    assert {"mynaportal", "lab-bank", "konbini-kofu"} <= kinds
    world.close()


def test_services_lab_in_english() -> None:
    world, person, phone = _registered("en")
    lab = ch1.services_lab(world, person, phone)
    lab.open_account(person.phone_password)
    assert "four basic attributes" in lab.bank_result.value and "female" in lab.bank_result.value
    lab.print_juminhyo(person.phone_pin)
    assert "residence record" in lab.kiosk_result.value
    assert "December 2023" in str(lab.kiosk.children[1].value)
    world.close()


# ------------------------------------------------------------------------------ 1-3

def test_benefits_lab_pin_then_biometrics_and_someone_elses_finger() -> None:
    world, person, phone = _registered()
    lab = ch1.benefits_lab(world, person, phone)
    assert "まだありません" in lab.login_table.value
    view = lab.phone_view
    view.press("ログイン")
    view.model.enter("pin", person.phone_pin)
    view.press("ログイン")
    assert "暗証番号" in lab.login_table.value  # redrawn when the screen changed
    view.press("ログアウト")
    view.press("メニュー")
    view.press("生体認証などを利用登録する")
    view.model.enter("pin", person.phone_pin)
    assert view.press("登録する").state == "biometric_done"
    view.press("閉じる")
    view.press("ログイン")
    assert view.press("生体認証でログイン").state == "portal"
    assert "生体認証" in lab.login_table.value
    view.press("ログアウト")
    lab.set_finger("other")
    view.press("ログイン")
    screen = view.press("生体認証でログイン")
    assert screen.state == "login" and "生体認証が一致しません" in screen.error.ja
    lab.set_finger("owner")
    assert view.press("生体認証でログイン").state == "portal"
    methods = [e.detail.ja for e in lab.logins()]
    assert sum("生体認証" in m for m in methods) == 2 and sum("暗証番号" in m for m in methods) == 1
    world.close()


def test_only_the_mynaportal_app_reaches_the_certificate() -> None:
    world, person, phone = _registered()
    lab = ch1.benefits_lab(world, person, phone)
    assert lab.try_mynaportal() and 'data-outcome="ok"' in lab.apps_result.value
    assert not lab.try_game()
    assert 'data-outcome="ng"' in lab.apps_result.value and "com.example.puzzle" in lab.apps_result.value
    world.close()


# ------------------------------------------------------------------------------ 1-4

def test_tls_comparison_accepts_only_the_genuine_portal() -> None:
    world, _person, phone = _registered()
    block = ch1.tls_comparison(world, phone)
    assert repr(block).splitlines() == ["genuine: ok", "impostor: untrusted", "lookalike: untrusted",
                                        "wrong_name: wrong_name"]
    html = block._repr_html_()
    assert html.count("labkit-lab-tls-ok") == 1 and html.count("labkit-lab-tls-ng") == 3
    assert "信頼できる認証局" in html and not HEX_SERIAL.search(html)
    assert repr(ch1.tls_comparison(world, phone)) == repr(block)
    assert phone.dns == {}  # the rogue Wi-Fi is left again
    world.close()


def test_portal_safety_lab_fake_sites_are_refused_before_the_pin() -> None:
    world, person, phone = _registered()
    lab = ch1.portal_safety_lab(world, person, phone)
    pin_tries = phone.se.jpki.pin_status(KeyRole.AUTH).remaining
    before = len(lab.history_rows())
    for key in ("impostor", "lookalike", "wrong_name"):
        check = lab.connect(key)
        assert not check.ok and 'data-outcome="ng"' in lab.result.value
        assert lab.certificate.children, key  # the presented certificate is shown
        assert not lab.try_login()
        assert "偽サイト" in lab.login_result.value
    assert len(lab.history_rows()) == before  # nothing signed, nothing recorded
    assert phone.se.jpki.pin_status(KeyRole.AUTH).remaining == pin_tries
    check = lab.connect("genuine")
    assert check.ok and "TLSv1" in lab.result.value
    viewer_html = lab.certificate.children[0].children[4].value
    assert 'data-anchor="true"' in viewer_html
    assert lab.try_login()
    assert lab.submit_tax_return() is not None and "真正" in lab.service_result.value
    assert lab.use_kiosk() is not None
    kinds = [e.kind for e in lab.history_rows()[: 4]]
    assert UsageKind.LOGIN in kinds and UsageKind.SIGNATURE in kinds
    # 利用履歴 in the app
    view = lab.phone_view
    view.press("ログイン")
    view.model.enter("pin", person.phone_pin)
    view.press("ログイン")
    assert view.press("利用履歴").state == "history"
    assert len(view.model.screen.rows) == len(lab.history_rows())
    world.close()


# ------------------------------------------------------------------------------ 1-5

@pytest.mark.parametrize("lang", ["ja", "en"])
def test_se_contents_lists_what_is_and_is_not_stored(lang: str) -> None:
    world, _person, phone = _registered(lang)
    block = ch1.se_contents(phone, lang)
    plain = repr(block)
    if lang == "ja":
        assert "税関係情報" in plain and "年金関係情報" in plain and "秘密鍵" in plain
    else:
        assert "tax information" in plain and "pension information" in plain
    assert not HEX_SERIAL.search(block._repr_html_())
    world.close()
    world, _person, phone = _registered(lang)
    assert repr(ch1.se_contents(phone, lang)) == plain  # the same for every world
    world.close()


def test_gpse_lab_other_app_pin_lock_and_erasure() -> None:
    world, person, phone = _registered()
    lab = ch1.gpse_lab(world, person, phone)
    assert any("GET STATUS" in r.explain("ja") or "GET STATUS" in r.explain("en")
               for r in lab.trace.model.visible())
    # another app: denied by the SE's access rules
    assert not lab.try_other_app()
    assert "com.example.puzzle" in lab.other_result.value and 'data-outcome="ng"' in lab.other_result.value
    # the finder's brute force stops at the lock (3 tries)
    attempts = lab.pad.brute_force()
    assert [a.outcome for a in attempts] == [PinOutcome.WRONG, PinOutcome.WRONG, PinOutcome.LOCKED]
    assert lab.pad.model.locked
    assert "ロック中" in lab.se_view.jpki.value
    assert [p for p, _ in lab.guesses] == ["0000", "0001", "0002"]
    assert 'data-count="3"' in lab.guess_log.value and "ロック" in lab.guess_log.value
    assert not lab.owner_login() and "ロック" in lab.owner_result.value
    # an extraction attempt: probes until the SE erases the keys and locks itself
    steps = lab.run_probe_attack()
    assert all(s.sw != 0x9000 for s in steps if s.command[1] == 0xB0)  # no key byte ever leaves
    assert lab.erased() and phone.se.registry.card_state == CardLifeCycle.CARD_LOCKED
    kinds = [e.kind for e in phone.se.events()]
    assert {TamperKind.KEY_FILE_PROBE, TamperKind.PROBE_LIMIT, TamperKind.JPKI_ERASED} <= set(kinds)
    assert "labkit-lab-erased" in lab.attack_result.value
    assert 'data-state="CARD_LOCKED"' in lab.se_view.state.value
    assert any(r.kind != "ok" and "READ BINARY" in r.explain("en") for r in lab.trace.model.visible())
    assert not lab.owner_login() and "GP-SE" in lab.owner_result.value
    assert "labkit-lab-erased" in lab.attack_result.value  # still shown
    world.close()


def test_physical_attack_erases_at_once() -> None:
    world, person, phone = _registered("en")
    lab = ch1.gpse_lab(world, person, phone)
    assert "no attack yet" in lab.attack_result.value
    lab.run_fault_attack()
    assert lab.erased() and "erased the smartphone certificates" in lab.attack_result.value
    assert TamperKind.PHYSICAL_FAULT in [e.kind for e in phone.se.events()]
    world.close()


def test_probe_attack_on_an_empty_se_stops_at_its_limit() -> None:
    world = _world()
    phone = world.new_phone(world.resident("sample"))
    steps = ch1.probe_attack(phone.se)
    assert len(steps) < 64 and phone.se.registry.card_state == CardLifeCycle.CARD_LOCKED
    assert len(ch1.probe_attack(phone.se, limit=5)) == 5  # locked already: nothing new happens
    world.close()


# ------------------------------------------------------------------------------ 1-6

@pytest.mark.parametrize(("when", "open_", "day"), [
    ("2026-04-01T09:29:59+09:00", False, "平日"),
    ("2026-04-01T09:30:00+09:00", True, "平日"),
    ("2026-04-01T19:59:00+09:00", True, "平日"),
    ("2026-04-01T20:00:00+09:00", False, "平日"),
    ("2026-04-04T09:30:00+09:00", True, "土日"),
    ("2026-04-04T17:29:00+09:00", True, "土日"),
    ("2026-04-04T17:30:00+09:00", False, "土日"),
    ("2026-05-04T18:00:00+09:00", False, "祝日 (みどりの日)"),
    ("2026-05-06T12:00:00+09:00", True, "祝日 (振替休日)"),
    ("2026-04-01T01:30:00+00:00", True, "平日"),  # 10:30 JST, given in UTC
])
def test_hotline_hours(when: str, open_: bool, day: str) -> None:
    status = ch1.hotline_status(when)
    assert status.open is open_ and status.day_text().ja == day


def test_hotline_now_and_the_contacts_lab() -> None:
    clock = SimulatedClock(NOW)
    block = ch1.hotline_now(clock, "ja")
    assert repr(block) == "2026年4月1日 (水) 10:00 / 平日 / 受付中 (受付時間 9:30〜20:00) / 受付中 (24時間365日)"
    assert 'data-open="true"' in block._repr_html_()
    en = repr(ch1.hotline_now(clock, "en"))
    assert "9:30 to 20:00" in en and "24 hours a day, 365 days a year" in en
    lab = ch1.contacts_lab(clock, "en")
    assert 'data-open="true"' in lab.status.value
    lab.preset.value = "2026-04-04T18:00:00+09:00"
    assert lab.status_now().open is False and "9:30 to 17:30" in lab.status.value
    assert lab.advance(timedelta(hours=15, minutes=30)).open  # Sunday 9:30
    assert clock.now().isoformat().startswith("2026-04-05T09:30")
    assert "press 4" in lab.press(1).en
    answer = lab.press(4)
    assert "smartphone e-certificate desk" in answer.en and "taken now" in answer.en
    lab.set_time("2027-01-01T03:00:00+09:00")
    assert "suspension after loss or theft is taken" in lab.press(4).en
    assert 'data-key="4"' in lab.heard.value
    assert "New Year&#x27;s Day" in lab.status.value
