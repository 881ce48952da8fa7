"""APDU trace viewer: decoding, masking, per-channel decoders, bounds, filter, clear, view."""

from __future__ import annotations

from labkit.apdu import ApduExchange
from labkit.card import KeyRole, MyNumberCard
from labkit.reader import InProcessTransport, JpkiClient, WrongPinError
from labkit.se import SecureElement
from labkit.widgets import ApduTraceModel, ApduTraceViewer, mask_apdu

SELECT_JPKI = "00A4040C0AD392F000260100000001"


def _x(command: str, response: str, channel: int | None = None) -> ApduExchange:
    return ApduExchange(bytes.fromhex(command), bytes.fromhex(response), channel)


def test_card_session_is_decoded_and_pins_are_masked(jpki_card: MyNumberCard) -> None:
    model = ApduTraceModel(lang="ja")
    model.attach(jpki_card)
    client = JpkiClient(InProcessTransport(jpki_card))
    try:
        client.verify(KeyRole.AUTH, "9876")
    except WrongPinError:
        pass
    rows = model.visible()
    verify = [r for r in rows if r.entry.command.startswith("00 20 00 80 04")]
    assert verify and verify[-1].entry.command == "00 20 00 80 04 ** ** ** **"
    assert "残り 2 回" in verify[-1].explain("ja")
    assert "利用者証明用暗証番号" in verify[-1].explain("ja")
    assert verify[-1].kind == "warn"
    assert all("39 38 37 36" not in r.entry.command for r in rows)  # "9876" never stored
    assert rows[0].source.ja == "カード" and rows[0].channel == 0
    model.detach_all()
    client.pin_tries(KeyRole.AUTH)
    assert len(model.visible()) == len(rows)  # detached: nothing more recorded


def test_se_set_pin_on_a_logical_channel_is_masked_and_named() -> None:
    model = ApduTraceModel(lang="en")
    model.record(_x("01A4040C0AD392F000260100000001", "9000", 1))
    row = model.record(_x("812C028104" + "31323334", "9000", 1))  # SET PIN "1234" on channel 1
    assert row.channel == 1
    assert row.entry.command == "81 2C 02 81 04 ** ** ** **"
    assert "SET PIN" in row.explain("en")
    assert mask_apdu(bytes.fromhex("802C028A06414243313233")) == "80 2C 02 8A 06 " + " ".join(["**"] * 6)
    # The JPKI AP is selected on channel 1 only: channel 0 has its own decoder.
    other = model.record(_x("80E4000000", "6D00", 0))
    assert "DELETE" in other.explain("en")


def test_gp_commands_and_se_aids_are_named() -> None:
    model = ApduTraceModel(lang="ja")
    select = model.record(_x("00A4040008A000000151000000", "9000"))
    assert "カード管理 (ISD)" in select.explain("ja")
    status = model.record(_x("84F2400210" + "00" * 16, "9000"))
    assert "GET STATUS" in status.explain("ja") and "セキュアチャネル" in status.explain("ja")
    default = model.record(_x("00A4040000", "9000"))
    assert "既定のアプリ" in default.explain("ja")


def test_rows_are_bounded_and_counted() -> None:
    model = ApduTraceModel(limit=10, lang="ja")
    for _ in range(5000):
        model.record(_x("00B0000004", "6986"))
    assert len(model.rows) == 10
    assert model.total == 5000
    assert [r.seq for r in model.visible()] == list(range(4991, 5001))
    assert "全 5000 件" in model.summary()
    model.clear()
    assert model.visible() == [] and model.total == 0


def test_channel_filter() -> None:
    model = ApduTraceModel(lang="en")
    model.record(_x(SELECT_JPKI, "9000", 0))
    model.record(_x("0070000001", "019000", 0))
    model.record(_x("01A4040C0AD392F000260100000001", "9000", 1))
    assert model.channels == [0, 1]
    model.channel = 1
    assert [r.channel for r in model.visible()] == [1]
    assert 'data-channel="1"' in model.html() and 'data-channel="0"' not in model.html()
    model.channel = None
    assert len(model.visible()) == 3


def test_viewer_shows_filters_and_clears(jpki_card: MyNumberCard) -> None:
    viewer = ApduTraceViewer(jpki_card, lang="ja", min_interval=0)
    assert "まだ APDU はありません" in viewer.table.value
    JpkiClient(InProcessTransport(jpki_card)).pin_tries(KeyRole.AUTH)
    assert "labkit-trace-row" in viewer.table.value
    assert "残り 3 回" in viewer.table.value
    # the wide table scrolls inside a named region keyboard users can focus, not the page
    assert viewer.table.value.startswith(
        '<div class="labkit-scroll" role="region" tabindex="0" aria-label="APDU トレース"')
    assert (("すべて", -1) in viewer.filter.options) and any(v == 0 for _, v in viewer.filter.options)
    viewer.filter.value = 0
    assert viewer.model.channel == 0
    viewer.clear_button.click()
    assert viewer.model.visible() == []
    assert "まだ APDU はありません" in viewer.table.value
    assert "labkit-trace" in viewer.widget._dom_classes
    viewer.detach_all()


def test_viewer_attaches_to_an_se_and_throttles_redraws() -> None:
    se = SecureElement()
    viewer = ApduTraceViewer(lang="en", min_interval=30)
    viewer.attach(se)
    before = viewer.table.value
    for _ in range(20):
        se.transmit(bytes.fromhex("00A4040000"))
    assert viewer.model.total == 20
    assert viewer.table.value == before or viewer.table.value.count("labkit-trace-row") <= 1
    assert viewer._timer is not None  # a redraw is pending, not 20
    viewer._timer.cancel()
    viewer._flush()
    assert viewer.table.value.count("labkit-trace-row") == 20
    assert "phone SE" in viewer.table.value
    viewer.detach_all()
