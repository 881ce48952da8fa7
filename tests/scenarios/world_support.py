"""Helpers for the phone, services and scenario tests: a pool of pre-generated RSA keys (key
generation is the suite's only real cost) and world builders on the simulated clock, whose
back office is in process or (:func:`office_mode` ``"remote"``) the same office reached over
HTTP, so every call crosses the wire codec as a shared ``labkit jlis serve`` would."""

from __future__ import annotations

import contextvars
import itertools
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from labkit.card import _rsa
from labkit.clock import SimulatedClock
from labkit.office.compose import Office
from labkit.phone import Phone
from labkit.world import Person, World

#: How the scenario worlds reach their back office.
OFFICE_MODES = ("in_process", "remote")

#: Run a scenario in both OFFICE_MODES. Every scenario runs in process; the marked subset is
#: what crosses the wire in a way the in-process run cannot show: each kind of back-office
#: call and its answer (application, push, registration, usage, loss report, revocation,
#: counter work) and the bilingual refusals coming back as JSON. Rules that the back office
#: computes the same way wherever it runs (push times, offline periods, SE and app checks)
#: stay in process.
over_http = pytest.mark.parametrize("office", OFFICE_MODES, indirect=True)
_mode = contextvars.ContextVar("office_mode", default="in_process")

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


@contextmanager
def office_mode(mode: str) -> Iterator[None]:
    """Worlds made inside reach their office ``"in_process"`` or ``"remote"``."""
    token = _mode.set(mode)
    try:
        yield
    finally:
        _mode.reset(token)


def new_world(now: str = "2026-04-01T10:00:00+09:00", **options: object) -> World:
    if _mode.get() == "in_process":
        return World.create(now=now, key_factory=pooled_key, **options)  # type: ignore[arg-type]
    office = Office.in_process(SimulatedClock(now), key_factory=pooled_key,
                               push_policy=options.pop("push_policy", None))  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette suggests httpx2 for its test client
        from starlette.testclient import TestClient

        client = TestClient(office.app())
    return World(Office.remote("http://testserver", client=client), **options)  # type: ignore[arg-type]


def registered(world: World, key: str = "sample", **phone_options: object) -> tuple[Person, Phone]:
    """A resident with a phone that has applied and registered both certificates."""
    person = world.resident(key)
    phone = world.new_phone(person, **phone_options)  # type: ignore[arg-type]
    world.apply(person, phone)
    return person, phone


def shared_registered() -> Iterator[tuple[World, Person, Phone]]:
    """One world with a registered phone (keys from the pool) for a module's tests that do not
    change its certificates; a module makes it its module-scoped ``shared`` fixture."""
    with pooled_keys():
        world = new_world()
        person, phone = registered(world)
    yield world, person, phone
    world.close()
