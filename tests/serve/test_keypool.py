"""The RSA key pool: keys made ahead, each handed out once, never a failure on the way."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from labkit import keypool


def _modulus(key) -> int:
    return key.public_key().public_numbers().n


@pytest.fixture(autouse=True)
def _empty_stock(monkeypatch):
    monkeypatch.setattr(keypool, "_stock", [])
    monkeypatch.delenv(keypool.ENV, raising=False)


def test_fill_then_claim_hands_each_key_out_once(tmp_path: Path) -> None:
    pool = tmp_path / "keys.sqlite"
    assert keypool.fill(pool, 3) == 3
    assert keypool.fill(pool, 3) == 0  # already stocked
    first = keypool.claim(2, pool)
    rest = keypool.claim(5, pool)  # fewer left than asked
    assert len(first) == 2 and len(rest) == 1
    moduli = {_modulus(k) for k in first + rest}
    assert len(moduli) == 3
    assert all(k.key_size == 2048 and k.public_key().public_numbers().e == 65537 for k in first + rest)
    assert keypool.size(pool) == 0 and keypool.claim(1, pool) == []


def test_a_claimed_key_signs_and_verifies(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    pool = tmp_path / "keys.sqlite"
    keypool.fill(pool, 1)
    (key,) = keypool.claim(1, pool)
    sig = key.sign(b"lab", padding.PKCS1v15(), hashes.SHA256())
    key.public_key().verify(sig, b"lab", padding.PKCS1v15(), hashes.SHA256())


def test_new_keys_come_from_the_stock_then_the_pool_then_generation(tmp_path: Path, monkeypatch) -> None:
    pool = tmp_path / "keys.sqlite"
    keypool.fill(pool, 3)
    monkeypatch.setenv(keypool.ENV, str(pool))
    assert keypool.prefetch(2) == 2  # claimed from the pool into this process
    assert keypool.size(pool) == 1
    a, b = keypool.rsa_2048(), keypool.rsa_2048()
    assert keypool.size(pool) == 1  # the stock served them
    c = keypool.rsa_2048()
    assert keypool.size(pool) == 0  # then the pool
    d = keypool.rsa_2048()  # then a fresh key
    assert len({_modulus(k) for k in (a, b, c, d)}) == 4


def test_a_broken_pool_file_falls_back_to_generating(tmp_path: Path, monkeypatch) -> None:
    bad = tmp_path / "keys.sqlite"
    bad.write_bytes(b"not a database at all" * 100)
    monkeypatch.setenv(keypool.ENV, str(bad))
    assert keypool.rsa_2048().key_size == 2048


def test_two_pools_claiming_concurrently_never_share_a_key(tmp_path: Path) -> None:
    import threading

    pool = tmp_path / "keys.sqlite"
    keypool.fill(pool, 8)
    got: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(3):
            keys = keypool.claim(1, pool)
            with lock:
                got.extend(_modulus(k) for k in keys)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(got) == 8 and len(set(got)) == 8
    with sqlite3.connect(pool) as db:
        assert db.execute("SELECT count(*) FROM rsa2048").fetchone()[0] == 0


def test_the_cli_stocks_a_pool(tmp_path: Path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(keypool, "idle_priority", lambda: "idle")  # not this test process
    pool = tmp_path / "p.sqlite"
    assert keypool.main(["fill", str(pool), "--count", "2"]) == 0
    assert "2 keys (2 added)" in capsys.readouterr().out
    keypool.main(["size", str(pool)])
    assert capsys.readouterr().out.strip() == "2"


def test_a_lab_world_takes_its_keys_from_the_stock(monkeypatch) -> None:
    from labkit.world import World

    keypool.prefetch(10)
    before = len(keypool._stock)
    with World.create() as world:
        world.resident("sample")
    assert before - len(keypool._stock) == 6  # 2 roots, 2 OCSP responders, the card's 2 keys


def test_the_pool_is_stocked_on_idle_cpu_only(tmp_path) -> None:
    """`labkit.keypool fill` (what `make run` and the hub start) runs under SCHED_IDLE, so key
    generation takes only CPU time that no kernel or server wants."""
    import subprocess
    import sys
    import time

    proc = subprocess.Popen([sys.executable, "-m", "labkit.keypool", "fill", str(tmp_path / "k.sqlite"),
                             "--count", "200"])
    try:
        deadline = time.monotonic() + 30
        policy = None
        while time.monotonic() < deadline and proc.poll() is None:
            policy = os.sched_getscheduler(proc.pid)
            if policy == os.SCHED_IDLE:
                break
            time.sleep(0.05)
        assert policy == os.SCHED_IDLE
    finally:
        proc.kill()
        proc.wait()


def test_a_filler_whose_server_is_gone_stops(tmp_path) -> None:
    """A course server that stops (or is killed) leaves no key generator running on: the
    filler notices it was orphaned and exits after the key it is making."""
    import subprocess
    import sys

    import psutil

    pid_file = tmp_path / "pid"
    server = ("import os, subprocess, sys; p = subprocess.Popen([sys.executable, '-m', 'labkit.keypool', 'fill', "
              f"{str(tmp_path / 'k.sqlite')!r}, '--count', '100000', '--parent', str(os.getpid())]); "
              f"open({str(pid_file)!r}, 'w').write(str(p.pid)); import time; time.sleep(2)")
    subprocess.run([sys.executable, "-c", server], check=True, timeout=60)  # starts it, waits 2 s, exits
    filler = psutil.Process(int(pid_file.read_text()))
    try:
        filler.wait(timeout=30)
    except psutil.TimeoutExpired:
        filler.kill()
        raise AssertionError("the orphaned filler kept generating keys") from None
    assert 0 < keypool.size(tmp_path / "k.sqlite") < 100000
