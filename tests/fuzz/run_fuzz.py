"""``make fuzz``: >= 10^6 generated and mutated APDUs against the card and the SE and
>= 10^5 HTTP requests against ``labkit jlis serve`` on loopback; prints the counts.

    .venv/bin/python tests/fuzz/run_fuzz.py [--apdus 1000000] [--http 100000] [--workers 2]

Exit status 1 if any count that must be 0 is not (escapes, 6F00, retry-counter violations,
key bytes out, 5xx, connection errors, server died). Bounded: fixed counts, fixed seeds.
"""

from __future__ import annotations

import argparse
import base64
import multiprocessing as mp
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path[:0] = [str(HERE), str(REPO), str(REPO / "tests")]

import fuzz_apdu  # noqa: E402
import fuzz_http  # noqa: E402

MUST_BE_ZERO = ("escapes", "6F00", "retry-counter violations", "key bytes out", "5xx", "connection errors")


def _apdu_job(job: tuple[str, int, int]) -> tuple[str, Counter[str]]:
    target, count, seed = job
    return target, fuzz_apdu.run(target, count, seed)


def _http_job(job: tuple[int, int, int, dict[str, str], list[bytes]]) -> Counter[str]:
    return fuzz_http.run(*job)


def _context(url: str) -> tuple[dict[str, str], list[bytes]]:
    import httpx
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509 import ocsp

    demo = httpx.get(url + "/demo", timeout=30).json()["certificates"]
    cas = {k: x509.load_der_x509_certificate(httpx.get(f"{url}/ca/{k}.der", timeout=30).content)
           for k in ("sign", "auth")}
    requests = []
    for entry in demo[:10]:
        cert = x509.load_der_x509_certificate(httpx.get(f"{url}/certs/{entry['serial']}.der", timeout=30).content)
        issuer = cas["sign" if "sign" in entry["profile"] else "auth"]
        requests.append(ocsp.OCSPRequestBuilder().add_certificate(cert, issuer, hashes.SHA1()).build()
                        .public_bytes(serialization.Encoding.DER))
    device = next((e["device_id"] for e in demo if e.get("device_id")), "reuse-phone")
    ctx = {"serial": demo[0]["serial"], "big": "f" * 60, "device": device, "app": "app-1",
           "b64": base64.b64encode(requests[0]).decode()}
    return ctx, requests


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--apdus", type=int, default=1_000_000, help="total, split between card and SE")
    parser.add_argument("--http", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    totals: Counter[str] = Counter()
    started = time.monotonic()

    per = max(1, args.apdus // (2 * args.workers))
    jobs = [(target, per, seed) for target in ("card", "se") for seed in range(args.workers)] if args.apdus else []
    with mp.Pool(args.workers) as pool:
        for target, tally in pool.imap_unordered(_apdu_job, jobs):
            for key, value in tally.items():
                totals[f"{target} {key}"] += value
                totals[key] += value
    apdu_s = time.monotonic() - started
    print(f"APDUs: {totals['apdus']:,} sent ({totals['card apdus']:,} card, {totals['se apdus']:,} SE; "
          f"{totals['resets']:,} resets, {totals['reloads']:,} EEPROM reloads) in {apdu_s:.0f} s", flush=True)
    for key in ("escapes", "6F00", "retry-counter violations", "key bytes out"):
        print(f"  {key}: {totals[key]} (card {totals['card ' + key]}, SE {totals['se ' + key]})", flush=True)
    if not args.http:
        bad = [k for k in MUST_BE_ZERO if totals[k]]
        print("result: " + ("all zero" if not bad else "FINDINGS: " + ", ".join(bad)))
        return 1 if bad else 0

    from jlis_server import ServerProcess

    with tempfile.TemporaryDirectory(prefix="fuzz-http-") as tmp:
        server = ServerProcess(Path(tmp) / "jlis.db", ["--demo"]).start(timeout=600)
        try:
            ctx, ocsp_requests = _context(server.url)
            per = max(1, args.http // args.workers)
            http_jobs = [(server.port, per, seed, ctx, ocsp_requests) for seed in range(args.workers)]
            with mp.Pool(args.workers) as pool:
                for tally in pool.imap_unordered(_http_job, http_jobs):
                    totals.update({f"http {k}": v for k, v in tally.items()})
            alive = server.proc is not None and server.proc.poll() is None
        finally:
            server.stop()
    http_s = time.monotonic() - started - apdu_s
    totals["5xx"] = totals["http 5xx"]
    totals["connection errors"] = totals["http connection errors"]

    print(f"HTTP: {totals['http requests']:,} requests to labkit jlis serve in {http_s:.0f} s: "
          + ", ".join(f"{k[5:]} {totals[k]:,}" for k in ("http 2xx", "http 3xx", "http 4xx", "http 5xx")))
    print(f"  5xx: {totals['5xx']}; connection errors: {totals['connection errors']}; "
          f"server alive at the end: {'yes' if alive else 'NO'}")
    for key in sorted(k for k in totals if k.startswith(("http 5xx ", "http error "))):
        print(f"    {key[5:]}: {totals[key]}")
    bad = [k for k in MUST_BE_ZERO if totals[k]] + ([] if alive else ["server died"])
    print("result: " + ("all zero" if not bad else "FINDINGS: " + ", ".join(bad)))
    return 1 if bad else 0


if __name__ == "__main__":
    if os.environ.get("LABKIT_PKI_DB") is None:
        os.environ["LABKIT_PKI_DB"] = str(Path(tempfile.mkdtemp(prefix="fuzz-pki-")) / "jlis.db")
    sys.exit(main())
