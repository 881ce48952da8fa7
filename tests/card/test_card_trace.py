"""The decoded APDU trace: names, tries, masking."""

from __future__ import annotations

from card_support import AUTH_PIN, JPKI_AID, KENHOJO_AID, SIGN_PIN

from labkit.apdu import ApduExchange
from labkit.card import MyNumberCard
from labkit.card.trace import Trace, explain, mask_command


def _run(card: MyNumberCard, *apdus: str) -> None:
    for apdu in apdus:
        card.transmit(bytes.fromhex(apdu.replace(" ", "")))


def test_trace_names_aps_files_and_pins(card: MyNumberCard) -> None:
    trace = Trace().attach(card)
    _run(card, "00 A4 04 0C 07 A0000000031010", f"00 A4 04 0C 0A {JPKI_AID}", "00 A4 02 0C 02 0018",
         "00 20 00 80", "00 20 00 80 04 30303030", "00 A4 02 0C 02 000A", "00 B0 00 00 04",
         "00 B0 8B 00 00")
    ja = trace.lines("ja")
    en = trace.lines("en")
    assert len(trace.entries) == 8
    assert "このカードにない AP" in ja[0] and "6A82" in ja[0]
    assert "公的個人認証AP" in ja[1] and "JPKI AP" in en[1]
    assert "利用者証明用暗証番号 (EF 0018)" in ja[2]
    assert "残り 3 回" in ja[3] and "回数は減らない" in ja[3] and "3 tries left" in en[3]
    assert "残り 2 回" in ja[4] and "利用者証明用暗証番号" in ja[4]
    assert "利用者証明用電子証明書 (EF 000A)" in ja[5] and "user authentication certificate (EF 000A)" in en[5]
    assert "DER ヘッダ" in ja[6]
    assert "利用者証明用CA証明書 (EF 000B)" in ja[7]
    trace.detach(card)
    _run(card, "00 A4 02 0C 02 000A")
    assert len(trace.entries) == 8


def test_pins_are_masked_everywhere(card: MyNumberCard) -> None:
    trace = Trace().attach(card)
    _run(card, f"00 A4 04 0C 0A {JPKI_AID}", f"00 20 00 9B 06 {SIGN_PIN.encode().hex()}",
         "00 24 01 9B 06 " + b"NEWPW1".hex(), f"00 A4 04 0C 0A {KENHOJO_AID}",
         f"00 20 00 91 04 {AUTH_PIN.encode().hex()}", "00 20 00 80 04 31 32 33",  # malformed
         "00 A4 02 0C 02 0011")
    text = trace.to_text("ja") + trace.to_text("en") + repr(trace.entries) + str(trace.rows("en"))
    for secret in (SIGN_PIN, "NEWPW1", AUTH_PIN):
        assert secret.encode().hex().upper() not in text.replace(" ", "")
        assert secret not in text
    assert trace.entries[1].command == "00 20 00 9B 06 ** ** ** ** ** **"
    assert "署名用パスワード (EF 001B)" in trace.entries[1].explain("ja")
    assert "券面事項入力補助用暗証番号 (EF 0011)" in trace.entries[4].explain("ja")
    assert trace.entries[5].command == "00 20 00 80 ** ** ** **"


def test_mask_command_forms() -> None:
    assert mask_command(bytes.fromhex("002000800431323334")) == "00 20 00 80 04 ** ** ** **"
    assert mask_command(bytes.fromhex("00200080")) == "00 20 00 80"
    assert mask_command(bytes.fromhex("00200080000004313233340000")) == "00 20 00 80 00 00 04 ** ** ** ** 00 00"
    assert mask_command(bytes.fromhex("00B0000004")) == "00 B0 00 00 04"


def test_sign_and_get_response_are_explained(card: MyNumberCard) -> None:
    trace = Trace().attach(card)
    digest_info = "3031300D060960864801650304020105000420" + "00" * 32
    _run(card, f"00 A4 04 0C 0A {JPKI_AID}", f"00 20 00 98 04 {AUTH_PIN.encode().hex()}",
         "00 A4 02 0C 02 0017", f"80 2A 00 80 33 {digest_info}", "00 C0 00 00 00")
    sign, get = trace.entries[3], trace.entries[4]
    assert "SHA-256 DigestInfo" in sign.explain("ja") and "利用者証明用秘密鍵 (EF 0017)" in sign.explain("ja")
    assert sign.sw == 0x6100 and "GET RESPONSE" in sign.explain("en")
    assert "256 バイト受信" in get.explain("ja")
    assert get.response.endswith("(256 bytes) 9000")
    row = get.as_row("en")
    assert row["SW"] == "9000" and row["status"] == "success"


def test_stateless_explain_and_limit() -> None:
    exchange = ApduExchange(bytes.fromhex("00A4020C02000A"), bytes.fromhex("9000"))
    assert "user authentication certificate (EF 000A)" in explain(exchange, "en")
    ambiguous = ApduExchange(bytes.fromhex("00A4020C020001"), bytes.fromhex("9000"))
    assert "EF 0001" in explain(ambiguous, "en") and "signature certificate" not in explain(ambiguous, "en")
    assert "不正な APDU" in explain(ApduExchange(b"\x00\xa4", bytes.fromhex("6700")), "ja")
    trace = Trace(limit=2)
    for _ in range(5):
        trace(exchange)
    assert [e.index for e in trace.entries] == [4, 5]
    trace.clear()
    assert trace.entries == [] and trace.decoder.ap is None


def test_trace_forgets_the_selection_on_reset(card: MyNumberCard) -> None:
    trace = Trace().attach(card)
    _run(card, f"00 A4 04 0C 0A {KENHOJO_AID}")
    assert trace.decoder.ap is not None
    card.reset()
    assert trace.decoder.ap is None
    _run(card, "00 A4 02 0C 02 0001")  # not selected on the card any more: 6986/6A82 at MF level
    assert "EF 0001" in trace.entries[-1].explain("en")
    trace.detach(card)
    card.power_off()


def test_se_set_pin_is_masked_in_the_card_trace() -> None:
    """The phone SE's JPKI applet takes PINs with 80 2C; a Trace on the SE must not keep them."""
    from labkit.card.trace import mask_command

    command = bytes.fromhex("802C0218") + bytes((4,)) + b"1234"
    masked = mask_command(command)
    assert "31 32 33 34" not in masked and masked.count("**") == 4
    assert mask_command(bytes.fromhex("80B0000004")) == "80 B0 00 00 04"
