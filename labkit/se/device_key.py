"""The phone's device key (端末鍵) in the SE's JPKI AP, and the device proof it signs.

**Lab assumption (ラボの想定).** The lecture does not say how J-LIS knows that a poll for
push notifications, a registration or a status request really comes from the phone that
applied. The lab assumes a key pair generated once inside the SE — the private key never
leaves the emulated chip — whose public key the Mynaportal app puts into the card-signed
application (``ApplicationRequest.device_key``). J-LIS binds it to the phone, and every
device endpoint then wants a *device proof*: a signature by that key over the action, the
device id, the application id (if any) and a counter.

The counter lives in the SE, next to the key, and goes up by one with every signature (as a
FIDO authenticator's signature counter does): the app cannot rewind it, and J-LIS accepts a
counter only if it is higher than the last one it saw from that phone, so a proof cannot be
replayed. APDUs (CLA ``80``, reached through OMAPI by the Mynaportal app only, as the ARA-M
rule allows; P2 ``9D`` = ``80 | 1D``, a lab-assumed key EF 001D):

==========================  ==================================================================
``80 46 00 9D``             the device public key ``7F49 {81 n, 82 e}``; generated inside the
                            SE the first time, then always the same (never replaced; not
                            erased by ``80 E4``, which erases the certificates' keys only).
``80 2A 00 9D 20 <32>``     DEVICE SIGN: counter += 1, then the RSA-2048 PKCS#1 v1.5 SHA-256
                            signature of :func:`proof_message` (counter, 32-byte challenge);
                            answers the 8-byte counter and the signature. No PIN: it proves
                            the phone, not the person.
==========================  ==================================================================
"""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

from ..apdu import SW, StatusWordError
from ..card import _rsa
from ..pki.signer import HashAlg, digest_info

__all__ = ["CHALLENGE_BYTES", "COUNTER_BYTES", "DEVICE_KEY_P2", "MAX_COUNTER", "DeviceKeySlot", "proof_message"]

#: P2 of GENERATE KEY PAIR / COMPUTE SIGNATURE for the device key (``80 | EF 001D``, lab-assumed).
DEVICE_KEY_P2 = 0x9D
COUNTER_BYTES = 8
CHALLENGE_BYTES = 32
MAX_COUNTER = 2**53  # fits JSON's safe integers
_LABEL = b"labkit-device-proof-v1\n"


def proof_message(counter: int, challenge: bytes) -> bytes:
    """What the SE signs for one proof: a label, the counter (8 bytes, big-endian) and the
    app's 32-byte challenge (a hash of action, device id and application id)."""
    return _LABEL + counter.to_bytes(COUNTER_BYTES, "big") + challenge


class DeviceKeySlot:
    """The device key and its signature counter (the SE's own storage for them). Also the
    software stand-in the demo world and tests use for a phone without a whole SE."""

    def __init__(self, key: rsa.RSAPrivateKey | None = None, counter: int = 0) -> None:
        self._der = bytearray(_rsa.private_to_der(key)) if key is not None else bytearray()
        self._key = key
        self.counter = counter

    @property
    def present(self) -> bool:
        return bool(self._der)

    def public_key(self) -> rsa.RSAPublicKey:
        """The public key, generating the pair inside the chip the first time."""
        if not self._der:
            self._key = _rsa.generate_key()
            self._der[:] = _rsa.private_to_der(self._key)
            self.counter = 0
        return self._private().public_key()

    def public_spki(self) -> bytes:
        return _rsa.public_der(self.public_key())

    def _private(self) -> rsa.RSAPrivateKey:
        if self._key is None:
            self._key = _rsa.private_from_der(bytes(self._der))
        return self._key

    def sign(self, challenge: bytes) -> tuple[int, bytes]:
        """One proof: the new counter and the signature of :func:`proof_message`."""
        if len(challenge) != CHALLENGE_BYTES:
            raise StatusWordError(SW.WRONG_LENGTH)
        if not self._der or self.counter >= MAX_COUNTER:
            raise StatusWordError(SW.CONDITIONS_NOT_SATISFIED)
        self.counter += 1
        message = proof_message(self.counter, challenge)
        return self.counter, _rsa.sign_raw(self._private(), digest_info(HashAlg.SHA256,
                                                                         hashlib.sha256(message).digest()))

    def erase(self) -> None:
        """Zeroise the key (tamper response); the counter is kept, a new key starts from it."""
        self._der[:] = b"\x00" * len(self._der)
        self._der.clear()
        self._key = None

    # -- EEPROM image ------------------------------------------------------------------------
    def dump(self) -> dict[str, Any]:
        return {"key": bytes(self._der).hex(), "counter": self.counter} if self._der else {}

    @classmethod
    def restore(cls, data: dict[str, Any]) -> DeviceKeySlot:
        slot = cls(counter=int(data.get("counter", 0)))
        if data.get("key"):
            slot._der[:] = bytes.fromhex(str(data["key"]))
            slot._private()  # a corrupt image fails here, not at the first proof
        return slot
