"""Generated and mutated APDUs against the emulated My Number Card and the phone's SE
(``make fuzz``; the test suite keeps the short hypothesis runs in tests/card and tests/se).

Counted per APDU: escapes (an exception out of ``transmit``, or no status word), 6F00
answers (an internal error reached the transport), key bytes out (any 12-byte window of a
private RSA number or an ISD key, or a PIN value, in a response) and retry-counter
violations (a PIN's tries went up without a successful VERIFY / CHANGE REFERENCE DATA, or
a blocked PIN came back). The SE runs with a relaxed tamper policy so its keys stay there
to leak, or not; the card is reset every 500 APDUs and reloaded from its EEPROM image every
5,000.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from labkit.card import KeyRole, MyNumberCard
from labkit.card.personalise import personalise
from labkit.clock import SimulatedClock
from labkit.pki import BasicAttributes, Holder, Jpki, MemoryStore, Sex

AUTH_PIN, SIGN_PIN = "1234", "ABC123"
JPKI = "D392F000260100000001"
KENHOJO = "D3921000310001010408"
DIGEST_INFO = "3031300D060960864801650304020105000420" + "AB" * 32

CARD_CORPUS = [bytes.fromhex(h.replace(" ", "")) for h in (
    f"00 A4 04 0C 0A {JPKI}", f"00 A4 04 0C 0A {KENHOJO}", "00 A4 02 0C 02 0018", "00 A4 02 0C 02 001B",
    "00 A4 02 0C 02 0017", "00 A4 02 0C 02 001A", "00 A4 02 0C 02 000A", "00 A4 02 0C 02 0001",
    "00 A4 02 0C 02 0011", "00 B0 00 00 04", "00 B0 00 04 00", "00 B0 8A 00 00 00 00", "00 B0 81 00 00",
    "00 B0 97 00 00", "00 20 00 80", f"00 20 00 80 04 {AUTH_PIN.encode().hex()}",
    f"00 20 00 80 06 {SIGN_PIN.encode().hex()}", "00 20 00 80 04 30303030", "00 24 01 80 04 39393939",
    f"80 2A 00 80 33 {DIGEST_INFO} 00", "80 2A 00 97 20" + "CD" * 32 + " 00", "00 C0 00 00 00",
    "00 70 00 00 01", "00 84 00 00 08", "00 84 00 00 00", "00 A4 00 00 02 3F00",
)]
SE_CORPUS = [bytes.fromhex(h.replace(" ", "")) for h in (
    "00 A4 04 00 00", "00 A4 04 00 08 A000000151000000", "80 CA 00 66 00", "80 CA 00 E0 00", "80 CA 9F 7F 00",
    "80 50 30 00 08 1111111111111111 00", "84 82 33 00 10" + "00" * 16, "80 F2 40 02 02 4F00 00",
    "80 F2 80 00 02 4F00 00", "80 E6 0C 00 10 06F04C414257 07F04C4142574C 00 02C900 00",
    "80 D8 00 81 43 31" + ("8810" + "8CAA7F589AA0CEB6350A45E70A6E435B" + "03840DE5") * 3,
    "00 A4 04 00 09 A00000015141434C00", "80 CA FF 40 00", "80 CA DF 20 00", "80 E2 90 00 03 F10100",
    f"00 A4 04 0C 0A {JPKI}", "00 A4 02 0C 02 0018", f"00 20 00 80 04 {AUTH_PIN.encode().hex()}",
    "00 A4 02 0C 02 0017", f"80 2A 00 80 33 {DIGEST_INFO} 00", "00 B0 00 00 00", "01 A4 04 00 00",
    "00 70 00 00 01", "00 70 80 01 00", "80 2C 00 80 00", "80 E4 00 00 04 4F02D392",
)]
CLAS = [0x00, 0x01, 0x03, 0x04, 0x0C, 0x10, 0x40, 0x4F, 0x60, 0x80, 0x81, 0x84, 0x88, 0x8C, 0x90, 0xC0, 0xE0, 0xFF]


def generate(rng: random.Random, corpus: list[bytes]) -> bytes:
    kind = rng.random()
    if kind < 0.55:  # a valid command, mutated
        apdu = bytearray(rng.choice(corpus))
        for _ in range(rng.randint(0, 3)):
            op = rng.randrange(5)
            if op == 0 and apdu:
                apdu[rng.randrange(len(apdu))] ^= 1 << rng.randrange(8)
            elif op == 1 and apdu:
                apdu[rng.randrange(min(5, len(apdu)))] = rng.randrange(256)
            elif op == 2:
                del apdu[rng.randint(0, len(apdu)):]
            elif op == 3:
                apdu += rng.randbytes(rng.randint(1, 8))
            elif len(apdu) > 4:
                apdu[4] = rng.choice([0x00, 0x01, 0x04, 0x06, 0xFF, apdu[4] + 1 & 0xFF, apdu[4] - 1 & 0xFF])
        return bytes(apdu)
    if kind < 0.9:  # structured: any CLA/INS/P1/P2, short or extended lengths
        head = bytes((rng.choice(CLAS), rng.randrange(256), rng.randrange(256), rng.randrange(256)))
        data = rng.randbytes(rng.choice([0, 0, 1, 2, 8, 16, 40, 255, 300]))
        if not data:
            return head + rng.choice([b"", bytes((rng.randrange(256),)), b"\x00" + rng.randbytes(2)])
        if len(data) > 255 or rng.random() < 0.1:
            return head + b"\x00" + len(data).to_bytes(2, "big") + data + rng.choice([b"", b"\x00\x00"])
        return head + bytes((len(data),)) + data + rng.choice([b"", b"\x00"])
    return rng.randbytes(rng.randint(0, 40))  # raw bytes: 0-3 byte APDUs, wrong lengths


def _windows(values: list[int], keys: list[bytes], width: int = 12) -> set[bytes]:
    out: set[bytes] = set()
    for value in values:
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        out.update(raw[i:i + width] for i in range(len(raw) - width + 1))
    for key in keys:
        out.update(key[i:i + width] for i in range(len(key) - width + 1))
    return out


def _rsa_numbers(keys: list) -> list[int]:  # type: ignore[type-arg]
    out = []
    for key in keys:
        n = key.private_numbers()
        out += [n.d, n.p, n.q, n.dmp1, n.dmq1, n.iqmp]
    return out


def make_card() -> tuple[Callable[[], MyNumberCard], set[bytes]]:
    jpki = Jpki.create(MemoryStore(), SimulatedClock("2026-04-01T10:00:00+09:00"))
    attributes = BasicAttributes("見本\u3000花子", Sex.FEMALE, date(1990, 2, 17), "東京都清瀬市中里５丁目８４２番地")
    holder = Holder("fuzz-1", attributes, "Tokyo", "Kiyose-shi", date(2035, 2, 17))
    state = personalise(jpki, holder, my_number="123456789018", auth_pin=AUTH_PIN, sign_password=SIGN_PIN).to_state()
    card = MyNumberCard.from_state(state)
    windows = _windows(_rsa_numbers([card.jpki._keys[r] for r in KeyRole]), [])
    return (lambda: MyNumberCard.from_state(state)), windows


def card_counters(card: MyNumberCard) -> dict[str, int]:
    out = {role.value: card.jpki.pins[role].remaining for role in KeyRole}
    if card.kenhojo is not None:
        out["kenhojo"] = card.kenhojo.pin_counter.remaining
    return out


def make_se():  # type: ignore[no-untyped-def]
    from labkit.cli.se import _sample_certificates
    from labkit.phone.apps import MYNAPORTAL
    from labkit.se import SecureElement, TamperPolicy

    se = SecureElement(None, mynaportal=MYNAPORTAL.identity,
                       policy=TamperPolicy(probe_limit=10**9, blocked_pin_attempts=10**9))
    _sample_certificates(se, ":memory:")
    assert se.jpki is not None
    isd = [k for slot in se.isd.keys.slots.values() for k in (slot.keys.enc, slot.keys.mac, slot.keys.dek)]
    numbers = _rsa_numbers([se.jpki.sealed_keys[r] for r in KeyRole if se.jpki.has_key(r)])
    return se, _windows(numbers, isd)


def se_counters(se) -> dict[str, int]:  # type: ignore[no-untyped-def]
    return {} if se.jpki is None else {role.value: se.jpki.pins[role].remaining for role in KeyRole}


def run(target: str, count: int, seed: int) -> Counter[str]:
    """Send ``count`` APDUs to a fresh card or SE; returns the counters."""
    rng = random.Random(seed)
    tally: Counter[str] = Counter()
    if target == "card":
        fresh, windows = make_card()
        device = fresh()
        counters, corpus = card_counters, CARD_CORPUS
    else:
        device, windows = make_se()
        counters, corpus = se_counters, SE_CORPUS
    pins = [AUTH_PIN.encode(), SIGN_PIN.encode()]
    blocked = {name for name, left in counters(device).items() if left == 0}
    for i in range(count):
        if target == "card" and i % 5000 == 4999:
            device = fresh()
            tally["reloads"] += 1
            blocked = set()
        elif i % 500 == 499:
            device.reset()
            tally["resets"] += 1
        apdu = generate(rng, corpus)
        before = counters(device)
        try:
            response = device.transmit(apdu)
        except Exception:
            tally["escapes"] += 1
            continue
        tally["apdus"] += 1
        if not isinstance(response, bytes) or len(response) < 2:
            tally["escapes"] += 1
            continue
        sw = response[-2:]
        if sw == b"\x6f\x00":
            tally["6F00"] += 1
        data = response[:-2]
        if len(data) >= 12 and (any(data[j:j + 12] in windows for j in range(len(data) - 11))
                                or any(p in data for p in pins)):
            tally["key bytes out"] += 1
        after = counters(device)
        for name, left in after.items():
            up = left > before.get(name, left)
            if (up and not (sw == b"\x90\x00" and len(apdu) > 1 and apdu[1] in (0x20, 0x24))) or \
                    (name in blocked and left != 0 and up):
                tally["retry-counter violations"] += 1
            if left == 0:
                blocked.add(name)
    return tally
