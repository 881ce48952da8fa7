"""J-LIS fixtures: a fresh lab per test over session-wide RSA key pools."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from jlis_support import Lab, new_key

from labkit.clock import SimulatedClock
from labkit.jlis.service import JlisService
from labkit.pki import Jpki, MemoryStore, Store


@pytest.fixture(scope="session")
def ca_keys() -> list[rsa.RSAPrivateKey]:
    return [new_key() for _ in range(4)]


@pytest.fixture(scope="session")
def phone_keys() -> list[rsa.RSAPrivateKey]:
    return [new_key() for _ in range(10)]


@pytest.fixture(scope="session")
def card_keys() -> list[rsa.RSAPrivateKey]:
    return [new_key() for _ in range(6)]


@pytest.fixture(autouse=True)
def fast_card_keys(monkeypatch: pytest.MonkeyPatch, card_keys: list[rsa.RSAPrivateKey]) -> None:
    """Cards 'generate' their keys from a pool (each card still gets distinct keys)."""
    monkeypatch.setattr("labkit.card._rsa.generate_key", itertools.cycle(card_keys).__next__)


@pytest.fixture
def make_lab(ca_keys: list[rsa.RSAPrivateKey], phone_keys: list[rsa.RSAPrivateKey]) -> Callable[..., Lab]:
    def make(start: str = "2026-04-01T10:00:00+09:00", store: Store | None = None) -> Lab:
        clock = SimulatedClock(start)
        jpki = Jpki.create(store or MemoryStore(), clock, key_factory=itertools.cycle(ca_keys).__next__)
        return Lab(clock, jpki, JlisService(jpki), phone_keys)
    return make


@pytest.fixture
def lab(make_lab: Callable[..., Lab]) -> Iterator[Lab]:
    yield make_lab()
