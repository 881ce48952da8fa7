"""PKI fixtures. RSA keys are generated once per session and reused: CA keys cycle through
a pool of four (so every Jpki gets the same roots' keys), end-entity keys come from another
pool, and a foreign key makes an untrusted CA."""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from pki_support import make_holder

from labkit.clock import SimulatedClock
from labkit.pki import Holder, Jpki, MemoryStore, SqliteStore, Store


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def ca_keys() -> list[rsa.RSAPrivateKey]:
    return [_key() for _ in range(4)]


@pytest.fixture(scope="session")
def ee_keys() -> list[rsa.RSAPrivateKey]:
    return [_key() for _ in range(3)]


@pytest.fixture
def ca_key_factory(ca_keys: list[rsa.RSAPrivateKey]) -> Callable[[], rsa.RSAPrivateKey]:
    return itertools.cycle(ca_keys).__next__


@pytest.fixture
def ee_key(ee_keys: list[rsa.RSAPrivateKey]) -> rsa.RSAPrivateKey:
    return ee_keys[0]


@pytest.fixture
def make_jpki(ca_key_factory: Callable[[], rsa.RSAPrivateKey], clock: SimulatedClock
              ) -> Callable[..., Jpki]:
    def make(store: Store | None = None, *, clock: SimulatedClock = clock, **kwargs: object) -> Jpki:
        return Jpki.create(store or MemoryStore(), clock, key_factory=ca_key_factory, **kwargs)
    return make


@pytest.fixture
def jpki(make_jpki: Callable[..., Jpki]) -> Jpki:
    return make_jpki()


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    s: Store = MemoryStore() if request.param == "memory" else SqliteStore(tmp_path / "jlis.db")
    yield s
    s.close()


@pytest.fixture
def holder() -> Holder:
    """An adult: born 1990-07-15, card valid to 2035-07-15 (the clock is 2026-04-01 JST)."""
    return make_holder()


@pytest.fixture(scope="session")
def openssl() -> str:
    path = shutil.which("openssl")
    if path is None:
        pytest.skip("the openssl command line is not installed (apt-get install openssl)")
    return path
