"""Shared fixtures. Actor-specific fixtures live in each test folder's conftest."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date

import pytest
from pcscd import IssuedCard, PcscStack, StackUnavailable, VirtualSlot, stack_missing

from labkit.card import MyNumberCard
from labkit.card.personalise import personalise
from labkit.clock import SimulatedClock
from labkit.pki import BasicAttributes, Holder, Jpki, MemoryStore, Sex


def pytest_configure(config: pytest.Config) -> None:
    """The shared lab PKI (labkit.pki.shared) of every command a test starts lives in a
    private temporary file, never in the user's ~/.local/share (subprocesses inherit it)."""
    import tempfile

    shared = os.path.join(tempfile.mkdtemp(prefix="labkit-pki-"), "jlis.db")
    os.environ["LABKIT_PKI_DB"] = shared


@pytest.fixture
def clock() -> SimulatedClock:
    """A simulated clock at a fixed, ordinary weekday morning (JST)."""
    return SimulatedClock("2026-04-01T10:00:00+09:00")


# --- My Number Card and PC/SC fixtures (reader engineer; documented in tests/pcscd.py) -----

@pytest.fixture(scope="session")
def issued_card() -> IssuedCard:
    """A sample resident's card: keys generated on the card, certificates from labkit.pki."""
    jpki = Jpki.create(MemoryStore(), SimulatedClock("2026-04-01T10:00:00+09:00"))
    holder = Holder("reader-test-1", BasicAttributes("見本\u3000花子", Sex.FEMALE, date(1990, 2, 17),
                                                     "東京都清瀬市中里５丁目８４２番地"),
                    "Tokyo", "Kiyose-shi", date(2035, 2, 17))
    card = personalise(jpki, holder, my_number="123456789018", auth_pin="1234", sign_password="ABC123")
    return IssuedCard(card.to_state(), jpki, holder)


@pytest.fixture
def jpki_card(issued_card: IssuedCard) -> MyNumberCard:
    """A fresh copy of the session's personalised card (PIN tries full)."""
    return issued_card.new()


@pytest.fixture(scope="session")
def pcsc_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PcscStack]:
    """A private pcscd with vpcd's two slots (see tests/pcscd.py). Skips where the stack
    cannot run; with CI=true as root a missing stack is a failure, not a skip."""
    in_ci = os.environ.get("CI", "").lower() == "true"
    reason = stack_missing()
    if reason:
        if in_ci and os.geteuid() == 0:
            pytest.fail(f"CI runs as root but the PC/SC stack is missing: {reason}")
        pytest.skip(reason)
    stack = PcscStack(tmp_path_factory.mktemp("pcsc"), lock_timeout=90)
    try:
        stack.start()
    except StackUnavailable as exc:
        if in_ci:
            pytest.fail(f"pcscd could not start in CI: {exc}")
        pytest.skip(str(exc))
    yield stack
    stack.stop()


def _slot(stack: PcscStack, index: int) -> Iterator[VirtualSlot]:
    slot = stack.slots[index]
    slot.wait_absent()  # a previous test left nothing behind
    try:
        yield slot
    finally:
        slot.detach()
        slot.wait_absent()


@pytest.fixture
def vpcd_slot0(pcsc_stack: PcscStack) -> Iterator[VirtualSlot]:
    """Reader "Virtual PCD 00 00" (TCP 35963), empty; ``attach(device)`` inserts a card."""
    yield from _slot(pcsc_stack, 0)


@pytest.fixture
def vpcd_slot1(pcsc_stack: PcscStack) -> Iterator[VirtualSlot]:
    """Reader "Virtual PCD 00 01" (TCP 35964), empty: the phone SE's slot."""
    yield from _slot(pcsc_stack, 1)
