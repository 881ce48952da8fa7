"""A full CRL of 10^6 revoked entries: ``labkit`` (store read, DER encoding, signature,
publication) against ``openssl ca -gencrl`` on the same entries, one run, side by side.

    .venv/bin/python tests/bench/bench_crl.py [--entries 1000000]

The certificate rows are synthetic (serials, dates and reasons only: a CRL needs nothing
else), inserted straight into the SQLite file ``labkit jlis serve --db`` uses; openssl gets
the same entries as an ``index.txt``. Then the second request for the CRL is timed: it must
be served from memory, not rebuilt. Bounded by --entries; not part of the test suite.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from labkit.clock import SimulatedClock
from labkit.pki import CaKind, Jpki, Reason, SqliteStore

REASONS = [(Reason.KEY_COMPROMISE, "keyCompromise"), (Reason.SUPERSEDED, "superseded"),
           (Reason.CESSATION_OF_OPERATION, "cessationOfOperation"), (Reason.AFFILIATION_CHANGED, "affiliationChanged"),
           (Reason.UNSPECIFIED, "unspecified")]

OPENSSL_CNF = """[ ca ]
default_ca = lab
[ lab ]
database = index.txt
crlnumber = crlnumber
certificate = ca.pem
private_key = ca.key
default_md = sha256
default_crl_days = 1
unique_subject = no
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--profile", action="store_true", help="cProfile the labkit build")
    args = parser.parse_args()
    if shutil.which("openssl") is None:
        print("openssl not installed: nothing to compare with")
        return 1
    n = args.entries
    now = datetime.now(UTC).replace(microsecond=0)
    with tempfile.TemporaryDirectory(prefix="bench-crl-") as tmp:
        directory = Path(tmp)
        t0 = time.perf_counter()
        path = directory / "jlis.db"
        jpki = Jpki.create(SqliteStore(path), SimulatedClock(now))
        ca = jpki.ca(CaKind.SIGN)
        rng = random.Random(3)
        serials = sorted({rng.getrandbits(150) | 1 << 150 for _ in range(n)})
        start = now - timedelta(days=30)
        entries = [(s, *REASONS[i % len(REASONS)], start + timedelta(seconds=i)) for i, s in enumerate(serials)]
        not_after = int((now + timedelta(days=365)).timestamp())
        db = sqlite3.connect(path)
        with db:
            db.executemany("INSERT INTO certificates VALUES (?, 'sign', 'card-sign', NULL, ?, ?, x'3000')",
                           ((f"{s:040x}", int(start.timestamp()), not_after) for s, *_ in entries))
            db.executemany("INSERT INTO revocations VALUES (?, ?, ?, NULL)",
                           ((f"{s:040x}", int(r), int(at.timestamp())) for s, r, _, at in entries))
            db.execute("UPDATE cas SET revision = revision + 1 WHERE kind = 'sign'")
        db.close()
        expiry = (now + timedelta(days=365)).strftime("%y%m%d%H%M%SZ")
        with open(directory / "index.txt", "w") as index:
            for i, (s, _, name, at) in enumerate(entries):
                index.write(f"R\t{expiry}\t{at.strftime('%y%m%d%H%M%SZ')},{name}\t{s:040X}\tunknown\t/CN=x{i}\n")
        (directory / "openssl.cnf").write_text(OPENSSL_CNF)
        (directory / "crlnumber").write_text("01\n")
        (directory / "ca.pem").write_bytes(ca.certificate.public_bytes(serialization.Encoding.PEM))
        (directory / "ca.key").write_bytes(ca.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
        print(f"setup: {n:,} revoked entries in both stores, {time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        run = subprocess.run(["openssl", "ca", "-gencrl", "-config", "openssl.cnf", "-out", "crl.pem"],
                             cwd=directory, capture_output=True, text=True, timeout=1800)
        openssl_s = time.perf_counter() - t0
        if run.returncode != 0:
            print(run.stderr)
            return 1
        t0 = time.perf_counter()
        if "--profile" in sys.argv[1:]:
            import cProfile
            import pstats
            prof = cProfile.Profile()
            der = prof.runcall(jpki.crl, CaKind.SIGN)
            pstats.Stats(prof).sort_stats("tottime").print_stats(12)
        else:
            der = jpki.crl(CaKind.SIGN)
        labkit_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = jpki.crl(CaKind.SIGN)
        served_us = (time.perf_counter() - t0) * 1e6
        crl = x509.load_der_x509_crl(der)
        theirs = x509.load_pem_x509_crl((directory / "crl.pem").read_bytes())
        assert again is der and len(crl) == len(theirs) == n and crl.is_signature_valid(ca.certificate.public_key())
        print(f"\n{'CRL of ' + format(n, ',') + ' entries':<34}{'seconds':>9}{'size MB':>9}")
        theirs_mb = len(theirs.public_bytes(serialization.Encoding.DER)) / 1e6
        print(f"{'openssl ca -gencrl (index.txt)':<34}{openssl_s:>9.1f}{theirs_mb:>9.1f}")
        print(f"{'labkit Jpki.crl (SQLite store)':<34}{labkit_s:>9.1f}{len(der) / 1e6:>9.1f}")
        print(f"ratio labkit/openssl time: {labkit_s / openssl_s:.2f} (goal <= 1.00)")
        print(f"next request for the same CRL: {served_us:.0f} µs (served from memory, not rebuilt)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
