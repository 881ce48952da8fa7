"""OCSP throughput: ``labkit jlis serve`` (pre-produced responses) against ``openssl ocsp
-index`` on the same certificates, the same requests and the same load generator, one run.

    .venv/bin/python tests/bench/bench_ocsp.py [--certs 100000] [--seconds 10] [--clients 8]

Both responders sign with the same delegated OCSP responder key for the same lab CA, over a
store (labkit: the SQLite file ``jlis serve --db`` uses; openssl: ``index.txt``) of
``--certs`` certificates, 10 % of them revoked. The certificate rows are synthetic (one real
DER reused under distinct serials) because only the serial look-up matters to a responder.

Load: ``--clients`` processes on loopback, each sending HTTP/1.0 POSTs (one connection per
request: ``openssl ocsp`` closes every connection) drawn from the same working set of
``--working-set`` requests without nonce (RFC 5019 clients send none), after one warm-up
pass over the working set (which is what pre-production means for labkit; every warm-up
answer is parsed and its status checked against the store: good, or revoked with its
reason). Under load an answer counts only if it is HTTP 200 with a *successful*
OCSPResponse. Prints req/s, p50 and p99 (client-side, ms) for each and the ratios, and
the responder's CPU time per answer (its process and workers, from /proc: the figure a
shared machine disturbs least); the goal is >= 2x openssl's req/s and labkit p99 <= 10 ms
on the 2-core lab machine.

openssl runs twice: one process (its default) and ``-multi N`` (N = --multi, default the
number of CPUs) since ``labkit jlis serve`` is one process whose thread pool may use both
cores while signing. The responders take turns in --rounds rounds (the machine may be
shared). Bounded: --seconds per responder.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509 import ocsp

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from labkit.clock import SystemClock  # noqa: E402
from labkit.pki import CARD_AUTH, BasicAttributes, CaKind, Holder, Jpki, Sex, SqliteStore  # noqa: E402
from labkit.pki._ocsp import issuer_hashes  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_store(path: Path, n: int) -> tuple[Jpki, list[int], set[int]]:
    """A real lab PKI in ``path`` plus ``n`` certificate rows (10 % revoked)."""
    jpki = Jpki.create(SqliteStore(path), SystemClock())
    holder = Holder("bench-1", BasicAttributes("見本\u3000花子", Sex.FEMALE, datetime(1990, 2, 17).date(),
                                               "東京都清瀬市中里５丁目８４２番地"), "Tokyo", "Kiyose-shi",
                    datetime(2035, 2, 17).date())
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    real = jpki.issue(CARD_AUTH, key.public_key(), holder)
    der = real.public_bytes(serialization.Encoding.DER)
    nb = int(real.not_valid_before_utc.timestamp())
    na = int(real.not_valid_after_utc.timestamp())
    rng = random.Random(1)
    serials = list({rng.getrandbits(150) | 1 << 150 for _ in range(n)})
    serials += [rng.getrandbits(150) | 1 << 151 for _ in range(n - len(serials))]
    revoked = set(serials[: n // 10])
    db = sqlite3.connect(path)
    with db:
        db.executemany("INSERT INTO certificates VALUES (?, 'auth', ?, 'bench-1', ?, ?, ?)",
                       ((f"{s:040x}", CARD_AUTH.id, nb, na, der) for s in serials))
        db.executemany("INSERT INTO revocations VALUES (?, 1, ?, NULL)", ((f"{s:040x}", nb + 60) for s in revoked))
    db.close()
    return jpki, serials, revoked


def write_openssl_index(directory: Path, jpki: Jpki, serials: list[int], revoked: set[int]) -> list[str]:
    """index.txt with the same entries, and the responder/CA files; returns the command."""
    expiry = (datetime.now(UTC) + timedelta(days=365)).strftime("%y%m%d%H%M%SZ")
    rev = (datetime.now(UTC) - timedelta(days=1)).strftime("%y%m%d%H%M%SZ")
    def hex_(serial: int) -> str:
        text = f"{serial:X}"
        return "0" * (len(text) % 2) + text

    lines = [f"R\t{expiry}\t{rev},keyCompromise\t{hex_(s)}\tunknown\t/CN=x{i}" if s in revoked else
             f"V\t{expiry}\t\t{hex_(s)}\tunknown\t/CN=x{i}" for i, s in enumerate(serials)]
    (directory / "index.txt").write_text("\n".join(lines) + "\n")
    responder = jpki.responder(CaKind.AUTH)
    key_pem = jpki.store.private_key(responder.serial_number)
    assert key_pem is not None
    (directory / "rsigner.pem").write_bytes(responder.public_bytes(serialization.Encoding.PEM))
    (directory / "rkey.pem").write_bytes(key_pem)
    (directory / "ca.pem").write_bytes(jpki.ca(CaKind.AUTH).certificate.public_bytes(serialization.Encoding.PEM))
    return ["openssl", "ocsp", "-index", "index.txt", "-rsigner", "rsigner.pem", "-rkey", "rkey.pem",
            "-CA", "ca.pem", "-nmin", "60"]


def make_requests(jpki: Jpki, serials: list[int], count: int) -> list[bytes]:
    name_hash, key_hash = issuer_hashes(jpki.ca(CaKind.AUTH).certificate, hashes.SHA1())
    rng = random.Random(2)
    out = []
    for serial in rng.sample(serials, count):
        request = ocsp.OCSPRequestBuilder().add_certificate_by_hash(name_hash, key_hash, serial, hashes.SHA1())
        out.append(request.build().public_bytes(serialization.Encoding.DER))
    return out


def post(port: int, path: str, body: bytes) -> bytes:
    head = (f"POST {path} HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/ocsp-request\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(head + body)
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def successful(der: bytes) -> bool:
    """OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED (0 = successful), ... }."""
    offset = 2 + (der[1] & 0x7F if len(der) > 1 and der[1] & 0x80 else 0)
    return len(der) > offset + 3 and der[0] == 0x30 and der[offset:offset + 3] == b"\x0a\x01\x00"


def check(der: bytes, revoked: set[int]) -> None:
    """A warm-up answer: successful, for the asked serial, with the store's status."""
    response = ocsp.load_der_ocsp_response(der)
    assert response.response_status is ocsp.OCSPResponseStatus.SUCCESSFUL, response.response_status
    expected = ocsp.OCSPCertStatus.REVOKED if response.serial_number in revoked else ocsp.OCSPCertStatus.GOOD
    assert response.certificate_status is expected, (hex(response.serial_number), response.certificate_status)
    if expected is ocsp.OCSPCertStatus.REVOKED:
        assert response.revocation_reason is x509.ReasonFlags.key_compromise


def client(port: int, path: str, requests: list[bytes], seconds: float, seed: int, out: mp.Queue) -> None:
    rng = random.Random(seed)
    latencies, errors = [], 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        body = rng.choice(requests)
        start = time.perf_counter()
        try:
            answer = post(port, path, body)
            head, _, der = answer.partition(b"\r\n\r\n")
            ok = b" 200 " in head[:16] and successful(der)
        except OSError:
            ok = False
        latencies.append(time.perf_counter() - start)
        errors += not ok
    out.put((latencies, errors))


def load(port: int, path: str, requests: list[bytes], seconds: float, clients: int) -> tuple[list[float], int]:
    """Latencies (s) and error count of ``clients`` processes hammering for ``seconds``."""
    queue: mp.Queue = mp.Queue()
    procs = [mp.Process(target=client, args=(port, path, requests, seconds, i, queue)) for i in range(clients)]
    for p in procs:
        p.start()
    results = [queue.get(timeout=seconds + 60) for _ in procs]
    for p in procs:
        p.join(timeout=10)
    return [x for lat, _ in results for x in lat], sum(e for _, e in results)


def cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` (all its threads) and its child processes (-multi workers)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = [int(c) for t in Path(f"/proc/{pid}/task").iterdir()
                    for c in (t / "children").read_text().split()]
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") + sum(map(cpu_seconds, children))


def summary(latencies: list[float], errors: int, cpu: float, seconds: float) -> dict[str, float]:
    latencies = sorted(latencies)
    n = len(latencies)
    return {"requests": n, "errors": errors, "rps": n / seconds, "cpu_us": cpu / max(n, 1) * 1e6,
            "p50": latencies[n // 2] * 1000 if n else float("nan"),
            "p99": latencies[min(n - 1, int(n * 0.99))] * 1000 if n else float("nan")}


def wait_ready(port: int, path: str, body: bytes, proc: subprocess.Popen, timeout: float = 60) -> None:
    """Poll with a real request: ``openssl ocsp`` serves one connection at a time and would
    block on a connection that is opened and closed without a request."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {Path(proc.args[0]).name}")
        try:
            if post(port, path, body).startswith(b"HTTP/1."):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def warm(port: int, path: str, requests: list[bytes], revoked: set[int]) -> float:
    start = time.perf_counter()
    answers = [post(port, path, body) for body in requests]
    elapsed = time.perf_counter() - start
    for answer in answers:
        check(answer.partition(b"\r\n\r\n")[2], revoked)
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--certs", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--working-set", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (--seconds split among them)")
    parser.add_argument("--multi", type=int, default=os.cpu_count() or 1, help="openssl ocsp -multi N (0: skip)")
    args = parser.parse_args()
    if shutil.which("openssl") is None:
        print("openssl not installed: nothing to compare with")
        return 1
    with tempfile.TemporaryDirectory(prefix="bench-ocsp-") as tmp:
        directory = Path(tmp)
        t0 = time.perf_counter()
        jpki, serials, revoked = build_store(directory / "jlis.db", args.certs)
        command = write_openssl_index(directory, jpki, serials, revoked)
        requests = make_requests(jpki, serials, min(args.working_set, len(serials)))
        print(f"setup: {args.certs:,} certificates ({len(revoked):,} revoked) in both stores, "
              f"{len(requests):,}-request working set, {time.perf_counter() - t0:.1f} s")
        multi = f"openssl ocsp -multi {args.multi}"
        names = ["openssl ocsp -index", *([multi] if args.multi > 1 else []), "labkit jlis serve"]
        servers: dict[str, tuple[subprocess.Popen, int, str, float]] = {}
        try:
            for name in names:
                port = free_port()
                if name.startswith("openssl"):
                    cmd = [*command, "-port", str(port), *(["-multi", str(args.multi)] if name == multi else [])]
                    path = "/"
                else:
                    cmd, path = [sys.executable, "-m", "labkit", "jlis", "serve", "--port", str(port),
                                 "--db", str(directory / "jlis.db")], "/ocsp"
                proc = subprocess.Popen(cmd, cwd=directory, stdout=subprocess.DEVNULL,
                                        stderr=open(directory / f"err-{len(servers)}", "w"),
                                        env={**os.environ, "PYTHONPATH": str(REPO)})
                servers[name] = (proc, port, path, 0.0)
                print(f"{name}: starting", flush=True)
                wait_ready(port, path, requests[0], proc)
                warm_s = warm(port, path, requests, revoked)
                servers[name] = (proc, port, path, warm_s)
                print(f"{name}: warm in {warm_s:.1f} s (answers checked)", flush=True)
            # Interleaved rounds: the other helpers' load on a shared machine falls on all alike.
            runs: dict[str, tuple[list[float], int, float]] = {name: ([], 0, 0.0) for name in names}
            for _ in range(args.rounds):
                for name in names:
                    proc, port, path, _ = servers[name]
                    cpu = cpu_seconds(proc.pid)
                    latencies, errors = load(port, path, requests, args.seconds / args.rounds, args.clients)
                    cpu = cpu_seconds(proc.pid) - cpu
                    runs[name] = (runs[name][0] + latencies, runs[name][1] + errors, runs[name][2] + cpu)
        finally:
            for proc, *_ in servers.values():
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        results = {name: {**summary(*runs[name], args.seconds), "warm": servers[name][3]} for name in names}
        print(f"\n{args.clients} clients, {args.seconds:g} s each in {args.rounds} interleaved rounds, loopback, "
              "one connection per request")
        print(f"{'responder':<24}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'warm-up s':>11}"
              f"{'server CPU µs/req':>19}")
        for name, r in results.items():
            print(f"{name:<24}{r['rps']:>9.0f}{r['p50']:>9.2f}{r['p99']:>9.2f}{r['errors']:>8}{r['warm']:>11.1f}"
                  f"{r['cpu_us']:>19.0f}")
        ours = results["labkit jlis serve"]
        for name in results:
            if name.startswith("openssl"):
                print(f"ratio labkit / {name}: {ours['rps'] / max(results[name]['rps'], 1e-9):.2f}x req/s (goal >= 2x)")
        print(f"labkit p99 {ours['p99']:.1f} ms (goal <= 10 ms)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
