"""Hypothesis fuzzing of the ISD (plain and inside an authenticated level-33 session, so the
content-management handlers see arbitrary data), the JPKI AP and the ARA-M: never an
internal error, never key material in a response, and a locked SE stays locked."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from se_support import JPKI_SELECT

from labkit.apdu import CommandAPDU, ResponseAPDU
from labkit.card import KeyRole
from labkit.se import (
    ARA_M_AID,
    CardLifeCycle,
    GlobalPlatformHost,
    SecureElement,
    SecurityLevel,
    StaticKeys,
    TamperPolicy,
)

pytestmark = pytest.mark.timeout(300)

FUZZ = settings(max_examples=250, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
#: Not the well-known test keys, so that a key in a response could not be a coincidence.
ISD_KEYS = StaticKeys(bytes.fromhex("8D1A4C70F2E3B95612AA04D7C3E08F61"),
                      bytes.fromhex("5B0E9A33C47DF2186B2E90AA1C5D7E04"),
                      bytes.fromhex("E1C0F3A2B4D6987A6C5E3F1D2B0A9C8E"), 0x30)

CLAS = st.sampled_from([0x00, 0x01, 0x04, 0x0C, 0x10, 0x40, 0x60, 0x80, 0x81, 0x84, 0x8C, 0x90, 0xC0, 0xE0, 0xFF])
COMMANDS = st.one_of(
    st.builds(lambda cla, ins, p1, p2, data, ne: CommandAPDU(cla, ins, p1, p2, data, ne).to_bytes(),
              CLAS, st.integers(0, 255), st.integers(0, 255), st.integers(0, 255), st.binary(max_size=40),
              st.one_of(st.none(), st.integers(1, 256))),
    st.binary(max_size=12),  # malformed lengths, 0-3 byte APDUs, ...
)


def _secrets(se: SecureElement) -> list[bytes]:
    """16-byte fragments of every secret the SE holds: ISD keys and RSA private numbers."""
    out = []
    for slot in se.isd.keys.slots.values():
        out += [slot.keys.enc, slot.keys.mac, slot.keys.dek]
    if se.jpki is not None:
        for role in KeyRole:
            if se.jpki.has_key(role):
                numbers = se.jpki.sealed_keys[role].private_numbers()
                for value in (numbers.d, numbers.p, numbers.q, numbers.dmp1, numbers.dmq1):
                    raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
                    out += [raw[:16], raw[len(raw) // 2:len(raw) // 2 + 16]]
    return out


def _check(response: bytes, secrets: list[bytes]) -> None:
    assert isinstance(response, bytes) and len(response) >= 2
    assert response[-2:] != b"\x6f\x00", "an internal error reached the transport"
    assert not any(secret in response for secret in secrets), "key material in a response"


@pytest.fixture
def fuzz_se(provisioned: Callable[..., SecureElement]) -> SecureElement:
    """A provisioned SE whose policy never erases (so the keys stay there to leak, or not)."""
    return provisioned(policy=TamperPolicy(probe_limit=10**6, blocked_pin_attempts=10**6))


@FUZZ
@given(commands=st.lists(COMMANDS, min_size=1, max_size=8))
def test_fuzz_isd_and_jpki_plain(fuzz_se: SecureElement, commands: list[bytes]) -> None:
    secrets = _secrets(fuzz_se)
    for target in (bytes.fromhex("00A4040000"), JPKI_SELECT, bytes.fromhex("00A4040009") + ARA_M_AID):
        fuzz_se.transmit(target)
        for command in commands:
            _check(fuzz_se.transmit(command), secrets)


@FUZZ
@given(commands=st.lists(st.tuples(st.sampled_from([0x80, 0x00]), st.integers(0, 255), st.integers(0, 255),
                                   st.integers(0, 255), st.binary(max_size=60)), min_size=1, max_size=6))
def test_fuzz_authenticated_isd(commands: list[tuple[int, int, int, int, bytes]]) -> None:
    """Arbitrary commands, correctly wrapped at level 33, reach the content-management
    handlers with arbitrary data: nothing breaks, no key leaves."""
    se = SecureElement(isd_keys=ISD_KEYS)
    gp = GlobalPlatformHost(se.transmit)
    gp.select_isd()
    gp.open_secure_channel(ISD_KEYS, SecurityLevel.FULL)
    secrets = _secrets(se)
    for cla, ins, p1, p2, data in commands:
        if ins in (0x50, 0x82, 0xA4, 0x70, 0xC0):
            continue  # handshake, selection and transport commands would end the session
        wrapped = gp.session.wrap_command(CommandAPDU(cla | 0x80, ins, p1, p2, data, ne=256))  # type: ignore[union-attr]
        raw = se.transmit(wrapped.to_bytes())
        _check(raw, secrets)
        response = ResponseAPDU.from_bytes(raw)
        if response.sw == 0x6982:
            break  # the session was aborted (e.g. a refused level): later commands are plain refusals
        gp.session.unwrap_response(response)  # type: ignore[union-attr]  # a valid R-MAC on every protected answer


@FUZZ
@given(commands=st.lists(COMMANDS, min_size=1, max_size=10))
def test_fuzz_locked_se_stays_locked(provisioned: Callable[..., SecureElement], commands: list[bytes]) -> None:
    se = provisioned()
    if se.registry.card_state != CardLifeCycle.CARD_LOCKED:
        gp = GlobalPlatformHost(se.transmit)
        gp.select_isd()
        gp.open_secure_channel(StaticKeys.default_test_keys(), SecurityLevel.FULL)
        gp.set_status(0x80, CardLifeCycle.CARD_LOCKED)
        se.power_on()
    for command in commands:
        se.transmit(command)
    assert se.registry.card_state in (CardLifeCycle.CARD_LOCKED, CardLifeCycle.TERMINATED)
    assert se.transmit(JPKI_SELECT)[-2:] == b"\x6a\x81"
    se.close()
