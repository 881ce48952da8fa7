"""What the labs SHOW, true to the lecture, in both languages (the content-facts check of the
notebooks' prose, extended to the labs): each lab is driven headless as a student clicks it,
and the texts it then displays are checked against the lecture (reviews/fidelity.md §2, §5).

- a locked smartphone PIN points to the toll-free line (the lecture's contact), never to the
  municipal counter; a locked card PIN keeps the counter;
- the hotline's receipt is item-specific: a found phone goes to the counter, a found card
  releases the phone in the Mynaportal app;
- the revocation screen keeps the lecture's condition (a device change *that applies on a new
  phone* needs no revocation) and names the English buttons in English;
- what the lab assumes beyond the lecture (try limits, exact push cutoffs, New Year break)
  is labelled as the lab's assumption.
"""

from __future__ import annotations

import html
from datetime import date
from typing import Any

import pytest
from test_ch2 import _fast_keys, ctx, key_pool  # noqa: F401  (fixtures: pooled RSA keys)

from labkit.card import KeyRole
from labkit.labs import ch1, ch2
from labkit.reader import InProcessTransport, JpkiClient, PinBlockedError, WrongPinError
from labkit.widgets import PinOutcome
from labkit.world import World

TOLL_FREE = {"ja": "マイナンバー総合フリーダイヤル (音声ガイダンス4番)", "en": "toll-free line (voice guidance 4)"}
COUNTER = {"ja": "窓口", "en": "municipal"}
ASSUMPTION = {"ja": "ラボの想定", "en": "lab assumption"}
LANGS = ("ja", "en")


def _shown(widget_value: str) -> str:
    return html.unescape(widget_value)


def _all_shown(widget: Any) -> str:
    """Every HTML text inside a widget tree, as a learner reads it."""
    own = _shown(widget.value) if isinstance(getattr(widget, "value", None), str) else ""
    return "\n".join([own, *(_all_shown(c) for c in getattr(widget, "children", ()))])


def _registered(lang: str) -> tuple[World, Any, Any]:
    world = World.create(now="2026-04-01T10:00:00+09:00", seed=0, lang=lang)
    person = world.resident("sample")
    phone = world.new_phone(person)
    world.apply(person, phone)
    return world, person, phone


@pytest.mark.parametrize("lang", LANGS)
def test_locked_phone_pin_points_to_the_toll_free_line_not_the_counter(lang: str) -> None:
    world, person, phone = _registered(lang)
    lab = ch1.gpse_lab(world, person, phone)
    assert ASSUMPTION[lang] in _all_shown(lab.pin).lower()  # the try limit is the lab's
    attempts = lab.pad.brute_force()
    assert attempts[-1].outcome is PinOutcome.LOCKED
    locked = attempts[-1].message.get(lang)
    assert TOLL_FREE[lang] in locked and COUNTER[lang] not in locked
    shown = _shown(lab.pad.model.message_html())
    assert TOLL_FREE[lang] in shown and COUNTER[lang] not in shown
    assert not lab.owner_login()  # the owner, in the app: the same guidance
    owner = _shown(lab.owner_result.value)
    assert TOLL_FREE[lang] in owner and COUNTER[lang] not in owner
    wrong = attempts[-2].message.get("en")
    assert "(1 try left)" in wrong and "1 tries" not in wrong
    world.close()


def test_locked_card_pin_keeps_the_counter() -> None:
    world = World.create(now="2026-04-01T10:00:00+09:00", seed=0)
    card = world.resident("sample").card
    client = JpkiClient(InProcessTransport(card))
    for pin in ("0000", "0001"):
        with pytest.raises(WrongPinError):
            client.verify(KeyRole.AUTH, pin, allow_last_try=True)
    with pytest.raises(PinBlockedError) as info:
        client.verify(KeyRole.AUTH, "0002", allow_last_try=True)
    assert "市区町村の窓口" in info.value.text.ja and "municipal counter" in info.value.text.en
    assert "フリーダイヤル" not in info.value.text.ja
    world.close()


@pytest.mark.parametrize("lang", LANGS)
def test_hotline_receipt_for_a_lost_phone_sends_the_found_phone_to_the_counter(lang: str) -> None:
    lab = ch2.phone_loss(ctx(lang))
    lab.hotline.press4.click()
    lab.hotline.report.click()
    receipt = lab.hotline.model.receipt.message
    assert "お住まいの市区町村窓口で解除" in receipt.ja and "アプリ" not in receipt.ja
    assert "counter of the municipality where you live" in receipt.en and "in the app" not in receipt.en
    assert "Mynaportal" not in receipt.en
    shown = _shown(lab.hotline.reply.value)
    assert receipt.get(lang) in shown
    # the guidance number is for enquiries; the lab does not claim 4 is the suspension route
    assert "そのまま一時利用停止" not in shown and "suspension is taken now" not in shown
    lab.hotline.enquire.click()
    assert "受付時間外です: 受付時間外です" not in _shown(lab.hotline.reply.value)
    lab.close()


@pytest.mark.parametrize("lang", LANGS)
def test_hotline_receipt_for_a_lost_card_sends_the_found_card_to_the_app(lang: str) -> None:
    lab = ch2.card_loss(ctx(lang))
    lab.hotline.report.click()
    receipt = lab.hotline.model.receipt.message
    assert "住民票のある市区町村窓口" in receipt.ja and "マイナポータルアプリで一時利用停止の解除" in receipt.ja
    assert "Mynaportal app" in receipt.en and "registered" in receipt.en
    assert receipt.get(lang) in _shown(lab.hotline.reply.value)
    lab.counter.buttons["card_found"].click()  # the lab-only counter step says it is the lab's
    assert ASSUMPTION[lang] in _shown(lab.counter.reply.value).lower()
    lab.close()


@pytest.mark.parametrize("lang", LANGS)
def test_revocation_screen_keeps_the_lectures_condition(lang: str) -> None:
    lab = ch2.stop_using(ctx(lang))
    mock = lab.mockup
    mock.buttons["menu"].click()
    mock.buttons["revoke"].click()
    mock.buttons["start"].click()
    screen = mock.model.render_text()
    if lang == "ja":
        assert "機種変更で新しいスマホから申請する場合は、この手続きは不要です" in screen
        assert "iPhone への機種変更のときは必要です" in screen and "ラボの想定" in screen
        assert "機種変更の場合はこの手続きは不要です" not in screen
    else:
        assert "applying on the new phone, this procedure is not needed" in screen
        assert "change to an iPhone" in screen and "lab assumption" in screen
        assert 'press "Revoke"' in screen and "「失効」" not in screen  # the English button's name
        assert mock.buttons["revoke"].description == "Revoke"
    lab.close()


@pytest.mark.parametrize("lang", LANGS)
def test_push_times_say_or_later_and_label_the_labs_cutoffs(lang: str) -> None:
    report = ch2.push_schedule(date(2026, 4, 1), lang=lang)
    text = repr(report)
    later = {"ja": "おおむね翌8:00以降", "en": "8:00 the next morning or later"}[lang]
    assert later in text and ASSUMPTION[lang] in text.lower()
    assert "翌朝 8:00 ごろ" not in text and "around 8:00 the next morning)" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_hotline_new_year_break_is_labelled_as_the_labs_assumption(lang: str) -> None:
    from labkit.clock import SimulatedClock

    status = ch1.hotline_status("2027-01-01T15:00:00+09:00")  # a holiday afternoon, but 元日
    assert not status.open and ASSUMPTION[lang] in status.enquiry_text().get(lang).lower()
    lab = ch1.contacts_lab(SimulatedClock(status.at), lang)
    assert ASSUMPTION[lang] in _shown(lab.status.value).lower()
    assert ASSUMPTION[lang] in _all_shown(lab.widget_box).lower()


@pytest.mark.parametrize("lang", LANGS)
def test_a_registered_phone_no_longer_asks_to_register(lang: str) -> None:
    """The 「登録できます」 push shows while a registration waits (2-4), not on a phone that is
    already registered (1-3 and every later lab)."""
    ready = {"ja": "登録ができます", "en": "ready"}[lang]
    waiting = ch2.register(ctx(lang))
    assert ready in _shown(waiting.mockup.shade_list.value)
    waiting.mockup.buttons["register"].click()
    waiting.mockup.buttons["register"].click()
    waiting.mockup.redraw()
    assert ready not in _shown(waiting.mockup.shade_list.value)
    waiting.close()
    world, person, phone = _registered(lang)
    lab = ch1.benefits_lab(world, person, phone)
    assert ready not in _shown(lab.phone_view.shade_list.value)
    world.close()


def test_the_applied_screen_says_the_receipt_once() -> None:
    """2-3 ③: the receipt ("申請を受け付けました …") shows once: as the notice right after
    applying, or in the body when the screen is shown again later."""
    from types import SimpleNamespace

    from labkit.i18n import Text
    from labkit.phone.mynaportal.screens import _applied

    receipt = Text("申請を受け付けました。プッシュ通知は … ごろに届く見込みです (ラボの規則での目安)",
                   "Application accepted. …")
    just_applied = SimpleNamespace(data=SimpleNamespace(receipt=SimpleNamespace(message=receipt)), notice=receipt)
    _, body, _, _ = _applied(just_applied)  # type: ignore[arg-type]
    assert receipt not in body
    later = SimpleNamespace(data=just_applied.data, notice=None)
    _, body, _, _ = _applied(later)  # type: ignore[arg-type]
    assert body.count(receipt) == 1 and "以降" in body[0].ja and "or later" in body[0].en
