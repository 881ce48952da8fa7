"""Chapter 2 labs (labkit.labs.ch2) driven through their widgets the way a learner clicks:
the phone mock-up's buttons, inputs and check boxes, the card-reading step, the clock
buttons, the hotline and counter panels. Everything below runs real labkit objects (card,
SE, J-LIS, municipality) on the simulated clock; no frontend is needed."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from labkit import course
from labkit.card import _rsa
from labkit.clock import JST, to_jst
from labkit.jlis import DEFAULT_PUSH_POLICY
from labkit.labs import ch2
from labkit.phone import MYNAPORTAL_PACKAGE
from labkit.phone.mynaportal import AppState
from labkit.phone.playstore import StoreState
from labkit.pki import CaKind, CertState
from labkit.world import World

NOW = "2026-04-01T10:00:00+09:00"  # a Wednesday


@pytest.fixture(scope="module")
def key_pool() -> list[rsa.RSAPrivateKey]:
    return [rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(24)]


@pytest.fixture(autouse=True)
def _fast_keys(monkeypatch: pytest.MonkeyPatch, key_pool: list[rsa.RSAPrivateKey]) -> Iterator[None]:
    """Cards, SEs and CAs draw their RSA keys from a pool (key generation is the only cost)."""
    keys = itertools.cycle(key_pool)
    monkeypatch.setattr(_rsa, "generate_key", lambda *a, **k: next(keys))
    create = World.create.__func__  # type: ignore[attr-defined]
    monkeypatch.setattr(World, "create",
                        classmethod(lambda cls, **kw: create(cls, key_factory=lambda: next(keys), **kw)))
    with course.use():
        yield


def ctx(lang: str = "ja", now: str = NOW, seed: int = 0) -> Any:
    return SimpleNamespace(lang=lang, now=datetime.fromisoformat(now), seed=seed)


def _apply_on(mock: Any, person: Any, *, sign: bool = True, change: bool = False) -> None:
    """2-3 ②–⑨ and the passwords, clicking the mock-up (the phone shows its top screen)."""
    mock.buttons["menu"].click()
    mock.buttons["change" if change else "apply"].click()
    mock.inputs["password"].value = person.card_password
    if not sign:
        mock.checks["sign"].value = False
    mock.checks["confirmed"].value = True
    mock.buttons["submit"].click()
    assert 'data-state="read_card"' in mock.title.value, mock.error.value
    mock.card_step.hold_button.click()
    mock.card_step.remove_button.click()
    mock.buttons["next"].click()
    if change:
        assert 'data-state="confirm_old"' in mock.title.value
        mock.buttons["agree"].click()
    if sign:
        mock.inputs["password"].value = person.phone_password
        mock.buttons["next"].click()
    mock.inputs["pin"].value = person.phone_pin
    mock.inputs["pin_again"].value = person.phone_pin
    mock.buttons["next"].click()
    assert 'data-state="applied"' in mock.title.value, mock.error.value
    mock.buttons["close"].click()


def _submit_for_signing(mock: Any, person: Any) -> None:
    """From a filled-in form for the signing certificate alone: confirm, submit, read the
    card, set the signing password; the application is then made."""
    mock.checks["confirmed"].value = True
    mock.buttons["submit"].click()
    mock.card_step.hold_button.click()
    mock.card_step.remove_button.click()
    mock.buttons["next"].click()
    mock.inputs["password"].value = person.phone_password
    mock.buttons["next"].click()
    assert 'data-state="applied"' in mock.title.value, mock.error.value


def _login(mock: Any, pin: str) -> tuple[str, str]:
    """Log in from the app's top screen and come back to it: (state reached, error shown)."""
    mock.buttons["login"].click()
    mock.inputs["pin"].value = pin
    mock.buttons["login"].click()
    state, error = mock.model.screen.state, mock.error.value
    mock.buttons["logout" if state == "portal" else "back"].click()
    assert 'data-state="home"' in mock.title.value
    return state, error


def _states(lab: Any) -> dict[str, CertState]:
    return {f"{r.where}-{r.kind.value}": r.state for r in ch2.certificate_rows(lab.world, lab.person, lab.phone)}


# --------------------------------------------------------------------------- helpers

def test_on_day_and_when_text() -> None:
    at = ch2.on_day(datetime.fromisoformat(NOW), "21:00", days=1)
    assert at == datetime(2026, 4, 2, 21, 0, tzinfo=JST)
    assert ch2.when_text(at).ja == "4月2日(木) 21:00" and ch2.when_text(at).en == "Thu 2 Apr 21:00"


def test_push_schedule_follows_the_jlis_rule() -> None:
    report = ch2.push_schedule(datetime.fromisoformat(NOW), lang="ja")
    text = report.text()
    assert "4月1日(水) 21:00 | 4月2日(木) 08:00 | おおむね翌8:00以降 (ラボでは翌朝 8:00)" in text
    assert "4月1日(水) 19:29 | 4月1日(水) 19:32 | 数分後" in text
    assert "4月1日(水) 19:30 | 4月2日(木) 08:00" in text
    assert "4月4日(土) 21:00 | 4月5日(日) 08:00" in text  # weekends alike
    for row in report.rows:  # every row agrees with J-LIS's policy
        assert row[1] == ch2.when_text(DEFAULT_PUSH_POLICY.push_time(_parse(row[0].en)))
    en = ch2.push_schedule(datetime.fromisoformat(NOW), lang="en").html()
    assert 'lang="en"' in en and "around 8:00 the next morning or later" in en and "within minutes" in en


def _parse(en: str) -> datetime:
    return datetime.strptime(f"2026 {en}", "%Y %a %d %b %H:%M").replace(tzinfo=JST)


def test_report_is_deterministic_text_and_html() -> None:
    a, b = ch2.validity_examples(ctx()), ch2.validity_examples(ctx())
    assert repr(a) == repr(b) and a.html() == b.html()
    assert "2000年2月29日 | 2026年4月1日 | 2031年2月28日 23:59:59" in repr(a)
    assert "2000年2月29日 | 2027年3月1日 | 2032年2月29日 23:59:59" in repr(a)
    assert "2000-02-29 | 2026-04-01 | 2031-02-28 23:59:59" in repr(ch2.validity_examples(ctx("en")))


def test_install_stage_and_apply_progress_are_pure() -> None:
    store = SimpleNamespace(state=StoreState.SEARCH, selected=None, opened=None)
    phone = SimpleNamespace(installed=lambda pkg=MYNAPORTAL_PACKAGE: False)
    assert ch2.install_stage(store, phone) == 2
    app = SimpleNamespace(data=SimpleNamespace(ready=False))
    assert ch2.apply_progress(app, []) == set()
    assert ch2.apply_progress(app, [AppState.MENU, AppState.FORM, AppState.READ_CARD]) == {"menu", "apply", "form"}
    app.data.ready = True
    assert "push" in ch2.apply_progress(app, [AppState.APPLIED])


# --------------------------------------------------------------------------- 2-2

def test_install_lab_play_store_steps() -> None:
    lab = ch2.install(ctx())
    mock = lab.mockup
    assert not lab.phone.installed(MYNAPORTAL_PACKAGE)
    assert 'data-app="home"' in mock.title.value and lab.steps.done == frozenset()
    mock.buttons["playstore"].click()
    mock.buttons["search"].click()
    mock.inputs["query"].value = "マイナポータル"
    result = next(k for k in mock.buttons if k.startswith("result:"))
    mock.buttons[result].click()
    assert set(mock.buttons) >= {"install"} and lab.steps.done == {"playstore", "search", "select"}
    mock.buttons["install"].click()
    assert "open" in mock.buttons and "install" not in mock.buttons  # 「インストール」 → 「開く」
    assert mock.buttons["open"].description == "開く"
    mock.buttons["open"].click()
    assert lab.phone.installed(MYNAPORTAL_PACKAGE)
    assert mock.model.app is lab.phone.mynaportal and 'data-state="home"' in mock.title.value
    assert lab.steps.done == {s.key for s in ch2.INSTALL_STEPS}
    assert 'data-done="false"' not in lab.steps.widget.value
    lab.close()


# --------------------------------------------------------------------------- 2-3

def test_apply_at_night_push_next_morning_then_register() -> None:
    lab = ch2.apply(ctx())
    mock, person = lab.mockup, lab.person
    assert to_jst(lab.world.now()).strftime("%H:%M") == "21:00"
    assert lab.to_push.disabled
    assert "まだ申請していません" in lab.timeline.drawing.value
    _apply_on(mock, person)
    assert lab.steps.done >= {"menu", "apply", "form", "read", "remove", "next", "passwords"}
    assert "push" not in lab.steps.done
    # the real card and SE commands are in the trace; PINs are masked
    text = lab.trace.model.text()
    assert "VERIFY" in text and "公的個人認証AP" in text and "鍵ペア生成" in text
    assert person.card_password not in text and "** ** **" in text
    # the push comes the next morning at 8:00
    receipt = lab.app.data.receipt
    assert to_jst(receipt.push_at) == datetime(2026, 4, 2, 8, 0, tzinfo=JST)
    assert not lab.to_push.disabled
    mark = lab.timeline.model.mark("push")
    assert mark is not None and to_jst(mark.at).hour == 8
    mock.clock_buttons["1h"].click()
    assert "registration_ready" not in mock.shade_list.value  # 22:00: nothing yet
    lab.to_push.click()
    assert to_jst(lab.world.now()) == datetime(2026, 4, 2, 8, 0, tzinfo=JST)
    assert mock.shade_toggle.description == "通知 (1)" and "push" in lab.steps.done
    assert lab.to_push.disabled
    mock.buttons["register"].click()
    mock.buttons["register"].click()
    assert 'data-state="registered"' in mock.title.value and "register" in lab.steps.done
    assert ch2.se_certificates(lab.phone) == {CaKind.SIGN: True, CaKind.AUTH: True}
    assert lab.timeline.model.mark("register") is not None
    lab.close()


def test_apply_in_english_in_the_daytime() -> None:
    lab = ch2.apply(ctx("en"), at="10:00")
    assert lab.mockup.buttons["menu"].description == "Menu"
    _apply_on(lab.mockup, lab.person, sign=False)  # the user-auth certificate only
    assert to_jst(lab.app.data.receipt.push_at).strftime("%H:%M") == "10:03"
    assert "within minutes" in lab.timeline.drawing.value
    lab.close()


# --------------------------------------------------------------------------- 2-4

def test_register_after_the_push_fills_the_se() -> None:
    lab = ch2.register(ctx())
    mock = lab.mockup
    assert to_jst(lab.world.now()) == datetime(2026, 4, 1, 8, 0, tzinfo=JST)  # applied 3/31 21:00
    assert mock.shade_toggle.description == "通知 (1)" and "register" in mock.buttons
    assert lab.certs.children == () and "なし" in lab.inspector.jpki.value
    mock.buttons["register"].click()
    assert 'data-state="register"' in mock.title.value
    mock.buttons["register"].click()
    assert 'data-state="registered"' in mock.title.value
    assert len(lab.certs.children) == 2  # certificate viewers, read from the SE
    assert "シリアル" in lab.inspector.jpki.value and lab.inspector.jpki.value.count("あり") >= 4
    for viewer in lab.certs.children:
        assert 'data-state="good"' in viewer.children[1].value  # J-LIS: 有効
    assert any("証明書の書き込み" in r.explain("ja") for r in lab.trace.model.visible())
    lab.close()


# --------------------------------------------------------------------------- 2-5

def test_device_change_old_phone_online_deletes() -> None:
    lab = ch2.device_change(ctx())
    assert ch2.se_certificates(lab.old) == {CaKind.SIGN: True, CaKind.AUTH: True}
    _apply_on(lab.new_mockup, lab.person, change=True)
    assert ch2.se_certificates(lab.old) == {CaKind.SIGN: False, CaKind.AUTH: False}  # deleted by itself
    assert "0 枚" in lab.status.value and "失効" in lab.status.value
    assert lab.old_online_at is not None
    assert "自動で削除" in lab.timeline.drawing.value
    lab.new_mockup.clock_buttons["10m"].click()
    lab.new_mockup.buttons["register"].click()
    lab.new_mockup.buttons["register"].click()
    assert 'data-state="registered"' in lab.new_mockup.title.value
    lab.new_mockup.buttons["biometric"].click()  # optional 生体認証などを利用登録する
    lab.new_mockup.inputs["pin"].value = lab.person.phone_pin
    lab.new_mockup.buttons["enroll"].click()
    assert 'data-state="biometric_done"' in lab.new_mockup.title.value
    state, error = _login(lab.old_mockup, lab.person.phone_pin)
    assert state == "login" and "登録されていません" in error
    lab.close()


def test_device_change_old_phone_offline_beyond_48_hours() -> None:
    lab = ch2.device_change(ctx("en"), old_online=False)
    assert lab.old_mockup.airplane.value is True
    _apply_on(lab.new_mockup, lab.person, change=True)
    for _ in range(2):
        lab.new_mockup.clock_buttons["1d"].click()
    lab.new_mockup.clock_buttons["1h"].click()  # 49 hours later
    lab.old_mockup.airplane.value = False  # the old phone comes back online
    assert ch2.se_certificates(lab.old) == {CaKind.SIGN: True, CaKind.AUTH: True}  # they stay ...
    assert "revoked" in lab.status.value  # ... revoked
    assert "after 48 h" in lab.timeline.drawing.value
    state, error = _login(lab.old_mockup, lab.person.phone_pin)
    assert state == "login" and "revoked" in error
    lab.close()


def test_device_change_outcomes_report() -> None:
    report = ch2.device_change_outcomes(ctx())
    online, offline = report.rows
    assert online[1].ja.startswith("削除") and offline[1].ja.startswith("残っている")
    assert online[2].ja == offline[2].ja == "失効"
    assert "失効" in offline[3].ja and "登録されていません" in online[3].ja
    assert repr(report) == repr(ch2.device_change_outcomes(ctx()))


# --------------------------------------------------------------------------- 2-6

def test_phone_lost_hotline_then_found_at_the_counter() -> None:
    lab = ch2.phone_loss(ctx())
    mock = lab.mockup
    assert to_jst(lab.world.now()).strftime("%H:%M") == "22:30"
    assert 'data-open="false"' in lab.hotline.hours.value and "24時間365日" in lab.hotline.hours.value
    assert _login(mock, lab.person.phone_pin)[0] == "portal"  # not yet suspended: the PIN is the only guard
    lab.hotline.call.click()
    lab.hotline.press4.click()
    assert "4番" in lab.hotline.reply.value
    lab.hotline.enquire.click()
    assert "受付時間外" in lab.hotline.reply.value
    lab.hotline.report.click()  # 22:30 on a weekday: suspension is taken all the same
    assert _states(lab) == {"phone-sign": CertState.HELD, "phone-auth": CertState.HELD,
                            "card-sign": CertState.GOOD, "card-auth": CertState.GOOD}
    assert "一時保留" in lab.status.value
    state, error = _login(mock, lab.person.phone_pin)
    assert state == "login" and "一時" in error
    mock.clock_buttons["12h"].click()  # next morning at the city office
    lab.counter.buttons["phone_found"].click()
    assert _states(lab)["phone-auth"] is CertState.GOOD and _states(lab)["phone-sign"] is CertState.REVOKED
    assert "手数料" in lab.counter.reply.value
    assert _login(mock, lab.person.phone_pin)[0] == "portal"
    # the signing certificate: a new application for it alone
    mock.buttons["menu"].click()
    mock.buttons["apply"].click()
    assert mock.checks["sign"].value and not mock.checks["auth"].value
    mock.inputs["password"].value = lab.person.card_password
    _submit_for_signing(mock, lab.person)
    mock.buttons["close"].click()
    mock.clock_buttons["10m"].click()
    mock.buttons["register"].click()
    mock.buttons["register"].click()
    assert _states(lab)["phone-sign"] is CertState.GOOD
    lab.close()


def test_card_lost_then_found_lift_in_the_app() -> None:
    lab = ch2.card_loss(ctx("en"))
    mock = lab.mockup
    lab.hotline.report.click()
    assert set(_states(lab).values()) == {CertState.HELD}  # card and phone
    lab.counter.buttons["card_lost"].click()  # the loss report at the counter
    assert "already suspended" in lab.counter.reply.value
    state, error = _login(mock, lab.person.phone_pin)
    assert state == "login" and "hold" in error
    mock.clock_buttons["12h"].click()
    lab.counter.buttons["card_found"].click()
    assert lab.person.card_password == "FOUND2026" and "FOUND2026" in lab.info.value
    assert _states(lab)["card-auth"] is CertState.GOOD
    mock.buttons["menu"].click()
    mock.buttons["card_found"].click()
    assert "sign" not in mock.checks
    mock.inputs["password"].value = lab.person.card_password
    _submit_for_signing(mock, lab.person)
    assert _states(lab)["phone-auth"] is CertState.GOOD  # resumed at once
    mock.buttons["close"].click()
    mock.clock_buttons["10m"].click()
    mock.buttons["register"].click()
    mock.buttons["register"].click()
    assert _states(lab)["phone-sign"] is CertState.GOOD  # re-issued and registered again
    lab.close()


# --------------------------------------------------------------------------- 2-7

def test_factory_reset_keeps_the_certificate_then_revoke() -> None:
    lab = ch2.stop_using(ctx())
    mock = lab.mockup
    lab.reset_button.click()
    assert not lab.phone.installed(MYNAPORTAL_PACKAGE) and 'data-app="home"' in mock.title.value
    assert ch2.se_certificates(lab.phone) == {CaKind.SIGN: True, CaKind.AUTH: True}
    assert "シリアル" in lab.inspector.jpki.value
    lab.check_button.click()
    assert lab.checks.value.count("有効") == 6  # J-LIS, CRL, OCSP for both: still valid!
    # install again (2-2) and revoke from the phone (2-7 ①–⑥)
    mock.buttons["playstore"].click()
    mock.buttons["search"].click()
    mock.inputs["query"].value = "マイナポータル"
    mock.buttons[next(k for k in mock.buttons if k.startswith("result:"))].click()
    mock.buttons["install"].click()
    mock.buttons["open"].click()
    mock.buttons["menu"].click()
    mock.buttons["revoke"].click()
    assert mock.checks["target"].value
    mock.buttons["start"].click()
    mock.inputs["password"].value = lab.person.phone_pin
    mock.buttons["revoke"].click()
    assert 'data-state="revoked"' in mock.title.value, mock.error.value
    assert ch2.se_certificates(lab.phone) == {CaKind.SIGN: False, CaKind.AUTH: False}
    lab.check_button.click()
    assert lab.checks.value.count("失効 (利用の停止)") == 6 and "有効" not in lab.checks.value
    rows = ch2.revocation_rows(lab.world, lab.model.ders)
    assert [r[0].en for r in rows] == ["smartphone signing certificate", "smartphone user authentication certificate"]
    lab.close()


# --------------------------------------------------------------------------- 2-8

def test_one_device_and_quiz_and_calculator() -> None:
    report = ch2.one_device(ctx())
    assert "1人1台" in report.rows[1][1].ja and report.rows[2][1].ja == "成功"
    quiz = ch2.quiz(ctx(seed=3))
    assert quiz.model.total >= 4 and {q.section for q in quiz.model.questions} <= {"2-1", "2-3", "2-5", "2-6",
                                                                                  "2-7", "2-8"}
    calc = ch2.validity_calculator(ctx())
    assert "2031" in calc.output.value
    result = calc.set(birth=datetime(2004, 2, 29).date())
    assert result is not None and to_jst(result.not_after).date().isoformat() == "2031-02-28"


def test_labs_use_the_notebook_context() -> None:
    course.setup("2-3", lang="en", audience="student", now="2026-06-01T10:00:00+09:00", seed=1)
    lab = ch2.apply()
    assert lab.mockup.buttons["menu"].description == "Menu"
    assert to_jst(lab.world.now()) == datetime(2026, 6, 1, 21, 0, tzinfo=JST)
    assert lab.world.now() - timedelta(0) == lab.world.clock.now()
    lab.close()


@pytest.mark.parametrize(("depth", "opened"), [("basic", None), ("engineer", 0)])
def test_the_gp_se_inspector_is_folded_for_students_and_open_for_engineers(depth: str, opened: Any) -> None:
    """Issue 11: the technical layer (GP tables, APDUs) sits in 「もっと詳しく (技術者向け)」,
    closed at depth=basic, open at depth=engineer."""
    run = course.Context.create(course.section("2-7"), course.resolve_params({"depth": depth}))
    with course.use(run):
        lab = ch2.stop_using(ctx())
    [fold] = [c for c in lab.widget.children if "labkit-more-widget" in c._dom_classes]
    assert fold.selected_index == opened
    assert fold.titles[0] == "もっと詳しく (技術者向け): GP-SE の中を見る"
    assert lab.inspector.widget in fold.children[0].children


def test_the_phones_background_device_proofs_do_not_push_the_application_out_of_the_trace() -> None:
    """Each poll makes the phone prove itself to J-LIS in its SE (a lab assumption); the lab's
    trace counts those exchanges instead of listing them, so the learner's own application
    (the card's VERIFY, the SE's key generation) stays in view however long the page is open."""
    lab = ch2.apply(ctx())
    _apply_on(lab.mockup, lab.person)
    seen = lab.trace.model.total
    for _ in range(30):  # the phone widget's watcher polls like this while the page is open
        lab.phone.sync()
    model = lab.trace.model
    assert model.total == seen and model.background >= 30
    shown = model.html(max_rows=lab.trace.max_rows)
    assert "VERIFY" in shown and "鍵ペア生成" in shown
    assert not any(r.entry.command.startswith("81 2A 00 9D") or r.entry.command.startswith("80 2A 00 9D")
                   for r in model.visible())
    assert f"J-LIS に自分を証明するやりとり {model.background} 件 (ラボの想定) は省略" in model.summary()
