"""Card I/O speed on this machine (a script that prints figures, not a test).

    .venv/bin/python tests/bench/bench_card.py [--quick]

Measures APDUs per second to the emulated My Number Card in process and through the real
PC/SC stack (pyscard → pcscd → vpcd → VpcdBridge → card), and the milliseconds to read
both certificates and sign once, with the card's RSA private-key operation timed on its own
so the figure *excluding RSA* can be compared with the target.

Targets: ≥ 20,000 APDU/s in process, ≥ 5,000 APDU/s through pcscd, read + sign through
pcscd under 100 ms excluding the RSA operation. The pcscd part needs root (it starts a
private pcscd, see tests/pcscd.py) and is skipped otherwise.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from pcscd import PcscStack, StackUnavailable, stack_missing  # noqa: E402

from labkit.card import KeyRole, MyNumberCard, _rsa  # noqa: E402
from labkit.card.personalise import personalise  # noqa: E402
from labkit.clock import SimulatedClock  # noqa: E402
from labkit.pki import BasicAttributes, Holder, Jpki, MemoryStore, Sex  # noqa: E402
from labkit.reader import InProcessTransport, JpkiClient, PcscTransport, Transport, VpcdBridge  # noqa: E402

AUTH_PIN, SIGN_PASSWORD = "1234", "ABC123"
JPKI_AID = bytes.fromhex("D392F000260100000001")
#: name → command; each is answered 9000 (or 63Cx) by the personalised card in the JPKI AP.
APDUS = {
    "SELECT EF 000A": bytes.fromhex("00A4020C02000A"),
    "READ BINARY 256": bytes.fromhex("00B0000000"),
    "VERIFY (query)": bytes.fromhex("00200080"),
}


def make_card() -> MyNumberCard:
    jpki = Jpki.create(MemoryStore(), SimulatedClock("2026-04-01T10:00:00+09:00"))
    holder = Holder("bench-1", BasicAttributes("見本\u3000花子", Sex.FEMALE, date(1990, 2, 17),
                                               "東京都清瀬市中里５丁目８４２番地"), "Tokyo", "Kiyose-shi",
                    date(2035, 2, 17))
    return personalise(jpki, holder, my_number="123456789018", auth_pin=AUTH_PIN, sign_password=SIGN_PASSWORD)


class RsaTimer:
    """Wraps the card's RSA engine to add up the time spent in private-key operations."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self._original = _rsa.sign_raw

    def __enter__(self) -> RsaTimer:
        def timed(key: object, data: bytes) -> bytes:
            start = time.perf_counter()
            try:
                return self._original(key, data)  # type: ignore[arg-type]
            finally:
                self.seconds += time.perf_counter() - start
        _rsa.sign_raw = timed  # type: ignore[assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        _rsa.sign_raw = self._original  # type: ignore[assignment]


def apdu_rates(transport: Transport, count: int) -> dict[str, float]:
    transport.transmit(bytes.fromhex("00A4040C0A") + JPKI_AID)
    out = {}
    for name, command in APDUS.items():
        transport.transmit(APDUS["SELECT EF 000A"])
        if name == "VERIFY (query)":
            transport.transmit(bytes.fromhex("00A4020C020018"))
        assert transport.transmit(command).sw in (0x9000, 0x63C3), name
        start = time.perf_counter()
        for _ in range(count):
            transport.transmit(command)
        out[name] = count / (time.perf_counter() - start)
    return out


def read_and_sign(transport: Transport, rounds: int) -> tuple[float, float, int]:
    """Median ms for one full "read both certificates + sign once" and for its RSA part."""
    totals, rsas, apdus = [], [], 0
    counter = []
    transport.add_observer(counter.append)
    digest = hashlib.sha256(b"bench document").digest()
    for _ in range(rounds):
        client = JpkiClient(transport)
        counter.clear()
        with RsaTimer() as rsa:
            start = time.perf_counter()
            client.select_ap()  # a fresh selection: nothing verified yet
            client.read_certificates(sign_password=SIGN_PASSWORD)
            client.sign_digest(KeyRole.SIGN, digest, pin=SIGN_PASSWORD)
            totals.append(time.perf_counter() - start)
        rsas.append(rsa.seconds)
        apdus = len(counter)
    transport.remove_observer(counter.append)
    return statistics.median(totals) * 1000, statistics.median(rsas) * 1000, apdus


@contextmanager
def emulator_process(state: Path, port: int) -> Iterator[None]:
    process = subprocess.Popen([sys.executable, "-m", "labkit", "card", "emulate", "--port", str(port),
                                "--state", str(state)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        yield
    finally:
        process.terminate()
        process.wait(20)


def report(title: str, rates: dict[str, float], target: float) -> None:
    for name, value in rates.items():
        mark = "ok" if value >= target else "BELOW TARGET"
        print(f"  {title:<29} {name:<18} {value:>9,.0f} APDU/s  (target ≥ {target:,.0f}: {mark})")


def report_read_sign(title: str, figures: tuple[float, float, int], target: float | None) -> None:
    total, rsa, apdus = figures
    line = (f"  {title:<29} read 4 certs + sign: {total:6.1f} ms, RSA {rsa:5.1f} ms, "
            f"excluding RSA {total - rsa:6.1f} ms ({apdus} APDUs)")
    if target is not None:
        line += f"  (target < {target:.0f} ms: {'ok' if total - rsa < target else 'ABOVE TARGET'})"
    print(line)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer iterations")
    args = parser.parse_args()
    count, rounds = (2_000, 5) if args.quick else (20_000, 20)

    card = make_card()
    print("In process (JpkiClient → InProcessTransport → MyNumberCard):")
    with InProcessTransport(card) as transport:
        report("in-process", apdu_rates(transport, count), 20_000)
        report_read_sign("in-process", read_and_sign(transport, rounds), None)
    raw = {name: 0.0 for name in APDUS}
    card.power_on()
    card.transmit(bytes.fromhex("00A4040C0A") + JPKI_AID)
    for name, command in APDUS.items():
        raw[name] = rate_of(lambda command=command: card.transmit(command), count)
    report("card.transmit, no transport", raw, 20_000)

    reason = stack_missing()
    if reason:
        print(f"Through pcscd: skipped ({reason})")
        return 0
    with tempfile.TemporaryDirectory(prefix="bench-pcsc-") as tmp:
        stack = PcscStack(Path(tmp))
        try:
            stack.start()
        except StackUnavailable as exc:
            print(f"Through pcscd: skipped ({exc})")
            return 0
        try:
            slot = stack.slots[0]
            print("Through pcscd (pyscard → pcscd → vpcd → bridge thread in this process):")
            bridge = VpcdBridge(card, port=slot.port).start()
            slot.wait_present()
            with PcscTransport(slot.reader) as transport:
                report("pcscd, bridge thread", apdu_rates(transport, count // 4), 5_000)
                report_read_sign("pcscd, bridge thread", read_and_sign(transport, rounds), 100)
            bridge.stop()
            slot.wait_absent()
            print("Through pcscd (emulator in its own process: `labkit card emulate`):")
            state = Path(tmp) / "card.json"
            card.save(state)
            with emulator_process(state, slot.port):
                slot.wait_present(60)
                with PcscTransport(slot.reader) as transport:
                    report("pcscd, emulator process", apdu_rates(transport, count // 4), 5_000)
                    total, _, apdus = read_and_sign(transport, rounds)
                    print(f"  {'pcscd, emulator process':<29} read 4 certs + sign: {total:6.1f} ms "
                          f"({apdus} APDUs; RSA runs in the emulator process, not timed here)")
            slot.wait_absent()
        finally:
            stack.stop()
    return 0


def rate_of(fn: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        fn()
    return count / (time.perf_counter() - start)


if __name__ == "__main__":
    sys.exit(main())
