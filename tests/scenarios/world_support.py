"""Helpers for the phone, services and scenario tests: a pool of pre-generated RSA keys (key
generation is the suite's only real cost) and world builders on the simulated clock."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from labkit.card import _rsa
from labkit.phone import Phone
from labkit.world import Person, World

#: Enough distinct keys that no world ever sees the same key twice (a world uses ~8-14).
POOL_SIZE = 32


@cache
def _pool() -> tuple[rsa.RSAPrivateKey, ...]:
    return tuple(rsa.generate_private_key(public_exponent=65537, key_size=2048) for _ in range(POOL_SIZE))


_counter = itertools.count()
_lock = threading.Lock()


def pooled_key() -> rsa.RSAPrivateKey:
    """The next key of the pool (cards, SEs and CAs draw from it in turn)."""
    with _lock:
        return _pool()[next(_counter) % POOL_SIZE]


@contextmanager
def pooled_keys() -> Iterator[None]:
    """Card and SE key generation draw from the pool while inside."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(_rsa, "generate_key", pooled_key)
        yield


def new_world(now: str = "2026-04-01T10:00:00+09:00", **options: object) -> World:
    return World.create(now=now, key_factory=pooled_key, **options)  # type: ignore[arg-type]


def registered(world: World, key: str = "sample", **phone_options: object) -> tuple[Person, Phone]:
    """A resident with a phone that has applied and registered both certificates."""
    person = world.resident(key)
    phone = world.new_phone(person, **phone_options)  # type: ignore[arg-type]
    world.apply(person, phone)
    return person, phone
