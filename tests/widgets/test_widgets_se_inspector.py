"""SE inspector: GP content through GET STATUS (and the fallback), the JPKI AP's contents,
what is not stored, and the event log updating on tamper events."""

from __future__ import annotations

from labkit.card import KeyRole
from labkit.se import CardLifeCycle, FaultKind, Privilege, SecureElement
from labkit.widgets import ApduTraceModel, SeInspector, SeInspectorModel
from labkit.widgets.se_inspector import privilege_names


def test_content_through_get_status_on_its_own_channel(phone_se: SecureElement) -> None:
    trace = ApduTraceModel(lang="en")
    trace.attach(phone_se)
    model = SeInspectorModel(phone_se, lang="ja")
    kinds = [r.kind for r in model.content]
    assert kinds.count("isd") == 1 and kinds.count("app") == 3 and kinds.count("elf") == 6
    isd = model.content[0]
    assert isd.state_text().ja.startswith("SECURED") and "SECURITY_DOMAIN" in isd.privileges
    jpki = next(r for r in model.content if r.name().ja.startswith("公的個人認証AP (スマホ用)"))
    assert jpki.state_text().ja.startswith("SELECTABLE")
    elf = next(r for r in model.content if r.name().ja == "公的個人認証AP のプログラム")
    assert elf.modules and elf.state_text().en == "LOADED"
    assert "GET STATUS" in model.source.ja
    rows = trace.visible()
    assert any("GET STATUS" in r.explain("en") for r in rows)
    assert all(r.channel != 0 for r in rows if "MANAGE CHANNEL" not in r.explain("en"))
    assert "labkit-se-isd" in model.content_html() and "<code>A000000151000000</code>" in model.content_html()


def test_what_the_jpki_ap_stores_and_what_is_not_stored(phone_se: SecureElement) -> None:
    model = SeInspectorModel(phone_se, lang="ja")
    rows = {item.ja: value.ja for item, value in model.jpki_rows()}
    assert rows["署名用秘密鍵"].startswith("あり") and rows["利用者証明用秘密鍵"].startswith("あり")
    assert rows["スマホ用署名用電子証明書"].startswith("あり: シリアル")
    assert rows["スマホ用利用者証明用暗証番号"] == "残り 3/3 回"
    absent = [t.ja for t in model.not_stored()]
    assert "税関係情報" in absent and "年金関係情報" in absent
    assert "税関係情報" in model.not_stored_html()
    phone_se.erase_jpki()
    model.refresh(get_status=False)
    rows = {item.ja: value.ja for item, value in model.jpki_rows()}
    assert rows["署名用秘密鍵"] == "なし" and rows["スマホ用署名用電子証明書"] == "なし"
    assert model.source.ja == "SE の内部レジストリ"


def test_pin_state_blocked(phone_se: SecureElement) -> None:
    applet = phone_se.jpki
    assert applet is not None
    applet.pins[KeyRole.AUTH].remaining = 0
    rows = {item.en: value.en for item, value in SeInspectorModel(phone_se, lang="en").jpki_rows()}
    assert rows["smartphone user authentication PIN"].startswith("blocked")


def test_view_follows_tamper_events_and_falls_back_when_terminated(phone_se: SecureElement) -> None:
    view = SeInspector(phone_se, lang="ja")
    assert "記録はありません" in view.events.value
    phone_se.detect_fault(FaultKind.LIGHT)  # the listener redraws without a click
    assert "物理的な攻撃" in view.events.value and "証明書と鍵を消去" in view.events.value
    assert 'data-state="CARD_LOCKED"' in view.state.value
    assert "なし" in view.jpki.value
    view.refresh_button.click()
    assert "GET STATUS" in view.content.value
    phone_se.registry.card_state = CardLifeCycle.TERMINATED
    view.refresh_button.click()
    assert "GET STATUS できないため" in view.content.value
    assert 'data-state="TERMINATED"' in view.state.value
    view.close()
    phone_se.erase_jpki()
    assert "labkit-se" in view.widget._dom_classes


def test_privilege_names() -> None:
    assert privilege_names(Privilege(0xC00000)) == ["DAP_VERIFICATION"]
    assert privilege_names(Privilege.NONE) == [] and privilege_names(None) == []
    assert privilege_names(Privilege.SECURITY_DOMAIN | Privilege.CARD_LOCK) == ["SECURITY_DOMAIN", "CARD_LOCK"]
