"""PKI throughput on this machine (a script that prints figures, not a test).

    .venv/bin/python tests/bench/bench_pki.py [--quick]

Measures, on one core: certificates issued per second (memory and SQLite stores), a
100,000-entry CRL built and parsed, OCSP responses signed per second — and, for scale, the
raw RSA-2048 signing rate from ``openssl speed -seconds 2 rsa2048``, so the overhead of
everything around the RSA private-key operation is visible as a ratio.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509 import ocsp

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from labkit.clock import SimulatedClock
from labkit.pki import (
    CARD_SIGN,
    BasicAttributes,
    CaKind,
    Holder,
    Jpki,
    MemoryStore,
    Reason,
    Sex,
    SqliteStore,
)
from labkit.pki._ca import build_crl


def rate(fn: Callable[[], object], count: int) -> float:
    start = time.perf_counter()
    for _ in range(count):
        fn()
    return count / (time.perf_counter() - start)


def openssl_rsa2048_signs() -> float | None:
    """sign/s from ``openssl speed -seconds 2 rsa2048`` (single process), or None."""
    exe = shutil.which("openssl")
    if exe is None:
        return None
    out = subprocess.run([exe, "speed", "-seconds", "2", "rsa2048"], capture_output=True, text=True,
                         timeout=120).stdout
    header = next((line for line in out.splitlines() if "sign/s" in line), "")
    row = re.search(r"^rsa\s+2048 bits?\s+(.*)$", out, re.M)
    if not row:
        return None
    columns, values = header.split(), row.group(1).split()
    return float(values[columns.index("sign/s")])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer iterations and a 10,000-entry CRL")
    args = parser.parse_args()
    n = 50 if args.quick else 300
    crl_entries = 10_000 if args.quick else 100_000
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    clock = SimulatedClock("2026-04-01T10:00:00+09:00")
    attrs = BasicAttributes("番号\u3000花子", Sex.FEMALE, date(1990, 7, 15), "東京都清瀬市見本町１丁目２番３号")
    holder = Holder("bench", attrs, "Tokyo", "Kiyose-shi", date(2035, 7, 15))
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    figures: list[tuple[str, str]] = []

    jpki = Jpki.create(MemoryStore(), clock)
    issue_mem = rate(lambda: jpki.issue(CARD_SIGN, key.public_key(), holder), n)
    figures.append(("certificates issued/s (MemoryStore)", f"{issue_mem:8.1f}"))
    with tempfile.TemporaryDirectory() as tmp:
        sqlite_jpki = Jpki.create(SqliteStore(Path(tmp) / "bench.db"), clock)
        issue_sql = rate(lambda: sqlite_jpki.issue(CARD_SIGN, key.public_key(), holder), n)
        sqlite_jpki.store.close()
    figures.append(("certificates issued/s (SqliteStore, WAL, synchronous=FULL)", f"{issue_sql:8.1f}"))

    ca = jpki.ca(CaKind.SIGN)
    now = clock.now()
    entries = [(10**30 + i, Reason.KEY_COMPROMISE if i % 3 else Reason.CERTIFICATE_HOLD, now - timedelta(days=i % 900),
                None) for i in range(crl_entries)]
    start = time.perf_counter()
    crl_der = build_crl(issuer=ca.certificate, issuer_key=ca.key, number=1, this_update=now,
                        entries=entries).public_bytes(serialization.Encoding.DER)
    built = time.perf_counter() - start
    start = time.perf_counter()
    crl = x509.load_der_x509_crl(crl_der)
    assert crl.is_signature_valid(ca.certificate.public_key())
    hold = x509.ReasonFlags.certificate_hold
    held = sum(1 for e in crl if e.extensions.get_extension_for_class(x509.CRLReason).value.reason is hold)
    parsed = time.perf_counter() - start
    assert held == (crl_entries + 2) // 3
    figures.append((f"CRL with {crl_entries:,} entries: build + sign (s)", f"{built:8.2f}"))
    figures.append((f"CRL with {crl_entries:,} entries: parse + verify + read reasons (s)", f"{parsed:8.2f}"))
    figures.append(("CRL size (MB)", f"{len(crl_der) / 1e6:8.2f}"))

    cert = jpki.issue(CARD_SIGN, key.public_key(), holder)
    request = (ocsp.OCSPRequestBuilder().add_certificate(cert, ca.certificate, hashes.SHA1())
               .add_extension(x509.OCSPNonce(os.urandom(16)), critical=False).build()
               .public_bytes(serialization.Encoding.DER))
    assert ocsp.load_der_ocsp_response(jpki.ocsp_respond(request)).certificate_status is ocsp.OCSPCertStatus.GOOD
    ocsp_rate = rate(lambda: jpki.ocsp_respond(request), n)
    figures.append(("OCSP responses signed/s", f"{ocsp_rate:8.1f}"))

    raw_py = rate(lambda: key.sign(b"x", padding.PKCS1v15(), hashes.SHA256()), n)
    figures.append(("raw RSA-2048 signs/s via cryptography (same process)", f"{raw_py:8.1f}"))
    raw = openssl_rsa2048_signs()
    figures.append(("raw RSA-2048 signs/s, openssl speed -seconds 2 rsa2048",
                    f"{raw:8.1f}" if raw else "     n/a"))
    if raw:
        figures.append(("overhead: openssl signs/s ÷ certificates/s (memory)", f"{raw / issue_mem:8.2f}"))
        figures.append(("overhead: openssl signs/s ÷ certificates/s (sqlite)", f"{raw / issue_sql:8.2f}"))
        figures.append(("overhead: openssl signs/s ÷ OCSP responses/s", f"{raw / ocsp_rate:8.2f}"))

    width = max(len(name) for name, _ in figures)
    print(f"labkit.pki benchmark ({n} iterations per rate, one core)")
    for name, value in figures:
        print(f"  {name:<{width}}  {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
