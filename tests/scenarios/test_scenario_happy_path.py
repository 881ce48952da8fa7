"""The whole lecture on one simulated morning: install (2-2), apply at 10:00 (2-3) → push within
minutes → register (2-4) → log in (1-2 ①) → sign electronic applications (引越し, 確定申告) →
open a bank account (1-2 ②) → print a 住民票 at a convenience store (1-2 ③) → usage history
(1-4 3.)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from world_support import new_world, over_http

from labkit.jlis import NotificationKind, UsageKind
from labkit.phone import BANK, AppState
from labkit.pki import CertState, Sex
from labkit.se import DataCategory
from labkit.services import Procedure


@over_http
def test_install_apply_register_and_use_everywhere() -> None:
    world = new_world()
    hanako = world.resident("sample")
    phone = world.new_phone(hanako, install=False)

    # 2-2: home → Playストア → アプリとゲームを検索 → マイナポータル → インストール → 開く
    store = world.play_store(phone)
    assert store.screen.labels() == ["Playストア"]
    store.press("Playストア")
    store.press("アプリとゲームを検索")
    store.enter("アプリとゲームを検索", "マイナポータル")
    assert store.screen.labels()[0] == "マイナポータル"
    store.press("マイナポータル")
    assert "インストール" in store.screen.labels()
    store.press("インストール")
    assert "開く" in store.screen.labels() and "インストール" not in store.screen.labels()
    store.press("開く")
    assert store.opened is phone.mynaportal

    # 2-3 ①–⑥
    app = phone.mynaportal
    app.open()
    assert app.press("メニュー").state == "menu"
    screen = app.press("スマホ用電子証明書を申請する")
    assert screen.step == "2-3 ④⑤⑥"
    assert [c.label.ja for c in screen.checks] == ["スマホ用署名用電子証明書", "スマホ用利用者証明用電子証明書",
                                                   "確認しました"]
    assert not screen.button("申請する").enabled
    app.enter("パスワード", hanako.card_password)
    app.press("確認しました")  # ticks the box
    assert app.press("申請する").state == AppState.READ_CARD

    # ⑦ hold the card: the app reads it with real APDUs, the SE generates the key pairs
    phone.hold_card(hanako.card)
    assert app.state is AppState.READ_SUCCESS
    card_commands = [e.name.en for e in phone.card_trace.entries]
    assert any("VERIFY" in c for c in card_commands) and any("SIGNATURE" in c for c in card_commands)
    assert any(e.command.startswith("80 46") for e in phone.se_trace.entries)  # GENERATE KEY PAIR in the SE
    phone.remove_card()  # ⑧
    assert app.state is AppState.READ_DONE
    app.press("次へ")  # ⑨
    app.enter("パスワード", hanako.phone_password)
    app.press("次へ")
    app.enter("pin", "2468")
    app.enter("pin_again", "2468")
    screen = app.press("次へ")
    assert screen.state == "applied" and "10:03" in screen.notice.ja

    # the push comes within minutes, not before
    world.advance(minutes=2)
    assert not phone.inbox
    world.advance(minutes=1)
    assert [m.notification.kind for m in phone.inbox] == [NotificationKind.REGISTRATION_READY]

    # 2-4: 「登録する」 → completion; the SE now holds both certificates
    app.open()
    app.press("登録する")
    assert app.press("登録する").state == "registered"
    inventory = phone.se.inventory()
    assert [i.category for i in inventory.items if i.category is DataCategory.CERTIFICATE] == \
        [DataCategory.CERTIFICATE] * 2
    assert {DataCategory.TAX, DataCategory.PENSION} <= set(inventory.not_stored)
    app.press("閉じる")

    # 1-2 ①: Mynaportal login with the user-auth certificate (through the app's screens)
    app.press("ログイン")
    app.enter("pin", "2468")
    assert app.press("ログイン").state == "portal"
    session = app.session

    # 引越し and 確定申告, signed in the SE, verified by the receiving offices
    moving = session.submit(Procedure.MOVING, {"new_address": "東京都清瀬市梅園１丁目１番１号"},
                            app=app, password=hanako.phone_password)
    assert moving.ok and moving.signer.name == hanako.name
    assert "真正" in moving.statement.ja and "genuine" in moving.statement.en
    tax = session.submit("tax_return", {"year": 2025, "income": 5_000_000}, app=app, password=hanako.phone_password)
    assert tax.ok and tax.verification.revocation.source == "ocsp"

    # 1-2 ②: the bank app (a registered service) opens an account from the signing certificate
    bank_app = phone.install(BANK)
    account = world.bank.open_account(bank_app, password=hanako.phone_password)
    assert (account.name, account.birth_date, account.sex) == (hanako.name, hanako.birth_date, Sex.FEMALE)
    assert account.address == hanako.resident.holder.attributes.address

    # 1-2 ③: コンビニ交付, phone held to the kiosk, 4-digit PIN
    copy = world.kiosk.print_juminhyo(app, pin="2468")
    assert hanako.name in copy.text("ja") and "住民票の写し" in copy.text("ja")

    # 1-4 3.: 利用履歴 in the app shows logins, signatures and issuance with time and device
    app.press("利用履歴")
    kinds = {e.kind for e in app.history}
    assert {UsageKind.LOGIN, UsageKind.SIGNATURE, UsageKind.ISSUANCE, UsageKind.REGISTRATION} <= kinds
    assert all(e.device_id == phone.device_id for e in app.history if e.kind is UsageKind.LOGIN)
    assert len(app.screen.rows) == len(app.history)
    services = {e.service for e in app.history}
    assert {"mynaportal", "city-office", "tax-office", "lab-bank", "konbini-kofu"} <= services

    # 1-5: 「スマホ電子証明書の確認」 lists the SE contents and what is not there
    app.press("戻る")
    app.press("ログアウト")
    app.press("メニュー")
    screen = app.press("スマホ電子証明書の確認")
    text = screen.render("ja")
    assert "税関係情報" in text and "年金関係情報" in text and "有効" in text
    statuses = {c.kind.value: c.state for c in app.live_certificates()}
    assert statuses == {"sign": CertState.GOOD, "auth": CertState.GOOD}
    world.close()


@pytest.mark.parametrize("certificates", [("auth",), ("sign",)])
def test_only_one_certificate_needs_only_its_password(certificates: tuple[str, ...]) -> None:
    """⑤ uncheck one: the password of a certificate not applied for is not asked."""
    world = new_world()
    person = world.resident("sample")
    phone = world.new_phone(person)
    app = phone.mynaportal
    app.open()
    app.press("メニュー")
    app.press("スマホ用電子証明書を申請する")
    app.enter("パスワード", person.card_password)
    app.check("sign" if certificates == ("auth",) else "auth", False)
    app.check("確認しました")
    app.press("申請する")
    phone.hold_card(person.card)
    phone.remove_card()
    screen = app.press("次へ")
    assert screen.state == ("auth_pin" if certificates == ("auth",) else "sign_password")
    world.close()


@over_http
def test_world_apply_helper_and_time_left_in_the_push_window() -> None:
    world = new_world()
    person = world.resident("sample")
    phone = world.new_phone(person)
    world.apply(person, phone)
    assert world.now() - world.clock.now() == timedelta(0)
    status = phone.mynaportal.status()
    assert {c.kind.value for c in status.certificates} == {"sign", "auth"}
    world.close()
