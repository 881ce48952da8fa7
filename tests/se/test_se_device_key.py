"""The device key in the SE's JPKI AP (lab assumption, :mod:`labkit.se.device_key`): made
inside the chip once, reached through OMAPI by the Mynaportal app only, a counter that only
goes up and survives a reload of the SE, and untouched by the erasure of the certificates."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from se_support import omapi_for

from labkit.apdu import SW, StatusWordError
from labkit.card import Aid
from labkit.errors import AccessDeniedError
from labkit.se import AppIdentity, JpkiProvisioningClient, SecureElement
from labkit.se.device_key import proof_message

JPKI = bytes(Aid.JPKI)


def client_for(se: SecureElement, app: AppIdentity) -> JpkiProvisioningClient:
    channel = omapi_for(se, app).get_readers()[0].open_session().open_logical_channel(JPKI)
    assert channel is not None
    return JpkiProvisioningClient(channel.transmit)


def test_device_key_signs_with_a_counter_that_survives_a_reload(tmp_path: Path, mynaportal: AppIdentity) -> None:
    path = tmp_path / "se.db"
    se = SecureElement(path, mynaportal=mynaportal)
    client = client_for(se, mynaportal)
    public = client.device_public_key()
    assert client.device_public_key().public_numbers() == public.public_numbers()  # made once
    challenge = hashlib.sha256(b"poll p1").digest()
    counters = []
    for _ in range(3):
        counter, signature = client.device_sign(challenge)
        public.verify(signature, proof_message(counter, challenge), padding.PKCS1v15(), hashes.SHA256())
        counters.append(counter)
    assert counters == [1, 2, 3]
    with pytest.raises(StatusWordError) as info:
        client.device_sign(b"short")
    assert info.value.sw == SW.WRONG_LENGTH
    client.erase()  # 80 E4: the certificates' keys, not the phone's own key
    assert client.device_sign(challenge)[0] == 4
    se.close()

    again = SecureElement(path, mynaportal=mynaportal)  # the chip's memory outlives the objects
    client = client_for(again, mynaportal)
    assert client.device_public_key().public_numbers() == public.public_numbers()
    assert client.device_sign(challenge)[0] == 5
    keys = again.store.read_sections()
    assert "device" in keys[f"keys/{JPKI.hex().upper()}"]  # with the other keys, scrubbed like them
    again.close()


def test_no_other_app_reaches_the_device_key(provisioned: Callable[..., SecureElement],
                                             other_app: AppIdentity) -> None:
    se = provisioned()
    with pytest.raises(AccessDeniedError):
        client_for(se, other_app)
