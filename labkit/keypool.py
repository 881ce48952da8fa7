"""Pre-generated RSA-2048 key pairs, so that no page waits for key generation.

A lab world needs about six RSA-2048 keys (two lab CA roots, two OCSP responders, the
card's two keys) and each application two more in the phone's SE. Generating one takes
50-500 ms of CPU, which is most of a lab page's load when 40 students arrive together.
Nothing in the lab depends on *when* a key was made, so keys are made ahead:

- the shared pool: an SQLite file (``LABKIT_KEY_POOL``) that ``python -m labkit.keypool
  fill`` stocks once per server (``make run`` does); each key is *claimed* (deleted in the
  same transaction), so no two kernels, worlds or cards ever hold the same private key;
- the kernel's own stock: :func:`prefetch` moves keys into memory while a preheated kernel
  waits for its student (``labkit.preheat``);
- otherwise a fresh key is generated, exactly as before.

Lab assumption (ラボの想定): a real chip generates its key pair when asked; the emulated
chip takes a key pair made earlier by the same lab software. It is still used by one chip
only and never leaves it.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ENV = "LABKIT_KEY_POOL"
KEY_BITS = 2048
_SCHEMA = "CREATE TABLE IF NOT EXISTS rsa2048 (id INTEGER PRIMARY KEY, der BLOB NOT NULL)"

_stock: list[rsa.RSAPrivateKey] = []
_lock = threading.Lock()


def generate() -> rsa.RSAPrivateKey:
    """A fresh RSA-2048 key pair, e = 65537."""
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


def _to_der(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                             serialization.NoEncryption())


def _from_der(der: bytes) -> rsa.RSAPrivateKey:
    # Made by generate() on this machine: the ~30 ms consistency check is skipped.
    key = serialization.load_der_private_key(der, password=None, unsafe_skip_rsa_key_validation=True)
    if not isinstance(key, rsa.RSAPrivateKey) or key.key_size != KEY_BITS:
        raise ValueError("the key pool holds something other than an RSA-2048 private key")
    return key


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute(_SCHEMA)
    return db


def pool_path() -> Path | None:
    """The shared pool of this server, if one is configured (``LABKIT_KEY_POOL``)."""
    value = os.environ.get(ENV)
    return Path(value) if value else None


def claim(count: int, path: Path | None = None) -> list[rsa.RSAPrivateKey]:
    """Up to ``count`` keys taken out of the shared pool (fewer if it runs low; none without
    a pool). A claimed key is gone from the pool: it is never handed out twice."""
    path = pool_path() if path is None else path
    if path is None or count <= 0 or not path.exists():
        return []
    try:
        db = _connect(path)
        try:
            rows = db.execute("DELETE FROM rsa2048 WHERE id IN (SELECT id FROM rsa2048 LIMIT ?) RETURNING der",
                              (count,)).fetchall()
        finally:
            db.close()
    except sqlite3.Error:  # a broken or busy pool file: fall back to generating
        return []
    return [_from_der(der) for (der,) in rows]


def size(path: Path | None = None) -> int:
    """How many keys the shared pool holds now."""
    path = pool_path() if path is None else path
    if path is None or not path.exists():
        return 0
    db = _connect(path)
    try:
        return int(db.execute("SELECT count(*) FROM rsa2048").fetchone()[0])
    finally:
        db.close()


def fill(path: Path, count: int, *, orphaned: Callable[[], bool] = lambda: False) -> int:
    """Generate keys into the pool at ``path`` until it holds ``count`` (or ``orphaned()``);
    returns how many were added. Each key is committed as soon as it is made, so kernels can
    claim at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    added = 0
    db = _connect(path)
    try:
        while int(db.execute("SELECT count(*) FROM rsa2048").fetchone()[0]) < count and not orphaned():
            db.execute("INSERT INTO rsa2048 (der) VALUES (?)", (_to_der(generate()),))
            added += 1
    finally:
        db.close()
    return added


def prefetch(count: int) -> int:
    """Make sure this kernel holds ``count`` keys in memory (claimed from the shared pool,
    else generated); called while a preheated kernel waits. Returns the stock size."""
    with _lock:
        missing = count - len(_stock)
    if missing > 0:
        keys = claim(missing)
        keys += [generate() for _ in range(missing - len(keys))]
        with _lock:
            _stock.extend(keys)
    with _lock:
        return len(_stock)


def rsa_2048() -> rsa.RSAPrivateKey:
    """A new RSA-2048 key pair for one CA, responder or chip: from this kernel's stock,
    else from the shared pool, else freshly generated."""
    with _lock:
        if _stock:
            return _stock.pop()
    keys = claim(1)
    return keys[0] if keys else generate()


def idle_priority() -> str:
    """Run this process on CPU time nobody else wants (Linux SCHED_IDLE), else at the lowest
    nice level: stocking keys must never slow a student's page. Returns which one it got."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
        return "idle"
    except (AttributeError, OSError):
        os.nice(19 - os.nice(0))
        return "nice 19"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m labkit.keypool",
                                     description="Stock the shared RSA key pool of a course server.")
    sub = parser.add_subparsers(dest="command", required=True)
    stock = sub.add_parser("fill", help="generate keys until the pool holds COUNT")
    stock.add_argument("path", type=Path)
    stock.add_argument("--count", type=int, default=400)
    keep = sub.add_parser("keep", help="top the pool up to COUNT every EVERY seconds (a hub service)")
    keep.add_argument("path", type=Path)
    keep.add_argument("--count", type=int, default=400)
    keep.add_argument("--every", type=float, default=30)
    for command in (stock, keep):
        command.add_argument("--parent", type=int, default=None,
                             help="stop when this process (the server that started us) is gone")
    show = sub.add_parser("size", help="print how many keys the pool holds")
    show.add_argument("path", type=Path)
    args = parser.parse_args(argv)
    parent = getattr(args, "parent", None) or os.getppid()

    def orphaned() -> bool:  # the server that started us is gone: stop, do not linger
        return os.getppid() != parent

    if args.command in ("fill", "keep"):
        idle_priority()
    if args.command == "fill":
        added = fill(args.path, args.count, orphaned=orphaned)
        print(f"{args.path}: {size(args.path)} keys ({added} added)")
    elif args.command == "keep":
        while not orphaned():  # until the hub stops the service
            fill(args.path, args.count, orphaned=orphaned)
            time.sleep(args.every)
    else:
        print(size(args.path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
