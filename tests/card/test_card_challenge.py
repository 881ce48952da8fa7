"""GET CHALLENGE (ISO/IEC 7816-4 §11.6.3) as OpenSC's ``C_GenerateRandom`` sends it
(interop review §2: ``00 84 00 00 10`` used to answer 6D00)."""

from __future__ import annotations

from labkit.card import MyNumberCard
from labkit.cardos import CardOS


def _send(card: MyNumberCard, apdu: str) -> tuple[bytes, int]:
    r = card.transmit(bytes.fromhex(apdu))
    return r[:-2], int.from_bytes(r[-2:], "big")


def test_get_challenge_short_le_whatever_is_selected(jpki_card: MyNumberCard) -> None:
    seen = set()
    for select in ("", "00A4040C0AD392F000260100000001"):  # MF, then the JPKI AP (OpenSC's order)
        if select:
            assert _send(jpki_card, select)[1] == 0x9000
        for le, n in (("08", 8), ("10", 16), ("00", 256)):
            data, sw = _send(jpki_card, "00840000" + le)
            assert sw == 0x9000 and len(data) == n
            seen.add(data)
    assert len(seen) == 6  # fresh every time


def test_get_challenge_errors(jpki_card: MyNumberCard) -> None:
    assert _send(jpki_card, "00840000")[1] == 0x6700          # no Le
    assert _send(jpki_card, "0084010008")[1] == 0x6A86        # P1 must be 00
    assert _send(jpki_card, "00840000000008")[1] == 0x6985  # extended Le: refused as on the real card
    assert _send(jpki_card, "8084000008")[1] == 0x6D00        # proprietary class: not GET CHALLENGE


def test_the_se_os_does_not_invent_one() -> None:
    assert CardOS().transmit(bytes.fromhex("0084000008"))[-2:] != b"\x90\x00"
